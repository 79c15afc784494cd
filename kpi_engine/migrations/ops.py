"""Helpers for migration steps: each leaves alone what is already in today's shape (a fresh store's tables
come from ``0001_initial`` already declared as today), so a step is right on a store of any earlier release."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def column_types(conn: Connection, table: str) -> dict[str, tuple[str, int | None, int | None]]:
    """{column: (type name, precision, scale)} from information_schema (both databases have it; duckdb_engine's
    reflection does not work with SQLAlchemy 2.1); empty when the table does not exist. DECIMAL reads 'NUMERIC'."""
    rows = conn.execute(sa.text(
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :table"), {"table": table})
    out: dict[str, tuple[str, int | None, int | None]] = {}
    for name, data_type, precision, scale in rows:
        kind = str(data_type).upper()
        if kind.startswith(("DECIMAL", "NUMERIC")):
            out[str(name)] = ("NUMERIC", int(precision), int(scale))
        else:
            out[str(name)] = (kind, None, None)
    return out


def add_column(conn: Connection, table: str, column: str, type_: sa.types.TypeEngine) -> bool:
    """Add a nullable column when the table exists and lacks it; whether it was added."""
    types = column_types(conn, table)
    if not types or column in types:
        return False
    ddl = type_.compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} ADD COLUMN {_quote(conn, column)} {ddl}")
    return True


def set_decimal(conn: Connection, table: str, column: str, type_: sa.types.TypeEngine) -> bool:
    """Change a column to the DECIMAL ``type_`` (values cast by the database) when it exists with another type;
    whether it was changed. NULLs stay NULL; rows are never removed."""
    decimal = type_.impl_instance if isinstance(type_, sa.types.TypeDecorator) else type_
    assert isinstance(decimal, sa.Numeric), type_
    current = column_types(conn, table).get(column)
    if current is None or current == ("NUMERIC", decimal.precision, decimal.scale):
        return False
    ddl = type_.compile(dialect=conn.dialect)
    col = _quote(conn, column)
    using = f" USING {col}::{ddl}" if conn.dialect.name == "postgresql" else ""
    indexes = duckdb_indexes(conn, table)
    for name, _ in indexes:  # DuckDB alters no table an index depends on: drop them, put them back after
        conn.exec_driver_sql(f"DROP INDEX {_quote(conn, name)}")
    conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} ALTER COLUMN {col} TYPE {ddl}{using}")
    for _, create in indexes:
        conn.exec_driver_sql(create)
    return True


def duckdb_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of a DuckDB table's indexes; none on PostgreSQL (it alters indexed tables)."""
    if conn.dialect.name != "duckdb":
        return []
    rows = conn.execute(sa.text("SELECT index_name, sql FROM duckdb_indexes() "
                                "WHERE schema_name = current_schema() AND table_name = :table"), {"table": table})
    return [(str(name), str(sql)) for name, sql in rows]
