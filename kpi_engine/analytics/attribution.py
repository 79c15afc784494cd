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
credit is computed in SQL (window functions; DuckDB and PostgreSQL; :mod:`kpi_engine.analytics.credit_sql`); the
channel totals are read from the daily credit rollup (``kpi_engine.rollups.credit``: per day, channel and campaign,
kept by every upload and undo) when it holds what the facts hold and the half-life is the default one. Leads count by ``created_at``, wins and
revenue by ``won_at`` in the range, as the metrics do; a channel's CAC under a model is its spend in the range
(the metric layer) over the wins it is credited with, its CPL spend over credited leads.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.analytics.credit_sql import FIRST_LAST_SHARE, HALF_LIFE_DAYS, MODELS, credit_rows
from kpi_engine.rollups import credit as credit_rollup

__all__ = ["FIRST_LAST_SHARE", "HALF_LIFE_DAYS", "MODELS", "channel_credit", "channel_names", "credit_query",
           "reads_rollup", "touch_credits", "touches_source"]


def credit_query(start: dt.date, end: dt.date, *, event: str = "created_at",
                 half_life_days: float = HALF_LIFE_DAYS) -> sa.Select:
    """One row per touch of the leads whose ``event`` (created_at or won_at) falls in [start, end]: lead_id,
    channel_id, campaign_id, touched_at, deal_value, pos, n, and a credit per model."""
    if event not in ("created_at", "won_at"):
        raise ValueError("event must be created_at (leads) or won_at (wins)")
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    when = schema.leads.c[event]
    rows = credit_rows([when >= lo, when < hi], half_life_days).subquery("credit")
    c = rows.c
    return sa.select(c.lead_id, c.channel_id, c.campaign_id, c.touched_at, c.deal_value, c.pos, c.n,
                     *(c[m] for m in MODELS)).order_by(c.lead_id, c.pos)


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


def reads_rollup(engine: Engine, half_life_days: float = HALF_LIFE_DAYS) -> bool:
    """Whether :func:`channel_credit` reads the daily credit rollup (``kpi_engine.rollups.credit``) for this
    half-life: built for it, and leads and touches as many rows as at its last refresh (the counts of
    ``store.table_counts``, kept per data version on PostgreSQL). Otherwise it computes from the facts."""
    counts = store.table_counts(engine)
    with engine.connect() as conn:
        return credit_rollup.readable(conn, counts, half_life_days)


def _rollup_totals(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per (channel_id, model): leads, wins and revenue summed from the credit rollup's days in the range."""
    with engine.connect() as conn:
        rows = credit_rollup.channel_totals(conn, start, end)
    parts = []
    for name, event, prefix in (("leads", "created_at", ""), ("wins", "won_at", ""), ("revenue", "won_at", "revenue_")):
        frame = pd.DataFrame([[r.channel_id, *(r._mapping[prefix + m] for m in MODELS)] for r in rows
                              if r.event == event], columns=["channel_id", *MODELS])
        for m in MODELS:
            frame[m] = frame[m].astype("float64")
        part = frame.melt(id_vars="channel_id", var_name="model", value_name=name)
        parts.append(part.set_index(["channel_id", "model"]))
    return pd.concat(parts, axis=1)


def _facts_totals(engine: Engine, start: dt.date, end: dt.date, half_life_days: float) -> pd.DataFrame:
    parts = []
    for name, event, weight in (("leads", "created_at", None), ("wins", "won_at", None),
                                ("revenue", "won_at", "deal_value")):
        part = _channel_totals(engine, start, end, event, half_life_days, weight).rename(columns={"value": name})
        parts.append(part.set_index(["channel_id", "model"]))
    return pd.concat(parts, axis=1)


def channel_credit(engine: Engine, start: dt.date, end: dt.date, *,
                   half_life_days: float = HALF_LIFE_DAYS, rollup: bool = True) -> pd.DataFrame:
    """Per channel and model: credited ``leads``, ``wins``, ``revenue``; ``spend`` (metric layer), ``cpl``, ``cac``.

    One row per (channel_id, model) for every channel with credit or spend; NaN where a ratio has no value
    (no credited wins, no spend). Read from the daily credit rollup when :func:`reads_rollup` (the same numbers,
    summed per day first), from the facts otherwise or when ``rollup`` is False.
    """
    from kpi_engine.metrics.query import compute

    if rollup and reads_rollup(engine, half_life_days):
        credit = _rollup_totals(engine, start, end).fillna(0.0)
    else:
        credit = _facts_totals(engine, start, end, half_life_days).fillna(0.0)
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
