"""Upload history with undo (confirmed first), and data freshness per table."""

from __future__ import annotations

import streamlit as st

from kpi_engine import access
from kpi_engine.ingest.undo import undo_upload
from kpi_engine.settings import get_settings
from ui import db, names
from ui.i18n import lang, tr
from ui.tables import table_label, uploads_frame

_PENDING = "_undo_pending"  # upload id waiting for confirmation
_RESULT = "_undo_result"  # the last UndoResult, shown once


def _show_result() -> None:
    result = st.session_state.pop(_RESULT, None)
    if result is None:
        return
    if result.ok:
        st.success(result.message(lang()), icon=":material/undo:")
    else:
        st.error(result.message(lang()), icon=":material/block:")


def _ask(upload_id: int) -> None:
    st.session_state[_PENDING] = upload_id


def _cancel() -> None:
    st.session_state.pop(_PENDING, None)


def _confirm(upload_id: int) -> None:
    st.session_state.pop(_PENDING, None)
    st.session_state[_RESULT] = undo_upload(db.get_engine(), upload_id, user=access.actor_name() or get_settings().upload_user)


def upload_history() -> None:
    """Every upload, newest first, and an undo action for those still in effect."""
    _show_result()
    history = db.uploads()
    if history.empty:
        st.info(tr("ui_hist_empty"), icon=":material/history:")
        return
    people = names.people(str(u) for u in history["uploaded_by"] if isinstance(u, str))  # a person by name, not p03
    shown = history.assign(uploaded_by=[people.get(u, u) if isinstance(u, str) else u for u in history["uploaded_by"]])
    st.dataframe(uploads_frame(shown), hide_index=True, width="stretch")
    active = history[~history["undone"].astype(bool)]
    if active.empty:
        return
    labels = {int(r.upload_id): f"#{int(r.upload_id)} · {r.file} · {table_label(str(r.table))}" for r in active.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(tr("ui_undo_pick"), list(labels), format_func=labels.__getitem__, key="undo_pick")
    right.button(tr("ui_undo_button"), key="undo_ask", icon=":material/undo:", on_click=_ask, args=(picked,),
                 disabled=picked is None)
    pending = st.session_state.get(_PENDING)
    if pending is not None:
        with st.container(border=True):
            st.warning(tr("ui_undo_confirm_text", id=pending, label=labels.get(pending, f"#{pending}")),
                       icon=":material/warning:")
            buttons = st.container(horizontal=True)
            buttons.button(tr("ui_undo_confirm"), key="undo_confirm", type="primary", on_click=_confirm, args=(pending,))
            buttons.button(tr("ui_undo_cancel"), key="undo_cancel", on_click=_cancel)
