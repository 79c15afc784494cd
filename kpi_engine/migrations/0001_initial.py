"""Every declared table that is missing, the audit log's PostgreSQL guard, and the store's data version.

What each release before numbered migrations did on every open, so it is right on a fresh store (which gets
today's tables) and on a store of any of those releases (which gets the tables its release did not have).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine import schema
from kpi_engine.access import audit


def up(conn: Connection) -> None:
    schema.metadata.create_all(conn, checkfirst=True)
    audit.protect(conn)  # PostgreSQL: the audit log refuses UPDATE and DELETE
    meta = schema.schema_meta
    if conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).first() is None:
        conn.execute(sa.insert(meta).values(key="data_version", value="0"))
