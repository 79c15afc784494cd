"""Altair chart builders: trend against a dashed target line, cohort funnel, achievement bullets, cost bars.

Builders take engine frames and return charts; titles come from the i18n catalogue in the current
language (en / zh). Values a period did not measure stay in the data as null (never 0): lines break there
(:data:`GAPS`) and bars are not drawn; text on the charts comes from ``kpi_engine.fmt``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from kpi_engine import fmt, periods
from kpi_engine.push import chart as push_chart
from ui.db import settings
from ui.i18n import lang, tr

ACTUAL_COLOR = "#1f6feb"
TARGET_COLOR = "#d1242f"
GOOD_COLOR = "#1a7f37"
BAD_COLOR = "#cf222e"
NEUTRAL_COLOR = "#8c959f"
PARTIAL_COLOR = "#6e9ee8"  # a period still running: lighter, never read as a plunge
FONT_SIZE = 14
GAPS = "break-paths-show-domains"  # Vega-Lite: a null breaks a line (never drawn through, never drawn to 0)


def value_format(unit: str) -> str:
    """d3 format of a metric unit for axes and tooltips (``kpi_engine.fmt.d3_format``: ratios as 12.3%)."""
    return fmt.d3_format(unit)


def _money_title(title: str, unit: str) -> str:
    return f"{title} ({settings().currency_symbol})" if unit == "money" else title


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_axis(labelFontSize=FONT_SIZE - 1, titleFontSize=FONT_SIZE)
            .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
            .configure_view(strokeWidth=0))


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def period_labels(starts: Sequence, grain: str, end: dt.date | None = None) -> list[str]:
    """Axis labels: ``2026-W47`` for weeks, ``2026-11`` for months; "(so far)" on a period cut at ``end``."""
    labels = [periods.period_label(s, grain) for s in starts]
    if end is None:
        return labels
    return [f"{lab} {tr('drill_partial')}" if periods.period_end(s, grain) > end else lab
            for lab, s in zip(labels, starts, strict=True)]


def _period_axis(labels: Sequence[str], title: str) -> alt.Axis:
    """Every period label shown (never dropped): slanted, upright when there are many."""
    return alt.Axis(labelAngle=-45 if len(labels) <= 12 else -90, labelOverlap=False, labelLimit=160, title=title)


def partial_notes(starts: Sequence, grain: str, partial: Sequence[bool], end: dt.date | None) -> list[str]:
    """"partial: 12 of 31 days" for a period still running at ``end`` (its last day with data), "" otherwise."""
    out = []
    for s, part in zip(starts, partial, strict=True):
        start = periods.to_date(s)
        total = (periods.period_end(start, grain) - start).days + 1
        done = (end - start).days + 1 if end is not None else None
        out.append(tr("reports_partial_days", days=done, total=total) if part and done and 0 < done < total else
                   tr("drill_partial") if part else "")
    return out


def trend_chart(frame: pd.DataFrame, *, grain: str, title: str, unit: str, height: int = 320,
                end: dt.date | None = None) -> alt.TopLevelMixin:
    """Actual per period (solid line with points) against the target (dashed line).

    ``frame``: period_start, actual, target, partial (``kpi_engine.drill.trend``). The last, unfinished period is
    marked "(so far)" in its label and drawn as an open, lighter point joined by a dotted line, with "partial: 12
    of 31 days" in its tooltip (``end``: the last day with data), so it never reads as a plunge.
    """
    labels = period_labels(frame["period_start"], grain)
    labels = [f"{lab} {tr('drill_partial')}" if part else lab for lab, part in zip(labels, frame["partial"], strict=True)]
    notes = partial_notes(frame["period_start"], grain, list(frame["partial"]), end)
    actual, target = tr("drill_series_actual"), tr("drill_series_target")
    state = ["partial" if p else "full" for p in frame["partial"]]
    long = pd.concat([
        pd.DataFrame({"period": labels, "series": actual, "value": frame["actual"].astype("float64"), "state": state,
                      "note": notes}),
        pd.DataFrame({"period": labels, "series": target, "value": frame["target"].astype("float64"), "state": state,
                      "note": notes}),
    ], ignore_index=True)  # no value stays null: the line breaks there
    fmt = value_format(unit)
    legend = alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=3, symbolSize=400)
    shown = [actual, target] if frame["target"].notna().any() else [actual]  # no target: no legend entry for it
    colors = alt.Scale(domain=shown, range=[ACTUAL_COLOR, TARGET_COLOR][: len(shown)])
    series = alt.Color("series:N", scale=colors, legend=legend)
    dash = alt.StrokeDash("series:N", legend=legend, scale=alt.Scale(domain=shown, range=[[1, 0], [7, 5]][: len(shown)]))
    x = alt.X("period:N", sort=labels, axis=_period_axis(labels, tr("drill_axis_period")))
    y = alt.Y("value:Q", title=_money_title(title, unit), axis=alt.Axis(format=fmt), scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("period:N", title=tr("drill_axis_period")), alt.Tooltip("series:N", title=" "),
               alt.Tooltip("value:Q", title=title, format=fmt), alt.Tooltip("note:N", title=" ")]
    base = alt.Chart(long).encode(x=x, y=y, tooltip=tooltip)
    whole = base.transform_filter(alt.datum.state == "full")  # a running period's actual and target (pro-rated to
    # its days so far) are drawn apart, as open points, never as a plunge of the lines
    lines = whole.mark_line(strokeWidth=3, invalid=GAPS).encode(color=series, strokeDash=dash)
    runs = base.transform_filter(alt.datum.series == actual)
    points = runs.transform_filter(alt.datum.state == "full").mark_point(
        size=70, filled=True, color=ACTUAL_COLOR, invalid=GAPS)
    last_full = next((lab for lab, st_ in zip(reversed(labels), reversed(state), strict=True) if st_ == "full"), None)
    layers = [lines, points]
    if "partial" in state and last_full is not None:  # the running period: dotted join, open lighter point
        tail = runs.transform_filter((alt.datum.state == "partial") | (alt.datum.period == last_full))
        layers += [tail.mark_line(strokeWidth=2, strokeDash=[2, 3], color=PARTIAL_COLOR, invalid=GAPS),
                   runs.transform_filter(alt.datum.state == "partial").mark_point(
                       size=90, filled=False, strokeWidth=2.5, color=PARTIAL_COLOR, invalid=GAPS),
                   base.transform_filter((alt.datum.series == target) & (alt.datum.state == "partial")).mark_point(
                       shape="stroke", size=140, strokeWidth=2.5, color=TARGET_COLOR, invalid=GAPS)]
    return _style(alt.layer(*layers).properties(height=height))


def funnel_chart(frame: pd.DataFrame, *, height_per_stage: int = 72) -> alt.TopLevelMixin:
    """Centred horizontal bars lead → MQL → SQL → won, counts beside them, conversion % between stages.

    ``frame``: stage, count, share, step (``kpi_engine.metrics.funnel.funnel``).
    """
    data = frame.copy()
    data["label"] = [tr(f"drill_stage_{s}") for s in data["stage"]]
    data["left"] = -data["count"] / 2
    data["right"] = data["count"] / 2
    data["step_text"] = [f"↓ {fmt.percent(v, lang())}" if _known(v) else "" for v in data["step"]]
    share = [tr("drill_funnel_share", share=fmt.percent(v, lang())) if i and _known(v) else ""
             for i, v in enumerate(data["share"])]
    data["count_text"] = [f"{fmt.count(c, lang())} · {t}" if t else fmt.count(c, lang())
                          for c, t in zip(data["count"], share, strict=True)]
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelFontSize=FONT_SIZE + 1, labelFontWeight="bold"),
              scale=alt.Scale(paddingInner=0.42, paddingOuter=0.2))
    widest = max(float(data["count"].max() or 0), 1.0)
    x = alt.X("left:Q", axis=None, scale=alt.Scale(domain=[-widest / 2 * 1.02, widest / 2 * 1.9]))
    tooltip = [alt.Tooltip("label:N", title=tr("drill_funnel_stage")), alt.Tooltip("count_text:N", title=" ")]
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(color=ACTUAL_COLOR, cornerRadius=3).encode(x=x, x2="right:Q", tooltip=tooltip)
    step = height_per_stage  # band step in pixels: the gap between two bars is half a step above a bar's centre
    steps = base.mark_text(color="#57606a", fontSize=FONT_SIZE, dy=-step / 2 + 2).encode(
        x=alt.datum(0), text="step_text:N")
    counts = base.mark_text(align="left", dx=8, fontSize=FONT_SIZE + 1, fontWeight="bold").encode(
        x="right:Q", text="count_text:N")
    chart = alt.layer(bars, steps, counts).properties(height=step * len(data))
    return _style(chart)


def achievement_chart(frame: pd.DataFrame, *, label: str = "label", value: str = "achievement",
                      height_per_row: int = 34, cap: float = 2.0) -> alt.TopLevelMixin:
    """Bullet-style bars of achievement (1.0 = target) per row, with a rule at 100%; green at or above target.

    ``frame``: a label column and an achievement column (ratios; a row without one keeps its label, no bar).
    The spec is ``kpi_engine.push.chart.achievement_layers``, the one the push digests render to PNG.
    """
    data = frame[[label, value]].set_axis(["label", "achievement"], axis=1)
    return _style(push_chart.achievement_layers(data, lang=lang(), axis_title=tr("drill_axis_achievement"), cap=cap,
                                                height_per_row=height_per_row))


def cost_chart(frame: pd.DataFrame, *, grain: str, end: dt.date | None = None, height: int = 300) -> alt.TopLevelMixin:
    """Spend per period as bars (left axis) and cost per lead as a line (right axis).

    ``frame``: period_start, spend, cpl (``kpi_engine.drill.costs``); a period past ``end`` is marked "(so far)".
    """
    labels = period_labels(frame["period_start"], grain, end)
    data = pd.DataFrame({"period": labels, "spend": frame["spend"].astype("float64"),
                         "cpl": frame["cpl"].astype("float64")})
    spend_t, cpl_t = tr("drill_axis_spend"), tr("drill_axis_cpl")
    x = alt.X("period:N", sort=labels, axis=_period_axis(labels, tr("drill_axis_period")))
    tooltip = [alt.Tooltip("period:N", title=tr("drill_axis_period")),
               alt.Tooltip("spend:Q", title=spend_t, format=value_format("money")),
               alt.Tooltip("cpl:Q", title=cpl_t, format=",.2f")]
    bars = alt.Chart(data).mark_bar(color="#9ec5fe", cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        x=x, y=alt.Y("spend:Q", title=_money_title(spend_t, "money"), axis=alt.Axis(format=",.0f")), tooltip=tooltip)
    line = alt.Chart(data).mark_line(color="#bc4c00", strokeWidth=3, point=True, invalid=GAPS).encode(
        x=x, y=alt.Y("cpl:Q", title=_money_title(cpl_t, "money"),
                     axis=alt.Axis(format=",.0f", titleColor="#bc4c00", orient="right")), tooltip=tooltip)
    return _style(alt.layer(bars, line).resolve_scale(y="independent").properties(height=height))


def show(chart: alt.TopLevelMixin, key: str, name: str) -> None:
    """The chart at the container's width and under it a PNG download of the same spec (vl-convert on the server
    when clicked, ``kpi_engine.push.chart.to_png``: nothing is loaded from outside)."""
    st.altair_chart(chart, width="stretch")
    st.download_button(tr("reports_png"), lambda: push_chart.to_png(chart), file_name=f"{_slug(name)}.png",
                       mime="image/png", key=f"png_{key}", icon=":material/download:", on_click="ignore",
                       type="tertiary", help=tr("reports_png_help"))


def _slug(title: str) -> str:
    return re.sub(r"[^\w\-]+", "-", title).strip("-")[:60] or "chart"
