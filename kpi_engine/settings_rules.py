"""What each business setting may hold: type, range, choices, and the rules between settings.

Pure (no database): :mod:`kpi_engine.settings_store` validates with it before writing, the Settings page
and the CLI use the groups and kinds to show the right input. A value comes in as text (what a user typed,
or JSON); :func:`parse` turns it into the setting's type or raises :class:`SettingError`, whose
:meth:`~SettingError.message` says in English or Chinese what to change.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import zoneinfo
from dataclasses import dataclass
from typing import Any

from kpi_engine.i18n import catalog, t
from kpi_engine.settings import Settings

PRORATE_METHODS = ("calendar", "working", "seasonal")
TEXT_MAX = 40


@dataclass(frozen=True)
class Spec:
    """One setting's kind (number | int | text | choice | timezone | currency) and bounds (``lo``/``hi`` inclusive)."""

    kind: str = "number"
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    share: bool = False  # a fraction (0.6 = 60%)


_SHARE = Spec(lo=0.0, hi=1.0, share=True)
_GRADE = Spec(lo=0.0, hi=1000.0)
_MULT = Spec(lo=0.0, hi=100.0)
_RATIO = Spec(lo=0.0, hi=10.0, share=True)

SPECS: dict[str, Spec] = {
    "currency": Spec("currency"),
    "currency_symbol": Spec("text"),
    "timezone": Spec("timezone"),
    "high_value_threshold": Spec(lo=0.0),
    "response_sla_hours": Spec(lo=0.01, hi=24.0 * 365),
    "unattributed_channel_id": Spec("text"),
    "gross_margin": _SHARE,
    "ltv_churn_cap_months": Spec(lo=1.0, hi=1200.0),
    "pacing_floor": _SHARE,
    "pacing_on_track_from": Spec(lo=0.0, hi=2.0, share=True),
    "budget_underspend_below": _RATIO,
    "budget_on_track_from": _RATIO,
    "budget_overspend_above": _RATIO,
    "score_cap": Spec(lo=100.0, hi=1000.0),
    "score_floor": _SHARE,
    "grade_s_from": _GRADE,
    "grade_a_from": _GRADE,
    "grade_b_from": _GRADE,
    "grade_c_from": _GRADE,
    "bonus_multiplier_s": _MULT,
    "bonus_multiplier_a": _MULT,
    "bonus_multiplier_b": _MULT,
    "bonus_multiplier_c": _MULT,
    "bonus_multiplier_d": _MULT,
    "feedback_weight_manager": _SHARE,
    "feedback_weight_peer": _SHARE,
    "feedback_weight_subordinate": _SHARE,
    "feedback_weight_cross_department": _SHARE,
    "feedback_weight_self": _SHARE,
    "quantitative_share": _SHARE,
    "min_measured_weight": _SHARE,
    "default_prorate": Spec("choice", choices=PRORATE_METHODS),
    "max_reported_issues": Spec("int", lo=1, hi=10_000_000),
}

# Settings that come from the environment, never from the database.
ENV_ONLY = frozenset({"upload_user"})

# (group id, keys) in page order; labels are the i18n keys ``settings_group_<id>``.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("money", ("currency", "currency_symbol", "timezone")),
    ("leads", ("high_value_threshold", "response_sla_hours")),
    ("pacing", ("pacing_floor", "pacing_on_track_from", "budget_underspend_below", "budget_on_track_from",
                "budget_overspend_above", "default_prorate")),
    ("scoring", ("score_cap", "score_floor", "grade_s_from", "grade_a_from", "grade_b_from", "grade_c_from",
                 "quantitative_share", "min_measured_weight")),
    ("bonus", ("bonus_multiplier_s", "bonus_multiplier_a", "bonus_multiplier_b", "bonus_multiplier_c",
               "bonus_multiplier_d")),
    ("feedback", ("feedback_weight_manager", "feedback_weight_peer", "feedback_weight_subordinate",
                  "feedback_weight_cross_department", "feedback_weight_self")),
    ("ltv", ("gross_margin", "ltv_churn_cap_months")),
    ("uploads", ("unattributed_channel_id", "max_reported_issues")),
)


class SettingError(ValueError):
    """A value refused: ``code`` names the i18n message ``settings_err_<code>``, ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        self.key = str(params.get("setting", ""))
        super().__init__(self.message("en"))

    def message(self, lang: str = "en", *, named: bool = False) -> str:
        """The reason in ``lang``; ``named`` calls the setting as :func:`named_key` does (the Settings page), else
        by its key alone (the command line, where the key is what one types)."""
        params = dict(self.params)
        if named:
            params["setting"] = named_key(self.key, lang)
        return t(f"settings_err_{self.code}", lang, **params)


def setting_name(key: str, lang: str = "en") -> str:
    """A setting's name in ``lang`` ("毛利率", "Gross margin"); the key for one without a name."""
    return t(f"setting_name_{key}", lang) if f"setting_name_{key}" in catalog() else key


def named_key(key: str, lang: str = "en") -> str:
    """A setting as people read it: its name with the key after it ("毛利率（gross_margin）", "Gross margin
    (gross_margin)"); the key alone for one without a name."""
    name = setting_name(key, lang)
    if name == key:
        return key
    return f"{name}（{key}）" if lang == "zh" else f"{name} ({key})"


def editable_keys() -> tuple[str, ...]:
    """Every setting stored in the database, in ``Settings`` field order."""
    return tuple(f.name for f in dataclasses.fields(Settings) if f.name not in ENV_ONLY)


def defaults() -> Settings:
    return Settings()


@functools.cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _bounds(key: str, value: float, spec: Spec) -> None:
    lo, hi = spec.lo, spec.hi
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            raise SettingError("min", setting=key, lo=format_value(lo), value=format_value(value))
        raise SettingError("range", setting=key, lo=format_value(lo), hi=format_value(hi), value=format_value(value))


def require_key(key: str) -> Spec:
    """The spec of ``key``; raises :class:`SettingError` for an unknown or environment-only key."""
    spec = SPECS.get(key)
    if spec is None:
        if key in ENV_ONLY:
            raise SettingError("env_only", setting=key)
        raise SettingError("unknown", setting=key, keys=", ".join(editable_keys()))
    return spec


def parse(key: str, text: str) -> object:
    """``text`` (as typed, or JSON) as the value of setting ``key``, checked by type and range alone."""
    spec = require_key(key)
    raw = str(text).strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        try:
            raw = str(json.loads(raw)).strip()
        except ValueError:  # not a JSON string after all: the quotes are part of the value, checked below
            pass
    if spec.kind in ("number", "int"):
        percent = spec.share and raw.endswith("%")
        try:
            value = float(raw[:-1] if percent else raw) / (100.0 if percent else 1.0)
        except ValueError:
            raise SettingError("number", setting=key, value=raw) from None
        if not math.isfinite(value):
            raise SettingError("number", setting=key, value=raw)
        if spec.kind == "int":
            if not value.is_integer():
                raise SettingError("int", setting=key, value=raw)
            _bounds(key, value, spec)
            return int(value)
        _bounds(key, value, spec)
        return value
    if not raw:
        raise SettingError("empty", setting=key)
    if spec.kind == "currency":
        code = raw.upper()
        if code not in _currencies():
            raise SettingError("currency", setting=key, value=raw)
        return code
    if spec.kind == "timezone":
        if raw not in _zones():
            raise SettingError("timezone", setting=key, value=raw)
        return raw
    if spec.kind == "choice":
        if raw.lower() not in spec.choices:
            raise SettingError("choice", setting=key, value=raw, choices=" | ".join(spec.choices))
        return raw.lower()
    if len(raw) > TEXT_MAX:
        raise SettingError("long", setting=key, n=TEXT_MAX)
    return raw


def check(settings: Settings) -> None:
    """The rules between settings: grade bounds S > A > B > C, pacing and budget bounds in order."""
    s = settings
    if not s.grade_s_from > s.grade_a_from > s.grade_b_from > s.grade_c_from:
        raise SettingError("grades", s=format_value(s.grade_s_from), a=format_value(s.grade_a_from),
                           b=format_value(s.grade_b_from), c=format_value(s.grade_c_from))
    if s.pacing_floor > s.pacing_on_track_from:
        raise SettingError("pacing", floor=format_value(s.pacing_floor), on_track=format_value(s.pacing_on_track_from))
    if not s.budget_underspend_below <= s.budget_on_track_from <= s.budget_overspend_above:
        raise SettingError("budget", under=format_value(s.budget_underspend_below),
                           on_track=format_value(s.budget_on_track_from), over=format_value(s.budget_overspend_above))


def apply(settings: Settings, key: str, text: str) -> Settings:
    """``settings`` with ``key`` set from ``text``; raises :class:`SettingError` (nothing is changed) when refused."""
    value: Any = parse(key, text)  # the type of the field ``key`` (parse checks it per key)
    changed = dataclasses.replace(settings, **{key: value})
    check(changed)
    return changed


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def from_json(key: str, text: str) -> object:
    """A stored value of ``key`` back in its type (the range rules were checked when it was written)."""
    kind = SPECS[key].kind
    try:
        value = json.loads(text)
        if kind == "int":
            return int(value)
        if kind == "number":
            if isinstance(value, (bool, str)):
                raise ValueError(value)
            return float(value)
        if not isinstance(value, str):
            raise ValueError(value)
        return value
    except (ValueError, TypeError):
        raise SettingError("stored", setting=key, value=str(text)[:40]) from None


def format_value(value: object) -> str:
    """A setting's value as text: ``0.6``, ``5000``, ``Asia/Shanghai``."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)
