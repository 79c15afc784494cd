"""The achievement chart, one Vega-Lite spec (Altair) for the pages and the messages.

:func:`achievement_layers` is the spec: one horizontal bar per row (the achievement, 1.0 = target) against a
dashed 100% line, its value written beside it (``kpi_engine.fmt.achievement``). A bar is green when on track
(a status in :data:`GOOD_STATUSES`, or at/above target when the row has no status column), red when behind,
grey with an unknown status; a row without a value keeps its label and draws no bar (never 0); values above
``cap`` are drawn at the cap. The pages (``ui.charts.achievement_chart``: Team page, review documents) and the
push digests (:func:`message_chart`, rendered to PNG by :func:`to_png` with vl-convert: no browser, no network)
build it with this one function, so the picture in a message is the picture on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import altair as alt
import pandas as pd
import vl_convert as vlc

from kpi_engine import fmt

GOOD, BAD, NEUTRAL, RULE = "#1a7f37", "#cf222e", "#8c959f", "#24292f"
CAP = 2.0
GAPS: Final = "break-paths-show-domains"  # Vega-Lite: a null draws no bar and breaks lines (never drawn at 0)
GOOD_STATUSES = frozenset({"on_track", "achieved"})
BAD_STATUSES = frozenset({"at_risk", "off_track", "missed", "overspending", "underspending"})
FONT = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    achievement: float | None
    status: str | None = None


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _tone(status: object, value: float) -> str:
    if isinstance(status, str) and status:
        return "good" if status in GOOD_STATUSES else "bad" if status in BAD_STATUSES else "neutral"
    if math.isnan(value):
        return "neutral"
    return "good" if value >= 1 else "bad"


def achievement_layers(frame: pd.DataFrame, *, lang: str, axis_title: str | None = None, cap: float = CAP,
                       height_per_row: int = 34) -> alt.LayerChart:
    """The spec for ``frame`` (columns ``label``, ``achievement``, optionally ``status``), rows in frame order."""
    data = frame.dropna(subset=["label"]).reset_index(drop=True)
    values = [_number(v) for v in data["achievement"]]
    statuses = data["status"] if "status" in data else [None] * len(data)
    data = pd.DataFrame({
        "label": data["label"].astype(str),
        "achievement": pd.Series(values, dtype="float64"),
        # drawn between 0 and the cap; the text keeps the real value (a negative growth reads "-45.1%")
        "shown": pd.Series([min(max(v, 0.0), cap) for v in values], dtype="float64"),
        "text": [fmt.achievement(None if math.isnan(v) else v, lang) for v in values],
        "tone": [_tone(s, v) for s, v in zip(statuses, values, strict=True)],
    })
    shown = data["shown"].dropna()
    domain = [0, max(1.2, float(shown.max()) if len(shown) else 1.2)]
    y = alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=200, labelOverlap=False,
                                                                         labelExpr="split(datum.label, '\\n')"))
    x = alt.X("shown:Q", title=axis_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=domain))
    color = alt.Color("tone:N", scale=alt.Scale(domain=["good", "bad", "neutral"], range=[GOOD, BAD, NEUTRAL]),
                      legend=None)
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(cornerRadius=2, height={"band": 0.6}, invalid=GAPS).encode(
        x=x, color=color, tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=axis_title or " ")])
    text = base.mark_text(align="left", dx=4, fontSize=13, invalid=GAPS).encode(x="shown:Q", text="text:N")
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=RULE, strokeDash=[4, 3], strokeWidth=2).encode(x="x:Q")
    chart = alt.layer(bars, text, rule)
    assert isinstance(chart, alt.LayerChart)  # layer() only returns a FacetChart when given facet arguments
    return chart.properties(height=alt.Step(height_per_row))  # a row per KPI: never squeezed, labels never dropped


def message_chart(bars: Sequence[Bar], title: str, lang: str, *, width: int = 560) -> alt.LayerChart | None:
    """The chart a message carries (with its title, fixed width and CJK fonts), or None when no bar has a value."""
    frame = pd.DataFrame([(b.label, b.achievement, b.status) for b in bars],
                         columns=["label", "achievement", "status"])
    if frame.empty or not any(not math.isnan(_number(v)) for v in frame["achievement"]):
        return None
    return (achievement_layers(frame, lang=lang, height_per_row=28)
            .properties(title=title, width=width)
            .configure(font=FONT)
            .configure_title(fontSize=15, anchor="start")
            .configure_axis(labelFontSize=12)
            .configure_view(strokeWidth=0))


def spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec as a dict (data inline)."""
    return chart.to_dict()


def to_png(chart: alt.TopLevelMixin | None, scale: float = 2.0) -> bytes | None:
    """The chart as PNG bytes (None for no chart)."""
    if chart is None:
        return None
    return bytes(vlc.vegalite_to_png(spec(chart), scale=scale))
