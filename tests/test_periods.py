"""Calendar periods: starts, ends, ISO weeks across months and years, labels, parsing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_engine import periods

D = dt.date


@pytest.mark.parametrize(("day", "grain", "start", "end", "label"), [
    (D(2026, 10, 7), "day", D(2026, 10, 7), D(2026, 10, 7), "2026-10-07"),
    # an ISO week crossing a month: Mon 2026-11-30 .. Sun 2026-12-06
    (D(2026, 12, 3), "week", D(2026, 11, 30), D(2026, 12, 6), "2026-W49"),
    (D(2026, 11, 30), "week", D(2026, 11, 30), D(2026, 12, 6), "2026-W49"),
    (D(2026, 12, 6), "week", D(2026, 11, 30), D(2026, 12, 6), "2026-W49"),
    # an ISO week crossing a year: 2026-12-28 .. 2027-01-03 is week 53 of ISO year 2026
    (D(2026, 12, 28), "week", D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
    (D(2027, 1, 1), "week", D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
    (D(2027, 1, 3), "week", D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
    # ISO week 1 of 2027 starts on Monday 2027-01-04
    (D(2027, 1, 4), "week", D(2027, 1, 4), D(2027, 1, 10), "2027-W01"),
    # 2024-12-30 (a Monday in December) starts ISO week 1 of 2025
    (D(2025, 1, 1), "week", D(2024, 12, 30), D(2025, 1, 5), "2025-W01"),
    (D(2026, 2, 14), "month", D(2026, 2, 1), D(2026, 2, 28), "2026-02"),
    (D(2024, 2, 14), "month", D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
    (D(2026, 12, 31), "month", D(2026, 12, 1), D(2026, 12, 31), "2026-12"),
    (D(2026, 11, 15), "quarter", D(2026, 10, 1), D(2026, 12, 31), "2026-Q4"),
    (D(2026, 1, 1), "quarter", D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
    (D(2026, 6, 30), "quarter", D(2026, 4, 1), D(2026, 6, 30), "2026-Q2"),
    (D(2026, 7, 1), "year", D(2026, 1, 1), D(2026, 12, 31), "2026"),
])
def test_period_start_end_label(day: dt.date, grain: str, start: dt.date, end: dt.date, label: str) -> None:
    assert periods.period_start(day, grain) == start
    assert periods.period_end(day, grain) == end
    assert periods.period_range(day, grain) == (start, end)
    assert periods.period_label(day, grain) == label
    assert periods.parse_period(label) == (grain, start, end)


def test_datetime_input_uses_its_day() -> None:
    assert periods.period_start(dt.datetime(2027, 1, 3, 23, 59), "week") == D(2026, 12, 28)
    assert periods.to_date("2026-12-31 23:00:00") == D(2026, 12, 31)


def test_next_and_previous_period() -> None:
    assert periods.next_period_start(D(2026, 12, 30), "week") == D(2027, 1, 4)
    assert periods.next_period_start(D(2026, 12, 15), "month") == D(2027, 1, 1)
    assert periods.next_period_start(D(2026, 11, 1), "quarter") == D(2027, 1, 1)
    assert periods.next_period_start(D(2026, 3, 1), "year") == D(2027, 1, 1)
    assert periods.next_period_start(D(2026, 12, 31), "day") == D(2027, 1, 1)
    assert periods.previous_period_start(D(2026, 3, 31), "month") == D(2026, 2, 1)
    assert periods.previous_period_start(D(2027, 1, 5), "week") == D(2026, 12, 28)
    assert periods.previous_period_start(D(2026, 2, 1), "quarter") == D(2025, 10, 1)


def test_period_starts_cover_the_range() -> None:
    assert periods.period_starts(D(2026, 12, 24), D(2027, 1, 5), "week") == [D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4)]
    assert periods.period_starts(D(2026, 11, 30), D(2027, 1, 1), "month") == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]
    assert periods.period_starts(D(2026, 12, 30), D(2027, 1, 1), "day") == [D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1)]
    assert periods.period_starts(D(2026, 5, 1), D(2027, 2, 1), "quarter") == [D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1),
                                                                             D(2027, 1, 1)]
    assert periods.period_starts(D(2027, 1, 2), D(2027, 1, 1), "day") == []


def test_parse_other_forms_and_ranges() -> None:
    assert periods.parse_period("2026w5") == ("week", D(2026, 1, 26), D(2026, 2, 1))
    assert periods.parse_period(" 2026-q3 ") == ("quarter", D(2026, 7, 1), D(2026, 9, 30))
    assert periods.parse_period("2026-1") == ("month", D(2026, 1, 1), D(2026, 1, 31))
    assert periods.parse_period("2026-10-01..2026-10-15") == ("range", D(2026, 10, 1), D(2026, 10, 15))


@pytest.mark.parametrize("bad", ["", "2026-13", "2027-W53", "2026-W00", "2026-02-30", "2026-Q5", "last month",
                                 "2026-10-15..2026-10-01", "26-10"])
def test_parse_rejects_bad_labels(bad: str) -> None:
    with pytest.raises(ValueError, match="period|range"):
        periods.parse_period(bad)


def test_bad_grain_and_date() -> None:
    with pytest.raises(ValueError, match="unknown grain 'fortnight'; use one of: day, week, month, quarter, year"):
        periods.period_start(D(2026, 1, 1), "fortnight")
    with pytest.raises(ValueError, match="not a date"):
        periods.to_date("31/12/2026")


def test_days_and_overlap() -> None:
    assert periods.days_in(D(2026, 12, 28), D(2027, 1, 3)) == 7
    assert periods.days_in(D(2026, 1, 2), D(2026, 1, 1)) == 0
    assert periods.overlap_days(D(2026, 12, 1), D(2026, 12, 31), D(2026, 12, 28), D(2027, 1, 3)) == 4
    assert periods.overlap_days(D(2026, 1, 1), D(2026, 1, 5), D(2026, 2, 1), D(2026, 2, 5)) == 0


@given(day=st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), grain=st.sampled_from(periods.GRAINS))
def test_period_invariants(day: dt.date, grain: str) -> None:
    start, end = periods.period_range(day, grain)
    assert start <= day <= end
    assert periods.period_start(start, grain) == start and periods.period_start(end, grain) == start
    assert periods.next_period_start(day, grain) == end + dt.timedelta(days=1)
    assert periods.previous_period_start(periods.next_period_start(day, grain), grain) == start
    assert periods.parse_period(periods.period_label(day, grain)) == (grain, start, end)
    if grain == "week":
        assert start.weekday() == 0 and (end - start).days == 6
        assert periods.period_label(day, grain) == f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"


def test_shift_months_clamps_to_the_month_end() -> None:
    assert periods.shift_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert periods.shift_months(D(2024, 2, 29), -12) == D(2023, 2, 28)
    assert periods.shift_months(D(2026, 1, 15), -13) == D(2024, 12, 15)
    assert periods.shift_months(D(2026, 12, 31), 2) == D(2027, 2, 28)


def test_shift_range_keeps_month_ends_and_month_to_date() -> None:
    assert periods.shift_range(D(2026, 4, 1), D(2026, 4, 30), months=-1) == (D(2026, 3, 1), D(2026, 3, 31))
    assert periods.shift_range(D(2026, 9, 1), D(2026, 9, 16), months=-1) == (D(2026, 8, 1), D(2026, 8, 16))
    assert periods.shift_range(D(2026, 1, 1), D(2026, 3, 31), months=-3) == (D(2025, 10, 1), D(2025, 12, 31))
    assert periods.shift_range(D(2026, 1, 5), D(2026, 1, 11), days=-364) == (D(2025, 1, 6), D(2025, 1, 12))


def test_working_days() -> None:
    assert periods.working_days(D(2026, 11, 30), D(2026, 12, 6)) == 5  # W49: Monday .. Sunday
    assert periods.working_days(D(2026, 12, 1), D(2026, 12, 31)) == 23
    assert periods.working_days(D(2026, 12, 1), D(2026, 12, 31), {D(2026, 12, 25), D(2026, 12, 26)}) == 22  # 26th: Sat
    assert periods.working_days(D(2026, 12, 5), D(2026, 12, 6)) == 0
    assert periods.working_days(D(2026, 12, 6), D(2026, 12, 5)) == 0
    assert periods.QUERY_GRAINS == ("day", "week", "month", "quarter", "year", "range")


@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2050, 1, 1)), length=st.integers(0, 60))
def test_working_days_match_a_day_by_day_count(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    expected = sum(1 for i in range(length + 1) if (start + dt.timedelta(days=i)).weekday() < 5)
    assert periods.working_days(start, end) == expected
