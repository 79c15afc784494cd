"""Whether a store holds user data: the demo goes only into a store that holds none.

"User data" is a row in any table of ``kpi_engine.schema.metadata`` except the
schema's own bookkeeping (``schema_meta``: schema and data versions). The list is
read from the metadata at call time, so a table added to the schema later
(settings, their history ...) is covered without touching this module. A table
that only holds bookkeeping can opt out with ``Table(..., info={"bookkeeping": True})``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema

BOOKKEEPING = frozenset({schema.schema_meta.name})


def user_tables() -> list[sa.Table]:
    """Every table a user can fill (facts, upload audit, mappings, targets, plans, notes, settings ...)."""
    return [t for t in schema.metadata.sorted_tables
            if t.name not in BOOKKEEPING and not t.info.get("bookkeeping")]


def user_data(engine: Engine) -> dict[str, int]:
    """Row counts of the user tables that hold rows, in schema order; empty when the store holds no user data.

    A table missing from the database (a store made by an older schema) counts as empty.
    """
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in user_tables():
            if table.name not in present:
                continue
            n = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            if n:
                counts[table.name] = n
    return counts


def describe(counts: dict[str, int]) -> str:
    """``channels 9, uploads 1``: the tables that hold rows, with their row counts."""
    return ", ".join(f"{name} {n:,}" for name, n in counts.items())
