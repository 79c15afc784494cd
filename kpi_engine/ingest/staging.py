"""The staging table of an upload inside the store's transaction, and the small SQL helpers around it.

A leaf of the ingest package (load, refs, history and bulk build on it; it imports none of them). On DuckDB the
clean arrow table is registered on the raw connection and staged as a view (or copied into a temporary table
with one ``CREATE TABLE AS``); on PostgreSQL a temporary table is filled with ``COPY ... FROM STDIN`` from CSV
text written by pyarrow. The staging table has the target's own column types, so comparing staged and stored
values is exact. Identifiers come only from kpi_engine.schema; values are bound.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine import store
from kpi_engine.ingest.model import FILL_ONLY_META, ROW_COL, Validated

STAGE = "_kpi_stage"
_COPY_CHUNK = 1 << 20


def q(name: str) -> str:
    """Quote an identifier taken from kpi_engine.schema."""
    return '"' + name.replace('"', '""') + '"'


def duck(conn: Connection):
    """The raw DuckDB connection under ``conn``, with any half-read result of an earlier statement finished."""
    raw = store.raw_duckdb(conn)
    if hasattr(raw, "complete"):  # DuckDB >= 2: register/sql refuse to run over an unfinished result
        raw.complete()
    return raw


def _sql_type(conn: Connection, column: sa.Column) -> str:
    return column.type.compile(dialect=conn.dialect)


def temp_table(conn: Connection, name: str, select_sql: str, params: dict | None = None) -> None:
    """(Re)create temporary table ``name`` from a SELECT (dropped at commit on PostgreSQL)."""
    if store.is_postgres(conn):
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {q(name)}"))
        conn.execute(sa.text(f"CREATE TEMP TABLE {q(name)} ON COMMIT DROP AS {select_sql}"), params or {})
    else:
        conn.execute(sa.text(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS {select_sql}"), params or {})


def drop_temp(conn: Connection, name: str) -> None:
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {q(name)}"))


def stage_arrow(conn: Connection, name: str, data: pa.Table, columns: list[sa.Column], *, as_view: bool = False) -> None:
    """A temporary table ``name`` holding ``data``'s ``columns`` with the database types of ``columns``.

    On DuckDB with ``as_view`` it is a view over the registered arrow table instead (no copy);
    ``materialize_stage`` turns it into a table when rows must be changed.
    """
    names = [c.name for c in columns]
    data = data.select(names)
    if store.is_duckdb(conn):
        # Kept in its chunks (no copy): inserts from it run with unordered_insert, so DuckDB still writes
        # whole row groups straight to the file (an ordered insert of many chunks left it all to the checkpoint).
        raw = duck(conn)
        view = f"{name}__arrow"
        raw.register(view, data)
        cols = ", ".join(f"CAST({q(c.name)} AS {_sql_type(conn, c)}) AS {q(c.name)}" for c in columns)
        if as_view:
            raw.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT {cols} FROM {q(view)}")  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            return
        try:
            raw.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT {cols} FROM {q(view)}")  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        finally:
            raw.unregister(view)
        return
    cols = ", ".join(f"{q(c.name)} {_sql_type(conn, c)}" for c in columns)
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {q(name)}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {q(name)} ({cols}) ON COMMIT DROP"))
    if data.num_rows == 0:
        return
    buf = io.BytesIO()
    pacsv.write_csv(data, buf, pacsv.WriteOptions(include_header=False))
    payload = buf.getbuffer()
    dbapi = store.driver_connection(conn)
    col_list = ", ".join(q(n) for n in names)
    with dbapi.cursor() as cur, cur.copy(f"COPY {q(name)} ({col_list}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, len(payload), _COPY_CHUNK):
            copy.write(payload[start:start + _COPY_CHUNK])


@contextmanager
def unordered_insert(conn: Connection) -> Iterator[None]:
    """DuckDB: this connection's inserts may store rows in any order (``preserve_insertion_order`` off for the
    session), so a big insert from a many-chunk arrow table runs in parallel and writes full row groups
    optimistically. Row order carries no meaning in the facts (every read orders or groups). No-op elsewhere."""
    if not store.is_duckdb(conn):
        yield
        return
    duck(conn).execute("SET SESSION preserve_insertion_order = false")
    try:
        yield
    except BaseException:
        # Not reset: a failed statement leaves the transaction aborted, where DuckDB refuses even a RESET (which
        # would hide the error the user must hear, a full disk say). The session ends with the connection, which
        # the rollback gives back (a file store opens a connection per transaction).
        raise
    duck(conn).execute("RESET SESSION preserve_insertion_order")


def _stage_is_view(conn: Connection) -> bool:
    if not store.is_duckdb(conn):
        return False
    found = duck(conn).execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [STAGE]
    ).fetchall()  # fetchall: DuckDB refuses further work while a result is left unfinished
    return bool(found and found[0][0])


def materialize_stage(conn: Connection) -> None:
    """Make the staging view a table (before an UPDATE of staged rows); no-op when it is one."""
    if not _stage_is_view(conn):
        return
    raw = duck(conn)
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {q(STAGE + '__t')} AS SELECT * FROM {q(STAGE)}")  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    raw.execute(f"DROP VIEW {q(STAGE)}")
    raw.execute(f"ALTER TABLE {q(STAGE + '__t')} RENAME TO {q(STAGE)}")


def drop_stage(conn: Connection) -> None:
    """Drop the staging table or view (and the arrow table under it on DuckDB)."""
    if store.is_duckdb(conn):
        raw = duck(conn)
        raw.execute(f"DROP {'VIEW' if _stage_is_view(conn) else 'TABLE'} IF EXISTS {q(STAGE)}")
        raw.unregister(f"{STAGE}__arrow")  # no-op when not registered
        return
    drop_temp(conn, STAGE)


def stage_columns(validated: Validated, table: sa.Table) -> list[sa.Column]:
    return [table.c[n] for n in validated.clean.column_names if n != ROW_COL and n in table.c]


def fill_only_columns(validated: Validated) -> set[str]:
    meta = validated.clean.schema.metadata or {}
    raw = meta.get(FILL_ONLY_META, b"")
    return {c for c in raw.decode().split(",") if c}
