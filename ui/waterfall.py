"""A waterfall chart (Altair) for a gap breakdown: comparison total, one bar per contributor, actual total."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts import ACTUAL_COLOR, BAD_COLOR, FONT_SIZE, GOOD_COLOR, NEUTRAL_COLOR


def waterfall_frame(labels: list[str], contributions: list[float], start: float, end: float,
                    start_label: str, end_label: str) -> pd.DataFrame:
    """Bars with ``y0``/``y1`` (floating for contributors), ``kind`` = total / up / down; order kept."""
    rows = [{"label": start_label, "y0": 0.0, "y1": start, "value": start, "kind": "total"}]
    level = start
    for label, c in zip(labels, contributions, strict=True):
        rows.append({"label": label, "y0": level, "y1": level + c, "value": c, "kind": "up" if c >= 0 else "down"})
        level += c
    rows.append({"label": end_label, "y0": 0.0, "y1": end, "value": end, "kind": "total"})
    frame = pd.DataFrame(rows)
    frame["order"] = range(len(frame))
    return frame


def waterfall_chart(frame: pd.DataFrame, *, value_format: str = ",.0f", height: int = 340) -> alt.Chart:
    """Green bars go up, red bars go down, totals in blue (start = comparison, end = actual)."""
    color = alt.Color("kind:N", legend=None, scale=alt.Scale(domain=["total", "up", "down"],
                                                             range=[ACTUAL_COLOR, GOOD_COLOR, BAD_COLOR]))
    base = alt.Chart(frame).encode(x=alt.X("label:N", sort=alt.SortField("order"), title=None,
                                           axis=alt.Axis(labelAngle=-30, labelLimit=160)))
    bars = base.mark_bar(size=34, clip=True).encode(
        y=alt.Y("y0:Q", title=None, axis=alt.Axis(format=value_format), scale=alt.Scale(zero=False)), y2="y1:Q", color=color,
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", format=value_format)])
    text = base.mark_text(dy=-8, fontSize=FONT_SIZE - 1, color=NEUTRAL_COLOR).encode(
        y=alt.Y("top:Q"), text=alt.Text("value:Q", format=value_format)).transform_calculate(
        top="max(datum.y0, datum.y1)")
    return (bars + text).properties(height=height).configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
