"""The review's "off track first" table: each KPI of the active plan against its pro-rated target.

Targets of metrics that add up over time are pro-rated by calendar days to the review period; the weighted
gap weight × (1 − achievement, capped at 100%) ranks what the meeting should discuss first.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import pacing
from kpi_engine.metrics import registry
from kpi_engine.metrics.growth import ref_text
from kpi_engine.plans import catalog, store
from kpi_engine.plans.evaluate import kpi_actuals
from kpi_engine.plans.model import Plan, split_metric
from kpi_engine.scoring import Rules, score_kpi


def kpi_name(metric_ref: str, lang: str = "en") -> str:
    """A plan KPI's name: the metric's, or its growth's ("Brand search volume growth (year over year)")."""
    mid = split_metric(metric_ref)[1]
    return ref_text(metric_ref, lang)[0] if mid in registry.METRICS else metric_ref


def active_plan(engine: Engine, day: dt.date) -> Plan | None:
    """The active plan whose period contains ``day`` (the newest, if several)."""
    found = store.active_plans(engine, day)
    return found[0] if found else None


def review_frame(engine: Engine, plan: Plan, start: dt.date, end: dt.date, day: dt.date, lang: str = "en") -> pd.DataFrame:
    """One row per KPI of ``plan`` over [start, end] (clipped to ``day``): pro-rated target, actual, deviation,
    achievement, weighted gap = weight × (1 − achievement), and pace to the plan's end (a status code:
    on_track, at_risk, off_track ...; None without one); off track first."""
    end = min(end, day)
    rules = Rules.from_settings()
    actuals = kpi_actuals(engine, plan.kpis, start, end, plan.grain)
    to_date_end = min(day, plan.end)
    so_far = actuals if (start, end) == (plan.start, to_date_end) else kpi_actuals(engine, plan.kpis, plan.start,
                                                                                 to_date_end, plan.grain)
    rows = []
    for k, (actual, _, _), (mtd, _, _) in zip(plan.kpis, actuals, so_far, strict=True):
        kind, mid = split_metric(k.metric)
        m = registry.METRICS.get(mid)
        unit = "ratio" if kind else (m.unit if m else "count")
        direction = catalog.direction(k.metric)
        cumulative = catalog.cumulative(k.metric)
        target = k.base
        if target is not None and cumulative:
            target = pacing.prorate(target, (plan.start, plan.end), (start, end))
        ach = score_kpi(actual, target, direction=direction, unit=unit, rules=rules).achievement
        p = pacing.pace(mtd, k.base, (plan.start, plan.end), to_date_end, direction=direction, additive=cumulative)
        dev = None if actual is None or target is None else actual - target
        rows.append({"kpi": kpi_name(k.metric, lang), "metric": k.metric, "scope": k.scope, "card": plan.card_of(k),
                     "unit": unit, "direction": direction, "weight": k.weight, "target": target, "actual": actual, "deviation": dev,
                     "deviation_pct": dev / target if dev is not None and target else None,
                     "achievement": ach, "weighted_gap": None if ach is None else k.weight * (1 - min(ach, 1.0)),
                     "pace": p.status or None, "projected": p.projected})
    frame = pd.DataFrame(rows)
    for col in ("weight", "target", "actual", "deviation", "deviation_pct", "achievement", "weighted_gap", "projected"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame.sort_values("weighted_gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
