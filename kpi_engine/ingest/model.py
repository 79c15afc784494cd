"""Values passed between the ingest steps: read -> map -> validate -> load.

Row numbers are spreadsheet row numbers as a user sees them in Excel: the
header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kpi_engine.ingest.issues import ISSUE_COLUMNS, IssuesField, Record, empty_issues, object_frame, of_severity, typed_frame

if TYPE_CHECKING:
    import pandas as pd

    from kpi_engine.ingest.changes import HistoryChanges

__all__ = ["DATE_ORDERS", "FILL_ONLY_META", "ISSUE_COLUMNS", "ROW_COL", "AmbiguousDates", "IngestResult", "Mapping",
           "Progress", "RawFile", "Validated", "empty_issues"]

ROW_COL = "__row"  # spreadsheet row number carried through read/validate

Progress = Callable[[float, str], None]  # (fraction 0..1, stage key) -> None
# Orders of numeric dates: day/month/year, month/day/year, year/month/day.
DATE_ORDERS = ("dmy", "mdy", "ymd")
FILL_ONLY_META = b"kpi_fill_only"  # clean-table metadata: columns that only fill blanks on update


@dataclass(frozen=True)
class RawFile:
    """A file read into text columns, before any mapping.

    ``data`` holds one string column per source header (names made unique and
    stripped, BOM removed) plus ``__row``. ``issues`` are file-level problems
    (empty file, binary junk, rows with the wrong number of fields ...).
    """

    name: str
    sha256: str
    size: int
    kind: str  # "csv" | "xlsx"
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    headers: list[str]
    data: pa.Table
    issues: IssuesField = IssuesField(object_frame)  # a DataFrame when read; given as one, as records, or None
    sheets: list[str] = field(default_factory=list)  # every sheet of a workbook (to choose another)

    @property
    def rows(self) -> int:
        return self.data.num_rows

    @property
    def issue_rows(self) -> list[Record]:
        """``issues`` as records, without pandas."""
        return type(self).__dict__["issues"].records(self)


@dataclass(frozen=True)
class Mapping:
    """How a file's headers fill a table's canonical columns."""

    table: str
    columns: dict[str, str]  # canonical column -> source header (one header may feed several)
    constants: dict[str, str] = field(default_factory=dict)  # canonical column -> value for every row
    unmapped: list[str] = field(default_factory=list)  # source headers not used
    missing_required: list[str] = field(default_factory=list)  # required, neither mapped nor constant
    table_scores: dict[str, float] = field(default_factory=dict)  # detection scores, best first
    from_saved: bool = False
    date_order: str | None = None  # one of DATE_ORDERS for numeric dates; None: decided per column, ask if ambiguous

    @property
    def present(self) -> list[str]:
        """Canonical columns this upload provides (mapped or constant)."""
        return sorted(set(self.columns) | set(self.constants))

    def to_json(self) -> str:
        doc: dict[str, object] = {"columns": self.columns, "constants": self.constants}
        if self.date_order:
            doc["date_order"] = self.date_order
        return json.dumps(doc, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class AmbiguousDates:
    """A date column whose numeric values read validly both day-first and month-first, giving different dates.

    ``examples`` are the first such values of the file; ``readings`` gives, per order in DATE_ORDERS, what
    each example means under it (ISO text, None when it is not a date under that order).
    """

    column: str  # canonical column
    source: str | None  # the file's header (None: a value given for the whole file)
    examples: list[str]
    readings: dict[str, list[str | None]]


@dataclass(frozen=True)
class Validated:
    """Typed canonical rows that passed validation, and every problem found."""

    table: str
    rows_read: int
    clean: pa.Table  # canonical columns (typed) of the valid rows, plus __row
    present: list[str]  # canonical columns the upload sets (partial update when not all)
    issues: IssuesField = IssuesField(typed_frame)  # ISSUE_COLUMNS; severity "error" rows are rejected
    rejected_rows: int = 0  # distinct rows with at least one error
    ambiguous_dates: list[AmbiguousDates] = field(default_factory=list)  # asked for, or read with the given order
    date_order: str | None = None  # the order the upload was read with (given, or from the saved mapping)

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "warning"]

    @property
    def issue_rows(self) -> list[Record]:
        """``issues`` as records, without pandas."""
        return type(self).__dict__["issues"].records(self)


@dataclass(frozen=True)
class IngestResult:
    """Outcome of one upload (or dry run), as shown by the page and printed by the CLI."""

    status: str  # "loaded" | "refused" | "empty" | "dry_run" | "unconfirmed" (history changes not accepted)
    table: str | None
    file_name: str
    rows_read: int
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    upload_id: int | None = None
    issues: IssuesField = IssuesField(typed_frame)  # a DataFrame when read; given as one, as records, or None
    mapping: Mapping | None = None
    created: dict[str, list[str]] = field(default_factory=dict)  # {"people": [...], "channels": [...]} made on the fly
    ambiguous_dates: list[AmbiguousDates] = field(default_factory=list)
    date_order: str | None = None
    history: HistoryChanges | None = None  # existing leads' owner/channel/created_at this upload changes

    @property
    def needs_date_order(self) -> bool:
        """Ambiguous date columns and no order given: nothing can be loaded until one is chosen."""
        return bool(self.ambiguous_dates) and not self.date_order

    @property
    def ok(self) -> bool:
        return self.status == "loaded" and (self.inserted + self.updated) > 0

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "warning"]

    @property
    def issue_rows(self) -> list[Record]:
        """``issues`` as records, without pandas."""
        return type(self).__dict__["issues"].records(self)

    @property
    def error_rows(self) -> list[Record]:
        return of_severity(self.issue_rows, "error")

    @property
    def warning_rows(self) -> list[Record]:
        return of_severity(self.issue_rows, "warning")

    def to_dict(self, lang: str = "en", max_errors: int | None = None) -> dict[str, Any]:
        """JSON form of the CLI: upload_id, table, rows_read, inserted, updated, rejected, warnings, errors."""
        from kpi_engine.ingest.messages import issue_records

        errors = self.error_rows if max_errors is None else self.error_rows[:max_errors]
        return {
            "upload_id": self.upload_id,
            "status": self.status,
            "table": self.table,
            "file": self.file_name,
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "created": self.created,
            "warnings": issue_records(self.warning_rows, lang),
            "errors": issue_records(errors, lang),
            "date_order": self.date_order,
            "ambiguous_dates": [{"column": a.column, "source": a.source, "examples": a.examples, "readings": a.readings}
                                for a in self.ambiguous_dates],
            "history_changes": None if self.history is None else self.history.to_dict(lang, applied=self.status == "loaded"),
        }
