"""Bulk writing of the demo's arrow tables: DuckDB reads a registered arrow table, PostgreSQL takes COPY.

Table and column names come only from ``kpi_engine.schema``.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine import rollups, schema, store

# Tables the demo replaces, and the audit tables it empties (their rows would describe data that is gone).
FACT_TABLES = tuple(schema.UPLOAD_TABLES)
AUDIT_TABLES = (*(f"{t}__undo" for t in FACT_TABLES), "uploads")
RECREATE_ABOVE = 50_000  # DuckDB tables with more rows are emptied by DROP + CREATE instead of DELETE


def arrow_type(column: sa.Column) -> pa.DataType:
    kind = schema.column_kind(column)
    if kind == "datetime":
        return pa.timestamp("us")
    if kind == "date":
        return pa.date32()
    if kind == "bool":
        return pa.bool_()
    if kind == "number":
        return pa.int64() if isinstance(column.type, sa.Integer) else pa.float64()
    return pa.string()


def arrow_schema(table: sa.Table) -> pa.Schema:
    """The arrow schema of a table's user columns, in the table's column order."""
    return pa.schema([pa.field(c.name, arrow_type(c)) for c in table.columns if not c.info.get("internal")])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _recreate_duckdb(conn: Connection, name: str) -> None:
    """Empty a big DuckDB table by dropping and re-creating it from its own DDL (indexes included).

    DuckDB commits a DELETE of a million indexed rows slowly (tens of seconds);
    DROP + CREATE in the same transaction is instant and just as atomic.
    """
    raw = store.raw_duckdb(conn)
    create = raw.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ? AND schema_name = current_schema() "
                         "AND database_name = current_database()", [name]).fetchall()[0][0]
    indexes = [r[0] for r in raw.execute(
        "SELECT sql FROM duckdb_indexes() WHERE table_name = ? AND schema_name = current_schema() "
        "AND database_name = current_database() AND sql IS NOT NULL", [name]).fetchall()]
    raw.execute(f"DROP TABLE {_quote(name)}")
    raw.execute(create)
    for statement in indexes:
        raw.execute(statement)


def clear(conn: Connection) -> None:
    """Empty the fact tables and the upload audit (inside the caller's transaction).

    PostgreSQL: one TRUNCATE (transactional there, and far faster than DELETE for big tables).
    """
    names = (*AUDIT_TABLES, *FACT_TABLES)
    if store.is_postgres(conn):
        conn.exec_driver_sql("TRUNCATE TABLE " + ", ".join(_quote(n) for n in names))
        return
    duck = store.is_duckdb(conn)
    for name in names:
        table = schema.metadata.tables[name]
        if duck and conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() > RECREATE_ABOVE:
            _recreate_duckdb(conn, name)
        else:
            conn.execute(sa.delete(table))


def insert_duckdb(conn: Connection, table: sa.Table, data: pa.Table) -> None:
    raw = store.raw_duckdb(conn)
    view = f"demo_src_{table.name}"
    cols = ", ".join(_quote(c) for c in data.column_names)
    raw.execute("SET enable_progress_bar = false")  # no progress bar on stdout for long inserts
    raw.register(view, data)
    try:
        raw.execute(f"INSERT INTO {_quote(table.name)} ({cols}) SELECT {cols} FROM {view}")  # noqa: S608 - table and columns from the schema, quoted
    finally:
        raw.unregister(view)


def insert_postgres(conn: Connection, table: sa.Table, data: pa.Table, batch_rows: int = 200_000) -> None:
    from psycopg import sql

    raw = store.driver_connection(conn)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in data.column_names))
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    with raw.cursor() as cur, cur.copy(statement) as copy:
        for batch in data.to_batches(max_chunksize=batch_rows):
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, options)
            copy.write(buffer.getvalue())


def insert_generic(conn: Connection, table: sa.Table, data: pa.Table) -> None:
    """Any other SQLAlchemy backend: executemany in chunks (slower, but portable)."""
    for batch in data.to_batches(max_chunksize=10_000):
        conn.execute(sa.insert(table), batch.to_pylist())


def write_tables(conn: Connection, tables: dict[str, pa.Table],
                 progress: Callable[[float, str], None] | None = None) -> None:
    """Replace all demo tables' rows with ``tables`` inside the caller's transaction, then bump the data version."""
    clear(conn)
    insert = insert_duckdb if store.is_duckdb(conn) else insert_postgres if store.is_postgres(conn) else insert_generic
    names = [n for n in FACT_TABLES if n in tables]
    for i, name in enumerate(names):
        if progress:
            progress(0.6 + 0.38 * i / len(names), "demo_stage_write")
        if tables[name].num_rows:
            insert(conn, schema.UPLOAD_TABLES[name], tables[name])
    store.analyze(conn, names)  # PostgreSQL: statistics of the new rows before the rollups are built from them
    store.bump_data_version(conn)
    rollups.rebuild(conn)
