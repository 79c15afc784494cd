"""Touches became an upload table: a store that had ``touches`` before lacks its ``inserted_by`` column
(``touches__undo``, a new table, comes from the declarations)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kpi_engine.migrations import ops


def up(conn: Connection) -> None:
    ops.add_column(conn, "touches", "inserted_by", sa.Integer())
