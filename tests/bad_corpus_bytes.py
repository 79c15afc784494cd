"""Byte builders of the malformed-upload corpus (``tests/make_bad_corpus.py``): CSV, Excel, zip and binary oddities."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import struct
import zipfile
import zlib

from tests.bad_corpus_model import FIXED_ZIP_TIME


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def lines_bytes(*lines: str, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def png_bytes() -> bytes:
    """A real 2x2 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([255, 0, 0, 0, 255, 0]) for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def fixed_zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]], *, title: str = "Sheet1", more: dict[str, list[list[object]]] | None = None,
               merge: str | None = None) -> bytes:
    """An .xlsx workbook with ``rows`` on one sheet (then the ``more`` sheets), byte-for-byte reproducible."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for name, extra in (more or {}).items():
        sheet = wb.create_sheet(name)
        for row in extra:
            sheet.append(row)
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)
    entries = []
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2026-01-01T00:00:00Z\3", data)
            entries.append((info.filename, data))
    return fixed_zip(entries)


def xlsx_error_cells() -> bytes:
    """Spend workbook with a real Excel error cell (#VALUE!) and a negative cost."""
    import openpyxl

    rows: list[list[object]] = [
        ["date", "channel_id", "campaign_id", "cost", "impressions"],
        [dt.datetime(2026, 1, 21), "baidu_search", "C100", 88.5, 1200],
        [dt.datetime(2026, 1, 22), "baidu_search", "C100", "#VALUE!", 1300],
        [dt.datetime(2026, 1, 23), "baidu_search", "C100", -3, 1400],
    ]
    data = xlsx_bytes(rows)
    # openpyxl stores "#VALUE!" as an error cell (t="e"); check so the fixture stays what it claims
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.active["D3"].data_type == "e"
    return data


def xlsx_empty() -> bytes:
    return xlsx_bytes([])


def xlsx_leads_negative() -> bytes:
    return xlsx_bytes([
        ["lead_id", "created_at", "channel_id", "expected_value"],
        ["X101", dt.datetime(2026, 3, 1, 9, 30), "baidu_search", 5000],
        ["X102", dt.datetime(2026, 3, 2, 14, 0), "douyin_video", -10],
    ])


def xlsx_truncated() -> bytes:
    full = xlsx_bytes([["lead_id", "created_at", "channel_id"]] + [[f"T{i}", "2026-03-01", "baidu_search"] for i in range(50)])
    return full[: len(full) // 2]


def zip_not_xlsx() -> bytes:
    return fixed_zip([("hello.txt", b"this is a zip archive, not a workbook\n"), ("data/readme.md", b"# nothing\n")])


def random_bytes() -> bytes:
    return random.Random(20260101).randbytes(4096)


def mixed_encoding_bytes() -> bytes:
    return b"".join([
        b"person_id,name,team\n",
        "P901,张三,marketing\n".encode(),
        "P902,李四,sales\n".encode("gbk"),
        b"P903,Wang Wu,sales\n",
    ])


def utf16_bytes(bom: bool) -> bytes:
    text = "线索编号\t创建时间\t渠道\r\nU101\t2026-03-05 10:00\tdouyin_video\r\nU102\t2026-03-06 11:30\tbaidu_search\r\n"
    if bom:
        return text.encode("utf-16")  # with BOM (little-endian on every platform we run)
    return text.encode("utf-16-le")


def long_cell_bytes() -> bytes:
    return csv_bytes([["person_id", "name"], ["P_LONG", "长" * 1000 + "x" * 999_000]])


def wide_bytes() -> bytes:
    header = ["lead_id", "created_at", "channel_id"] + [f"extra_col_{i}" for i in range(4, 10_001)]
    good = ["W101", "2026-03-01 10:00", "baidu_search"] + ["v"] * (10_000 - 3)
    bad = ["W102", "not-a-date", "baidu_search"] + ["v"] * (10_000 - 3)
    return csv_bytes([header, good, bad])


LEADS = "lead_id,created_at,channel_id"
NOTES = [["exported by", "Ann"], ["note", "November leads"]]
XL_LEADS = [["lead_id", "created_at", "channel_id"], ["XS1", "2026-03-01", "baidu_search"], ["XS2", "2026-03-02", "douyin_video"]]


def huge_id_bytes() -> bytes:
    """A lead whose id is 20 MB of text (a whole export pasted into one cell)."""
    return b"lead_id,created_at,channel_id\n" + b"L" * 20_000_000 + b",2026-03-01,baidu_search\nG2,2026-03-01,baidu_search\n"
