"""Big KPI cards for a shared screen: two headline numbers against their targets, a pacing colour, a sparkline.

A card is a bordered container keyed ``kpicard_<status>_<id>``; the style sheet below (constant CSS, no user
content) gives each status a thick coloured left edge and makes the numbers large enough to read across a room.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

# Pacing status -> badge colour (budget statuses included: spend is paced both ways).
STATUS_COLORS: dict[str, str] = {
    "on_track": "green", "at_risk": "orange", "off_track": "red", "underspending": "red", "overspending": "red",
    "achieved": "green", "missed": "red",
}
STATUS_ICONS: dict[str, str] = {
    "on_track": ":material/check_circle:", "at_risk": ":material/warning:", "off_track": ":material/error:",
    "underspending": ":material/south:", "overspending": ":material/north:",
    "achieved": ":material/check_circle:", "missed": ":material/error:",
}
_EDGE = {"green": "#2e7d32", "orange": "#ef6c00", "red": "#c62828", "gray": "#9e9e9e"}

_CSS = "\n".join([
    "<style>",
    "[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }",  # more of the board above the fold
    "[class*='st-key-kpicard_'] [data-testid='stMetricValue'] { font-size: 2.5rem; font-weight: 700; line-height: 1.15; }",
    "[class*='st-key-kpicard_'] [data-testid='stMetricLabel'] p { font-size: 1.05rem; }",
    "[class*='st-key-kpicard_'] [data-testid='stMetricDelta'] { font-size: 1.05rem; }",
    "[class*='st-key-kpicard_'] h4 { font-size: 1.4rem; padding-bottom: 0; }",
    *(f"[class*='st-key-kpicard_{status}_'] {{ border-left: 10px solid {_EDGE[color]} !important; }}"
      for status, color in STATUS_COLORS.items()),
    f"[class*='st-key-kpicard_none_'] {{ border-left: 10px solid {_EDGE['gray']} !important; }}",
    "</style>",
])


def inject_style() -> None:
    """Add the cards' style sheet to the page (constant CSS; takes no space)."""
    st.html(_CSS)


def status_badge(status: str | None, label: str) -> str:
    """Markdown for a coloured status badge (grey "no target" when ``status`` is None)."""
    color = STATUS_COLORS.get(status or "", "gray")
    icon = STATUS_ICONS.get(status or "", ":material/remove:")
    return f":{color}-badge[{icon} {label}]"


@dataclass(frozen=True)
class Figure:
    """One headline number of a card: label, formatted value, delta text (starting with + or -) and help."""

    label: str
    value: str
    delta: str | None = None
    inverse: bool = False  # lower is better: a + delta is bad (red)
    help: str | None = None


def kpi_card(key: str, *, title: str, status: str | None, status_label: str, figures: Sequence[Figure],
             trend: Sequence[float | None] | None = None, trend_kind: str = "bar", footer: str | None = None) -> None:
    """Draw one card: title with a status badge, the figures one under the other (the last carries the sparkline)."""
    with st.container(border=True, key=f"kpicard_{status or 'none'}_{key}"):
        st.markdown(f"#### {title} {status_badge(status, status_label)}")
        for i, fig in enumerate(figures):
            last = i == len(figures) - 1
            points = [float(v) for v in trend if v is not None] if (last and trend) else None  # gaps: no data
            st.metric(fig.label, fig.value, delta=fig.delta, delta_color="inverse" if fig.inverse else "normal",
                       help=fig.help, chart_data=points if points and len(points) > 1 else None,
                       chart_type=trend_kind if trend_kind in ("bar", "line", "area") else "bar")  # type: ignore[arg-type]
        if footer:
            st.caption(footer)
