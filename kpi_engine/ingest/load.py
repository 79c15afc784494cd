"""LOAD: stage the clean rows in the database and merge them by key, inside the caller's transaction.

Bulk paths: on DuckDB the arrow table is registered on the raw connection and
copied into a temporary staging table with one ``CREATE TABLE AS``; on
PostgreSQL a temporary table is filled with ``COPY ... FROM STDIN`` from CSV
text written by pyarrow. The staging table has the target's own column types, so
comparing staged and stored values is exact (an unchanged row is not counted as
updated). Then the same set-based SQL on both backends:

1. people / channels met in the facts are resolved (id, or a unique name) or
   created (refs.py);
2. the prior version of every row that will change goes to ``<table>__undo``
   (action 'update'), then ``UPDATE ... FROM`` the stage, only where a value differs;
3. new rows are inserted with ``inserted_by`` = the upload id (their undo record), then
   ``INSERT ... SELECT`` the new rows.

Identifiers come only from kpi_engine.schema; values are bound.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema, store
from kpi_engine.ingest import bulk
from kpi_engine.ingest.history import ChangesNotAccepted, HistoryChanges, find_history_changes
from kpi_engine.ingest.model import ROW_COL, Validated
from kpi_engine.ingest.refs import references, resolve_references
from kpi_engine.ingest.staging import (
    STAGE,
    drop_stage,
    drop_temp,
    duck,
    fill_only_columns,
    materialize_stage,
    q,
    stage_arrow,
    stage_columns,
    temp_table,
    unordered_insert,
)

__all__ = ["STAGE", "LoadOutcome", "RowsCollide", "drop_stage", "drop_temp", "duck", "fetch_existing", "fill_only_columns",
           "load", "materialize_stage", "merge", "pause_point", "preview_collisions", "q", "stage_arrow", "stage_columns",
           "temp_table"]

PAUSE_ENV = "KPI_INGEST_TEST_PAUSE_AT"  # test hook: stage | merge | commit (sleep inside the transaction)
PAUSE_FILE_ENV = "KPI_INGEST_TEST_PAUSE_FILE"  # written when the pause starts
PAUSE_SECONDS_ENV = "KPI_INGEST_TEST_PAUSE_SECONDS"


@dataclass(frozen=True)
class LoadOutcome:
    inserted: int
    updated: int
    created: dict[str, list[str]] = field(default_factory=dict)
    history: HistoryChanges | None = None  # accepted changes of existing leads' owner/channel/created_at
    collisions: list[dict] = field(default_factory=list)  # rows skipped as duplicates once names became ids


class RowsCollide(Exception):
    """Rows repeat a key once names are resolved to ids (on_error=abort): nothing is merged, roll back."""

    def __init__(self, issues: list[dict]) -> None:
        super().__init__(f"{len(issues)} rows repeat a key once names are resolved to ids")
        self.issues = issues


def _collisions(conn: Connection, table: sa.Table, names: list[str]) -> list[dict]:
    """Staged rows whose key repeats an earlier row's once people/channels are resolved (the first row is kept).

    Only a table whose key holds a reference (spend: channel_id) can collide: validation saw the file's
    own text (a name in one row, the id in another) as two keys.
    """
    keys = schema.key_columns(table)
    if not any(col in keys for col, _ in references(table.name, names)):
        return []
    key_list = ", ".join(q(k) for k in keys)
    value = " || ' | ' || ".join(f"COALESCE(CAST(s.{q(k)} AS VARCHAR), '')" for k in keys)
    rows = conn.execute(sa.text(
        f"SELECT s.{q(ROW_COL)}, d.first_row, {value} FROM {q(STAGE)} s JOIN (SELECT {key_list}, "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        f"min({q(ROW_COL)}) AS first_row FROM {q(STAGE)} GROUP BY {key_list} HAVING count(*) > 1) d USING ({key_list}) "
        f"WHERE s.{q(ROW_COL)} > d.first_row ORDER BY 1"
    )).fetchall()
    return [{"severity": "error", "code": "duplicate_key_resolved", "row": int(r[0]), "column": "+".join(keys),
             "source": None, "value": r[2], "detail": str(int(r[1]))} for r in rows]


def pause_point(point: str) -> None:
    """Test hook: when $KPI_INGEST_TEST_PAUSE_AT names ``point``, announce it in a file and sleep."""
    if os.environ.get(PAUSE_ENV, "") != point:
        return
    marker = os.environ.get(PAUSE_FILE_ENV)
    if marker:
        Path(marker).write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
    time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "60")))


def fetch_existing(engine: Engine, table_name: str, keys: pa.Table, columns: list[str]) -> pa.Table:
    """Stored rows of ``table_name`` whose key is in ``keys``: the key columns plus ``columns``."""
    table = schema.UPLOAD_TABLES[table_name]
    key_cols = schema.key_columns(table)
    wanted = key_cols + [c for c in columns if c not in key_cols]
    select = ", ".join(f"t.{q(c)}" for c in wanted)
    join = " AND ".join(f"t.{q(k)} = k.{q(k)}" for k in key_cols)
    sql = f"SELECT {select} FROM {q(table.name)} t JOIN {q('_kpi_keys')} k ON {join}"  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    with store.transaction(engine) as conn:
        stage_arrow(conn, "_kpi_keys", keys, [table.c[k] for k in key_cols])
        if store.is_duckdb(conn):
            result = duck(conn).sql(sql).to_arrow_table()
            drop_temp(conn, "_kpi_keys")
            return _typed(result, table, wanted)
        buf = io.BytesIO()
        with store.driver_connection(conn).cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for chunk in copy:
                buf.write(chunk)
    return _read_csv(buf.getvalue(), table, wanted)


_ARROW_TYPES = {"text": pa.string(), "number": pa.float64(), "date": pa.date32(), "datetime": pa.timestamp("us"),
                "bool": pa.bool_()}


def _arrow_schema(table: sa.Table, names: list[str]) -> pa.Schema:
    return pa.schema([(n, _ARROW_TYPES[schema.column_kind(table.c[n])]) for n in names])


def _typed(data: pa.Table, table: sa.Table, names: list[str]) -> pa.Table:
    return data.select(names).cast(_arrow_schema(table, names))


def _read_csv(payload: bytes, table: sa.Table, names: list[str]) -> pa.Table:
    target = _arrow_schema(table, names)
    if not payload:
        return target.empty_table()
    opts = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True,
                                quoted_strings_can_be_null=False, null_values=[""])
    read = pacsv.read_csv(io.BytesIO(payload), read_options=pacsv.ReadOptions(column_names=names), convert_options=opts)
    return read.cast(target)


# --- the merge ---------------------------------------------------------------------------------------


def merge(conn: Connection, table: sa.Table, upload_id: int, present: list[str], fill_only: set[str],
          stage_cols: list[str]) -> tuple[int, int]:
    """Upsert the staged rows into ``table`` by key, writing undo twins first. Returns (inserted, updated).

    One join finds the keys of stored rows whose values differ (``_kpi_changed``); the undo copy and the
    UPDATE then touch only those. New rows are the staged keys not stored yet (an anti-join; skipped when
    the table is empty).
    """
    undo = schema.UNDO_TABLES[table.name]
    keys = schema.key_columns(table)
    join = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in keys)
    params = {"uid": upload_id}
    empty = conn.execute(sa.text(f"SELECT NOT EXISTS (SELECT 1 FROM {q(table.name)})")).scalar()  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    updated = 0
    upd_cols = [c for c in present if c not in keys and c in stage_cols]
    if upd_cols and not empty:
        def new(c: str) -> str:
            return f"COALESCE(s.{q(c)}, t.{q(c)})" if c in fill_only else f"s.{q(c)}"

        changed = " OR ".join(f"t.{q(c)} IS DISTINCT FROM {new(c)}" for c in upd_cols)
        key_list = ", ".join(f"s.{q(k)}" for k in keys)
        temp_table(conn, "_kpi_changed", f"SELECT {key_list} FROM {q(table.name)} t JOIN {q(STAGE)} s ON {join} WHERE {changed}")  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        hit = " AND ".join(f"t.{q(k)} = c.{q(k)}" for k in keys)
        all_cols = [c.name for c in table.columns]
        conn.execute(sa.text(
            f"INSERT INTO {q(undo.name)} (upload_id, action, {', '.join(q(c) for c in all_cols)}) "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"SELECT :uid, 'update', {', '.join(f't.{q(c)}' for c in all_cols)} "
            f"FROM {q(table.name)} t JOIN {q('_kpi_changed')} c ON {hit}"
        ), params)
        sets = ", ".join(f"{q(c)} = {new(c)}" for c in upd_cols)
        s_hit = " AND ".join(f"s.{q(k)} = c.{q(k)}" for k in keys)
        updated = conn.execute(sa.text(
            f"UPDATE {q(table.name)} AS t SET {sets} FROM {q(STAGE)} AS s, {q('_kpi_changed')} AS c "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"WHERE {join} AND {s_hit}"
        )).rowcount
        drop_temp(conn, "_kpi_changed")
    if empty:  # DuckDB: the rows first, the key's index after (bulk.py); None when that can't be done
        inserted = bulk.insert_into_empty(conn, table, stage_cols, upload_id)
        if inserted is not None:
            return inserted, updated
    new_rows = "TRUE" if empty else f"NOT EXISTS (SELECT 1 FROM {q(table.name)} t WHERE {join})"  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    # New rows carry the upload's id in ``inserted_by``: that is their undo record.
    cols = ", ".join(q(c) for c in [*stage_cols, "inserted_by"])
    with unordered_insert(conn):
        inserted = conn.execute(sa.text(
            f"INSERT INTO {q(table.name)} ({cols}) SELECT {', '.join(f's.{q(c)}' for c in stage_cols)}, :uid "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"FROM {q(STAGE)} s WHERE {new_rows}"
        ), params).rowcount
    return int(inserted or 0), int(updated or 0)


class _Rollback(Exception):
    pass


def preview_collisions(engine: Engine, validated: Validated, lang: str = "en") -> list[dict]:
    """For a dry run: the rows ``load`` would find colliding once names are ids (staged, resolved, rolled back)."""
    table = schema.UPLOAD_TABLES.get(validated.table)
    if table is None or validated.clean.num_rows == 0 or ROW_COL not in validated.clean.column_names:
        return []
    columns = stage_columns(validated, table)
    names = [c.name for c in columns]
    if not any(col in schema.key_columns(table) for col, _ in references(table.name, names)):
        return []
    found: list[dict] = []
    try:
        with store.transaction(engine) as conn:
            stage_arrow(conn, STAGE, validated.clean, columns + [sa.Column(ROW_COL, sa.BigInteger)], as_view=True)
            insert_only = {n for n in names if n not in validated.present}
            resolve_references(conn, table, names, 0, insert_only=insert_only, lang=lang)
            found = _collisions(conn, table, names)
            drop_stage(conn)
            raise _Rollback
    except _Rollback:
        return found


def load(conn: Connection, validated: Validated, upload_id: int, *, lang: str = "en",
         accept_changes: bool = True, skip_collisions: bool = False) -> LoadOutcome:
    """Stage, resolve people/channels, merge; everything inside ``conn``'s transaction.

    Raises ``history.ChangesNotAccepted`` (before anything is merged; the caller's transaction then rolls
    back) when the upload changes existing leads' owner, channel or created date and ``accept_changes`` is false.
    """
    table = schema.UPLOAD_TABLES[validated.table]
    columns = stage_columns(validated, table)
    row_col = [sa.Column(ROW_COL, sa.BigInteger)] if ROW_COL in validated.clean.column_names else []
    stage_arrow(conn, STAGE, validated.clean, columns + row_col, as_view=True)
    pause_point("stage")
    names = [c.name for c in columns]
    insert_only = {n for n in names if n not in validated.present}
    created = resolve_references(conn, table, names, upload_id, insert_only=insert_only, lang=lang)
    collisions = _collisions(conn, table, names) if row_col else []
    if collisions and not skip_collisions:
        drop_stage(conn)
        raise RowsCollide(collisions)
    if collisions:  # on_error=skip: the later rows are reported and not loaded, like any duplicate
        materialize_stage(conn)
        conn.execute(sa.text(f"DELETE FROM {q(STAGE)} WHERE {q(ROW_COL)} IN ({', '.join(str(c['row']) for c in collisions)})"))  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    fill_only = fill_only_columns(validated)
    history = find_history_changes(conn, table.name, validated.present, fill_only, names)
    if history is not None and not accept_changes:
        drop_stage(conn)
        raise ChangesNotAccepted(history)
    inserted, updated = merge(conn, table, upload_id, validated.present, fill_only, names)
    drop_stage(conn)
    pause_point("merge")
    return LoadOutcome(inserted=inserted, updated=updated, created=created, history=history, collisions=collisions)
