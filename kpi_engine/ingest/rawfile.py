"""Building a RawFile from rows of text, shared by the CSV reader (read.py) and the Excel one (xlsx.py).

A leaf of the reading step: the header row among the first rows, clean text columns (stripped, blank -> null),
unique header names, fully empty rows dropped, and the file-level issue records.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from kpi_engine.ingest.model import ROW_COL, RawFile

HEADER_SCAN_ROWS = 30
MAX_VALUE_CHARS = 500
_NOT_TEXT_CELL = re.compile(r"[\d\s.,:;/%+\-¥$€£年月日时分秒]*")


def issue(code: str, severity: str = "error", row: int | None = None, value: str | None = None,
          detail: str | None = None, source: str | None = None) -> dict[str, object]:
    """One file-level issue record (``column`` is None at this stage)."""
    return {"severity": severity, "code": code, "row": row, "column": None, "source": source,
            "value": value, "detail": detail}


def raw_file(base: dict, kind: str, issues: list[dict], *, table: pa.Table | None = None, encoding: str | None = None,
         delimiter: str | None = None, sheet: str | None = None, sheets: list[str] | None = None) -> RawFile:
    data = table if table is not None else pa.table({ROW_COL: pa.array([], pa.int64())})
    headers = [c for c in data.column_names if c != ROW_COL]
    return RawFile(**base, kind=kind, encoding=encoding, delimiter=delimiter, sheet=sheet, headers=headers,
                   data=data, issues=issues, sheets=sheets or [])


def failure(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_VALUE_CHARS]


def is_text_cell(value: str | None) -> bool:
    return value is not None and bool(value) and not _NOT_TEXT_CELL.fullmatch(value)


def find_header(rows: list[list[str | None]]) -> int:
    """Index of the header row among the first rows of a sheet.

    The first row with >= 2 text (not number or date) cells and at least half as wide as the widest row,
    unless the next non-empty row looks like a header too (text only) and is clearly wider: this skips title
    rows, export notes ("导出人, 张三, 导出时间, 2026-11-01") and blank rows. Falls back to the first non-empty row.
    """
    filled = [sum(1 for v in r if v and v.strip()) for r in rows]
    texts = [sum(1 for v in r if v and is_text_cell(v.strip())) for r in rows]
    widest = max(filled, default=0)
    for i in range(len(rows)):
        if texts[i] < 2 or filled[i] * 2 < widest:
            continue
        nxt = next((j for j in range(i + 1, len(rows)) if filled[j]), None)
        if nxt is None:
            break
        if texts[nxt] == filled[nxt] and filled[i] < 0.8 * filled[nxt]:
            continue
        return i
    return next((i for i, n in enumerate(filled) if n), 0)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def clean_column(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Strip values; blank and whitespace-only cells become null."""
    trimmed = pc.utf8_trim_whitespace(col)
    # blank: length 0 (cheaper than comparing strings; no Python scalar either, which would make pyarrow import pandas)
    blank = pc.invert(pc.cast(pc.binary_length(trimmed), pa.bool_()))
    return pc.if_else(blank, pa.nulls(len(trimmed), pa.string()), trimmed) if pc.any(blank).as_py() else trimmed


def finish_table(header: Sequence[str | None], columns: list[pa.Array | pa.ChunkedArray], numbers: pa.Array, header_row: int,
            issues: list[dict]) -> pa.Table:
    """Unique stripped names, headerless columns dropped, clean values, fully empty rows dropped, ``__row``."""
    names: list[str] = []
    kept: list[pa.Array] = []
    seen = {ROW_COL.casefold()}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # pyarrow compute releases the GIL
        cleaned = list(pool.map(clean_column, columns))
    for j, (raw, col) in enumerate(zip(header, cleaned, strict=True)):
        name = (raw or "").replace("\ufeff", "").strip()
        if not name:
            if col.null_count < len(col):
                issues.append(issue("file_blank_header", "warning", row=header_row, value=column_letter(j),
                                    detail=f"column {column_letter(j)} has values but no header; ignored"))
            continue
        unique, k = name, 1
        while unique.casefold() in seen:  # case-insensitive: SQL engines fold column names
            k += 1
            unique = f"{name} ({k})"
        if unique != name:
            issues.append(issue("file_duplicate_header", "warning", row=header_row, source=name, value=unique,
                                detail=f"column {column_letter(j)} renamed to {unique!r}"))
        seen.add(unique.casefold())
        names.append(unique)
        kept.append(col)
    table = pa.table([*kept, numbers], names=[*names, ROW_COL])
    if kept:
        keep = pc.is_valid(kept[0])
        for col in kept[1:]:
            keep = pc.or_(keep, pc.is_valid(col))
        if not pc.all(keep).as_py():
            table = table.filter(keep)
    else:
        table = table.slice(0, 0)
    if table.num_rows == 0 and not any(i["code"] == "file_bad_row" for i in issues):
        issues.append(issue("file_header_only", row=header_row))
    return table
