"""The review's "off track first" table: each KPI of the active plan against its pro-rated target, largest
weighted gap first (the rows come from :func:`kpi_engine.reviews.weekly.kpi_rows`), and the plan a review uses.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine.plans import store
from kpi_engine.plans.model import Plan
from kpi_engine.reviews import weekly


def active_plan(engine: Engine, day: dt.date) -> Plan | None:
    """The active plan whose period contains ``day`` (the newest, if several)."""
    found = store.active_plans(engine, day)
    return found[0] if found else None


def review_frame(engine: Engine, plan: Plan, start: dt.date, end: dt.date, day: dt.date, lang: str = "en") -> pd.DataFrame:
    """One row per KPI of ``plan`` over [start, end] clipped to ``day`` (see :func:`weekly.kpi_rows`), with pace
    to the plan's end as of ``day``; largest weighted gap first, KPIs without one last."""
    frame = weekly.kpi_rows(engine, plan, start, min(end, day), min(day, plan.end), lang)
    return frame.sort_values("weighted_gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
