"""Settings: the business settings (currency, pacing, grades, bonus, 360 weights, LTV, uploads) and their history."""

from __future__ import annotations

import streamlit as st

from kpi_engine.settings_store import load_settings
from ui import db
from ui import settings as ui
from ui.i18n import tr

st.title(tr("settings_ui_title"), anchor=False)
st.caption(tr("settings_ui_intro"))
current = load_settings(db.get_engine())  # fresh, not the page cache: this page edits them
ui.sync_inputs(current)
ui.groups(current)
ui.history()
