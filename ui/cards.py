"""Big KPI cards for a shared screen: two headline numbers against their targets, a pacing colour, a sparkline,
and the forecast of the period end with its 80% band (``forecast_lines``, the pacing board's model).

A card is a bordered container keyed ``kpicard_<status>_<id>``; the style sheet below (constant CSS, no user
content) gives each status a thick coloured left edge and makes the numbers large enough to read across a room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from kpi_engine import clock, fmt
from kpi_engine.analytics import forecast as forecast_
from kpi_engine.metrics import registry
from ui import db
from ui.i18n import lang, tr
from ui.sidebar import current_period

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
             trend: Sequence[float | None] | None = None, trend_kind: str = "bar", footer: str | None = None,
             forecast: str | None = None) -> None:
    """Draw one card: title with a status badge, the figures one under the other (the last carries the sparkline),
    then the footer and the forecast line (``forecast_lines``) when given."""
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
        if forecast:
            st.caption(forecast, help=forecast_help())


# --- the forecast line (issue 16.1): the value at the period end with its 80% band, as on the pacing board ---------

Band = tuple[float | None, float | None, float | None]  # (projected, low, high); all None: no value


@st.cache_data(show_spinner=False, max_entries=128)
def _bands(url: str, version: str, metrics: tuple[str, ...], start: dt.date, end: dt.date, through: dt.date,
           where: tuple[tuple[str, str], ...]) -> dict[str, Band]:
    """Each forecastable metric's period-end forecast with its band, from one history query (cached per data
    version, so a rerun or another card of the same scope costs nothing)."""
    del url, version  # cache keys: the store and its data version
    wanted = [m for m in metrics if m in registry.METRICS and forecast_.forecastable(m)]
    if not wanted:
        return {}
    days, history = forecast_.daily_histories(db.get_engine(), wanted, as_of=through, where=dict(where) or None)
    out: dict[str, Band] = {}
    for m in wanted:
        fc = forecast_.forecast_series(history, days, m, start=start, end=end)
        band = (fc.projected, fc.low, fc.high)
        out[m] = band if not any(fmt.no_value(v) for v in band) else (None, None, None)
    return out


def forecast_lines(metrics: Sequence[str], start: dt.date, end: dt.date, grain: str, *,
                   where: Mapping[str, str] | None = None, through: dt.date | None = None,
                   known: Mapping[str, Band] | None = None) -> dict[str, str]:
    """metric -> "Forecast end of month: 1,085 (993–1,284)" for the period ``[start, end]`` of ``grain`` seen from
    today (data through yesterday; ``through`` sets another last day of data), narrowed by ``where`` ({"channel": ...}, {"person": ...}); "—" in place of the
    value without enough history, before the period begins or once it is over. Metrics that cannot be projected
    (not a count, a sum or a ratio of them) get no line. ``known``: bands already projected by the engine for this
    very scope, period and last day (the Standup passes its pacing board's), not computed again."""
    through = min(end, through or clock.data_through(db.today(), db.settings()))
    able = [m for m in dict.fromkeys(metrics) if m in registry.METRICS and forecast_.forecastable(m)]
    bands: dict[str, Band] = {}
    if able and start <= through < end:
        bands = {m: known[m] for m in able if known and m in known}
        rest = tuple(m for m in able if m not in bands)
        if rest:
            bands.update(_bands(db.db_url(), db.version(), rest, start, end, through,
                                tuple(sorted((k, str(v)) for k, v in (where or {}).items()))))
    key = f"cards_forecast_{grain}" if grain in ("day", "week", "month", "quarter", "year") else "cards_forecast_custom"
    out = {}
    for m in able:
        projected, low, high = bands.get(m, (None, None, None))
        value = fmt.band(projected, low, high, registry.get(m).unit, lang(), whole=True, settings=db.settings())
        out[m] = tr(key, value=value)
    return out


def scope_forecasts(metrics: Sequence[str], where: Mapping[str, str], morning: dt.date) -> dict[str, str]:
    """``forecast_lines`` for the sidebar's period, through the data of ``morning`` (the day before it)."""
    period = current_period()
    return forecast_lines(metrics, period.start, period.end, period.grain, where=where,
                          through=clock.data_through(morning, db.settings()))


def forecast_help() -> str:
    return tr("cards_forecast_help")
