"""The shape of the malformed-upload corpus: what each bad file must give (``tests/make_bad_corpus.py`` lists them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BAD_DIR = Path(__file__).resolve().parent / "data" / "bad"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# Outcomes with on_error="abort":
REFUSED = "refused"  # nothing written, errors reported
LOADS = "loads"  # only warnings (or nothing wrong): must load, values exactly as in `stored`
EITHER = "either"  # refused with the expected issues, or loaded with exactly the `stored` values


@dataclass(frozen=True)
class Expect:
    """An issue the report must contain. ``codes`` empty = any code; None fields are not checked."""

    codes: tuple[str, ...] = ()
    row: int | None = None
    column: str | None = None  # canonical column or source header
    value: str | None = None
    value_contains: str | None = None
    severity: str = "error"


@dataclass(frozen=True)
class Stored:
    """After loading, the row of ``table`` matching ``where`` has ``column == value``."""

    table: str
    where: dict[str, str]
    column: str
    value: object


@dataclass(frozen=True)
class Skip:
    """Outcome with on_error="skip": rows inserted/updated/rejected, keys that must not be there, stored values."""

    inserted: int
    rejected: int
    updated: int = 0
    absent: tuple[tuple[str, dict[str, str]], ...] = ()  # (table, where)
    stored: tuple[Stored, ...] = ()


@dataclass(frozen=True)
class BadFile:
    name: str
    description: str
    make: Callable[[], bytes]
    table: str | None  # passed to ingest(table=...); None lets the importer detect it
    outcome: str = REFUSED
    expect: tuple[Expect, ...] = ()
    statuses: tuple[str, ...] = ("refused",)  # accepted statuses when refused
    skip: Skip | None = None  # None: on_error="skip" must not load anything either (when refused)
    stored: tuple[Stored, ...] = ()
    big: bool = False  # generated at test time, not committed
    tags: tuple[str, ...] = field(default=())
