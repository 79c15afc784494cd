"""The digest's chart: achievement per KPI as horizontal bars against a 100% line, as a Vega-Lite spec (Altair)
rendered to PNG with vl-convert (no browser, no network).

The spec is the one the message describes: each bar is a KPI's (projected) achievement, green when on track,
red when behind, grey without a status; KPIs without a value are left out, never drawn at 0. An achievement
without bound (a lower-is-better KPI at 0) is drawn at :data:`SHOWN_MAX`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

GOOD, BAD, NEUTRAL, RULE = "#1a7f37", "#cf222e", "#8c959f", "#24292f"
SHOWN_MAX = 1.5
GOOD_STATUSES = frozenset({"on_track", "achieved"})
BAD_STATUSES = frozenset({"at_risk", "off_track", "missed", "overspending", "underspending"})
FONT = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    achievement: float | None
    status: str | None = None


def _tone(status: str | None) -> str:
    return "good" if status in GOOD_STATUSES else "bad" if status in BAD_STATUSES else "neutral"


def achievement_chart(bars: Sequence[Bar], title: str, *, width: int = 560) -> alt.LayerChart | None:
    """The chart, or None when no bar has a value."""
    rows = [(b.label, min(b.achievement, SHOWN_MAX), _tone(b.status)) for b in bars
            if b.achievement is not None and not (isinstance(b.achievement, float) and math.isnan(b.achievement))]
    if not rows:
        return None
    data = pd.DataFrame(rows, columns=["label", "value", "tone"])
    order = list(data["label"])
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)))
    bars_ = base.mark_bar(height=16).encode(
        x=alt.X("value:Q", title=None, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, max(1.2, data["value"].max())])),
        color=alt.Color("tone:N", scale=alt.Scale(domain=["good", "bad", "neutral"], range=[GOOD, BAD, NEUTRAL]),
                        legend=None))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(x="value:Q", text=alt.Text("value:Q", format=".0%"))
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=RULE, strokeDash=[4, 3]).encode(x="x:Q")
    return (alt.layer(bars_, labels, rule)
            .properties(title=title, width=width, height=max(60, 26 * len(rows)))
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
