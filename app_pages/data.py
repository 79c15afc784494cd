"""Data: upload exports (mapping, preview, validation report, load), upload history with undo, freshness."""

from __future__ import annotations

import streamlit as st

from ui import history, overview, upload
from ui.i18n import tr

st.title(tr("ui_data_title"))
st.caption(tr("ui_data_intro"))

st.header(tr("ui_data_upload"), anchor=False)
files = upload.uploader()
upload.forget_missing(files)
if not files:
    st.info(tr("ui_up_empty"), icon=":material/upload_file:")
for uploaded in files:
    upload.file_panel(uploaded)

st.header(tr("ui_data_history"), anchor=False)
history.upload_history()

st.header(tr("ui_data_freshness"), anchor=False)
overview.freshness_table()
