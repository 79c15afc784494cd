"""Every chart builder keeps a missing value as null in the Altair spec (never 0, never dropped) and breaks
lines there (issue 10, point 10)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_engine.reviews import charts as review_charts
from kpi_engine.reviews.document import Chart
from kpi_engine.settings import Settings
from ui import charts

NAN = math.nan
WEEKS = [dt.date(2026, 10, 5) + dt.timedelta(weeks=i) for i in range(4)]


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "settings", Settings)  # the currency symbol of money axis titles


def _rows(chart: object) -> list[dict]:
    spec = chart.to_dict()  # type: ignore[attr-defined]
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _marks(chart: object) -> list[dict]:
    spec = chart.to_dict()  # type: ignore[attr-defined]
    out = []
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark")
        if mark is not None:
            out.append(mark if isinstance(mark, dict) else {"type": mark})
    return out


def _assert_null_kept(chart: object, field: str, label_field: str, label: object) -> None:
    rows = [r for r in _rows(chart) if r.get(label_field) == label and field in r]
    assert rows, f"no row for {label!r}"
    assert all(r[field] is None for r in rows), rows  # null in the spec, not 0 and not left out
    for mark in _marks(chart):
        if mark["type"] in ("line", "area"):
            assert mark.get("invalid") == charts.GAPS  # a null breaks the line


def test_trend_chart_keeps_a_missing_week_as_null() -> None:
    frame = pd.DataFrame({"period_start": WEEKS, "actual": [10.0, NAN, 12.0, 9.0], "target": [11.0, 11.0, NAN, 11.0],
                          "partial": [False, False, False, True]})
    chart = charts.trend_chart(frame, grain="week", title="Leads", unit="count")
    labels = charts.period_labels(frame["period_start"], "week")
    rows = _rows(chart)
    assert [r["value"] for r in rows if r["period"] == labels[1]] == [None, 11.0]  # actual missing, target there
    assert [r["value"] for r in rows if r["period"] == labels[2]] == [12.0, None]
    assert all(m.get("invalid") == charts.GAPS for m in _marks(chart))


def test_cost_chart_keeps_a_week_without_cpl_as_null() -> None:
    frame = pd.DataFrame({"period_start": WEEKS, "spend": [500.0, 0.0, 300.0, 200.0], "cpl": [50.0, NAN, 30.0, 20.0]})
    chart = charts.cost_chart(frame, grain="week")
    label = charts.period_labels(frame["period_start"], "week")[1]
    _assert_null_kept(chart, "cpl", "period", label)
    assert next(r for r in _rows(chart) if r["period"] == label)["spend"] == 0.0  # no spend is a real 0


def test_achievement_chart_keeps_the_row_without_a_value() -> None:
    frame = pd.DataFrame({"label": ["Leads", "CPL", "SLA"], "achievement": [0.8, NAN, math.inf]})
    chart = charts.achievement_chart(frame)
    _assert_null_kept(chart, "shown", "label", "CPL")
    texts = {r["label"]: r["text"] for r in _rows(chart) if "text" in r}
    assert texts == {"Leads": "80.0%", "CPL": "—", "SLA": "∞"}


def test_review_trend_and_bars_keep_nulls() -> None:
    """The review's specs (``kpi_engine.reviews.charts``, the page's and the report's): null kept, lines break."""
    data = pd.DataFrame({"label": ["W1", "W2", "W3"], "actual": [5.0, NAN, 7.0], "target": [6.0, 6.0, NAN]})
    trend = review_charts.chart_spec(Chart("trend", "Leads", data, unit="count"), "en")
    rows = trend["data"]["values"]
    assert [r["actual"] for r in rows] == [5.0, None, 7.0] and [r["target"] for r in rows] == [6.0, 6.0, None]
    assert all(layer["mark"].get("invalid") == charts.GAPS for layer in trend["layer"]
               if layer["mark"]["type"] in ("line", "point"))
    bars = review_charts.chart_spec(Chart("bars", "Final score", pd.DataFrame({"label": ["Ann", "Bob"],
                                                                                 "value": [98.0, NAN]}), unit="score"), "en")
    values = {r["label"]: r["value"] for rows in bars["datasets"].values() for r in rows}
    assert values == {"Ann": 98.0, "Bob": None}


def test_a_running_period_is_drawn_partial_with_its_days() -> None:
    # weeks from Monday 2026-10-05; data through Wednesday 2026-10-28: the last week has 3 of its 7 days
    frame = pd.DataFrame({"period_start": WEEKS, "actual": [10.0, 11.0, 12.0, 4.0], "target": [11.0] * 4,
                          "partial": [False, False, False, True]})
    chart = charts.trend_chart(frame, grain="week", title="Leads", unit="count", end=dt.date(2026, 10, 28))
    notes = {r["period"]: r["note"] for r in _rows(chart) if r["series"] == "Actual"}
    assert list(notes.values()) == ["", "", "", "partial: 3 of 7 days"]
    marks = _marks(chart)
    assert {"type": "point", "size": 90, "filled": False, "strokeWidth": 2.5, "color": charts.PARTIAL_COLOR,
            "invalid": charts.GAPS} in marks  # an open, lighter point
    spec = chart.to_dict()
    solid = spec["layer"][0]["transform"][0]["filter"]
    assert "full" in str(solid)  # the solid line stops at the last full week: no plunge
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelOverlap"] is False
