"""The daily credit rollup of multi-touch attribution, kept equal to the facts by every upload and undo.

``rollup_credit`` holds one row per ``event``, ``day``, channel and campaign (``''`` for none) of a touch:

- event ``created_at``: the credit of the leads created that day, per model (credited leads);
- event ``won_at``: the credit of the leads won that day (credited wins) and their deal value times that credit
  (credited revenue, ``revenue_<model>``).

The credit of a touch is :func:`kpi_engine.analytics.credit_sql.credit_rows`, the SQL the facts path of
:mod:`kpi_engine.analytics.attribution` runs, so the rollup read over a range sums to the same numbers (to the
rounding of a float sum). A lead's credit depends only on its own row and its own touches, so a refresh computes
again only the days of the leads a write changed:

- an upload of leads: the creation and win day of each row it inserted and of the old and new version of each row
  it updated;
- an upload of touches: the creation and win day of each lead whose touches it inserted or changed;
- its undo: the days recorded for it in ``rollup_touched`` (facts ``credit:created_at`` and ``credit:won_at``, and
  one row ``credit:recorded`` so that an upload that changed nothing is known as recorded); the undo of a touches
  upload adds the days recorded by the later uploads of leads still in force (they may have moved or added a lead
  those touches belong to). An upload without a record (made before the rollup) is undone by a full rebuild.

A full build (a new or differently declared rollup on opening a store, ``rebuild``, a fallback) and a refill of
many days run in batches of days of one event (:data:`BATCH_LEADS` leads each, DuckDB), one statement each in the
caller's transaction, so that the memory of the window functions is that of a batch, not of every touch.

Time decay is stored for the default half-life (``HALF_LIFE_DAYS``, recorded with the rollup); any other half-life
is read from the facts. The state in ``schema_meta``: the declaration's signature (columns, models, the credit SQL,
the half-life), the half-life, and the row counts of leads and touches at the last refresh. :func:`readable` is
true only while all three hold, so a rollup that may be stale (an older declaration, rows written behind its back)
is never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from kpi_engine import schema
from kpi_engine.analytics.credit_sql import FIRST_LAST_SHARE, HALF_LIFE_DAYS, MODELS, credit_rows, own_channel_rows
from kpi_engine.rollups import meta
from kpi_engine.rollups.tables import touched

FACTS = ("leads", "touches")  # the facts a lead's credit depends on
EVENTS = ("created_at", "won_at")
RECORDED, MARK = "credit:recorded", dt.date(1970, 1, 1)  # one row per recorded upload (its day means nothing)
REVENUE = tuple(f"revenue_{m}" for m in MODELS)
_SIG, _COUNTS, _HALF = "credit_signature", "credit_counts", "credit_half_life"

table = sa.Table(
    "rollup_credit", schema.metadata,
    sa.Column("event", sa.String, nullable=False),  # created_at (leads) or won_at (wins and revenue)
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("channel_id", sa.String, nullable=True),
    sa.Column("campaign_id", sa.String, nullable=True),  # '' for a touch without a campaign, as the facts path
    *(sa.Column(m, sa.Double, nullable=True) for m in MODELS),
    *(sa.Column(r, sa.Double, nullable=True) for r in REVENUE),  # won_at rows; NULL on created_at rows
    sa.Index("ix_rollup_credit_event_day", "event", "day"),
)


def signature() -> str:
    """Changes with the table's columns, the models, the credit SQL or the default half-life (then rebuilt)."""
    sql = str(credit_rows([]).compile(compile_kwargs={"literal_binds": True}))
    digest = hashlib.sha256(b"credit-1")
    digest.update(repr(([(c.name, str(c.type)) for c in table.columns], MODELS, HALF_LIFE_DAYS, FIRST_LAST_SHARE,
                        sql)).encode())
    return digest.hexdigest()[:16]


_SIGNATURE = signature()


def _fact_name(event: str) -> str:
    return f"credit:{event}"


_KEPT = [_fact_name(e) for e in EVENTS] + [RECORDED]  # this rollup's rows in rollup_touched


def _counts(conn: Connection, facts: Iterable[str] = FACTS) -> dict[str, int]:
    return {f: int(conn.execute(sa.select(sa.func.count()).select_from(schema.UPLOAD_TABLES[f])).scalar() or 0)
            for f in facts}


def state_ok(conn: Connection) -> bool:
    return meta.get(conn, _SIG) == _SIGNATURE and meta.get(conn, _COUNTS) is not None


def _recorded_counts(conn: Connection) -> dict[str, int]:
    return {k: int(v) for k, v in json.loads(meta.get(conn, _COUNTS) or "{}").items()}


def _record(conn: Connection, counts: Mapping[str, int]) -> None:
    meta.put(conn, _SIG, _SIGNATURE)
    meta.put(conn, _HALF, repr(float(HALF_LIFE_DAYS)))
    meta.put(conn, _COUNTS, json.dumps(dict(sorted(counts.items()))))


Days = list[dt.date] | tuple[dt.date, dt.date]  # some days, or a range [first, last] of every day in it


def _on_days(col: sa.ColumnElement, days: Days) -> sa.ColumnElement:
    """``col`` (a timestamp) on one of ``days``: a range first (an index on PostgreSQL), then the days (a list)."""
    lo = dt.datetime.combine(min(days), dt.time())
    hi = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time())
    if isinstance(days, tuple):
        return sa.and_(col >= lo, col < hi)
    return sa.and_(col >= lo, col < hi, sa.cast(col, sa.Date).in_(days))


def _has_touches(conn: Connection) -> bool:
    return conn.execute(sa.select(schema.touches.c.lead_id).limit(1)).first() is not None


def _source(created: Days | None, won: Days | None, *,
            touches: bool = True) -> sa.Select | sa.CompoundSelect | None:
    """The rollup's rows from the facts: every day (None, None), or the ``created`` and ``won`` days only;
    ``touches`` False (the touches table is empty): from :func:`own_channel_rows`, the same credit without windows."""
    leads = schema.leads
    if created is None and won is None:
        lead_filter: list[sa.ColumnElement] = []
    else:
        parts = [_on_days(leads.c.created_at, created)] if created else []
        parts += [_on_days(leads.c.won_at, won)] if won else []
        if not parts:
            return None
        lead_filter = [sa.or_(*parts)]
    credit = (credit_rows(lead_filter) if touches else own_channel_rows(lead_filter)).cte("credit")
    c = credit.c
    out = []
    for event, days in (("created_at", created), ("won_at", won)):
        when = c.lead_created_at if event == "created_at" else c.lead_won_at
        if days is not None and not days:
            continue
        day = sa.cast(when, sa.Date)
        deal = sa.func.coalesce(c.deal_value, 0.0)
        revenue = [(sa.func.sum(c[m] * deal) if event == "won_at" else sa.cast(sa.null(), sa.Double)).label(r)
                   for m, r in zip(MODELS, REVENUE, strict=True)]
        out.append(sa.select(sa.literal_column(f"'{event}'").label("event"), day.label("day"), c.channel_id,
                             c.campaign_id, *(sa.func.sum(c[m]).label(m) for m in MODELS), *revenue)
                   .where(when.is_not(None) if days is None else _on_days(when, days))
                   .group_by(day, c.channel_id, c.campaign_id))
    return out[0] if len(out) == 1 else sa.union_all(*out)


_NAMES = ["event", "day", "channel_id", "campaign_id", *MODELS, *REVENUE]


# A full build (and a refill of many days) runs one statement per batch of days of one event holding about this
# many leads, so that each statement's window sort sees a slice of the touches, not all of them (DuckDB, in this
# process: 10M leads in one statement peaked at 3.9 GB). None on PostgreSQL: the server streams the sorts, and one
# statement is the fastest there. Module-level so that tests can force small batches.
BATCH_LEADS: dict[str, int | None] = {"duckdb": 1_000_000, "postgresql": None}
BATCH_MIN_DAYS = 31  # a refill of fewer days (a daily upload) is one statement without counting the leads first


def _batch_leads(conn: Connection) -> int | None:
    return BATCH_LEADS.get(conn.dialect.name, BATCH_LEADS["duckdb"])


def _as_date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def _leads_per_day(conn: Connection, event: str, days: Days | None) -> dict[dt.date, int]:
    """The leads whose ``event`` falls on each of ``days`` (None: every day)."""
    col = schema.leads.c[event]
    day = sa.cast(col, sa.Date)
    where = col.is_not(None) if days is None else _on_days(col, days)
    return {_as_date(d): int(n) for d, n in conn.execute(sa.select(day, sa.func.count()).where(where).group_by(day))}


def _batches(per_day: Mapping[dt.date, int], size: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive ranges [first, last] of the days of ``per_day`` with at most ``size`` leads each (a day with more
    is a batch of its own)."""
    out: list[tuple[dt.date, dt.date]] = []
    first: dt.date | None = None
    last = dt.date.min
    held = 0
    for day in sorted(per_day):
        if first is not None and held + per_day[day] > size:
            out.append((first, last))
            first, held = None, 0
        first = day if first is None else first
        last, held = day, held + per_day[day]
    if first is not None:
        out.append((first, last))
    return out


def _fill(conn: Connection, created: list[dt.date] | None, won: list[dt.date] | None) -> None:
    """Insert the rows of the ``created`` and ``won`` days (None, None: every day) computed from the facts; the rows
    of those days must be gone. Many leads are done in batches (:data:`BATCH_LEADS`): the creation days in ranges,
    then the win days in ranges, each range one statement over the leads whose event falls in it (a won lead's
    credit is computed once for its creation day and once for its win day, as in one statement)."""
    touches = _has_touches(conn)
    size = _batch_leads(conn)
    every = created is None and won is None
    batches: list[tuple[Days | None, Days | None]] = [(created, won)]
    if touches and size is not None and (every or len(created or []) + len(won or []) >= BATCH_MIN_DAYS):
        per_event = {e: _leads_per_day(conn, e, d) for e, d in (("created_at", created), ("won_at", won))
                     if d is None or d}
        if sum(n for per_day in per_event.values() for n in per_day.values()) > size:
            batches = []
            for event, per_day in per_event.items():
                asked = created if event == "created_at" else won
                for lo, hi in _batches(per_day, size):
                    part: Days = (lo, hi) if asked is None else [d for d in asked if lo <= d <= hi]
                    batches.append((part, []) if event == "created_at" else ([], part))
    for c, w in batches:  # without touches no window functions; on PostgreSQL, or a few days: one statement
        source = _source(c, w, touches=touches)
        if source is not None:
            conn.execute(table.insert().from_select(_NAMES, source))


def _refill(conn: Connection, created: list[dt.date], won: list[dt.date]) -> None:
    """The rows of the ``created`` and ``won`` days computed again from the facts."""
    gone = [sa.and_(table.c.event == e, table.c.day.in_(d)) for e, d in (("created_at", created), ("won_at", won)) if d]
    if not gone:
        return
    conn.execute(table.delete().where(sa.or_(*gone)))
    _fill(conn, created, won)


def rebuild(conn: Connection, *, forget: bool = False) -> None:
    """Every row from the facts (inside the caller's transaction); ``forget``: also the days kept per upload
    (the facts were replaced, as by the demo)."""
    conn.execute(table.delete())
    _fill(conn, None, None)
    if forget:
        conn.execute(touched.delete().where(touched.c.fact.in_(_KEPT)))
    _record(conn, _counts(conn))


def _days(conn: Connection, query: sa.Select | sa.CompoundSelect) -> tuple[set[dt.date], set[dt.date]]:
    """(creation days, win days) of the rows of ``query`` (columns created_at, won_at)."""
    found = query.subquery("changed")
    both = sa.union(*(sa.select(sa.literal_column(f"'{e}'").label("e"), sa.cast(found.c[e], sa.Date).label("d"))
                      .where(found.c[e].is_not(None)) for e in EVENTS)).subquery("d")
    out: dict[str, set[dt.date]] = {e: set() for e in EVENTS}
    for event, day in conn.execute(sa.select(both.c.e, both.c.d)):
        out[event].add(day.date() if isinstance(day, dt.datetime) else day)
    return out["created_at"], out["won_at"]


def _upload_days(conn: Connection, upload_id: int, fact: str) -> tuple[set[dt.date], set[dt.date]]:
    """The creation and win days of the leads upload ``upload_id`` (of ``fact``) changed, old and new."""
    leads = schema.leads
    undo = schema.UNDO_TABLES[fact]
    updated = sa.and_(undo.c.upload_id == upload_id, undo.c.action == "update")
    query: sa.Select | sa.CompoundSelect
    if fact == "leads":
        query = sa.union_all(
            sa.select(leads.c.created_at, leads.c.won_at).where(leads.c.inserted_by == upload_id),
            sa.select(leads.c.created_at, leads.c.won_at).select_from(leads.join(undo, undo.c.lead_id == leads.c.lead_id))
            .where(updated),
            sa.select(undo.c.created_at, undo.c.won_at).where(updated),
        )
    else:  # touches: the leads whose paths it changed (a touch's key holds its lead: an update keeps the lead)
        touches = schema.touches
        changed = sa.union(sa.select(touches.c.lead_id).where(touches.c.inserted_by == upload_id),
                           sa.select(undo.c.lead_id).where(updated)).subquery("changed_leads")
        query = sa.select(leads.c.created_at, leads.c.won_at).where(leads.c.lead_id.in_(sa.select(changed.c.lead_id)))
    return _days(conn, query)


def _remember(conn: Connection, upload_id: int, created: set[dt.date], won: set[dt.date]) -> None:
    conn.execute(touched.delete().where(touched.c.upload_id == upload_id, touched.c.fact.in_(_KEPT)))
    rows = [{"upload_id": upload_id, "fact": RECORDED, "day": MARK}]
    rows += [{"upload_id": upload_id, "fact": _fact_name(e), "day": d}
             for e, days in (("created_at", created), ("won_at", won)) for d in sorted(days)]
    conn.execute(touched.insert(), rows)


def _uploaded(conn: Connection, upload_id: int) -> Row | None:
    u = schema.uploads
    return conn.execute(sa.select(u.c.table_name, u.c.inserted).where(u.c.upload_id == upload_id)).first()


def after_upload(conn: Connection, upload_id: int, fact: str | None) -> None:
    """Bring the rollup up to date with upload ``upload_id`` of ``fact`` (inside its transaction)."""
    if fact not in FACTS:
        return  # channels, campaigns and people are not part of a lead's credit
    if not state_ok(conn):
        rebuild(conn)  # no rollup yet (the first upload): every day; its undo rebuilds every day too
        return
    created, won = _upload_days(conn, upload_id, fact)
    _remember(conn, upload_id, created, won)
    row = _uploaded(conn, upload_id)
    recorded = _recorded_counts(conn)
    now = _counts(conn, (fact,))[fact]
    if row is None or fact not in recorded or recorded[fact] + int(row.inserted) != now:
        rebuild(conn)  # the facts changed outside an upload: every day
        return
    _refill(conn, sorted(created), sorted(won))
    _record(conn, {**recorded, fact: now})


def _recorded_days(conn: Connection, upload_ids: sa.ColumnElement) -> tuple[dict[str, set[dt.date]], set[int]]:
    """({event: days} recorded for the uploads matching ``upload_ids``, the uploads with a record)."""
    rows = conn.execute(sa.select(touched.c.upload_id, touched.c.fact, touched.c.day)
                        .where(upload_ids, touched.c.fact.in_(_KEPT)))
    days: dict[str, set[dt.date]] = {e: set() for e in EVENTS}
    seen: set[int] = set()
    for uid, fact, day in rows:
        if fact == RECORDED:
            seen.add(int(uid))
        else:
            days[fact.split(":", 1)[1]].add(day)
    return days, seen


def after_undo(conn: Connection, upload_id: int) -> None:
    """Rebuild the days upload ``upload_id`` changed, after its rows were reverted (inside the undo's transaction)."""
    row = _uploaded(conn, upload_id)
    if row is None or row.table_name not in FACTS:
        return
    fact = str(row.table_name)
    if not state_ok(conn):
        return  # no rollup (it is built by the next upload or on opening the store)
    days, seen = _recorded_days(conn, touched.c.upload_id == upload_id)
    complete = upload_id in seen
    if fact == "touches":  # later uploads of leads may have moved or added a lead of these touches
        u = schema.uploads
        later = [int(r[0]) for r in conn.execute(sa.select(u.c.upload_id).where(
            u.c.upload_id > upload_id, u.c.table_name == "leads", u.c.undone_at.is_(None)))]
        if later:
            more, seen_later = _recorded_days(conn, touched.c.upload_id.in_(later))
            complete &= seen_later == set(later)
            days = {e: days[e] | more[e] for e in EVENTS}
    recorded = _recorded_counts(conn)
    now = _counts(conn, (fact,))[fact]
    if not complete or fact not in recorded or recorded[fact] - int(row.inserted) != now:
        rebuild(conn)  # an upload from before the rollup, or the facts changed outside uploads: every day
        return
    _refill(conn, sorted(days["created_at"]), sorted(days["won_at"]))
    _record(conn, {**recorded, fact: now})


def readable(conn: Connection, counts: Mapping[str, int], half_life_days: float) -> bool:
    """Whether the rollup holds what the facts hold for ``half_life_days``: the declaration and half-life as
    recorded, and ``counts`` (the row counts of leads and touches now) equal to those at the last refresh."""
    t = schema.schema_meta
    found = dict(conn.execute(sa.select(t.c.key, t.c.value).where(t.c.key.in_((_SIG, _COUNTS, _HALF)))).all())
    if found.get(_SIG) != _SIGNATURE or found.get(_COUNTS) is None or found.get(_HALF) is None:
        return False
    if float(found[_HALF]) != float(half_life_days):
        return False
    recorded = json.loads(found[_COUNTS])
    return all(recorded.get(f) == counts.get(f) for f in FACTS)


def channel_totals(conn: Connection, start: dt.date, end: dt.date) -> list[Row]:
    """Per event and channel over ``[start, end]``: the sum of each model's credit and (won_at) credited revenue."""
    cols = [sa.func.sum(table.c[m]).label(m) for m in (*MODELS, *REVENUE)]
    query = (sa.select(table.c.event, table.c.channel_id, *cols)
             .where(table.c.day >= start, table.c.day <= end).group_by(table.c.event, table.c.channel_id))
    return list(conn.execute(query))
