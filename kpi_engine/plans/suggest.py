"""Target suggestions (SPEC section 5): history, growth assumption, benchmark, planned resources.

For a KPI of a plan the suggested base target is the **trailing six-month average** of its
metric at its scope (the six complete months before the plan starts, or before the month of
``as_of`` when that is earlier), stated per plan period (a quarter's leads are three months'),
times a **growth assumption** (0.1 = 10% better: ×1.1 when higher is better, ×0.9 when
lower), times **planned resources** (0.2 = 20% more budget scales volumes that add up over
time, leads or spend, in proportion; rates and unit costs are unchanged). Without any history
the **benchmark** the user entered is the suggestion. The challenge target is 120% of the base
in achievement terms (base × 1.2, or base / 1.2 when lower is better; bounded shares stop half
way to 100%). History (each month's value), its average, the recent level (the last three
months) and the benchmark are returned beside the suggestion.

Growth KPIs (``growth:ID``, ``yoy:ID``) are suggested from the same growth over the last six
months' worth of plan periods. Everything is read through ``compute`` / ``compute_growth``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import clock, periods
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import KEY_COLUMNS
from kpi_engine.metrics.growth import compute_growth
from kpi_engine.metrics.query import compute, data_bounds
from kpi_engine.plans import catalog
from kpi_engine.plans.actuals import number_or_none
from kpi_engine.plans.model import Kpi, Plan, Scope, split_metric
from kpi_engine.scoring import Step, explain, format_pct, format_value
from kpi_engine.settings_store import load_settings

HISTORY_MONTHS = 6
RECENT_MONTHS = 3
Ref = tuple[str, str]  # (metric reference, scope text)


def history_window(plan_start: dt.date, as_of: dt.date | None = None, months: int = HISTORY_MONTHS) -> tuple[dt.date, dt.date]:
    """The ``months`` complete months before the plan starts (or before the month of ``as_of`` if earlier)."""
    limit = plan_start
    if as_of is not None:
        limit = min(limit, periods.period_start(as_of, "month"))
    end = limit - dt.timedelta(days=1)
    start = periods.shift_months(periods.period_start(end, "month"), -(months - 1))
    return start, end


def monthly_history(engine: Engine, refs: Sequence[Ref], start: dt.date, end: dt.date, *,
                    grain: str = "month") -> dict[Ref, list[tuple[dt.date, float | None]]]:
    """Per (metric reference, scope): the value of every ``grain`` period in [start, end], batched per scope type.

    References to unknown metrics or malformed scopes are left out of the result.
    """
    out: dict[Ref, list[tuple[dt.date, float | None]]] = {}
    starts = periods.period_starts(start, end, grain)
    # (scope type, has an id) -> metric id -> scope id -> the references asking for it
    groups: dict[tuple[str, bool], dict[str, dict[str, list[Ref]]]] = {}
    for ref in dict.fromkeys(refs):
        metric, scope_text = ref
        kind, mid = split_metric(metric)
        try:
            scope = Scope.parse(scope_text)
        except ValueError:  # a malformed scope is left out (see above); the plan checks report it (unknown_scope)
            continue
        if mid not in registry.METRICS or kind not in (None, "pop", "yoy"):
            continue
        if kind is not None:
            g = compute_growth(engine, mid, kind=kind, grain=grain, start=start, end=end, where=scope.where)
            values = {p: number_or_none(v) for p, v in zip(g["period_start"], g["growth"], strict=True)} if len(g) else {}
            first = data_bounds(engine, [mid])
            out[ref] = [(p, values.get(p) if first and _compared_from(p, grain, kind) >= first[0] else None)
                        for p in starts]
            continue
        groups.setdefault((scope.type, bool(scope.id)), {}).setdefault(mid, {}).setdefault(scope.id, []).append(ref)
    for (scope_type, has_id), metrics in groups.items():
        ids = sorted({i for by_id in metrics.values() for i in by_id})
        frame = compute(engine, sorted(metrics), by=scope_type if has_id else None, grain=grain, start=start, end=end,
                        where={scope_type: ids} if has_id else None, dense=True)
        for mid, by_id in metrics.items():
            for sid, asked in by_id.items():
                rows = frame[frame[KEY_COLUMNS[scope_type]] == sid] if has_id else frame
                values = {p: number_or_none(v) for p, v in zip(rows["period_start"], rows[mid], strict=True)}
                for ref in asked:
                    out[ref] = [(p, values.get(p)) for p in starts]
    return out


def _compared_from(period_start: dt.date, grain: str, kind: str) -> dt.date:
    """First day of the period a growth value compares with (its previous period, or a year earlier)."""
    if kind == "yoy":
        return periods.shift_months(period_start, -12)
    return periods.previous_period_start(period_start, grain)


def per_period(values: Sequence[float | None], metric: str, grain: str, value_grain: str = "month") -> float | None:
    """Mean of the values that exist, stated per plan period (rescaled for metrics that add up over time)."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    mean = sum(present) / len(present)
    if catalog.cumulative(metric):
        return mean * catalog.months_in(grain) / catalog.months_in(value_grain)
    return mean


@dataclass(frozen=True)
class Suggestion:
    """A suggested base and challenge for one KPI, with the history and benchmark it came from."""

    metric: str
    scope: str
    base: float | None
    challenge: float | None
    history: tuple[tuple[dt.date, float | None], ...]
    history_average: float | None  # per plan period
    recent: float | None  # the last three months' level, per plan period
    benchmark: float | None
    growth: float
    resources: float
    method: str  # history | benchmark | none
    steps: tuple[Step, ...] = ()

    def explain(self, lang: str = "en") -> str:
        return " ".join(explain(self.steps, lang))


def _suggest_one(metric: str, scope: str, value_grain: str, history: list[tuple[dt.date, float | None]], grain: str, *,
                 growth: float, resources: float, benchmark: float | None, challenge_ratio: float) -> Suggestion:
    kind, mid = split_metric(metric)
    unit = "ratio" if kind else (registry.METRICS[mid].unit if mid in registry.METRICS else "count")
    direction = catalog.direction(metric)
    values = [v for _, v in history]
    avg = per_period(values, metric, grain, value_grain)
    recent_n = max(1, RECENT_MONTHS // catalog.months_in(value_grain))
    recent = per_period(values[-recent_n:], metric, grain, value_grain)
    steps: list[Step] = []
    n = sum(v is not None for v in values)
    base: float | None
    if avg is not None:
        g = 1 + growth if direction == "higher" else max(0.0, 1 - growth)
        r = 1 + resources if catalog.cumulative(metric) and (direction == "higher" or mid == "spend") else 1.0
        base = catalog.nice(avg * g * r)
        method = "history"
        steps.append(("plans_suggest_history", {"months": str(n), "average": format_value(avg, unit),
                                                "growth": f"{g:g}", "resources": f"{r:g}", "base": format_value(base, unit)}))
    elif benchmark is not None:
        base, method = catalog.nice(benchmark), "benchmark"
        steps.append(("plans_suggest_benchmark_only", {"benchmark": format_value(benchmark, unit)}))
    else:
        base, method = None, "none"
        steps.append(("plans_suggest_none", {}))
    challenge = catalog.default_challenge(base, metric, challenge_ratio)
    if challenge is not None:
        steps.append(("plans_suggest_challenge", {"challenge": format_value(challenge, unit),
                                                  "ratio": format_pct(challenge_ratio)}))
    if benchmark is not None and method == "history":
        steps.append(("plans_suggest_benchmark", {"benchmark": format_value(benchmark, unit)}))
    return Suggestion(metric, scope, base, challenge, tuple(history), avg, recent, benchmark, growth, resources, method,
                      tuple(steps))


def _history_for(engine: Engine, plan: Plan, refs: Sequence[Ref], as_of: dt.date | None,
                 months: int) -> dict[Ref, tuple[str, list[tuple[dt.date, float | None]]]]:
    """(grain of the values, values) per reference: months; quarters for values only reported per quarter;
    plan periods for growth."""
    start, end = history_window(plan.start, as_of, months)
    plain = [r for r in refs if split_metric(r[0])[0] is None]
    growth = [r for r in refs if split_metric(r[0])[0] is not None]
    found: dict[Ref, tuple[str, list[tuple[dt.date, float | None]]]] = {}
    if plain:
        found.update({ref: ("month", v) for ref, v in monthly_history(engine, plain, start, end).items()})
        empty = [r for r in plain if r in found and all(v is None for _, v in found[r][1])]
        q_start = periods.period_start(start, "quarter")
        q_start = q_start if q_start == start else periods.next_period_start(q_start, "quarter")
        if empty and q_start < end:
            found.update({ref: ("quarter", v) for ref, v in monthly_history(engine, empty, q_start, end, grain="quarter").items()
                          if any(x is not None for _, x in v)})
    if growth:
        per = catalog.months_in(plan.grain)
        last = periods.period_start(end, plan.grain)
        if not periods.is_period_end(end, plan.grain):
            last = periods.previous_period_start(last, plan.grain)
        g_start = periods.shift_months(last, -(max(1, months // per) - 1) * per)
        found.update({ref: (plan.grain, v) for ref, v in
                      monthly_history(engine, growth, g_start, periods.period_end(last, plan.grain), grain=plan.grain).items()})
    return found


def suggest_targets(engine: Engine, plan: Plan, *, growth: float = 0.0, resources: float = 0.0,
                    benchmarks: Mapping[int, float] | None = None, as_of: dt.date | None = None,
                    months: int = HISTORY_MONTHS, challenge_ratio: float = catalog.CHALLENGE_RATIO) -> list[Suggestion]:
    """One suggestion per KPI of ``plan`` (``benchmarks``: KPI index -> the benchmark the user entered)."""
    refs = [(k.metric, k.scope) for k in plan.kpis]
    hist = _history_for(engine, plan, refs, as_of if as_of is not None else clock.business_today(load_settings(engine)),
                       months)
    marks = benchmarks or {}
    return [_suggest_one(k.metric, k.scope, *hist.get((k.metric, k.scope), ("month", [])), plan.grain, growth=growth,
                         resources=resources, benchmark=marks.get(i), challenge_ratio=challenge_ratio)
            for i, k in enumerate(plan.kpis)]


def suggest_target(engine: Engine, metric: str, period: str, *, scope: str = "team", growth: float = 0.0,
                   resources: float = 0.0, benchmark: float | None = None, as_of: dt.date | None = None,
                   months: int = HISTORY_MONTHS, challenge_ratio: float = catalog.CHALLENGE_RATIO) -> Suggestion:
    """A suggestion for one metric and scope in ``period`` (a month, quarter or year label)."""
    probe = Plan(name="suggestion", period=period, kpis=(Kpi(metric=metric, scope=scope),))
    return suggest_targets(engine, probe, growth=growth, resources=resources,
                           benchmarks={0: benchmark} if benchmark is not None else None, as_of=as_of, months=months,
                           challenge_ratio=challenge_ratio)[0]


def apply_suggestions(plan: Plan, suggestions: Sequence[Suggestion], *, only_missing: bool = False) -> Plan:
    """The plan with each KPI's base and challenge set to its suggestion (where there is one)."""
    kpis = []
    for k, s in zip(plan.kpis, suggestions, strict=True):
        if s.base is not None and not (only_missing and k.base is not None):
            k = dataclasses.replace(k, base=s.base, challenge=s.challenge)
        kpis.append(k)
    return dataclasses.replace(plan, kpis=tuple(kpis))


def suggestions_frame(suggestions: Sequence[Suggestion], lang: str = "en") -> pd.DataFrame:
    """A table for pages: metric, scope, suggested base and challenge, history average, recent level, benchmark, how."""
    return pd.DataFrame([{"metric": s.metric, "scope": s.scope, "base": s.base, "challenge": s.challenge,
                          "history_average": s.history_average, "recent": s.recent, "benchmark": s.benchmark,
                          "history": [v for _, v in s.history], "method": s.method, "explanation": s.explain(lang)}
                         for s in suggestions],
                        columns=["metric", "scope", "base", "challenge", "history_average", "recent", "benchmark",
                                 "history", "method", "explanation"])
