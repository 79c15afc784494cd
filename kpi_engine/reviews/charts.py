"""A review's charts as Vega-Lite specs: one spec per chart for the page, the printable report and the PNG download.

:func:`chart_spec` turns a :class:`~kpi_engine.reviews.document.Chart` into a Vega-Lite dict (built with Altair,
data inline). The page draws it (``ui.review_doc``: ``width="container"``), :func:`to_svg` and :func:`to_png`
render it with vl-convert (no browser, no network) for the HTML report and the download buttons. So the picture
people print is the picture on the page.

Trust rules every spec keeps:

- every category label is shown (``labelOverlap`` off, long names get room: ``labelLimit``); the waterfall and the
  bars put names on the vertical axis, one row each, so they read at 390 px as at 1440 px;
- a value that was not measured draws nothing (never 0); lines break there;
- a period not over yet (``partial`` in a trend's data) is drawn as an open, lighter point with "partial: 5 of 7
  days" in its tooltip, so a running week does not read as a plunge; the target is a dashed line;
- the waterfall's value axis: totals ~10,000 with changes of ±300 would leave the changes a few pixels wide on an
  axis from 0. When every running level is far from zero (their spread is under half the lowest level) the axis
  starts a round step below the lowest level and the chart says so in its subtitle ("Axis starts at 9,500"); the
  totals are drawn from that start, the changes float from level to level. Otherwise the axis starts at 0.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Final

import altair as alt
import pandas as pd
import vl_convert as vlc

from kpi_engine import fmt
from kpi_engine.i18n import t
from kpi_engine.push import chart as push_chart
from kpi_engine.reviews.cells import format_number, is_missing
from kpi_engine.reviews.document import Chart

BLUE, GREEN, RED, GREY, ORANGE, INK = "#1f6feb", "#1a7f37", "#cf222e", "#8c959f", "#d1242f", "#24292f"
LIGHT_BLUE = "#6e9ee8"
FONT = push_chart.FONT
GAPS: Final = push_chart.GAPS
PRINT_WIDTH = 640  # px of a chart drawn for print or PNG (the page draws it at the container's width)
LABEL_LIMIT = 220  # px a category name may take before it is cut with "…"


def nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10^k) of at least a fifth of ``span`` (> 0)."""
    raw = span / 5.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


def axis_start(levels: list[float], *, pad: float = 0.25) -> float:
    """Where a waterfall's value axis (and its totals) start for these running levels (see the module docstring):
    0 when a level is ≤ 0 or the levels spread over half the lowest one; else ``pad`` × the spread (10% of the
    level when all are equal) below the lowest level, rounded down to a round step, never below 0."""
    finite = [v for v in levels if math.isfinite(v)]
    if not finite:
        return 0.0
    lo, hi = min(finite), max(finite)
    if lo <= 0 or hi - lo >= 0.5 * lo:
        return 0.0
    below = pad * (hi - lo) if hi > lo else 0.1 * lo
    step = nice_step(below)
    return max(0.0, math.floor((lo - below) / step) * step)


def waterfall_levels(chart: Chart) -> list[tuple[float, float, str]]:
    """Each row's bar as (start, end, kind): totals from the axis (start NaN), changes from the running level."""
    bars: list[tuple[float, float, str]] = []
    level = 0.0
    kinds = [str(k) for k in chart.data["kind"]] if "kind" in chart.data else ["up"] * len(chart.data)
    for value, kind in zip(pd.to_numeric(chart.data["value"], errors="coerce"), kinds, strict=True):
        v = float(value) if not is_missing(value) else 0.0
        if kind == "total":
            level = v
            bars.append((math.nan, v, kind))
        else:
            bars.append((level, level + v, "up" if v >= 0 else "down"))
            level += v
    return bars


def waterfall_frame(chart: Chart, lang: str) -> pd.DataFrame:
    """The bars to draw: label, x0/x1 (totals from the axis start), kind, order, the value as text; the axis start
    in ``frame.attrs["start"]``."""
    bars = waterfall_levels(chart)
    start = axis_start([v for s, e, _ in bars for v in (s, e)])
    labels = ["" if is_missing(v) else str(v) for v in chart.data["label"]]
    values = pd.to_numeric(chart.data["value"], errors="coerce")
    frame = pd.DataFrame({
        "label": labels,
        "x0": [start if k == "total" else s for s, _, k in bars],
        "x1": [e for _, e, _ in bars],
        "kind": [k for _, _, k in bars],
        "order": range(len(bars)),
        "text": [format_number(v, chart.unit, signed=k != "total", lang=lang) for v, (_, _, k) in
                 zip(values, bars, strict=True)],
    })
    frame.attrs["start"] = start
    return frame


def _width(width: int | None) -> int | str:
    return "container" if width is None else width


def _y_names(order: list[str]) -> alt.Y:
    return alt.Y("label:N", sort=order, title=None,
                 axis=alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False, labelFontSize=12))


def waterfall_spec(chart: Chart, lang: str, width: int | None = None) -> alt.TopLevelMixin:
    """Horizontal waterfall: the comparison total, one bar per contributor (green up, red down), the actual total."""
    frame = waterfall_frame(chart, lang)
    start = float(frame.attrs["start"])
    lo = min(start, float(frame[["x0", "x1"]].min().min()))
    hi = max(start, float(frame[["x0", "x1"]].max().max()))
    span = hi - lo or abs(hi) or 1.0
    domain = [lo if lo == start else lo - 0.05 * span, hi + 0.22 * span]  # room right of a bar for its value
    color = alt.Color("kind:N", legend=None, scale=alt.Scale(domain=["total", "up", "down"], range=[BLUE, GREEN, RED]))
    x = alt.X("x0:Q", title=None, scale=alt.Scale(domain=domain, zero=False, nice=False),
              axis=alt.Axis(format=fmt.d3_format(chart.unit), labelOverlap=True, tickCount=4))
    base = alt.Chart(frame).encode(y=_y_names(list(frame["label"])))
    tooltip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=chart.title)]
    bars = base.mark_bar(clip=True, height={"band": 0.62}).encode(x=x, x2="x1:Q", color=color, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=12, color=INK, clip=True).encode(
        x=alt.X("right:Q", scale=alt.Scale(domain=domain, zero=False, nice=False)), text="text:N").transform_calculate(
        right="max(datum.x0, datum.x1)")
    subtitle = t("reports_axis_from", lang, value=format_number(start, chart.unit, lang=lang)) if start else ""
    title = alt.TitleParams(chart.title, subtitle=subtitle or alt.Undefined, anchor="start", fontSize=14)
    return alt.layer(bars, text).properties(title=title, width=_width(width), height=max(30 * len(frame), 90))


def trend_frame(chart: Chart, lang: str) -> pd.DataFrame:
    """The trend's rows: label, order, actual, target (None where not measured), state (full | partial), ``tail``
    (the last full period and the partial one, joined by a dashed line), texts for the tooltip."""
    data = chart.data.reset_index(drop=True)
    n = len(data)
    partial = [bool(v) for v in data["partial"]] if "partial" in data else [False] * n
    notes = [str(v) if isinstance(v, str) else "" for v in data["partial_text"]] if "partial_text" in data else [""] * n
    actual = pd.to_numeric(data["actual"], errors="coerce").astype("float64")
    target = (pd.to_numeric(data["target"], errors="coerce").astype("float64") if "target" in data
              else pd.Series([math.nan] * n, dtype="float64"))
    full_with_value = [i for i in range(n) if not partial[i] and not math.isnan(actual[i])]
    last_full = full_with_value[-1] if full_with_value else -1
    return pd.DataFrame({
        "label": ["" if is_missing(v) else str(v) for v in data["label"]], "order": range(n),
        "actual": actual, "target": target, "state": ["partial" if p else "full" for p in partial],
        "tail": [partial[i] or (i == last_full and any(partial)) for i in range(n)], "note": notes,
        "label_text": [f"{lab} · {note}" if note else str(lab) for lab, note in zip(data["label"], notes, strict=True)],
        "actual_text": [format_number(v, chart.unit, lang=lang) for v in actual],
        "target_text": [format_number(v, chart.unit, lang=lang) for v in target]})


@functools.lru_cache(maxsize=64)
def _trend_template(unit: str, lang: str, width: int | None, height: int) -> str:
    """The trend spec without its data, title and period order (the same for every KPI of a unit): built with
    Altair once, then filled per chart (15 small multiples would otherwise cost 15 Altair builds)."""
    x = alt.X("label:N", sort=[_SORT], title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=False, labelFontSize=10))
    axis = alt.Axis(format=fmt.d3_format(unit), tickCount=4, labelOverlap=True)
    y = alt.Y("actual:Q", title=None, axis=axis)
    tooltip = [alt.Tooltip("label_text:N", title=" "), alt.Tooltip("actual_text:N", title=t("reports_actual", lang)),
               alt.Tooltip("target_text:N", title=t("reports_target", lang))]
    base = alt.Chart().encode(x=x)
    target = base.mark_line(color=ORANGE, strokeDash=[6, 4], strokeWidth=2, invalid=GAPS).encode(
        y=alt.Y("target:Q", title=None, axis=axis), tooltip=tooltip)
    tail = base.transform_filter(alt.datum.tail).mark_line(
        color=LIGHT_BLUE, strokeWidth=2, strokeDash=[3, 3], invalid=GAPS).encode(y=y)
    line = base.transform_filter(alt.datum.state == "full").mark_line(
        color=BLUE, strokeWidth=2.5, invalid=GAPS).encode(y=y)
    points = base.transform_filter(alt.datum.state == "full").mark_point(
        size=50, filled=True, color=BLUE, invalid=GAPS).encode(y=y, tooltip=tooltip)
    running = base.transform_filter(alt.datum.state == "partial").mark_point(
        size=70, filled=False, color=LIGHT_BLUE, strokeWidth=2, invalid=GAPS).encode(y=y, tooltip=tooltip)
    note = base.transform_filter(alt.datum.state == "partial").mark_text(
        align="right", dx=-8, dy=-10, fontSize=10, color="#57606a", invalid=GAPS).encode(y=y, text="note:N")
    chart = alt.layer(target, tail, line, points, running, note, data=alt.Data(name="rows")).properties(
        title=alt.TitleParams(_TITLE, anchor="start", fontSize=13, limit=0), width=_width(width), height=height)
    return json.dumps(_styled(chart).to_dict(validate=False), ensure_ascii=False)


_SORT, _TITLE = "__order__", "__title__"


def trend_spec(chart: Chart, lang: str, width: int | None = None, height: int = 220) -> dict:
    """Actual per period (line and points) against the target (dashed); a partial period as an open, lighter point
    joined by a dashed line and labelled with its days ("2/7 d"), never drawn as a plunge of the solid line."""
    frame = trend_frame(chart, lang)
    text = _trend_template(chart.unit, lang, width, height)
    text = text.replace(json.dumps([_SORT]), json.dumps(list(frame["label"]), ensure_ascii=False))
    text = text.replace(json.dumps(_TITLE), json.dumps(chart.title, ensure_ascii=False))
    spec = json.loads(text)
    spec["data"] = {"values": _records(frame)}
    return spec


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows for a spec's inline data: NaN as null (JSON has no NaN)."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def bars_spec(chart: Chart, lang: str, width: int | None = None) -> alt.TopLevelMixin:
    """Horizontal bars, names on the left; achievement bars (ratio against 1.0) are the push digests' spec."""
    data = chart.data.dropna(subset=["label"]).reset_index(drop=True)
    if chart.unit == "ratio" and chart.reference == 1.0:
        frame = pd.DataFrame({"label": data["label"].astype(str), "achievement": data["value"]})
        spec = push_chart.achievement_layers(frame, lang=lang, axis_title=chart.title)
        return spec.properties(title=alt.TitleParams(chart.title, anchor="start", fontSize=14), width=_width(width))
    frame = pd.DataFrame({"label": data["label"].astype(str),
                          "value": pd.to_numeric(data["value"], errors="coerce").astype("float64")})
    frame["text"] = [format_number(v, chart.unit, lang=lang) for v in frame["value"]]
    base = alt.Chart(frame).encode(y=_y_names(list(frame["label"])))
    x = alt.X("value:Q", title=None, axis=alt.Axis(format=fmt.d3_format(chart.unit), tickCount=4),
              scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=chart.title)]
    bars = base.mark_bar(color=BLUE, height={"band": 0.6}, invalid=GAPS).encode(x=x, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=12, invalid=GAPS).encode(x="value:Q", text="text:N")
    layers = [bars, text]
    if chart.reference is not None:
        layers.append(alt.Chart(pd.DataFrame({"x": [chart.reference]})).mark_rule(
            color=INK, strokeDash=[4, 3], strokeWidth=2).encode(x="x:Q"))
    return alt.layer(*layers).properties(title=alt.TitleParams(chart.title, anchor="start", fontSize=14),
                                         width=_width(width), height=max(30 * len(frame), 60))


_BUILDERS = {"waterfall": waterfall_spec, "bars": bars_spec}


def has_data(chart: Chart) -> bool:
    """Whether the chart has anything to draw (a chart without a value is not drawn; the table says "—")."""
    column = "actual" if chart.kind == "trend" else "value"
    return column in chart.data and pd.to_numeric(chart.data[column], errors="coerce").notna().any()


def _styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=13).configure_view(strokeWidth=0)


def chart_spec(chart: Chart, lang: str, *, width: int | None = None) -> dict:
    """The chart's Vega-Lite spec (a dict, data inline); ``width`` None fills the page's container."""
    if chart.kind == "trend":
        return trend_spec(chart, lang, width)
    spec = _BUILDERS[chart.kind](chart, lang, width)
    return _styled(spec).to_dict(validate=False)  # checked against the Vega-Lite schema in tests/test_review_charts.py


def to_svg(spec: dict) -> str:
    """The spec drawn as SVG by vl-convert (no network: data is inline and no URL is allowed)."""
    return vlc.vegalite_to_svg(_fixed(spec), allowed_base_urls=[])


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """The spec drawn as PNG by vl-convert, for the download buttons and messages."""
    return bytes(vlc.vegalite_to_png(_fixed(spec), scale=scale, allowed_base_urls=[]))


def _fixed(spec: dict) -> dict:
    """A container-wide spec at the print width (vl-convert has no container)."""
    return {**spec, "width": PRINT_WIDTH} if spec.get("width") == "container" else spec
