"""Ranked tables of the Channels and Team & people pages, with a picker bound to the same selection.

A ranked overview is an ``st.dataframe`` with single-row selection: a click selects the row's channel, campaign or
person; the selectbox above the table mirrors the selection (and is the keyboard way in). Names, achievement
as a progress bar, gap, target, a trend sparkline and the metrics, each with its definition in the column help;
secondary columns behind a "More columns" toggle. The state keys and labels come from ``ui.drill``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from kpi_engine import fmt as numfmt
from kpi_engine.metrics import registry
from ui import numbers
from ui.drill import CHILDREN, MORE, NONE_ID, RANK, SECONDARY, column_help, is_missing, labels, short_name, ui_ids
from ui.i18n import tr

MAX_SHOWN_ACHIEVEMENT = 999.0  # percent; a lower-is-better actual of 0 is "infinitely" achieved
# The progress bar is green above half its range: 100% of target must be just above half.
PROGRESS_MAX = 199.99


def _metric_columns(metrics: Sequence[str]) -> dict[str, Any]:
    """Metric columns: numbers for sorting, written by the table's styler (:func:`ui.numbers.styled`); a short label,
    the full name and the definition in the help."""
    return {m: st.column_config.NumberColumn(short_name(m), help=column_help(m)) for m in metrics}


def _units(table: pd.DataFrame, metrics: Sequence[str]) -> dict[str, str]:
    """How each numeric column of a ranked table is written (gap and target are in the rank metric's unit)."""
    units = {m: registry.get(m).unit for m in metrics}
    units |= {"gap": registry.get(RANK).unit, "target": registry.get(RANK).unit, "budget": "money"}
    return {c: u for c, u in units.items() if c in table.columns}


def _shown_achievement(value: Any) -> float:
    """Achievement in percent as ``kpi_engine.fmt`` writes it (99.96% is 99.9: not reached), capped for the bar."""
    if value == math.inf:
        return MAX_SHOWN_ACHIEVEMENT
    shown = numfmt.percent_value(value)
    return math.nan if shown is None else min(shown, MAX_SHOWN_ACHIEVEMENT)


def _display(frame: pd.DataFrame, key: str, kind: str, metrics: Sequence[str],
             end: dt.date) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table as shown: names, achievement in %, ratios in %, and the column configuration."""
    none_key = {"campaign": "drill_none_campaign", "person": "drill_none_owner"}.get(kind, "drill_none_owner")
    out = pd.DataFrame({"name": [tr(none_key) if uid == NONE_ID else n for uid, n in
                                 zip(ui_ids(frame, key), frame["name"], strict=True)],
                        key: ui_ids(frame, key)})
    extra = {"channel": ["owner_name"], "person": ["role", "team"], "campaign": []}[kind]
    for col in extra:
        out[col] = frame[col].to_numpy()
    out["achievement"] = [_shown_achievement(a) for a in frame["achievement"]]
    out["gap"] = pd.to_numeric(frame["gap"], errors="coerce").to_numpy()
    out["target"] = pd.to_numeric(frame["target"], errors="coerce").to_numpy()
    out["trend"] = frame["trend"].to_numpy()
    if kind == "person":
        out["targets_met"] = [f"{m} / {t}" if t else "—" for m, t in zip(frame["targets_met"], frame["targets_total"],
                                                                      strict=True)]
    for m in metrics:
        out[m] = pd.to_numeric(frame[m], errors="coerce").astype("float64").to_numpy()
    if kind == "campaign":
        out["runs"] = [_runs(s, e) for s, e in zip(frame["start_date"], frame["end_date"], strict=True)]
        out["budget"] = pd.to_numeric(frame["budget"], errors="coerce").to_numpy()
    cfg: dict[str, Any] = {
        "name": st.column_config.TextColumn(tr("drill_col_name"), pinned=True),  # stays while the metrics scroll
        key: None,  # the id stays in the frame for the selection, never shown: names, never ids (issue 11.3)
        "owner_name": st.column_config.TextColumn(tr("drill_col_owner"), width="small"),
        "role": st.column_config.TextColumn(tr("drill_col_role")),
        "team": st.column_config.TextColumn(tr("drill_col_team")),
        "achievement": st.column_config.ProgressColumn(tr("drill_col_achievement"), help=tr("drill_help_achievement"),
                                                       format=numfmt.column_format("achievement"), min_value=0,
                                                       max_value=PROGRESS_MAX, color="auto", width=118),
        "gap": st.column_config.NumberColumn(tr("drill_col_gap"), help=tr("drill_help_gap")),
        "target": st.column_config.NumberColumn(tr("drill_col_target"), help=tr("drill_help_target")),
        "trend": st.column_config.LineChartColumn(tr("drill_col_trend"), y_min=0, color="auto", width=104,
                                                  help=tr("drill_help_trend", end=end.isoformat())),
        "targets_met": st.column_config.TextColumn(tr("drill_col_targets_met"), help=tr("drill_help_targets_met")),
        "runs": st.column_config.TextColumn(tr("drill_col_runs")),
        "budget": st.column_config.NumberColumn(tr("drill_col_budget")),
        **_metric_columns(metrics),
    }
    if out["target"].isna().all():  # no target for any row (campaigns, usually): no empty columns
        out = out.drop(columns=["achievement", "gap", "target"])
    lead = ["name", key, "role", "achievement", "gap", RANK, "target", "trend", "targets_met", *metrics]
    order = list(dict.fromkeys(c for c in [*lead, *out.columns] if c in out.columns))
    return out[order], cfg


def _runs(start: Any, end: Any) -> str:
    if is_missing(start) and is_missing(end):
        return ""
    a = "…" if is_missing(start) else pd.Timestamp(start).date().isoformat()
    b = "…" if is_missing(end) else pd.Timestamp(end).date().isoformat()
    return f"{a} – {b}"


def _on_row(table_key: str, state_key: str, ids: list[str]) -> None:
    event = st.session_state.get(table_key) or {}
    rows = list((event.get("selection") or {}).get("rows") or [])
    st.session_state[state_key] = ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else ""
    for child in CHILDREN.get(state_key, ()):
        st.session_state[child] = ""


def ranked_table(frame: pd.DataFrame, *, kind: str, metrics: Sequence[str], state_key: str | None,
                 end: dt.date) -> str | None:
    """A ranked overview; with ``state_key`` a click on a row selects it (the highlighted row follows the state).

    Returns the id of the selected row when the table's selection differs from the state (a selection
    written through session state rather than by a click, whose callback already updated the state).
    """
    key = f"{kind}_id"
    table, cfg = _display(frame, key, kind, metrics, end)
    height = min(38 + 35 * max(len(table), 1), 560)
    order = shown_columns(table, kind, cfg)
    if state_key is None:
        st.dataframe(numbers.styled(table, _units(table, metrics), signed=("gap",)), hide_index=True,
                     column_config=cfg, height=height, placeholder="—", column_order=order)
        return None
    ids = list(table[key])
    current = st.session_state.get(state_key, "")
    digest = hashlib.sha256("|".join([current, *ids]).encode()).hexdigest()[:10]
    table_key = f"drill_tbl_{state_key}_{digest}"
    default = {"selection": {"rows": [ids.index(current)]}} if current in ids else None
    event = st.dataframe(numbers.styled(table, _units(table, metrics), signed=("gap",)), hide_index=True,
                         column_config=cfg, height=height, placeholder="—", key=table_key, column_order=order,
                         on_select=functools.partial(_on_row, table_key, state_key, ids), selection_mode="single-row",
                         selection_default=default)
    rows = list((event.get("selection") or {}).get("rows") or []) if event is not None else []
    picked = ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else ""
    if picked == current or (not picked and current not in ids):  # in step, or an unknown id the picker reports
        return None
    return picked


def shown_columns(table: pd.DataFrame, kind: str, cfg: Mapping[str, Any]) -> list[str]:
    """The table's columns to show: without its secondary ones unless its "More columns" toggle (drawn here, above
    the table, when there are any) is on. The frame keeps every column (sorting, tests); only the view changes."""
    secondary = [c for c in SECONDARY.get(kind, ()) if c in table.columns]
    if secondary:
        names = [cfg[c]["label"] if isinstance(cfg.get(c), dict) and cfg[c].get("label") else c for c in secondary]
        st.toggle(tr("drill_more_columns"), key=MORE[kind], help=tr("drill_more_columns_help", names=", ".join(names)))
    more = bool(st.session_state.get(MORE.get(kind, ""), False))
    return [c for c in table.columns if cfg.get(c, True) is not None and (more or c not in secondary)]


def select_table(frame: pd.DataFrame, *, kind: str, metrics: Sequence[str], state_key: str, label_key: str,
                 none_key: str, end: dt.date) -> tuple[str, dict[str, str]]:
    """A picker above a ranked table, both bound to ``state_key``; returns (selected UI id or "", id -> label)."""
    options = labels(frame, f"{kind}_id", none_key)
    slot = st.container()
    picked = ranked_table(frame, kind=kind, metrics=metrics, state_key=state_key, end=end)
    if picked is not None:  # the table was selected without its callback: follow it before the picker is drawn
        clear(state_key)
        st.session_state[state_key] = picked
    with slot:
        return picker(state_key, options, label_key), options


def _clear_children(state_key: str) -> None:
    for child in CHILDREN.get(state_key, ()):
        st.session_state[child] = ""


def clear(state_key: str) -> None:
    st.session_state[state_key] = ""
    _clear_children(state_key)


def picker(state_key: str, options: Mapping[str, str], label_key: str) -> str:
    """A selectbox over ``options`` (UI id -> label) mirroring the table selection; returns the id or ""."""
    current = st.session_state.get(state_key, "")
    if current and current not in options:
        st.caption(tr("drill_unknown", id=current))
        st.session_state[state_key] = ""
    shown = {"": tr("drill_pick_none"), **options}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.selectbox(tr(label_key), list(shown), key=state_key, format_func=shown.__getitem__, help=tr("drill_pick_help"),
                   on_change=_clear_children, args=(state_key,), persist_state="session")
    if st.session_state.get(state_key):
        right.button(tr("drill_clear"), key=f"drill_clear_{state_key}", icon=":material/close:", on_click=clear,
                     args=(state_key,))
    return st.session_state.get(state_key, "")
