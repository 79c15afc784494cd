"""KPI plan: pick or create a plan, edit its KPIs, see checks and suggestions live, save and activate; YAML files.

State in the URL: ``asof`` (the day checks and suggestions look back from).
"""

from __future__ import annotations

import streamlit as st

from ui import drill, plan_split
from ui import plan as ui
from ui.db import get_engine
from ui.i18n import tr

st.title(tr("plans_ui_plan_title"), anchor=False)
st.caption(tr("plans_ui_plan_intro"))
drill.init_state()
engine = get_engine()
as_of = drill.as_of()
ui.show_flash()

plan = ui.current_plan(engine, as_of)
if plan is None:
    st.info(tr("plans_ui_nothing"), icon=":material/assignment:")
else:
    ui.header(plan)
    edited, row_errors = ui.kpi_editor(plan)
    if row_errors:
        st.error(tr("plans_ui_row_errors") + "\n\n" + "\n".join(f"- {p}" for p in row_errors), icon=":material/error:")
    plan_split.split_section(edited, engine)
    report = ui.checks_section(edited, engine, as_of)
    ui.suggestions_section(edited, engine, as_of)
    ui.actions(edited, report, engine, as_of, row_errors)
ui.yaml_files(None if plan is None else edited)
drill.sync()
