"""Chinese working days: public holidays and make-up working days (调休) from the ``chinesecalendar`` package.

A day is a working day when the State Council's calendar says so: Monday to Friday unless it is a public
holiday, plus the weekend days declared make-up working days (National Day 2026: 1–7 October off,
Sunday 20 September and Saturday 10 October worked). The package knows the years it was released for
(:func:`covered_range`); for any other year the calendar is not known yet, and a day counts as a working
day from Monday to Friday. That fallback is never silent: :func:`uncovered_years` lists the years of a
range it applies to, and :func:`note` is the sentence pages and reports show beside the numbers.

Each year's working days are computed once and cached (pacing asks for every day of a period).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

from kpi_engine import periods
from kpi_engine.i18n import t


@lru_cache(maxsize=1)
def covered_range() -> tuple[int, int]:
    """(first, last) year the installed calendar package has holiday data for."""
    years = [d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)]
    return min(years), max(years)


@lru_cache(maxsize=256)
def year_workdays(year: int) -> frozenset[dt.date] | None:
    """Every working day of ``year`` by the Chinese calendar, or None when the package does not cover it."""
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(periods.days_in(dt.date(year, 1, 1),
                                                                                          dt.date(year, 12, 31)))]
    try:
        return frozenset(d for d in days if chinese_calendar.is_workday(d))
    except NotImplementedError:  # the package raises for years it has no data for
        return None


def is_covered(year: int) -> bool:
    """Whether the Chinese holidays of ``year`` are known (else working days are Monday to Friday)."""
    return year_workdays(year) is not None


def is_workday(day: dt.date | dt.datetime | str) -> bool:
    """Whether ``day`` is a Chinese working day; Monday to Friday in a year the calendar does not cover."""
    d = periods.to_date(day)
    known = year_workdays(d.year)
    return d.weekday() < 5 if known is None else d in known


def count(start: dt.date, end: dt.date) -> int:
    """Working days in the inclusive range [start, end] (0 when it ends before it starts)."""
    s, e = periods.to_date(start), periods.to_date(end)
    return sum(1 for i in range(max(0, periods.days_in(s, e))) if is_workday(s + dt.timedelta(days=i)))


def uncovered_years(start: dt.date, end: dt.date) -> tuple[int, ...]:
    """Years of [start, end] whose Chinese holidays are not known: their working days are Monday to Friday."""
    s, e = periods.to_date(start), periods.to_date(end)
    return tuple(y for y in range(s.year, e.year + 1) if not is_covered(y)) if s <= e else ()


def note(start: dt.date, end: dt.date, lang: str = "en") -> str | None:
    """The sentence to show when [start, end] reaches a year without holiday data; None when all are known."""
    years = uncovered_years(start, end)
    if not years:
        return None
    return t("workdays_uncovered", lang, years=", ".join(str(y) for y in years))
