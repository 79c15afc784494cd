"""Typed settings: database URL, currency, thresholds, from the environment.

Resolution order for the database URL: explicit argument (``--db``), then the
environment variable ``KPI_DB_URL``, then the embedded default file
``duckdb:///data/kpi.duckdb`` (relative to the current directory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DB_URL = "duckdb:///data/kpi.duckdb"
DB_URL_ENV = "KPI_DB_URL"


def resolve_db_url(explicit: str | None = None) -> str:
    """Return the database URL: ``explicit`` if given, else $KPI_DB_URL, else the default file."""
    if explicit:
        return explicit
    env = os.environ.get(DB_URL_ENV, "").strip()
    return env or DEFAULT_DB_URL


@dataclass(frozen=True)
class Settings:
    """Business settings. Descriptions live in ``SETTING_DOCS`` (both languages)."""

    currency: str = "CNY"
    currency_symbol: str = "¥"
    timezone: str = "Asia/Shanghai"
    high_value_threshold: float = 5000.0
    response_sla_hours: float = 2.0
    unattributed_channel_id: str = "unattributed"
    # Uploads
    max_reported_issues: int = 100_000
    upload_user: str = field(default_factory=lambda: os.environ.get("KPI_USER", "") or os.environ.get("USER", "") or "unknown")


SETTING_DOCS: dict[str, dict[str, str]] = {
    "currency": {"en": "Currency code of all money amounts.", "zh": "所有金额使用的货币代码。"},
    "currency_symbol": {"en": "Symbol shown before money amounts.", "zh": "金额前显示的货币符号。"},
    "timezone": {"en": "Business timezone; timestamps are stored as naive local time.", "zh": "业务时区；时间以本地时间存储（不含时区）。"},
    "high_value_threshold": {"en": "Expected value at or above which a lead counts as high-value.", "zh": "预计价值达到该金额的线索计为高价值线索。"},
    "response_sla_hours": {"en": "Hours within which a lead must get a first response.", "zh": "线索首次响应的时限（小时）。"},
    "unattributed_channel_id": {"en": "Channel id given to leads and costs without a channel.", "zh": "没有渠道的线索和花费归入的渠道 ID。"},
    "max_reported_issues": {"en": "Upper bound on validation problems kept per upload.", "zh": "每次上传保留的校验问题数量上限。"},
    "upload_user": {"en": "Name recorded as the uploader (from $KPI_USER).", "zh": "记录为上传人的名字（来自 $KPI_USER）。"},
}


def get_settings() -> Settings:
    return Settings()
