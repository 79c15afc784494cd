"""The first load of a big upload into an empty table on DuckDB: build the table, then its primary key.

DuckDB inserts into a table with a primary key row by row into the key's index (once in the transaction,
again at commit) and cannot write the rows straight to disk; for a million leads that costs more than the
whole of DuckDB's own ``read_csv``. Into an empty table, the same rows go instead into a copy of the table
made without the key (from the same SQLAlchemy definition, so the same columns, types, defaults and NOT NULLs),
which then replaces the table and gets its key added (one index build; a repeated key is refused just
as the INSERT would refuse it). All inside the caller's transaction: a failure rolls back to the empty table.

Only when nothing else hangs on the table (no other index, no foreign key either way, no constraint other than
the primary key) and the copy matches the table column for column; otherwise the caller does a plain INSERT.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable

from kpi_engine import schema, store
from kpi_engine.ingest.staging import STAGE, duck, q, unordered_insert

_SUFFIX = "__kpi_bulk"
_COLUMNS = ("SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns() "
            "WHERE table_name = ? AND schema_name = current_schema() AND database_name = current_database() "
            "ORDER BY column_index")
_CONSTRAINTS = ("SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = ? AND schema_name = current_schema() AND database_name = current_database() "
                "AND constraint_type <> 'NOT NULL'")


def _unkeyed_copy(table: sa.Table, name: str) -> sa.Table:
    """``table``'s columns under another name, the key columns NOT NULL instead of a primary key."""
    columns = []
    for col in table.columns:
        copy = col._copy()
        if copy.primary_key:
            copy.primary_key = False
            copy.nullable = False
        columns.append(copy)
    return sa.Table(name, sa.MetaData(), *columns)


def _free_standing(raw, name: str, keys: list[str]) -> bool:
    """No index but the key's, no foreign key from or to the table, no constraint but the primary key."""
    indexes = raw.execute("SELECT count(*) FROM duckdb_indexes() WHERE table_name = ? AND schema_name = current_schema()",
                          [name]).fetchall()[0][0]
    refs = raw.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY' "
                       "AND referenced_table = ?", [name]).fetchall()[0][0]
    constraints = raw.execute(_CONSTRAINTS, [name]).fetchall()
    return not indexes and not refs and [(t, list(c)) for t, c in constraints] == [("PRIMARY KEY", keys)]


def insert_into_empty(conn: Connection, table: sa.Table, stage_cols: list[str], upload_id: int) -> int | None:
    """Rows inserted from the staging table into the empty ``table`` (see module docstring); None: not done."""
    if not store.is_duckdb(conn):
        return None
    raw = duck(conn)
    keys = schema.key_columns(table)
    if not _free_standing(raw, table.name, keys):
        return None
    new = table.name + _SUFFIX
    raw.execute(f"DROP TABLE IF EXISTS {q(new)}")
    raw.execute(str(CreateTable(_unkeyed_copy(table, new)).compile(dialect=conn.dialect)))
    if raw.execute(_COLUMNS, [new]).fetchall() != raw.execute(_COLUMNS, [table.name]).fetchall() \
            or raw.execute(_CONSTRAINTS, [new]).fetchall():
        raw.execute(f"DROP TABLE {q(new)}")
        return None
    cols = ", ".join(q(c) for c in [*stage_cols, "inserted_by"])
    with unordered_insert(conn):
        inserted = raw.execute(
            f"INSERT INTO {q(new)} ({cols}) SELECT {', '.join(f's.{q(c)}' for c in stage_cols)}, $uid FROM {q(STAGE)} s",  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            {"uid": upload_id},
        ).fetchall()[0][0]
    raw.execute(f"DROP TABLE {q(table.name)}")
    raw.execute(f"ALTER TABLE {q(new)} RENAME TO {q(table.name)}")
    raw.execute(f"ALTER TABLE {q(table.name)} ADD PRIMARY KEY ({', '.join(q(k) for k in keys)})")
    return int(inserted)
