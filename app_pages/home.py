"""Home: what the product is, what is in the store, and what to do first."""

from __future__ import annotations

import streamlit as st

from ui import db, overview
from ui.i18n import tr

st.title(tr("ui_home_title"))
st.markdown(tr("ui_home_intro"))

counts = db.table_counts()
if st.session_state.pop("_demo_loaded", False):
    st.success(tr("ui_demo_done"), icon=":material/check_circle:")

if overview.is_empty(counts):
    overview.first_steps()
else:
    st.subheader(tr("ui_home_store"), help=tr("ui_home_counts_help"))
    overview.headline_counts(counts)
    st.subheader(tr("ui_home_freshness"))
    overview.freshness_table()
    st.page_link(overview.DATA_PAGE, label=tr("ui_home_to_data"), icon=":material/upload_file:")
st.caption(tr("ui_home_db", kind=db.backend_label()))
