"""Metric declarations -> SQL: the only place metric SQL is built.

A :class:`Request` (metrics, scopes to break down by, grain, date range, scope
filters) becomes one SQLAlchemy Core ``SELECT`` that runs on DuckDB and
PostgreSQL alike:

1. The simple metrics the request needs (directly or through ratios) are
   grouped by (fact table, event column). Each group is one aggregate
   subquery: rows of the fact filtered on the event column (``[start, end]``
   inclusive by day, bound parameters), their scope keys (``''`` for "none",
   reached through LEFT JOINs on primary keys, so a fact row is never counted
   twice) and period start (``date_trunc``; ISO weeks start on Monday on both
   backends), summed per (keys, period).
2. The key rows are the union of every aggregate's keys (so a channel with
   spend but no leads still appears), or, when ``periods`` is given, every
   listed period (for every scope key found): empty periods then show zeros.
3. Every aggregate is LEFT JOINed to the keys; simple metrics become
   ``COALESCE(x, 0)``; ratios and derived metrics are expressions over them,
   where every division goes through :func:`safe_divide`.

Identifiers come only from ``kpi_engine.schema`` and the registry; values
(dates, thresholds, scope ids) are bound parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from kpi_engine import periods, schema
from kpi_engine.metrics import registry
from kpi_engine.metrics.registry import Col, Cond, Const, Derived, Measure, Metric, Op, Ratio, Ref, Simple
from kpi_engine.settings import Settings, get_settings

SCOPES: tuple[str, ...] = ("team", "channel", "person", "campaign")
KEY_COLUMNS: dict[str, str] = {"team": "team", "channel": "channel_id", "person": "person_id", "campaign": "campaign_id"}

_ZERO = sa.literal_column("0")
_ONE = sa.literal_column("1")
_EMPTY = sa.literal_column("''")


@dataclass(frozen=True)
class ScopePath:
    """How a fact row reaches a scope key: a column of the fact, then LEFT JOINs by primary key.

    ``ScopePath("campaign_id", (("campaigns", "owner_id"), ("people", "team")))`` reads the
    spend row's campaign, that campaign's owner, and that person's team.
    """

    column: str
    hops: tuple[tuple[str, str], ...] = ()


# Which scope key each fact belongs to (first-touch for leads; campaign owner for spend).
SCOPE_PATHS: dict[str, dict[str, ScopePath]] = {
    "leads": {
        "channel": ScopePath("channel_id"),
        "campaign": ScopePath("campaign_id"),
        "person": ScopePath("owner_id"),
        "team": ScopePath("owner_id", (("people", "team"),)),
    },
    "spend": {
        "channel": ScopePath("channel_id"),
        "campaign": ScopePath("campaign_id"),
        "person": ScopePath("campaign_id", (("campaigns", "owner_id"),)),
        "team": ScopePath("campaign_id", (("campaigns", "owner_id"), ("people", "team"))),
    },
}


@dataclass(frozen=True)
class Request:
    """What to compute. Build it with :func:`make_request`, which checks every part.

    ``by``: scopes to break down by (empty: the whole department); ``grain``: None for
    one value over the range; ``start``/``end``: inclusive days, None for open;
    ``where``: scope filters ((scope, allowed ids), ...); ``periods``: period starts to
    show even without data (None: only periods with data).
    """

    metrics: tuple[str, ...]
    by: tuple[str, ...] = ()
    grain: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    periods: tuple[dt.date, ...] | None = None


def normalize_by(by: str | Sequence[str] | None) -> tuple[str, ...]:
    """Scopes from ``None``/``"all"``/``""`` (department), ``"channel"``, ``"person,channel"`` or a sequence."""
    if by is None:
        return ()
    items = by.split(",") if isinstance(by, str) else list(by)
    scopes = tuple(dict.fromkeys(s.strip() for s in items if s and s.strip() and s.strip() != "all"))
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise ValueError(f"unknown scope {', '.join(bad)}; use one of: {', '.join(SCOPES)}")
    return scopes


def make_request(metrics: Sequence[str], *, by: str | Sequence[str] | None = None, grain: str | None = None,
                 start: dt.date | None = None, end: dt.date | None = None,
                 where: Mapping[str, str | Sequence[str]] | None = None,
                 periods_: Sequence[dt.date] | None = None) -> Request:
    """A checked :class:`Request`; ``ValueError`` with a clear message for any bad part."""
    ids = registry.validate_ids(metrics.split(",") if isinstance(metrics, str) else list(metrics))
    if grain is not None:
        periods.check_grain(grain)
    if start is not None and end is not None and end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    filters: list[tuple[str, tuple[str, ...]]] = []
    for scope, values in (where or {}).items():
        normalize_by(scope)
        vals = (values,) if isinstance(values, str) else tuple(values)
        filters.append((scope, tuple(str(v) for v in vals)))
    if periods_ is not None and not periods_:
        raise ValueError("periods must list at least one period start")
    return Request(tuple(ids), normalize_by(by), grain, start, end, tuple(filters),
                   tuple(periods_) if periods_ is not None else None)


# --- Expressions ---------------------------------------------------------------------


def safe_divide(numerator: ColumnElement, denominator: ColumnElement) -> ColumnElement:
    """``numerator / NULLIF(denominator, 0)`` as floats: a zero denominator gives NULL, never inf or 0."""
    return sa.cast(numerator, sa.Double) / sa.func.nullif(sa.cast(denominator, sa.Double), _ZERO)


def _measure(table: sa.Table, measure: Measure) -> ColumnElement:
    if isinstance(measure, Col):
        return table.c[measure.name]
    start, end = table.c[measure.start], table.c[measure.end]
    seconds = sa.cast(sa.extract("epoch", end) - sa.extract("epoch", start), sa.Double)
    return seconds / sa.cast(sa.literal_column("3600"), sa.Double)


def _condition(table: sa.Table, cond: Cond, settings: Settings) -> ColumnElement:
    value_expr = _measure(table, cond.measure)
    if cond.op == "not_null":
        return value_expr.is_not(None)
    value = getattr(settings, cond.setting) if cond.setting else cond.value
    bound = sa.literal(float(value), sa.Double)  # type: ignore[arg-type]
    ops = {">=": value_expr >= bound, "<=": value_expr <= bound, ">": value_expr > bound,
           "<": value_expr < bound, "=": value_expr == bound}
    if cond.op not in ops:
        raise ValueError(f"unknown condition operator {cond.op!r}")
    return sa.and_(value_expr.is_not(None), ops[cond.op])


def _row_value(table: sa.Table, calc: Simple, settings: Settings) -> ColumnElement:
    """What one fact row contributes to a simple metric (summed per group)."""
    conds = [_condition(table, c, settings) for c in calc.where]
    if calc.agg == "count":
        return sa.case((sa.and_(*conds), _ONE), else_=_ZERO) if conds else _ONE
    if calc.measure is None:
        raise ValueError("a sum needs a measure")
    value = sa.cast(_measure(table, calc.measure), sa.Double)
    return sa.case((sa.and_(*conds), value), else_=sa.null()) if conds else value


def _period(column: sa.Column, grain: str) -> ColumnElement:
    """First day of the ``grain`` period of ``column`` (a DATE), via date_trunc on a timestamp."""
    periods.check_grain(grain)  # whitelisted, so it can be a literal (PostgreSQL needs it one to group by)
    ts = column if isinstance(column.type, sa.DateTime) else sa.cast(column, sa.DateTime)
    return sa.cast(sa.func.date_trunc(sa.literal_column(f"'{grain}'"), ts), sa.Date)


def _date_filter(column: sa.Column, start: dt.date | None, end: dt.date | None) -> list[ColumnElement]:
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


class _FactFrom:
    """A fact table plus the LEFT JOINs its scope keys need (one alias per hop)."""

    def __init__(self, fact: str, name: str) -> None:
        if fact not in SCOPE_PATHS:
            raise ValueError(f"no scope paths declared for fact {fact!r}")
        self.fact = fact
        self.table = schema.UPLOAD_TABLES[fact]
        self.from_: sa.FromClause = self.table
        self._name = name
        self._keys: dict[str, ColumnElement] = {}

    def key(self, scope: str) -> ColumnElement:
        """The scope key of each row, ``''`` when it has none."""
        if scope not in self._keys:
            path = SCOPE_PATHS[self.fact].get(scope)
            if path is None:
                raise ValueError(f"metrics on {self.fact} cannot be broken down by {scope}")
            current: ColumnElement = self.table.c[path.column]
            for i, (dim_name, column) in enumerate(path.hops):
                dim = schema.UPLOAD_TABLES[dim_name]
                alias = dim.alias(f"{self._name}_{scope}_{i}")
                (pk,) = schema.key_columns(dim)
                self.from_ = self.from_.outerjoin(alias, alias.c[pk] == current)
                current = alias.c[column]
            self._keys[scope] = sa.func.coalesce(current, _EMPTY)
        return self._keys[scope]


def _aggregate(fact: str, event: str, metrics: list[Metric], req: Request, settings: Settings,
               name: str) -> sa.CTE:
    """One fact/event group: SUM of each metric's row value per (scope keys, period)."""
    src = _FactFrom(fact, name)
    ev = src.table.c[event]
    cols: list[ColumnElement] = [src.key(scope).label(f"k{i}") for i, scope in enumerate(req.by)]
    if req.grain:
        cols.append(_period(ev, req.grain).label("period_start"))
    cols += [_row_value(src.table, m.calc, settings).label(m.id) for m in metrics]  # type: ignore[arg-type]
    conds = _date_filter(ev, req.start, req.end)
    conds += [src.key(scope).in_(values) for scope, values in req.where]
    rows = sa.select(*cols).select_from(src.from_).where(*conds).subquery(f"{name}_rows")
    group = [rows.c[k] for k in _key_names(req)]
    sums = [sa.func.sum(rows.c[m.id]).label(m.id) for m in metrics]
    return sa.select(*group, *sums).group_by(*group).cte(name)  # a CTE: computed once, read by keys and join


def _key_names(req: Request) -> list[str]:
    return [f"k{i}" for i in range(len(req.by))] + (["period_start"] if req.grain else [])


def _groups(req: Request) -> dict[tuple[str, str], list[Metric]]:
    out: dict[tuple[str, str], list[Metric]] = {}
    for m in registry.simple_closure(req.metrics):
        calc = m.calc
        assert isinstance(calc, Simple)
        out.setdefault((calc.fact, calc.event), []).append(m)
    return out


def _keys(aggs: list[sa.CTE], req: Request) -> sa.Subquery:
    """Key rows: every (scope keys, period) any aggregate has, or scope keys × the listed periods."""
    scope_names = [f"k{i}" for i in range(len(req.by))]
    names = scope_names if req.periods is not None else _key_names(req)
    found: sa.Subquery | None = None
    if names:
        selects = [sa.select(*(a.c[n] for n in names)) for a in aggs]
        found = (sa.union(*selects) if len(selects) > 1 else selects[0].distinct()).subquery("found_keys")
    if req.periods is None:
        assert found is not None
        return found
    values = sa.values(sa.column("period_start", sa.Date), name="period_list").data([(p,) for p in req.periods])
    if found is None:
        return sa.select(values.c.period_start).subquery("keys")
    cols = [found.c[n] for n in scope_names]
    return sa.select(*cols, values.c.period_start).select_from(found.join(values, sa.true())).subquery("keys")


def compile_request(req: Request, settings: Settings | None = None) -> sa.Select:
    """The SELECT for ``req``: key columns (channel_id, ...), ``period_start`` if a grain, one column per metric."""
    settings = settings or get_settings()
    groups = _groups(req)
    aggs = [_aggregate(fact, event, ms, req, settings, f"agg{i}") for i, ((fact, event), ms) in enumerate(groups.items())]
    value_of: dict[str, ColumnElement] = {}
    for agg, ms in zip(aggs, groups.values(), strict=True):
        for m in ms:
            value_of[m.id] = sa.func.coalesce(agg.c[m.id], _ZERO)

    names = _key_names(req)
    if not names:  # each aggregate is exactly one row
        from_: sa.FromClause = aggs[0]
        for agg in aggs[1:]:
            from_ = from_.join(agg, sa.true())
        key_cols: list[ColumnElement] = []
    else:
        keys = _keys(aggs, req)
        from_ = keys
        for agg in aggs:
            from_ = from_.outerjoin(agg, sa.and_(*(agg.c[n] == keys.c[n] for n in names)))
        key_cols = [keys.c[f"k{i}"].label(KEY_COLUMNS[s]) for i, s in enumerate(req.by)]
        if req.grain:
            key_cols.append(keys.c.period_start.label("period_start"))

    def value(metric_id: str) -> ColumnElement:
        if metric_id not in value_of:
            calc = registry.METRICS[metric_id].calc
            if isinstance(calc, Ratio):
                expr = safe_divide(value(calc.numerator), value(calc.denominator))
                if calc.multiplier != 1.0:
                    expr = expr * sa.literal(calc.multiplier, sa.Double)
                value_of[metric_id] = expr
            elif isinstance(calc, Derived):
                value_of[metric_id] = _expression(calc.expr, value)
            else:  # pragma: no cover - simple metrics are all in value_of
                raise ValueError(f"cannot compile {metric_id!r}")
        return value_of[metric_id]

    metric_cols = [value(mid).label(mid) for mid in req.metrics]
    return sa.select(*key_cols, *metric_cols).select_from(from_)


def _expression(expr: registry.Expr, value: Callable[[str], ColumnElement]) -> ColumnElement:
    if isinstance(expr, Ref):
        return value(expr.metric)
    if isinstance(expr, Const):
        return sa.literal(expr.value, sa.Double)
    left, right = _expression(expr.left, value), _expression(expr.right, value)
    assert isinstance(expr, Op)
    if expr.op == "/":
        return safe_divide(left, right)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    raise ValueError(f"unknown operator {expr.op!r}")


def compile_event_bounds(req: Request) -> sa.Select:
    """SELECT (lo, hi): first and last event timestamp of the facts ``req`` reads, within its range and filters."""
    parts = []
    for i, (fact, event) in enumerate(_groups(req)):
        src = _FactFrom(fact, f"bounds{i}")
        ev = src.table.c[event]
        ts = ev if isinstance(ev.type, sa.DateTime) else sa.cast(ev, sa.DateTime)
        conds = _date_filter(ev, req.start, req.end) + [src.key(s).in_(v) for s, v in req.where]
        parts.append(sa.select(sa.func.min(ts).label("lo"), sa.func.max(ts).label("hi"))
                     .select_from(src.from_).where(*conds))
    both = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("bounds")
    return sa.select(sa.func.min(both.c.lo).label("lo"), sa.func.max(both.c.hi).label("hi"))
