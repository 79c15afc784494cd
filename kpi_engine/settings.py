"""Typed settings: the environment (database URL, user) and the business settings (currency, thresholds ...).

Two kinds, kept apart:

- :class:`EnvConfig` (pydantic-settings): where the database is and who is working, from the environment
  (``KPI_DB_URL``, ``KPI_USER``, ``KPI_SECRETS_FILE``) or the secrets file ``.streamlit/secrets.toml``
  (keys ``db_url``/``KPI_DB_URL``, ``user``/``KPI_USER``). The environment wins over the file. A secrets
  file that exists but cannot be read or parsed is an error (:class:`SecretsFileError`), never a silent
  fallback to another database; a missing file is fine.
- :class:`Settings`: the business constants with their defaults. The values in force live in the database
  (``kpi_engine.settings_store.load_settings``: defaults overlaid with the stored changes); this module
  never touches a database.

Resolution order for the database URL: explicit argument (``--db``), then ``$KPI_DB_URL``, then the
secrets file, then the embedded default file ``duckdb:///data/kpi.duckdb`` (relative to the current directory).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_DB_URL = "duckdb:///data/kpi.duckdb"
DB_URL_ENV = "KPI_DB_URL"
SECRETS_FILE_ENV = "KPI_SECRETS_FILE"
DEFAULT_SECRETS_FILE = Path(".streamlit") / "secrets.toml"
# keys of the secrets file, per EnvConfig field (either spelling)
_SECRET_KEYS = {"db_url": ("db_url", "KPI_DB_URL"), "user": ("user", "KPI_USER")}


class SecretsFileError(RuntimeError):
    """The secrets file exists but cannot be read or parsed (the message names the file, never its contents)."""


def secrets_path() -> Path:
    """The secrets file: ``$KPI_SECRETS_FILE``, else ``.streamlit/secrets.toml`` in the current directory."""
    return Path(os.environ.get(SECRETS_FILE_ENV, "").strip() or DEFAULT_SECRETS_FILE)


def read_secrets(path: Path | None = None) -> dict[str, Any]:
    """The secrets file as a dict; ``{}`` when there is none. Raises :class:`SecretsFileError` when it is unreadable."""
    path = path or secrets_path()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SecretsFileError(f"the secrets file {path} is not valid TOML ({exc}); fix or remove it") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretsFileError(f"the secrets file {path} cannot be read ({exc.__class__.__name__}: "
                               f"{getattr(exc, 'strerror', None) or exc}); fix its permissions or remove it") from None


class _SecretsSource(PydanticBaseSettingsSource):
    """EnvConfig values from the secrets file (below the environment)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = read_secrets()
        out: dict[str, Any] = {}
        for name, keys in _SECRET_KEYS.items():
            for key in keys:
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    out[name] = value.strip()
                    break
        return out


class EnvConfig(BaseSettings):
    """Environment and secrets: the database URL and the user (``KPI_DB_URL``, ``KPI_USER``, the secrets file)."""

    model_config = SettingsConfigDict(env_prefix="KPI_", extra="ignore", frozen=True)

    db_url: str | None = None
    user: str | None = None

    @field_validator("db_url", "user", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _SecretsSource(settings_cls)


def env_config() -> EnvConfig:
    """The environment/secrets configuration as of now (raises :class:`SecretsFileError` for a broken file)."""
    return EnvConfig()


def resolve_db_url(explicit: str | None = None) -> str:
    """The database URL: ``explicit`` if given, else $KPI_DB_URL, else the secrets file, else the default file."""
    if explicit:
        return explicit
    return env_config().db_url or DEFAULT_DB_URL


def safe_url(url: str) -> str:
    """``url`` with any password hidden (for messages and pages)."""
    import sqlalchemy as sa  # local: settings stays light

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: show nothing that could be secret
        return "?"


_PASSWORD = re.compile(r"(://[^:/@\s]*:)\S+@")


def redact(text: str) -> str:
    """``text`` with the password of any URL in it hidden (``postgresql://kpi:***@host/db``)."""
    return _PASSWORD.sub(r"\1***@", text)


def _env_user() -> str:
    return os.environ.get("KPI_USER", "").strip() or os.environ.get("USER", "") or "unknown"


@dataclass(frozen=True)
class Settings:
    """Business settings. Descriptions live in ``SETTING_DOCS`` (both languages)."""

    currency: str = "CNY"
    currency_symbol: str = "¥"
    timezone: str = "Asia/Shanghai"
    high_value_threshold: float = 5000.0
    response_sla_hours: float = 2.0
    unattributed_channel_id: str = "unattributed"
    # Customer value (LTV)
    gross_margin: float = 0.6
    ltv_churn_cap_months: float = 60.0
    # Pacing (SPEC section 5): KPI floor, and budget pacing bands against the pro-rated plan
    pacing_floor: float = 0.5
    pacing_on_track_from: float = 1.0
    budget_underspend_below: float = 0.7
    budget_on_track_from: float = 0.9
    budget_overspend_above: float = 1.1
    # Scoring (SPEC section 5): cap, default floor, grades, bonus multipliers, 360 role weights, quantitative share
    score_cap: float = 120.0
    score_floor: float = 0.5
    grade_s_from: float = 110.0
    grade_a_from: float = 100.0
    grade_b_from: float = 85.0
    grade_c_from: float = 70.0
    bonus_multiplier_s: float = 1.5
    bonus_multiplier_a: float = 1.2
    bonus_multiplier_b: float = 1.0
    bonus_multiplier_c: float = 0.6
    bonus_multiplier_d: float = 0.0
    feedback_weight_manager: float = 0.35
    feedback_weight_peer: float = 0.25
    feedback_weight_subordinate: float = 0.15
    feedback_weight_cross_department: float = 0.15
    feedback_weight_self: float = 0.10
    quantitative_share: float = 0.8
    # Evidence needed to grade a card: measured weight / total weight (below it: "not enough data to grade")
    min_measured_weight: float = 0.6
    # Default pro-rating of a period's target over its days: calendar | working (Chinese workdays) | seasonal
    default_prorate: str = "calendar"
    # Uploads
    max_reported_issues: int = 100_000
    upload_user: str = field(default_factory=_env_user)  # the environment's, never stored in the database


SETTING_DOCS: dict[str, dict[str, str]] = {
    "currency": {"en": "Currency code of all money amounts.", "zh": "所有金额使用的货币代码。"},
    "currency_symbol": {"en": "Symbol shown before money amounts.", "zh": "金额前显示的货币符号。"},
    "timezone": {"en": "The team's time zone: it decides what \"today\" and \"yesterday\" are on every page, report and push, "
                       "and the time recorded on uploads, changes, sign-ins and sends (stored as local time in this zone).",
                 "zh": "团队所在时区：决定各页面、报告和推送中的“今天”“昨天”，以及上传、修改、登录和发送记录的时间（按该时区的本地时间存储）。"},
    "high_value_threshold": {"en": "Expected value at or above which a lead counts as high-value.", "zh": "预计价值达到该金额的线索计为高价值线索。"},
    "response_sla_hours": {"en": "Hours within which a lead must get a first response.", "zh": "线索首次响应的时限（小时）。"},
    "unattributed_channel_id": {"en": "Channel id given to leads and costs without a channel.", "zh": "没有渠道的线索和花费归入的渠道 ID。"},
    "gross_margin": {"en": "Gross margin (0.6 = 60%) applied to revenue in customer lifetime value.",
                     "zh": "计算客户生命周期价值时对收入使用的毛利率（0.6 = 60%）。"},
    "ltv_churn_cap_months": {"en": "Upper bound, in months, on the expected customer lifetime (1 / monthly churn) in LTV.",
                             "zh": "客户生命周期价值中预期客户生命周期（1 / 月流失率）的上限（月）。"},
    "pacing_floor": {"en": "Share of the target below which a KPI projected at period end is off track (between it and 100%: at risk).",
                     "zh": "预计期末完成率低于该比例的 KPI 为落后（介于该比例与 100% 之间为有风险）。"},
    "pacing_on_track_from": {"en": "Share of the target from which a KPI projected at period end is on track.",
                             "zh": "预计期末完成率达到该比例的 KPI 为正常推进。"},
    "budget_underspend_below": {"en": "Spend under this share of the pro-rated budget is underspending.",
                                "zh": "花费低于按进度分摊预算的该比例即为花费不足。"},
    "budget_on_track_from": {"en": "Spend from this share of the pro-rated budget (up to the overspend bound) is on track; below it, at risk.",
                             "zh": "花费达到按进度分摊预算的该比例（至超支界限）为正常；低于该比例为有风险。"},
    "budget_overspend_above": {"en": "Spend above this share of the pro-rated budget is overspending.",
                               "zh": "花费高于按进度分摊预算的该比例即为超支。"},
    "score_cap": {"en": "Highest score one KPI can get (reached at the challenge target); the base target scores 100.",
                  "zh": "单个 KPI 的最高得分（达到挑战目标即得此分）；达到基础目标得 100 分。"},
    "score_floor": {"en": "Default floor as achievement (0.5 = 50%): a KPI achieved below it scores 0 unless the KPI sets its own floor.",
                    "zh": "默认保底线（按达成率，0.5 = 50%）：达成率低于此线的 KPI 得 0 分（KPI 自设保底线时以其为准）。"},
    "grade_s_from": {"en": "Final score from which the grade is S.", "zh": "最终得分达到该分数评为 S 级。"},
    "grade_a_from": {"en": "Final score from which the grade is A (below the S bound).", "zh": "最终得分达到该分数（且低于 S 级线）评为 A 级。"},
    "grade_b_from": {"en": "Final score from which the grade is B (below the A bound).", "zh": "最终得分达到该分数（且低于 A 级线）评为 B 级。"},
    "grade_c_from": {"en": "Final score from which the grade is C (below the B bound); lower scores are D.",
                     "zh": "最终得分达到该分数（且低于 B 级线）评为 C 级；更低为 D 级。"},
    "bonus_multiplier_s": {"en": "Bonus multiplier of grade S (bonus = base bonus × multiplier).", "zh": "S 级的奖金系数（奖金 = 基础奖金 × 系数）。"},
    "bonus_multiplier_a": {"en": "Bonus multiplier of grade A.", "zh": "A 级的奖金系数。"},
    "bonus_multiplier_b": {"en": "Bonus multiplier of grade B.", "zh": "B 级的奖金系数。"},
    "bonus_multiplier_c": {"en": "Bonus multiplier of grade C.", "zh": "C 级的奖金系数。"},
    "bonus_multiplier_d": {"en": "Bonus multiplier of grade D.", "zh": "D 级的奖金系数。"},
    "feedback_weight_manager": {"en": "Weight of the manager's ratings in the 360-degree average (roles without ratings are left out).",
                                "zh": "360 度评分平均中上级评分的权重（没有评分的角色不计入）。"},
    "feedback_weight_peer": {"en": "Weight of peers' ratings in the 360-degree average.", "zh": "360 度评分平均中同级评分的权重。"},
    "feedback_weight_subordinate": {"en": "Weight of subordinates' ratings in the 360-degree average.",
                                    "zh": "360 度评分平均中下级评分的权重。"},
    "feedback_weight_cross_department": {"en": "Weight of other departments' ratings in the 360-degree average.",
                                         "zh": "360 度评分平均中跨部门评分的权重。"},
    "feedback_weight_self": {"en": "Weight of the self-rating in the 360-degree average.", "zh": "360 度评分平均中自评的权重。"},
    "quantitative_share": {"en": "Default share of the KPI (quantitative) score in the final score; the rest is the 360-degree part.",
                           "zh": "最终得分中 KPI（定量）得分的默认占比；其余为 360 度评价部分。"},
    "min_measured_weight": {"en": "Share of a scorecard's KPI weight that must be measurable for a grade and bonus (0.6 = 60%); below it the card shows \"not enough data to grade\".",
                            "zh": "评定等级和奖金所需的可衡量 KPI 权重占比（0.6 = 60%）；低于该比例时显示“数据不足，暂不评级”。"},
    "default_prorate": {"en": "How a period's target is spread over its days when a plan does not say: calendar (every day alike), working (Chinese working days, public holidays and make-up days included) or seasonal (last year's shape).",
                        "zh": "计划未指定时目标在期内各天的分摊方式：按自然日、按中国工作日（含法定节假日与调休）或按去年同期走势。"},
    "max_reported_issues": {"en": "Upper bound on validation problems kept per upload.", "zh": "每次上传保留的校验问题数量上限。"},
    "upload_user": {"en": "Name recorded as the uploader (from $KPI_USER).", "zh": "记录为上传人的名字（来自 $KPI_USER）。"},
}


def get_settings() -> Settings:
    """The built-in defaults overlaid with the environment (no store): see :func:`in_force` for engine code."""
    return Settings()


# The settings of the store a page run, push run or report works on (set by :func:`settings_in_force`), per thread
# and asyncio task, so that two sessions of one server never see each other's.
_IN_FORCE: ContextVar[Settings | None] = ContextVar("kpi_settings_in_force", default=None)


@contextmanager
def settings_in_force(settings: Settings) -> Iterator[None]:
    """Within the block, engine code called without settings uses ``settings`` (a store's), not the built-ins."""
    token = _IN_FORCE.set(settings)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def in_force(settings: Settings | None = None) -> Settings:
    """``settings``, else those of the store in force (:func:`settings_in_force`), else the built-in defaults."""
    return settings or _IN_FORCE.get() or get_settings()
