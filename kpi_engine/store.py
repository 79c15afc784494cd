"""Engine from a SQLAlchemy URL, schema creation and migration, transactions.

DuckDB files are opened per operation (``NullPool``) so that the dashboard and a
cron job (``python -m kpi_engine ingest``) can take turns on the same file; an
in-memory DuckDB keeps one connection (each new one would be a new database).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

from kpi_engine import clock, migrations, schema
from kpi_engine.settings import redact, resolve_db_url

_engines: dict[str, Engine] = {}
_lock = threading.Lock()

def is_duckdb(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "duckdb"


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


class DatabaseBusy(RuntimeError):
    """Another process holds the DuckDB file (an upload from the command line, a second dashboard) for longer
    than the wait allows; nothing was changed: try again in a moment."""


BUSY_WAIT_ENV = "KPI_DB_BUSY_SECONDS"


def _is_lock_conflict(exc: BaseException) -> bool:
    """Another process holds the file's lock, or (inside this process) another thread is attaching or
    detaching the same file at this instant: DuckDB's "unique file handle conflict". Both pass; wait and retry."""
    text = str(exc).lower()
    return "could not set lock" in text or "conflicting lock" in text or "unique file handle conflict" in text


def _connect_when_free(dialect, conn_rec, cargs, cparams):  # SQLAlchemy's do_connect event
    """Open the DuckDB file, retrying with a growing pause while another process holds its lock (bounded)."""
    budget = float(os.environ.get(BUSY_WAIT_ENV, "10"))
    deadline = time.monotonic() + budget
    pause = 0.05
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as exc:
            if not _is_lock_conflict(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise DatabaseBusy(f"the database file is in use by another process (waited {budget:g} s)") from exc
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def _make_engine(url: str) -> Engine:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise sa.exc.ArgumentError(f"not a database URL: {redact(url)!r}") from None  # never show a password
    if parsed.drivername.startswith("duckdb"):
        database = parsed.database or ":memory:"
        if database == ":memory:":
            return sa.create_engine(url, poolclass=StaticPool)
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, poolclass=NullPool)
        sa.event.listen(engine, "do_connect", _connect_when_free)
        sa.event.listen(engine, "commit", _wrote)

        def written(dbapi_connection: Any, record: Any) -> None:  # the pool's "checkin": the commit is done by now
            if record is not None and record.info.pop("kpi_wrote", False):
                _count_write(engine)

        sa.event.listen(engine.pool, "checkin", written)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """Engine for ``url`` (resolved via ``--db`` / $KPI_DB_URL / default); schema created on first use."""
    resolved = resolve_db_url(url)
    with _lock:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _make_engine(resolved)
            if create:
                ensure_schema(engine)
            _engines[resolved] = engine
    return engine


T = TypeVar("T")
_open: dict[Engine, tuple[int, Any]] = {}  # engine -> (holders, the connection keeping its file open)
_marks: dict[Engine, list[int]] = {}  # engine -> [which opening, writes since] while its file is kept open
_openings = itertools.count(1)
_open_lock = threading.Lock()  # not _lock: get_engine holds that while it migrates a store (a commit: see _wrote)


def _wrote(conn: Connection) -> None:  # "commit" event of a DuckDB file's engine
    conn.connection.info["kpi_wrote"] = True
    _count_write(conn.engine)


def _count_write(engine: Engine) -> None:
    with _open_lock:
        mark = _marks.get(engine)
        if mark is not None:
            mark[1] += 1


def unchanged_mark(engine: Engine) -> tuple[int, int] | None:
    """While a DuckDB file is kept open (:func:`kept_open`) no other process can write to it: a mark that moves
    with every write made in this process (when its transaction commits and again when its connection is given
    back), so whatever was read from the store under an equal mark is still current. None when the file is not
    kept open (another process may write at any moment) or on another database: read again."""
    with _open_lock:
        mark = _marks.get(engine)
        return None if mark is None else (mark[0], mark[1])


_memos: dict[tuple[Engine, str], tuple[tuple[int, int], dict[Any, Any]]] = {}  # (engine, name) -> (mark, answers)


def while_unchanged(engine: Engine, name: str, key: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s answer for ``key``, computed once while :func:`unchanged_mark` stands (nothing written since),
    every time when there is no mark (another process may write at any moment)."""
    mark = unchanged_mark(engine)
    if mark is None:
        return compute()
    kept = _memos.get((engine, name))
    if kept is None or kept[0] != mark:
        kept = _memos[(engine, name)] = (mark, {})
    if key not in kept[1]:
        kept[1][key] = compute()
    return kept[1][key]


def while_unchanged_many(engine: Engine, name: str, keys: Sequence[Any],
                         compute: Callable[[list[Any]], Sequence[T]]) -> list[T]:
    """:func:`while_unchanged` for many keys at once: ``compute(missing)`` answers the keys not known yet (in their
    order, in one go: one query for many questions), the answers are kept like :func:`while_unchanged`'s."""
    mark = unchanged_mark(engine)
    if mark is None:
        asked = list(dict.fromkeys(keys))
        answers = dict(zip(asked, compute(asked), strict=True))
        return [answers[k] for k in keys]
    kept = _memos.get((engine, name))
    if kept is None or kept[0] != mark:
        kept = _memos[(engine, name)] = (mark, {})
    missing = [k for k in dict.fromkeys(keys) if k not in kept[1]]
    if missing:
        kept[1].update(zip(missing, compute(missing), strict=True))
    return [kept[1][k] for k in keys]


@contextmanager
def kept_open(engine: Engine) -> Iterator[None]:
    """Keep a DuckDB file open for the ``with`` block (one run of a page).

    Without a pool every connection opens the file and reads its catalog again (about 30 ms of CPU each; a page
    runs dozens of queries). While one connection stays open, the next ones attach to the open database instead
    (about 2 ms). The file is closed when the last holder leaves, so another process (an upload from the command
    line, which waits while the file is held) gets its turn between two runs. Holders nest and may be in several
    threads (sessions) at once; they share the one connection. Other databases pool their connections: no-op.
    """
    if not (is_duckdb(engine) and isinstance(engine.pool, NullPool)):
        yield
        return
    with _open_lock:
        holders, raw = _open.get(engine, (0, None))
        if raw is not None:
            _open[engine] = (holders + 1, raw)
    if raw is None:
        mine = engine.raw_connection()  # through the connect hook: waits while another process holds the file
        with _open_lock:
            holders, raw = _open.get(engine, (0, mine))
            _open[engine] = (holders + 1, raw)
            if raw is mine:
                _marks[engine] = [next(_openings), 0]
        if raw is not mine:  # another thread opened it meanwhile: share theirs
            mine.close()
    try:
        yield
    finally:
        with _open_lock:
            holders, raw = _open[engine]
            if holders > 1:
                _open[engine] = (holders - 1, raw)
            else:
                del _open[engine]
                _marks.pop(engine, None)
        if holders == 1:
            raw.close()


def dispose_engine(url: str | None = None) -> None:
    """Forget a cached engine (tests, or after deleting a database file)."""
    resolved = resolve_db_url(url)
    with _lock:
        engine = _engines.pop(resolved, None)
    if engine is not None:
        engine.dispose()


def schema_version(bind: Engine | Connection) -> int:
    """The store's schema version: the number of the last migration it has had, 0 for a store without any."""
    return max(migrations.applied(bind), default=0)


def _set_meta(conn: Connection, key: str, value: str) -> None:
    t = schema.schema_meta
    done = conn.execute(sa.update(t).where(t.c.key == key).values(value=value)).rowcount
    if not done:
        conn.execute(sa.insert(t).values(key=key, value=value))


def ensure_schema(engine: Engine) -> None:
    """Bring the store to today's schema: pending migrations in order (kpi_engine.migrations), then the rollups."""
    from kpi_engine import rollups  # declares the rollup tables on the metadata (it imports the metric registry)

    with kept_open(engine):  # one opening of a DuckDB file for the few transactions below, not one each
        migrations.migrate(engine)
        with engine.begin() as conn:
            rollups.ensure(conn)  # rebuilt when missing or declared differently (a store with facts)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One atomic unit of work: commits on success, rolls back on any error."""
    with engine.begin() as conn:
        yield conn


def bump_data_version(conn: Connection) -> None:
    """Mark that facts changed (caches key on ``data_version``). Call inside the writing transaction."""
    t = schema.schema_meta
    current = conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar()
    nxt = str(int(current or 0) + 1)
    _set_meta(conn, "data_version", nxt)
    _set_meta(conn, "data_changed_at", clock.stamp(conn).isoformat(timespec="seconds"))


def data_version(engine: Engine) -> str:
    """A token that changes whenever facts change; use it as a cache key."""
    with engine.connect() as conn:
        return data_version_of(conn)


def data_version_of(conn: Connection) -> str:
    """:func:`data_version` on an open connection."""
    t = schema.schema_meta
    return str(conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar() or "0")


def driver_connection(conn: Connection) -> Any:
    """The driver's own connection under a SQLAlchemy connection: DuckDB's (register/arrow bulk paths) or
    psycopg's (COPY). Typed Any: each caller knows which driver it is on."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("the connection is closed")
    return raw


raw_duckdb = driver_connection


_COUNTS_KEY = "row_counts"  # schema_meta: {"version": data_version, "counts": {table: rows}} (PostgreSQL)


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every uploadable table.

    PostgreSQL counts by reading every row (no count in its catalog), seconds at ten million leads: the counts are
    kept in ``schema_meta`` for the data version they were made at, so only the first reader after a change
    counts, whatever the process. Facts never change without a new data version (every writer bumps it in its
    transaction; every cache of the app relies on that too). DuckDB counts at once from its metadata.
    """
    with engine.connect() as conn:
        kept = is_postgres(conn)
        version = data_version_of(conn) if kept else None  # read before counting: a later write makes them stale
        if kept:
            stored = json.loads(conn.execute(sa.select(schema.schema_meta.c.value)
                                             .where(schema.schema_meta.c.key == _COUNTS_KEY)).scalar() or "{}")
            if stored.get("version") == version and set(stored.get("counts", {})) == set(schema.UPLOAD_TABLES):
                return {name: int(stored["counts"][name]) for name in schema.UPLOAD_TABLES}
        counts = {name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
                  for name, t in schema.UPLOAD_TABLES.items()}
    if kept:
        # IntegrityError: another session stored them at the same instant (both inserted the key): theirs are as good
        with suppress(sa.exc.IntegrityError), engine.begin() as conn:
            _set_meta(conn, _COUNTS_KEY, json.dumps({"version": version, "counts": counts}, sort_keys=True))
    return counts


ANALYZE_AFTER_ROWS = 10_000  # an upload that writes at least this many rows refreshes the table's statistics


def analyze(conn: Connection, tables: list[str], rows_written: int | None = None) -> None:
    """PostgreSQL: refresh the planner's statistics of ``tables`` after a bulk write, inside the writer's
    transaction (its own rows count), so the next query is planned for millions of rows, not for the empty table
    autovacuum last saw. ``rows_written`` below ``ANALYZE_AFTER_ROWS``: nothing to do. DuckDB: nothing to do."""
    if not is_postgres(conn) or (rows_written is not None and rows_written < ANALYZE_AFTER_ROWS):
        return
    for name in tables:
        table = schema.metadata.tables[name]  # a declared table: never user text
        conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(table.name)}")
