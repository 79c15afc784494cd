"""Standup: yesterday, week to date and pacing against targets, the most urgent alerts, what changed, freshness."""

from __future__ import annotations

import streamlit as st

from ui import cards, db, overview, standup
from ui.i18n import tr
from ui.shell import ensure_app_shell
from ui.state import sync_url

ensure_app_shell()
cards.inject_style()

day = standup.as_of()
view = standup.load(day)
standup.header(view)

if not view.has_data:
    st.info(tr("standup_empty"), icon=":material/lightbulb:")
    overview.first_steps()
else:
    standup.freshness(view)
    standup.alerts(view)
    standup.board(view)
    standup.changes(view)
st.caption(tr("ui_home_db", kind=db.backend_label()))
sync_url()
