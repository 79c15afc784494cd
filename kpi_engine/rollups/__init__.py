"""Daily rollups of the big facts (leads, spend), kept equal to the facts by every writer in its transaction.

The metric compiler reads a rollup instead of the facts for metrics that add up over its grain
(``kpi_engine.metrics.compile``, with ``fact_sql`` for one fact); see :mod:`kpi_engine.rollups.tables` for the tables and
:mod:`kpi_engine.rollups.refresh` for how they are kept.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from kpi_engine.rollups.refresh import after_undo, after_upload, rebuild, usable, usable_cached
from kpi_engine.rollups.tables import (
    ROLLED_FACTS,
    ROLLUPS,
    Rollup,
    rollup_for,
    routable,
    setting_names,
    setting_token,
    signature,
)

__all__ = ["ROLLED_FACTS", "ROLLUPS", "Rollup", "after_undo", "after_upload", "ensure", "rebuild", "rollup_for",
           "routable", "setting_names", "setting_token", "signature", "usable", "usable_cached"]


def ensure(conn: Connection) -> None:
    """After ``create_all``: rebuild the rollups of a store whose rollups are missing or declared differently.

    A store without facts stays without state, so rows written straight into the facts (tests, fixtures) are
    read from the facts until the first upload or demo builds the rollups.
    """
    from kpi_engine.rollups import refresh

    if refresh._state_ok(conn):
        return
    if refresh._meta(conn, refresh._SIG) is not None:
        for r in ROLLUPS.values():
            r.table.drop(conn, checkfirst=True)
            r.table.create(conn)
    if any(refresh._counts(conn).values()):
        rebuild(conn)
