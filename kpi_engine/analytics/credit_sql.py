"""The SQL of multi-touch credit: one row per touch of the chosen leads, with its share under each model.

A leaf (it imports only the schema), so that :mod:`kpi_engine.analytics.attribution` (the facts path and the
page's totals) and :mod:`kpi_engine.rollups.credit` (the daily credit rollup built from the same rows) share one
definition of the models. The models and their rules are described in :mod:`kpi_engine.analytics.attribution`.
"""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine import schema

MODELS: tuple[str, ...] = ("first_touch", "last_touch", "linear", "time_decay", "position")
HALF_LIFE_DAYS = 7.0
FIRST_LAST_SHARE = 0.4  # position-based: to each of the first and the last touch


def _epoch(col: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(sa.extract("epoch", col), sa.Double)


def _paths(lead_filter: list[sa.ColumnElement]) -> sa.Subquery:
    """Every counted touch of the leads that pass ``lead_filter`` (conditions on ``schema.leads``): one row per
    touch, with the lead's created_at and won_at (``lead_created_at``, ``lead_won_at``). A lead without a counted
    touch gets one row: its own channel and campaign at its creation (one LEFT JOIN gives both)."""
    leads, touches = schema.leads, schema.touches
    counted = sa.and_(touches.c.lead_id == leads.c.lead_id,
                      sa.or_(leads.c.won_at.is_(None), touches.c.touched_at <= leads.c.won_at))
    found = touches.c.lead_id.is_not(None)
    return (sa.select(
        leads.c.lead_id,
        sa.case((found, touches.c.channel_id), else_=leads.c.channel_id).label("channel_id"),
        sa.func.coalesce(sa.case((found, touches.c.campaign_id), else_=leads.c.campaign_id), "").label("campaign_id"),
        sa.case((found, touches.c.touched_at), else_=leads.c.created_at).label("touched_at"),
        sa.cast(leads.c.deal_value, sa.Double).label("deal_value"),  # money is DECIMAL(18,2): shares of it stay exact
        leads.c.created_at.label("lead_created_at"), leads.c.won_at.label("lead_won_at"),
    ).select_from(leads.outerjoin(touches, counted)).where(*lead_filter).subquery("path"))


def credit_rows(lead_filter: list[sa.ColumnElement], half_life_days: float = HALF_LIFE_DAYS) -> sa.Select:
    """One row per touch of the leads passing ``lead_filter``: lead_id, channel_id, campaign_id ('' for none),
    touched_at, deal_value (a float), pos, n, lead_created_at, lead_won_at and a credit per model (unordered)."""
    if half_life_days <= 0:
        raise ValueError("the half-life must be more than 0 days")
    p = _paths(lead_filter)
    lead = p.c.lead_id
    order = (p.c.touched_at, p.c.channel_id, p.c.campaign_id)
    numbered = sa.select(
        p, sa.func.row_number().over(partition_by=lead, order_by=order).label("pos"),
        sa.func.count().over(partition_by=lead).label("n"),
        sa.func.max(p.c.touched_at).over(partition_by=lead).label("last_at"),
    ).subquery("numbered")
    days_before = (_epoch(numbered.c.last_at) - _epoch(numbered.c.touched_at)) / 86400.0
    weighted = sa.select(
        numbered, sa.func.power(sa.literal(0.5, sa.Double), days_before / float(half_life_days)).label("w"),
    ).subquery("weighted")
    c = weighted.c
    n = sa.cast(c.n, sa.Double)
    middle = (1.0 - 2 * FIRST_LAST_SHARE) / sa.func.nullif(n - 2.0, 0.0)
    return sa.select(
        c.lead_id, c.channel_id, c.campaign_id, c.touched_at, c.deal_value, c.pos, c.n, c.lead_created_at,
        c.lead_won_at,
        sa.case((c.pos == 1, 1.0), else_=0.0).label("first_touch"),
        sa.case((c.pos == c.n, 1.0), else_=0.0).label("last_touch"),
        (1.0 / n).label("linear"),
        (c.w / sa.func.sum(c.w).over(partition_by=c.lead_id)).label("time_decay"),
        sa.case((c.n == 1, 1.0), (c.n == 2, 0.5), (sa.or_(c.pos == 1, c.pos == c.n), FIRST_LAST_SHARE),
                else_=middle).label("position"),
    )


def own_channel_rows(lead_filter: list[sa.ColumnElement]) -> sa.Select:
    """:func:`credit_rows` when the touches table is empty, without its window functions: each lead one touch on its
    own channel and campaign at its creation, every model's credit exactly 1 (what :func:`credit_rows` gives a
    path of one touch). The credit rollup builds from this while there are no touches (an import of leads alone)."""
    leads = schema.leads
    one = sa.literal(1.0, sa.Double)
    return sa.select(
        leads.c.lead_id, leads.c.channel_id, sa.func.coalesce(leads.c.campaign_id, "").label("campaign_id"),
        leads.c.created_at.label("touched_at"), sa.cast(leads.c.deal_value, sa.Double).label("deal_value"),
        sa.literal(1).label("pos"), sa.literal(1).label("n"), leads.c.created_at.label("lead_created_at"),
        leads.c.won_at.label("lead_won_at"), *(one.label(m) for m in MODELS),
    ).where(*lead_filter)
