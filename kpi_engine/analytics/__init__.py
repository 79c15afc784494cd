"""Analytics beyond the anchors (issue 16): forecasts with a band, response curves and the budget what-if,
multi-touch attribution. Pure Python over the metric query layer and SQL built here; no Streamlit.

- :mod:`kpi_engine.analytics.forecast`: a KPI's daily series projected to the end of its period, 80% band;
- :mod:`kpi_engine.analytics.response`: per-channel spend -> leads curves with diminishing returns (scipy);
- :mod:`kpi_engine.analytics.budget`: "move ¥X from A to B" and the optimiser that splits a budget;
- :mod:`kpi_engine.analytics.attribution`: first/last/linear/time-decay/position-based credit, CAC per model.
"""
