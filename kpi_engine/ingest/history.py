"""Changes an upload makes to the history of existing leads: owner, channel (first-touch credit), created date.

A re-upload may carry another owner, channel or creation time for a lead that is already stored. Such a
change moves credit between people and channels, or moves the lead to another day, so it is never applied
silently: the preview lists it (grouped and counted, with names) and the upload applies it only when the
user accepts (the CLI's ``--accept-changes``, a confirmation on the Data page). Filling a blank (an owner
given to an unowned lead) is not a change of history; clearing one is.

The comparison is one set-based query: the staged rows (people and channels already resolved to ids, as the
merge will write them) joined with ``leads`` by key, into a temporary table that the groups, counts and the
lead list are read from. ``preview_history`` runs it for a dry run inside a transaction that is rolled back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema, store
from kpi_engine.ingest.changes import GUARDED, LIST_COLUMNS, ChangeGroup, ChangesNotAccepted, HistoryChanges
from kpi_engine.ingest.model import Validated
from kpi_engine.ingest.staging import (
    STAGE,
    drop_stage,
    drop_temp,
    duck,
    fill_only_columns,
    q,
    stage_arrow,
    stage_columns,
    temp_table,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GUARDED", "LIST_COLUMNS", "ChangeGroup", "ChangesNotAccepted", "HistoryChanges", "find_history_changes",
           "guarded_columns", "preview_history"]

# Columns that name a person or a channel: (dimension table, its id column).
NAMED: dict[str, tuple[str, str]] = {"channel_id": ("channels", "channel_id"), "owner_id": ("people", "person_id")}
HISTORY = "_kpi_history"
_LIST_NAMES = {"channel_id": "channel", "owner_id": "owner", "created_at": "created"}


def guarded_columns(table_name: str, present: list[str], staged: list[str]) -> list[str]:
    return [c for c in GUARDED.get(table_name, ()) if c in present and c in staged]


def _label(col: str, dim: str) -> str:
    """SQL of a readable value: the dimension's name with the id in parentheses, the id alone when they agree."""
    value = f"h.{q(col)}"
    return f"CASE WHEN {dim}.name IS NULL OR {dim}.name = {value} THEN {value} ELSE {dim}.name || ' (' || {value} || ')' END"


def _fetch(conn: Connection, sql: str) -> pd.DataFrame:
    import pandas as pd  # only when leads change: an upload without changes never needs pandas

    if store.is_duckdb(conn):
        return duck(conn).execute(sql).df()
    rows = conn.execute(sa.text(sql))
    return pd.DataFrame(rows.all(), columns=list(rows.keys()))


def find_history_changes(conn: Connection, table_name: str, present: list[str], fill_only: set[str],
                         staged: list[str]) -> HistoryChanges | None:
    """Changes of guarded columns between the staging table and the stored rows (None when there are none)."""
    cols = guarded_columns(table_name, present, staged)
    if not cols:
        return None
    key = schema.key_columns(schema.UPLOAD_TABLES[table_name])[0]
    select, changed = [f"s.{q(key)} AS {q(key)}"], []
    for c in cols:
        new = f"COALESCE(s.{q(c)}, t.{q(c)})" if c in fill_only else f"s.{q(c)}"
        chg = f"(t.{q(c)} IS NOT NULL AND t.{q(c)} IS DISTINCT FROM {new})"
        select += [f"t.{q(c)} AS {q(c + '__old')}", f"{new} AS {q(c + '__new')}", f"{chg} AS {q(c + '__chg')}"]
        changed.append(chg)
    temp_table(conn, HISTORY, f"SELECT {', '.join(select)} FROM {q(table_name)} t JOIN {q(STAGE)} s "  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
                              f"ON t.{q(key)} = s.{q(key)} WHERE {' OR '.join(changed)}")
    # (On an error the caller's transaction rolls back, and the temporary table with it.)
    total = int(conn.execute(sa.text(f"SELECT count(*) FROM {q(HISTORY)}")).scalar() or 0)  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
    found = HistoryChanges(total=total, groups=_groups(conn, cols), leads=_lead_list(conn, key, cols)) if total else None
    drop_temp(conn, HISTORY)
    return found


def _groups(conn: Connection, cols: list[str]) -> list[ChangeGroup]:
    parts = []
    for c in cols:
        old, new, chg = q(c + "__old"), q(c + "__new"), q(c + "__chg")
        if c in NAMED:
            dim, idc = NAMED[c]
            parts.append(
                f"SELECT '{c}' AS col, CAST(h.{old} AS VARCHAR) AS old_id, CAST(h.{new} AS VARCHAR) AS new_id, "  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
                f"min(o.name) AS old_name, min(n.name) AS new_name, count(*) AS leads FROM {q(HISTORY)} h "
                f"LEFT JOIN {q(dim)} o ON o.{q(idc)} = h.{old} LEFT JOIN {q(dim)} n ON n.{q(idc)} = h.{new} "
                f"WHERE h.{chg} GROUP BY h.{old}, h.{new}"
            )
        else:
            parts.append(f"SELECT '{c}' AS col, CAST(NULL AS VARCHAR) AS old_id, CAST(NULL AS VARCHAR) AS new_id, "  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
                         f"CAST(NULL AS VARCHAR) AS old_name, CAST(NULL AS VARCHAR) AS new_name, count(*) AS leads "
                         f"FROM {q(HISTORY)} h WHERE h.{chg} HAVING count(*) > 0")
    rank = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(cols))
    rows = conn.execute(sa.text(
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) g ORDER BY CASE col {rank} END, leads DESC, old_id, new_id"  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
    )).all()
    return [ChangeGroup(r.col, r.old_id, r.new_id, r.old_name, r.new_name, int(r.leads)) for r in rows]


def _lead_list(conn: Connection, key: str, cols: list[str]) -> pd.DataFrame:
    select, joins, codes = [f"h.{q(key)} AS lead_id"], [], []
    for i, c in enumerate(cols):
        codes.append(f"CASE WHEN h.{q(c + '__chg')} THEN '{c},' ELSE '' END")
        name = _LIST_NAMES[c]
        if c in NAMED:
            dim, idc = NAMED[c]
            joins.append(f"LEFT JOIN {q(dim)} o{i} ON o{i}.{q(idc)} = h.{q(c + '__old')} "
                         f"LEFT JOIN {q(dim)} n{i} ON n{i}.{q(idc)} = h.{q(c + '__new')}")
            select += [f"{_label(c + '__old', f'o{i}')} AS {name}_before",
                       f"{_label(c + '__new', f'n{i}')} AS {name}_after"]
        else:
            select += [f"h.{q(c + '__old')} AS {name}_before", f"h.{q(c + '__new')} AS {name}_after"]
    select.insert(1, f"({' || '.join(codes)}) AS changed")
    return _fetch(conn, f"SELECT {', '.join(select)} FROM {q(HISTORY)} h {' '.join(joins)} ORDER BY h.{q(key)}")  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound


class _Rollback(Exception):
    def __init__(self, found: HistoryChanges | None) -> None:
        super().__init__("preview")
        self.found = found


def preview_history(engine: Engine, validated: Validated, lang: str = "en") -> HistoryChanges | None:
    """What loading ``validated`` would change in existing leads, without writing anything.

    Stages the rows and resolves people/channels exactly as the load does, compares, then rolls back.
    """
    from kpi_engine.ingest.audit import next_upload_id
    from kpi_engine.ingest.refs import resolve_references

    table = schema.UPLOAD_TABLES.get(validated.table)
    if table is None or validated.table not in GUARDED or validated.clean.num_rows == 0:
        return None
    columns = stage_columns(validated, table)
    names = [c.name for c in columns]
    if not guarded_columns(table.name, validated.present, names):
        return None
    try:
        with store.transaction(engine) as conn:
            if conn.execute(sa.text(f"SELECT NOT EXISTS (SELECT 1 FROM {q(table.name)})")).scalar():  # noqa: S608 - identifiers from kpi_engine.schema and GUARDED, quoted by q(); values bound
                raise _Rollback(None)
            stage_arrow(conn, STAGE, validated.clean, columns, as_view=True)
            insert_only = {n for n in names if n not in validated.present}
            resolve_references(conn, table, names, next_upload_id(conn), insert_only=insert_only, lang=lang)
            found = find_history_changes(conn, table.name, validated.present, fill_only_columns(validated), names)
            drop_stage(conn)
            raise _Rollback(found)
    except _Rollback as done:
        return done.found
