"""The weekly review's numbers: each KPI of the active plan for the review week, the week to date, 8 weeks of trend
against the target line, and pacing to the end of the plan period.

Dates: the review is held on ``as_of`` with data through the day before (like the Standup). The review week is a
complete ISO week (Monday..Sunday); the week to date is the current week up to the data day (empty on a Monday).
Targets of metrics that add up over time are the stored monthly targets (what an activated plan publishes)
pro-rated by the plan's method (:func:`kpi_engine.pacing.spread_for`: the KPI's own, else the plan's), falling
back to the plan's own target pro-rated the same way when none is stored; rate targets (CPL, conversion rates,
growth) apply as they are. Pacing to the plan's end uses the same method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import clock, pacing, periods, targets
from kpi_engine.metrics import registry
from kpi_engine.metrics.growth import compute_growth, ref_text
from kpi_engine.metrics.query import compute, data_bounds
from kpi_engine.metrics.scopes import KEY_COLUMNS
from kpi_engine.plans import catalog
from kpi_engine.plans.actuals import Actual, kpi_actuals
from kpi_engine.plans.model import Kpi, Plan, Scope, split_metric
from kpi_engine.push.names import scope_labels
from kpi_engine.scoring import Rules, score_kpi
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings

SCOPE_ORDER: dict[str, int] = {"team": 0, "person": 1, "channel": 2, "campaign": 3}
TREND_WEEKS = 8


def data_day(as_of: dt.date) -> dt.date:
    """The last day a review held on ``as_of`` counts: the day before (:func:`kpi_engine.clock.data_through`)."""
    return clock.data_through(as_of)


def last_complete_week(as_of: dt.date) -> dt.date:
    """Monday of the last ISO week whose Sunday is on or before the data day."""
    last = data_day(as_of)
    start = periods.period_start(last, "week")
    return start if last >= start + dt.timedelta(days=6) else start - dt.timedelta(days=7)


def week_to_date(week_start: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """This week (the one of ``as_of``) up to the data day; None on its Monday (no day with data yet) and when
    the review week is not an earlier one."""
    start = periods.period_start(as_of, "week")
    end = data_day(as_of)
    return (start, end) if week_start < start <= end else None


def ordered(kpis: Sequence[Kpi]) -> list[int]:
    """Plan KPI positions ordered team, people, channels, campaigns (plan order within each)."""
    def rank(i: int) -> int:
        try:
            return SCOPE_ORDER.get(Scope.parse(kpis[i].scope).type, 9)
        except ValueError:
            return 9
    return sorted(range(len(kpis)), key=lambda i: (rank(i), i))


def _scope_key(k: Kpi) -> tuple[str, str]:
    try:
        s = Scope.parse(k.scope)
    except ValueError:
        return k.scope, ""
    return s.type, s.id


def kpi_target(k: Kpi, plan: Plan, start: dt.date, end: dt.date, stored: pd.DataFrame,
               spread: pacing.Spread | None = None) -> float | None:
    """``k``'s target for [start, end]: rate targets as they are; amounts pro-rated by ``spread`` (default the
    KPI's method without last year's shape, :func:`kpi_engine.pacing.method_for`; see the module docstring)."""
    kind, mid = split_metric(k.metric)
    if kind or not catalog.cumulative(k.metric):
        return k.base
    scope_type, scope_id = _scope_key(k)
    rows = stored[(stored["metric_id"] == mid) & (stored["scope_type"] == scope_type) & (stored["scope_id"] == scope_id)]
    spread = spread or pacing.method_for(plan, k)
    how = (pacing.Spread() if spread.method == "seasonal" and spread.shape is None else spread).kwargs()
    value = targets.prorate(rows, start, end, additive=True, **how) if len(rows) else None
    if value is None and k.base is not None and plan.start <= start and end <= plan.end:
        value = pacing.prorate(k.base, (plan.start, plan.end), (start, end), **how)
    return value


def _spreads(engine: Engine, plan: Plan, settings: Settings | None = None) -> list[pacing.Spread]:
    """Per KPI position, how its target is spread (last year's shape loaded for seasonal amounts; rates, which are
    not spread, pace by calendar days under seasonal)."""
    out = []
    for k in plan.kpis:
        if catalog.cumulative(k.metric) and not split_metric(k.metric)[0]:
            out.append(pacing.spread_for(engine, plan, k, settings=settings))
        else:
            spread = pacing.method_for(plan, k, settings)
            out.append(pacing.Spread() if spread.method == "seasonal" else spread)
    return out


def stored_targets(engine: Engine, kpis: Sequence[Kpi], start: dt.date, end: dt.date) -> pd.DataFrame:
    metrics = sorted({split_metric(k.metric)[1] for k in kpis})
    return targets.monthly_targets(engine, start=start, end=end, metrics=metrics)


def weekly_kpis(engine: Engine, plan: Plan, week_start: dt.date, as_of: dt.date, lang: str = "en") -> pd.DataFrame:
    """One row per KPI (team, people, channels): the week's target, actual, deviation (absolute and as a fraction
    of the target), achievement, weighted gap; the week to date; the plan period so far, its projection and pace."""
    return kpi_rows(engine, plan, week_start, week_start + dt.timedelta(days=6), min(data_day(as_of), plan.end), lang,
                    to_date=week_to_date(week_start, as_of))


def kpi_rows(engine: Engine, plan: Plan, start: dt.date, end: dt.date, pace_day: dt.date, lang: str = "en", *,
             to_date: tuple[dt.date, dt.date] | None = None) -> pd.DataFrame:
    """One row per KPI of ``plan`` (team, people, channels) over [start, end]: target, actual, deviation (absolute
    and as a fraction of the target), achievement, weighted gap = weight x (1 - achievement, capped at 100%;
    none for guardrails); ``to_date`` (the week to date) as wtd_*; the plan period up to ``pace_day``, its
    projection to the plan's end and the pace status (on_track, at_risk, off_track; None without one).
    ``scope`` is the plan's key (``channel:xiaohongshu``), ``scope_name`` its name (``小红书笔记``, ``Team``)."""
    settings = load_settings(engine)
    rules = Rules.from_settings(settings)
    kpis = plan.kpis
    none: list[Actual] = [(None, None, None)] * len(kpis)
    stored = stored_targets(engine, kpis, start, max(end, to_date[1]) if to_date else end)
    period = kpi_actuals(engine, kpis, start, end, plan.grain)
    wtd = (none if not to_date else period if to_date == (start, end)  # a complete week: its days, read once
           else kpi_actuals(engine, kpis, to_date[0], to_date[1], plan.grain))
    if pace_day < plan.start:
        so_far = none
    elif (plan.start, pace_day) == (start, end):  # a month's review of a monthly plan: the same days, read once
        so_far = period
    else:
        so_far = kpi_actuals(engine, kpis, plan.start, pace_day, plan.grain)
    spreads = _spreads(engine, plan, settings)
    scope_names = scope_labels(engine, [k.scope for k in kpis], lang)
    rows = []
    for i in ordered(kpis):
        k = kpis[i]
        kind, mid = split_metric(k.metric)
        m = registry.METRICS.get(mid)
        unit = "ratio" if kind else (m.unit if m else "count")
        direction = catalog.direction(k.metric)
        target = kpi_target(k, plan, start, end, stored, spreads[i])
        actual = period[i][0]
        ach = score_kpi(actual, target, direction=direction, unit=unit, rules=rules).achievement
        wtd_target = kpi_target(k, plan, to_date[0], to_date[1], stored, spreads[i]) if to_date else None
        wtd_actual = wtd[i][0]
        p = pacing.pace(so_far[i][0], k.base, (plan.start, plan.end), pace_day, direction=direction,
                        additive=catalog.cumulative(k.metric), settings=settings, **spreads[i].kwargs())
        rows.append({
            "position": i, "kpi": kpi_name(k.metric, lang), "metric": k.metric, "scope": k.scope,
            "scope_name": scope_names.get(k.scope, k.scope),
            "card": plan.card_of(k), "unit": unit, "direction": direction, "weight": k.weight,
            "target": target, "actual": actual, "deviation": _diff(actual, target),
            "deviation_pct": _pct(actual, target), "achievement": ach,
            "weighted_gap": None if ach is None or k.guardrail else k.weight * (1 - min(ach, 1.0)),
            "wtd_target": wtd_target, "wtd_actual": wtd_actual, "wtd_deviation": _diff(wtd_actual, wtd_target),
            "period_target": k.base, "period_actual": so_far[i][0], "projected": p.projected,
            "pace": p.status or None})
    frame = pd.DataFrame(rows)
    numeric = ("weight", "target", "actual", "deviation", "deviation_pct", "achievement", "weighted_gap", "wtd_target",
               "wtd_actual", "wtd_deviation", "period_target", "period_actual", "projected")
    for col in numeric:
        frame[col] = pd.to_numeric(frame.get(col), errors="coerce").astype("float64")
    return frame


def kpi_name(metric_ref: str, lang: str = "en") -> str:
    """A plan KPI's name: the metric's, or its growth's ("Brand search volume growth (year over year)")."""
    mid = split_metric(metric_ref)[1]
    return ref_text(metric_ref, lang)[0] if mid in registry.METRICS else metric_ref


def _diff(actual: float | None, target: float | None) -> float | None:
    return None if actual is None or target is None else actual - target


def _pct(actual: float | None, target: float | None) -> float | None:
    return None if actual is None or not target else (actual - target) / abs(target)


def weekly_trend(engine: Engine, plan: Plan, week_start: dt.date, weeks: int = TREND_WEEKS) -> pd.DataFrame:
    """``weeks`` ISO weeks ending with the review week, per KPI: position, period_start, label, actual, target."""
    first = week_start - dt.timedelta(days=7 * (weeks - 1))
    last = week_start + dt.timedelta(days=6)
    starts = [first + dt.timedelta(days=7 * w) for w in range(weeks)]
    stored = stored_targets(engine, plan.kpis, first, last)
    series = kpi_series(engine, plan.kpis, first, last)
    spreads = _spreads(engine, plan)
    rows = []
    for i in ordered(plan.kpis):
        k = plan.kpis[i]
        for s in starts:
            e = s + dt.timedelta(days=6)
            rows.append({"position": i, "period_start": s, "label": periods.period_label(s, "week"),
                         "actual": series.get((i, s)), "target": kpi_target(k, plan, s, e, stored, spreads[i])})
    frame = pd.DataFrame(rows, columns=["position", "period_start", "label", "actual", "target"])
    for col in ("actual", "target"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame


def kpi_series(engine: Engine, kpis: Sequence[Kpi], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], float]:
    """Weekly values of each KPI over [first, last] keyed by (position, week start), batched per scope type.

    A metric counted from facts is 0 in a week with facts but none for the KPI's scope; weeks without
    any facts have no value.
    """
    out: dict[tuple[int, dt.date], float] = {}
    groups: dict[tuple[str, bool], dict[str, list[tuple[int, str]]]] = {}
    for i, k in enumerate(kpis):
        kind, mid = split_metric(k.metric)
        if mid not in registry.METRICS:
            continue
        try:
            scope = Scope.parse(k.scope)
        except ValueError:  # an unreadable scope: the plan checks report it (unknown_scope) and block activation
            continue
        if kind in ("pop", "yoy"):
            g = compute_growth(engine, mid, kind=kind, grain="week", start=first, end=last, where=scope.where)
            for s, v in zip(g.get("period_start", []), g.get("growth", []), strict=False):
                if pd.notna(v):
                    out[(i, periods.to_date(s))] = float(v)
            continue
        groups.setdefault((scope.type, bool(scope.id)), {}).setdefault(mid, []).append((i, scope.id))
    active = _weeks_with_facts(engine, {mid for g in groups.values() for mid in g}, first, last)
    for (scope_type, has_id), metrics in groups.items():
        ids = sorted({sid for asked in metrics.values() for _, sid in asked})
        frame = compute(engine, sorted(metrics), by=scope_type if has_id else None, grain="week", start=first, end=last,
                        where={scope_type: ids} if has_id else None)
        for mid, asked in metrics.items():
            simple = isinstance(registry.METRICS[mid].calc, registry.Simple)
            for i, sid in asked:
                rows = frame[frame[KEY_COLUMNS[scope_type]] == sid] if has_id else frame
                found = {periods.to_date(s): v for s, v in zip(rows["period_start"], rows[mid], strict=True)}
                for s in active.get(mid, ()):
                    v = found.get(s)
                    if v is not None and pd.notna(v):
                        out[(i, s)] = float(v)
                    elif simple:
                        out[(i, s)] = 0.0
                for s, v in found.items():  # a rate's weeks; a count outside its own weeks is another metric's filler
                    if not simple and (i, s) not in out and v is not None and pd.notna(v):
                        out[(i, s)] = float(v)
    return out


def _weeks_with_facts(engine: Engine, metrics: set[str], first: dt.date, last: dt.date) -> dict[str, list[dt.date]]:
    """Per metric, the weeks of [first, last] between its first and last day with facts."""
    out: dict[str, list[dt.date]] = {}
    for mid in sorted(metrics):  # each metric on its own event dates (wins by won_at, leads by created_at)
        bounds = data_bounds(engine, [mid], start=first, end=last)
        out[mid] = [] if bounds is None else periods.period_starts(periods.period_start(bounds[0], "week"), bounds[1],
                                                                   "week")
    return out
