"""Step 1 of read -> map -> validate -> load: any upload into text columns.

``read_upload`` never raises for bad content; problems become file-level
issues (codes ``file_*``) in ``RawFile.issues``. CSV goes through
``pyarrow.csv`` single-threaded, so that every rejected row keeps its exact
record number (about 0.3 s for 1M rows x 12 columns here), after encoding,
delimiter and header-row detection on a sample. Non-UTF-8 text is decoded in
Python once and re-encoded to UTF-8. Excel (.xlsx, .xls) goes through xlsx.py (python-calamine:
cached formula values, never evaluated; which sheet; merged cells). Row numbers are the ones a
user sees in a spreadsheet: rows above the header and blank rows count.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi_engine.ingest.encoding import (
    BOMS,
    SAMPLE_CHARS,
    NotUtf8,
    decode_fallback,
    guess_utf16,
    looks_binary,
    utf8_sample,
)
from kpi_engine.ingest.model import RawFile
from kpi_engine.ingest.rawfile import (
    HEADER_SCAN_ROWS,
    MAX_VALUE_CHARS,
    column_letter,
    find_header,
    issue,
)
from kpi_engine.ingest.rawfile import failure as _failure
from kpi_engine.ingest.rawfile import finish_table as _finish
from kpi_engine.ingest.rawfile import raw_file as _raw

__all__ = ["DELIMITERS", "HEADER_SCAN_ROWS", "column_letter", "find_header", "issue", "read_upload", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
BLOCK_SIZE = 1 << 24  # pyarrow parse block; grown automatically when one quoted value is longer
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted (password-protected) .xlsx
_RECORD_SPLIT = re.compile(r'"[^"]*"|\r\n|\n|\r')
_QUOTED = re.compile(r'"[^"]*"')
_SEP_HINT = re.compile(r"sep=([,;\t|])[ ]*(?:\r\n|\n|\r)")
_BLANK = b" \t\r\n\x1a"
Sampler = Callable[[int], tuple[str, bool]]  # size -> (decoded sample, whether it is the whole file)


def read_upload(source: bytes | str | Path, file_name: str | None = None, *, sheet: str | None = None) -> RawFile:
    """Read a CSV or Excel upload (bytes, a path, or CSV text with line breaks) into a RawFile.

    Bad content gives issues, never an exception (a path that does not exist still raises OSError).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), file_name or "upload"
    elif isinstance(source, str) and ("\n" in source or "\r" in source):  # CSV text rather than a path
        data, name = source.encode("utf-8"), file_name or "upload"
    else:
        path = Path(source)
        data, name = path.read_bytes(), file_name or path.name
    base = {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    if data[:4] in _ZIP_MAGIC or data[:8] == _OLE_MAGIC:  # by content: an .xlsx named .csv is still read as Excel
        from kpi_engine.ingest.xlsx import read_xlsx  # xlsx builds on this module's helpers

        return read_xlsx(data, base, sheet)  # .xls too; a password-protected workbook is refused there
    try:
        return _read_csv(data, base)
    except Exception as exc:  # last guard: bad content never raises
        return _raw(base, "csv", [issue("file_not_text", detail=_failure(exc))])


# --- CSV: decoding (rules in kpi_engine.ingest.encoding) -------------------------------------------------


def _read_csv(data: bytes, base: dict) -> RawFile:
    offset, encoding = next(((len(b), enc) for b, enc in BOMS if data.startswith(b)), (0, None))
    issues: list[dict] = []
    text: str | None = None
    if encoding not in (None, "utf-8-sig"):
        try:
            text = data[offset:].decode(encoding)
        except UnicodeDecodeError:
            return _raw(base, "csv", [issue("file_not_text", detail=f"invalid {encoding}")])
    elif encoding is None:
        guessed = guess_utf16(data)
        if guessed:
            text, encoding = guessed
        elif looks_binary(data):
            return _raw(base, "csv", [issue("file_not_text")])
    if text is None:
        if not data[offset:offset + SAMPLE_CHARS].strip(_BLANK) and not data[offset:].strip(_BLANK):
            return _raw(base, "csv", [issue("file_empty")], encoding=encoding or "utf-8")
        try:
            utf8_sample(data, offset, SAMPLE_CHARS)
            return _parse(base, data, offset, lambda n: utf8_sample(data, offset, n), encoding or "utf-8", issues)
        except NotUtf8:
            pass  # not UTF-8: decoded by the fallback below, which adds a file_encoding_guess warning
        text, encoding, warning = decode_fallback(data[offset:])
        if warning:
            issues.append(issue("file_encoding_guess", "warning", value=encoding, detail=warning))
    if not text.strip(" \t\r\n\x1a\ufeff"):
        return _raw(base, "csv", issues + [issue("file_empty")], encoding=encoding)
    if looks_binary(text[:SAMPLE_CHARS].encode("utf-8", "replace")):
        return _raw(base, "csv", [issue("file_not_text", detail=encoding)])
    whole = text
    return _parse(base, whole.encode("utf-8"), 0, lambda n: (whole[:n], n >= len(whole)), encoding or "utf-8", issues)


# --- CSV: layout --------------------------------------------------------------------------------------------


def _records(sample: str, complete: bool) -> list[tuple[int, int]]:
    """(start, end) of each complete record of the sample: line breaks outside quotes end a record."""
    spans, start = [], 0
    for m in _RECORD_SPLIT.finditer(sample):
        if m.group()[0] != '"':
            spans.append((start, m.start()))
            start = m.end()
    if complete and start < len(sample):
        spans.append((start, len(sample)))
    return spans


def sniff_delimiter(sample: str) -> str:
    """The delimiter whose count outside quotes is most consistent over the first lines (comma when none is)."""
    lines = [ln for ln in _QUOTED.sub("", sample).splitlines() if ln.strip()][:50]
    best, best_key = ",", (0.0, 0)
    for d in DELIMITERS:
        counts = Counter(ln.count(d) for ln in lines)
        mode, hits = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
        if mode and (hits / len(lines), mode) > best_key:
            best, best_key = d, (hits / len(lines), mode)
    return best


def _fields(record: str, delimiter: str) -> list[str]:
    if not record:
        return []
    try:
        return next(csv.reader([record], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return record.split(delimiter)


def _parse(base: dict, buf: bytes, offset: int, sampler: Sampler, encoding: str, issues: list[dict]) -> RawFile:
    """Detect delimiter and header on a sample, then parse every data record with pyarrow."""
    size = SAMPLE_CHARS
    sample, complete = sampler(size)
    spans = _records(sample, complete)
    while not complete and len(spans) < 3 and size < (1 << 26):  # very long first records
        size *= 8
        sample, complete = sampler(size)
        spans = _records(sample, complete)
    hint = _SEP_HINT.match(sample)  # Excel's "sep=;" first line: it names the delimiter and is not a row
    delimiter = hint.group(1) if hint else sniff_delimiter(sample)
    spans = spans[1:] if hint else spans
    records = [_fields(sample[s:e], delimiter) for s, e in spans[: HEADER_SCAN_ROWS + 20]]
    if not any(f.strip() for r in records for f in r):
        return _raw(base, "csv", issues + [issue("file_empty")], encoding=encoding, delimiter=delimiter)
    h = find_header([[f or None for f in r] for r in records[:HEADER_SCAN_ROWS]])
    header = [f.strip() for f in records[h]]
    named = max((i + 1 for i, f in enumerate(header) if f), default=0)
    counts = Counter(len(r) for r in records[h + 1:] if any(f.strip() for f in r))
    width = max(named, counts.most_common(1)[0][0] if counts else 0, 1)  # trailing delimiters: empty columns
    header = (header + [""] * width)[:width]
    if h + 1 < len(spans):
        start = offset + len(sample[: spans[h + 1][0]].encode("utf-8"))
    else:
        start = len(buf)
    quoted = buf.find(b'"', start) >= 0  # no quote at all: no line break can be inside a value
    columns, numbers, bad = _parse_records(pa.py_buffer(buf).slice(start), width, delimiter, h + 1, quoted)
    issues.extend(bad)
    table = _finish(header, columns, numbers, h + 1, issues)
    return _raw(base, "csv", issues, table=table, encoding=encoding, delimiter=delimiter)


def _int64(values: np.ndarray) -> pa.Array:
    """A numpy integer array as an arrow int64 array (``pa.array`` on a numpy array would import pandas)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def _parse_records(buf: pa.Buffer, width: int, delimiter: str, header_row: int,
                   quoted: bool = True) -> tuple[list[pa.ChunkedArray], pa.Array, list[dict]]:
    """Data records as string columns, their sheet row numbers, and a file_bad_row issue per ragged record.

    A record whose extra fields are all empty (a trailing delimiter) is kept, not reported.
    """
    names = [f"c{i}" for i in range(width)]
    if buf.size == 0:
        return [pa.array([], pa.string()) for _ in names], pa.array([], pa.int64()), []
    fast = _parse_threaded(buf, names, delimiter, quoted)
    if fast is not None:  # no ragged record: record i is sheet row header_row + i
        numbers = np.arange(1, fast.num_rows + 1, dtype=np.int64) + header_row
        return [fast.column(i) for i in range(width)], _int64(numbers), []
    block = BLOCK_SIZE
    while True:
        skipped: list[int] = []
        recovered: list[tuple[int, list[str]]] = []
        bad: list[dict] = []

        def on_invalid(row: pacsv.InvalidRow, skipped=skipped, recovered=recovered, bad=bad) -> str:
            number = row.number if row.number is not None and row.number > 0 else None
            fields = _fields(row.text, delimiter)
            if number is not None:
                skipped.append(number)
            if len(fields) > width and not any(f.strip() for f in fields[width:]):
                if number is not None:
                    recovered.append((number, fields[:width]))
            else:
                bad.append(issue("file_bad_row", row=None if number is None else header_row + number,
                                 value=row.text[:MAX_VALUE_CHARS], detail=f"{len(fields)} fields, {width} expected"))
            return "skip"

        try:
            table = pacsv.read_csv(
                buf,
                read_options=pacsv.ReadOptions(use_threads=False, block_size=block, column_names=names),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                                 invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""],
                                                     strings_can_be_null=True, quoted_strings_can_be_null=True),
            )
            break
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if "UTF8" in message or "UTF-8" in message:
                raise NotUtf8(message) from exc
            if "straddl" not in message or block >= (1 << 30):
                raise
            block *= 8  # a quoted value longer than a block: retry with bigger blocks
    total = table.num_rows + len(skipped)
    numbers = np.delete(np.arange(1, total + 1, dtype=np.int64), np.asarray(sorted(skipped), dtype=np.int64) - 1)
    columns = [table.column(i) for i in range(width)]
    if recovered:
        numbers = np.concatenate([numbers, np.array([n for n, _ in recovered], dtype=np.int64)])
        columns = [pa.chunked_array([*col.chunks, pa.array([f[i] for _, f in recovered], pa.string())], pa.string())
                   for i, col in enumerate(columns)]
        order = np.argsort(numbers, kind="stable")
        numbers = numbers[order]
        columns = [col.take(pa.array(order)) for col in columns]
    return columns, _int64(numbers + header_row), bad


def _parse_threaded(buf: pa.Buffer, names: list[str], delimiter: str, quoted: bool = True) -> pa.Table | None:
    """All cores, for the common case of a well-formed file; None when any record is ragged.

    A file without any quote character is split at every line break (pyarrow's faster chunking: the
    records are the same, since only a quoted value can hold a line break).

    Multi-threaded parsing does not tell the record number of a ragged record, so such files are parsed
    again on one thread (exact row numbers for the report). A value longer than a block also falls back.
    """
    ragged: list[bool] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        ragged.append(True)
        return "skip"

    try:
        table = pacsv.read_csv(
            buf,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=BLOCK_SIZE, column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message or "UTF-8" in message:
            raise NotUtf8(message) from exc
        return None
    return None if ragged else table
