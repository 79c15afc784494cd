"""Target splitting for a plan's KPIs (issue 16.2): make a split, keep it with the plan, read it back.

A KPI of a plain metric that adds up over time (leads, wins, revenue, spend) with a base target can be split
over its plan's period (:mod:`kpi_engine.target_split`). The split is kept in the KPI's ``extra["split"]``
(method, promotion events, notes and the value of every day), so it is saved with the plan version, exported to
and imported from YAML, and it drives pacing: :func:`kpi_engine.pacing.method_for`, the one resolver behind
published monthly targets, the Standup, the Drill-down, weekly reviews and running scorecards, spreads the KPI's
target by the split's days. A rate (CPL, conversion) or a growth KPI is not split: its target is the rate.

``last_year`` reads the same metric's daily values a year earlier, at the KPI's scope, through the metric query
layer (:func:`kpi_engine.pacing.last_year_shape`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy.engine import Engine

from kpi_engine import pacing, target_split
from kpi_engine.plans import catalog
from kpi_engine.plans.model import Kpi, Plan
from kpi_engine.settings import Settings
from kpi_engine.target_split import PromoEvent, Split

SPLIT_GRAINS: tuple[str, ...] = ("quarter", "year")


def why_not(kpi: Kpi) -> str | None:
    """Why ``kpi`` cannot be split (an i18n key), or None: growth and rates keep their target as it is."""
    if kpi.growth_kind is not None:
        return "split_why_growth"
    if kpi.metric_id not in catalog.registry.METRICS:
        return "split_why_unknown"
    if not catalog.cumulative(kpi.metric):
        return "split_why_rate"
    if kpi.base is None or kpi.base <= 0:
        return "split_why_no_base"
    return None


def splittable(plan: Plan) -> list[int]:
    """Indexes of the KPIs of a quarter or year plan that can be split."""
    if plan.grain not in SPLIT_GRAINS:
        return []
    return [i for i, k in enumerate(plan.kpis) if why_not(k) is None]


def history(engine: Engine, plan: Plan, kpi: Kpi, *, settings: Settings | None = None) -> dict[dt.date, float]:
    """The KPI's metric per day, at its scope, over the dates a year before the plan's period ({} when unknown)."""
    try:
        where = kpi.parsed_scope().where
        return pacing.last_year_shape(engine, kpi.metric_id, (plan.start, plan.end), where=where, settings=settings)
    except ValueError:  # a scope or metric that does not exist: the plan check lists it
        return {}


def make_split(engine: Engine | None, plan: Plan, kpi: Kpi, method: str, *, base: str = "even",
               events: Iterable[PromoEvent] | None = None, settings: Settings | None = None) -> Split:
    """Split the KPI's base target over the plan's period; reads last year only when the method needs it."""
    needs_history = method == "last_year" or (method == "promo" and base == "last_year")
    hist = history(engine, plan, kpi, settings=settings) if needs_history and engine is not None else None
    return target_split.split(float(kpi.base or 0), plan.start, plan.end, method, base=base, events=events,
                              history=hist)


def saved_split(kpi: Kpi) -> Split | None:
    """The KPI's saved split, rescaled to its current base (the shape is kept when the base changed)."""
    saved = kpi.extra.get("split")
    if not saved:
        return None
    return target_split.from_saved(saved, kpi.base if kpi.base is not None and kpi.base > 0 else None)


def with_split(plan: Plan, index: int, split: Split) -> Plan:
    """``plan`` with KPI ``index`` carrying ``split`` (it replaces the KPI's own pro-rating)."""
    kpis = list(plan.kpis)
    extra = {k: v for k, v in kpis[index].extra.items() if k not in ("prorate", "profile")}
    kpis[index] = dataclasses.replace(kpis[index], extra={**extra, "split": target_split.to_saved(split)})
    return dataclasses.replace(plan, kpis=tuple(kpis))


def without_split(plan: Plan, index: int) -> Plan:
    """``plan`` with KPI ``index``'s split removed (back to the plan's pro-rating)."""
    kpis = list(plan.kpis)
    kpis[index] = dataclasses.replace(kpis[index], extra={k: v for k, v in kpis[index].extra.items() if k != "split"})
    return dataclasses.replace(plan, kpis=tuple(kpis))


def covers_period(plan: Plan, kpi: Kpi) -> bool:
    """Whether the KPI's saved split has exactly the days of the plan's period (False after the period changed)."""
    s = saved_split(kpi)
    return s is None or (s.start == plan.start and s.end == plan.end and len(s.days) == (plan.end - plan.start).days + 1)
