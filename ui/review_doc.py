"""Show a review document's sections on a page: heading, text, a formatted table, its charts; cached builders.

Charts are the engine's Vega-Lite specs (``kpi_engine.reviews.charts``, the ones the printable report renders with
vl-convert), drawn at the container's width, each with a PNG download under it.

The page shows the same :class:`~kpi_engine.reviews.document.ReviewDocument` that the downloads and the
``report`` command write, so what people read in the meeting is what they download.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pandas as pd
import streamlit as st

from kpi_engine import store
from kpi_engine.reviews import build, charts
from kpi_engine.reviews.cells import format_number, signed_column
from kpi_engine.reviews.document import Chart, ReviewDocument, Section
from ui.db import db_url, version
from ui.i18n import lang as current_lang
from ui.i18n import tr

TREND_COLUMNS = 3


@st.cache_data(show_spinner=False, max_entries=64)
def _body(url: str, data_version: str, kind: str, label: str, as_of: dt.date, lang: str) -> ReviewDocument:
    return build.review_body(store.get_engine(url), kind, label, as_of=as_of, lang=lang, gap_metric=None)


@st.cache_data(show_spinner=False, max_entries=128)
def _gap(url: str, data_version: str, metric: str, label: str, vs: str, by: str, through: dt.date,
         lang: str) -> Section:
    return build.gap_section(store.get_engine(url), metric, label, vs, by, through, lang)


def body(kind: str, label: str, as_of: dt.date, lang: str) -> ReviewDocument:
    """The review without the gap and the notes, cached until the data (or a plan) changes."""
    return _body(db_url(), version(), kind, label, as_of, lang)


def gap_section(metric: str, label: str, vs: str, by: str, through: dt.date, lang: str) -> Section:
    return _gap(db_url(), version(), metric, label, vs, by, through, lang)


def full_document(doc: ReviewDocument, gap: Section | None) -> ReviewDocument:
    """The body plus the chosen gap breakdown and the notes as they are now (for the downloads)."""
    with_gap = dataclasses.replace(doc, sections=(*doc.sections, gap)) if gap is not None else doc
    return build.with_notes(store.get_engine(db_url()), with_gap)


def shown_table(section: Section) -> pd.DataFrame:
    """The section's shown columns as people read them ("—" for no value), headed in the document's language.
    Cell by cell as :meth:`Section.unit_of` says, read from plain lists (pandas indexing per cell cost 0.7 s a page)."""
    lang = current_lang()
    n = len(section.table)
    row_units = (section.table[section.row_unit].tolist() if section.row_unit in section.table.columns
                 else [None] * n)
    out = {}
    for c in section.columns:
        kind, signed = section.formats[c], signed_column(c)
        units = [str(u) if kind == "row" else "pp" if kind == "pct" and u == "ratio" else kind for u in row_units]
        out[section.header(c)] = [format_number(v, u, signed=signed, lang=lang)
                                  for v, u in zip(section.table[c].tolist(), units, strict=True)]
    return pd.DataFrame(out)


def render_section(section: Section, *, heading: bool = True, key: str | None = None) -> None:
    """Heading, paragraphs, the table (or its empty text) and the charts of one section, each with a PNG download."""
    if heading:
        st.subheader(section.title, anchor=False)
    for line in section.text:
        st.caption(line)
    if section.table.empty:
        if section.empty_text:
            st.info(section.empty_text, icon=":material/info:")
    elif section.key != "trend":
        st.dataframe(shown_table(section), hide_index=True, width="stretch", key=key or f"sec_{section.key}")
    drawn = [c for c in section.charts if charts.has_data(c)]
    for i, chart in enumerate(drawn):
        if chart.kind != "trend":
            show_chart(chart, f"{key or section.key}_{i}")
    trends = [(i, c) for i, c in enumerate(drawn) if c.kind == "trend"]
    for start in range(0, len(trends), TREND_COLUMNS):
        cols = st.columns(TREND_COLUMNS)
        for col, (i, chart) in zip(cols, trends[start:start + TREND_COLUMNS], strict=False):
            with col:
                show_chart(chart, f"{key or section.key}_{i}")


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(kind: str, title: str, unit: str, reference: float | None, data_json: str, lang: str) -> dict:
    data = pd.read_json(io.StringIO(data_json), orient="split", dtype=False)
    return charts.chart_spec(Chart(kind, title, data, unit=unit, reference=reference), lang)


def spec(chart: Chart) -> dict:
    """The chart's Vega-Lite spec (``kpi_engine.reviews.charts``), cached by its data."""
    return _spec(chart.kind, chart.title, chart.unit, chart.reference, chart.data.to_json(orient="split"),
                 current_lang())


def show_chart(chart: Chart, key: str) -> None:
    """The chart at the container's width, and under it a button that downloads the same spec as PNG (made by
    vl-convert on the server when clicked: nothing is loaded from outside)."""
    drawn = spec(chart)
    st.vega_lite_chart(drawn, width="stretch")
    st.download_button(tr("reports_png"), lambda: charts.to_png(drawn), file_name=f"{_slug(chart.title)}.png",
                       mime="image/png", key=f"png_{key}", icon=":material/download:", on_click="ignore",
                       type="tertiary", help=tr("reports_png_help"))


def _slug(title: str) -> str:
    return re.sub(r"[^\w\-]+", "-", title, flags=re.UNICODE).strip("-")[:60] or "chart"
