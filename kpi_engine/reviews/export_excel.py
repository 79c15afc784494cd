"""A review as an Excel workbook: a summary sheet, then one sheet per section, with native charts.

Numbers are stored as numbers with a number format per column (or per row for ``row`` columns);
dates as dates; no value leaves the cell empty. Formula-injection safe: every text cell that starts
with = + - @ TAB or CR is stored with a leading apostrophe, as a string (never a formula).
Waterfalls become a stacked bar chart whose first series (the running base) is invisible; when a
level falls below zero that trick cannot work, so the chart is left out (its data table stays).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_engine import fmt
from kpi_engine.i18n import t
from kpi_engine.reviews.cells import format_number, is_missing, signed_column
from kpi_engine.reviews.charts import axis_start, waterfall_levels
from kpi_engine.reviews.document import Chart, ReviewDocument, Section

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"ratio": "0.0%", "pct": "+0.0%;-0.0%;0.0%", "count": "#,##0", "score": "0.0", "date": "yyyy-mm-dd"}
MONEY_AXIS = 1000.0  # chart axes show money in whole units
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def safe_text(value: str) -> str:
    """Text a spreadsheet will not read as a formula: a leading apostrophe before = + - @ TAB CR.

    Control characters a workbook cannot hold are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def put(ws: Worksheet, row: int, col: int, value: object, unit: str = "text", *, bold: bool = False,
        signed: bool = False) -> Cell:
    """Write one cell: numbers as numbers with the unit's format (``kpi_engine.fmt.excel_format``: the cell reads
    as on the page), dates as dates, text always as a literal string. A difference of rates (``pp``, a signed
    ratio) is stored in points (×100)."""
    cell = ws.cell(row=row, column=col)
    if is_missing(value):
        value = None
    elif isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, bool):
        value = str(value)
    elif not isinstance(value, str | dt.date) and unit != "text":
        try:
            value = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = str(value)
    elif not isinstance(value, str | dt.date):
        value = str(value)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    elif value is not None:
        points = isinstance(value, float) and (unit == "pp" or (unit == "ratio" and signed))
        cell.value = value * 100 if points else value  # type: ignore[operator]
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm" if unit != "date" else NUMBER_FORMATS["date"]
        elif isinstance(value, dt.date):
            cell.number_format = NUMBER_FORMATS["date"]
        elif isinstance(value, float) and unit in fmt.UNITS:
            cell.number_format = fmt.excel_format(unit, value, signed=signed)
    if bold:
        cell.font = BOLD
    return cell


def display_width(text: str) -> int:
    """Columns a text takes: East Asian wide characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, not starting or ending with an apostrophe, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", title).strip().strip("'").strip() or "Sheet"
    base = base[:31]
    name, i = base, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name.lower())
    return name


def _fit_columns(ws: Worksheet, widths: dict[int, int]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)


def _note_width(widths: dict[int, int], col: int, text: str) -> None:
    widths[col] = max(widths.get(col, 0), display_width(text))


def _write_summary(ws: Worksheet, doc: ReviewDocument, names: list[str]) -> None:
    lang = doc.lang
    put(ws, 1, 1, doc.title, bold=True).font = Font(bold=True, size=14)
    rows: list[tuple[str, object, str]] = [
        (t("reports_field_kind", lang), t(f"reports_kind_{doc.kind}", lang), "text"),
        (t("reports_field_period", lang), doc.period, "text"),
        (t("reports_field_generated_at", lang), doc.generated_at, "date"),
    ]
    r = 3
    for label, value, unit in rows:
        put(ws, r, 1, label, bold=True)
        put(ws, r, 2, value, unit).number_format = "yyyy-mm-dd hh:mm" if unit == "date" else "General"
        r += 1
    for line in doc.subtitle:
        put(ws, r, 2, line)
        r += 1
    r += 1
    put(ws, r, 1, t("reports_sections", lang), bold=True)
    r += 1
    for col, key in enumerate(("reports_col_number", "reports_col_section", "reports_col_sheet"), start=1):
        put(ws, r, col, t(key, lang), bold=True)
    for i, (section, name) in enumerate(zip(doc.sections, names, strict=True), start=1):
        put(ws, r + i, 1, i, "count")
        put(ws, r + i, 2, section.title)
        put(ws, r + i, 3, name)
    texts = [doc.title, *doc.subtitle, *(s.title for s in doc.sections)]
    ws.column_dimensions["A"].width = max(14, *(display_width(label) + 2 for label, _, _ in rows))
    ws.column_dimensions["B"].width = min(60, max(20, *(display_width(x) + 2 for x in texts)))
    ws.column_dimensions["C"].width = min(40, max(12, *(display_width(n) + 2 for n in names)))


def _write_table(ws: Worksheet, section: Section, start: int, widths: dict[int, int]) -> int:
    """The section's table from row ``start`` (header bold and frozen); returns the next free row."""
    cols = section.columns
    for j, col in enumerate(cols, start=1):
        put(ws, start, j, section.header(col), bold=True)
        _note_width(widths, j, section.header(col))
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    table = section.table
    for j, col in enumerate(cols, start=1):
        values = table[col].tolist()
        for i, value in enumerate(values):
            unit, signed = section.unit_of(col, i), signed_column(col)
            put(ws, start + 1 + i, j, value, unit, signed=signed)
            _note_width(widths, j, format_number(value, unit, signed=signed))
    return start + 1 + len(table)


def _chart_table(ws: Worksheet, chart: Chart, start: int, lang: str) -> tuple[list[str], int]:
    """The chart's data under the table (what the native chart reads); returns its columns and first data row."""
    put(ws, start, 1, t("reports_chart_data", lang, title=chart.title), bold=True)
    data = chart.data
    if chart.kind == "trend":
        cols = {"label": data.get("label"), "actual": data.get("actual"), "target": data.get("target")}
        heads = [t("reports_label", lang), t("reports_actual", lang), t("reports_target", lang)]
    elif chart.kind == "bars":
        cols = {"label": data.get("label"), "value": data.get("value")}
        heads = [t("reports_label", lang), t("reports_value", lang)]
    else:
        bars = waterfall_levels(chart)
        base = [0.0 if k == "total" else min(s, e) for s, e, k in bars]
        cols = {"label": data.get("label"), "base": base,
                "up": [e - s if k == "up" else None for s, e, k in bars],
                "down": [s - e if k == "down" else None for s, e, k in bars],
                "total": [e if k == "total" else None for s, e, k in bars]}
        heads = [t("reports_label", lang), t("reports_base", lang), t("reports_up", lang), t("reports_down", lang),
                 t("reports_total", lang)]
    for j, head in enumerate(heads, start=1):
        put(ws, start + 1, j, head, bold=True)
    for j, (key, values) in enumerate(cols.items(), start=1):
        seq = [None] * len(data) if values is None else list(values)
        for i, value in enumerate(seq):
            put(ws, start + 2 + i, j, value, "text" if key == "label" else chart.unit)
    return list(cols), start + 2


def _native_chart(ws: Worksheet, chart: Chart, cols: list[str], first: int, anchor: str) -> bool:
    """A native chart over the chart data; False when it is left out (waterfall with levels below zero)."""
    n = len(chart.data)
    last = first + n - 1
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    if chart.kind == "trend":
        native = LineChart()
        native.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
        native.series[1].graphicalProperties.line.dashStyle = "dash"
    elif chart.kind == "bars":
        native = BarChart()
        native.type = "bar"
        native.legend = None
        native.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    else:
        bars = waterfall_levels(chart)
        if min(v for s, e, _ in bars for v in (s, e) if math.isfinite(v)) < 0:
            return False
        native = BarChart()
        native.grouping, native.overlap = "stacked", 100
        native.add_data(Reference(ws, min_col=2, max_col=5, min_row=first - 1, max_row=last), titles_from_data=True)
        native.series[0].graphicalProperties.noFill = True
        native.series[0].graphicalProperties.line.noFill = True
        for series, color in zip(native.series[1:], ("2E9D5B", "D64545", "3B6FD6"), strict=True):
            series.graphicalProperties.solidFill = color
        native.y_axis.scaling.min = axis_start([v for s, e, _ in bars for v in (s, e)])
    native.set_categories(cats)
    native.title = chart.title
    native.width, native.height = 18, 8
    native.y_axis.numFmt = fmt.excel_format(chart.unit, MONEY_AXIS) if chart.unit in fmt.UNITS else "General"
    native.x_axis.delete = False
    native.y_axis.delete = False
    ws.add_chart(native, anchor)
    return True


def _write_section(ws: Worksheet, section: Section, lang: str) -> None:
    widths: dict[int, int] = {}
    put(ws, 1, 1, section.title, bold=True).font = Font(bold=True, size=13)
    r = 2
    for line in section.text:
        put(ws, r, 1, line)
        r += 1
    r += 1
    if section.table.empty or not section.columns:
        put(ws, r, 1, section.empty_text or t("reports_no_data", lang))
        r += 1
    else:
        r = _write_table(ws, section, r, widths)
    chart_col = get_column_letter(max(len(section.columns), 5) + 2)
    anchor_row = 3
    for chart in section.charts:
        r += 1
        if chart.data.empty:
            put(ws, r, 1, t("reports_chart_data", lang, title=chart.title), bold=True)
            put(ws, r + 1, 1, t("reports_no_data", lang))
            r += 2
            continue
        cols, first = _chart_table(ws, chart, r, lang)
        r = first + len(chart.data)
        if not _native_chart(ws, chart, cols, first, f"{chart_col}{anchor_row}"):
            put(ws, r, 1, t("reports_waterfall_negative", lang))
            r += 1
        else:
            anchor_row += 17
        for j in range(1, len(cols) + 1):
            widths[j] = max(widths.get(j, 0), 12)
    _fit_columns(ws, widths)


def review_to_xlsx(doc: ReviewDocument) -> bytes:
    """The review as .xlsx bytes: a summary sheet, then one sheet per section (tables, text, native charts)."""
    wb = Workbook()
    summary = wb.active
    taken: set[str] = set()
    summary.title = sheet_title(t("reports_summary", doc.lang), taken)
    names = [sheet_title(section.title or section.key, taken) for section in doc.sections]
    _write_summary(summary, doc, names)
    for section, name in zip(doc.sections, names, strict=True):
        _write_section(wb.create_sheet(name), section, doc.lang)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
