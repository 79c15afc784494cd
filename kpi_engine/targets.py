"""Monthly targets per metric and scope, pro-rated to any date range by calendar days.

Targets are stored per month (``schema.targets``). For a range inside or across
months, a metric that adds up over time (leads, spend: ``Metric.cumulative``) has
as target the sum of each month's target times the share of that month's days in
the range; a ratio's target (CPL, conversion rates) or a stock's (followers) is
the day-weighted mean of the months' targets: it does not shrink because the
period is shorter.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import periods, schema
from kpi_engine.metrics import registry

TEAM = "team"


def monthly_targets(engine: Engine, *, start: dt.date, end: dt.date, scope_type: str | None = None,
                    metrics: list[str] | None = None) -> pd.DataFrame:
    """Stored monthly target rows whose month overlaps [start, end]."""
    t = schema.targets
    query = sa.select(t.c.metric_id, t.c.scope_type, t.c.scope_id, t.c.period_start, t.c.base, t.c.challenge, t.c.floor).where(
        t.c.period_start <= end, t.c.period_start >= periods.period_start(start, "month"))
    if scope_type:
        query = query.where(t.c.scope_type == scope_type)
    if metrics:
        query = query.where(t.c.metric_id.in_(metrics))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(),
                            columns=["metric_id", "scope_type", "scope_id", "period_start", "base", "challenge", "floor"])


def prorate(monthly: pd.DataFrame, start: dt.date, end: dt.date, *, additive: bool) -> float | None:
    """The target for [start, end] from monthly rows (period_start, base); None when a day has no target."""
    covered = 0
    total = 0.0
    weighted = 0.0
    for row in monthly.itertuples(index=False):  # a handful of months, not data rows
        m_start = row.period_start
        m_end = periods.period_end(m_start, "month")
        days = periods.overlap_days(m_start, m_end, start, end)
        if days <= 0:
            continue
        covered += days
        total += float(row.base) * days / periods.days_in(m_start, m_end)
        weighted += float(row.base) * days
    if covered < periods.days_in(start, end):
        return None
    return total if additive else weighted / covered


def targets_for(engine: Engine, metrics: list[str], *, start: dt.date, end: dt.date,
                scope_type: str = TEAM) -> pd.DataFrame:
    """Pro-rated base target per (scope_id, metric_id) for [start, end]; only pairs with a target on every day."""
    rows = monthly_targets(engine, start=start, end=end, scope_type=scope_type, metrics=metrics)
    out: list[dict[str, object]] = []
    for (scope_id, metric_id), group in rows.groupby(["scope_id", "metric_id"], sort=True):
        value = prorate(group, start, end, additive=registry.get(str(metric_id)).cumulative)
        if value is not None:
            out.append({"scope_id": scope_id, "metric_id": metric_id, "target": value})
    return pd.DataFrame(out, columns=["scope_id", "metric_id", "target"])


def target_value(engine: Engine, metric: str, *, start: dt.date, end: dt.date, scope_type: str = TEAM,
                 scope_id: str = "") -> float | None:
    """One pro-rated target, or None when none is set for the whole range."""
    table = targets_for(engine, [metric], start=start, end=end, scope_type=scope_type)
    hit = table[table["scope_id"] == scope_id]
    return None if hit.empty else float(hit["target"].iloc[0])
