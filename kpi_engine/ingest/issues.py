"""Issue rows (what read and validate found) as plain records; a pandas DataFrame only when someone asks.

A leaf of the ingest package. The steps pass issues as lists of records (dicts with ``ISSUE_COLUMNS``), so an
upload without problems never imports pandas (about half a second of a command's start-up). ``IssuesField``
keeps the public attributes (``RawFile.issues``, ``Validated.issues``, ``IngestResult.issues``) DataFrames: it
accepts a DataFrame, a list of records or None, and builds the DataFrame on first read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import pandas as pd

# Columns of an issues DataFrame (validation report), in order.
ISSUE_COLUMNS = ["severity", "code", "row", "column", "source", "value", "detail"]
Record = dict[str, Any]


def empty_issues() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype="object") for c in ISSUE_COLUMNS})


def blank(value: object) -> bool:
    """None, NaN or pandas' NA (a missing cell)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ == "NAType"


def _row(value: object) -> int | None:
    if blank(value):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):  # not a row number (pandas' to_numeric(errors="coerce") made it NA too)
        return None


def to_records(issues: Any) -> list[Record]:
    """Issues given as a DataFrame, a list of records or None, as records (``row`` an int or None)."""
    if issues is None:
        return []
    if isinstance(issues, list):
        return issues
    if len(issues) == 0:
        return []
    return [{**rec, "row": _row(rec.get("row"))} for rec in issues[ISSUE_COLUMNS].to_dict("records")]


def object_frame(records: list[Record]) -> pd.DataFrame:
    """The reader's form: every column of dtype object, as given."""
    import pandas as pd

    return pd.DataFrame(records, columns=ISSUE_COLUMNS, dtype=object)


def typed_frame(records: list[Record]) -> pd.DataFrame:
    """The validation and upload form: texts inferred by pandas, ``row`` Int64; the empty frame when none."""
    if not records:
        return empty_issues()
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=ISSUE_COLUMNS)
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    return frame


def of_severity(records: Iterable[Record], severity: str) -> list[Record]:
    return [r for r in records if r["severity"] == severity]


def sort_by_row(records: Iterable[Record]) -> list[Record]:
    """By row, file-level issues (no row) first, otherwise in the order given (a stable sort)."""
    return sorted(records, key=lambda r: (r["row"] is not None, r["row"] or 0))


class IssuesField:
    """A dataclass field holding issues: set with a DataFrame, a list of records or None (the default), read
    as a DataFrame built by ``frame`` on first read (and kept). ``records(obj)`` gives the records without pandas."""

    def __init__(self, frame: Callable[[list[Record]], pd.DataFrame]) -> None:
        self._frame = frame
        self._slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}_held"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> None: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> pd.DataFrame: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> pd.DataFrame | None:
        if obj is None:  # the dataclass asks for the default: no issues
            return None
        held = obj.__dict__.get(self._slot)
        if held is None or isinstance(held, list):
            held = self._frame(held or [])
            obj.__dict__[self._slot] = held
        return held

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self._slot] = value

    def records(self, obj: object) -> list[Record]:
        return to_records(obj.__dict__.get(self._slot))
