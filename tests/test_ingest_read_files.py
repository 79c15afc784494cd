"""Reading files that are not plain CSV: broken files, Excel workbooks, random bytes, and committed real-world-shaped exports (tests/data/read)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_engine.ingest import read
from kpi_engine.ingest.mapping import build_mapping
from kpi_engine.ingest.model import ISSUE_COLUMNS, ROW_COL, RawFile
from kpi_engine.ingest.read import read_upload
from tests.test_ingest_read import LEADS_ZH, LEADS_ZH_ROWS, codes, issue_rows, rows


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with the given sheets; each row is written at the next row (None = empty cell)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, data in sheets.items():
        ws = wb.create_sheet(title)
        for r, values in enumerate(data, start=1):
            for c, v in enumerate(values, start=1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- broken files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(3000),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\x03\nendstream",
        b"\x00" * 64,
        b"\x01\x02\x03\x04\x05\x06\x07\x08a,b\n1,2\n",
    ],
    ids=["random", "png", "pdf", "nul", "controls"],
)
def test_binary_junk_is_not_text(data: bytes) -> None:
    raw = read_upload(data, "junk.csv")
    assert codes(raw) == ["file_not_text"]
    assert raw.rows == 0 and raw.headers == []
    assert raw.issues.iloc[0]["severity"] == "error"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b",,,\n,,\n",
                                  "\n".encode("utf-16")])
def test_empty_files(data: bytes) -> None:
    raw = read_upload(data, "empty.csv")
    assert codes(raw) == ["file_empty"]
    assert raw.rows == 0 and raw.data.column_names == [ROW_COL]


@pytest.mark.parametrize("data", [b"lead_id,created_at\n", b"lead_id,created_at", b"lead_id,created_at\r\n\r\n,\r\n"])
def test_header_only_files(data: bytes) -> None:
    raw = read_upload(data)
    assert raw.headers == ["lead_id", "created_at"]
    assert raw.rows == 0
    [only] = issue_rows(raw, "file_header_only")
    assert (only["severity"], only["row"]) == ("error", 1)


def test_xlsx_named_csv_is_read_as_excel_and_csv_named_xlsx_as_text() -> None:
    book = xlsx_bytes({"Leads": [["lead_id", "channel"], ["L1", "web"]]})
    as_csv = read_upload(book, "leads.csv")
    assert as_csv.kind == "xlsx" and rows(as_csv) == [{"lead_id": "L1", "channel": "web", ROW_COL: 2}]
    text = read_upload(b"lead_id,channel\nL1,web\n", "leads.xlsx")
    assert text.kind == "csv" and rows(text) == [{"lead_id": "L1", "channel": "web", ROW_COL: 2}]


@pytest.mark.parametrize(
    "data",
    [
        xlsx_bytes({"S": [["a", "b"], [1, 2]]})[:300],  # truncated
        b"PK\x03\x04" + random.Random(3).randbytes(500),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # .xls / encrypted workbook container
    ],
    ids=["truncated", "zip-junk", "ole"],
)
def test_corrupt_workbooks(data: bytes) -> None:
    raw = read_upload(data, "report.xlsx")
    assert raw.kind == "xlsx"
    assert codes(raw) == ["file_bad_xlsx"]
    assert raw.rows == 0


def test_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert codes(read_upload(out.getvalue(), "data.xlsx")) == ["file_bad_xlsx"]


# --- Excel --------------------------------------------------------------------------------------------------


def test_xlsx_values_become_clean_text() -> None:
    book = xlsx_bytes({"Spend": [
        ["日期", "渠道", "花费", "展现", "比例", "启用", "时间"],
        [dt.datetime(2026, 10, 1), "百度", 1200.0, 35000, 0.1 + 0.2, True, dt.datetime(2026, 10, 1, 9, 30, 5)],
        [dt.date(2026, 10, 2), " 抖音 ", 99.5, 13800138000.0, 1 / 3, False, dt.time(14, 5)],
    ]})
    raw = read_upload(book, "spend.xlsx")
    assert raw.kind == "xlsx" and raw.sheet == "Spend" and raw.encoding is None
    assert rows(raw) == [
        {"日期": "2026-10-01", "渠道": "百度", "花费": "1200", "展现": "35000", "比例": "0.3", "启用": "true",
         "时间": "2026-10-01 09:30:05", ROW_COL: 2},
        {"日期": "2026-10-02", "渠道": "抖音", "花费": "99.5", "展现": "13800138000", "比例": "0.333333333333333",
         "启用": "false", "时间": "14:05:00", ROW_COL: 3},
    ]
    assert codes(raw) == []


def test_xlsx_reading_leaves_the_garbage_collector_as_it_found_it() -> None:
    """The reader pauses Python's cyclic collector while it builds the cells (speed), and puts it back as it was:
    on after a good workbook and after a broken one; still off when the caller had turned it off."""
    book = xlsx_bytes({"Leads": [["lead_id", "created_at"], ["N1", dt.datetime(2026, 10, 1)]]})
    assert gc.isenabled()
    assert rows(read_upload(book, "leads.xlsx")) == [{"lead_id": "N1", "created_at": "2026-10-01", ROW_COL: 2}]
    assert gc.isenabled()
    assert "file_bad_xlsx" in codes(read_upload(book[: len(book) // 2], "cut.xlsx")) and gc.isenabled()
    gc.disable()
    try:
        read_upload(book, "leads.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_xlsx_formula_gives_the_cached_value_never_evaluated(tmp_path: Path) -> None:
    book = xlsx_bytes({"S": [["qty", "total", "note"], [2, "=A2*2", "=HYPERLINK(\"http://x\")"]]})
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>A2*2</f><v />", b"<f>A2*2</f><v>5</v>")  # a stale cached value
            dst.writestr(item, content)
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(out.getvalue())
    raw = read_upload(path)
    assert raw.name == "formulas.xlsx"
    assert rows(raw) == []  # 5 was cached (never 4), but the note's formula has no saved result: the row is skipped
    issue = raw.issues.iloc[0]
    assert (issue["code"], issue["row"], issue["source"]) == ("file_formula_no_value", 2, "note")
    assert issue["value"] == '=HYPERLINK("http://x")'


def test_xlsx_title_rows_blank_rows_and_true_row_numbers() -> None:
    book = xlsx_bytes({"报表": [
        ["巨量引擎 广告数据报表"],
        [None],
        ["导出时间", dt.datetime(2026, 11, 1, 8, 0)],
        ["日期", "计划名称", "消耗(元)", "展示数", "点击数"],
        [dt.datetime(2026, 10, 1), "秋季推广", 500.25, 10000, 120],
        [None, None, None, None, None],
        [dt.datetime(2026, 10, 2), "秋季推广", 610, 12000, 150],
    ]})
    raw = read_upload(book, "ocean.xlsx")
    assert raw.headers == ["日期", "计划名称", "消耗(元)", "展示数", "点击数"]
    assert rows(raw) == [
        {"日期": "2026-10-01", "计划名称": "秋季推广", "消耗(元)": "500.25", "展示数": "10000", "点击数": "120", ROW_COL: 5},
        {"日期": "2026-10-02", "计划名称": "秋季推广", "消耗(元)": "610", "展示数": "12000", "点击数": "150", ROW_COL: 7},
    ]


def test_xlsx_sheet_that_looks_like_data_else_asked() -> None:
    book = xlsx_bytes({"说明": [], "Leads": [["lead_id", "channel"], ["L1", "web"]],
                       "Spend": [["date", "cost"], ["2026-10-01", 5]]})
    asked = read_upload(book)  # two sheets fit a table equally well: never guessed
    assert asked.sheet is None and codes(asked) == ["file_sheet_choice"] and asked.sheets == ["说明", "Leads", "Spend"]
    assert asked.issues.iloc[0]["detail"] == "choices=说明|Leads|Spend"
    spend = read_upload(book, sheet="Spend")
    assert spend.sheet == "Spend" and rows(spend) == [{"date": "2026-10-01", "cost": "5", ROW_COL: 2}]
    missing = read_upload(book, sheet="Orders")
    assert codes(missing) == ["file_sheet_unknown"]
    assert missing.issues.iloc[0]["value"] == "Orders" and "Spend" in missing.issues.iloc[0]["detail"]
    picked = read_upload(xlsx_bytes({"Notes": [["exported by", "ann"], ["note", "x"]],
                                     "Leads": [["lead_id", "channel"], ["L1", "web"]]}))
    assert picked.sheet == "Leads" and codes(picked) == ["file_sheet_picked"]


def test_xlsx_empty_header_only_blank_header_and_duplicates() -> None:
    assert codes(read_upload(xlsx_bytes({"A": [], "B": []}))) == ["file_empty"]
    header_only = read_upload(xlsx_bytes({"A": [["lead_id", "channel"]]}))
    assert header_only.headers == ["lead_id", "channel"] and codes(header_only) == ["file_header_only"]
    raw = read_upload(xlsx_bytes({"A": [["id", "id", None], [1, 2, "stray"], [3, 4, None]]}))
    assert raw.headers == ["id", "id (2)"]
    assert rows(raw) == [{"id": "1", "id (2)": "2", ROW_COL: 2}, {"id": "3", "id (2)": "4", ROW_COL: 3}]
    assert codes(raw) == ["file_duplicate_header", "file_blank_header"]


def test_path_and_str_sources(tmp_path: Path) -> None:
    path = tmp_path / "线索.csv"
    path.write_bytes(LEADS_ZH.encode("gbk"))
    for source in (path, str(path)):
        raw = read_upload(source)
        assert raw.name == "线索.csv" and raw.size == path.stat().st_size
        assert rows(raw) == LEADS_ZH_ROWS
    assert read_upload(path.read_bytes()).name == "upload"
    assert rows(read_upload(LEADS_ZH)) == LEADS_ZH_ROWS  # a str with line breaks is CSV text, not a path
    assert read_upload(path, "renamed.csv").name == "renamed.csv"
    assert read_upload(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_column_letters() -> None:
    assert [read.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# --- properties ---------------------------------------------------------------------------------------------


def _check_raw(raw: RawFile) -> None:
    assert list(raw.issues.columns) == ISSUE_COLUMNS
    assert raw.data.column_names[-1] == ROW_COL
    assert raw.rows > 0 or (raw.issues["severity"] == "error").any()
    assert set(raw.issues["severity"]) <= {"error", "warning"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_rawfile(data: bytes) -> None:
    _check_raw(read_upload(data, "x.csv"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from('ab,;\t|"\r\n 线索 '), max_size=6), max_size=5), max_size=8),
       st.sampled_from(["utf-8", "gbk", "utf-16"]))
def test_any_csv_like_text_gives_a_rawfile(table: list[list[str]], encoding: str) -> None:
    text = "\n".join(",".join(cells) for cells in table)
    _check_raw(read_upload(text.encode(encoding), "x.csv"))


# --- committed real-world-shaped fixtures (tests/data/read) ------------------------------------------------


FIXTURES = Path(__file__).resolve().parent / "data" / "read"


def test_crm_export_gbk_crlf_title_row_and_multiline_notes() -> None:
    raw = read_upload(FIXTURES / "crm_leads_gbk.csv")
    assert (raw.encoding, raw.delimiter, codes(raw)) == ("gb18030", ",", [])
    assert raw.headers == ["线索ID", "客户姓名", "手机", "来源渠道", "创建时间", "负责人", "线索状态", "备注"]
    assert [(r["线索ID"], r["手机"], r["备注"], r[ROW_COL]) for r in rows(raw)] == [
        ("XS-1001", "13800138000", "想要报价，尽快联系", 4),
        ("XS-1002", "13900139000", "第一行\r\n第二行", 5),
        ("XS-1003", None, None, 6),
    ]
    m = build_mapping(raw.headers)
    assert m.table == "leads"
    assert m.columns == {"lead_id": "线索ID", "created_at": "创建时间", "channel_id": "来源渠道", "owner_id": "负责人",
                         "stage": "线索状态"}
    assert m.missing_required == []


def test_google_ads_utf16_tab_export_with_report_title_lines() -> None:
    raw = read_upload(FIXTURES / "google_ads_utf16.csv")
    assert (raw.encoding, raw.delimiter, codes(raw)) == ("utf-16-le", "\t", [])
    assert rows(raw)[0] == {"Day": "2026-10-01", "Campaign": "Brand - CN", "Campaign ID": "2030401",
                            "Ad group": "Brand exact", "Impr.": "1,204", "Clicks": "87", "Cost": "312.40",
                            "Conversions": "6.00", ROW_COL: 4}
    m = build_mapping(raw.headers)
    assert m.table == "spend"
    assert m.columns == {"date": "Day", "campaign_id": "Campaign ID", "ad_id": "Ad group", "cost": "Cost",
                         "impressions": "Impr.", "clicks": "Clicks", "conversions": "Conversions"}
    assert m.missing_required == ["channel_id"]
