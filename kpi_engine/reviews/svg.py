"""Print charts of a review as plain SVG (no JavaScript, no network), and the number formatter the reports share.

``trend_svg``, ``waterfall_svg`` and ``bars_svg`` turn a :class:`~kpi_engine.reviews.document.Chart` into
an ``<svg>`` string with a fixed viewBox and ``width="100%"``, so it scales on paper. All text is
XML-escaped; the output is deterministic (no ids, no timestamps). Empty data gives a small "no data" SVG.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from html import escape

import pandas as pd

from kpi_engine import fmt
from kpi_engine.i18n import t
from kpi_engine.reviews.document import Chart

FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
WIDTH = 720
GREEN, RED, BLUE, GREY, INK, ORANGE = "#2e9d5b", "#d64545", "#3b6fd6", "#8c959f", "#24292f", "#bc4c00"
NO_VALUE = fmt.NO_VALUE


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_SIGNED_COLUMN = re.compile(r"deviation|contribution|delta|change", re.IGNORECASE)


def signed_column(column: str) -> bool:
    """Columns of changes (deviation, contribution, change ...) show a + on gains."""
    return bool(_SIGNED_COLUMN.search(column))


def format_number(value: object, unit: str = "count", *, signed: bool = False, symbol: str | None = None,
                  lang: str = "en") -> str:
    """A cell or label as people read it (``kpi_engine.fmt``): money ¥12,345 / ¥12.50, ratio 12.3%, a signed ratio
    (a difference of rates) +1.2 pp, pct (a relative change) +4.5%, count 1,234, score 87.5, dates ISO, "—" for none."""
    if is_missing(value):
        return NO_VALUE
    if unit == "date" or isinstance(value, dt.date | pd.Timestamp):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else (
            value.isoformat() if isinstance(value, dt.date) else str(value))
    if unit == "text" or isinstance(value, str | bool):
        return str(value)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return fmt.value(v, unit, lang, signed=signed, symbol=symbol)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (about ``count`` of them)."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = [start]
    while ticks[-1] < hi - 1e-9 * step:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _svg(height: int, title: str, body: list[str], extra: str = "") -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12"{extra}>')
    parts = [head, f"<title>{escape(title)}</title>",
             f'<text x="8" y="18" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>', *body, "</svg>"]
    return "\n".join(parts)


def _text(x: float, y: float, s: str, anchor: str = "start", **attrs: object) -> str:
    more = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{more}>{escape(s)}</text>'


def _short(label: object, limit: int = 16) -> str:
    s = "" if is_missing(label) else str(label)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _labels(data: pd.DataFrame) -> list[str]:
    """The chart's category labels ("" where missing; 1, 2, 3 ... without a label column)."""
    if "label" not in data:
        return [str(i + 1) for i in range(len(data))]
    return ["" if is_missing(v) else str(v) for v in data["label"]]


def _floats(series: pd.Series) -> list[float]:
    return [float(v) if not is_missing(v) else math.nan for v in pd.to_numeric(series, errors="coerce")]


def no_data_svg(title: str, lang: str = "en") -> str:
    """A small placeholder for a chart without data."""
    return _svg(60, title, [_text(WIDTH / 2, 44, t("reports_no_data", lang), "middle", fill=GREY)])


def _y_axis(ticks: list[float], ymap: Callable[[float], float], x0: float, x1: float, unit: str) -> list[str]:
    out = []
    for v in ticks:
        y = ymap(v)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(_text(x0 - 6, y + 4, format_number(v, unit), "end", fill=GREY, font_size=11))
    return out


def _label_step(n: int) -> int:
    return max(1, math.ceil(n / 12))


def _rotated(labels: list[str], slot: float) -> bool:
    """Whether x labels must be slanted to fit their slot (wide CJK characters count double)."""
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in _short(v)) for v in labels), default=0)
    return longest * 6.5 > slot * _label_step(len(labels)) * 0.95


def _x_labels(labels: list[str], xs: list[float], y: float, rotate: bool) -> list[str]:
    step = _label_step(len(labels))
    out = []
    for i in range(0, len(labels), step):
        label = _short(labels[i])
        if rotate:
            out.append(f'<text x="{xs[i]:.1f}" y="{y:.1f}" text-anchor="end" font-size="11" fill="{INK}" '
                       f'transform="rotate(-30 {xs[i]:.1f} {y:.1f})">{escape(label)}</text>')
        else:
            out.append(_text(xs[i], y, label, "middle", fill=INK, font_size=11))
    return out


def _runs(xs: list[float], ys: list[float]) -> list[list[tuple[float, float]]]:
    """Consecutive finite points, split where a value is missing (gaps in a line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if math.isfinite(y):
            runs[-1].append((x, y))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def trend_svg(chart: Chart, lang: str = "en") -> str:
    """Actual as a line with points, target as a dashed line; gaps where a value is missing."""
    data = chart.data
    if data.empty or "actual" not in data:
        return no_data_svg(chart.title, lang)
    actual = _floats(data["actual"])
    target = _floats(data["target"]) if "target" in data else [math.nan] * len(actual)
    finite = [v for v in actual + target if math.isfinite(v)]
    if not finite:
        return no_data_svg(chart.title, lang)
    n = len(actual)
    labels = _labels(data)
    left, right, top = 78, 20, 48
    rotate = _rotated(labels, (WIDTH - left - right) / n)
    bottom = 64 if rotate else 34
    height = 216 + top + bottom
    lo, hi = min(finite), max(finite)
    if lo >= 0 and lo < 0.5 * hi:
        lo = 0.0
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    ticks = nice_ticks(lo - (pad if lo else 0.0), hi + pad)
    y_lo, y_hi = ticks[0], ticks[-1]
    plot_h = height - top - bottom

    def ymap(v: float) -> float:
        return top + plot_h * (1 - (v - y_lo) / (y_hi - y_lo))

    span = WIDTH - left - right
    xs = [left + span * (i + 0.5) / n for i in range(n)]
    body = _y_axis(ticks, ymap, left, WIDTH - right, chart.unit)
    for run in _runs(xs, [ymap(v) if math.isfinite(v) else math.nan for v in target]):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        body.append(f'<polyline class="target" points="{pts}" fill="none" stroke="{ORANGE}" stroke-width="2" '
                    f'stroke-dasharray="6 4"/>')
    for run in _runs(xs, [ymap(v) if math.isfinite(v) else math.nan for v in actual]):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        body.append(f'<polyline class="actual" points="{pts}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
    for x, v in zip(xs, actual, strict=True):
        if math.isfinite(v):
            body.append(f'<circle class="point" cx="{x:.1f}" cy="{ymap(v):.1f}" r="3.5" fill="{BLUE}">'
                        f"<title>{escape(format_number(v, chart.unit))}</title></circle>")
    last = next((i for i in range(n - 1, -1, -1) if math.isfinite(actual[i])), None)
    if last is not None:
        body.append(_text(xs[last], ymap(actual[last]) - 9, format_number(actual[last], chart.unit), "middle",
                          fill=BLUE, font_weight="bold"))
    body += _x_labels(labels, xs, height - bottom + 18, rotate)
    lx = WIDTH - right - 200
    body += [f'<line x1="{lx}" y1="34" x2="{lx + 24}" y2="34" stroke="{BLUE}" stroke-width="2.5"/>',
             _text(lx + 30, 38, t("reports_actual", lang), fill=INK),
             f'<line x1="{lx + 100}" y1="34" x2="{lx + 124}" y2="34" stroke="{ORANGE}" stroke-width="2" '
             f'stroke-dasharray="6 4"/>',
             _text(lx + 130, 38, t("reports_target", lang), fill=INK)]
    return _svg(height, chart.title, body)


def waterfall_levels(chart: Chart) -> list[tuple[float, float, str]]:
    """Each row's bar as (start, end, kind): totals from the axis (start NaN), changes from the running level."""
    bars: list[tuple[float, float, str]] = []
    level = 0.0
    kinds = [str(k) for k in chart.data["kind"]] if "kind" in chart.data else ["up"] * len(chart.data)
    for value, kind in zip(_floats(chart.data["value"]), kinds, strict=True):
        v = value if math.isfinite(value) else 0.0
        if kind == "total":
            level = v
            bars.append((math.nan, v, kind))
        else:
            bars.append((level, level + v, "up" if v >= 0 else "down"))
            level += v
    return bars


def waterfall_baseline(bars: list[tuple[float, float, str]]) -> tuple[float, list[float]]:
    """Where the value axis starts and its ticks: zero, unless every level is far from zero, then a bit below the lowest."""
    levels = [v for start, end, _ in bars for v in (start, end) if math.isfinite(v)]
    lo, hi = min(levels), max(levels)
    if lo > 0 and (hi - lo) < 0.5 * lo:
        ticks = nice_ticks(lo - 0.25 * (hi - lo or abs(lo) * 0.1), hi + 0.1 * (hi - lo or abs(hi) * 0.1))
        return ticks[0], ticks
    ticks = nice_ticks(min(lo, 0.0), max(hi, 0.0) + 0.08 * (max(hi, 0.0) - min(lo, 0.0)))
    return ticks[0], ticks


def waterfall_svg(chart: Chart, lang: str = "en") -> str:
    """Totals as levels from the axis base, changes floating from the running level (green up, red down, blue totals)."""
    if chart.data.empty or "value" not in chart.data:
        return no_data_svg(chart.title, lang)
    bars = waterfall_levels(chart)
    baseline, ticks = waterfall_baseline(bars)
    labels = _labels(chart.data)
    left, right, top = 86, 20, 48
    rotate = _rotated(labels, (WIDTH - left - right) / len(bars))
    bottom = 74 if rotate else 34
    height = 220 + top + bottom
    plot_h = height - top - bottom
    y_hi = ticks[-1]

    def ymap(v: float) -> float:
        return top + plot_h * (1 - (v - baseline) / (y_hi - baseline))

    n = len(bars)
    slot = (WIDTH - left - right) / n
    xs = [left + slot * (i + 0.5) for i in range(n)]
    body = _y_axis(ticks, ymap, left, WIDTH - right, chart.unit)
    if baseline != 0:
        body.append(_text(left, top - 12, t("reports_axis_from", lang, value=format_number(baseline, chart.unit)),
                          "start", fill=GREY, font_size=11, font_style="italic"))
    colors = {"total": BLUE, "up": GREEN, "down": RED}
    values = _floats(chart.data["value"])
    bar_w = min(56.0, slot * 0.62)
    for i, (start, end, kind) in enumerate(bars):
        s = baseline if not math.isfinite(start) else start
        s = 0.0 if kind == "total" and baseline < 0 else s
        y0, y1 = sorted((ymap(s), ymap(end)))
        h = max(y1 - y0, 1.0)
        label = format_number(values[i], chart.unit, signed=kind != "total", lang=lang)
        body.append(f'<rect class="bar {kind}" x="{xs[i] - bar_w / 2:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{colors[kind]}"><title>{escape(_short(labels[i], 80))}: '
                    f"{escape(label)}</title></rect>")
        body.append(_text(xs[i], y0 - 5, label, "middle", fill=INK, font_size=11))
        if i + 1 < n:
            body.append(f'<line x1="{xs[i] + bar_w / 2:.1f}" y1="{ymap(end):.1f}" x2="{xs[i + 1] - bar_w / 2:.1f}" '
                        f'y2="{ymap(end):.1f}" stroke="{GREY}" stroke-dasharray="2 2"/>')
    body += _x_labels(labels, xs, height - bottom + 18, rotate)
    return _svg(height, chart.title, body, f' data-baseline="{baseline:g}"')


def bars_svg(chart: Chart, lang: str = "en") -> str:
    """Horizontal bars with labels on the left and ``chart.reference`` as a vertical dashed line."""
    if chart.data.empty or "value" not in chart.data:
        return no_data_svg(chart.title, lang)
    values = _floats(chart.data["value"])
    finite = [v for v in values if math.isfinite(v)] + ([chart.reference] if chart.reference is not None else [])
    if not finite:
        return no_data_svg(chart.title, lang)
    n, labels = len(values), _labels(chart.data)
    row_h, left, right, top, bottom = 26, 190, 70, 40, 30
    height = top + n * row_h + bottom
    ticks = nice_ticks(min(0.0, *finite), max(0.0, *finite) * 1.05 if max(finite) > 0 else 0.0, 5)
    x_lo, x_hi = ticks[0], ticks[-1]

    def xmap(v: float) -> float:
        return left + (WIDTH - left - right) * (v - x_lo) / (x_hi - x_lo)

    body = []
    for v in ticks:
        body.append(f'<line x1="{xmap(v):.1f}" y1="{top - 4}" x2="{xmap(v):.1f}" y2="{height - bottom}" '
                    f'stroke="#d0d7de" stroke-width="1"/>')
        body.append(_text(xmap(v), height - bottom + 16, format_number(v, chart.unit), "middle", fill=GREY, font_size=11))
    if chart.reference is not None:
        xr = xmap(chart.reference)
        body.append(f'<line class="reference" x1="{xr:.1f}" y1="{top - 8}" x2="{xr:.1f}" y2="{height - bottom}" '
                    f'stroke="{INK}" stroke-width="2" stroke-dasharray="4 3"/>')
        body.append(_text(xr, top - 11, t("reports_reference", lang, value=format_number(chart.reference, chart.unit)),
                          "middle", fill=INK, font_size=11))
    for i, v in enumerate(values):
        y = top + i * row_h
        label = labels[i]
        body.append(_text(left - 8, y + row_h / 2 + 4, _short(label, 24), "end", fill=INK))
        val = v if math.isfinite(v) else 0.0
        x0, x1 = sorted((xmap(0.0), xmap(val)))
        below = chart.reference is not None and math.isfinite(v) and v < chart.reference
        body.append(f'<rect class="bar" x="{x0:.1f}" y="{y + 5:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                    f'height="{row_h - 10}" fill="{RED if below else BLUE}"><title>{escape(label)}</title></rect>')
        body.append(_text(max(x1, x0) + 5, y + row_h / 2 + 4, format_number(v, chart.unit), fill=INK, font_size=11,
                          stroke="#ffffff", stroke_width=3, paint_order="stroke"))
    return _svg(height, chart.title, body)


def chart_svg(chart: Chart, lang: str = "en") -> str:
    """The SVG of any chart kind."""
    return {"trend": trend_svg, "waterfall": waterfall_svg, "bars": bars_svg}[chart.kind](chart, lang)
