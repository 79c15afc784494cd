"""Money stored as DECIMAL(18,2) instead of DOUBLE: spend cost, campaign budgets, expected and deal values,
order amounts (and the same columns of their ``__undo`` twins), plan bonuses.

The database casts each value (a DOUBLE with fractions of a cent is rounded to the cent, half away from zero);
every row stays.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from kpi_engine.migrations import ops
from kpi_engine.schema import MONEY

COLUMNS = {
    "campaigns": ("budget",),
    "spend": ("cost",),
    "leads": ("expected_value", "deal_value"),
    "orders": ("amount",),
    "plan_versions": ("base_bonus",),
}


def up(conn: Connection) -> None:
    for table, columns in COLUMNS.items():
        for name in (table, f"{table}__undo"):  # set_decimal passes over a table or column that is not there
            for column in columns:
                ops.set_decimal(conn, name, column, MONEY)
