"""Reviews: the weekly and monthly review — carried-over actions, off-track KPIs, every KPI with its trend, scores,
gains and shortfalls, the gap breakdown, notes, and downloads (Excel, printable HTML).

The review follows the sidebar's period (a week: the weekly review, a month: the monthly review; a day, a quarter
or a custom range: the page says which review it shows). State in the URL: ``gap_metric``, ``vs``, ``by``.
"""

from __future__ import annotations

import streamlit as st

from kpi_engine import periods
from kpi_engine.reviews import offtrack, weekly
from ui import drill, review_doc, state
from ui import reviews as ui
from ui.db import get_engine
from ui.i18n import lang, tr

st.title(tr("reviews_ui_title"), anchor=False)
st.caption(tr("reviews_ui_intro"))
ui.init_state()
engine = get_engine()
day = ui.as_of()

if drill.empty_database():
    state.sync_url(list(ui.URL_KEYS))
    st.stop()

mode, label = ui.review_of_period(day)
_, start, end = periods.parse_period(label)
through = min(end, weekly.data_day(day))
with st.spinner(tr("reviews_ui_building")):
    doc = review_doc.body(mode, label, day, lang())
for line in doc.subtitle:
    st.caption(line)
downloads = st.container()

ui.carried_over(engine, label)

plan = offtrack.active_plan(engine, start)
if plan is None:
    st.page_link("app_pages/plan.py", label=tr("plans_ui_sc_to_plan"), icon=":material/assignment:")
for section in doc.sections:
    review_doc.render_section(section)

gap_section = None
if through >= start:
    metric, gap_section = ui.explain(label, plan, through)
else:
    metric = None
    st.info(tr("reviews_ui_not_started", start=start.isoformat()), icon=":material/schedule:")
with downloads:
    ui.downloads(doc, gap_section)
ui.note_form(engine, label, metric)
state.sync_url(list(ui.URL_KEYS))
