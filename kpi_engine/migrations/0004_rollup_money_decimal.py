"""The daily rollups' sums of money as DECIMAL(38,2) instead of DOUBLE (``schema.MONEY_SUM``): spend per day
(``rollup_spend_date.spend``) and revenue per day (``rollup_leads_won_at.revenue``), like money everywhere else.

A store of the release before the rollups has none of these tables (they come from the declarations, already
DECIMAL); a store that has them gets each value cast by the database (a DOUBLE sum of cents is rounded to the
cent), every row kept. The rollups' declaration signature changes with the type, so ``kpi_engine.rollups.ensure``
then rebuilds their content from the facts, exact to the cent.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from kpi_engine.migrations import ops
from kpi_engine.schema import MONEY_SUM

COLUMNS = {
    "rollup_spend_date": ("spend",),
    "rollup_leads_won_at": ("revenue",),
}


def up(conn: Connection) -> None:
    for table, columns in COLUMNS.items():
        for column in columns:  # set_decimal passes over a table or column that is not there
            ops.set_decimal(conn, table, column, MONEY_SUM)
