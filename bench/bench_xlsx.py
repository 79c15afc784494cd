"""Excel reading speed: python-calamine (the importer's reader) against the openpyxl reader it replaced.

    python bench/bench_xlsx.py [--rows 200000] [--repeat 3]

Writes a one-sheet .xlsx of --rows lead rows (the columns of bench_ingest.py's CSV, dates as real Excel dates,
numbers as numbers), then, --repeat times alternating, reads it (a) as the importer does now,
``read_upload`` (calamine, every check of xlsx.py) and (b) as the importer did before: openpyxl read-only,
cached values, the same cell-to-text rules and the same column cleaning. Prints best and median seconds, and
checks that both give the same rows. Informative: no limit, exit status 0 unless the two readers disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpi_engine.ingest.read import HEADER_SCAN_ROWS, _finish, find_header, read_upload  # noqa: E402
from kpi_engine.ingest.xlsx import _cell_text  # noqa: E402

CHANNELS = ["douyin_video", "douyin_live", "xiaohongshu_notes", "baidu_search", "wechat_official", "official_site"]
HEADER = ["lead_id", "created_at", "channel_id", "campaign_id", "owner_id", "expected_value", "mql_at", "sql_at",
          "won_at", "lost_at", "deal_value", "first_response_at"]


_EPOCH = dt.datetime(1899, 12, 30)
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"),
    "xl/styles.xml": (  # style 1: date and time (built-in format 22), style 2: date (built-in format 14)
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/>'
        '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).total_seconds() / 86400:.10f}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def lead_rows(rows: int) -> list[list[object]]:
    """bench_ingest.py's leads: real dates and numbers, blanks where the CRM has nothing."""
    start = dt.datetime(2025, 1, 1, 8, 0)
    out: list[list[object]] = []
    for i in range(rows):
        created = start + dt.timedelta(days=i % 540, seconds=(i * 7919) % 36000)
        out.append([
            f"L{i:08d}", created, CHANNELS[i % len(CHANNELS)], None if i % 4 == 0 else f"CMP{i % 150:03d}",
            f"p{i % 8:02d}", None if i % 3 == 0 else (i * 37) % 50000 + 500,
            created + dt.timedelta(days=2) if i % 5 < 2 else None, created + dt.timedelta(days=9) if i % 5 == 0 else None,
            (created + dt.timedelta(days=30)).date() if i % 25 == 0 else None,
            (created + dt.timedelta(days=21)).date() if i % 25 == 5 else None,
            (i * 13) % 90000 + 1000 if i % 25 == 0 else None, created + dt.timedelta(minutes=i % 240),
        ])
    return out


def make_xlsx(rows: int) -> bytes:
    """A one-sheet workbook of ``rows`` leads, written as plain SpreadsheetML (openpyxl's writer would take
    minutes for 200,000 rows; this is what Excel and CRM exporters write: cached values, date styles)."""
    letters = [chr(65 + j) for j in range(len(HEADER))]
    body = []
    for n, values in enumerate([HEADER, *lead_rows(rows)], start=1):
        body.append(f'<row r="{n}">' + "".join(_cell(f"{c}{n}", v) for c, v in zip(letters, values, strict=True)) + "</row>")
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(body) + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return out.getvalue()


def read_openpyxl(data: bytes) -> pa.Table:
    """The reader before calamine: openpyxl read-only with cached values, rows to text, the same cleaning."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                rows.append((number, cells))
    finally:
        wb.close()
    h = find_header([r for _, r in rows[:HEADER_SCAN_ROWS]])
    header_row, header = rows[h]
    body = rows[h + 1:]
    width = max([len(header)] + [len(r) for _, r in body])
    columns = [pa.array([r[j] if j < len(r) else None for _, r in body], pa.string()) for j in range(width)]
    return _finish(header + [None] * (width - len(header)), columns, pa.array([n for n, _ in body], pa.int64()),
                   header_row, [])


def run(rows: int, repeat: int) -> bool:
    """Print the comparison; True when both readers give the same table."""
    t0 = time.perf_counter()
    data = make_xlsx(rows)
    print(f"xlsx: {rows:,} lead rows, {len(data) / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s")
    new, old = [], []
    tables: list[pa.Table] = []
    for _ in range(repeat):
        t = time.perf_counter()
        raw = read_upload(data, "leads.xlsx")
        new.append(time.perf_counter() - t)
        t = time.perf_counter()
        tables = [raw.data, read_openpyxl(data)]
        old.append(time.perf_counter() - t)
    same = tables[0].equals(tables[1])
    print(f"xlsx read, calamine (read_upload) : best {min(new):6.2f} s  median {statistics.median(new):.2f}  "
          f"rows {tables[0].num_rows:,}")
    print(f"xlsx read, openpyxl (old reader)  : best {min(old):6.2f} s  median {statistics.median(old):.2f}  "
          f"rows {tables[1].num_rows:,}")
    print(f"xlsx: calamine takes {min(new) / min(old):.2f}x the old reader's time; same rows: {'yes' if same else 'NO'}")
    return same


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    return 0 if run(args.rows, args.repeat) else 1


if __name__ == "__main__":
    sys.exit(main())
