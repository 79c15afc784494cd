"""The metric registry: every metric declared once, as data (SPEC section 4).

A metric is a frozen :class:`Metric` holding its names, description and formula
text in English and Chinese next to its calculation, so that a tooltip can never
drift from the query. The building blocks live in ``kpi_engine.metrics.declarations`` (and
are re-exported here); the declarations in ``defs_funnel`` (leads, spend, costs,
sales cycle), ``defs_customers`` (LTV, retention, NPS, sales contribution) and
``defs_manual`` (values reported by hand). Only ``kpi_engine.metrics.compile`` turns
them into SQL; it dispatches on the calculation type:

- ``simple``: count or sum over one fact table by its event date; adds up across scopes;
- ``ratio``: numerator / denominator, divided safely (a zero denominator gives no value);
- ``derived``: an expression over other metrics, settings and windows (stocks at a point
  in time, trailing months), every division safe;
- ``manual``: reported values from ``metric_values`` with a time aggregation.

Texts may name settings as ``{high_value_threshold:g}``; :meth:`Metric.text`
fills them from :class:`kpi_engine.settings.Settings`.

A store may add its own metrics (``kpi_engine.metrics.custom``: a formula over these, saved in the
``custom_metrics`` table). :data:`METRICS` is the declared metrics plus the custom metrics installed by
:func:`install` (the store in use: ``custom.activate(engine)`` runs on every query and page run); with none
installed it is exactly :data:`BUILTIN`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence

from kpi_engine.metrics import defs_customers, defs_funnel, defs_manual
from kpi_engine.metrics.declarations import (
    CALC_TYPES,
    DIRECTIONS,
    TIME_AGGS,
    UNITS,
    Calc,
    Col,
    Cond,
    Const,
    DaysBetween,
    Derived,
    Direction,
    Expr,
    HoursBetween,
    Lookup,
    Manual,
    Measure,
    Metric,
    Op,
    Ratio,
    Ref,
    Setting,
    Simple,
    Unit,
    Window,
)
from kpi_engine.settings import Settings

__all__ = [
    "CALC_TYPES", "DIRECTIONS", "DIRECTION_NAMES", "METRICS", "TIME_AGGS", "UNITS", "UNIT_NAMES", "Calc", "Col", "Cond",
    "Const", "DaysBetween", "Derived", "Direction", "Expr", "HoursBetween", "Lookup", "Manual", "Measure", "Metric", "Op",
    "Ratio", "Ref", "Setting", "Simple", "Unit", "Window", "closure", "custom_ids", "dependencies", "get", "install",
    "listed", "manual_closure", "metric_ids", "simple_closure", "validate_ids", "windows_needed",
]

# Labels of units and directions, for lists and tooltips.
UNIT_NAMES: dict[str, dict[str, str]] = {
    "count": {"en": "count", "zh": "数量"}, "money": {"en": "money", "zh": "金额"}, "ratio": {"en": "ratio", "zh": "比率"},
    "hours": {"en": "hours", "zh": "小时"}, "days": {"en": "days", "zh": "天"}, "score": {"en": "score", "zh": "分"},
}
DIRECTION_NAMES: dict[str, dict[str, str]] = {
    "higher": {"en": "higher is better", "zh": "越高越好"}, "lower": {"en": "lower is better", "zh": "越低越好"},
}

_DECLARED: tuple[Metric, ...] = defs_funnel.METRICS + defs_customers.METRICS + defs_manual.METRICS



def dependencies(calc: Calc) -> tuple[str, ...]:
    """Ids of the metrics a calculation refers to directly (none for simple and manual metrics).

    A derived expression's windows count as references to the metric they sum.
    """
    if isinstance(calc, Ratio):
        return (calc.numerator, calc.denominator)
    if isinstance(calc, Derived):
        return _expr_refs(calc.expr)
    return ()


def _expr_refs(expr: Expr) -> tuple[str, ...]:
    if isinstance(expr, (Ref, Window)):
        return (expr.metric,)
    if isinstance(expr, Op):
        return tuple(dict.fromkeys(_expr_refs(expr.left) + _expr_refs(expr.right)))
    return ()


def expr_nodes(expr: Expr) -> list[Expr]:
    """Every node of an expression tree, depth first."""
    if isinstance(expr, Op):
        return [expr, *expr_nodes(expr.left), *expr_nodes(expr.right)]
    return [expr]


_NUMERIC_SETTINGS = {f.name for f in dataclasses.fields(Settings) if f.type in ("float", "int")}


def _check(m: Metric, by_id: dict[str, Metric]) -> None:
    """Declaration errors that the type checker cannot see."""
    if m.unit not in UNITS or m.direction not in DIRECTIONS:
        raise ValueError(f"metric {m.id!r}: bad unit or direction")
    if isinstance(m.calc, Manual) and m.calc.agg not in TIME_AGGS:
        raise ValueError(f"metric {m.id!r}: time aggregation must be one of {', '.join(TIME_AGGS)}")
    if isinstance(m.calc, Derived):
        for node in expr_nodes(m.calc.expr):
            if isinstance(node, Setting) and node.name not in _NUMERIC_SETTINGS:
                raise ValueError(f"metric {m.id!r}: unknown numeric setting {node.name!r}")
            if isinstance(node, Window) and node.metric in by_id and not isinstance(by_id[node.metric].calc, Simple):
                raise ValueError(f"metric {m.id!r}: a window sums a simple metric, not {node.metric!r}")


def _build(declared: tuple[Metric, ...]) -> dict[str, Metric]:
    """Index by id, check references (no unknown ids, no cycles) and fill in ``facts``."""
    by_id: dict[str, Metric] = {}
    for m in declared:
        if m.id in by_id:
            raise ValueError(f"metric {m.id!r} declared twice")
        by_id[m.id] = m
    for m in declared:
        _check(m, by_id)

    def facts(metric_id: str, seen: tuple[str, ...]) -> tuple[str, ...]:
        if metric_id in seen:
            raise ValueError(f"metric cycle: {' -> '.join((*seen, metric_id))}")
        if metric_id not in by_id:
            raise ValueError(f"metric {seen[-1]!r} refers to unknown metric {metric_id!r}")
        calc = by_id[metric_id].calc
        if isinstance(calc, Simple):
            return (calc.fact,)
        if isinstance(calc, Manual):
            return ("metric_values",)
        found: list[str] = []
        for dep in dependencies(calc):
            found += [f for f in facts(dep, (*seen, metric_id)) if f not in found]
        return tuple(found)

    return {mid: dataclasses.replace(m, facts=facts(mid, ())) for mid, m in by_id.items()}


BUILTIN: dict[str, Metric] = _build(_DECLARED)


class _Metrics(Mapping[str, Metric]):
    """The metrics in force: :data:`BUILTIN`, then the installed custom metrics (one immutable dict, swapped whole)."""

    def __init__(self) -> None:
        self._all: dict[str, Metric] = BUILTIN

    def __getitem__(self, metric_id: str) -> Metric:
        return self._all[metric_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, metric_id: object) -> bool:
        return metric_id in self._all


METRICS: _Metrics = _Metrics()


def build_with(custom: Sequence[Metric]) -> dict[str, Metric]:
    """:data:`BUILTIN` plus ``custom`` (each marked ``custom=True``), checked as the declarations are: an id used
    twice, an unknown metric or a cycle raises ``ValueError``."""
    return _build(_DECLARED + tuple(dataclasses.replace(m, custom=True) for m in custom))


def install(custom: Sequence[Metric] | dict[str, Metric]) -> None:
    """Put ``custom`` metrics in force (replacing those installed before); an empty list restores the declared ones.

    A ``dict`` is a result of :func:`build_with`, used as is.
    """
    METRICS._all = custom if isinstance(custom, dict) else (build_with(custom) if custom else BUILTIN)


def custom_ids() -> list[str]:
    """Ids of the custom metrics in force, in the order they were installed."""
    return [mid for mid, m in METRICS.items() if m.custom]


def get(metric_id: str) -> Metric:
    """The metric ``metric_id``; ``ValueError`` listing the valid ids otherwise."""
    try:
        return METRICS[metric_id]
    except KeyError:
        raise ValueError(f"unknown metric {metric_id!r}; valid metrics: {', '.join(metric_ids())}") from None


def metric_ids(*, include_helpers: bool = False) -> list[str]:
    """Ids in declaration order (helper metrics only when asked)."""
    return [mid for mid, m in METRICS.items() if include_helpers or not m.helper]


def listed() -> list[Metric]:
    """The metrics shown to users (``--list``, pickers): everything but helpers."""
    return [METRICS[mid] for mid in metric_ids()]


def validate_ids(ids: list[str] | tuple[str, ...]) -> list[str]:
    """``ids`` without duplicates; ``ValueError`` naming the unknown ones and listing the valid ids."""
    unknown = [i for i in ids if i not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s): {', '.join(unknown)}; valid metrics: {', '.join(metric_ids())}")
    if not ids:
        raise ValueError(f"no metric given; valid metrics: {', '.join(metric_ids())}")
    return list(dict.fromkeys(ids))


def closure(ids: list[str] | tuple[str, ...]) -> list[Metric]:
    """``ids`` and every metric they need, directly or through ratios, expressions and windows, in registry order."""
    needed: set[str] = set()

    def walk(mid: str) -> None:
        if mid in needed:
            return
        needed.add(mid)
        for dep in dependencies(METRICS[mid].calc):
            walk(dep)

    for mid in ids:
        walk(mid)
    return [m for mid, m in METRICS.items() if mid in needed]


def simple_closure(ids: list[str] | tuple[str, ...]) -> list[Metric]:
    """The simple metrics that ``ids`` need, directly or through ratios and expressions, in registry order."""
    return [m for m in closure(ids) if isinstance(m.calc, Simple)]


def manual_closure(ids: list[str] | tuple[str, ...]) -> list[Metric]:
    """The manual metrics that ``ids`` need, in registry order."""
    return [m for m in closure(ids) if isinstance(m.calc, Manual)]


def windows_needed(ids: list[str] | tuple[str, ...]) -> list[Window]:
    """The distinct windows the derived metrics of ``ids`` (and their parts) use."""
    found: dict[Window, None] = {}
    for m in closure(ids):
        if isinstance(m.calc, Derived):
            found.update((node, None) for node in expr_nodes(m.calc.expr) if isinstance(node, Window))
    return list(found)
