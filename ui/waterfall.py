"""A waterfall chart (Altair) for a gap breakdown: comparison total, one bar per contributor, actual total.

Totals of ~10,000 with changes of ±300 would leave the change bars a few pixels tall on an
axis from 0, so when every running level is far from zero (their spread is under half the
lowest one) the value axis and the totals bars start a little below the lowest level instead
(``waterfall_baseline``); otherwise they start at 0. The change bars always float from the
running level to the next one.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from ui.charts import ACTUAL_COLOR, BAD_COLOR, FONT_SIZE, GOOD_COLOR, NEUTRAL_COLOR


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10^k) of at least a fifth of ``span`` (> 0)."""
    raw = span / 5.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


def waterfall_baseline(levels: list[float], *, pad: float = 0.25) -> float:
    """Where the totals bars and the value axis start for these running levels.

    0 when a level is ≤ 0 or the levels spread over half the lowest one or more; otherwise
    ``pad`` × the spread (10% of the lowest level when they are all equal) below the lowest
    level, rounded down to a round number, never below 0.
    """
    lo, hi = min(levels), max(levels)
    if lo <= 0 or hi - lo >= 0.5 * lo:
        return 0.0
    below = pad * (hi - lo) if hi > lo else 0.1 * lo
    step = _nice_step(below)
    return max(0.0, math.floor((lo - below) / step) * step)


def waterfall_frame(labels: list[str], contributions: list[float], start: float, end: float,
                    start_label: str, end_label: str, *, pad: float = 0.25) -> pd.DataFrame:
    """Bars with ``y0``/``y1`` (floating for contributors), ``kind`` = total / up / down; order kept.

    Totals go from the baseline (:func:`waterfall_baseline` over ``start``, every running level
    and ``end``) to their value; ``frame.attrs["baseline"]`` holds it too.
    """
    levels = [start]
    for c in contributions:
        levels.append(levels[-1] + c)
    baseline = waterfall_baseline([*levels, end], pad=pad)
    rows = [{"label": start_label, "y0": baseline, "y1": start, "value": start, "kind": "total"}]
    for label, c, level in zip(labels, contributions, levels[:-1], strict=True):
        rows.append({"label": label, "y0": level, "y1": level + c, "value": c, "kind": "up" if c >= 0 else "down"})
    rows.append({"label": end_label, "y0": baseline, "y1": end, "value": end, "kind": "total"})
    frame = pd.DataFrame(rows)
    frame["order"] = range(len(frame))
    frame.attrs["baseline"] = baseline
    return frame


def waterfall_domain(frame: pd.DataFrame) -> tuple[float, float]:
    """The value axis range: from the totals' baseline (or a bit below a level under it) to a bit
    above the highest level, leaving room for the value labels."""
    totals = frame.loc[frame["kind"] == "total", "y0"]
    baseline = float(totals.iloc[0]) if len(totals) else 0.0
    lo = min(baseline, float(frame[["y0", "y1"]].min().min()))
    hi = max(baseline, float(frame[["y0", "y1"]].max().max()))
    room = 0.08 * (hi - lo) if hi > lo else abs(hi) * 0.1 or 1.0
    return (lo if lo == baseline else lo - room), hi + room


def waterfall_chart(frame: pd.DataFrame, *, value_format: str = ",.0f", height: int = 340) -> alt.Chart:
    """Green bars go up, red bars go down, totals in blue (start = comparison, end = actual).

    The y scale's domain is :func:`waterfall_domain` (not from 0), bars clipped to it.
    """
    low, high = waterfall_domain(frame)
    color = alt.Color("kind:N", legend=None, scale=alt.Scale(domain=["total", "up", "down"],
                                                             range=[ACTUAL_COLOR, GOOD_COLOR, BAD_COLOR]))
    base = alt.Chart(frame).encode(x=alt.X("label:N", sort=alt.SortField("order"), title=None,
                                           axis=alt.Axis(labelAngle=-30, labelLimit=160)))
    y_scale = alt.Scale(domain=[low, high], zero=False, nice=False)
    bars = base.mark_bar(size=34, clip=True).encode(
        y=alt.Y("y0:Q", title=None, axis=alt.Axis(format=value_format), scale=y_scale), y2="y1:Q", color=color,
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", format=value_format)])
    text = base.mark_text(dy=-8, fontSize=FONT_SIZE - 1, color=NEUTRAL_COLOR, clip=True).encode(
        y=alt.Y("top:Q", scale=y_scale), text=alt.Text("value:Q", format=value_format)).transform_calculate(
        top="max(datum.y0, datum.y1)")
    return (bars + text).properties(height=height).configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
