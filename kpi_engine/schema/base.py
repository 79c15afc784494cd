"""The one ``MetaData`` every table is declared on, the money type, and column helpers."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Money (spend, budgets, order amounts, expected and deal values, bonuses) is exact to the cent: DECIMAL(18,2)
# holds the 10^12 an upload may carry with two decimals. Values read through SQLAlchemy come back as float
# (asdecimal=False) so that pandas and Python arithmetic keep working; sums stay exact in SQL.
MONEY = sa.Numeric(18, 2, asdecimal=False)


def required(name: str, type_: sa.types.TypeEngine | type[sa.types.TypeEngine], **info: object) -> sa.Column:
    """A column that must have a value in every row of a new record; ``info`` adds ingest metadata."""
    return sa.Column(name, type_, nullable=False, info={"required": True, **info})


def key_text(name: str) -> sa.Column:
    """A key column where ``""`` means "none" (part of a composite primary key)."""
    return sa.Column(name, sa.String, primary_key=True, nullable=False, server_default="", info={"text_key": True})
