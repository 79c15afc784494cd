"""Delivery: where the 9:00 push goes, what was sent (failures first), alerts to acknowledge or mute, and rules."""

from __future__ import annotations

import streamlit as st

from ui import delivery
from ui.db import get_engine
from ui.i18n import tr
from ui.shell import ensure_app_shell

ensure_app_shell()

st.title(tr("push_ui_title"), anchor=False)
st.caption(tr("push_ui_intro"))
engine = get_engine()
delivery.destinations_block(engine)
delivery.sends_block(engine)
delivery.alerts_block(engine)
