"""SQL building blocks for one fact table (the metric compiler's parts): safe division, whitelisted intervals and
periods, date filters as bound parameters, what one row contributes to a simple metric, and :class:`Source`, a fact
(or its daily rollup) with the LEFT JOINs its scope keys need. Identifiers come only from the schema and whitelists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from kpi_engine import periods, schema
from kpi_engine.metrics.registry import Col, Cond, DaysBetween, HoursBetween, Lookup, Measure, Metric, Simple
from kpi_engine.metrics.scopes import SCOPE_PATHS, ScopePath
from kpi_engine.rollups.tables import ROLLUPS
from kpi_engine.settings import Settings

ZERO: ColumnElement = sa.literal_column("0")
ONE: ColumnElement = sa.literal_column("1")
EMPTY: ColumnElement = sa.literal_column("''")
# Whitelisted interval texts (SQL literals); month counts are ints formatted here.
GRAIN_INTERVAL = {"day": "1 day", "week": "7 days", "month": "1 month", "quarter": "3 months", "year": "1 year"}
Group = tuple[str, str, bool]  # (fact, event, read from its daily rollup)


def safe_divide(numerator: ColumnElement, denominator: ColumnElement) -> ColumnElement:
    """``numerator / NULLIF(denominator, 0)`` as floats: a zero denominator gives NULL, never inf or 0."""
    return sa.cast(numerator, sa.Double) / sa.func.nullif(sa.cast(denominator, sa.Double), ZERO)


def interval(text: str) -> ColumnElement:
    """``INTERVAL '<text>'`` for a whitelisted text (see ``GRAIN_INTERVAL`` and ``months``)."""
    return sa.literal_column(f"INTERVAL '{text}'", sa.Interval)


def months(n: int) -> ColumnElement:
    return interval(f"{int(n)} months")


def as_timestamp(column: ColumnElement) -> ColumnElement:
    return column if isinstance(column.type, sa.DateTime) else sa.cast(column, sa.DateTime)


def seconds_between(src: Source, start: str, end: str, seconds_per_unit: int) -> ColumnElement:
    a, b = src.table.c[start], src.table.c[end]
    seconds = sa.cast(sa.extract("epoch", b) - sa.extract("epoch", a), sa.Double)
    return seconds / sa.cast(sa.literal_column(str(seconds_per_unit)), sa.Double)


def measure_value(src: Source, measure: Measure) -> ColumnElement:
    if isinstance(measure, Col):
        return src.table.c[measure.name]
    if isinstance(measure, HoursBetween):
        return seconds_between(src, measure.start, measure.end, 3600)
    if isinstance(measure, DaysBetween):
        return seconds_between(src, measure.start, measure.end, 86400)
    if isinstance(measure, Lookup):
        return src.follow(ScopePath(measure.column, measure.hops))
    raise ValueError(f"unknown measure {measure!r}")


def condition(src: Source, cond: Cond, settings: Settings) -> ColumnElement:
    value_expr = measure_value(src, cond.measure)
    if cond.op == "not_null":
        return value_expr.is_not(None)
    if cond.op == "not_blank":
        return sa.and_(value_expr.is_not(None), value_expr != sa.literal("", sa.String))
    value = getattr(settings, cond.setting) if cond.setting else cond.value
    bound = sa.literal(float(value), sa.Double)  # type: ignore[arg-type]
    ops = {">=": value_expr >= bound, "<=": value_expr <= bound, ">": value_expr > bound,
           "<": value_expr < bound, "=": value_expr == bound}
    if cond.op not in ops:
        raise ValueError(f"unknown condition operator {cond.op!r}")
    return sa.and_(value_expr.is_not(None), ops[cond.op])


def row_value(src: Source, calc: Simple, settings: Settings) -> ColumnElement:
    """What one fact row contributes to a simple metric (summed per group)."""
    conds = [condition(src, c, settings) for c in calc.where]
    if calc.agg == "count":
        return sa.case((sa.and_(*conds), ONE), else_=ZERO) if conds else ONE
    if calc.measure is None:
        raise ValueError("a sum needs a measure")
    value = measure_value(src, calc.measure)
    if not is_money(value):  # money stays DECIMAL until summed (see sum_of): sums exact to the cent
        value = sa.cast(value, sa.Double)
    return sa.case((sa.and_(*conds), value), else_=sa.null()) if conds else value


def is_money(expr: ColumnElement) -> bool:
    """A money expression (a DECIMAL column, kpi_engine.schema.MONEY, or a sum or CASE of one)."""
    return isinstance(expr.type, schema.Money)


def sum_of(value: ColumnElement) -> ColumnElement:
    """SUM of a row value: money adds up exactly in DECIMAL and leaves as DOUBLE, like every figure compiled here
    (the database returns a DECIMAL sum as Python Decimal, which float arithmetic refuses)."""
    total = sa.func.sum(value)
    return sa.cast(total, sa.Double) if is_money(value) else total


def period_of(column: ColumnElement, grain: str) -> ColumnElement:
    """First day of the ``grain`` period of ``column`` (a DATE), via date_trunc on a timestamp."""
    periods.check_grain(grain)  # whitelisted, so it can be a literal (PostgreSQL needs it one to group by)
    return sa.cast(sa.func.date_trunc(sa.literal_column(f"'{grain}'"), as_timestamp(column)), sa.Date)


def date_filter(column: sa.Column, start: dt.date | None, end: dt.date | None) -> list[ColumnElement]:
    """``[start, end]`` inclusive by day on a DATE or TIMESTAMP column, as bound parameters."""
    out: list[ColumnElement] = [column.is_not(None)]
    is_ts = isinstance(column.type, sa.DateTime)
    if start is not None:
        lo = dt.datetime.combine(start, dt.time()) if is_ts else start
        out.append(column >= sa.literal(lo, column.type))
    if end is not None:
        if is_ts:
            out.append(column < sa.literal(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), column.type))
        else:
            out.append(column <= sa.literal(end, column.type))
    return out


class Source:
    """A fact table plus the LEFT JOINs its scope keys and lookups need (one alias per hop)."""

    def __init__(self, table_name: str, paths: Mapping[str, ScopePath], name: str, table: sa.Table | None = None) -> None:
        self.name = table_name
        self.table = schema.UPLOAD_TABLES[table_name] if table is None else table
        self.paths = paths
        self.from_: sa.FromClause = self.table
        self._prefix = name
        self._joined: dict[ScopePath, ColumnElement] = {}
        self._keys: dict[str, ColumnElement] = {}

    @classmethod
    def fact(cls, fact: str, name: str) -> Source:
        if fact not in SCOPE_PATHS:
            raise ValueError(f"no scope paths declared for fact {fact!r}")
        return cls(fact, SCOPE_PATHS[fact], name)

    @classmethod
    def for_group(cls, group: Group, name: str) -> Source:
        """The fact, or its daily rollup (same scope paths: the rollup keeps the columns they start from)."""
        fact, event, rolled = group
        if not rolled:
            return cls.fact(fact, name)
        return cls(fact, SCOPE_PATHS[fact], name, ROLLUPS[(fact, event)].table)

    def event(self, group: Group) -> sa.Column:
        return self.table.c["day" if group[2] else group[1]]

    def value(self, group: Group, metric: Metric, settings: Settings) -> ColumnElement:
        """What one row contributes: the fact row's value, or the rollup's daily sum."""
        return self.table.c[metric.id] if group[2] else row_value(self, metric.calc, settings)  # type: ignore[arg-type]

    def follow(self, path: ScopePath) -> ColumnElement:
        """The value at the end of ``path`` (fallback not applied), joining what it needs once."""
        bare = ScopePath(path.column, path.hops)
        if bare not in self._joined:
            current: ColumnElement = self.table.c[path.column]
            for dim_name, column in path.hops:
                dim = schema.UPLOAD_TABLES[dim_name]
                alias = dim.alias(f"{self._prefix}_j{len(self._joined)}_{dim_name}")
                (pk,) = schema.key_columns(dim)
                self.from_ = self.from_.outerjoin(alias, alias.c[pk] == current)
                current = alias.c[column]
            self._joined[bare] = current
        return self._joined[bare]

    def key(self, scope: str) -> ColumnElement:
        """The scope key of each row, ``''`` when it has none."""
        if scope not in self._keys:
            path = self.paths.get(scope)
            if path is None:
                raise ValueError(f"metrics on {self.name} cannot be broken down by {scope}")
            values = [self.follow(path)]
            while path.fallback is not None:
                path = path.fallback
                values.append(self.follow(path))
            self._keys[scope] = sa.func.coalesce(*values, EMPTY)
        return self._keys[scope]
