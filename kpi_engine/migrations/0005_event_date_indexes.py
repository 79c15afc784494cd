"""PostgreSQL: an index on the event date of the large facts (``kpi_engine.schema.facts.EVENT_INDEXES``), so a
period's rows and the newest date are found without scanning the whole table; a fresh store already has them
from the declarations. DuckDB gets none (it scans a date column faster than it would keep a B-tree on upload).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

INDEXES = (("leads", "created_at"), ("leads", "won_at"), ("customers", "acquired_at"), ("orders", "order_date"),
           ("survey_responses", "date"), ("touches", "touched_at"))


def up(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table, column in INDEXES:  # names and columns are the literals above, never user text
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {quote(f'ix_{table}_{column}')} "
                             f"ON {quote(table)} ({quote(column)})")
        conn.exec_driver_sql(f"ANALYZE {quote(table)}")
