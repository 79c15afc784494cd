"""Delivery: where the 9:00 push goes, what was sent (failures first), alerts to acknowledge or mute, and rules.

Destinations and sends are for admins (webhooks); managers see the alerts and set, mute and acknowledge rules."""

from __future__ import annotations

import streamlit as st

from kpi_engine import access
from ui import alert_rules, delivery
from ui.db import get_engine
from ui.i18n import tr

st.title(tr("push_ui_title"), anchor=False)
st.caption(tr("push_ui_intro"))
engine = get_engine()
if access.current().may("push"):
    delivery.destinations_block(engine)
    delivery.sends_block(engine)
delivery.alerts_block(engine)
alert_rules.add_rule_block(engine)
