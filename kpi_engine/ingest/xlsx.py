"""Excel workbooks (.xlsx) into text columns: which sheet, formulas without a value, merged cells.

openpyxl reads in read-only mode with cached formula values (never evaluated). Around it:

- **Which sheet.** A given ``sheet`` is read (an unknown name is an error listing the sheets). Otherwise,
  of the sheets that hold anything, the one whose header fits an upload table best is read, with a warning
  naming every sheet and how to choose another (``--sheet``, the Data page's sheet picker). When no sheet,
  or more than one equally, looks like data, nothing is read and the user is asked to choose.
- **Formulas without a saved result** (a workbook written by a script and never opened in Excel) read as
  empty in read-only mode; the sheet's XML says they are formulas. Their rows are skipped and reported.
- **Merged cells** in the data hold their value in the first cell only, so the other rows would read as
  blank (a channel merged over five rows would become 'unattributed' four times): a blocking error naming
  the ranges. Merged titles above the header are fine.

The sheet XML is scanned in chunks, only for ``<f`` and ``<mergeCell`` (exports rarely have either).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import re
from dataclasses import dataclass

import openpyxl
import pyarrow as pa

from kpi_engine.ingest.model import RawFile
from kpi_engine.ingest.read import HEADER_SCAN_ROWS, _failure, _finish, _raw, column_letter, find_header, issue

SHOWN = 10  # merged ranges / sheets named in one message
_CHUNK = 1 << 22
_FORMULA_CELL = re.compile(
    rb'<c\b([^>]*)>\s*<f\b([^>]*?)(?:/>|>(.*?)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*(?:<is>.*?</is>\s*)?</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')

Row = tuple[int, list[str | None]]  # (sheet row number, cell texts)


def _cell_text(v: object) -> str | None:
    """An Excel cell as text: ISO dates, integral numbers without '.0', 15 significant digits at most."""
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        if v.microsecond >= 500_000:
            v += dt.timedelta(microseconds=1_000_000 - v.microsecond)
        v = v.replace(microsecond=0)
        return v.strftime("%Y-%m-%d") if v.time() == dt.time() else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.replace(microsecond=0).isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return format(v, ".15g")
    return str(v).strip() or None


def _rows(ws, limit: int | None = None) -> list[Row]:
    """The non-empty rows of a read-only sheet (the first ``limit`` of them)."""
    ws.reset_dimensions()  # exporters often write a wrong <dimension>; read what is there
    rows: list[Row] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if any(cells):
            rows.append((number, cells))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def _fit_score(rows: list[Row]) -> float:
    """How well the sheet's header fits its best upload table (0: looks like no table)."""
    from kpi_engine.ingest.mapping import build_mapping

    if not rows:
        return 0.0
    header = rows[find_header([r for _, r in rows])][1]
    scores = build_mapping([h for h in header if h], None).table_scores
    return max(scores.values(), default=0.0)


@dataclass(frozen=True)
class _Scan:
    formulas: list[tuple[int, int, str]]  # (row, 0-based column, formula text) of formulas without a value
    merged: list[tuple[str, int, int]]  # (range, first row, last row)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _scan_xml(wb, ws) -> _Scan:
    """Formula cells without a cached value and merged ranges, from the sheet's XML."""
    formulas: list[tuple[int, int, str]] = []
    merged: list[tuple[str, int, int]] = []
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:
        return _Scan(formulas, merged)
    carry = b""
    with archive.open(path) as f:
        while True:
            chunk = f.read(_CHUNK)
            buf = carry + chunk
            cut = len(buf) if not chunk else max(buf.rfind(b"<c "), buf.rfind(b"<mergeCell"), 0)
            part, carry = buf[:cut], buf[cut:]
            if b"<f" in part:
                for m in _FORMULA_CELL.finditer(part):
                    ref = _REF.search(m.group(1))
                    if ref:
                        text = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
                        formulas.append((int(ref.group(2)), _col_index(ref.group(1)), "=" + text if text else "="))
            for m in _MERGE.finditer(part):
                first, last = int(m.group(2)), int(m.group(4) or m.group(2))
                ref = m.group(0).split(b'ref="')[1].rstrip(b'"').decode()
                merged.append((ref, first, last))
            if not chunk:
                break
    return _Scan(formulas, merged)


def _choose(wb, wanted: str | None) -> tuple[object | None, list[dict]]:
    """(worksheet to read or None, issues) following the module docstring's rules."""
    names = wb.sheetnames
    listed = "|".join(names[:SHOWN]) + ("|…" if len(names) > SHOWN else "")
    if wanted is not None:
        if wanted not in names:
            return None, [issue("file_sheet_unknown", value=wanted, detail=f"choices={listed}")]
        return wb[wanted], []
    heads = [(ws, _rows(ws, HEADER_SCAN_ROWS)) for ws in wb.worksheets]
    filled = [(ws, rows) for ws, rows in heads if rows]
    if len(filled) <= 1:
        return (filled[0][0] if filled else (wb.worksheets[0] if wb.worksheets else None)), []
    scored = sorted(((_fit_score(rows), i, ws) for i, (ws, rows) in enumerate(filled)), key=lambda s: (-s[0], s[1]))
    best = scored[0]
    if best[0] <= 0 or scored[1][0] == best[0]:
        return None, [issue("file_sheet_choice", detail=f"choices={listed}")]
    return best[2], [issue("file_sheet_picked", "warning", value=best[2].title, detail=f"choices={listed}")]


def read_xlsx(data: bytes, base: dict, sheet: str | None) -> RawFile:
    """An .xlsx upload as a RawFile (see the module docstring); bad content gives issues, never an exception."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any failure to open it means a bad workbook
        return _raw(base, "xlsx", [issue("file_bad_xlsx", detail=_failure(exc))])
    try:
        names = list(wb.sheetnames)
        ws, issues = _choose(wb, sheet)
        if ws is None:
            return _raw(base, "xlsx", issues or [issue("file_empty")], sheets=names)
        rows = _rows(ws)
        scan = _scan_xml(wb, ws) if rows else _Scan([], [])
    except Exception as exc:
        return _raw(base, "xlsx", [issue("file_bad_xlsx", detail=_failure(exc))], sheets=names)
    finally:
        wb.close()
    if not rows:
        return _raw(base, "xlsx", issues + [issue("file_empty")], sheet=ws.title, sheets=names)
    h = find_header([r for _, r in rows[:HEADER_SCAN_ROWS]])
    header_row, header = rows[h]
    merged = [ref for ref, first, last in scan.merged if last > header_row]
    if merged:
        shown = ", ".join(merged[:SHOWN]) + (", …" if len(merged) > SHOWN else "")
        issues.append(issue("file_merged_cells", value=shown, detail=f"count={len(merged)}"))
    skipped: dict[int, tuple[int, str]] = {}
    for row, col, formula in scan.formulas:
        if row > header_row and row not in skipped:
            skipped[row] = (col, formula)
    for row, (col, formula) in sorted(skipped.items()):
        name = header[col] if col < len(header) and header[col] else column_letter(col)
        issues.append(issue("file_formula_no_value", row=row, value=formula[:200], source=name))
    body = [(n, r) for n, r in rows[h + 1:] if n not in skipped]
    width = max([len(header)] + [len(r) for _, r in body])
    columns = [pa.array([r[j] if j < len(r) else None for _, r in body], pa.string()) for j in range(width)]
    table = _finish(header + [None] * (width - len(header)), columns, pa.array([n for n, _ in body], pa.int64()),
                    header_row, issues)
    return _raw(base, "xlsx", issues, table=table, sheet=ws.title, sheets=names)
