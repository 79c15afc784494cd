"""Two questions the Data page asks before a file can be loaded (the engine decides when; this only asks).

- **Date order**: a date column whose numeric values read both day-first and month-first is shown with its
  examples and what each order makes of them; the user picks the order (pre-selected from the saved mapping).
- **Changes to existing leads**: owner, channel or created date of leads already stored that the upload would
  change, grouped and counted, with the list of leads to download; applied only once the user confirms.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from kpi_engine.ingest.history import HistoryChanges
from kpi_engine.ingest.model import DATE_ORDERS, IngestResult, Mapping
from ui.i18n import lang, tr
from ui.tables import to_csv_bytes, to_excel_bytes

SHOWN_LEADS = 1000  # leads listed on the page; the downloads hold all of them


def _order_key(key: str) -> str:
    return f"dateorder_{key}"


def _accept_key(key: str) -> str:
    return f"accept_{key}"


def order_label(order: str) -> str:
    return tr(f"ingest_date_order_{order}")


def chosen_date_order(key: str, saved: Mapping | None) -> str | None:
    """The order to read the file with: the user's pick on this page, else the one saved with the mapping."""
    picked = st.session_state.get(_order_key(key))
    if picked in DATE_ORDERS:
        return str(picked)
    return saved.date_order if saved is not None and saved.date_order in DATE_ORDERS else None


def accepted(key: str) -> bool:
    """Whether the user confirmed the changes to existing leads of this file."""
    return bool(st.session_state.get(_accept_key(key)))


def _readings_frame(result: IngestResult, column: str) -> pd.DataFrame:
    amb = next(a for a in result.ambiguous_dates if a.column == column)
    not_a_date = tr("ingest_date_not_a_date")
    frame = pd.DataFrame({tr("ui_dord_col_value"): amb.examples})
    for order in DATE_ORDERS:
        frame[order_label(order)] = [v or not_a_date for v in amb.readings[order]]
    return frame


def date_order_choice(key: str, result: IngestResult, saved: Mapping | None) -> None:
    """The ambiguous date columns with their readings, and the order choice (nothing when no column is ambiguous)."""
    if not result.ambiguous_dates:
        return
    st.markdown(f"**{tr('ui_dord_title')}**")
    for amb in result.ambiguous_dates:
        column = amb.column if not amb.source or amb.source == amb.column else f"{amb.column} ({amb.source})"
        st.caption(tr("ui_dord_column", column=column))
        st.dataframe(_readings_frame(result, amb.column), hide_index=True)
    current = chosen_date_order(key, saved)
    st.radio(tr("ui_dord_label"), list(DATE_ORDERS), key=_order_key(key), horizontal=True, format_func=order_label,
             index=DATE_ORDERS.index(current) if current else None, help=tr("ui_dord_help"))
    if current is None:
        st.warning(tr("ui_dord_needed"), icon=":material/event:")
    elif saved is not None and saved.date_order == current:
        st.caption(tr("ui_dord_saved", order=order_label(current)))


def _downloads(hist: HistoryChanges, file_name: str, key: str) -> None:
    code = lang()
    stem = PurePath(file_name).stem or "upload"
    buttons = st.container(horizontal=True)
    buttons.download_button(tr("ui_hist_csv"), lambda: to_csv_bytes(hist.leads_table(code)),
                            file_name=f"{stem}_lead_changes.csv", mime="text/csv", key=f"dl_hist_csv_{key}",
                            icon=":material/download:", on_click="ignore")
    buttons.download_button(tr("ui_hist_xlsx"), lambda: to_excel_bytes(hist.leads_table(code), sheet="changes"),
                            file_name=f"{stem}_lead_changes.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"dl_hist_xlsx_{key}", icon=":material/download:", on_click="ignore")


def history_list(hist: HistoryChanges, file_name: str, key: str, *, applied: bool = False) -> None:
    """The grouped changes, the first leads and the downloads of all of them."""
    lines = "\n".join(f"- {line}" for line in hist.lines(lang(), applied=applied))
    if applied:
        st.info(f"{tr('ui_hist_applied', n=f'{hist.total:,}')}\n\n{lines}", icon=":material/history:")
    else:
        st.warning(f"{tr('ui_hist_warning', n=f'{hist.total:,}')}\n\n{lines}", icon=":material/history:")
    st.dataframe(hist.leads_table(lang(), limit=SHOWN_LEADS), hide_index=True, width="stretch")
    if hist.total > SHOWN_LEADS:
        st.caption(tr("ui_hist_truncated", shown=f"{SHOWN_LEADS:,}", total=f"{hist.total:,}"))
    _downloads(hist, file_name, key)


def history_confirmation(key: str, result: IngestResult, file_name: str) -> bool:
    """The changes to existing leads and the confirmation; True when there are none or they are confirmed."""
    hist = result.history
    if hist is None:
        return True
    st.markdown(f"**{tr('ui_hist_title')}**")
    history_list(hist, file_name, key)
    return st.checkbox(tr("ui_hist_confirm", n=f"{hist.total:,}"), key=_accept_key(key), help=tr("ui_hist_confirm_help"))
