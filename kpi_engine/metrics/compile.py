"""Metric declarations -> SQL: the only place metric SQL is built.

A :class:`Request` (metrics, scopes to break down by, grain, date range, scope
filters) becomes one SQLAlchemy Core ``SELECT`` that runs on DuckDB and
PostgreSQL alike:

1. The simple metrics the request needs (directly or through ratios) are
   grouped by (fact table, event column). Each group is one aggregate
   subquery: rows of the fact filtered on the event column (``[start, end]``
   inclusive by day, bound parameters), their scope keys (``''`` for "none",
   reached through LEFT JOINs on primary keys, see ``scopes.py``, so a fact row is
   never counted twice) and period start (``date_trunc``; ISO weeks start on
   Monday on both backends), summed per (keys, period).
2. Each manual metric is one aggregate over ``metric_values``: the rows of the
   scope type that answers the request, whose own period fits the requested one,
   a longer reported period replacing the shorter ones that overlap it, combined over
   time by the metric's aggregation (sum, average, last), then across scope ids.
3. The key rows are the union of every aggregate's keys (so a channel with
   spend but no leads still appears), or, when ``periods`` is given, every
   listed period (for every scope key found): empty periods then show zeros.
4. Windows (a simple metric summed from the start of the data, or over trailing
   months, up to the start or the end of each period) read per-day sums of their
   fact (one per fact and event, shared by its windows). Without a grain their
   bounds are dates worked out here; with a grain each key row's period bounds
   are joined to the per-day sums.
5. Every aggregate is LEFT JOINed to the keys; simple metrics become
   ``COALESCE(x, 0)``, manual ones stay NULL where nothing was reported; ratios
   and derived metrics are expressions over them, where every division goes
   through :func:`safe_divide`.

Identifiers come only from ``kpi_engine.schema``, the registry and whitelists
(grains, interval units); values (dates, thresholds, settings, scope ids) are
bound parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from kpi_engine import periods, schema
from kpi_engine.metrics import registry
from kpi_engine.metrics.fact_sql import (
    GRAIN_INTERVAL,
    ZERO,
    Group,
    Source,
    as_timestamp,
    date_filter,
    interval,
    months,
    period_of,
    safe_divide,
    sum_of,
)
from kpi_engine.metrics.registry import (
    Const,
    Derived,
    Manual,
    Metric,
    Op,
    Ratio,
    Ref,
    Setting,
    Simple,
    Window,
)
from kpi_engine.metrics.request import Request, make_request, normalize_by
from kpi_engine.metrics.scopes import KEY_COLUMNS, MANUAL_PATHS, SCOPE_PATHS, SCOPES, ScopePath, manual_scope_type
from kpi_engine.rollups.tables import rollup_for, setting_names, setting_token
from kpi_engine.settings import Settings, in_force

__all__ = ["KEY_COLUMNS", "SCOPES", "SCOPE_PATHS", "Request", "ScopePath", "compile_event_bounds", "compile_request",
           "make_request", "normalize_by", "safe_divide"]

# --- Aggregates ------------------------------------------------------------------------------


def _key_names(req: Request) -> list[str]:
    return [f"k{i}" for i in range(len(req.by))] + (["period_start"] if req.grain else [])


def _aggregate(group: Group, metrics: list[Metric], req: Request, settings: Settings, name: str) -> sa.CTE:
    """One fact/event group: SUM of each metric's row value per (scope keys, period)."""
    src = Source.for_group(group, name)
    ev = src.event(group)
    cols: list[ColumnElement] = [src.key(scope).label(f"k{i}") for i, scope in enumerate(req.by)]
    if req.grain:
        cols.append(period_of(ev, req.grain).label("period_start"))
    cols += [src.value(group, m, settings).label(m.id) for m in metrics]
    conds = date_filter(ev, req.start, req.end) + [src.key(scope).in_(values) for scope, values in req.where]
    rows = sa.select(*cols).select_from(src.from_).where(*conds).subquery(f"{name}_rows")
    key_cols = [rows.c[k] for k in _key_names(req)]
    sums = [sum_of(rows.c[m.id]).label(m.id) for m in metrics]
    return sa.select(*key_cols, *sums).group_by(*key_cols).cte(name)  # a CTE: computed once, read by keys and join


def _group_of(m: Metric, rollups: frozenset[str]) -> Group:
    calc = m.calc
    assert isinstance(calc, Simple)
    rolled = calc.fact in rollups and rollup_for(m) is not None  # settings-dependent: built with these settings?
    return (calc.fact, calc.event, rolled and (not setting_names(m) or setting_token(m.id) in rollups))


def _groups(req: Request, rollups: frozenset[str] = frozenset()) -> dict[Group, list[Metric]]:
    """Simple metrics by fact, event and source; ``rollups``: the facts whose daily rollups may be read."""
    out: dict[Group, list[Metric]] = {}
    for m in registry.simple_closure(req.metrics):
        out.setdefault(_group_of(m, rollups), []).append(m)
    return out


def _manual_aggregate(metrics: list[Metric], req: Request, name: str) -> sa.CTE:
    """Reported values of the manual ``metrics`` per (scope keys, period), one column each; see step 2 above."""
    mv = schema.metric_values
    touched = tuple(dict.fromkeys([*req.by, *(s for s, _ in req.where)]))
    scope_type = manual_scope_type(touched)
    src = Source("metric_values", MANUAL_PATHS[scope_type], name)
    start_ts = as_timestamp(mv.c.period_start)
    grains = periods.GRAINS
    end_excl = sa.case(*((mv.c.grain == sa.literal(g), start_ts + interval(GRAIN_INTERVAL[g])) for g in grains),
                       else_=sa.null())
    rank = sa.case(*((mv.c.grain == sa.literal(g), sa.literal_column(str(i))) for i, g in enumerate(grains)),
                   else_=sa.literal_column("-1"))
    sources = list(dict.fromkeys(m.source_id for m in metrics))
    conds = [mv.c.metric_id.in_(sources), mv.c.scope_type == sa.literal(scope_type),
             *date_filter(mv.c.period_start, req.start, req.end),
             *(src.key(scope).in_(values) for scope, values in req.where)]
    if not touched:
        conds.append(mv.c.scope_id == sa.literal(""))  # the department's own value
    elif scope_type == "team":
        conds.append(mv.c.scope_id != sa.literal(""))
    keys = _key_names(req)
    cols: list[ColumnElement] = [src.key(scope).label(f"k{i}") for i, scope in enumerate(req.by)]
    if req.grain:
        trunc: ColumnElement = sa.literal_column(f"'{req.grain}'")
        conds += [end_excl.is_not(None),
                  sa.func.date_trunc(trunc, start_ts) == sa.func.date_trunc(trunc, end_excl - interval("1 day"))]
        cols.append(period_of(mv.c.period_start, req.grain).label("period_start"))
    cols += [mv.c.metric_id.label("mid"), mv.c.scope_id.label("sid"), start_ts.label("p"), end_excl.label("pe"),
             rank.label("rk"), sa.cast(mv.c.value, sa.Double).label("v")]
    cand = sa.select(*cols).select_from(src.from_).where(*conds).cte(f"{name}_cand")
    # a value reported for a longer period replaces those for shorter periods that overlap it
    mine, longer = cand.alias(f"{name}_mine"), cand.alias(f"{name}_longer")
    covered = [longer.c.mid == mine.c.mid, longer.c.sid == mine.c.sid, longer.c.rk > mine.c.rk,
               longer.c.p < mine.c.pe, longer.c.pe > mine.c.p]
    if req.grain:
        covered.append(longer.c.period_start == mine.c.period_start)
    order = sa.func.row_number().over(partition_by=[*(mine.c[k] for k in keys), mine.c.mid, mine.c.sid],
                                      order_by=[mine.c.p.desc(), mine.c.rk.desc()])
    kept = (sa.select(*(mine.c[k] for k in keys), mine.c.mid, mine.c.sid, mine.c.v, order.label("rn"))
            .select_from(mine.outerjoin(longer, sa.and_(*covered))).where(longer.c.sid.is_(None))
            .subquery(f"{name}_kept"))
    # over time, per scope id: every aggregation; each metric then picks its own
    group = [kept.c[k] for k in keys]
    per_scope = sa.select(*group, kept.c.mid, kept.c.sid, sa.func.sum(kept.c.v).label("t_sum"),
                          sa.func.avg(kept.c.v).label("t_average"),
                          sa.func.max(sa.case((kept.c.rn == 1, kept.c.v), else_=sa.null())).label("t_last"),
                          ).group_by(*group, kept.c.mid, kept.c.sid).subquery(f"{name}_sid")
    out = []
    for m in metrics:
        calc = m.calc
        assert isinstance(calc, Manual)
        mine_only = sa.case((per_scope.c.mid == sa.literal(m.source_id), per_scope.c[f"t_{calc.agg}"]), else_=sa.null())
        out.append((sa.func.sum(mine_only) if calc.additive else sa.func.avg(mine_only)).label(m.id))  # across scopes
    group = [per_scope.c[k] for k in keys]
    return sa.select(*group, *out).group_by(*group).cte(name)


# --- Windows -----------------------------------------------------------------------------------


def _window_groups(windows: list[Window], rollups: frozenset[str]) -> dict[Group, list[Window]]:
    """Windows by the (fact, event, source) of the simple metric they sum: one join (or scan) per group."""
    out: dict[Group, list[Window]] = {}
    for w in windows:
        out.setdefault(_group_of(registry.METRICS[w.metric], rollups), []).append(w)
    return out


def _daily(group: Group, metrics: list[Metric], req: Request, settings: Settings, name: str) -> sa.CTE:
    """Per-day sums of ``metrics`` per scope keys, up to the end of the range."""
    src = Source.for_group(group, name)
    ev = src.event(group)
    keys = [src.key(scope).label(f"k{i}") for i, scope in enumerate(req.by)]
    day = (ev if group[2] else sa.cast(ev, sa.Date)).label("day")
    values = [src.value(group, m, settings).label(m.id) for m in metrics]
    conds = date_filter(ev, None, req.end) + [src.key(scope).in_(v) for scope, v in req.where]
    rows = sa.select(*keys, day, *values).select_from(src.from_).where(*conds).subquery(f"{name}_rows")
    key_cols = [rows.c[f"k{i}"] for i in range(len(req.by))] + [rows.c.day]
    return sa.select(*key_cols, *(sum_of(rows.c[m.id]).label(m.id) for m in metrics)).group_by(*key_cols).cte(name)


def _window_sum(daily: sa.CTE, w: Window, lo: ColumnElement | None, hi: ColumnElement | None) -> ColumnElement:
    conds = ([daily.c.day >= lo] if lo is not None else []) + ([daily.c.day < hi] if hi is not None else [])
    value = daily.c[w.metric]
    return sa.func.sum(sa.case((sa.and_(*conds), value), else_=sa.null()) if conds else value)


def _flat_windows(windows: list[Window], daily: sa.CTE, req: Request, name: str) -> sa.CTE:
    """Windows without a grain: the anchor is the range start, or the day after its end (None: open).

    Columns ``w0``, ``w1`` ... in the order of ``windows``, per scope keys (one row without ``by``).
    """
    sums, reach = [], []
    for i, w in enumerate(windows):
        point = req.start if w.anchor == "start" else (req.end + dt.timedelta(days=1) if req.end else None)
        if point is None and (w.anchor == "start" or w.months is not None):
            # before the start of time (or a trailing window after its end): nothing; still an aggregate
            sums.append(sa.func.max(sa.cast(sa.null(), sa.Double)).label(f"w{i}"))
            continue
        hi = sa.literal(periods.shift_months(point, -w.skip_months), sa.Date) if point is not None else None
        lo = sa.literal(periods.shift_months(point, -w.months), sa.Date) if w.months is not None and point else None
        sums.append(_window_sum(daily, w, lo, hi).label(f"w{i}"))
        bounds = ([daily.c.day >= lo] if lo is not None else []) + ([daily.c.day < hi] if hi is not None else [])
        reach.append(sa.and_(*bounds) if bounds else sa.true())
    keys = [daily.c[f"k{i}"] for i in range(len(req.by))]
    where = sa.or_(*reach) if reach else sa.false()  # the rows any window reaches: its scope keys are rows
    return sa.select(*keys, *sums).where(where).group_by(*keys).cte(name)


def _anchors(keys: sa.CTE, req: Request) -> sa.CTE:
    """Each key row with its period's first moment (``a_start``) and the moment after it (``a_end``), clipped to the range."""
    assert req.grain
    begin = sa.cast(keys.c.period_start, sa.DateTime)
    a_start: ColumnElement = begin
    a_end: ColumnElement = begin + interval(GRAIN_INTERVAL[req.grain])
    if req.start is not None:
        a_start = sa.func.greatest(a_start, sa.literal(dt.datetime.combine(req.start, dt.time()), sa.DateTime))
    if req.end is not None:
        a_end = sa.func.least(a_end, sa.literal(dt.datetime.combine(req.end + dt.timedelta(days=1), dt.time()),
                                                sa.DateTime))
    names = _key_names(req)
    return sa.select(*(keys.c[n] for n in names), a_start.label("a_start"), a_end.label("a_end")).cte("anchors")


def _grain_windows(windows: list[Window], daily: sa.CTE, anchors: sa.CTE, req: Request, name: str) -> sa.CTE:
    """Window sums per key row (columns ``w0``, ``w1`` ...): per-day sums joined to each row's period bounds."""
    sums, lows = [], []
    for i, w in enumerate(windows):
        point = anchors.c.a_start if w.anchor == "start" else anchors.c.a_end
        hi = point - months(w.skip_months) if w.skip_months else point
        lo = point - months(w.months) if w.months is not None else None
        sums.append(_window_sum(daily, w, lo, hi).label(f"w{i}"))
        lows.append(lo)
    on = [daily.c[f"k{i}"] == anchors.c[f"k{i}"] for i in range(len(req.by))]
    on.append(daily.c.day < anchors.c.a_end)  # no window reaches past the period end
    if all(lo is not None for lo in lows):
        on.append(sa.or_(*(daily.c.day >= lo for lo in lows)))
    names = [anchors.c[n] for n in _key_names(req)]
    return sa.select(*names, *sums).select_from(anchors.join(daily, sa.and_(*on))).group_by(*names).cte(name)


# --- The whole request --------------------------------------------------------------------------


def _keys(aggs: list[sa.CTE], req: Request) -> sa.CTE:
    """Key rows: every (scope keys, period) any aggregate has, or scope keys × the listed periods."""
    scope_names = [f"k{i}" for i in range(len(req.by))]
    names = scope_names if req.periods is not None else _key_names(req)
    found: sa.Subquery | None = None
    if names:
        selects = [sa.select(*(a.c[n] for n in names)) for a in aggs if all(n in a.c for n in names)]
        found = (sa.union(*selects) if len(selects) > 1 else selects[0].distinct()).subquery("found_keys")
    if req.periods is None:
        assert found is not None
        return sa.select(*(found.c[n] for n in names)).cte("key_rows")
    values = sa.values(sa.column("period_start", sa.Date), name="period_list").data([(p,) for p in req.periods])
    if found is None:
        return sa.select(values.c.period_start).cte("key_rows")
    cols = [found.c[n] for n in scope_names]
    return sa.select(*cols, values.c.period_start).select_from(found.join(values, sa.true())).cte("key_rows")


def compile_request(req: Request, settings: Settings | None = None, rollups: frozenset[str] = frozenset()) -> sa.Select:
    """The SELECT for ``req``: key columns (channel_id, ...), ``period_start`` if a grain, one column per metric.

    ``rollups``: the facts whose daily rollups hold what the facts hold (``kpi_engine.rollups.usable``); a simple
    metric that adds up over a rollup's grain is then summed from it instead of the fact rows.
    """
    settings = in_force(settings)
    groups = _groups(req, rollups)
    aggs = [_aggregate(group, ms, req, settings, f"agg{i}") for i, (group, ms) in enumerate(groups.items())]
    value_of: dict[str, ColumnElement] = {}
    for agg, ms in zip(aggs, groups.values(), strict=True):
        for m in ms:
            value_of[m.id] = sa.func.coalesce(agg.c[m.id], ZERO)
    manual = registry.manual_closure(req.metrics)
    if manual:
        agg = _manual_aggregate(manual, req, "manual")
        aggs.append(agg)
        value_of.update((m.id, agg.c[m.id]) for m in manual)  # NULL where nothing was reported

    window_of: dict[Window, ColumnElement] = {}
    window_groups = _window_groups(registry.windows_needed(req.metrics), rollups)
    daily_of = {fe: _daily(fe, list(dict.fromkeys(registry.METRICS[w.metric] for w in ws)), req, settings, f"day{i}")
                for i, (fe, ws) in enumerate(window_groups.items())}
    if not req.grain:
        for i, (fe, ws) in enumerate(window_groups.items()):
            agg = _flat_windows(ws, daily_of[fe], req, f"win{i}")
            aggs.append(agg)  # without a grain, the scopes a window reaches are key rows too
            window_of.update((w, sa.func.coalesce(agg.c[f"w{j}"], ZERO)) for j, w in enumerate(ws))

    names = _key_names(req)
    if not names:  # each aggregate is exactly one row
        from_: sa.FromClause = aggs[0]
        for agg in aggs[1:]:
            from_ = from_.join(agg, sa.true())
        key_cols: list[ColumnElement] = []
    else:
        keys = _keys(aggs, req)
        if req.grain and window_groups:
            anchors = _anchors(keys, req)
            for i, (fe, ws) in enumerate(window_groups.items()):
                agg = _grain_windows(ws, daily_of[fe], anchors, req, f"win{i}")
                aggs.append(agg)
                window_of.update((w, sa.func.coalesce(agg.c[f"w{j}"], ZERO)) for j, w in enumerate(ws))
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
                numerator = value(calc.numerator)
                if calc.numerator_required:  # no spend: no cost per lead (never ¥0)
                    numerator = sa.func.nullif(sa.cast(numerator, sa.Double), ZERO)
                expr = safe_divide(numerator, value(calc.denominator))
                if calc.multiplier != 1.0:
                    expr = expr * sa.literal(calc.multiplier, sa.Double)
                value_of[metric_id] = expr
            elif isinstance(calc, Derived):
                value_of[metric_id] = _expression(calc.expr, value, window_of, settings)
            else:  # pragma: no cover - simple and manual metrics are all in value_of
                raise ValueError(f"cannot compile {metric_id!r}")
        return value_of[metric_id]

    metric_cols = [value(mid).label(mid) for mid in req.metrics]
    return sa.select(*key_cols, *metric_cols).select_from(from_)


def _expression(expr: registry.Expr, value: Callable[[str], ColumnElement], window_of: Mapping[Window, ColumnElement],
                settings: Settings) -> ColumnElement:
    if isinstance(expr, Ref):
        return value(expr.metric)
    if isinstance(expr, Const):
        return sa.literal(expr.value, sa.Double)
    if isinstance(expr, Setting):
        return sa.literal(float(getattr(settings, expr.name)), sa.Double)
    if isinstance(expr, Window):
        return window_of[expr]
    assert isinstance(expr, Op)
    left = _expression(expr.left, value, window_of, settings)
    right = _expression(expr.right, value, window_of, settings)
    if expr.op == "/":
        return safe_divide(left, right)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    if expr.op == "least":  # NULL when either is NULL, on every backend
        return sa.case((sa.or_(left.is_(None), right.is_(None)), sa.null()), (left <= right, left), else_=right)
    if expr.op == "greatest":
        return sa.case((sa.or_(left.is_(None), right.is_(None)), sa.null()), (left >= right, left), else_=right)
    if expr.op == "coalesce":
        return sa.func.coalesce(left, right)
    raise ValueError(f"unknown operator {expr.op!r}")


def compile_event_bounds(req: Request, rollups: frozenset[str] = frozenset()) -> sa.Select:
    """SELECT (lo, hi): first and last event timestamp of the facts ``req`` reads, within its range and filters.

    Manual metrics count by the start of their reported periods (scope filters not applied). Read from a
    rollup, the bounds are the first and last event day (midnight).
    """
    parts = []
    for i, group in enumerate(_groups(req, rollups)):
        src = Source.for_group(group, f"bounds{i}")
        ev = src.event(group)
        conds = date_filter(ev, req.start, req.end) + [src.key(s).in_(v) for s, v in req.where]
        parts.append(sa.select(sa.func.min(as_timestamp(ev)).label("lo"), sa.func.max(as_timestamp(ev)).label("hi"))
                     .select_from(src.from_).where(*conds))
    manual_ids = [m.source_id for m in registry.manual_closure(req.metrics)]
    if manual_ids:
        mv = schema.metric_values
        conds = [mv.c.metric_id.in_(manual_ids), *date_filter(mv.c.period_start, req.start, req.end)]
        parts.append(sa.select(sa.func.min(as_timestamp(mv.c.period_start)).label("lo"),
                               sa.func.max(as_timestamp(mv.c.period_start)).label("hi")).where(*conds))
    both = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("bounds")
    return sa.select(sa.func.min(both.c.lo).label("lo"), sa.func.max(both.c.hi).label("hi"))
