"""Reviews: the weekly and monthly review — carried-over actions, off-track KPIs, gap waterfall, notes.

State in the URL: ``mode`` (weekly | monthly), ``review`` (2026-W47 / 2026-10), ``asof``, ``gap_metric``, ``vs``, ``by``.
"""

from __future__ import annotations

import streamlit as st

from kpi_engine import periods
from kpi_engine.reviews import offtrack
from ui import drill, state
from ui import reviews as ui
from ui.db import get_engine
from ui.i18n import tr
from ui.shell import ensure_app_shell

ensure_app_shell()

st.title(tr("reviews_ui_title"), anchor=False)
st.caption(tr("reviews_ui_intro"))
ui.init_state()
engine = get_engine()
day = ui.as_of()

if drill.empty_database():
    state.sync_url(list(ui.URL_KEYS))
    st.stop()

mode, label = ui.pick_mode_and_period(day)
_, start, end = periods.parse_period(label)
st.caption(tr("reviews_ui_range", start=start.isoformat(), end=min(end, day).isoformat(), asof=day.isoformat()))

ui.carried_over(engine, label)

plan = offtrack.active_plan(engine, start)
if plan is None:
    st.info(tr("reviews_ui_no_plan"), icon=":material/assignment:")
    st.page_link("pages/plan.py", label=tr("plans_ui_sc_to_plan"), icon=":material/assignment:")
else:
    st.caption(tr("reviews_ui_plan", name=plan.name or plan.plan_id, period=plan.period))
    ui.off_track(offtrack.review_frame(engine, plan, start, end, day, ui.lang()))
    if mode == "monthly":
        ui.people(engine, plan, min(day, end))

metric = ui.explain(engine, label, plan)
ui.note_form(engine, label, metric)
state.sync_url(list(ui.URL_KEYS))
