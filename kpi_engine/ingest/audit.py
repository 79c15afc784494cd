"""The upload audit: one record per loaded upload, the history list, data freshness per table."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import access, clock, schema, store
from kpi_engine.access import audit

if TYPE_CHECKING:
    import pandas as pd

# The event date of each table (what "latest data" means for freshness).
EVENT_DATE: dict[str, str | None] = {
    "people": None,
    "channels": None,
    "campaigns": "start_date",
    "spend": "date",
    "leads": "created_at",
    "customers": "acquired_at",
    "orders": "order_date",
    "survey_responses": "date",
    "metric_values": "period_start",
    "feedback_360": "period",
    "touches": "touched_at",
}

UPLOAD_COLUMNS = ["upload_id", "file", "table", "uploaded_at", "uploaded_by", "rows_read", "inserted", "updated",
                  "rejected", "warnings", "undone", "undone_at"]


def lock_uploads(conn: Connection) -> None:
    """Serialise writers (uploads and undos) on PostgreSQL; DuckDB has a single writer anyway."""
    if store.is_postgres(conn):
        conn.execute(sa.text("LOCK TABLE uploads IN SHARE ROW EXCLUSIVE MODE"))


def next_upload_id(conn: Connection) -> int:
    """max(upload_id) + 1, read inside the writing transaction."""
    u = schema.uploads
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(u.c.upload_id), 0))).scalar() or 0) + 1


def record_upload(conn: Connection, *, upload_id: int, file_name: str, sha256: str, table: str, rows_read: int,
                  inserted: int, updated: int, rejected: int, warnings: int, on_error: str, mapping_json: str | None,
                  user: str | None) -> None:
    """Write the audit record of one loaded upload."""
    conn.execute(schema.uploads.insert().values(
        upload_id=upload_id, file_name=file_name, sha256=sha256, table_name=table, rows_read=rows_read,
        inserted=inserted, updated=updated, rejected=rejected, warnings=warnings, on_error=on_error,
        mapping_json=mapping_json, uploaded_by=user, uploaded_at=clock.stamp(conn),
    ))
    audit.record(conn, "upload", target=f"{table}:{upload_id}", detail=file_name,
                 after={"rows_read": rows_read, "inserted": inserted, "updated": updated, "rejected": rejected,
                        "sha256": sha256}, actor=access.actor_name() or user or None)


def list_uploads(engine: Engine) -> pd.DataFrame:
    import pandas as pd  # here, not at the top: an upload itself never needs pandas

    """Every upload, newest first: upload_id, file, table, uploaded_at, uploaded_by, counts, undone, undone_at."""
    u = schema.uploads
    query = sa.select(
        u.c.upload_id, u.c.file_name.label("file"), u.c.table_name.label("table"), u.c.uploaded_at, u.c.uploaded_by,
        u.c.rows_read, u.c.inserted, u.c.updated, u.c.rejected, u.c.warnings, u.c.undone_at,
    ).order_by(u.c.upload_id.desc())
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[c for c in UPLOAD_COLUMNS if c != "undone"])
    for col in ("upload_id", "rows_read", "inserted", "updated", "rejected", "warnings"):
        frame[col] = frame[col].astype("int64")
    frame["undone"] = frame["undone_at"].notna()
    return frame[UPLOAD_COLUMNS]


def _iso(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def data_freshness(engine: Engine) -> pd.DataFrame:
    import pandas as pd

    """Per uploadable table: rows, latest_date (ISO date of the newest event, None when empty), last_upload_at."""
    u = schema.uploads
    out = []
    counts = store.table_counts(engine)  # PostgreSQL: kept per data version, not counted on every visit
    with engine.connect() as conn:
        last = dict(conn.execute(
            sa.select(u.c.table_name, sa.func.max(u.c.uploaded_at)).where(u.c.undone_at.is_(None)).group_by(u.c.table_name)
        ).all())
        for name, table in schema.UPLOAD_TABLES.items():
            date_col = EVENT_DATE.get(name)
            # the newest date alone: PostgreSQL reads it from the end of the date's index (schema.facts.EVENT_INDEXES)
            latest = conn.execute(sa.select(sa.func.max(table.c[date_col]))).scalar() if date_col else None
            out.append({
                "table": name, "rows": counts[name], "latest_date": _iso(latest) if date_col else None,
                "last_upload_at": last.get(name),
            })
    frame = pd.DataFrame(out, columns=["table", "rows", "latest_date", "last_upload_at"])
    frame["latest_date"] = pd.Series([r["latest_date"] for r in out], dtype=object)  # None stays None
    return frame
