"""Explaining a gap: a KPI's difference to its target, previous period or last year, by contributor.

``explain_gap(engine, "leads", "2026-10", vs="previous", by="channel")`` returns a
:class:`GapBreakdown`: one row per contributor (channel, campaign or person) with its
actual, comparison value and contribution, largest ``|contribution|`` first, and a total.

- Additive metrics (counts, sums): contribution = actual − comparison; the parts add up
  exactly to the total change. Against the target, contributors with their own pro-rated
  target are compared with it and the others are grouped in one ``(no target)`` row against
  the rest of the team target, so the parts still add up to team actual − team target.
- Ratios R = N/D (CPL, conversion rates) against a period: a mix/rate decomposition with
  w_i = D_i/D and r_i = N_i/D_i: r1·w1 − r0·w0 = (r1 − r0)·w1 (rate) + (w1 − w0)·r0 (mix).
  Written as contribution_i = N1_i/D1 − N0_i/D0 it holds for every contributor, so it
  reproduces R1 − R0 exactly; the rate part is (r1 − r0)·w1 (r0 = R0 for a contributor absent
  from the comparison period, 0 for one absent now) and the mix part is the rest.
- Ratios against the target: (r1_i − T)·w1_i, the rate part only; sums to R1 − T.

Facts without the scope key (a lead without a campaign) form the ``(unassigned)`` row. A period
without any facts has no value (None), never a crash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import periods, prorating, targets
from kpi_engine.i18n import t
from kpi_engine.metrics import query, registry
from kpi_engine.metrics.declarations import Ratio
from kpi_engine.metrics.scopes import KEY_COLUMNS

VS_CHOICES: tuple[str, ...] = ("target", "previous", "last-year")
BY_CHOICES: tuple[str, ...] = ("channel", "campaign", "person")
NO_TARGET = "(no target)"
UNASSIGNED = "(unassigned)"
TOTAL = "total"
VALUE_COLUMNS: tuple[str, ...] = ("actual", "comparison", "contribution")
RATIO_COLUMNS: tuple[str, ...] = ("rate_part", "mix_part")


@dataclass
class GapBreakdown:
    """The contributions to one KPI's gap; ``rows`` sorted by |contribution| (no value last)."""

    metric: str
    period: str
    vs: str
    by: str
    method: str  # additive | additive-target | mix-rate | rate-target
    start: dt.date
    end: dt.date
    comparison_start: dt.date | None
    comparison_end: dt.date | None
    rows: pd.DataFrame
    total: dict[str, float | None] = field(default_factory=dict)

    @property
    def key_column(self) -> str:
        return KEY_COLUMNS[self.by]

    @property
    def is_ratio(self) -> bool:
        return self.method in ("mix-rate", "rate-target")

    def method_text(self, lang: str = "en") -> str:
        """How the contributions were computed, in words (for the page and reports)."""
        key = {"additive": "reviews_method_additive", "additive-target": "reviews_method_additive_target",
               "mix-rate": "reviews_method_mix_rate", "rate-target": "reviews_method_rate_target"}[self.method]
        return t(key, lang, vs_name=t("reviews_vs_" + self.vs.replace("-", "_"), lang))

    def table(self) -> pd.DataFrame:
        """The rows then a final ``total`` row, as printed by ``python -m kpi_engine explain``."""
        total = {self.key_column: TOTAL, **{c: self.total.get(c) for c in self.rows.columns if c != self.key_column}}
        frame = pd.concat([self.rows, pd.DataFrame([total], columns=self.rows.columns)], ignore_index=True)
        for col in frame.columns[1:]:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        return frame


_SHIFT_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def comparison_range(period: str, vs: str, through: dt.date | None = None
                     ) -> tuple[str, dt.date, dt.date, dt.date | None, dt.date | None]:
    """``(grain, start, end, comparison start, comparison end)``; no comparison range for ``target``.

    ``through`` (the last day with data) cuts a running period short; its comparison is then the
    same days one period (or one year) earlier: November 1..22 against October 1..22.
    """
    if vs not in VS_CHOICES:
        raise ValueError(f"unknown comparison {vs!r}; use one of: {', '.join(VS_CHOICES)}")
    grain, start, end = periods.parse_period(period)
    clipped = through is not None and through < end
    if clipped:
        if through < start:  # type: ignore[operator]
            raise ValueError(f"period {period} starts after {through}: no data yet")
        end = through  # type: ignore[assignment]
    if vs == "target":
        return grain, start, end, None, None
    if grain == "week":  # the previous week; last year: the same ISO week number (52 weeks back)
        back = 7 if vs == "previous" else 364
        return grain, start, end, start - dt.timedelta(days=back), end - dt.timedelta(days=back)
    if vs == "previous":
        if grain in ("range", "day"):
            days = periods.days_in(start, end)
            return grain, start, end, start - dt.timedelta(days=days), start - dt.timedelta(days=1)
        if clipped:
            return (grain, start, end, *periods.shift_range(start, end, months=-_SHIFT_MONTHS[grain]))
        prev = periods.previous_period_start(start, grain)
        return grain, start, end, prev, periods.period_end(prev, grain)
    c_start, c_end = periods.shift_range(start, end, months=-12)
    return grain, start, end, c_start, c_end


# Per (by, start, end): the values of many metrics per scope, and the metrics with any fact in the range.
ValuesCache = dict[tuple[str, dt.date, dt.date], tuple[pd.DataFrame, frozenset[str]]]


def parts(metric: str) -> list[str]:
    """The additive metrics a breakdown of ``metric`` reads: itself, or a ratio's numerator and denominator."""
    calc = registry.get(metric).calc
    return list(dict.fromkeys([calc.numerator, calc.denominator])) if isinstance(calc, Ratio) else [metric]


def prefetch(engine: Engine, metrics: list[str], by: str, ranges: list[tuple[dt.date, dt.date]]) -> ValuesCache:
    """Read every breakdown input of ``metrics`` for every range: one query for which ranges have facts, then one
    per range with facts for the values (for many breakdowns)."""
    ids = list(dict.fromkeys(p for m in metrics if can_explain(m) for p in parts(m)))
    unique = list(dict.fromkeys(ranges))
    cache: ValuesCache = {}
    for (start, end), with_data in zip(unique, query.with_facts_in(engine, ids, unique), strict=True):
        frame = query.compute(engine, ids, by=by, start=start, end=end) if ids and with_data else None
        values = (frame.set_index(KEY_COLUMNS[by])[ids].astype("float64").fillna(0.0) if frame is not None
                  else pd.DataFrame(columns=ids, dtype="float64"))
        cache[(by, start, end)] = (values, with_data)
    return cache


def _values(engine: Engine, ids: list[str], by: str, start: dt.date, end: dt.date,
            cache: ValuesCache | None = None) -> pd.DataFrame | None:
    """Per-scope values over [start, end] indexed by scope key; None when no fact falls in the range."""
    hit = (cache or {}).get((by, start, end))
    if hit is not None and set(ids) <= set(hit[0].columns):
        return hit[0][ids] if set(ids) & hit[1] else None
    if query.data_bounds(engine, ids, start=start, end=end) is None:
        return None
    frame = query.compute(engine, ids, by=by, start=start, end=end)
    return frame.set_index(KEY_COLUMNS[by])[ids].astype("float64").fillna(0.0)


def _number(value: object) -> float:
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


def _finish(rows: list[dict[str, object]], key: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows as a frame, the largest contribution (by size) first, no contribution last, then by key.
    Sorted and typed in plain Python: a review builds about 30 of these (pandas per frame cost ~10 ms each)."""
    keyed = [(UNASSIGNED if r[key] == "" else str(r[key]),
              [_number(r.get(c)) for c in columns]) for r in rows]
    contribution = columns.index("contribution")

    def size(row: tuple[str, list[float]]) -> float:
        c = row[1][contribution]
        return -1.0 if c != c else abs(c)

    keyed.sort(key=lambda row: (-size(row), row[0]))
    data: dict[str, object] = {key: pd.Series([k for k, _ in keyed], dtype="object").astype(str)}
    for i, col in enumerate(columns):
        data[col] = pd.Series([v[i] for _, v in keyed], dtype="float64")
    return pd.DataFrame(data, columns=[key, *columns])


def can_explain(metric: str) -> bool:
    """True for metrics a gap can be broken down for: ones that add up across scopes, and ratios of two such."""
    m = registry.METRICS.get(metric)
    if m is None:
        return False
    calc = m.calc
    return m.additive or (isinstance(calc, Ratio) and registry.get(calc.numerator).additive
                          and registry.get(calc.denominator).additive)


def explain_gap(engine: Engine, metric: str, period: str, *, vs: str = "target", by: str = "channel",
                through: dt.date | None = None) -> GapBreakdown:
    """Break ``metric``'s gap in ``period`` (a label: 2026-10, 2026-W44, 2026-Q4) down ``by`` contributor.

    ``through``: the last day with data; a period still running is cut there (see :func:`comparison_range`).

    ``ValueError`` for an unknown metric, comparison, scope or period, and for a metric that
    neither adds up across scopes nor is a ratio of two that do.
    """
    registry.get(metric)
    _, start, end, c_start, c_end = comparison_range(period, vs, through)
    return explain_range(engine, metric, start, end, c_start, c_end, by=by, period=period, vs=vs)


def explain_range(engine: Engine, metric: str, start: dt.date, end: dt.date, c_start: dt.date | None = None,
                  c_end: dt.date | None = None, *, by: str = "channel", period: str = "", vs: str = "",
                  cache: ValuesCache | None = None) -> GapBreakdown:
    """:func:`explain_gap` over explicit days: [start, end] against [c_start, c_end], or against the target
    when no comparison range is given (e.g. a running month against the same days of last month).
    ``cache`` (from :func:`prefetch`) saves the queries when many breakdowns read the same ranges."""
    m = registry.get(metric)
    if by not in BY_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}; use one of: {', '.join(BY_CHOICES)}")
    if (c_start is None) != (c_end is None):
        raise ValueError("give both ends of the comparison range, or neither (against the target)")
    vs = vs or ("target" if c_start is None else "previous")
    period = period or f"{start.isoformat()}..{end.isoformat()}"
    if not can_explain(metric):
        raise ValueError(f"metric {metric!r} ({m.type}) cannot be broken down by contributor: "
                         "only metrics that add up across scopes and ratios of them can")
    if m.additive:
        method = "additive-target" if c_start is None else "additive"
        rows, total = _additive(engine, metric, by, start, end, c_start, c_end, cache)
    else:
        calc = m.calc
        assert isinstance(calc, Ratio)
        method = "rate-target" if c_start is None else "mix-rate"
        rows, total = _ratio(engine, metric, calc, by, start, end, c_start, c_end, cache)
    return GapBreakdown(metric, period, vs, by, method, start, end, c_start, c_end, rows, total)


def _additive(engine: Engine, metric: str, by: str, start: dt.date, end: dt.date, c_start: dt.date | None,
              c_end: dt.date | None, cache: ValuesCache | None = None) -> tuple[pd.DataFrame, dict[str, float | None]]:
    key = KEY_COLUMNS[by]
    now = _values(engine, [metric], by, start, end, cache)
    actual = now[metric] if now is not None else pd.Series(dtype="float64")
    team_actual = float(actual.sum()) if now is not None else None
    rows: list[dict[str, object]] = []
    if c_start is not None and c_end is not None:
        before = _values(engine, [metric], by, c_start, c_end, cache)
        comp = before[metric] if before is not None else pd.Series(dtype="float64")
        team_comp = float(comp.sum()) if before is not None else None
        for scope in sorted(set(actual.index) | set(comp.index)):
            a = float(actual.get(scope, 0.0)) if now is not None else None
            c = float(comp.get(scope, 0.0)) if before is not None else None
            rows.append({key: scope, "actual": a, "comparison": c,
                         "contribution": None if a is None or c is None else a - c})
    else:
        spread = prorating.for_day(engine, end, [metric])[metric]  # spread the way the plan in force says
        team_comp = targets.target_value(engine, metric, start=start, end=end, method=spread.method,
                                         profile=spread.profile)
        scoped = targets.targets_for(engine, [metric], start=start, end=end, scope_type=by, method=spread.method,
                                     profile=spread.profile)
        scope_targets = {str(s): float(v) for s, v in zip(scoped["scope_id"], scoped["target"], strict=True)}
        for scope, target in sorted(scope_targets.items()):
            a = float(actual.get(scope, 0.0)) if now is not None else None
            rows.append({key: scope, "actual": a, "comparison": target,
                         "contribution": None if a is None else a - target})
        rest = [s for s in actual.index if s not in scope_targets]
        if rest or (team_comp is not None and abs(team_comp - sum(scope_targets.values())) > 1e-9):
            a = float(actual[rest].sum()) if now is not None else None
            c = None if team_comp is None else team_comp - sum(scope_targets.values())
            rows.append({key: NO_TARGET, "actual": a, "comparison": c,
                         "contribution": None if a is None or c is None else a - c})
    total = {"actual": team_actual, "comparison": team_comp,
             "contribution": None if team_actual is None or team_comp is None else team_actual - team_comp}
    return _finish(rows, key, VALUE_COLUMNS), total


def _ratio(engine: Engine, metric: str, calc: Ratio, by: str, start: dt.date, end: dt.date,
           c_start: dt.date | None, c_end: dt.date | None, cache: ValuesCache | None = None) -> tuple[pd.DataFrame, dict[str, float | None]]:
    key, k = KEY_COLUMNS[by], calc.multiplier
    inputs = parts(metric)
    now = _values(engine, inputs, by, start, end, cache)
    n1 = now[calc.numerator] if now is not None else pd.Series(dtype="float64")
    d1 = now[calc.denominator] if now is not None else pd.Series(dtype="float64")
    big_d1 = float(d1.sum())
    r1 = k * float(n1.sum()) / big_d1 if big_d1 else None
    rows: list[dict[str, object]] = []
    columns = (*VALUE_COLUMNS, *RATIO_COLUMNS)
    if c_start is None or c_end is None:  # against the team target: rate part only
        target = targets.target_value(engine, metric, start=start, end=end)
        for scope in sorted(n1.index):
            d, n = float(d1[scope]), float(n1[scope])
            share = n / big_d1 * k if big_d1 else None
            contrib = None if share is None or target is None else share - (target * d / big_d1)
            rows.append({key: scope, "actual": k * n / d if d else None, "comparison": target,
                         "contribution": contrib, "rate_part": contrib, "mix_part": 0.0 if contrib is not None else None})
        total = {"actual": r1, "comparison": target,
                 "contribution": None if r1 is None or target is None else r1 - target,
                 "rate_part": None if r1 is None or target is None else r1 - target, "mix_part": 0.0}
        return _finish(rows, key, columns), total
    before = _values(engine, inputs, by, c_start, c_end, cache)
    n0 = before[calc.numerator] if before is not None else pd.Series(dtype="float64")
    d0 = before[calc.denominator] if before is not None else pd.Series(dtype="float64")
    big_d0 = float(d0.sum())
    r0 = k * float(n0.sum()) / big_d0 if big_d0 else None
    both = r0 is not None and r1 is not None
    for scope in sorted(set(n1.index) | set(n0.index)):
        a_n, a_d = float(n1.get(scope, 0.0)), float(d1.get(scope, 0.0))
        c_n, c_d = float(n0.get(scope, 0.0)), float(d0.get(scope, 0.0))
        row: dict[str, object] = {key: scope, "actual": k * a_n / a_d if a_d else None,
                                  "comparison": k * c_n / c_d if c_d else None}
        if both:
            contrib = k * a_n / big_d1 - k * c_n / big_d0
            w1 = a_d / big_d1
            if a_d == 0:
                rate = 0.0
            else:
                base = row["comparison"] if c_d else r0
                rate = (k * a_n / a_d - base) * w1  # type: ignore[operator]
            row.update(contribution=contrib, rate_part=rate, mix_part=contrib - rate)
        rows.append(row)
    change = r1 - r0 if both else None  # type: ignore[operator]
    frame = _finish(rows, key, columns)
    rate_sum = float(frame["rate_part"].sum()) if both else None
    total = {"actual": r1, "comparison": r0, "contribution": change, "rate_part": rate_sum,
             "mix_part": None if change is None or rate_sum is None else change - rate_sum}
    return frame, total


__all__ = ["BY_CHOICES", "NO_TARGET", "TOTAL", "UNASSIGNED", "VS_CHOICES", "GapBreakdown", "can_explain",
           "comparison_range", "explain_gap", "explain_range", "parts", "prefetch"]
