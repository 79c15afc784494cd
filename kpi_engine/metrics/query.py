"""Metrics by scope and grain as a DataFrame: the one entry point pages and the CLI use.

``compute(engine, ["leads", "cpl"], by="channel", grain="week")`` returns one row
per scope and period: key columns first (``channel_id``, ``person_id``,
``campaign_id`` or ``team``), then ``period_start`` (a ``datetime.date``) when a
grain is given, then one column per metric id. Scopes:

- ``by=None`` (or ``"all"``): the whole department, no key column;
- ``"team"``: the ``people.team`` of the lead's owner, and of the campaign owner for spend;
- ``"channel"``, ``"campaign"``, ``"person"``: first-touch for leads; spend by its own
  channel and campaign, and by person through the campaign's owner.

A fact without that key (a lead without a campaign, an owner without a team, spend
without a campaign) is grouped under ``""``, so the scopes of an additive metric
always add up to the department total. Several scopes at once: ``by=("person", "channel")``.

Counts are int64 (0 when nothing happened); other metrics are float64 with NaN
for no value (e.g. a zero denominator). The department series is dense: with a
grain, every period between ``start`` and ``end`` (or the first and last event)
has a row; broken down by a scope, only periods with data do (``dense=True``
to fill every scope × period).

``grain="range"`` treats ``[start, end]`` as one period (a custom date range): one row
per scope with ``period_start`` = ``start`` (the first and last day with data when a
bound is missing). Manual metrics (``metric_values``) are float64 with NaN where nothing
was reported. Metrics anchored at the period end (LTV, customers at the end) computed
without a grain and without ``end`` are as of the last day with data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import periods, rollups
from kpi_engine.access.principal import guard_query
from kpi_engine.metrics import custom, registry
from kpi_engine.metrics.compile import KEY_COLUMNS, compile_event_bounds, compile_request, make_request, normalize_by
from kpi_engine.metrics.registry import Simple
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings


def compute(engine: Engine, metrics: Sequence[str], *, by: str | Sequence[str] | None = None,
            grain: str | None = None, start: dt.date | str | None = None, end: dt.date | str | None = None,
            where: Mapping[str, str | Sequence[str]] | None = None, dense: bool | None = None,
            settings: Settings | None = None) -> pd.DataFrame:
    """Compute ``metrics`` per scope (``by``) and period (``grain``) over ``[start, end]`` (inclusive days).

    ``where`` keeps only some scope ids, e.g. ``{"channel": "douyin"}``. Unknown metric ids,
    scopes or grains raise ``ValueError`` listing the valid ones.
    """
    custom.activate(engine)  # the store's own metrics (issue 16.5) are in the registry
    settings = settings or load_settings(engine)  # the store's settings (thresholds, margin) unless given
    where = guard_query(normalize_by(by), where)  # a person's numbers only for who may see them
    start_d = periods.to_date(start) if start is not None else None
    end_d = periods.to_date(end) if end is not None else None
    if grain == "range":
        return _compute_range(engine, metrics, by=by, start=start_d, end=end_d, where=where, settings=settings)
    from kpi_engine.store import while_unchanged  # local: the store opens the schema this package is built on

    # The same question twice in a page run (a review scores the plan, then lists the same KPIs) is read once.
    # The key holds the ``where`` access left (so who asks does not matter beyond it); callers get a copy.
    key = (tuple(metrics), normalize_by(by), grain, start_d, end_d, _question((), None, None, where)[3], dense,
           settings)
    return while_unchanged(engine, "compute", key, lambda: _compute(engine, metrics, by=by, grain=grain,
                                                                    start=start_d, end=end_d, where=where,
                                                                    dense=dense, settings=settings)).copy()


def _compute(engine: Engine, metrics: Sequence[str], *, by: str | Sequence[str] | None, grain: str | None,
             start: dt.date | None, end: dt.date | None, where: Mapping[str, str | Sequence[str]] | None,
             dense: bool | None, settings: Settings) -> pd.DataFrame:
    start_d, end_d = start, end
    req = make_request(metrics, by=by, grain=grain, start=start_d, end=end_d, where=where)
    if dense is None:
        dense = not req.by
    columns = [KEY_COLUMNS[s] for s in req.by] + (["period_start"] if grain else []) + list(req.metrics)
    with engine.connect() as conn:
        rolled = _usable(engine, conn, settings)  # daily rollups that hold what the facts hold
        if grain and dense:
            lo, hi = start_d, end_d
            if lo is None or hi is None:
                found_lo, found_hi = conn.execute(compile_event_bounds(req, rolled)).one()
                lo = lo or (periods.to_date(found_lo) if found_lo is not None else None)
                hi = hi or (periods.to_date(found_hi) if found_hi is not None else None)
            if lo is None or hi is None or hi < lo:
                return _frame([], columns, req.metrics)
            req = make_request(req.metrics, by=req.by, grain=grain, start=start_d, end=end_d, where=where,
                               periods_=periods.period_starts(lo, hi, grain))
        elif not grain and end_d is None and registry.windows_needed(req.metrics):
            _, found_hi = conn.execute(compile_event_bounds(req, rolled)).one()
            if found_hi is not None:  # "as of the last day with data"
                hi = max(periods.to_date(found_hi), start_d) if start_d else periods.to_date(found_hi)
                req = make_request(req.metrics, by=req.by, start=start_d, end=hi, where=where)
        rows = conn.execute(compile_request(req, settings, rolled)).all()
    frame = _frame([tuple(r) for r in rows], columns, req.metrics)
    keys = columns[: len(columns) - len(req.metrics)]
    if keys and len(frame):
        frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return frame


def _usable(engine: Engine, conn: Connection, settings: Settings | None = None) -> frozenset[str]:
    """:func:`rollups.usable_cached` (one small query), asked once while nothing is written (a page run asks it
    before each of its ~40 statements; what it reads changes only with a write: ``store.while_unchanged``)."""
    from kpi_engine.store import while_unchanged  # local: the store opens the schema this package is built on

    return while_unchanged(engine, "rollups_usable", settings, lambda: rollups.usable_cached(engine, conn, settings))


Bounds = tuple[dt.date, dt.date] | None
Question = tuple[tuple[str, ...], dt.date | None, dt.date | None, tuple[tuple[str, object], ...]]


def _question(metrics: Sequence[str], start: dt.date | None, end: dt.date | None,
              where: Mapping[str, str | Sequence[str]] | None) -> Question:
    return (tuple(metrics), start, end,
            tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in (where or {}).items())))


def _ask_bounds(engine: Engine, questions: list[Question]) -> list[Bounds]:
    """The answers to many :func:`data_bounds` questions, in one statement (a UNION ALL, one row per question)."""
    with engine.connect() as conn:
        rolled = _usable(engine, conn)
        selects = []
        for i, (metrics, start, end, where) in enumerate(questions):
            req = make_request(metrics, start=start, end=end, where=dict(where))  # type: ignore[arg-type]
            one = compile_event_bounds(req, rolled).subquery(f"q{i}")
            selects.append(sa.select(sa.literal(i, sa.Integer).label("q"), one.c.lo, one.c.hi))
        rows = conn.execute(selects[0] if len(selects) == 1 else sa.union_all(*selects)).all()
    found: dict[int, tuple[object, object]] = {int(r[0]): (r[1], r[2]) for r in rows}
    out: list[Bounds] = []
    for i in range(len(questions)):
        lo, hi = found.get(i, (None, None))
        out.append(None if lo is None or hi is None else (periods.to_date(lo), periods.to_date(hi)))  # type: ignore[arg-type]
    return out


def data_bounds(engine: Engine, metrics: Sequence[str], *, start: dt.date | None = None, end: dt.date | None = None,
                where: Mapping[str, str | Sequence[str]] | None = None) -> tuple[dt.date, dt.date] | None:
    """First and last day with facts that ``metrics`` read (within the range and filters), None without any."""
    from kpi_engine.store import while_unchanged  # local: the store opens the schema this package is built on

    custom.activate(engine)
    question = _question(metrics, start, end, where)
    # a review asks ~30 times a run
    return while_unchanged(engine, "data_bounds", question, lambda: _ask_bounds(engine, [question])[0])


def _event_signature(metric: str) -> tuple[tuple[str, ...], ...]:
    """What decides whether ``metric`` has facts in a range: its (fact, event date) pairs and manual sources."""
    simple = sorted({(m.calc.fact, m.calc.event) for m in registry.simple_closure([metric]) if isinstance(m.calc, Simple)})
    manual = sorted({("metric_values", m.source_id) for m in registry.manual_closure([metric])})
    return tuple(simple + manual)


def with_facts(engine: Engine, metrics: Sequence[str], *, start: dt.date | None = None,
               end: dt.date | None = None) -> frozenset[str]:
    """The metrics among ``metrics`` that read at least one fact dated within [start, end].

    Each metric is judged on its own event dates (wins by ``won_at``, leads by ``created_at``),
    one question per distinct set of them (asked together, :func:`with_facts_in`), so the answer for a
    metric never depends on which other metrics are asked with it or in what order.
    """
    return with_facts_in(engine, metrics, [(start, end)])[0]


def with_facts_in(engine: Engine, metrics: Sequence[str],
                  ranges: Sequence[tuple[dt.date | None, dt.date | None]]) -> list[frozenset[str]]:
    """:func:`with_facts` for each of ``ranges``: every question the memo of :func:`data_bounds` does not
    already hold asked in one statement."""
    from kpi_engine.store import while_unchanged_many  # local: the store opens the schema this package is built on

    custom.activate(engine)
    signatures: dict[tuple[tuple[str, ...], ...], list[str]] = {}
    for mid in dict.fromkeys(metrics):
        signatures.setdefault(_event_signature(mid), []).append(mid)
    asked = [(ids, _question(ids[:1], start, end, None)) for start, end in ranges
             for signature, ids in signatures.items() if signature]
    answers = (while_unchanged_many(engine, "data_bounds", [q for _, q in asked],
                                    lambda missing: _ask_bounds(engine, missing)) if asked else [])
    found: list[set[str]] = [set() for _ in ranges]
    per_range = len(asked) // len(ranges) if ranges else 0
    for n, ((ids, _), bounds) in enumerate(zip(asked, answers, strict=True)):
        if bounds is not None:
            found[n // per_range].update(ids)
    return [frozenset(f) for f in found]


def _compute_range(engine: Engine, metrics: Sequence[str], *, by: str | Sequence[str] | None, start: dt.date | None,
                   end: dt.date | None, where: Mapping[str, str | Sequence[str]] | None,
                   settings: Settings | None) -> pd.DataFrame:
    """``grain="range"``: the whole ``[start, end]`` as one period, ``period_start`` = its first day."""
    req = make_request(metrics, by=by, start=start, end=end, where=where)
    keys = [KEY_COLUMNS[s] for s in req.by]
    if start is None or end is None:
        found = data_bounds(engine, req.metrics, start=start, end=end, where=where)
        if found is None:
            return _frame([], [*keys, "period_start", *req.metrics], req.metrics)
        start, end = start or found[0], end or found[1]
    frame = compute(engine, req.metrics, by=req.by, start=start, end=end, where=where, settings=settings)
    frame.insert(len(keys), "period_start", pd.Series([start] * len(frame), dtype="object", index=frame.index))
    return frame


def _frame(rows: list[tuple], columns: list[str], metric_ids: Sequence[str]) -> pd.DataFrame:
    """Rows -> DataFrame with stable dtypes: str keys, date periods, int64 counts, float64 otherwise.

    Built column by column from plain lists (a page makes ~20 of these; converting a whole frame column by
    column in pandas cost ~2 ms each); a period column that is not all dates and timestamps takes pandas' path."""
    data: dict[str, pd.Series] = {}
    for i, col in enumerate(columns):
        values = [r[i] for r in rows]
        if col in metric_ids:
            calc = registry.METRICS[col].calc
            if isinstance(calc, Simple) and calc.agg == "count":
                data[col] = pd.Series([int(v) for v in values], dtype="int64")
            else:
                data[col] = pd.Series([_float(v) for v in values], dtype="float64")
        elif col == "period_start":
            if all(isinstance(v, dt.date) for v in values):
                data[col] = pd.Series([v.date() if isinstance(v, dt.datetime) else v for v in values], dtype="object")
            else:
                data[col] = pd.Series(pd.to_datetime(pd.Series(values, dtype="object")).dt.date, dtype="object")
        else:
            data[col] = pd.Series(["None" if v is None else str(v) for v in values], dtype=str)
    return pd.DataFrame(data, columns=columns)


def _float(value: object) -> float:
    """A value as float64 the way ``pd.to_numeric(errors="coerce")`` reads it: None and text that is not a number
    are NaN."""
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # not a number: no value, as pd.to_numeric(errors="coerce") gives
        return math.nan


def total(engine: Engine, metric_id: str, *, start: dt.date | str | None = None, end: dt.date | str | None = None,
          where: Mapping[str, str | Sequence[str]] | None = None, settings: Settings | None = None) -> float | None:
    """One department-level value of ``metric_id`` over ``[start, end]`` (None for no value)."""
    frame = compute(engine, [metric_id], start=start, end=end, where=where, settings=settings)
    value = frame[metric_id].iloc[0]
    return None if pd.isna(value) else float(value)
