"""A review as one printable, self-contained HTML file: inline CSS, charts as inline images, no JavaScript.

The page is rendered by Jinja2 (``templates/review.html.j2``) with autoescape on, so every piece of user text
(notes, names, file names) is escaped. Each chart is its Vega-Lite spec (:mod:`kpi_engine.reviews.charts`, the
spec the page draws) rendered to SVG by vl-convert and embedded as a ``data:`` image: nothing is fetched, and
the charts' own ids cannot clash. Print CSS sets A4 pages with margins, keeps rows and charts whole, keeps a
section heading with what follows it, and repeats table headers on every page. Deviation-like columns (``pct``
format, or a column id naming a deviation, contribution or change) show negative values in red, positive in green.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from kpi_engine.i18n import t
from kpi_engine.reviews import charts
from kpi_engine.reviews.cells import format_number, is_missing, signed_column
from kpi_engine.reviews.document import Chart, ReviewDocument, Section

FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

_NUMERIC_UNITS = ("count", "money", "ratio", "pct", "pp", "score")

CSS = f"""
:root {{ --ink: #24292f; --muted: #57606a; --line: #d0d7de; --neg: #b42318; --pos: #1a7f37; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT}; color: var(--ink); margin: 24px auto; max-width: 1040px; padding: 0 16px;
       font-size: 13px; line-height: 1.45; }}
header {{ border-bottom: 2px solid var(--ink); margin-bottom: 16px; padding-bottom: 8px; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }}
.subtitle {{ color: var(--muted); margin: 0; }}
section {{ margin: 20px 0 28px; }}
h2 {{ font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 3px; margin: 0 0 8px; }}
.keep {{ break-inside: avoid; page-break-inside: avoid; }}
.keep > h2 {{ break-after: avoid; page-break-after: avoid; }}
p.text {{ margin: 4px 0; }}
p.empty {{ color: var(--muted); font-style: italic; }}
figure.chart {{ margin: 8px 0 12px; max-width: 820px; }}
figure.chart img {{ display: block; max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12px; }}
th, td {{ border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; font-weight: 600; border-bottom: 2px solid var(--line); }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.num {{ white-space: nowrap; }}
table.wide {{ font-size: 10.5px; }}
table.wide th, table.wide td {{ padding: 3px 4px; }}
div.grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; }}
div.grid figure.chart {{ margin: 4px 0; }}
td.date {{ white-space: nowrap; }}
td.neg {{ color: var(--neg); }}
td.pos {{ color: var(--pos); }}
td.none {{ color: var(--muted); }}
footer {{ border-top: 1px solid var(--line); margin-top: 24px; padding-top: 6px; color: var(--muted); font-size: 11px; }}
@page {{ size: A4; margin: 14mm 12mm 16mm; }}
@media print {{
  body {{ margin: 0; max-width: none; padding: 0; font-size: 11px; }}
  section {{ margin: 12px 0 16px; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  tr, figure, img, .keep {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  tfoot {{ display: table-footer-group; }}
  th {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  td.neg, td.pos, img {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


def _cell(section: Section, column: str, row: int, value: object, lang: str = "en") -> dict[str, str]:
    unit = section.unit_of(column, row)
    text = format_number(value, unit, signed=signed_column(column), lang=lang)
    classes = []
    if unit in _NUMERIC_UNITS:
        classes.append("num")
    elif unit == "date":
        classes.append("date")
    if is_missing(value):
        classes.append("none")
    elif unit in _NUMERIC_UNITS and (unit in ("pct", "pp") or signed_column(column)):
        try:
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            v = 0.0
        if _lower_is_better(section, row):  # a CPL below target is good news: green
            v = -v
        classes.append("neg" if v < 0 else "pos" if v > 0 else "")
    return {"text": text, "cls": " ".join(c for c in classes if c)}


def _lower_is_better(section: Section, row: int) -> bool:
    """Rows of a metric where lower is better (a ``direction`` column in the table) flip red and green."""
    return "direction" in section.table.columns and section.table["direction"].iloc[row] == "lower"


WIDE_COLUMNS = 8  # more columns than this: a smaller font so the table fits the page


def table_view(section: Section, lang: str = "en") -> dict[str, object] | None:
    """The section's table as the template lays it out (None when it has no rows or no shown column)."""
    cols = section.columns
    if section.table.empty or not cols:
        return None
    heads = [{"text": section.header(c), "cls": "num" if section.formats[c] in (*_NUMERIC_UNITS, "row") else "text"}
             for c in cols]
    values = {c: section.table[c].tolist() for c in cols}
    rows = [[_cell(section, c, i, values[c][i], lang) for c in cols] for i in range(len(section.table))]
    return {"heads": heads, "rows": rows, "wide": len(cols) > WIDE_COLUMNS}


def chart_image(chart: Chart, lang: str) -> dict[str, str]:
    """The chart's spec drawn as SVG (vl-convert) in a ``data:`` URL, with its title as the image's text."""
    svg = charts.to_svg(charts.chart_spec(chart, lang, width=charts.PRINT_WIDTH))
    return {"title": chart.title, "src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()}


def section_view(section: Section, lang: str) -> dict[str, object]:
    drawn = [c for c in section.charts if charts.has_data(c)]
    return {"key": section.key, "title": section.title, "text": list(section.text),
            "charts": [chart_image(c, lang) for c in drawn if c.kind != "trend"],
            "trends": [chart_image(c, lang) for c in drawn if c.kind == "trend"],  # small multiples, two a row
            "table": table_view(section, lang), "empty": section.empty_text or t("reports_no_data", lang)}


def review_to_html(doc: ReviewDocument) -> str:
    """The review as one self-contained, printable HTML page in the document's language."""
    return _ENV.get_template("review.html.j2").render(
        lang_attr="zh-CN" if doc.lang.lower().startswith("zh") else "en", title=doc.title, period=doc.period,
        subtitle=list(doc.subtitle), css=CSS, sections=[section_view(s, doc.lang) for s in doc.sections],
        generated=t("reports_generated_at", doc.lang, at=doc.generated_at.strftime("%Y-%m-%d %H:%M")))
