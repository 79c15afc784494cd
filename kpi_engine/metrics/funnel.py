"""The lead funnel of a scope as a cohort, and the paged list of the leads behind it.

Cohort funnel: of the leads CREATED in ``[start, end]`` (and in the scope), how many reached MQL, SQL
and won. A lead "reached" a stage when it has that stage's date or a later stage's date (a lead may skip
stages: an SQL that skipped MQL has passed MQL), so each bar holds the next. Stage dates after ``as_of``
do not count yet, so a view with a fixed as-of date always shows the same numbers. This is not the
event count of the ``mqls`` / ``sqls`` / ``wins`` metrics (those count stage dates inside the period,
whatever the lead's creation date).

The leads list is one SQL query with LIMIT / OFFSET, newest first (ties by lead id), with the stage each
lead reached and its dates; nothing is loaded beyond one page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, schema

STAGES: tuple[str, ...] = ("lead", "mql", "sql", "won")
# Scope filters on the lead's own first-touch columns (as the metrics compiler attributes leads).
SCOPE_COLUMNS: dict[str, str] = {"channel": "channel_id", "campaign": "campaign_id", "person": "owner_id"}
PAGE_SIZE = 50

L = schema.leads


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _conditions(start: dt.date, end: dt.date, where: Mapping[str, str] | None) -> list[sa.ColumnElement[bool]]:
    """Created in [start, end] (whole days) and in the scope; a scope id of "" means the column is blank."""
    conds: list[sa.ColumnElement[bool]] = [L.c.created_at >= _day_start(start),
                                           L.c.created_at < _day_start(end + dt.timedelta(days=1))]
    for scope, value in (where or {}).items():
        if scope not in SCOPE_COLUMNS:
            raise ValueError(f"leads can be filtered by {', '.join(SCOPE_COLUMNS)}, not {scope!r}")
        col = L.c[SCOPE_COLUMNS[scope]]
        conds.append(sa.or_(col.is_(None), col == "") if value == "" else col == value)
    return conds


def _reached(as_of: dt.date | None) -> dict[str, sa.ColumnElement[bool]]:
    """Per stage: the lead has that stage's date, or a later one, on or before ``as_of``."""
    cutoff = _day_start(as_of + dt.timedelta(days=1)) if as_of else None

    def has(col: sa.Column) -> sa.ColumnElement[bool]:
        return col.is_not(None) if cutoff is None else col < cutoff

    won = has(L.c.won_at)
    sql = sa.or_(has(L.c.sql_at), won)
    return {"mql": sa.or_(has(L.c.mql_at), sql), "sql": sql, "won": won, "lost": has(L.c.lost_at)}


def funnel(engine: Engine, start: dt.date, end: dt.date, *, where: Mapping[str, str] | None = None,
           as_of: dt.date | None = None) -> pd.DataFrame:
    """Cohort funnel of the leads created in ``[start, end]``: lead → MQL → SQL → won (see the module docstring).

    Columns: stage, count, share (of the cohort's leads; NaN without leads), step (conversion from the
    previous stage; NaN for the first stage or after an empty one).
    """
    reached = _reached(as_of)
    one = sa.literal(1)
    cols = [sa.func.count().label("lead")]
    cols += [sa.func.coalesce(sa.func.sum(sa.case((reached[s], one), else_=0)), 0).label(s) for s in STAGES[1:]]
    with engine.connect() as conn:
        row = conn.execute(sa.select(*cols).where(*_conditions(start, end, where))).one()
    counts = [int(v or 0) for v in row]
    share = [c / counts[0] if counts[0] else math.nan for c in counts]
    step = [math.nan] + [c / p if p else math.nan for p, c in zip(counts, counts[1:], strict=False)]
    return pd.DataFrame({"stage": list(STAGES), "count": pd.Series(counts, dtype="int64"),
                         "share": pd.Series(share, dtype="float64"), "step": pd.Series(step, dtype="float64")})


@dataclass(frozen=True)
class LeadsPage:
    """One page of a leads list: ``rows`` (newest first), the ``total`` in the scope and range, and the paging."""

    rows: pd.DataFrame
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


LEAD_COLUMNS: tuple[str, ...] = ("lead_id", "created_at", "channel_id", "channel_name", "campaign_id",
                                 "campaign_name", "owner_id", "owner_name", "stage", "expected_value", "mql_at",
                                 "sql_at", "won_at", "lost_at", "deal_value", "first_response_at")


def leads_page(engine: Engine, start: dt.date, end: dt.date, *, where: Mapping[str, str] | None = None,
               page: int = 0, page_size: int = PAGE_SIZE, as_of: dt.date | None = None) -> LeadsPage:
    """Page ``page`` (0-based) of the leads created in ``[start, end]`` in the scope, newest first.

    ``stage`` is the furthest stage reached by ``as_of``: won, lost, sql, mql or lead (a lost lead that
    had reached SQL shows "lost"; its dates tell how far it went). Only the leads whose owner the signed-in
    principal may see are listed (:mod:`kpi_engine.access`).
    """
    if page_size <= 0:
        raise ValueError("page_size must be positive")
    conds = _conditions(start, end, where)
    viewer = access.current()
    if viewer.people is not None:  # individual leads: only those owned by people in view (a viewer sees none)
        if not viewer.may("person_numbers"):
            raise access.NotAllowed("leads", "individual leads")
        access.check_scope("person", (where or {}).get("person") or None, viewer)
        conds.append(L.c.owner_id.in_(sorted(viewer.people)))
    with engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(L).where(*conds)).scalar() or 0)
        last_page = max(0, -(-total // page_size) - 1)
        page = min(max(0, int(page)), last_page)
        reached = _reached(as_of)
        stage = sa.case((reached["won"], "won"), (reached["lost"], "lost"), (reached["sql"], "sql"),
                        (reached["mql"], "mql"), else_="lead")
        ch, cp, pp = schema.channels, schema.campaigns, schema.people
        query = (
            sa.select(L.c.lead_id, L.c.created_at, L.c.channel_id, ch.c.name.label("channel_name"), L.c.campaign_id,
                      cp.c.name.label("campaign_name"), L.c.owner_id, pp.c.name.label("owner_name"),
                      stage.label("stage"), L.c.expected_value, L.c.mql_at, L.c.sql_at, L.c.won_at, L.c.lost_at,
                      L.c.deal_value, L.c.first_response_at)
            .select_from(L.outerjoin(ch, ch.c.channel_id == L.c.channel_id)
                         .outerjoin(cp, cp.c.campaign_id == L.c.campaign_id)
                         .outerjoin(pp, pp.c.person_id == L.c.owner_id))
            .where(*conds)
            .order_by(L.c.created_at.desc(), L.c.lead_id.desc())
            .limit(page_size).offset(page * page_size)
        )
        rows = conn.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(LEAD_COLUMNS))
    for col in ("created_at", "mql_at", "sql_at", "won_at", "lost_at", "first_response_at"):
        frame[col] = pd.to_datetime(frame[col])
    for col in ("expected_value", "deal_value"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return LeadsPage(frame, total, page, page_size)
