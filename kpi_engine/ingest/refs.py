"""People and channels met in facts: resolve them, or create them marked for review.

A value in ``owner_id`` (people) or ``channel_id`` (channels) resolves, in order,
to an existing id equal to it, to the id of the one row whose name equals it
case-insensitively, or to the one id equal to it case-insensitively. Otherwise a
row is created with id = name = the value and ``needs_review`` true (the
unattributed channel gets its proper name and needs no review). Creations are
recorded in the undo twin as inserts of this upload, so undo removes them.
``orders.customer_id`` is allowed as it is (customers are never created here).
All set-based SQL over the distinct values of the staging table.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine import schema
from kpi_engine.i18n import t
from kpi_engine.ingest.staging import STAGE, drop_temp, materialize_stage, q, temp_table
from kpi_engine.settings_store import load_settings


@dataclass(frozen=True)
class RefTarget:
    table: str  # "people" | "channels"
    id_col: str
    kind: str | None  # value for channels.kind of created rows


PEOPLE = RefTarget("people", "person_id", None)
CHANNELS = RefTarget("channels", "channel_id", "other")

# (fact table, column) -> the dimension it refers to.
REFERENCES: dict[tuple[str, str], RefTarget] = {
    ("leads", "owner_id"): PEOPLE,
    ("campaigns", "owner_id"): PEOPLE,
    ("channels", "owner_id"): PEOPLE,
    ("campaigns", "channel_id"): CHANNELS,
    ("spend", "channel_id"): CHANNELS,
    ("leads", "channel_id"): CHANNELS,
    ("customers", "channel_id"): CHANNELS,
    ("survey_responses", "channel_id"): CHANNELS,
    ("touches", "channel_id"): CHANNELS,
}


def references(table_name: str, columns: list[str]) -> list[tuple[str, RefTarget]]:
    return [(col, target) for (tab, col), target in REFERENCES.items() if tab == table_name and col in columns]


def _resolve_one(conn: Connection, table: sa.Table, column: str, target: RefTarget, upload_id: int, lang: str,
                 new_rows_only: bool) -> list[str]:
    dim = schema.UPLOAD_TABLES[target.table]
    undo = schema.UNDO_TABLES[target.table]
    idc, col = q(target.id_col), q(column)
    res = "_kpi_ref"
    where = f"{col} IS NOT NULL"
    if new_rows_only:  # a default that only new rows get (e.g. unattributed when the file has no channel)
        match = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in schema.key_columns(table))
        where += f" AND NOT EXISTS (SELECT 1 FROM {q(table.name)} t WHERE {match})"  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    temp_table(conn, res, (
        f"SELECT r.val, COALESCE("  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        f"(SELECT d.{idc} FROM {q(dim.name)} d WHERE d.{idc} = r.val), "
        f"(SELECT min(d.{idc}) FROM {q(dim.name)} d WHERE lower(d.name) = lower(r.val) HAVING count(*) = 1), "
        f"(SELECT min(d.{idc}) FROM {q(dim.name)} d WHERE lower(d.{idc}) = lower(r.val) HAVING count(*) = 1)"
        f") AS resolved FROM (SELECT DISTINCT s.{col} AS val FROM {q(STAGE)} s WHERE {where}) r"
    ))
    created = [r[0] for r in conn.execute(sa.text(f"SELECT val FROM {q(res)} WHERE resolved IS NULL ORDER BY val"))]  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    if created:
        settings = load_settings(conn)  # the store's, read on this transaction's connection
        params = {"uid": upload_id, "un": settings.unattributed_channel_id, "un_name": t("ingest_unattributed_name", lang)}
        if target.kind is not None:
            conn.execute(sa.text(
                f"INSERT INTO {q(dim.name)} ({idc}, name, kind, needs_review) "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
                f"SELECT val, CASE WHEN val = :un THEN :un_name ELSE val END, :kind, val <> :un "
                f"FROM {q(res)} WHERE resolved IS NULL"
            ), {**params, "kind": target.kind})
        else:
            conn.execute(sa.text(
                f"INSERT INTO {q(dim.name)} ({idc}, name, needs_review) SELECT val, val, TRUE FROM {q(res)} WHERE resolved IS NULL"  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            ))
        conn.execute(sa.text(
            f"INSERT INTO {q(undo.name)} (upload_id, action, {idc}) SELECT :uid, 'insert', val FROM {q(res)} WHERE resolved IS NULL"  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        ), params)
    renamed = conn.execute(sa.text(f"SELECT count(*) FROM {q(res)} WHERE resolved <> val")).scalar()  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
    if renamed:  # names given instead of ids: rewrite the staged values
        materialize_stage(conn)
        conn.execute(sa.text(
            f"UPDATE {q(STAGE)} SET {col} = r.resolved FROM {q(res)} r "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"WHERE {q(STAGE)}.{col} = r.val AND r.resolved IS NOT NULL AND r.resolved <> r.val"
        ))
    drop_temp(conn, res)
    return created


def resolve_references(conn: Connection, table: sa.Table, columns: list[str], upload_id: int, *,
                       insert_only: set[str] | None = None, lang: str = "en") -> dict[str, list[str]]:
    """Resolve or create the people/channels the staged rows refer to; {"people": [...], "channels": [...]} created.

    Columns in ``insert_only`` are written to new rows only, so only the values of new rows count.
    """
    created: dict[str, list[str]] = {}
    for column, target in references(table.name, columns):
        made = _resolve_one(conn, table, column, target, upload_id, lang, column in (insert_only or set()))
        if made:
            created.setdefault(target.table, [])
            created[target.table] += [m for m in made if m not in created[target.table]]
    return created
