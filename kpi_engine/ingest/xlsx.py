"""Excel workbooks (.xlsx, .xls) into text columns: which sheet, formulas without a value, merged cells.

Values are read with python-calamine (Rust; cached formula values, never evaluated), about twenty times as
fast as openpyxl on a big sheet. Around it:

- **Which sheet.** A given ``sheet`` is read (an unknown name is an error listing the sheets). Otherwise,
  of the sheets that hold anything, the one whose header fits an upload table best is read, with a warning
  naming every sheet and how to choose another (``--sheet``, the Data page's sheet picker). When no sheet,
  or more than one equally, looks like data, nothing is read and the user is asked to choose.
- **Formulas without a saved result** (a workbook written by a script and never opened in Excel) read as
  empty; calamine does not show formulas, so the sheet's XML is scanned for them (in chunks, only for
  ``<f``; the sheet's file is found from the workbook's own XML, no openpyxl). Their rows are skipped
  and reported. An .xls file always holds its formulas' results.
- **Merged cells** in the data hold their value in the first cell only, so the other rows would read as
  blank (a channel merged over five rows would become 'unattributed' four times): a blocking error naming
  the ranges (calamine lists them). Merged titles above the header are fine.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import zip_longest

import pyarrow as pa

from kpi_engine.ingest.model import RawFile
from kpi_engine.ingest.rawfile import HEADER_SCAN_ROWS, column_letter, failure, find_header, finish_table, issue, raw_file

SHOWN = 10  # merged ranges / sheets named in one message
_CHUNK = 1 << 22
_FORMULA_CELL = re.compile(
    rb'<c\b([^>]*)>\s*<f\b([^>]*?)(?:/>|>(.*?)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*(?:<is>.*?</is>\s*)?</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TAG = {name: re.compile(rb"<(?:\w+:)?" + name + rb"\b([^>]*)>") for name in (b"sheet", b"Relationship")}
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')

Row = tuple[int, list[str | None]]  # (sheet row number, cell texts)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a sheet becomes millions of cell strings and row lists: they hold no
    cycles, and the collector would walk them again and again as they pile up (a third of the reading time of
    200,000 rows). Also a decorator."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _cell_text(v: object) -> str | None:
    """An Excel cell as text: ISO dates, integral numbers without '.0', 15 significant digits at most.

    Runs once per cell: the common kinds first, C-level formatting (isoformat, not strftime).
    """
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:  # False for inf and nan
            return str(int(v))
        return format(v, ".15g")
    if isinstance(v, dt.datetime):
        if v.microsecond:
            if v.microsecond >= 500_000:
                v += dt.timedelta(microseconds=1_000_000 - v.microsecond)
            v = v.replace(microsecond=0)
        return v.isoformat(" ") if v.hour or v.minute or v.second else v.date().isoformat()
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.replace(microsecond=0).isoformat()
    if isinstance(v, int):
        return str(v)
    return str(v).strip() or None


def _rows(sheet, limit: int | None = None) -> list[Row]:
    """The non-empty rows of a calamine sheet (the first ``limit`` of them), cells in their sheet columns."""
    first_col = (sheet.start or (0, 0))[1]
    pad: list[str | None] = [None] * first_col
    rows: list[Row] = []
    text = _cell_text
    for number, values in enumerate(sheet.iter_rows(), start=1):  # rows from 1, columns from the first used one
        cells = [(v.strip() or None) if type(v) is str else text(v) for v in values]
        if any(cells):
            rows.append((number, pad + cells if first_col else cells))
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


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _attrs(xml: bytes, tag: bytes) -> list[dict[str, str]]:
    """The attributes of every ``tag`` element (namespace prefixes dropped but ``r:id``'s); no XML parser, so
    no entity expansion from a hostile file."""
    out = []
    for m in _TAG[tag].finditer(xml):
        found = {}
        for key, value in _ATTR.findall(m.group(1)):
            name = key.decode("ascii", "replace")
            found["rid" if name.endswith(":id") else name.rpartition(":")[2]] = html.unescape(value.decode("utf-8", "replace"))
        out.append(found)
    return out


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML in the .xlsx archive (from xl/workbook.xml and its relationships)."""
    targets = {r.get("Id"): r.get("Target", "") for r in _attrs(archive.read("xl/_rels/workbook.xml.rels"), b"Relationship")}
    out: dict[str, str] = {}
    for sheet in _attrs(archive.read("xl/workbook.xml"), b"sheet"):
        target = targets.get(sheet.get("rid"), "")
        if target:
            out[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _formulas(data: bytes, sheet_name: str) -> list[tuple[int, int, str]]:
    """(row, 0-based column, formula text) of the formula cells without a cached value, from the sheet's XML."""
    formulas: list[tuple[int, int, str]] = []
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        return formulas  # .xls: results are always saved
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _sheet_paths(archive).get(sheet_name)
        if path is None or path not in archive.namelist():
            return formulas
        carry = b""
        with archive.open(path) as f:
            while True:
                chunk = f.read(_CHUNK)
                buf = carry + chunk
                cut = len(buf) if not chunk else max(buf.rfind(b"<c "), 0)
                part, carry = buf[:cut], buf[cut:]
                if b"<f" in part:
                    for m in _FORMULA_CELL.finditer(part):
                        ref = _REF.search(m.group(1))
                        if ref:
                            text = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
                            formulas.append((int(ref.group(2)), _col_index(ref.group(1)), "=" + text if text else "="))
                if not chunk:
                    break
    return formulas


def _merged(sheet) -> list[tuple[str, int, int]]:
    """(range as A1:B2, first row, last row) of every merged range of a calamine sheet."""
    out = []
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        first = f"{column_letter(c0)}{r0 + 1}"
        ref = first if (r0, c0) == (r1, c1) else f"{first}:{column_letter(c1)}{r1 + 1}"
        out.append((ref, r0 + 1, r1 + 1))
    return out


def _sheet(wb, name: str):
    """A calamine sheet by name, None for one that holds no cells (or is not a worksheet)."""
    try:
        return wb.get_sheet_by_name(name)
    except Exception:  # a chart sheet or a broken part: nothing to read there
        return None


def _choose(wb, wanted: str | None, opened: dict[str, object]) -> tuple[str | None, list[dict]]:
    """(name of the sheet to read or None, issues) following the module docstring's rules; the sheets it
    loaded go into ``opened`` (calamine reads a whole sheet at once: never twice)."""
    names = list(wb.sheet_names)
    listed = "|".join(names[:SHOWN]) + ("|…" if len(names) > SHOWN else "")
    if wanted is not None:
        if wanted not in names:
            return None, [issue("file_sheet_unknown", value=wanted, detail=f"choices={listed}")]
        return wanted, []
    if len(names) == 1:
        return names[0], []
    filled = []
    for name in names:
        sheet = opened[name] = _sheet(wb, name)
        rows = _rows(sheet, HEADER_SCAN_ROWS) if sheet is not None else []
        if rows:
            filled.append((name, rows))
    if len(filled) <= 1:
        return (filled[0][0] if filled else (names[0] if names else None)), []
    scored = sorted(((_fit_score(rows), i, name) for i, (name, rows) in enumerate(filled)), key=lambda s: (-s[0], s[1]))
    best = scored[0]
    if best[0] <= 0 or scored[1][0] == best[0]:
        return None, [issue("file_sheet_choice", detail=f"choices={listed}")]
    return best[2], [issue("file_sheet_picked", "warning", value=best[2], detail=f"choices={listed}")]


@_collector_paused()
def read_xlsx(data: bytes, base: dict, sheet: str | None) -> RawFile:
    """An .xlsx/.xls upload as a RawFile (see the module docstring); bad content gives issues, never an exception."""
    from python_calamine import CalamineWorkbook

    names: list[str] = []
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # any failure to open it means a bad (or password-protected) workbook
        return raw_file(base, "xlsx", [issue("file_bad_xlsx", detail=failure(exc))])
    try:
        names = list(wb.sheet_names)
        opened: dict[str, object] = {}
        name, issues = _choose(wb, sheet, opened)
        if name is None:
            return raw_file(base, "xlsx", issues or [issue("file_empty")], sheets=names)
        ws = opened[name] if name in opened else _sheet(wb, name)
        rows = _rows(ws) if ws is not None else []
        merged = _merged(ws) if rows else []
        formulas = _formulas(data, name) if rows else []
    except Exception as exc:
        return raw_file(base, "xlsx", [issue("file_bad_xlsx", detail=failure(exc))], sheets=names)
    finally:
        wb.close()
    if not rows:
        return raw_file(base, "xlsx", issues + [issue("file_empty")], sheet=name, sheets=names)
    h = find_header([r for _, r in rows[:HEADER_SCAN_ROWS]])
    header_row, header = rows[h]
    in_data = [ref for ref, first, last in merged if last > header_row]
    if in_data:
        shown = ", ".join(in_data[:SHOWN]) + (", …" if len(in_data) > SHOWN else "")
        issues.append(issue("file_merged_cells", value=shown, detail=f"count={len(in_data)}"))
    skipped: dict[int, tuple[int, str]] = {}
    for row, col, formula in formulas:
        if row > header_row and row not in skipped:
            skipped[row] = (col, formula)
    for row, (col, formula) in sorted(skipped.items()):
        label = header[col] if col < len(header) and header[col] else column_letter(col)
        issues.append(issue("file_formula_no_value", row=row, value=formula[:200], source=label))
    body = [(n, r) for n, r in rows[h + 1:] if n not in skipped]
    width = max([len(header)] + [len(r) for _, r in body])
    # The rows turned into columns (zip_longest: a short row's missing cells are None).
    columns = [pa.array(cells, pa.string()) for cells in zip_longest(*(r for _, r in body))]
    columns += [pa.nulls(len(body), pa.string()) for _ in range(width - len(columns))]  # header wider than every row
    table = finish_table(header + [None] * (width - len(header)), columns, pa.array([n for n, _ in body], pa.int64()),
                    header_row, issues)
    return raw_file(base, "xlsx", issues, table=table, sheet=name, sheets=names)
