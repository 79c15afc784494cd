"""Calendar periods: grains, ISO weeks, labels and date ranges (pure Python).

Grains are ``day``, ``week`` (ISO week, Monday to Sunday), ``month``,
``quarter`` and ``year``. A period is identified by its first day
(``period_start``); ranges are inclusive by day (``start`` and ``end`` are both
in the range). Labels:

======== ============== ===============================================
grain    label          note
======== ============== ===============================================
day      ``2026-10-05``
week     ``2026-W05``   ISO year and week: 2026-12-28 .. 2027-01-03 is 2026-W53
month    ``2026-10``
quarter  ``2026-Q4``
year     ``2026``
range    ``2026-01-05..2026-02-10``  a custom range: one period (``QUERY_GRAINS``)
======== ============== ===============================================

The SQL side (``kpi_engine.metrics.compile``) truncates with ``date_trunc``,
which agrees with :func:`period_start` on DuckDB and PostgreSQL; a test checks it.
Pro-rating and pacing (``kpi_engine.pacing``) build on :func:`days_in`, :func:`overlap_days`
and :func:`working_days`; growth on :func:`shift_months` and :func:`shift_range`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
# Grains a metric query accepts: the calendar grains, or ``range``: the whole [start, end] as one period.
QUERY_GRAINS: tuple[str, ...] = (*GRAINS, "range")

_LABEL_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")),
    ("day", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")),
    ("week", re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)),
    ("quarter", re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)),
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$")),
    ("year", re.compile(r"^(\d{4})$")),
)


def check_grain(grain: str) -> str:
    """Return ``grain`` if it is one of :data:`GRAINS`, else raise ``ValueError``."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; use one of: {', '.join(GRAINS)}")
    return grain


def to_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A ``date`` from a date, a datetime (its day) or an ISO string (``2026-10-05``, time ignored)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def period_start(day: dt.date | dt.datetime, grain: str) -> dt.date:
    """First day of the ``grain`` period that contains ``day`` (weeks start on Monday)."""
    d = to_date(day)
    check_grain(grain)
    if grain == "day":
        return d
    if grain == "week":
        return d - dt.timedelta(days=d.weekday())
    if grain == "month":
        return d.replace(day=1)
    if grain == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return dt.date(d.year, 1, 1)


def _add_months(d: dt.date, months: int) -> dt.date:
    """``d`` (a first of month) moved by ``months``."""
    index = d.year * 12 + (d.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period_start(start: dt.date, grain: str) -> dt.date:
    """First day of the period after the one that contains ``start``."""
    s = period_start(start, grain)
    if grain == "day":
        return s + dt.timedelta(days=1)
    if grain == "week":
        return s + dt.timedelta(days=7)
    if grain == "month":
        return _add_months(s, 1)
    if grain == "quarter":
        return _add_months(s, 3)
    return dt.date(s.year + 1, 1, 1)


def previous_period_start(start: dt.date, grain: str) -> dt.date:
    """First day of the period before the one that contains ``start``."""
    s = period_start(start, grain)
    return period_start(s - dt.timedelta(days=1), grain)


def period_end(day: dt.date, grain: str) -> dt.date:
    """Last day (inclusive) of the ``grain`` period that contains ``day``."""
    return next_period_start(day, grain) - dt.timedelta(days=1)


def period_range(day: dt.date, grain: str) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the ``grain`` period containing ``day``, both inclusive."""
    return period_start(day, grain), period_end(day, grain)


def period_starts(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
    """Starts of every ``grain`` period that overlaps ``[start, end]``, in order (empty if end < start)."""
    return list(iter_period_starts(start, end, grain))


def iter_period_starts(start: dt.date, end: dt.date, grain: str) -> Iterator[dt.date]:
    s, e = to_date(start), to_date(end)
    current = period_start(s, grain)
    while current <= e:
        yield current
        current = next_period_start(current, grain)


def period_label(day: dt.date, grain: str) -> str:
    """Label of the period containing ``day``: 2026-10-05, 2026-W05, 2026-10, 2026-Q4, 2026."""
    s = period_start(day, grain)
    if grain == "day":
        return s.isoformat()
    if grain == "week":
        iso_year, iso_week, _ = s.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"
    if grain == "month":
        return f"{s.year}-{s.month:02d}"
    if grain == "quarter":
        return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
    return str(s.year)


def parse_period(label: str) -> tuple[str, dt.date, dt.date]:
    """``(grain, first day, last day)`` of a label (see module docstring); ``grain`` is ``range`` for ``A..B``.

    Raises ``ValueError`` naming the accepted forms when the label is not understood.
    """
    text = str(label).strip()
    for grain, pattern in _LABEL_RES:
        m = pattern.match(text)
        if not m:
            continue
        try:
            if grain == "range":
                a, b = to_date(m.group(1)), to_date(m.group(2))
                if b < a:
                    raise ValueError(f"range {text!r} ends before it starts")
                return "range", a, b
            if grain == "day":
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            elif grain == "week":
                d = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            elif grain == "quarter":
                d = dt.date(int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1, 1)
            elif grain == "month":
                d = dt.date(int(m.group(1)), int(m.group(2)), 1)
            else:
                d = dt.date(int(m.group(1)), 1, 1)
        except ValueError as exc:
            raise ValueError(f"not a valid period: {text!r} ({exc})") from None
        return grain, d, period_end(d, grain)
    raise ValueError(
        f"not a period: {text!r}; use a day 2026-10-05, a week 2026-W05, a month 2026-10, "
        "a quarter 2026-Q4, a year 2026 or a range 2026-10-01..2026-10-15"
    )


def days_in(start: dt.date, end: dt.date) -> int:
    """Number of days in the inclusive range ``[start, end]`` (0 when end < start)."""
    return max(0, (to_date(end) - to_date(start)).days + 1)


def overlap_days(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    """Days shared by two inclusive ranges (0 when they do not meet)."""
    return days_in(max(to_date(a_start), to_date(b_start)), min(to_date(a_end), to_date(b_end)))


def shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day (31 Mar − 1 month = 28/29 Feb).

    The same rule as ``date - INTERVAL 'n months'`` on DuckDB and PostgreSQL.
    """
    d = to_date(day)
    first = _add_months(d.replace(day=1), months)
    last = next_period_start(first, "month") - dt.timedelta(days=1)
    return first.replace(day=min(d.day, last.day))


def is_period_end(day: dt.date, grain: str) -> bool:
    """True when ``day`` is the last day of its ``grain`` period."""
    return period_end(day, grain) == to_date(day)


def _shift_day(day: dt.date, months: int, days: int, as_end: bool) -> dt.date:
    if days:
        return day + dt.timedelta(days=days)
    moved = shift_months(day, months)
    return period_end(moved, "month") if as_end and is_period_end(day, "month") else moved


def shift_range(start: dt.date, end: dt.date, *, months: int = 0, days: int = 0) -> tuple[dt.date, dt.date]:
    """``[start, end]`` moved back or forth by ``months`` (or ``days``); an end on a month's last day stays on one.

    ``shift_range(2026-04-01, 2026-04-30, months=-1)`` is March 1..31 (not ..30);
    ``shift_range(2026-09-01, 2026-09-16, months=-1)`` is August 1..16 (month to date).
    """
    s, e = to_date(start), to_date(end)
    return _shift_day(s, months, days, False), _shift_day(e, months, days, True)


def working_days(start: dt.date, end: dt.date, holidays: frozenset[dt.date] | set[dt.date] | tuple = ()) -> int:
    """Monday-to-Friday days in the inclusive range ``[start, end]``, minus ``holidays``."""
    s, e = to_date(start), to_date(end)
    if e < s:
        return 0
    total = days_in(s, e)
    weeks, rest = divmod(total, 7)
    count = weeks * 5 + sum(1 for i in range(rest) if (s + dt.timedelta(days=i)).weekday() < 5)
    return count - sum(1 for h in set(holidays) if s <= h <= e and h.weekday() < 5)
