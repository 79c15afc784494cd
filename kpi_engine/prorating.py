"""Which plan's pro-rating applies to stored targets on a day (for pages without a plan of their own).

The Standup and the Drill-down compare actuals with the stored monthly targets (``kpi_engine.targets``).
Those targets are spread over the days the way the plan in force says: the active *team* plan (one without
an appraisal subject) whose period holds the day, newest first. For each metric the plan's KPI of that
metric at the asked scope may override the plan's method (``Kpi.extra["prorate"]``); without a plan the
setting ``default_prorate`` applies (:func:`kpi_engine.pacing.method_for`). Seasonal shapes are not loaded
here: :func:`kpi_engine.targets.targets_for` and the Standup board load last year's values themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.engine import Engine

from kpi_engine import pacing
from kpi_engine.plans.model import Plan
from kpi_engine.settings import Settings


def team_plan(engine: Engine, day: dt.date) -> Plan | None:
    """The active team plan (no appraisal subject) whose period holds ``day``, newest first; None without one."""
    from kpi_engine.plans.store import active_plans  # local: the store reads every active plan

    plans = [p for p in active_plans(engine, day) if not p.subject]
    return plans[0] if plans else None


def spreads(plan: Plan | None, metrics: Iterable[str], *, scope: str = "team",
            settings: Settings | None = None) -> dict[str, pacing.Spread]:
    """Per metric, how ``plan`` spreads its targets at ``scope`` (``team``, ``channel:ID`` ...): the plan's KPI of
    that metric and scope, else the plan, else the setting (no shapes; see the module docstring)."""
    kpis = {k.metric: k for k in (plan.kpis if plan is not None else ()) if k.scope == scope}
    return {m: pacing.method_for(plan, kpis.get(m), settings) for m in metrics}


def for_day(engine: Engine, day: dt.date, metrics: Iterable[str], *, scope: str = "team",
            settings: Settings | None = None) -> dict[str, pacing.Spread]:
    """:func:`spreads` of the :func:`team_plan` in force on ``day``."""
    return spreads(team_plan(engine, day), metrics, scope=scope, settings=settings)
