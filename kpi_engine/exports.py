"""The one writer of every CSV and Excel file the product produces: pages' downloads, CLI outputs, audit exports.

A spreadsheet evaluates a cell that starts with ``=`` ``+`` ``-`` ``@`` TAB or CR as a formula; a value a user
uploaded (a campaign named ``=HYPERLINK(...)``) must never run when someone opens an export. Text cells that
start so get a leading apostrophe in CSV; in Excel they are stored as text cells (never formulas).
Numbers are numbers: a negative amount, also written as text ("-0.25"), is left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> object:
    """``value`` safe for a spreadsheet: a text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    """A plain number written as text ("-0.25", "+3"): a spreadsheet reads it as a number, never a formula."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "infinity", "nan")


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell neutralised (see :func:`neutralize_cell`)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype("object").map(neutralize_cell)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel shows Chinese text), formulas neutralised, CRLF lines."""
    return neutralize_formulas(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised (the command line's ``--format csv``)."""

    def __init__(self, out: TextIO, lineterminator: str = "\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow([neutralize_cell(v) for v in row])

    def writerows(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self.writerow(row)


def write_csv(rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """Rows to ``out`` as CSV, every text cell neutralised."""
    SafeWriter(out).writerows(rows)


def frame_to_csv(df: pd.DataFrame, out: TextIO) -> None:
    """A DataFrame to ``out`` as CSV, formulas neutralised."""
    neutralize_formulas(df).to_csv(out, index=False)


def to_excel_bytes(df: pd.DataFrame, sheet: str = "report") -> bytes:
    """An .xlsx workbook of ``df``; text that looks like a formula is stored as a text cell, never a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"  # openpyxl writes a str starting with "=" as a formula unless told
    return buffer.getvalue()
