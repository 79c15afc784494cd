"""Show a review document's sections on a page: heading, text, a formatted table, Altair charts; cached builders.

The page shows the same :class:`~kpi_engine.reviews.document.ReviewDocument` that the downloads and the
``report`` command write, so what people read in the meeting is what they download.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from kpi_engine import store
from kpi_engine.reviews import build
from kpi_engine.reviews.document import Chart, ReviewDocument, Section
from kpi_engine.reviews.svg import format_number, signed_column
from ui.charts import ACTUAL_COLOR, FONT_SIZE, GAPS, TARGET_COLOR, achievement_chart, value_format
from ui.db import db_url, version
from ui.i18n import lang as current_lang
from ui.waterfall import waterfall_chart, waterfall_frame

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


def cell_text(section: Section, column: str, row: int) -> str:
    """One cell as people read it ("—" for no value), formatted as in the printed report."""
    return format_number(section.table[column].iloc[row], section.unit_of(column, row), signed=signed_column(column),
                         lang=current_lang())


def shown_table(section: Section) -> pd.DataFrame:
    """The section's shown columns as people read them ("—" for no value), headed in the document's language."""
    return pd.DataFrame({section.header(c): [cell_text(section, c, i) for i in range(len(section.table))]
                         for c in section.columns})


def render_section(section: Section, *, heading: bool = True, key: str | None = None) -> None:
    """Heading, paragraphs, the table (or its empty text) and the charts of one section."""
    if heading:
        st.subheader(section.title, anchor=False)
    for line in section.text:
        st.caption(line)
    if section.table.empty:
        if section.empty_text:
            st.info(section.empty_text, icon=":material/info:")
    elif section.key != "trend":
        st.dataframe(shown_table(section), hide_index=True, width="stretch", key=key or f"sec_{section.key}")
    trends = [c for c in section.charts if c.kind == "trend"]
    for chart in section.charts:
        if chart.kind == "bars" and chart.data["value"].notna().any():
            st.altair_chart(bars(chart), width="stretch")
        elif chart.kind == "waterfall":
            st.altair_chart(waterfall(chart), width="stretch")
    for i in range(0, len(trends), TREND_COLUMNS):
        cols = st.columns(TREND_COLUMNS)
        for col, chart in zip(cols, trends[i:i + TREND_COLUMNS], strict=False):
            col.altair_chart(trend(chart), width="stretch")


def bars(chart: Chart) -> alt.TopLevelMixin:
    if chart.unit == "ratio" and chart.reference == 1.0:
        return achievement_chart(chart.data, label="label", value="value")
    data = chart.data.dropna(subset=["label"])  # a row without a value keeps its label, no bar (never 0)
    fmt = value_format(chart.unit)
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=240)))
    layer = base.mark_bar(color=ACTUAL_COLOR, height={"band": 0.6}, invalid=GAPS).encode(
        x=alt.X("value:Q", title=chart.title, axis=alt.Axis(format=fmt)), tooltip=["label:N", alt.Tooltip("value:Q", format=fmt)])
    text = base.mark_text(align="left", dx=4, fontSize=FONT_SIZE - 1, invalid=GAPS).encode(
        x="value:Q", text=alt.Text("value:Q", format=fmt))
    return (layer + text).properties(height=max(34 * len(data), 60))


def trend(chart: Chart) -> alt.TopLevelMixin:
    """Small multiple: weekly actual (solid) against the weekly target (dashed), no line through missing weeks."""
    fmt = value_format(chart.unit)
    data = chart.data.reset_index(drop=True).assign(order=lambda f: range(len(f)))
    x = alt.X("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelAngle=-45, labelFontSize=10))
    actual = alt.Chart(data).mark_line(point=True, color=ACTUAL_COLOR, invalid=GAPS).encode(
        x=x, y=alt.Y("actual:Q", title=None, axis=alt.Axis(format=fmt)),
        tooltip=["label:N", alt.Tooltip("actual:Q", format=fmt), alt.Tooltip("target:Q", format=fmt)])
    target = alt.Chart(data).mark_line(color=TARGET_COLOR, strokeDash=[5, 4], invalid=GAPS).encode(x=x, y="target:Q")
    return alt.layer(actual, target).properties(height=170, title=alt.TitleParams(chart.title, fontSize=13))


def waterfall(chart: Chart) -> alt.TopLevelMixin:
    data = chart.data
    inner = data.iloc[1:-1]
    frame = waterfall_frame(list(inner["label"]), [float(v) for v in inner["value"]], float(data["value"].iloc[0]),
                            float(data["value"].iloc[-1]), str(data["label"].iloc[0]), str(data["label"].iloc[-1]))
    return waterfall_chart(frame, value_format=value_format(chart.unit))
