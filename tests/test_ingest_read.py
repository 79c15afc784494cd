"""Reading uploads: encodings, delimiters, line endings, quoting, Excel, and every kind of broken file.

Files are built in the tests (bytes, or written to tmp_path); expectations are written by hand.
"""

from __future__ import annotations

import pytest

from kpi_engine.ingest import read
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
