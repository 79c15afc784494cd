"""Undo an upload: restore exactly the rows it replaced, delete the rows it inserted.

Every upload tagged the rows it inserted with ``inserted_by`` and wrote the full
prior version of every row it changed into ``<table>__undo`` (people and channels
it created on the fly are listed there as 'insert'). Undo reverses that with set-based SQL in
one transaction, and refuses (changing nothing) when the upload is unknown,
already undone, or when a later upload that is still in force touched the same
keys (that one must be undone first, or its changes would be lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import access, clock, rollups, schema, store
from kpi_engine.access import audit
from kpi_engine.ingest.audit import lock_uploads
from kpi_engine.ingest.staging import q
from kpi_engine.settings import get_settings


@dataclass(frozen=True)
class UndoResult:
    upload_id: int
    deleted: int
    restored: int
    ok: bool
    message_code: str  # i18n key: ingest_undo_done | ingest_undo_unknown | ingest_undo_already | ingest_undo_blocked
    blocking_uploads: list[int] = field(default_factory=list)

    def message(self, lang: str = "en") -> str:
        from kpi_engine.i18n import t

        later = ", ".join(f"#{u}" for u in self.blocking_uploads)
        return t(self.message_code, lang, upload_id=self.upload_id, deleted=self.deleted, restored=self.restored,
                 later=later)


def _key_match(keys: list[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{q(k)} = {right}.{q(k)}" for k in keys)


def blocking_uploads(conn: Connection, upload_id: int) -> list[int]:
    """Later uploads, not undone, that touched a key this upload touched (in any table)."""
    found: set[int] = set()
    for name, table in schema.UPLOAD_TABLES.items():
        undo = q(schema.UNDO_TABLES[name].name)
        keys = schema.key_columns(table)
        key_list = ", ".join(q(k) for k in keys)
        mine = (f"(SELECT {key_list} FROM {undo} WHERE upload_id = :uid "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
                f"UNION ALL SELECT {key_list} FROM {q(name)} WHERE inserted_by = :uid)")
        rows = conn.execute(sa.text(
            f"SELECT DISTINCT later.upload_id FROM {mine} mine JOIN {undo} later ON {_key_match(keys, 'mine', 'later')} "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"JOIN uploads u ON u.upload_id = later.upload_id "
            f"WHERE later.upload_id > :uid AND u.undone_at IS NULL"
        ), {"uid": upload_id})
        found.update(int(r[0]) for r in rows)
    return sorted(found)


def _revert_table(conn: Connection, name: str, upload_id: int) -> tuple[int, int]:
    table = schema.UPLOAD_TABLES[name]
    undo = q(schema.UNDO_TABLES[name].name)
    keys = schema.key_columns(table)
    params = {"uid": upload_id}
    # Rows the upload inserted: tagged with inserted_by, or (people/channels made on the fly) listed as 'insert'.
    deleted = conn.execute(sa.text(
        f"DELETE FROM {q(name)} WHERE inserted_by = :uid OR EXISTS (SELECT 1 FROM {undo} u WHERE u.upload_id = :uid "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
        f"AND u.action = 'insert' AND {_key_match(keys, 'u', q(name))})"
    ), params).rowcount
    others = [c.name for c in table.columns if c.name not in keys]
    restored = 0
    if others:
        sets = ", ".join(f"{q(c)} = u.{q(c)}" for c in others)
        restored = conn.execute(sa.text(
            f"UPDATE {q(name)} SET {sets} FROM {undo} u WHERE u.upload_id = :uid AND u.action = 'update' "  # noqa: S608 - identifiers from kpi_engine.schema, quoted by q(); values bound
            f"AND {_key_match(keys, 'u', q(name))}"
        ), params).rowcount
    return int(deleted or 0), int(restored or 0)


def undo_upload(engine: Engine, upload_id: int, user: str | None = None) -> UndoResult:
    """Undo upload ``upload_id`` in one transaction (see module docstring); never raises for a refusal.

    Only admins may undo (:class:`kpi_engine.access.NotAllowed` otherwise)."""
    access.require("upload")
    u = schema.uploads
    with store.transaction(engine) as conn:
        lock_uploads(conn)
        row = conn.execute(sa.select(u.c.upload_id, u.c.undone_at).where(u.c.upload_id == upload_id)).first()
        if row is None:
            return UndoResult(upload_id, 0, 0, False, "ingest_undo_unknown")
        if row.undone_at is not None:
            return UndoResult(upload_id, 0, 0, False, "ingest_undo_already")
        later = blocking_uploads(conn, upload_id)
        if later:
            return UndoResult(upload_id, 0, 0, False, "ingest_undo_blocked", later)
        deleted = restored = 0
        # Facts first, then the dimensions this upload created.
        for name in reversed(list(schema.UPLOAD_TABLES)):
            d, r = _revert_table(conn, name, upload_id)
            deleted += d
            restored += r
        who = user or access.actor_name() or get_settings().upload_user
        conn.execute(u.update().where(u.c.upload_id == upload_id).values(undone_at=clock.stamp(conn), undone_by=who))
        audit.record(conn, "undo", target=str(upload_id), after={"deleted": deleted, "restored": restored}, actor=who)
        store.bump_data_version(conn)
        rollups.after_undo(conn, upload_id)  # the days the upload touched, rebuilt from the reverted facts
    return UndoResult(upload_id, deleted, restored, True, "ingest_undo_done")
