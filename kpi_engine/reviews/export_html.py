"""A review as one printable, self-contained HTML file: inline CSS, inline SVG charts, no JavaScript.

Every piece of user text goes through :func:`html.escape`. Print CSS sets A4 pages with margins,
keeps rows and charts whole, keeps a section heading with what follows it, and repeats table
headers on every page. Deviation-like columns (``pct`` format, or a column id naming a deviation,
contribution or change) show negative values in red and positive ones in green.
"""

from __future__ import annotations

from html import escape

from kpi_engine.i18n import t
from kpi_engine.reviews.document import ReviewDocument, Section
from kpi_engine.reviews.svg import FONT, chart_svg, format_number, is_missing, signed_column

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
figure.chart svg {{ display: block; width: 100%; height: auto; }}
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
  tr, figure, svg, .keep {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  tfoot {{ display: table-footer-group; }}
  th {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  td.neg, td.pos, svg {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


def _cell(section: Section, column: str, row: int, value: object, lang: str = "en") -> str:
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
    cls = " ".join(c for c in classes if c)
    return f'<td class="{cls}">{escape(text)}</td>' if cls else f"<td>{escape(text)}</td>"


def _lower_is_better(section: Section, row: int) -> bool:
    """Rows of a metric where lower is better (a ``direction`` column in the table) flip red and green."""
    return "direction" in section.table.columns and section.table["direction"].iloc[row] == "lower"


WIDE_COLUMNS = 8  # more columns than this: a smaller font so the table fits the page


def table_html(section: Section, lang: str = "en") -> str:
    """The section's table with formatted values; its header repeats on every printed page."""
    cols = section.columns
    numeric = {c: section.formats[c] in (*_NUMERIC_UNITS, "row") for c in cols}
    heads = [f'<th class="{"num" if numeric[c] else "text"}" scope="col">{escape(section.header(c))}</th>' for c in cols]
    values = {c: section.table[c].tolist() for c in cols}
    rows = ["<tr>" + "".join(_cell(section, c, i, values[c][i], lang) for c in cols) + "</tr>"
            for i in range(len(section.table))]
    wide = ' class="wide"' if len(cols) > WIDE_COLUMNS else ""
    return (f'<table{wide}>\n<thead><tr>{"".join(heads)}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def section_html(section: Section, lang: str) -> str:
    """One section: heading kept with its first block, text, charts, then the table (or its empty text)."""
    blocks = [f'<p class="text">{escape(line)}</p>' for line in section.text]
    blocks += [f'<figure class="chart">\n{chart_svg(chart, lang)}\n</figure>' for chart in section.charts
               if chart.kind != "trend"]
    trends = [f'<figure class="chart">\n{chart_svg(chart, lang)}\n</figure>' for chart in section.charts
              if chart.kind == "trend"]
    if trends:  # small multiples, two to a row
        blocks.append('<div class="grid">\n' + "\n".join(trends) + "\n</div>")
    if section.table.empty or not section.columns:
        blocks.append(f'<p class="empty">{escape(section.empty_text or t("reports_no_data", lang))}</p>')
        table = ""
    else:
        table = table_html(section, lang)
    head = f"<h2>{escape(section.title)}</h2>"
    first = blocks[0] if blocks else ""
    rest = blocks[1:]
    if not first and table:  # a heading directly over a table: keep it with the first rows by the h2 rule
        return f'<section id="{escape(section.key)}">\n{head}\n{table}\n</section>'
    parts = [f'<div class="keep">\n{head}\n{first}\n</div>', *rest]
    if table:
        parts.append(table)
    return f'<section id="{escape(section.key)}">\n' + "\n".join(parts) + "\n</section>"


def review_to_html(doc: ReviewDocument) -> str:
    """The review as one self-contained, printable HTML page in the document's language."""
    lang_attr = "zh-CN" if doc.lang.lower().startswith("zh") else "en"
    subtitle = "\n".join(f'<p class="subtitle">{escape(line)}</p>' for line in doc.subtitle)
    generated = t("reports_generated_at", doc.lang, at=doc.generated_at.strftime("%Y-%m-%d %H:%M"))
    sections = "\n".join(section_html(s, doc.lang) for s in doc.sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang_attr}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)} · {escape(doc.period)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(doc.title)}</h1>\n{subtitle}\n</header>\n<main>\n{sections}\n</main>\n"
        f"<footer>{escape(doc.title)} · {escape(doc.period)} · {escape(generated)}</footer>\n"
        "</body>\n</html>\n"
    )
