"""The one ``MetaData`` every table is declared on, the money type, and column helpers."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

metadata = sa.MetaData()

class Money(sa.types.TypeDecorator):
    """Money (spend, budgets, order amounts, expected and deal values, bonuses), exact to the cent: DECIMAL(18,2)
    holds the 10^12 an upload may carry, with two decimals. Values read through SQLAlchemy come back as float, on
    every backend (duckdb_engine hands DuckDB's Decimal through even with ``asdecimal=False``), so that pandas
    and Python arithmetic keep working; sums stay exact in SQL (the metric compiler sums DECIMAL, then casts)."""

    impl = sa.Numeric(18, 2)
    cache_ok = True

    def process_result_value(self, value: Decimal | float | None, dialect: sa.Dialect) -> float | None:
        return None if value is None else float(value)


MONEY = Money()


class MoneySum(Money):
    """A stored sum of money (the daily rollups' spend and revenue, ``kpi_engine.rollups``): DECIMAL(38,2), the type
    DuckDB gives the SUM of a DECIMAL(18,2), so a day's total is exact to the cent however many rows it adds up.
    A :class:`Money` (the compiler sums it in DECIMAL, then casts), read as float like it."""

    impl = sa.Numeric(38, 2)
    cache_ok = True


MONEY_SUM = MoneySum()


def numeric_type(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """The type under a decorator (Money is a DECIMAL), for checks by type class."""
    return type_.impl_instance if isinstance(type_, sa.types.TypeDecorator) else type_


def required(name: str, type_: sa.types.TypeEngine | type[sa.types.TypeEngine], **info: object) -> sa.Column:
    """A column that must have a value in every row of a new record; ``info`` adds ingest metadata."""
    return sa.Column(name, type_, nullable=False, info={"required": True, **info})


def key_text(name: str) -> sa.Column:
    """A key column where ``""`` means "none" (part of a composite primary key)."""
    return sa.Column(name, sa.String, primary_key=True, nullable=False, server_default="", info={"text_key": True})
