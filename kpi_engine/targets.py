"""Monthly targets per metric and scope, pro-rated to any date range (by calendar days unless told otherwise).

Targets are stored per month (``schema.targets``). For a range inside or across
months, a metric that adds up over time (leads, spend: ``Metric.cumulative``) has
as target the sum of each month's target times the share of that month's weight in
the range: its days by calendar days (the default), its Chinese working days
(``method="working"``), last year's daily values of the same metric and scope
(``seasonal``) or a plan's day profile (``custom``; see :mod:`kpi_engine.pacing`).
Callers that know the plan pass :func:`kpi_engine.pacing.method_for`'s answer, so the
Standup, Drill-down and Reviews spread a target the way the plan says. A ratio's target
(CPL, conversion rates) or a stock's (followers) is the day-weighted mean of the months'
targets whatever the method: it does not shrink because the period is shorter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import pacing, periods, schema
from kpi_engine.metrics import registry
from kpi_engine.settings import Settings

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


def prorate(monthly: pd.DataFrame, start: dt.date, end: dt.date, *, additive: bool, method: str = "calendar",
            profile: Mapping[str, float] | None = None, shape: Mapping[dt.date, float] | None = None) -> float | None:
    """The target for [start, end] from monthly rows (period_start, base); None when a day has no target.

    An additive target is spread over each month by ``method`` (``profile`` for custom, ``shape`` for seasonal:
    last year's {date: value}; seasonal without a shape is calendar days).
    """
    if method == "seasonal" and shape is None:
        method = "calendar"
    covered = 0
    total = 0.0
    weighted = 0.0
    for row in monthly.itertuples(index=False):  # a handful of months, not data rows
        m_start = periods.to_date(row.period_start)
        m_end = periods.period_end(m_start, "month")
        days = periods.overlap_days(m_start, m_end, start, end)
        if days <= 0:
            continue
        covered += days
        part = (max(start, m_start), min(end, m_end))
        total += float(row.base) * pacing.share((m_start, m_end), part, method, profile=profile,  # type: ignore[arg-type]
                                                shape=shape)
        weighted += float(row.base) * days
    if covered < periods.days_in(start, end):
        return None
    return total if additive else weighted / covered


def _shapes(engine: Engine, rows: pd.DataFrame, scope_type: str,
            settings: Settings | None) -> dict[tuple[str, str], dict[dt.date, float]]:
    """Last year's daily values per (scope id, metric) over the stored months of ``rows`` (seasonal)."""
    if rows.empty:
        return {}
    first = periods.to_date(rows["period_start"].min())
    span = (first, periods.period_end(periods.to_date(rows["period_start"].max()), "month"))
    metrics = sorted({str(m) for m in rows["metric_id"]})
    out: dict[tuple[str, str], dict[dt.date, float]] = {}
    if (rows["scope_id"] == "").any():  # the whole department (team targets carry no scope id)
        out.update(pacing.last_year_shapes(engine, metrics, span, settings=settings))
    if (rows["scope_id"] != "").any():
        out.update({k: v for k, v in pacing.last_year_shapes(engine, metrics, span, by=scope_type,
                                                             settings=settings).items() if k[0]})
    return out


def targets_for(engine: Engine, metrics: list[str], *, start: dt.date, end: dt.date, scope_type: str = TEAM,
                method: str = "calendar", profile: Mapping[str, float] | None = None,
                spreads: Mapping[str, pacing.Spread] | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Pro-rated base target per (scope_id, metric_id) for [start, end]; only pairs with a target on every day.

    ``method`` (and ``profile`` for custom) as in :func:`prorate`, or per metric in ``spreads`` (metric ->
    :class:`kpi_engine.pacing.Spread`, e.g. from :func:`kpi_engine.prorating.for_day`); seasonal reads last year's
    daily values of each metric for each scope (one query per scope type) and falls back to calendar days where
    last year is empty.
    """
    rows = monthly_targets(engine, start=start, end=end, scope_type=scope_type, metrics=metrics)
    how = {m: (spreads or {}).get(m) or pacing.Spread(method, profile) for m in metrics}
    seasonal = rows[rows["metric_id"].isin([m for m, sp in how.items() if sp.method == "seasonal"])]
    shapes = _shapes(engine, seasonal, scope_type, settings) if len(seasonal) else {}
    out: list[dict[str, object]] = []
    for (scope_id, metric_id), group in rows.groupby(["scope_id", "metric_id"], sort=True):
        spread = how.get(str(metric_id)) or pacing.Spread(method, profile)
        shape = shapes.get((str(scope_id), str(metric_id))) or None
        value = prorate(group, start, end, additive=registry.get(str(metric_id)).cumulative, method=spread.method,
                        profile=spread.profile, shape=shape)
        if value is not None:
            out.append({"scope_id": scope_id, "metric_id": metric_id, "target": value})
    return pd.DataFrame(out, columns=["scope_id", "metric_id", "target"])


def target_value(engine: Engine, metric: str, *, start: dt.date, end: dt.date, scope_type: str = TEAM,
                 scope_id: str = "", method: str = "calendar", profile: Mapping[str, float] | None = None,
                 settings: Settings | None = None) -> float | None:
    """One pro-rated target (``method`` as in :func:`targets_for`), or None when none is set for the whole range."""
    table = targets_for(engine, [metric], start=start, end=end, scope_type=scope_type, method=method,
                        profile=profile, settings=settings)
    hit = table[table["scope_id"] == scope_id]
    return None if hit.empty else float(hit["target"].iloc[0])
