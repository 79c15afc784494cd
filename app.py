"""Entry point: ``streamlit run app.py``. Page navigation and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from ui.i18n import tr
from ui.sidebar import init_state, render_sidebar

st.set_page_config(page_title="Marketing KPI", page_icon=":material/monitoring:", layout="wide")
init_state()  # the language must be known before page titles are drawn

pages = [
    st.Page("pages/home.py", title=tr("ui_nav_home"), icon=":material/home:", url_path="home", default=True),
    st.Page("pages/data.py", title=tr("ui_nav_data"), icon=":material/upload_file:", url_path="data"),
]
page = st.navigation(pages)
render_sidebar()
page.run()
