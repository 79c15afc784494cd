"""The review's "off track first" table: each KPI of the active plan against its pro-rated target, largest
weighted gap first (the rows come from :func:`kpi_engine.reviews.weekly.kpi_rows`), and the plan a review uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import access
from kpi_engine.plans import store
from kpi_engine.plans.model import Plan, Scope
from kpi_engine.reviews import weekly
from kpi_engine.reviews.connection import held


def active_plan(engine: Engine, day: dt.date) -> Plan | None:
    """The active plan whose period contains ``day`` (the newest, if several), with only the KPIs the signed-in
    principal may see (:func:`visible_part`)."""
    with held(engine) as one:  # the plan and its versions in one connection
        found = store.active_plans(one, day)
    return visible_part(found[0]) if found else None


def visible_part(plan: Plan) -> Plan:
    """``plan`` without the KPIs of people the signed-in principal may not see (their card or their scope)."""
    viewer = access.current()
    if viewer.people is None:
        return plan
    kept = []
    for k in plan.kpis:
        try:
            access.check_card(plan.card_of(k), viewer)
            scope = Scope.parse(k.scope)
            access.check_scope(scope.type, scope.id, viewer)
        except (access.NotAllowed, ValueError):  # not this viewer's KPI, or a scope the plan checks report
            continue
        kept.append(k)
    return dataclasses.replace(plan, kpis=tuple(kept))


def review_frame(engine: Engine, plan: Plan, start: dt.date, end: dt.date, day: dt.date, lang: str = "en") -> pd.DataFrame:
    """One row per KPI of ``plan`` over [start, end] clipped to ``day`` (see :func:`weekly.kpi_rows`), with pace
    to the plan's end as of ``day``; largest weighted gap first, KPIs without one last."""
    frame = weekly.kpi_rows(engine, plan, start, min(end, day), min(day, plan.end), lang)
    return frame.sort_values("weighted_gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
