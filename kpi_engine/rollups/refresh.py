"""Building and keeping the rollups: set-based SQL inside the writer's transaction.

- :func:`rebuild`: every rollup from the facts (the demo, a new or changed rollup declaration).
- :func:`after_upload`: the days an upload touched (its inserted rows, and the old and new version of every row
  it updated), each of the fact's rollups rebuilt for those days; the days are remembered for undo.
- :func:`after_undo`: the same days rebuilt after the upload's rows were reverted.
- :func:`usable`: the facts whose rollups may be read (declaration unchanged, row count as recorded).

The state (declaration signature, fact row counts at the last refresh, the settings values the
settings-dependent columns were built with) lives in ``schema_meta``. Those columns are rebuilt under the new
values in the transaction that changes the setting (:func:`after_setting_change`), or, when the change was made
without the hook (a process that never imported this package), by the first upload or undo after it; until then
the compiler reads those metrics from the facts (:func:`usable` leaves their tokens out).
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema
from kpi_engine.metrics import fact_sql
from kpi_engine.metrics.registry import Simple
from kpi_engine.rollups.meta import get as _meta
from kpi_engine.rollups.meta import put as _set_meta
from kpi_engine.rollups.tables import ROLLED_FACTS, ROLLUPS, Rollup, setting_names, setting_token, signature, touched
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings

_SIG, _COUNTS, _SETTINGS = "rollups_signature", "rollups_counts", "rollups_settings"


def _counts(conn: Connection) -> dict[str, int]:
    return {f: int(conn.execute(sa.select(sa.func.count()).select_from(schema.UPLOAD_TABLES[f])).scalar() or 0)
            for f in ROLLED_FACTS}


def _used(settings: Settings) -> dict[str, float]:
    """The values of the settings that rollup columns depend on (high-value threshold, response SLA)."""
    names = sorted({n for r in ROLLUPS.values() for m in r.metrics for n in setting_names(m)})
    return {n: float(getattr(settings, n)) for n in names}


def _source_select(r: Rollup, days: list[dt.date] | None, settings: Settings) -> sa.Select:
    """Per day and key columns, each metric's sum over the fact rows (``days``: only those), a settings-dependent
    count under ``settings``."""
    src = fact_sql.Source.fact(r.fact, "r")
    ev = src.table.c[r.event]
    day = sa.cast(ev, sa.Date)
    keys = [src.table.c[k] for k in r.keys]
    # every rollup metric is a Simple one (tables._build asserts it)
    sums = [sa.func.sum(fact_sql.row_value(src, cast(Simple, m.calc), settings)).label(m.id) for m in r.metrics]
    conds: list[sa.ColumnElement] = [ev.is_not(None)]
    if days is not None:
        conds += fact_sql.date_filter(ev, min(days), max(days))[1:]
        conds.append(day.in_(days))
    return sa.select(day.label("day"), *keys, *sums).select_from(src.from_).where(*conds).group_by(day, *keys)


def _refill(conn: Connection, r: Rollup, days: list[dt.date] | None, settings: Settings) -> None:
    if days is not None and not days:
        return
    delete = r.table.delete()
    conn.execute(delete if days is None else delete.where(r.table.c.day.in_(days)))
    names = ["day", *r.keys, *(m.id for m in r.metrics)]
    conn.execute(r.table.insert().from_select(names, _source_select(r, days, settings)))


def _record(conn: Connection, settings: Settings) -> None:
    _set_meta(conn, _SIG, signature())
    _set_meta(conn, _COUNTS, json.dumps(_counts(conn), sort_keys=True))
    _set_meta(conn, _SETTINGS, json.dumps(_used(settings), sort_keys=True))


def _settings_changed(conn: Connection, settings: Settings) -> bool:
    """Whether the store's settings differ from those the settings-dependent columns were built with."""
    return json.loads(_meta(conn, _SETTINGS) or "null") != _used(settings)


def rebuild(conn: Connection, facts: tuple[str, ...] = ROLLED_FACTS) -> None:
    """Every rollup of ``facts`` from scratch (inside the caller's transaction), under the store's settings."""
    settings = load_settings(conn)
    if _settings_changed(conn, settings):
        facts = ROLLED_FACTS  # every settings-dependent column under the same values
    for r in ROLLUPS.values():
        if r.fact in facts:
            _refill(conn, r, None, settings)
    if set(facts) >= set(ROLLED_FACTS):
        conn.execute(touched.delete().where(touched.c.fact.in_(ROLLED_FACTS)))  # the credit rollup keeps its own
    _record(conn, settings)


def after_setting_change(conn: Connection, key: str, settings: Settings) -> None:
    """``key`` changed, ``settings`` in force once the change commits (inside its transaction; hooked into
    :func:`kpi_engine.settings_store.on_change`): when a rollup column compares with ``key``, every rollup holding
    such columns is built again under ``settings`` and those values recorded, so the compiler reads the columns
    again at once. Any other key, or a store without rollups yet: nothing to do."""
    if key not in _used(settings) or not _state_ok(conn):
        return
    if not _settings_changed(conn, settings):
        return  # built with these values already (a value changed back)
    for r in ROLLUPS.values():
        if any(setting_names(m) for m in r.metrics):
            _refill(conn, r, None, settings)
    _set_meta(conn, _SETTINGS, json.dumps(_used(settings), sort_keys=True))


def _state_ok(conn: Connection) -> bool:
    return _meta(conn, _SIG) == signature() and _meta(conn, _COUNTS) is not None


def usable(conn: Connection, settings: Settings | None = None) -> frozenset[str]:
    """Facts whose rollups hold what the facts hold (declaration unchanged, row counts as at the last refresh),
    and the :func:`~kpi_engine.rollups.tables.setting_token` of each settings-dependent metric whose column was
    built with ``settings``' values (the store's when None)."""
    if not _state_ok(conn):
        return frozenset()
    recorded = json.loads(_meta(conn, _COUNTS) or "{}")
    now = _counts(conn)
    facts = frozenset(f for f in ROLLED_FACTS if recorded.get(f) == now[f])
    return facts | _setting_tokens(facts, _meta(conn, _SETTINGS), settings or load_settings(conn))


def _setting_tokens(facts: frozenset[str], recorded_json: str | None, settings: Settings) -> frozenset[str]:
    recorded = json.loads(recorded_json or "{}")
    return frozenset(setting_token(m.id) for r in ROLLUPS.values() if r.fact in facts for m in r.metrics
                     if setting_names(m) and all(recorded.get(n) == float(getattr(settings, n))
                                                 for n in setting_names(m)))


# engine -> ((data version, recorded counts), usable facts): the counts are checked once per data version
_CHECKED: weakref.WeakKeyDictionary[Engine, tuple[tuple[str | None, str], frozenset[str]]] = weakref.WeakKeyDictionary()


def usable_cached(engine: Engine, conn: Connection, settings: Settings | None = None) -> frozenset[str]:
    """:func:`usable`, counting the facts only once per data version and refresh (one small query otherwise);
    ``settings``: those of the request (the store's when None)."""
    t = schema.schema_meta
    keys = ("data_version", _SIG, _COUNTS, _SETTINGS)
    meta = dict(conn.execute(sa.select(t.c.key, t.c.value).where(t.c.key.in_(keys))).all())
    if meta.get(_SIG) != signature() or meta.get(_COUNTS) is None:
        return frozenset()
    token = (meta.get("data_version"), meta[_COUNTS])
    hit = _CHECKED.get(engine)
    if hit is not None and hit[0] == token:
        facts = hit[1]
    else:
        facts = frozenset(f for f in usable(conn, Settings()) if f in ROLLED_FACTS)
        _CHECKED[engine] = (token, facts)
    return facts | _setting_tokens(facts, meta.get(_SETTINGS), settings or load_settings(conn))


def _touched_days(conn: Connection, fact: str, upload_id: int) -> tuple[set[dt.date], int]:
    """Days of every event date of the rows ``upload_id`` inserted or updated (old and new), and how many it inserted.

    One pass over the fact for the inserted rows (a CTE read by every event), one join for the updated ones.
    """
    table, undo = schema.UPLOAD_TABLES[fact], schema.UNDO_TABLES[fact]
    keys = schema.key_columns(table)
    events = list(dict.fromkeys(r.event for r in ROLLUPS.values() if r.fact == fact))
    updated = sa.and_(undo.c.upload_id == upload_id, undo.c.action == "update")
    match = sa.and_(*(table.c[k] == undo.c[k] for k in keys))
    inserted = sa.select(*(table.c[e] for e in events)).where(table.c.inserted_by == upload_id).cte("ins")
    new = sa.select(*(table.c[e] for e in events)).select_from(table.join(undo, match)).where(updated).cte("upd_new")
    old = sa.select(*(undo.c[e] for e in events)).where(updated).cte("upd_old")
    parts = [sa.select(sa.cast(src.c[e], sa.Date).label("d")) for src in (inserted, new, old) for e in events]
    found = sa.union(*parts).subquery("d")
    days = {d for (d,) in conn.execute(sa.select(found.c.d).where(found.c.d.is_not(None)))}
    count = int(conn.execute(sa.select(sa.func.count()).select_from(table)
                             .where(table.c.inserted_by == upload_id)).scalar() or 0)
    return {d if not isinstance(d, dt.datetime) else d.date() for d in days}, count


def after_upload(conn: Connection, upload_id: int, table: str | None) -> None:
    """Bring the rollups up to date with upload ``upload_id`` of ``table`` (inside its transaction)."""
    if table not in ROLLED_FACTS:
        return  # people, channels and campaigns are joined at query time
    settings = load_settings(conn)
    if not _state_ok(conn) or _settings_changed(conn, settings):
        rebuild(conn)  # no rollups yet, or settings changed since they were built: every day under today's values
        return
    days, inserted = _touched_days(conn, table, upload_id)
    recorded = json.loads(_meta(conn, _COUNTS) or "{}")
    if recorded.get(table) is None or recorded[table] + inserted != _counts(conn)[table]:
        rebuild(conn)  # the facts changed outside an upload: start again
        return
    # an upload id may come again (a store restored from a copy, an undone upload's id reused): its days are this one's
    conn.execute(touched.delete().where(touched.c.upload_id == upload_id, touched.c.fact == table))
    if days:
        conn.execute(touched.insert(), [{"upload_id": upload_id, "fact": table, "day": d} for d in sorted(days)])
    for r in ROLLUPS.values():
        if r.fact == table:
            _refill(conn, r, sorted(days), settings)
    _record(conn, settings)


def after_undo(conn: Connection, upload_id: int) -> None:
    """Rebuild the days upload ``upload_id`` touched, after its rows were reverted (inside the undo's transaction)."""
    u = schema.uploads
    table = conn.execute(sa.select(u.c.table_name).where(u.c.upload_id == upload_id)).scalar()
    if table not in ROLLED_FACTS:
        return
    rows = conn.execute(sa.select(touched.c.day).where(touched.c.upload_id == upload_id, touched.c.fact == table))
    days = sorted({d for (d,) in rows})
    settings = load_settings(conn)
    if not _state_ok(conn) or not days or _settings_changed(conn, settings):
        rebuild(conn, (table,))  # an upload from before the rollups (or none kept), or new settings: all days
        return
    for r in ROLLUPS.values():
        if r.fact == table:
            _refill(conn, r, days, settings)
    _record(conn, settings)
