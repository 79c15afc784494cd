"""Reading uploads: encodings, delimiters, line endings, quoting, Excel, and every kind of broken file.

Files are built in the tests (bytes, or written to tmp_path); expectations are written by hand.
"""

from __future__ import annotations

import datetime as dt
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

LEADS_ZH = "线索ID,创建时间,渠道,负责人\nL001,2026-10-01 09:30,抖音,张伟\nL002,2026-10-02,小红书,李娜\n"
LEADS_ZH_ROWS = [
    {"线索ID": "L001", "创建时间": "2026-10-01 09:30", "渠道": "抖音", "负责人": "张伟", ROW_COL: 2},
    {"线索ID": "L002", "创建时间": "2026-10-02", "渠道": "小红书", "负责人": "李娜", ROW_COL: 3},
]


def rows(raw: RawFile) -> list[dict]:
    return raw.data.to_pylist()


def codes(raw: RawFile) -> list[str]:
    return list(raw.issues["code"])


def issue_rows(raw: RawFile, code: str) -> list[dict]:
    return raw.issues[raw.issues["code"] == code].to_dict("records")


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


# --- encodings -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (LEADS_ZH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + LEADS_ZH.encode("utf-8"), "utf-8-sig"),
        (LEADS_ZH.encode("utf-16"), "utf-16-le"),  # Python writes a little-endian BOM
        (b"\xfe\xff" + LEADS_ZH.encode("utf-16-be"), "utf-16-be"),
        (LEADS_ZH.encode("utf-16-le"), "utf-16-le"),  # no BOM: found by the NUL pattern
        (LEADS_ZH.encode("gbk"), "gb18030"),
        (LEADS_ZH.encode("gb18030"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16-nobom", "gbk", "gb18030"],
)
def test_encodings_decode_to_the_same_rows(data: bytes, encoding: str) -> None:
    raw = read_upload(data, "leads.csv")
    assert raw.encoding == encoding
    assert raw.headers == ["线索ID", "创建时间", "渠道", "负责人"]
    assert rows(raw) == LEADS_ZH_ROWS
    assert codes(raw) == []
    assert raw.kind == "csv" and raw.delimiter == ","


def test_gb18030_four_byte_characters() -> None:
    text = "客户,备注\n王芳,满意😀\n"
    raw = read_upload(text.encode("gb18030"))
    assert raw.encoding == "gb18030"
    assert rows(raw) == [{"客户": "王芳", "备注": "满意😀", ROW_COL: 2}]


def test_gbk_whose_first_bytes_look_like_utf8() -> None:
    raw = read_upload("name,channel\nwechat,微信\n".encode("gbk"))  # 微 = CE A2, also a valid UTF-8 pair
    assert raw.encoding == "gb18030"
    assert rows(raw) == [{"name": "wechat", "channel": "微信", ROW_COL: 2}]
    assert codes(raw) == []


def test_gbk_detected_after_a_long_ascii_start() -> None:
    ascii_rows = "".join(f"L{i:05d},2026-10-01,web\n" for i in range(6000))  # > 64 KB before the first Chinese
    data = ("lead_id,created_at,channel\n" + ascii_rows + "L99999,2026-10-02,抖音\n").encode("gbk")
    raw = read_upload(data)
    assert raw.encoding == "gb18030"
    assert raw.rows == 6001
    assert rows(raw)[-1] == {"lead_id": "L99999", "created_at": "2026-10-02", "channel": "抖音", ROW_COL: 6002}


def test_western_excel_csv_falls_back_with_a_warning() -> None:
    raw = read_upload("Nom;Société;Coût\nRenée;Crème Brûlée SA;12,5\n".encode("cp1252"))
    assert raw.encoding == "cp1252"
    assert rows(raw) == [{"Nom": "Renée", "Société": "Crème Brûlée SA", "Coût": "12,5", ROW_COL: 2}]
    [warning] = issue_rows(raw, "file_encoding_guess")
    assert warning["severity"] == "warning" and warning["value"] == "cp1252"


def test_western_text_after_a_long_ascii_start_is_not_taken_for_gbk() -> None:
    ascii_rows = "".join(f"{i:05d};Paris;10\n" for i in range(7000))
    raw = read_upload(("id;city;cost\n" + ascii_rows + "99999;Crème Brûlée;11\n").encode("cp1252"))
    assert raw.encoding == "cp1252"
    assert rows(raw)[-1] == {"id": "99999", "city": "Crème Brûlée", "cost": "11", ROW_COL: 7002}


def test_latin1_last_resort_for_bytes_cp1252_does_not_define() -> None:
    raw = read_upload(b"name,code\nA\x81,1\n")  # 0x81 is undefined in cp1252
    assert raw.encoding == "latin-1"
    assert rows(raw) == [{"name": "A\x81", "code": "1", ROW_COL: 2}]
    assert codes(raw) == ["file_encoding_guess"]


def test_utf8_with_one_corrupt_byte_keeps_utf8_and_warns() -> None:
    raw = read_upload("渠道,花费\n抖音,100\n".encode() + b"bad\xff,5\n")
    assert raw.encoding == "utf-8"
    assert rows(raw)[0] == {"渠道": "抖音", "花费": "100", ROW_COL: 2}
    assert rows(raw)[1] == {"渠道": "bad\ufffd", "花费": "5", ROW_COL: 3}
    assert codes(raw) == ["file_encoding_guess"]


# --- delimiters, line endings, quoting ---------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    raw = read_upload(LEADS_ZH.replace(",", delimiter).encode())
    assert raw.delimiter == delimiter
    assert rows(raw) == LEADS_ZH_ROWS


def test_semicolon_file_with_decimal_commas() -> None:
    raw = read_upload(b"date;channel;cost\n2026-10-01;web;12,50\n2026-10-02;web;1.200,75\n")
    assert raw.delimiter == ";"
    assert [r["cost"] for r in rows(raw)] == ["12,50", "1.200,75"]


def test_delimiter_inside_quotes_does_not_count() -> None:
    data = b'name\tnote\n"Smith, John"\t"a, b, c"\n"Lee, Ann"\t"x, y"\n'
    raw = read_upload(data)
    assert raw.delimiter == "\t"
    assert rows(raw) == [{"name": "Smith, John", "note": "a, b, c", ROW_COL: 2},
                         {"name": "Lee, Ann", "note": "x, y", ROW_COL: 3}]


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_line_endings(eol: str) -> None:
    raw = read_upload(LEADS_ZH.replace("\n", eol).encode())
    assert rows(raw) == LEADS_ZH_ROWS


def test_bom_and_crlf_together() -> None:
    raw = read_upload(b"\xef\xbb\xbf" + LEADS_ZH.replace("\n", "\r\n").encode())
    assert raw.headers[0] == "线索ID"
    assert rows(raw) == LEADS_ZH_ROWS


def test_quoted_fields_with_delimiters_newlines_and_quotes() -> None:
    data = (b'id,note,amount\r\n1,"line one\r\nline two, with comma",10\r\n'
            b'2,"he said ""hi""",20\r\n3,"multi\nline\nnote",30\r\n4,plain,40\r\n')
    raw = read_upload(data)
    assert rows(raw) == [
        {"id": "1", "note": "line one\r\nline two, with comma", "amount": "10", ROW_COL: 2},
        {"id": "2", "note": 'he said "hi"', "amount": "20", ROW_COL: 3},
        {"id": "3", "note": "multi\nline\nnote", "amount": "30", ROW_COL: 4},
        {"id": "4", "note": "plain", "amount": "40", ROW_COL: 5},
    ]
    assert codes(raw) == []


def test_trailing_delimiter_on_every_line_is_ignored() -> None:
    raw = read_upload(b"a,b,c,\n1,2,3,\n4,5,6,\n")
    assert raw.headers == ["a", "b", "c"]
    assert rows(raw) == [{"a": "1", "b": "2", "c": "3", ROW_COL: 2}, {"a": "4", "b": "5", "c": "6", ROW_COL: 3}]
    assert codes(raw) == []


def test_trailing_delimiter_only_on_data_lines_or_only_on_the_header() -> None:
    only_data = read_upload(b"a,b,c\n1,2,3,\n4,5,6,\n")
    only_header = read_upload(b"a,b,c,,\n1,2,3\n4,5,6\n")
    for raw in (only_data, only_header):
        assert raw.headers == ["a", "b", "c"]
        assert rows(raw) == [{"a": "1", "b": "2", "c": "3", ROW_COL: 2}, {"a": "4", "b": "5", "c": "6", ROW_COL: 3}]
        assert codes(raw) == []


def test_values_stripped_and_blank_cells_null() -> None:
    raw = read_upload("id , name ,note\n 1 ,  Ann\u3000, \n2,\t,\"\"\n".encode())
    assert raw.headers == ["id", "name", "note"]
    assert rows(raw) == [{"id": "1", "name": "Ann", "note": None, ROW_COL: 2},
                         {"id": "2", "name": None, "note": None, ROW_COL: 3}]


def test_blank_lines_dropped_but_row_numbers_stay_true() -> None:
    raw = read_upload(b"id,v\n1,a\n\n,\n  ,  \n2,b\n\n")
    assert rows(raw) == [{"id": "1", "v": "a", ROW_COL: 2}, {"id": "2", "v": "b", ROW_COL: 6}]
    assert codes(raw) == []


def test_single_column_file() -> None:
    raw = read_upload(b"lead_id\nL1\nL2\n")
    assert raw.headers == ["lead_id"]
    assert [r["lead_id"] for r in rows(raw)] == ["L1", "L2"]


# --- ragged rows --------------------------------------------------------------------------------------------


def test_ragged_rows_reported_with_row_numbers_and_rest_read() -> None:
    data = b'id,name,cost\n1,a,10\n2,b\n3,"c\nc",30\n4,d,40,99\n\n5,e,50\n6\n'
    raw = read_upload(data)
    assert rows(raw) == [
        {"id": "1", "name": "a", "cost": "10", ROW_COL: 2},
        {"id": "3", "name": "c\nc", "cost": "30", ROW_COL: 4},
        {"id": "5", "name": "e", "cost": "50", ROW_COL: 7},
    ]
    bad = issue_rows(raw, "file_bad_row")
    assert [(b["row"], b["value"], b["severity"]) for b in bad] == [
        (3, "2,b", "error"), (5, "4,d,40,99", "error"), (8, "6", "error")]
    assert bad[0]["detail"] == "2 fields, 3 expected"
    assert bad[1]["detail"] == "4 fields, 3 expected"
    assert list(raw.issues.columns) == ISSUE_COLUMNS


def test_extra_empty_fields_on_some_rows_are_not_errors() -> None:
    raw = read_upload(b"a,b\n1,2\n3,4,,\n5,6\n")
    assert rows(raw) == [{"a": "1", "b": "2", ROW_COL: 2}, {"a": "3", "b": "4", ROW_COL: 3},
                         {"a": "5", "b": "6", ROW_COL: 4}]
    assert codes(raw) == []


def test_unterminated_quote_is_a_bad_row_not_a_crash() -> None:
    raw = read_upload(b'id,name,x\n1,a,b\n2,"oops,c\n3,c,d\n')  # the open quote swallows the rest of the file
    assert rows(raw) == [{"id": "1", "name": "a", "x": "b", ROW_COL: 2}]
    [bad] = issue_rows(raw, "file_bad_row")
    assert (bad["row"], bad["value"]) == (3, '2,"oops,c\n3,c,d')


def test_row_numbers_exact_across_many_parse_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "BLOCK_SIZE", 4096)
    lines = ["id,note,v"]
    for i in range(1, 3001):
        if i % 500 == 0:
            lines.append(f"{i},short")  # ragged
        elif i % 7 == 0:
            lines.append(f'{i},"two\nlines",{i}')
        else:
            lines.append(f"{i},n{i},{i}")
    raw = read_upload(("\n".join(lines) + "\n").encode())
    assert raw.rows == 2994
    assert [b["row"] for b in issue_rows(raw, "file_bad_row")] == [501, 1001, 1501, 2001, 2501, 3001]
    data = rows(raw)
    assert all(r[ROW_COL] == int(r["id"]) + 1 for r in data)  # id i sits on sheet row i + 1
    assert data[6] == {"id": "7", "note": "two\nlines", "v": "7", ROW_COL: 8}


def test_a_quoted_value_longer_than_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "BLOCK_SIZE", 1024)
    long_note = "x\n" * 3000
    raw = read_upload(f'id,note\n1,"{long_note}"\n2,b\n'.encode())
    assert [(r["id"], len(r["note"]), r[ROW_COL]) for r in rows(raw)] == [("1", 5999, 2), ("2", 1, 3)]


# --- headers ------------------------------------------------------------------------------------------------


def test_duplicate_and_blank_headers() -> None:
    raw = read_upload(b"name,Name,,cost,name\nAnn,A,x,1,B\nBob,b,,2,\n")
    assert raw.headers == ["name", "Name (2)", "cost", "name (3)"]
    assert rows(raw)[0] == {"name": "Ann", "Name (2)": "A", "cost": "1", "name (3)": "B", ROW_COL: 2}
    dups = issue_rows(raw, "file_duplicate_header")
    assert [(d["source"], d["value"], d["severity"]) for d in dups] == [
        ("Name", "Name (2)", "warning"), ("name", "name (3)", "warning")]
    [blank] = issue_rows(raw, "file_blank_header")
    assert (blank["value"], blank["row"], blank["severity"]) == ("C", 1, "warning")


def test_title_rows_above_the_header_in_a_csv() -> None:
    data = "2026年10月线索明细\n导出时间,2026-11-01 08:00\n\n线索ID,创建时间,渠道,负责人\nL1,2026-10-01,抖音,张伟\n\nL2,2026-10-03,官网,李娜\n"
    raw = read_upload(data.encode("gbk"))
    assert raw.headers == ["线索ID", "创建时间", "渠道", "负责人"]
    assert rows(raw) == [
        {"线索ID": "L1", "创建时间": "2026-10-01", "渠道": "抖音", "负责人": "张伟", ROW_COL: 5},
        {"线索ID": "L2", "创建时间": "2026-10-03", "渠道": "官网", "负责人": "李娜", ROW_COL: 7},
    ]
    assert codes(raw) == []


def test_excel_sep_hint_line() -> None:
    raw = read_upload(b"sep=;\r\nid;note\r\n1;a,b\r\n2;c,d\r\n")
    assert raw.delimiter == ";"
    assert rows(raw) == [{"id": "1", "note": "a,b", ROW_COL: 2}, {"id": "2", "note": "c,d", ROW_COL: 3}]


def test_export_note_above_the_header_and_data_wider_than_the_header() -> None:
    text = "导出人,张三,导出时间,2026-11-01\n线索ID,创建时间,渠道,负责人,阶段,金额\nL1,2026-10-01,抖音,张伟,赢单,100\n"
    note = read_upload(text.encode())
    assert note.headers == ["线索ID", "创建时间", "渠道", "负责人", "阶段", "金额"]
    assert rows(note)[0][ROW_COL] == 3
    wide = read_upload(b"id,name\n1,a,5,6\n2,b,7,8\n3,c\n")  # data rows wider than the header: header kept
    assert wide.headers == ["id", "name"]
    assert [r["id"] for r in rows(wide)] == ["1", "2"]
    assert codes(wide) == ["file_bad_row", "file_blank_header", "file_blank_header"]
    assert issue_rows(wide, "file_bad_row")[0]["row"] == 4
    assert [i["value"] for i in issue_rows(wide, "file_blank_header")] == ["C", "D"]


def test_find_header_rules() -> None:
    assert read.find_header([["Report"], [], ["a", "b", "c"], ["1", "2", "3"]]) == 2
    assert read.find_header([["exported by", "Ann", None, None, None, None],
                             ["id", "name", "cost", "clicks", "date", "owner"],
                             ["1", "x", "3", "4", "2026-01-01", "y"]]) == 1
    assert read.find_header([["2026-01-01", "12"], ["a", "b"], ["1", "2"]]) == 1
    assert read.find_header([["only"], ["1"], ["2"]]) == 0
    assert read.find_header([[], ["a", "b"]]) == 1  # header only: first non-empty row


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
