"""A plan's KPIs as an editable table (for ``st.data_editor``) and back.

``kpi_table(plan)`` has one row per KPI with the columns of :data:`KPI_TABLE_COLUMNS`;
``apply_kpi_table(plan, frame)`` builds the plan with the edited rows (rows without a metric
are dropped; empty cells are "not set"), raising :class:`PlanError` that lists every bad cell
with its row number. Extra keys of a KPI (from a plan file) survive an edit of its row.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from kpi_engine.plans.model import Kpi, Plan, PlanError

KPI_TABLE_COLUMNS: tuple[str, ...] = ("metric", "scope", "dimension", "weight", "base", "challenge", "floor", "owner",
                                      "core", "guardrail", "penalty", "note")


def kpi_table(plan: Plan) -> pd.DataFrame:
    """The plan's KPIs, one row each, in :data:`KPI_TABLE_COLUMNS` (numbers as float, no value as NaN)."""
    rows = [{c: getattr(k, c) for c in KPI_TABLE_COLUMNS} for k in plan.kpis]
    frame = pd.DataFrame(rows, columns=list(KPI_TABLE_COLUMNS))
    for col in ("weight", "base", "challenge", "floor", "penalty"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ("core", "guardrail"):
        frame[col] = frame[col].astype(bool)
    return frame


def apply_kpi_table(plan: Plan, frame: pd.DataFrame) -> Plan:
    """``plan`` with its KPIs replaced by the table's rows (in order)."""
    problems: list[str] = []
    kpis: list[Kpi] = []
    by_key = {(k.metric, k.scope): k for k in plan.kpis}
    for n, row in enumerate(frame.to_dict(orient="records"), start=1):
        values = {c: row.get(c) for c in KPI_TABLE_COLUMNS if c in row}
        metric = values.get("metric")
        if metric is None or (isinstance(metric, float) and pd.isna(metric)) or not str(metric).strip():
            continue
        for flag in ("core", "guardrail"):
            if flag in values and (values[flag] is None or (isinstance(values[flag], float) and pd.isna(values[flag]))):
                values[flag] = flag == "core"
        for name in ("weight", "penalty"):
            if name in values and (values[name] is None or (isinstance(values[name], float) and pd.isna(values[name]))):
                values[name] = 0.0
        try:
            kpi = Kpi(**values)
        except PlanError as exc:
            problems += [f"row {n}: {p}" for p in exc.problems]
            continue
        old = by_key.get((kpi.metric, kpi.scope))
        kpis.append(dataclasses.replace(kpi, extra=dict(old.extra)) if old and old.extra else kpi)
    if problems:
        raise PlanError(problems)
    return dataclasses.replace(plan, kpis=tuple(kpis))
