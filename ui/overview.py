"""What is in the store (row counts, freshness) and the first steps for an empty database."""

from __future__ import annotations

import streamlit as st

from kpi_engine import access, demo
from kpi_engine.demo import guard
from ui import auth, db
from ui.i18n import stage_label, tr
from ui.tables import freshness_frame

# Tables shown as headline numbers on the home page, in this order.
HEADLINE_TABLES = ("leads", "spend", "campaigns", "channels", "people", "orders")
DATA_PAGE = "app_pages/data.py"


def is_empty(counts: dict[str, int]) -> bool:
    return sum(counts.values()) == 0


def headline_counts(counts: dict[str, int]) -> None:
    """One metric per headline table."""
    cols = st.columns(len(HEADLINE_TABLES))
    for col, name in zip(cols, HEADLINE_TABLES, strict=True):
        col.metric(tr(f"ui_head_{name}"), f"{counts.get(name, 0):,}")


def freshness_table() -> None:
    """Rows, latest date and last upload per table."""
    frame = freshness_frame(db.freshness())
    rows = frame.columns[1]
    table, latest, upload = frame.columns[0], frame.columns[2], frame.columns[3]
    cc = st.column_config  # every row shown (no inner scroll); four columns within a phone's 390 px
    st.dataframe(frame, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3, column_config={
        table: cc.TextColumn(table, width=140, pinned=True), rows: cc.NumberColumn(rows, format="localized", width=58),
        latest: cc.TextColumn(latest, width=80), upload: cc.TextColumn(upload, width=80)})


def load_demo() -> bool:
    """Generate the demo data into the session's database, with a progress bar; True when done."""
    with st.status(tr("ui_demo_running"), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, stage: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=stage_label(stage) if stage else None)

        try:
            demo.generate(db.get_engine(), progress=progress)
        except Exception as exc:  # show what went wrong on the page
            status.update(label=tr("ui_demo_failed", error=str(exc)), state="error")
            return False
        status.update(label=tr("ui_demo_done"), state="complete", expanded=False)
    st.session_state["_demo_loaded"] = True
    return True


def first_steps() -> None:
    """The empty-database call to action: demo data, or upload your own exports."""
    st.info(tr("ui_home_empty"), icon=":material/lightbulb:")
    left, right = st.columns(2, border=True)
    with left:
        st.markdown(f"**{tr('ui_home_demo_title')}**")
        st.caption(tr("ui_home_demo_help"))
        held = guard.user_data(db.get_engine())
        if held or not access.current().is_admin:  # the demo never goes over anything a user put in the store
            st.caption(tr("demo_home_kept", tables=guard.describe(held)) if held else tr("access_not_allowed_write"))
        elif st.button(tr("ui_home_demo_button"), key="load_demo", type="primary", icon=":material/auto_awesome:"):
            if load_demo():
                st.rerun()
    with right:
        st.markdown(f"**{tr('ui_home_upload_title')}**")
        st.caption(tr("ui_home_upload_help"))
        if auth.may_open(DATA_PAGE):
            st.page_link(DATA_PAGE, label=tr("ui_home_upload_link"), icon=":material/upload_file:")
