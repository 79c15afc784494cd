"""The rollups' state in ``schema_meta``: one text value per key (a leaf both refresh modules use)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine import schema


def get(conn: Connection, key: str) -> str | None:
    t = schema.schema_meta
    return conn.execute(sa.select(t.c.value).where(t.c.key == key)).scalar()


def put(conn: Connection, key: str, value: str) -> None:
    t = schema.schema_meta
    if not conn.execute(sa.update(t).where(t.c.key == key).values(value=value)).rowcount:
        conn.execute(sa.insert(t).values(key=key, value=value))
