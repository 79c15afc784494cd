"""Analytics (issue 16): the period's forecast with an 80% band, the budget what-if, multi-touch attribution.

Every number comes from ``kpi_engine.analytics``; the building blocks live in ``ui/analytics.py``.
"""

from __future__ import annotations

import streamlit as st

from ui import analytics as ui
from ui import drill
from ui.i18n import tr
from ui.shell import ensure_app_shell

ensure_app_shell()

st.title(tr("analytics_title"), anchor=False)
st.caption(tr("analytics_intro"))

if not drill.empty_database():
    as_of = ui.last_day()
    if as_of is None:
        st.info(tr("analytics_bw_none"), icon=":material/insights:")
    else:
        st.caption(tr("analytics_data_through", day=as_of.isoformat()))
        forecast_tab, budget_tab, attribution_tab = st.tabs(
            [tr("analytics_tab_forecast"), tr("analytics_tab_budget"), tr("analytics_tab_attribution")])
        with forecast_tab:
            ui.forecast_tab(as_of)
        with budget_tab:
            ui.budget_tab(as_of)
        with attribution_tab:
            ui.attribution_tab(as_of)
