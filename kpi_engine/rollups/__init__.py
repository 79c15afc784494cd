"""Daily rollups of the big facts (leads, spend), kept equal to the facts by every writer in its transaction.

The metric compiler reads a rollup instead of the facts for metrics that add up over its grain
(``kpi_engine.metrics.compile``, with ``fact_sql`` for one fact); see :mod:`kpi_engine.rollups.tables` for the tables and
:mod:`kpi_engine.rollups.refresh` for how they are kept. :mod:`kpi_engine.rollups.credit` keeps the daily credit of
multi-touch attribution the same way (read by :mod:`kpi_engine.analytics.attribution`).

Every writer calls this package's :func:`after_upload`, :func:`after_undo` and :func:`rebuild`, which keep both; a
change of a setting the rollups depend on rebuilds those columns in the same transaction
(:func:`kpi_engine.rollups.refresh.after_setting_change`, hooked into :mod:`kpi_engine.settings_store` here).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from kpi_engine import settings_store
from kpi_engine.rollups import credit, refresh
from kpi_engine.rollups.refresh import usable, usable_cached
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


settings_store.on_change(refresh.after_setting_change)


def rebuild(conn: Connection, facts: tuple[str, ...] = ROLLED_FACTS) -> None:
    """Every rollup of ``facts`` from scratch (inside the caller's transaction); with ``leads``, the credit rollup
    too. Rebuilding every fact (the demo replaced them) also forgets the days kept per upload."""
    refresh.rebuild(conn, facts)
    if "leads" in facts:
        credit.rebuild(conn, forget=set(facts) >= set(ROLLED_FACTS))


def after_upload(conn: Connection, upload_id: int, table: str | None) -> None:
    """Bring every rollup up to date with upload ``upload_id`` of ``table`` (inside its transaction)."""
    refresh.after_upload(conn, upload_id, table)
    credit.after_upload(conn, upload_id, table)


def after_undo(conn: Connection, upload_id: int) -> None:
    """Rebuild the days upload ``upload_id`` touched, after its rows were reverted (inside the undo's transaction)."""
    refresh.after_undo(conn, upload_id)
    credit.after_undo(conn, upload_id)


def ensure(conn: Connection) -> None:
    """After ``create_all``: rebuild the rollups of a store whose rollups are missing or declared differently.

    A store without facts stays without state, so rows written straight into the facts (tests, fixtures) are
    read from the facts until the first upload or demo builds the rollups.
    """
    if not refresh._state_ok(conn):
        if refresh._meta(conn, refresh._SIG) is not None:
            for r in ROLLUPS.values():
                r.table.drop(conn, checkfirst=True)
                r.table.create(conn)
        if any(refresh._counts(conn).values()):
            refresh.rebuild(conn)
    if not credit.state_ok(conn):
        if refresh._meta(conn, credit._SIG) is not None:
            credit.table.drop(conn, checkfirst=True)
            credit.table.create(conn)
        if credit._counts(conn, ("leads",))["leads"]:
            credit.rebuild(conn)
