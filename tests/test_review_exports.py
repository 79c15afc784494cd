"""Review reports: the Excel workbook and the printable HTML (Jinja2, charts as vl-convert SVG images), from
hand-built documents."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi_engine.reviews.cells import format_number
from kpi_engine.reviews.document import Chart, ReviewDocument, Section
from kpi_engine.reviews.export_excel import review_to_xlsx, safe_text, sheet_title
from kpi_engine.reviews.export_html import review_to_html

NAN = math.nan
NASTY = ["=SUM(A1)", "+1", "-2", "@x", "<b>&</b>", "\tTAB", "短视频渠道线索下滑"]
WEEKS = [f"W{w}" for w in range(40, 48)]


def _kpis(zh: bool) -> Section:
    table = pd.DataFrame({
        "kpi": ["线索数" if zh else "Leads", "Lead → MQL", "First-order value", "Brand search growth"],
        "unit": ["count", "ratio", "money", "ratio"],
        "target": [1000.0, 0.12, 3000.0, 0.2],
        "actual": [912.0, 0.105, 3120.6, NAN],
        "deviation": [-88.0, -0.015, 120.5, None],
        "deviation_pct": [-0.088, -0.015, 0.0402, NAN],  # a rate's row holds its difference (shown in points)
        "score": [91.2, 87.5, 104.0, None],
    })
    formats = {"kpi": "text", "target": "row", "actual": "row", "deviation": "row", "deviation_pct": "pct", "score": "score"}
    headers = ({"kpi": "指标", "target": "目标", "actual": "实际", "deviation": "偏差", "deviation_pct": "偏差 %",
                "score": "得分"} if zh else
               {"kpi": "KPI", "target": "Target", "actual": "Actual", "deviation": "Deviation",
                "deviation_pct": "Deviation %", "score": "Score"})
    bars = Chart("bars", "达成率" if zh else "Achievement per KPI",
                 pd.DataFrame({"label": ["Leads", "Lead → MQL", "<script>x</script>"], "value": [0.912, 0.875, 1.04]}),
                 unit="ratio", reference=1.0)
    return Section("kpis", "关键指标" if zh else "KPIs: target vs actual", table, formats, headers, row_unit="unit",
                   charts=(bars,), text=("Week 47 · 2026-11-16 – 2026-11-22",))


def _trend() -> Section:
    data = pd.DataFrame({"label": WEEKS, "actual": [240.0, 251, 238, 262, NAN, 230, 221, 212],
                         "target": [NAN, NAN, 250, 250, 250, 250, 250, 250]})
    chart = Chart("trend", "Leads per week vs target", data, unit="count")
    return Section("trend", "Trend, last 8 weeks", data, {"label": "text", "actual": "count", "target": "count"},
                   {"label": "Week", "actual": "Actual", "target": "Target"}, charts=(chart,))


def _gap() -> Section:
    table = pd.DataFrame({"label": ["Target", "<script>alert(1)</script>", "A & B", "=SUM(A1)", "Actual"],
                          "value": [10000.0, -300.0, 200.0, -150.0, 9750.0],
                          "kind": ["total", "down", "up", "down", "total"]})
    chart = Chart("waterfall", "Leads: target → actual by channel", table, unit="count")
    contrib = table.iloc[1:4].rename(columns={"value": "contribution"})
    return Section("gap", "Gap by channel", contrib, {"label": "text", "contribution": "count"},
                   {"label": "Channel", "contribution": "Contribution"}, charts=(chart,))


def _notes() -> Section:
    table = pd.DataFrame({"cause": NASTY, "owner": ["Li Na"] * 7,
                          "due": [dt.date(2026, 11, 30)] * 6 + [None], "status": ["open"] * 7})
    return Section("notes", "Causes and actions", table, {"cause": "text", "owner": "text", "due": "date", "status": "text"},
                   {"cause": "=Cause", "owner": "Owner", "due": "Due", "status": "Status"}, text=("-note: @risk",))


def make_doc(lang: str = "en") -> ReviewDocument:
    zh = lang == "zh"
    off = Section("off_track", "偏离目标的指标" if zh else "Off track", pd.DataFrame({"kpi": [], "gap": []}),
                  {"kpi": "text", "gap": "score"}, empty_text="没有偏离目标的指标" if zh else "Every KPI is on track.")
    return ReviewDocument("weekly", "2026-W47", lang, "周复盘 2026-W47" if zh else "Weekly review 2026-W47",
                          ("2026-11-16 – 2026-11-22", "Plan: Team plan 2026-11"),
                          (_kpis(zh), off, _trend(), _gap(), _notes()), dt.datetime(2026, 11, 23, 9, 0))


@pytest.fixture(scope="module")
def workbook():
    return load_workbook(io.BytesIO(review_to_xlsx(make_doc())))


def test_workbook_sheets_and_summary(workbook) -> None:
    assert workbook.sheetnames == ["Summary", "KPIs_ target vs actual", "Off track", "Trend, last 8 weeks",
                                   "Gap by channel", "Causes and actions"]
    ws = workbook["Summary"]
    assert ws["A1"].value == "Weekly review 2026-W47"
    assert ws["B5"].value == dt.datetime(2026, 11, 23, 9, 0)
    listed = [ws.cell(row=r, column=3).value for r in range(1, ws.max_row + 1)]
    assert "Gap by channel" in listed and "Off track" in listed


def test_workbook_numbers_and_formats(workbook) -> None:
    ws = workbook["KPIs_ target vs actual"]
    assert ws["A1"].value == "KPIs: target vs actual" and ws["A1"].font.b
    assert ws["A2"].value == "Week 47 · 2026-11-16 – 2026-11-22"
    assert [c.value for c in ws[4]] == ["KPI", "Target", "Actual", "Deviation", "Deviation %", "Score"]
    assert all(c.font.b for c in ws[4]) and ws.freeze_panes == "A5"
    assert [c.value for c in ws["C"][4:8]] == [912, 0.105, 3120.6, None]
    # kpi_engine.fmt's rule in Excel: money in whole units from ¥100, two decimals below
    assert [c.number_format for c in ws["C"][4:7]] == ["#,##0", "0.0%", '"¥"#,##0;-"¥"#,##0']
    assert ws["B7"].value == 3000 and ws["D7"].number_format == '+"¥"#,##0;-"¥"#,##0;"¥"#,##0'
    # a rate's deviation and deviation % are in percentage points (stored ×100)
    assert ws["D6"].value == pytest.approx(-1.5) and ws["D6"].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'
    assert ws["E6"].value == pytest.approx(-1.5) and ws["E6"].number_format == ws["D6"].number_format
    assert ws["B6"].data_type == "n" and ws["B6"].value == 0.12
    assert ws["E5"].value == -0.088 and ws["E5"].number_format == "+0.0%;-0.0%;0.0%"
    assert ws["F6"].value == 87.5 and ws["F6"].number_format == "0.0"
    assert ws["F8"].value is None and ws["E8"].value is None
    assert ws.column_dimensions["A"].width >= len("Brand search growth")
    trend = workbook["Trend, last 8 weeks"]
    assert [c.value for c in trend[3]] == ["Week", "Actual", "Target"]  # no text: the header right under the title
    assert trend["B8"].value is None and trend["C4"].value is None and trend["C6"].value == 250
    gap = workbook["Gap by channel"]
    assert gap["B4"].value == -300 and gap["B4"].number_format == "+#,##0;-#,##0;#,##0"
    notes = workbook["Causes and actions"]
    assert notes["C5"].value == dt.datetime(2026, 11, 30) and notes["C5"].number_format == "yyyy-mm-dd"
    assert notes["C11"].value is None


def test_workbook_non_integer_count_and_empty_table(workbook) -> None:
    off = workbook["Off track"]
    assert off["A3"].value == "Every KPI is on track."
    doc = ReviewDocument("monthly", "2026-10", "en", "M", (), (Section("x", "X", pd.DataFrame({"n": [2.5, 3.0]}),
                                                                              {"n": "count"}),))
    ws = load_workbook(io.BytesIO(review_to_xlsx(doc)))["X"]
    assert (ws["A4"].value, ws["A4"].number_format) == (2.5, "#,##0.0")
    assert (ws["A5"].value, ws["A5"].number_format) == (3, "#,##0")


def test_workbook_is_formula_injection_safe(workbook) -> None:
    notes = workbook["Causes and actions"]
    assert notes["A4"].value == "'=Cause" and notes["A4"].data_type == "s"
    assert notes["A2"].value == "'-note: @risk"
    expected = ["'=SUM(A1)", "'+1", "'-2", "'@x", "<b>&</b>", "'\tTAB", "短视频渠道线索下滑"]
    assert [c.value for c in notes["A"][4:11]] == expected
    assert all(c.data_type == "s" for c in notes["A"][4:11])
    gap = workbook["Gap by channel"]
    labels = [c.value for c in gap["A"] if isinstance(c.value, str)]
    assert "'=SUM(A1)" in labels and "=SUM(A1)" not in labels
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    assert safe_text("=1+1") == "'=1+1" and safe_text("\x01=1") == "'=1" and safe_text("a=b") == "a=b"


def test_workbook_native_charts() -> None:
    with zipfile.ZipFile(io.BytesIO(review_to_xlsx(make_doc()))) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = "".join(z.read(n).decode() for n in charts)
    assert len(charts) == 3
    assert xml.count("<lineChart>") == 1 and xml.count("<barChart>") == 2
    # levels 10,000 … 9,700: spread 300, a quarter of it (75) below 9,700 = 9,625, down to a step of 20: 9,620
    assert '<grouping val="stacked" />' in xml and '<min val="9620" />' in xml


def test_sheet_title_rules() -> None:
    taken: set[str] = set()
    assert sheet_title("a/b:c*d?e[f]g\\h", taken) == "a_b_c_d_e_f_g_h"
    long = sheet_title("x" * 40, taken)
    assert long == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 27 + " (2)"
    assert sheet_title("A_B_C_D_E_F_G_H", taken) == "A_B_C_D_E_F_G_H (2)"
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("", taken) == "Sheet"


class _Tags(HTMLParser):
    VOID = {"meta", "br", "img", "link", "hr", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: dict[str, int] = {}
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    return parser


def test_html_structure_and_content() -> None:
    html = review_to_html(make_doc())
    tags = _parse(html)
    assert tags.seen["section"] == 5 and tags.seen["img"] == 3 and tags.seen["table"] == 4 and tags.seen["h2"] == 5
    assert "<svg" not in html  # charts are images of their Vega-Lite spec, not drawn by hand
    assert '<html lang="en">' in html and "<title>Weekly review 2026-W47 · 2026-W47</title>" in html
    for title in ("KPIs: target vs actual", "Off track", "Trend, last 8 weeks", "Gap by channel", "Causes and actions"):
        assert f"<h2>{title}</h2>" in html
    for shown in ("1,000", "912", "12.0%", "10.5%", "¥3,121", "¥3,000", "-8.8%", "+4.0%", "87.5", "2026-11-30"):
        assert f">{shown}</td>" in html, shown
    assert '<td class="num neg">-88</td>' in html and '<td class="num pos">+200</td>' in html and '<td class="num pos">+4.0%</td>' in html
    assert '<td class="date">2026-11-30</td>' in html and '<td class="num none">—</td>' in html and "Every KPI is on track." in html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>&</b>" not in html and "<b>" not in html
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "@media print" in html and "size: A4" in html and "display: table-header-group" in html
    assert "break-inside: avoid" in html and "Generated at 2026-11-23 09:00" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html


def test_zh_document() -> None:
    doc = make_doc("zh")
    html = review_to_html(doc)
    _parse(html)
    assert '<html lang="zh-CN">' in html and "<h2>关键指标</h2>" in html and "<h1>周复盘 2026-W47</h1>" in html
    assert "没有偏离目标的指标" in html and "生成于 2026-11-23 09:00" in html and ">指标</th>" in html
    wb = load_workbook(io.BytesIO(review_to_xlsx(doc)))
    assert wb.sheetnames[:3] == ["概要", "关键指标", "偏离目标的指标"]
    assert wb["关键指标"]["A5"].value == "线索数" and wb["概要"]["A3"].value == "复盘类型"


def images(html: str) -> dict[str, str]:
    """The report's charts: alt text -> the SVG inside its data: URL."""
    found = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">', html)
    return {alt: base64.b64decode(data).decode() for data, alt in found}


def test_charts_are_the_vega_lite_specs_rendered_by_vl_convert() -> None:
    html = review_to_html(make_doc())
    shown = images(html)
    assert list(shown) == ["Achievement per KPI", "Leads per week vs target", "Leads: target → actual by channel"]
    waterfall = shown["Leads: target → actual by channel"]
    # names on the axis (escaped inside the SVG), the changes signed, the axis start said
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in waterfall and "A &amp; B" in waterfall and "<script" not in waterfall
    assert ">+200<" in waterfall and ">-300<" in waterfall and ">10,000<" in waterfall and "Axis starts at 9,620" in waterfall
    bars = shown["Achievement per KPI"]
    assert "91.2%" in bars and "104.0%" in bars
    trend = shown["Leads per week vs target"]
    assert all(f">{w}<" in trend for w in WEEKS)
    assert all("http" not in svg.replace("http://www.w3.org/", "") for svg in shown.values())


def test_html_escapes_user_text() -> None:
    notes = pd.DataFrame({"cause": ["<script>alert('x')</script>"], "action": ['=HYPERLINK("http://evil.example","win")'],
                          "owner": ['<img src=x onerror="alert(1)">'], "file": ["leads<1>.csv"]})
    section = Section("notes", "Notes <i>", notes, {c: "text" for c in notes.columns},
                      {"cause": "Cause", "action": "Action", "owner": "Owner", "file": "File"}, text=("<b>bold</b>",))
    doc = ReviewDocument("weekly", "2026-W47", "en", "Review <script>", ("<u>sub</u>",), (section,),
                         dt.datetime(2026, 11, 23, 9, 0))
    html = review_to_html(doc)
    _parse(html)
    assert "<script" not in html and "<img src=x" not in html and "<b>bold" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;win&#34;)" in html  # shown as text, never a link
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html and "leads&lt;1&gt;.csv" in html
    assert "<title>Review &lt;script&gt; · 2026-W47</title>" in html and "<h2>Notes &lt;i&gt;</h2>" in html
    cell = load_workbook(io.BytesIO(review_to_xlsx(doc)))["Notes <i>"]["B5"]
    assert cell.value == '\'=HYPERLINK("http://evil.example","win")' and cell.data_type == "s"


def test_empty_charts_are_not_drawn() -> None:
    for kind, cols in (("trend", ["label", "actual", "target"]), ("waterfall", ["label", "value", "kind"]),
                       ("bars", ["label", "value"])):
        chart = Chart(kind, "Empty <x>", pd.DataFrame({c: [] for c in cols}))
        doc = ReviewDocument("weekly", "2026-W01", "en", "T", (), (Section("s", "S", charts=(chart,)),))
        html = review_to_html(doc)
        assert "No data" in html and "<img" not in html
    assert load_workbook(io.BytesIO(review_to_xlsx(doc)))["S"]["A5"].value == "Chart data: Empty <x>"


def test_format_number() -> None:
    cases = [(12345.0, "money", "¥12,345"), (-300.0, "money", "-¥300"), (12.5, "money", "¥12.50"), (0.123, "ratio", "12.3%"),
             (0.045, "pct", "+4.5%"), (-0.2, "pct", "-20.0%"), (1234.0, "count", "1,234"), (2.5, "count", "2.5"),
             (87.5, "score", "87.5"), (100.0, "score", "100.0"), (None, "count", "—"), (NAN, "money", "—"),
             (dt.date(2026, 1, 2), "date", "2026-01-02"), ("x", "text", "x")]
    assert [format_number(v, u) for v, u, _ in cases] == [want for _, _, want in cases]
    assert format_number(200.0, "count", signed=True) == "+200"
    # a difference of rates is in percentage points, in the document's language
    assert format_number(-0.015, "ratio", signed=True) == "-1.5 pp" and format_number(0.02, "pp", lang="zh") == "+2.0 个百分点"
    assert format_number(3120.6, "money") == "¥3,121" and format_number(87.456, "money") == "¥87.46"


def test_rate_rows_change_in_points_on_the_page_and_in_print() -> None:
    for lang, pp in (("en", "-1.5 pp"), ("zh", "-1.5 个百分点")):
        section = make_doc(lang).sections[0]
        assert section.unit_of("deviation_pct", 1) == "pp" and section.unit_of("deviation_pct", 0) == "pct"
        html = review_to_html(make_doc(lang))
        assert html.count(f">{pp}</td>") == 2  # Lead → MQL: deviation and deviation %


def realistic_doc() -> ReviewDocument:
    """A monthly review shaped like the demo's story: the sliding short-video channel drives the lead shortfall."""
    kpis = pd.DataFrame({
        "kpi": ["Leads", "Lead → MQL rate", "High-value lead share", "Lead → customer rate", "First-order value",
                "Brand search growth", "UGC pieces"],
        "unit": ["count", "ratio", "ratio", "ratio", "money", "ratio", "count"],
        "weight": [0.25, 0.15, 0.15, 0.15, 0.1, 0.1, 0.1],
        "target": [1000, 0.12, 0.30, 0.08, 3000, 0.20, 500],
        "actual": [874, 0.118, 0.312, 0.071, 3180, 0.23, 455],
    }).astype({"target": float, "actual": float})
    kpis["deviation_pct"] = kpis["actual"] / kpis["target"] - 1
    kpis["score"] = (kpis["actual"] / kpis["target"]).clip(upper=1.2) * 100
    kpi_section = Section(
        "kpis", "Team KPIs: target vs actual", kpis,
        {"kpi": "text", "weight": "ratio", "target": "row", "actual": "row", "deviation_pct": "pct", "score": "score"},
        {"kpi": "KPI", "weight": "Weight", "target": "Target", "actual": "Actual", "deviation_pct": "Deviation %",
         "score": "Score"}, row_unit="unit",
        charts=(Chart("bars", "Achievement per KPI", pd.DataFrame({"label": kpis["kpi"],
                                                                   "value": kpis["actual"] / kpis["target"]}),
                      unit="ratio", reference=1.0),),
        text=("Weighted KPI score 97.1 (grade B); final score with the 360 part 96.4.",))
    weeks = [f"2026-W{w}" for w in range(36, 44)]
    trend = pd.DataFrame({"label": weeks, "actual": [236.0, 241, 229, 233, 214, 209, 198, 201],
                          "target": [NAN, 230, 230, 230, 230, 230, 230, 230]})
    channels = ["Short video (抖音)", "Xiaohongshu notes", "Trade shows", "Baidu search", "WeChat", "Website (organic)",
                "未归因"]
    changes = [-168.0, 22, 15, -9, 6, 11, -3]
    gap = pd.DataFrame({"label": ["Target", *channels, "Actual"], "value": [1000.0, *changes, 874.0],
                        "kind": ["total", *["up" if c > 0 else "down" for c in changes], "total"]})
    people = pd.DataFrame({"person": ["Wang Fang (new media)", "Zhang Wei (events)", "Liu Yang (sales support)"],
                           "score": [78.4, 104.2, 101.0], "contribution": [-151.0, 18.0, 7.0]})
    notes = pd.DataFrame({"kpi": ["Leads", "Lead → customer rate"],
                          "cause": ["Short-video completion rate fell after the algorithm change", "Slow first response"],
                          "action": ["Test 3 new hooks; shift ¥20,000 to live streams", "Rota for 2-hour SLA"],
                          "owner": ["Wang Fang", "Liu Yang"], "due": [dt.date(2026, 11, 14), dt.date(2026, 11, 7)],
                          "status": ["open", "done"]})
    sections = (
        kpi_section,
        Section("trend", "Leads per week", trend, {"label": "text", "actual": "count", "target": "count"},
                {"label": "Week", "actual": "Actual", "target": "Target"},
                charts=(Chart("trend", "Leads per week vs pro-rated target", trend),)),
        Section("gap", "Why leads fell short: contribution by channel",
                gap.iloc[1:-1].rename(columns={"label": "channel", "value": "contribution"}),
                {"channel": "text", "contribution": "count"}, {"channel": "Channel", "contribution": "Contribution"},
                charts=(Chart("waterfall", "Leads: target 1,000 → actual 874", gap),),
                text=("Additive metric: the channel contributions add up exactly to actual − target (−126).",)),
        Section("people", "People: scores and contribution", people,
                {"person": "text", "score": "score", "contribution": "count"},
                {"person": "Person", "score": "Score", "contribution": "Contribution to the lead gap"},
                charts=(Chart("bars", "Weighted score per person", people.rename(
                    columns={"person": "label", "score": "value"}), unit="score", reference=100.0),)),
        Section("notes", "Causes and actions", notes,
                {"kpi": "text", "cause": "text", "action": "text", "owner": "text", "due": "date", "status": "text"},
                {"kpi": "KPI", "cause": "Cause", "action": "Action", "owner": "Owner", "due": "Due", "status": "Status"}),
    )
    return ReviewDocument("monthly", "2026-10", "en", "Monthly review October 2026",
                          ("2026-10-01 – 2026-10-31 · data through 2026-10-31", "Plan: Team plan 2026-10 (monthly)"),
                          sections, dt.datetime(2026, 11, 2, 8, 30))


def test_render_sample_artifacts(artifacts_dir) -> None:
    doc = realistic_doc()
    html_path, xlsx_path = artifacts_dir / "review_sample.html", artifacts_dir / "review_sample.xlsx"
    html_path.write_text(review_to_html(doc), encoding="utf-8")
    xlsx_path.write_bytes(review_to_xlsx(doc))
    (artifacts_dir / "review_sample_zh.html").write_text(review_to_html(make_doc("zh")), encoding="utf-8")
    wb = load_workbook(xlsx_path)
    assert wb.sheetnames == ["Summary", "Team KPIs_ target vs actual", "Leads per week",
                             "Why leads fell short_ contribut", "People_ scores and contribution", "Causes and actions"]
    assert wb["Team KPIs_ target vs actual"]["C5"].value == 1000 and wb["Leads per week"]["B11"].value == 201
    html = html_path.read_text(encoding="utf-8")
    assert "<h2>Why leads fell short: contribution by channel</h2>" in html and ">-168</td>" in html
    assert '<td class="num neg">-12.6%</td>' in html and "87.4%" in images(html)["Achievement per KPI"]
