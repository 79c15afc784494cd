"""Streamlit-side building blocks: language, URL state, sidebar, upload flow, tables.

Arrows point one way: ``app.py, pages -> ui -> kpi_engine``.
"""
