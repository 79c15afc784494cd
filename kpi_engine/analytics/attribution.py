"""Multi-touch attribution: which channels get the credit for a lead, a win and its revenue, under five models.

A lead's **path** is its touches (table ``touches``: lead, channel, campaign, time) up to its win (touches after
``won_at`` are ignored), in time order. A lead without touches counts as one touch on its own channel and
campaign at its creation: with an empty touches table every model gives the lead's channel all the credit
(first touch = last touch), which is the product's default first-touch rule. Each lead hands out a credit of 1
over its touches (wins and revenue: the same shares):

- **first touch**: all to the first touch;
- **last touch**: all to the last touch;
- **linear**: 1/n to each of the n touches;
- **time decay**: a touch d days before the path's last touch weighs 2^(−d / half-life) (half-life 7 days by
  default), the weights scaled to add up to 1: recent touches count more;
- **position-based** (U-shaped, 40/20/40): 40% to the first touch, 40% to the last, the remaining 20% shared
  equally by the touches in between; a path of one touch gives it 100%, of two touches 50% each.

Ties in time are ordered by channel and campaign, so the answer never depends on the database's row order. The
credit is computed in SQL (window functions; DuckDB and PostgreSQL). Leads count by ``created_at``, wins and
revenue by ``won_at`` in the range, as the metrics do; a channel's CAC under a model is its spend in the range
(the metric layer) over the wins it is credited with, its CPL spend over credited leads.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema

MODELS: tuple[str, ...] = ("first_touch", "last_touch", "linear", "time_decay", "position")
HALF_LIFE_DAYS = 7.0
FIRST_LAST_SHARE = 0.4  # position-based: to each of the first and the last touch


def _epoch(col: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(sa.extract("epoch", col), sa.Double)


def _paths(start: dt.date, end: dt.date, event: str) -> sa.Subquery:
    """Every touch of the leads whose ``event`` (created_at or won_at) falls in [start, end]: one row per touch."""
    leads, touches = schema.leads, schema.touches
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    when = leads.c[event]
    deal = sa.cast(leads.c.deal_value, sa.Double).label("deal_value")  # money is DECIMAL(18,2): shares of it stay exact
    scope = (sa.select(leads.c.lead_id, leads.c.channel_id, leads.c.campaign_id, leads.c.created_at,
                       leads.c.won_at, deal)
             .where(when >= lo, when < hi).subquery("scope"))
    counted = sa.or_(scope.c.won_at.is_(None), touches.c.touched_at <= scope.c.won_at)
    explicit = (sa.select(scope.c.lead_id, touches.c.channel_id, sa.func.coalesce(touches.c.campaign_id, "")
                          .label("campaign_id"), touches.c.touched_at, scope.c.deal_value)
                .join(touches, touches.c.lead_id == scope.c.lead_id).where(counted))
    has_touch = (sa.select(sa.literal(1)).select_from(touches)
                 .where(touches.c.lead_id == scope.c.lead_id, counted).exists())
    derived = (sa.select(scope.c.lead_id, scope.c.channel_id, sa.func.coalesce(scope.c.campaign_id, "")
                         .label("campaign_id"), scope.c.created_at.label("touched_at"), scope.c.deal_value)
               .where(~has_touch))
    return sa.union_all(explicit, derived).subquery("path")


def credit_query(start: dt.date, end: dt.date, *, event: str = "created_at",
                 half_life_days: float = HALF_LIFE_DAYS) -> sa.Select:
    """One row per touch: lead_id, channel_id, campaign_id, touched_at, deal_value, and a credit per model."""
    if event not in ("created_at", "won_at"):
        raise ValueError("event must be created_at (leads) or won_at (wins)")
    if half_life_days <= 0:
        raise ValueError("the half-life must be more than 0 days")
    p = _paths(start, end, event)
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
        c.lead_id, c.channel_id, c.campaign_id, c.touched_at, c.deal_value, c.pos, c.n,
        sa.case((c.pos == 1, 1.0), else_=0.0).label("first_touch"),
        sa.case((c.pos == c.n, 1.0), else_=0.0).label("last_touch"),
        (1.0 / n).label("linear"),
        (c.w / sa.func.sum(c.w).over(partition_by=c.lead_id)).label("time_decay"),
        sa.case((c.n == 1, 1.0), (c.n == 2, 0.5), (sa.or_(c.pos == 1, c.pos == c.n), FIRST_LAST_SHARE),
                else_=middle).label("position"),
    ).order_by(c.lead_id, c.pos)


def touch_credits(engine: Engine, start: dt.date, end: dt.date, *, event: str = "created_at",
                  half_life_days: float = HALF_LIFE_DAYS) -> pd.DataFrame:
    """:func:`credit_query` as a DataFrame (credits as floats)."""
    with engine.connect() as conn:
        rows = conn.execute(credit_query(start, end, event=event, half_life_days=half_life_days)).mappings().all()
    cols = ["lead_id", "channel_id", "campaign_id", "touched_at", "deal_value", "pos", "n", *MODELS]
    frame = pd.DataFrame([dict(r) for r in rows], columns=cols)
    for m in MODELS:
        frame[m] = frame[m].astype("float64")
    return frame


def _channel_totals(engine: Engine, start: dt.date, end: dt.date, event: str, half_life_days: float,
                    weight: str | None) -> pd.DataFrame:
    """Credit per channel and model (summed in SQL); ``weight``: a column to multiply by (deal_value)."""
    touches = credit_query(start, end, event=event, half_life_days=half_life_days).subquery("credit")
    factor = sa.func.coalesce(touches.c[weight], 0.0) if weight else sa.literal(1.0, sa.Double)
    query = (sa.select(touches.c.channel_id, *[sa.func.sum(touches.c[m] * factor).label(m) for m in MODELS])
             .group_by(touches.c.channel_id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["channel_id", *MODELS])
    return frame.melt(id_vars="channel_id", var_name="model", value_name="value")


def touches_source(engine: Engine) -> str:
    """``touches`` when the touches table has rows, else ``derived`` (one touch per lead from its channel)."""
    with engine.connect() as conn:
        found = conn.execute(sa.select(schema.touches.c.lead_id).limit(1)).first()
    return "touches" if found is not None else "derived"


def channel_credit(engine: Engine, start: dt.date, end: dt.date, *,
                   half_life_days: float = HALF_LIFE_DAYS) -> pd.DataFrame:
    """Per channel and model: credited ``leads``, ``wins``, ``revenue``; ``spend`` (metric layer), ``cpl``, ``cac``.

    One row per (channel_id, model) for every channel with credit or spend; NaN where a ratio has no value
    (no credited wins, no spend).
    """
    from kpi_engine.metrics.query import compute

    parts = []
    for name, event, weight in (("leads", "created_at", None), ("wins", "won_at", None),
                                ("revenue", "won_at", "deal_value")):
        part = _channel_totals(engine, start, end, event, half_life_days, weight).rename(columns={"value": name})
        parts.append(part.set_index(["channel_id", "model"]))
    credit = pd.concat(parts, axis=1).fillna(0.0)
    spend = compute(engine, ["spend"], by="channel", start=start, end=end)
    spend = spend[spend["spend"] > 0].set_index("channel_id")["spend"]
    channels = sorted(set(credit.index.get_level_values(0)) | set(spend.index))
    index = pd.MultiIndex.from_product([channels, list(MODELS)], names=["channel_id", "model"])
    out = credit.reindex(index).fillna(0.0).reset_index()
    out["spend"] = out["channel_id"].map(spend).fillna(0.0).astype("float64")
    out["cpl"] = (out["spend"] / out["leads"].where(out["leads"] > 0)).where(out["spend"] > 0)
    out["cac"] = (out["spend"] / out["wins"].where(out["wins"] > 0)).where(out["spend"] > 0)
    return out[["channel_id", "model", "leads", "wins", "revenue", "spend", "cpl", "cac"]]


def channel_names(engine: Engine) -> dict[str, str]:
    """{channel_id: name} for labels (the id where a channel has no name)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.channels.c.channel_id, schema.channels.c.name)).all()
    return {str(cid): str(name or cid) for cid, name in rows}
