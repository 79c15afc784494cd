"""Analytics (issue 16): the period's forecast with an 80% band, the budget what-if, multi-touch attribution,
and your own metrics (a formula over the registry's metrics, 16.5).

Every number comes from ``kpi_engine.analytics`` and ``kpi_engine.metrics``; the building blocks live in
``ui/analytics.py`` and ``ui/custom_metrics.py``.
"""

from __future__ import annotations

import streamlit as st

from ui import analytics as ui
from ui import drill
from ui.custom_metrics import custom_metrics_tab
from ui.i18n import tr

st.title(tr("analytics_title"), anchor=False)
st.caption(tr("analytics_intro"))

if not drill.empty_database():
    as_of = ui.last_day()
    if as_of is None:
        st.info(tr("analytics_bw_none"), icon=":material/insights:")
    else:
        st.caption(tr("analytics_data_through", day=as_of.isoformat()))
        ui.keep_choices()
        # Only the open tab runs (a click on another reruns the page): the response curves' fitting and the
        # attribution are not computed for a reader of the forecast (issue 11.9).
        forecast_tab, budget_tab, attribution_tab, custom_tab = st.tabs(
            [tr("analytics_tab_forecast"), tr("analytics_tab_budget"), tr("analytics_tab_attribution"),
             tr("analytics_tab_custom")], key=ui.TAB_KEY, on_change="rerun")
        if forecast_tab.open:
            with forecast_tab:
                ui.forecast_tab(as_of)
        if budget_tab.open:
            with budget_tab:
                ui.budget_tab(as_of)
        if attribution_tab.open:
            with attribution_tab:
                ui.attribution_tab(as_of)
        if custom_tab.open:
            with custom_tab:
                custom_metrics_tab()
