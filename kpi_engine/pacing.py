"""Pro-rating targets and pacing actuals against them (SPEC section 5). Pure functions, no database.

Pro-rating splits a period's target over its days by a weight per day:

- ``calendar``: every day weighs 1;
- ``working``: Chinese working days weigh 1 (:mod:`kpi_engine.workdays`: public holidays off,
  make-up working days on weekends worked; Monday to Friday in a year the holiday calendar does
  not cover, which :func:`kpi_engine.workdays.uncovered_years` reports), other days and any extra
  ``holidays`` 0;
- ``seasonal``: each day weighs what the metric did on the same date a year earlier
  (``shape``: {last year's date: value}, e.g. from :func:`last_year_shape`; 29 February
  uses 28 February);
- ``custom``: the plan's own ``profile`` of weights, per weekday (``{"mon": 1.2, "sat": 0.5}``)
  and/or per date (``{"2026-10-01": 0}``); a date's weight wins over its weekday's, a day
  without either weighs 1 (:func:`parse_profile`).

A period whose weights sum to 0 (no working day, an empty shape, a profile of zeros) falls back to
calendar days. A sub-range's share is the weight of its days inside the period over the period's weight.

Which method applies (:func:`method_for`): the KPI's saved target split (``Kpi.extra["split"]``, its
per-day values as a custom profile; :mod:`kpi_engine.target_split`), else its own ``prorate``, else the
plan's, else the setting ``default_prorate``; :func:`spread_for` also loads last year's shape.

Pacing (:func:`pace`) compares an actual so far with a target for the whole period:

- an additive metric (a count, money) is projected to the period end from the run rate:
  ``projected = actual / expected share so far`` (by calendar days: ``actual / elapsed days
  × total days``); a ratio (CPL, a conversion rate) is compared as it is: ``projected = actual``;
- achievement is ``projected / target`` when higher is better, ``target / projected`` when
  lower is better (a projection of 0 against a lower-is-better target is achieved, ``inf``);
- on track at achievement ≥ 1, at risk at ≥ ``floor`` (default 0.5), else off track; no
  status without a positive target, an actual, or an elapsed day. A closed period (``as_of`` on or
  after its last day) is never at risk: it has ``achieved`` its target or ``missed`` it.

Budget pacing (:func:`budget_pace`) compares spend so far with the pro-rated plan both ways:
under 70% underspending, 70–90% at risk, 90–110% on track, above 110% overspending
(bounds are settings).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from kpi_engine import fmt, periods, workdays
from kpi_engine.prorate_profile import METHODS, Method, Profile, parse_profile, profile_weight
from kpi_engine.prorate_profile import WEEKDAYS as WEEKDAYS  # re-exported: the names callers know
from kpi_engine.settings import Settings, in_force
from kpi_engine.settings_store import load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kpi_engine.plans.model import Kpi, Plan

STATUSES: tuple[str, ...] = ("on_track", "at_risk", "off_track", "achieved", "missed")  # the last two: closed
BUDGET_STATUSES: tuple[str, ...] = ("underspending", "at_risk", "on_track", "overspending")

Range = tuple[dt.date, dt.date]
def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(periods.days_in(start, end))]


def last_year(day: dt.date) -> dt.date:
    """The same date a year earlier (29 February -> 28 February)."""
    return periods.shift_months(day, -12)


def day_weights(period: Range, method: Method = "calendar", *, shape: Mapping[dt.date, float] | None = None,
                holidays: Sequence[dt.date] | frozenset[dt.date] = (),
                profile: Profile | None = None) -> dict[dt.date, float]:
    """Weight of every day of ``period`` (inclusive) under ``method``; see the module docstring."""
    start, end = periods.to_date(period[0]), periods.to_date(period[1])
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    days = _days(start, end)
    if method == "calendar":
        return dict.fromkeys(days, 1.0)
    if method == "working":
        off = set(holidays)
        weights = {d: (1.0 if workdays.is_workday(d) and d not in off else 0.0) for d in days}
    elif method == "seasonal":
        if shape is None:
            raise ValueError("seasonal pro-rating needs last year's daily shape of the metric (shape=)")
        weights = {d: max(0.0, float(shape.get(last_year(d), 0.0) or 0.0)) for d in days}
    elif method == "custom":
        stored, problems = parse_profile(profile)
        if problems or not stored:
            raise ValueError("; ".join(problems) or "custom pro-rating needs a profile of weights (profile=)")
        weights = {d: profile_weight(stored, d) for d in days}
    else:
        raise ValueError(f"unknown pro-rating method {method!r}; use one of: {', '.join(METHODS)}")
    if sum(weights.values()) <= 0:
        return dict.fromkeys(days, 1.0)
    return weights


def share(period: Range, sub_range: Range, method: Method = "calendar", *,
          shape: Mapping[dt.date, float] | None = None, holidays: Sequence[dt.date] | frozenset[dt.date] = (),
          profile: Profile | None = None) -> float:
    """Share of ``period``'s weight that falls in ``sub_range`` (0 when they do not meet)."""
    weights = day_weights(period, method, shape=shape, holidays=holidays, profile=profile)
    lo, hi = periods.to_date(sub_range[0]), periods.to_date(sub_range[1])
    inside = sum(w for d, w in weights.items() if lo <= d <= hi)
    return inside / sum(weights.values())


def prorate(target: float, period: Range, sub_range: Range, method: Method = "calendar", *,
            shape: Mapping[dt.date, float] | None = None,
            holidays: Sequence[dt.date] | frozenset[dt.date] = (), profile: Profile | None = None) -> float:
    """The part of ``target`` (set for ``period``) that belongs to ``sub_range``.

    ``prorate(1000, (1 Dec, 31 Dec), (1 Dec, 6 Dec))`` = 1000 × 6 / 31 by calendar days.
    """
    return target * share(period, sub_range, method, shape=shape, holidays=holidays, profile=profile)


def prorate_many(targets: Sequence[tuple[Range, float]], sub_range: Range, method: Method = "calendar", *,
                 shape: Mapping[dt.date, float] | None = None,
                 holidays: Sequence[dt.date] | frozenset[dt.date] = (), profile: Profile | None = None) -> float:
    """Target for ``sub_range`` from several periods' targets (a week across two months: a share of each)."""
    return sum(prorate(t, p, sub_range, method, shape=shape, holidays=holidays, profile=profile) for p, t in targets)


@dataclass(frozen=True)
class Pace:
    """Pacing of one KPI: ``status`` (on_track / at_risk / off_track, None when not measurable)."""

    status: str | None
    projected: float | None
    achievement: float | None
    expected_to_date: float | None
    elapsed_share: float


def pace(actual: float | None, target: float | None, period: Range, as_of: dt.date, *,
         direction: str = "higher", floor: float | None = None, additive: bool = True, method: Method = "calendar",
         shape: Mapping[dt.date, float] | None = None, holidays: Sequence[dt.date] | frozenset[dt.date] = (),
         profile: Profile | None = None, settings: Settings | None = None) -> Pace:
    """Pace ``actual`` (from the period start up to and including ``as_of``) against ``target`` for the whole period.

    ``floor`` defaults to the setting ``pacing_floor``; ``additive`` is whether the metric adds up
    over time (``Metric.cumulative``): False for ratios, averages and stocks (followers), compared as they are.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    floor = in_force(settings).pacing_floor if floor is None else floor
    start, end = periods.to_date(period[0]), periods.to_date(period[1])
    as_of = periods.to_date(as_of)
    elapsed = 0.0 if as_of < start else share(period, (start, min(as_of, end)), method, shape=shape, holidays=holidays,
                                              profile=profile)
    if actual is None or (isinstance(actual, float) and math.isnan(actual)) or elapsed <= 0:
        return Pace(None, None, None, None, elapsed)
    projected = float(actual) / elapsed if additive else float(actual)
    if target is None or (isinstance(target, float) and math.isnan(target)) or target <= 0:
        return Pace(None, projected, None, None, elapsed)
    expected = target * elapsed if additive else float(target)
    achievement = fmt.achievement_ratio(projected, target, direction)  # the one definition (target > 0 here)
    assert achievement is not None
    if as_of >= end:  # a closed period is never "at risk": it reached its target or missed it
        status = "achieved" if achievement >= 1 else "missed"
    else:
        status = "on_track" if achievement >= 1 else "at_risk" if achievement >= floor else "off_track"
    return Pace(status, projected, achievement, expected, elapsed)


@dataclass(frozen=True)
class BudgetPace:
    """Budget pacing: ``status`` (underspending / at_risk / on_track / overspending, None without a plan)."""

    status: str | None
    ratio: float | None
    planned_to_date: float
    projected: float | None


def budget_pace(spent: float, budget: float, period: Range, as_of: dt.date, *, method: Method = "calendar",
                shape: Mapping[dt.date, float] | None = None, holidays: Sequence[dt.date] | frozenset[dt.date] = (),
                profile: Profile | None = None, settings: Settings | None = None) -> BudgetPace:
    """Spend so far (up to and including ``as_of``) against ``budget`` for the period, pro-rated to date."""
    s = in_force(settings)
    start, end = periods.to_date(period[0]), periods.to_date(period[1])
    as_of = periods.to_date(as_of)
    elapsed = 0.0 if as_of < start else share(period, (start, min(as_of, end)), method, shape=shape, holidays=holidays,
                                              profile=profile)
    planned = budget * elapsed
    projected = spent / elapsed if elapsed > 0 else None
    if planned <= 0:
        return BudgetPace(None, None, planned, projected)
    ratio = spent / planned
    if ratio < s.budget_underspend_below:
        status = "underspending"
    elif ratio < s.budget_on_track_from:
        status = "at_risk"
    elif ratio <= s.budget_overspend_above:
        status = "on_track"
    else:
        status = "overspending"
    return BudgetPace(status, ratio, planned, projected)


def last_year_shape(engine: object, metric: str, period: Range, *, where: Mapping[str, object] | None = None,
                    settings: Settings | None = None) -> dict[dt.date, float]:
    """Daily values of ``metric`` over the dates a year before ``period`` ({date: value}), for seasonal pro-rating.

    The only function here that reads the database (through ``kpi_engine.metrics.query.compute``).
    """
    from kpi_engine.metrics.query import compute  # local: the pure functions above need no database

    lo, hi = last_year(periods.to_date(period[0])), last_year(periods.to_date(period[1]))
    frame = compute(engine, [metric], grain="day", start=lo, end=hi, where=where, settings=settings)  # type: ignore[arg-type]
    return {d: float(v) for d, v in zip(frame["period_start"], frame[metric], strict=True) if v == v}


def last_year_shapes(engine: Engine, metrics: Sequence[str], period: Range, *, by: str | None = None,
                     settings: Settings | None = None) -> dict[tuple[str, str], dict[dt.date, float]]:
    """Last year's daily values of several metrics over the dates a year before ``period``, in one query:
    {(scope id, metric): {date: value}}; the scope id is "" without ``by`` (the whole department)."""
    from kpi_engine.metrics.query import compute
    from kpi_engine.metrics.scopes import KEY_COLUMNS

    lo, hi = last_year(periods.to_date(period[0])), last_year(periods.to_date(period[1]))
    frame = compute(engine, list(metrics), by=by, grain="day", start=lo, end=hi, settings=settings)
    column = KEY_COLUMNS[by] if by else None
    out: dict[tuple[str, str], dict[dt.date, float]] = {}
    for rec in frame.to_dict("records"):  # days x scopes of one period, not data rows
        scope_id = "" if column is None else str(rec[column])
        for m in metrics:
            value = rec[m]
            if value is not None and value == value:
                out.setdefault((scope_id, m), {})[periods.to_date(rec["period_start"])] = float(value)
    return out


class Spread(NamedTuple):
    """How a target is spread over its days: ``method``, with its ``profile`` (custom) or ``shape`` (seasonal)."""

    method: str = "calendar"
    profile: Mapping[str, float] | None = None
    shape: Mapping[dt.date, float] | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`day_weights`, :func:`share`, :func:`prorate`, :func:`pace`, :func:`budget_pace`."""
        return {"method": self.method, "profile": self.profile, "shape": self.shape}


def method_for(plan: Plan | None = None, kpi: Kpi | None = None, settings: Settings | None = None) -> Spread:
    """The pro-rating of ``kpi`` in ``plan``: the KPI's saved split (``kpi.extra["split"]["days"]`` as a custom
    profile), else the KPI's ``prorate`` (``kpi.extra``), else the plan's, else the
    setting ``default_prorate`` (no plan, or a plan that does not say).

    ``custom`` carries the KPI's ``profile``, else the plan's; without a usable one it is calendar days (the plan
    check reports it). ``seasonal`` comes without its shape: :func:`spread_for` loads it.
    """
    kx = getattr(kpi, "extra", None) or {}
    px = getattr(plan, "extra", None) or {}
    split = kx.get("split")
    if isinstance(split, Mapping) and split.get("days"):  # a saved target split (kpi_engine.target_split) wins
        return Spread("custom", dict(split["days"]))
    method = (str(kx.get("prorate") or "").strip() or (getattr(plan, "prorate", "") or "").strip()
              or in_force(settings).default_prorate).lower()
    if method not in METHODS:
        raise ValueError(f"unknown pro-rating method {method!r}; use one of: {', '.join(METHODS)}")
    if method != "custom":
        return Spread(method)
    profile, problems = parse_profile(kx.get("profile") or px.get("profile"))
    return Spread("custom", profile) if profile and not problems else Spread("calendar")


def spread_for(engine: Engine, plan: Plan | None, kpi: Kpi | None = None, *, metric: str | None = None,
               where: Mapping[str, object] | None = None, period: Range | None = None,
               settings: Settings | None = None) -> Spread:
    """:func:`method_for`, with last year's shape loaded for ``seasonal`` (of ``metric``, default the KPI's,
    over ``period``, default the plan's, for the KPI's scope unless ``where`` is given); calendar days when
    last year has no data."""
    settings = settings or load_settings(engine)
    spread = method_for(plan, kpi, settings)
    if spread.method != "seasonal":
        return spread
    metric = metric or (kpi.metric_id if kpi is not None else None)
    span = period or ((plan.start, plan.end) if plan is not None else None)
    if metric is None or span is None:
        return Spread("calendar")
    try:
        scope = where if where is not None or kpi is None else kpi.parsed_scope().where
        shape = last_year_shape(engine, metric, span, where=scope, settings=settings)
    except ValueError:  # a scope or metric that does not exist: the plan check lists it
        return Spread("calendar")
    return Spread("seasonal", shape=shape) if shape else Spread("calendar")
