"""The Standup's pacing board: one row per team KPI of the active plan (numbers from ``kpi_engine.standup.pace_board``).

The board is computed once per (database, data version, meeting day) and cached; this module only formats the
engine's numbers in the page's language (values in each KPI's unit, so the value columns are text) and draws them
with ``st.column_config``: readable headers with help, a progress bar, the KPI column pinned for a phone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi_engine import fmt, store
from kpi_engine.standup import pace_board
from kpi_engine.standup.pace_board import PaceBoard, PaceRow
from ui import compare_table, names
from ui.db import db_url, version
from ui.i18n import lang, tr

ROW_HEIGHT = 35  # st.dataframe's default row height, px
GOOD, BAD, WARN = "color: #2e7d32", "color: #c62828", "color: #b26a00"
_STATUS_STYLE = {"on_track": GOOD, "achieved": GOOD, "at_risk": WARN, "underspending": WARN, "off_track": BAD,
                 "missed": BAD, "overspending": BAD}
# Column widths in px: together about the main area at 1440 px with the sidebar open (~950 px); the KPI column is
# pinned, so a phone scrolls the numbers under it. Points are short in both languages ("+0.8 pp", "+0.8pp").
# The forecast with its range ("1,056 (1,003–1,146)") took its room from the others, each a little narrower.
# Money of five digits or more is short in the target's parentheses and the forecast's range ("¥136k", "¥13.6万"),
# so every column shows its whole text at 1440 px (the exact figures are on the cards and in Channels).
WIDTHS = {
    "en": {"kpi": 165, "actual": 66, "target": 105, "progress": 62, "pace": 145, "projected": 66, "forecast": 135,
           "vs": 76, "vs_last_year": 82, "owner": 62},
    "zh": {"kpi": 150, "actual": 70, "target": 110, "progress": 62, "pace": 115, "projected": 70, "forecast": 135,
           "vs": 80, "vs_last_year": 85, "owner": 62},
}
# Pace right after the actual: on a phone the pinned KPI column leaves room for about two more.
COLUMNS = ("kpi", "actual", "pace", "target", "progress", "projected", "forecast", "vs_previous", "vs_last_year",
           "owner")


@st.cache_data(show_spinner=False, max_entries=32)
def _build(url: str, data_version: str, day: dt.date) -> PaceBoard:
    return pace_board.build(store.get_engine(url), day)


def load(day: dt.date) -> PaceBoard:
    """The pacing board of a meeting on ``day``, cached until the data changes."""
    return _build(db_url(), version(), day)


def _v(value: float | None, unit: str, *, whole: bool = False) -> str:
    """A value in its unit; ``whole``: a count that is a share or a projection (733.3 leads) shown whole."""
    if whole and unit == "count" and value is not None and value == value:
        value = round(value)
    return fmt.value(value, unit, lang())


def _short(value: float | None, unit: str) -> str:
    """Money of 10,000 or more in thousands (en) or ten-thousands (zh): "¥136k", "¥13.6万"; anything else as _v."""
    if unit != "money" or value is None or value != value or abs(value) < 10_000:
        return _v(value, unit)
    symbol = fmt.currency_symbol()
    return f"{symbol}{value / 10_000:,.1f}万" if lang() == "zh" else f"{symbol}{value / 1_000:,.0f}k"


def _forecast(r: PaceRow) -> str:
    """The forecast with its range, the unit said once: "¥136k (134k–209k)", "¥13.6万 (13.4–20.9万)",
    "72.5% (71.4–73.3%)"."""
    if r.unit not in ("money", "ratio") or any(x is None for x in (r.forecast, r.forecast_low, r.forecast_high)):
        return fmt.band(r.forecast, r.forecast_low, r.forecast_high, r.unit, lang(), whole=True)
    mid, low, high = (_short(x, r.unit) for x in (r.forecast, r.forecast_low, r.forecast_high))
    low = low.lstrip(fmt.currency_symbol())
    for suffix in ("万", "%"):
        if low.endswith(suffix) and high.endswith(suffix):
            low = low[: -len(suffix)]
    return f"{mid} ({low}–{high.lstrip(fmt.currency_symbol())})"


def _vs(change: float | None, unit: str) -> str:
    """The change in the short form of every comparison column ("+0.8pp" in Chinese fits where "个百分点" was cut)."""
    return compare_table.change_text(change, unit, lang())


def _status(status: str | None) -> str:
    return tr(f"standup_status_{status}") if status else tr("standup_status_none")


def _pace(r: PaceRow) -> str:
    if r.pace is None:
        return _status(r.status) if r.status else fmt.NO_VALUE
    return f"{fmt.achievement(r.pace, lang())} · {_status(r.status)}"


def _target(r: PaceRow) -> str:
    if r.target_to_date is None:
        return fmt.NO_VALUE
    if r.target is not None and abs(r.target - r.target_to_date) > 1e-9:
        return f"{_v(r.target_to_date, r.unit, whole=True)} ({_short(r.target, r.unit)})"
    return _v(r.target_to_date, r.unit, whole=True)


def _good(change: float | None, direction: str) -> str:
    if change is None or change == 0:
        return ""
    return GOOD if (change > 0) == (direction == "higher") else BAD


def frame(board: PaceBoard) -> pd.DataFrame:
    """The board as a table: one row per KPI, values formatted in their unit (ids never shown)."""
    rows = [{
        "kpi": r.name(lang()),
        "actual": _v(r.actual, r.unit),
        "target": _target(r),
        "progress": None if r.progress is None else round(min(max(float(r.progress), 0.0), 1.0) * 100),
        "pace": _pace(r),
        "projected": _v(r.projected, r.unit, whole=True),
        "forecast": _forecast(r),
        "vs_previous": _vs(r.vs_previous, r.unit),
        "vs_last_year": _vs(r.vs_last_year, r.unit),
        "owner": r.owner or fmt.NO_VALUE,
    } for r in board.rows]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _styles(board: PaceBoard, table: pd.DataFrame) -> pd.DataFrame:
    css = pd.DataFrame("", index=table.index, columns=table.columns)
    for i, r in enumerate(board.rows):
        css.loc[i, "pace"] = _STATUS_STYLE.get(r.status or "", "")
        css.loc[i, "vs_previous"] = _good(r.vs_previous, r.direction)
        css.loc[i, "vs_last_year"] = _good(r.vs_last_year, r.direction)
    return css


def _caption(board: PaceBoard) -> str:
    days = {"days": board.elapsed_days, "total": board.total_days}
    text = (tr("pace_caption_plan", plan=names.plan_name(board.plan_name, board.period), start=board.start.isoformat(),
               end=board.end.isoformat(), **days) if board.from_plan
            else tr("pace_caption_targets", period=board.period, **days))
    return text  # the comparison windows are in the help of their columns (one line less on a phone)


def _vs_help(window: tuple[dt.date, dt.date] | None, what: str) -> str:
    start, end = (w.isoformat() for w in window) if window else (fmt.NO_VALUE, fmt.NO_VALUE)
    return tr("pace_col_vs_help", start=start, end=end, what=tr(what))


def column_config(board: PaceBoard) -> dict[str, object]:
    cc = st.column_config
    widths = WIDTHS[lang()]
    return {
        "kpi": cc.TextColumn(tr("pace_col_kpi"), pinned=True, width=widths["kpi"]),
        "actual": cc.TextColumn(tr("pace_col_actual"), width=widths["actual"]),
        "target": cc.TextColumn(tr("pace_col_target"), help=tr("pace_col_target_help"), width=widths["target"]),
        "progress": cc.ProgressColumn(tr("pace_col_progress"), help=tr("pace_col_progress_help"), format="%d%%",
                                      min_value=0, max_value=100, width=widths["progress"]),
        "pace": cc.TextColumn(tr("pace_col_pace"), help=tr("pace_col_pace_help"), width=widths["pace"]),
        "projected": cc.TextColumn(tr("pace_col_projected"), help=tr("pace_col_projected_help"),
                                   width=widths["projected"]),
        "forecast": cc.TextColumn(tr("pace_col_forecast"), help=tr("pace_col_forecast_help"),
                                  width=widths["forecast"]),
        "vs_previous": cc.TextColumn(tr("pace_col_vs_previous"), help=_vs_help(board.previous, "pace_previous_period"),
                                     width=widths["vs"]),
        "vs_last_year": cc.TextColumn(tr("pace_col_vs_last_year"), help=_vs_help(board.last_year, "pace_last_year"),
                                      width=widths["vs_last_year"]),
        "owner": cc.TextColumn(tr("pace_col_owner"), width=widths["owner"]),
    }


def render(board: PaceBoard) -> None:
    """Title, what the board covers, and the table (tall enough for every row: the page never scrolls inside it)."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")  # title and period: one line
    row.subheader(tr("pace_title"), anchor=False, help=tr("pace_help"), width="content")
    row.caption(_caption(board), width="stretch")
    if board.through is None:
        st.info(tr("pace_not_started", start=board.start.isoformat()), icon=":material/event_upcoming:")
        return
    if not board.rows:
        st.info(tr("pace_no_kpis"), icon=":material/lightbulb:")
        return
    table = frame(board)
    styled = table.style.apply(lambda _: _styles(board, table), axis=None)
    st.dataframe(styled, hide_index=True, width="stretch", height=ROW_HEIGHT * (len(table) + 1) + 3,
                 column_config=column_config(board))
