"""Users & audit (admins): accounts and roles, and the append-only audit log with its export."""

from __future__ import annotations

import streamlit as st

from ui import users as ui
from ui.i18n import tr

st.title(tr("users_ui_title"), anchor=False)
st.caption(tr("users_ui_intro"))
accounts, log = st.tabs([tr("users_ui_tab_accounts"), tr("users_ui_tab_audit")])
with accounts:
    ui.accounts()
    ui.add_form()
with log:
    ui.audit_log()
