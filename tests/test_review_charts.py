"""The review's charts: one Vega-Lite spec per chart (kpi_engine.reviews.charts) for the page, the report and PNG.

Hand-computed axis starts, names on the axis with room (never dropped), a running week drawn as partial, and every
spec valid against the Vega-Lite schema and renderable offline by vl-convert.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pytest

from kpi_engine.reviews import build, charts
from kpi_engine.reviews.document import Chart

NAN = math.nan


def waterfall(start: float, changes: list[float], end: float, names: list[str] | None = None,
              unit: str = "count") -> Chart:
    labels = ["Target", *(names or [f"c{i}" for i in range(len(changes))]), "Actual"]
    kinds = ["total", *["up" if c >= 0 else "down" for c in changes], "total"]
    return Chart("waterfall", "Leads", pd.DataFrame({"label": labels, "value": [start, *changes, end], "kind": kinds}),
                 unit=unit)


def test_big_totals_start_a_little_below_the_lowest_level() -> None:
    # levels 10,000 -> 10,300 -> 9,800 -> 9,700; spread 600, a quarter (150) below 9,700 = 9,550 (a step of 50)
    frame = charts.waterfall_frame(waterfall(10_000, [300, -500, -100], 9_700, ["a", "b", "c"]), "en")
    rows = [(r["label"], r["x0"], r["x1"], r["kind"], r["text"]) for r in frame.to_dict("records")]
    assert rows == [("Target", 9_550.0, 10_000.0, "total", "10,000"), ("a", 10_000.0, 10_300.0, "up", "+300"),
                    ("b", 10_300.0, 9_800.0, "down", "-500"), ("c", 9_800.0, 9_700.0, "down", "-100"),
                    ("Actual", 9_550.0, 9_700.0, "total", "9,700")]
    assert frame.attrs["start"] == 9_550.0


def test_axis_start_is_round_and_zero_when_levels_are_near_zero() -> None:
    # spread 80, 20 below 1,013 = 993, rounded down to a step of 5: 990
    assert charts.axis_start([1_013.0, 1_093.0, 1_050.0]) == 990.0
    assert charts.axis_start([500.0, 500.0]) == 450.0  # all equal: 10% of the level below it
    assert charts.axis_start([100.0, 160.0]) == 0.0  # spread at or above half the lowest level: from 0
    assert charts.axis_start([100.0, 149.0]) > 0
    assert charts.axis_start([100.0, 400.0, -100.0]) == 0.0 and charts.axis_start([0.0, 40.0]) == 0.0
    assert charts.axis_start([NAN]) == 0.0


def test_waterfall_spec_names_on_the_axis_and_the_axis_start_said() -> None:
    chart = waterfall(10_000, [300, -500, -100], 9_700, ["百度搜索", "Xiaohongshu notes (小红书笔记)", "(no target)"])
    spec = charts.chart_spec(chart, "zh")
    bars, text = spec["layer"]
    y = bars["encoding"]["y"]
    assert y["field"] == "label" and y["axis"]["labelOverlap"] is False and y["axis"]["labelLimit"] >= 200
    assert y["sort"] == ["Target", "百度搜索", "Xiaohongshu notes (小红书笔记)", "(no target)", "Actual"]
    assert bars["encoding"]["x"]["scale"]["domain"][0] == 9_550.0 and bars["encoding"]["x2"]["field"] == "x1"
    assert spec["title"]["subtitle"] == "纵轴起点 9,550" and spec["width"] == "container"
    near_zero = charts.chart_spec(waterfall(100, [-60, 20], 60), "en")
    assert "subtitle" not in near_zero["title"]
    svg = charts.to_svg(spec)
    assert all(name in svg for name in ("百度搜索", "Xiaohongshu notes (小红书笔记)", "(no target)", "+300", "-500"))


def test_trend_marks_the_running_week_as_partial() -> None:
    data = pd.DataFrame({"label": [f"2026-W{w}" for w in range(42, 50)],
                         "actual": [240.0, 251, NAN, 262, 250, 230, 221, 61],
                         "target": [NAN, NAN, 250, 250, 250, 250, 250, 250],
                         "partial": [False] * 7 + [True], "partial_text": [""] * 7 + ["partial: 2 of 7 days"]})
    chart = Chart("trend", "Leads @ Team", data)
    frame = charts.trend_frame(chart, "en")
    assert list(frame["state"]) == ["full"] * 7 + ["partial"]
    assert list(frame["tail"]) == [False] * 6 + [True, True]  # the dashed join from the last full week
    assert frame["label_text"].iloc[-1] == "2026-W49 · partial: 2 of 7 days"
    spec = charts.chart_spec(chart, "en")
    assert spec["title"]["text"] == "Leads @ Team"
    rows = spec["data"]["values"]
    assert rows[2]["actual"] is None and rows[0]["target"] is None  # not measured: null, never 0
    marks = [layer["mark"] for layer in spec["layer"]]
    assert {"type": "line", "color": charts.ORANGE, "strokeDash": [6, 4], "strokeWidth": 2,
            "invalid": charts.GAPS} in marks  # the target line
    assert any(m.get("strokeDash") == [3, 3] for m in marks) and any(m.get("filled") is False for m in marks)
    x = spec["layer"][0]["encoding"]["x"]
    assert x["sort"] == list(data["label"]) and x["axis"]["labelOverlap"] is False
    svg = charts.to_svg(spec)
    assert "partial: 2 of 7 days" in svg and all(f">{w}<" in svg for w in data["label"])


def test_complete_weeks_are_not_partial() -> None:
    starts = pd.Series(pd.to_datetime(["2026-11-09", "2026-11-16", "2026-11-23"]))
    cols = build.partial_columns(starts, 7, pd.Timestamp("2026-11-24").date(), "zh")
    assert cols == {"partial": [False, False, True], "partial_text": ["", "", "未完整：7 天中的 2 天"]}
    assert build.partial_columns(starts, 7, pd.Timestamp("2026-11-29").date(), "en")["partial"] == [False] * 3


@pytest.mark.parametrize("kind", ["waterfall", "trend", "bars", "achievement"])
def test_every_spec_is_valid_vega_lite_and_renders_offline(kind: str) -> None:
    chart = {"waterfall": waterfall(1_000, [30, -120], 910, ["Baidu Search", "WeChat"], unit="money"),
             "trend": Chart("trend", "CPL", pd.DataFrame({"label": ["2026-10", "2026-11"], "actual": [120.0, NAN],
                                                          "target": [110.0, 110.0]}), unit="money"),
             "bars": Chart("bars", "Final score", pd.DataFrame({"label": ["王芳", "Li Lei"], "value": [87.5, NAN]}),
                           unit="score", reference=100.0),
             "achievement": Chart("bars", "Achievement", pd.DataFrame({"label": ["Leads @ Team", "CPL @ 百度搜索"],
                                                                       "value": [0.8, 1.25]}), unit="ratio",
                                  reference=1.0)}[kind]
    spec = charts.chart_spec(chart, "en")
    alt.LayerChart.from_dict(spec, validate=True)  # raises on a spec that is not valid Vega-Lite
    png = charts.to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2_000
    assert charts.has_data(chart)
    assert not charts.has_data(Chart(chart.kind, "x", chart.data.assign(**{
        "actual" if kind == "trend" else "value": NAN})))


def test_achievement_bars_keep_every_name_and_draw_a_negative_as_zero_with_its_value() -> None:
    # seven KPIs, one with a negative achievement (a year-over-year growth that fell): the bar is drawn from 0 to 0
    # inside the axis, never over the names, and its text keeps "-45.1%"; a row per KPI, no label dropped
    names = ["Leads", "SQL rate", "High-value share", "Customer rate", "First-order value", "Brand growth", "UGC"]
    values = [1.184, 1.2, 0.925, 1.022, 0.884, -0.451, 1.004]
    spec = charts.chart_spec(Chart("bars", "Achievement", pd.DataFrame({"label": names, "value": values}),
                                   unit="ratio", reference=1.0), "en")
    rows = next(iter(spec["datasets"].values()))
    brand = next(r for r in rows if r["label"] == "Brand growth")
    assert brand["shown"] == 0.0 and brand["text"] == "-45.1%"
    assert min(r["shown"] for r in rows) >= 0.0
    assert spec["height"] == {"step": 34}
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert len(charts.to_png(spec, scale=1)) > 1000
