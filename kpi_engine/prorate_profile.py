"""The pro-rating methods and a custom profile of day weights (SPEC section 5): which methods there are, how a
profile is read and how much a day weighs under it. Pure functions, no imports of the engine.

A leaf module on purpose: :mod:`kpi_engine.plans.model` checks a plan's ``prorate`` and ``profile`` with it, and
:mod:`kpi_engine.pacing` (which spreads a plan's targets over the days) reads plans, so neither imports the other
for these names. :mod:`kpi_engine.pacing` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal

METHODS: tuple[str, ...] = ("calendar", "working", "seasonal", "custom")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Method = Literal["calendar", "working", "seasonal", "custom"]
Profile = Mapping[Any, float]
_DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")}, **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6, "星期天": 6}


def parse_profile(raw: object) -> tuple[dict[str, float], list[str]]:
    """A custom profile in its stored form ({"mon": 1.2, ..., "2026-10-01": 0.0}: weekdays first, then dates)
    and every problem with it. Keys: weekday names (mon, monday, 周一, 星期一) or dates (2026-10-01);
    weights: numbers ≥ 0. ``None`` or an empty mapping is an empty profile."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [f"profile must be a mapping of weekday or date to weight (mon: 1.2, 2026-10-01: 0), not {raw!r}"]
    days: dict[int, float] = {}
    dates: dict[dt.date, float] = {}
    problems: list[str] = []
    for key, value in raw.items():
        day: dt.date | None = key.date() if isinstance(key, dt.datetime) else key if isinstance(key, dt.date) else None
        index = _DAY_NAMES.get(str(key).strip().lower()) if day is None else None
        if day is None and index is None:
            try:
                day = dt.date.fromisoformat(str(key).strip())
            except ValueError:
                problems.append(f"profile: {key!r} is neither a weekday (mon .. sun) nor a date (2026-10-01)")
                continue
        try:
            weight = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            problems.append(f"profile: the weight of {key} must be a number ≥ 0, not {value!r}")
            continue
        if day is not None:
            dates[day] = weight
        else:
            days[index] = weight  # type: ignore[index]
    out = {WEEKDAYS[i]: days[i] for i in sorted(days)}
    out.update({d.isoformat(): dates[d] for d in sorted(dates)})
    return out, problems


def profile_weight(profile: Mapping[str, float], day: dt.date) -> float:
    """A day's weight under a stored profile: its date's, else its weekday's, else 1."""
    return float(profile.get(day.isoformat(), profile.get(WEEKDAYS[day.weekday()], 1.0)))
