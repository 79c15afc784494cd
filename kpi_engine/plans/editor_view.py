"""The KPI table as the plan editor shows it (issue 11, point 3): metrics, scopes, dimensions and owners offered by
name in the reader's language, ratio targets as percents ("12.0%", typed as 12), while the plan keeps ids and 0.12.

- :func:`choices`: per column, ``{id: label}`` for the editor's select boxes (labels unique: two people with one
  name get their id as a suffix); ids the plan holds that the store does not know are offered as they are.
- :func:`display_table` / :func:`from_display`: the table of :func:`kpi_engine.plans.editing.kpi_table` with the
  targets as text and the example plans' notes in the reader's language, and back. A target or note cell left as
  it was shown keeps the plan's exact value, so opening a plan and saving it stores what was there.
"""

from __future__ import annotations

import math
import numbers
import re

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.plans import catalog
from kpi_engine.plans.directory import Directory
from kpi_engine.plans.editing import kpi_table
from kpi_engine.plans.model import Plan, PlanError, split_metric
from kpi_engine.plans.templates import FRAMEWORKS

TARGETS = ("base", "challenge")
LABELLED = ("metric", "scope", "dimension", "owner")
_JUNK = re.compile(r"[\s,，%％¥￥$]")


def target_unit(metric_ref: object) -> str:
    """The unit a KPI's targets are in: a growth is a ratio, else the metric's unit ("count" when unknown)."""
    if not isinstance(metric_ref, str) or not metric_ref.strip():
        return "count"
    kind, mid = split_metric(metric_ref)
    metric = registry.METRICS.get(mid)
    return "ratio" if kind and metric else (metric.unit if metric else "count")


def _unique(labels: dict[str, str], suffix: dict[str, str]) -> dict[str, str]:
    """Labels made unique: a label two ids share gets the id's ``suffix`` ("王芳 (p07)")."""
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {k: f"{v} ({suffix[k]})" if seen[v] > 1 else v for k, v in labels.items()}


def choices(engine: Engine, plan: Plan, lang: str = "en") -> dict[str, dict[str, str]]:
    """``{column: {id: label}}`` for metric, scope, dimension and owner (the plan's own ids included)."""
    directory = Directory.load(engine)
    refs = [m.id for m in registry.METRICS.values() if not m.helper]
    metrics = {ref: catalog.kpi_name(ref, lang) for ref in [*refs, *(f"yoy:{r}" for r in refs), *(f"growth:{r}" for r in refs)]}
    metrics.update({k.metric: catalog.kpi_name(k.metric, lang) for k in plan.kpis if k.metric not in metrics})
    scopes = {"team": t("push_scope_team", lang)}
    for kind, ids in (("person", directory.people), ("channel", directory.channels), ("campaign", directory.campaigns)):
        scopes.update({f"{kind}:{i}": directory.names.get(f"{kind}:{i}") or i for i in sorted(ids)})
    scopes.update({k.scope: k.scope for k in plan.kpis if k.scope not in scopes})
    dims = {d: t(f"plans_dim_{d}", lang) for d in FRAMEWORKS[plan.framework].dimension_ids}
    dims.update({k.dimension: k.dimension for k in plan.kpis if k.dimension and k.dimension not in dims})
    owners = {p: directory.person(p) for p in sorted(directory.people)}
    owners.update({k.owner: k.owner for k in plan.kpis if k.owner and k.owner not in owners})
    return {"metric": _unique(metrics, {m: m for m in metrics}),
            "scope": _unique(scopes, {s: s.partition(":")[2] or s for s in scopes}),
            "dimension": _unique(dims, {d: d for d in dims}), "owner": _unique(owners, {o: o for o in owners})}


def target_text(value: object, unit: str) -> str | None:
    """A target as the editor shows it: 0.12 of a ratio as "12.0%" (more decimals only when needed), 1000 as "1000"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)  # type: ignore[arg-type]
    if unit == "ratio":
        pct = number * 100
        return f"{pct:.1f}%" if abs(round(pct, 1) - pct) < 1e-9 else f"{pct:.10g}%"
    return f"{number:.0f}" if number.is_integer() and abs(number) < 1e15 else f"{number:.10g}"


def display_table(plan: Plan, lang: str = "en") -> pd.DataFrame:
    """:func:`kpi_table` with base and challenge as text in their unit (ratios as percents) and the example plans'
    notes in ``lang`` (:func:`kpi_engine.plans.catalog.note_text`)."""
    frame = kpi_table(plan)
    for col in TARGETS:
        frame[col] = pd.Series([target_text(v, target_unit(m)) for v, m in zip(frame[col], frame["metric"], strict=True)],
                               index=frame.index, dtype="object")
    frame["note"] = pd.Series([catalog.note_text(n, lang) for n in frame["note"]], index=frame.index, dtype="object")
    return frame


def from_display(plan: Plan, frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The edited :func:`display_table` as :func:`kpi_table` (targets as numbers; a percent typed as 12 is 0.12).

    Raises :class:`PlanError` naming every target that is not a number (row numbers from 1)."""
    out = frame.copy()
    problems: list[str] = []
    for col in TARGETS:
        values: list[float] = []
        for n, (idx, text, metric) in enumerate(zip(frame.index, frame[col], frame["metric"], strict=True), start=1):
            unit = target_unit(metric)
            old = plan.kpis[int(idx)] if isinstance(idx, numbers.Integral) and 0 <= int(idx) < len(plan.kpis) else None
            if old is not None and target_unit(old.metric) == unit and text == target_text(getattr(old, col), unit):
                values.append(math.nan if getattr(old, col) is None else float(getattr(old, col)))
                continue
            cleaned = "" if text is None or (isinstance(text, float) and math.isnan(text)) else _JUNK.sub("", str(text))
            try:
                number = float(cleaned) if cleaned else math.nan
            except ValueError:
                problems.append(t("plans_edit_not_number", lang, row=n, column=t(f"plans_ui_col_{col}", lang), value=text))
                number = math.nan
            values.append(round(number / 100, 12) if unit == "ratio" else number)  # 14.4 → 0.144, not 0.14400000000000002
        out[col] = pd.Series(values, index=frame.index, dtype="float64")
    if problems:
        raise PlanError(problems)
    notes: list[object] = []
    for idx, text in zip(frame.index, frame["note"] if "note" in frame else [None] * len(frame), strict=True):
        old = plan.kpis[int(idx)] if isinstance(idx, numbers.Integral) and 0 <= int(idx) < len(plan.kpis) else None
        # a note left as it was shown keeps the plan's own text (an example's note stays stored in English)
        notes.append(old.note if old is not None and text == catalog.note_text(old.note, lang) else text)
    if "note" in frame:
        out["note"] = pd.Series(notes, index=frame.index, dtype="object")
    return out
