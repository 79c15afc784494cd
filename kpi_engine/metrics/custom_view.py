"""What a custom metric shows before and after it is saved: its definition in words and a preview of its values.

:func:`preview` computes a draft (not yet saved) month by month over the last months with data: the parts it
reads come from the metric layer (``query.compute``, one query), and the draft's expression tree is applied
to them column-wise with numpy (``/`` by zero gives NaN, min/max of a missing value is missing), the same
rules the SQL compiler follows. A saved metric's numbers always come from the SQL itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.i18n import t
from kpi_engine.metrics import custom, query, registry
from kpi_engine.metrics.declarations import Const, Expr, Op, Ref
from kpi_engine.metrics.formula import Parsed, adds_up, render

__all__ = ["definition", "evaluate", "parts", "preview"]


def evaluate(expr: Expr, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """``expr`` over equal-length float arrays of its metrics (NaN for no value), as the SQL computes it."""
    if isinstance(expr, Ref):
        return np.asarray(columns[expr.metric], dtype="float64")
    if isinstance(expr, Const):
        return np.full(len(next(iter(columns.values()), [])), expr.value, dtype="float64")
    assert isinstance(expr, Op)
    left, right = evaluate(expr.left, columns), evaluate(expr.right, columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        if expr.op == "/":
            return np.where(right == 0, np.nan, left / np.where(right == 0, 1.0, right))
        ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "least": np.minimum, "greatest": np.maximum}
        if expr.op == "coalesce":
            return np.where(np.isnan(left), right, left)
        return ops[expr.op](left, right)


def preview(engine: Engine, decl: custom.UserMetric, *, new: bool = True, months: int = 6,
            end: dt.date | None = None) -> pd.DataFrame:
    """The draft ``decl`` month by month (``period_start``, one column per metric it reads, ``value``) over the
    last ``months`` months up to ``end`` (default: the last day with data of its parts).

    :class:`~kpi_engine.metrics.formula.FormulaError` when the draft does not pass (as :func:`custom.save`).
    An empty frame when its parts have no data at all.
    """
    custom.activate(engine)
    parsed = custom.validate(decl, custom.load(engine), new=new)
    refs = list(parsed.refs)
    if end is None:
        found = query.data_bounds(engine, refs)
        if found is None:
            return pd.DataFrame(columns=["period_start", *refs, "value"])
        end = found[1]
    start = periods.shift_months(end.replace(day=1), -(months - 1))
    frame = query.compute(engine, refs, grain="month", start=start, end=end)
    columns = {r: frame[r].astype("float64").to_numpy() for r in refs}
    frame = frame[["period_start", *refs]].copy()
    frame["value"] = evaluate(parsed.expr, columns) if len(frame) else pd.Series(dtype="float64")
    return frame


def parts(refs: tuple[str, ...] | list[str], lang: str = "en") -> pd.DataFrame:
    """The metrics a formula reads: id, name, formula (their own definitions, in ``lang``)."""
    rows = [(r, registry.get(r).name(lang), registry.get(r).formula(lang)) for r in refs]
    return pd.DataFrame(rows, columns=["id", "name", "formula"])


def definition(parsed: Parsed | Expr, lang: str = "en") -> str:
    """The formula in words: metric names for ids (``(Revenue − Spend) ÷ Spend``), and how it adds up."""
    expr = parsed.expr if isinstance(parsed, Parsed) else parsed
    words = render(expr, lambda mid: registry.get(mid).name(lang) if mid in registry.METRICS else mid)
    kind = t("cm_adds_up" if adds_up(expr, registry.METRICS) else "cm_rate", lang)
    divides = any(isinstance(n, Op) and n.op == "/" for n in registry.expr_nodes(expr))
    parts_ = [words, kind, t("cm_divide_note", lang) if divides else ""]
    return ("。".join(parts_[:1]) + "。" + "".join(parts_[1:])) if lang.startswith("zh") else " ".join(
        [words + ".", *parts_[1:]]).strip()
