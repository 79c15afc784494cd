"""The demo's KPI plans: the example team plan, active for the latest full month and the running month.

``python -m kpi_engine init-demo`` calls :func:`activate_demo_plans` after generating the data, so
the Reviews and Scorecards pages have a plan out of the box. ``demo.generate`` does not: it only
writes facts (and tests rely on a store without plans).

Activating a plan publishes its targets (``schema.targets`` rows with source ``plan:<id>``), which
replace the demo's own targets for the same metric, scope and month; ``demo.generate`` keeps those
rows on a later run.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.demo.shape import month_start
from kpi_engine.plans import store as plan_store
from kpi_engine.plans.templates import from_template

TEMPLATE = "team_example"
USER = "demo"


def demo_plan_months(end: dt.date) -> list[str]:
    """The months the demo plans cover, as labels: the latest full month and the running one.

    The running month is the one after ``end`` (data runs to yesterday): 2026-11-22 gives
    2026-10 and 2026-11; 2026-10-31 gives 2026-10 and 2026-11 too (November has no data yet).
    """
    running = month_start(end + dt.timedelta(days=1))
    return [periods.period_label(month_start(running, 1), "month"), periods.period_label(running, "month")]


def _has_active_month_plan(engine: Engine, first_day: dt.date) -> bool:
    """Whether an active team (no subject) monthly plan covers the month starting ``first_day``."""
    return any(p.grain == "month" and not p.subject and p.start == first_day
               for p in plan_store.active_plans(engine, first_day))


def activate_demo_plans(engine: Engine, end: dt.date) -> list[str]:
    """Save and activate the example team plan for the demo's latest full month and running month.

    A month that already has an active team monthly plan is left alone. Warnings of the plan checks are
    acknowledged (the demo plan is meant to be used as is); a month whose plan the checks block (the
    template names the month's trade-show campaign, absent when the data ends before that month) gets
    no plan and no leftover draft. Returns the ids of the plans activated.
    """
    activated: list[str] = []
    for label in demo_plan_months(end):
        _, first_day, _ = periods.parse_period(label)
        if _has_active_month_plan(engine, first_day):
            continue
        draft = plan_store.save_plan(engine, from_template(TEMPLATE, label), user=USER)
        try:
            plan = plan_store.activate_plan(engine, draft.plan_id, acknowledge=True, user=USER, as_of=end)
        except plan_store.ActivationBlocked:  # e.g. the month's trade show is not in the data yet
            plan_store.delete_plan(engine, draft.plan_id)
            continue
        activated.append(plan.plan_id)
    return activated


__all__ = ["TEMPLATE", "activate_demo_plans", "demo_plan_months"]
