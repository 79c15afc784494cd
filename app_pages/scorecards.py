"""Scorecards: the team's and each person's final score, grade and bonus, with every calculation written out.

State in the URL: ``plan``, ``card`` and ``asof`` (the meeting day, default today; scored with data through the day
before).
"""

from __future__ import annotations

import streamlit as st

from kpi_engine.plans import store
from ui import drill, state
from ui import scorecard as ui
from ui.db import get_engine
from ui.i18n import tr

st.title(tr("plans_ui_sc_title"), anchor=False)
st.caption(tr("plans_ui_sc_intro"))
drill.init_state()
ui.init_state()
engine = get_engine()
as_of = drill.as_of()  # the morning; the engine scores the data through the day before, as everywhere

plans = store.list_plans(engine)
if plans.empty:
    st.info(tr("plans_ui_sc_no_plans"), icon=":material/assignment:")
    st.page_link("app_pages/plan.py", label=tr("plans_ui_sc_to_plan"), icon=":material/assignment:")
else:
    plan_id = ui.pick_plan(plans, as_of)
    score = ui.plan_score(engine, plan_id, as_of)
    card = ui.pick_card(score)
    ui.notes(score)
    ui.totals(card)
    ui.dimension_chart(score, card)
    ui.kpi_table(card, score.plan.framework)
    ui.calculations(card)
    ui.export(score, card)
drill.sync()
state.sync_url(list(ui.URL_KEYS))
