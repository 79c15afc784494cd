"""The comparison rules of kpi_engine.compare, with hand-computed dates: previous period and last year over the
same elapsed days, month ends, leap years, ISO week 53, quarters and custom ranges."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_engine import compare

D = dt.date


@pytest.mark.parametrize(("start", "end", "grain", "kind", "expected"), [
    (D(2026, 10, 5), D(2026, 10, 5), "day", "previous", (D(2026, 10, 4), D(2026, 10, 4))),
    (D(2026, 3, 1), D(2026, 3, 1), "day", "previous", (D(2026, 2, 28), D(2026, 2, 28))),
    (D(2028, 2, 29), D(2028, 2, 29), "day", "last_year", (D(2027, 2, 28), D(2027, 2, 28))),
    (D(2026, 10, 5), D(2026, 10, 11), "week", "previous", (D(2026, 9, 28), D(2026, 10, 4))),
    # 2026-W53 (Mon 28 Dec 2026 .. Sun 3 Jan 2027): 52 weeks earlier is 2026-W01 (29 Dec 2025 .. 4 Jan 2026)
    (D(2026, 12, 28), D(2027, 1, 3), "week", "last_year", (D(2025, 12, 29), D(2026, 1, 4))),
    (D(2026, 12, 28), D(2027, 1, 3), "week", "previous", (D(2026, 12, 21), D(2026, 12, 27))),
    (D(2026, 3, 1), D(2026, 3, 31), "month", "previous", (D(2026, 2, 1), D(2026, 2, 28))),
    (D(2028, 3, 1), D(2028, 3, 31), "month", "previous", (D(2028, 2, 1), D(2028, 2, 29))),
    (D(2026, 1, 1), D(2026, 1, 31), "month", "previous", (D(2025, 12, 1), D(2025, 12, 31))),
    (D(2028, 2, 1), D(2028, 2, 29), "month", "last_year", (D(2027, 2, 1), D(2027, 2, 28))),
    (D(2027, 2, 1), D(2027, 2, 28), "month", "last_year", (D(2026, 2, 1), D(2026, 2, 28))),
    (D(2026, 1, 1), D(2026, 3, 31), "quarter", "previous", (D(2025, 10, 1), D(2025, 12, 31))),
    (D(2026, 4, 1), D(2026, 6, 30), "quarter", "previous", (D(2026, 1, 1), D(2026, 3, 31))),
    (D(2026, 10, 1), D(2026, 12, 31), "quarter", "last_year", (D(2025, 10, 1), D(2025, 12, 31))),
    # a custom range that is no calendar period: the same number of days just before (21 days)
    (D(2026, 10, 5), D(2026, 10, 25), "custom", "previous", (D(2026, 9, 14), D(2026, 10, 4))),
    (D(2026, 10, 5), D(2026, 10, 25), "custom", "last_year", (D(2025, 10, 5), D(2025, 10, 25))),
    # a custom range that is a calendar month: the month before
    (D(2026, 4, 1), D(2026, 4, 30), "custom", "previous", (D(2026, 3, 1), D(2026, 3, 31))),
    (D(2028, 2, 10), D(2028, 2, 29), "custom", "last_year", (D(2027, 2, 10), D(2027, 2, 28))),
])
def test_comparison_period(start, end, grain, kind, expected) -> None:
    assert compare.comparison_period(start, end, grain, kind) == expected


def test_running_month_same_elapsed_days() -> None:
    # 1..16 September counted on the morning of the 17th: 1..16 August and 1..16 September a year earlier
    c = compare.compare(D(2026, 9, 1), D(2026, 9, 30), "month", D(2026, 9, 17))
    assert c.through == D(2026, 9, 16) and c.current == (D(2026, 9, 1), D(2026, 9, 16))
    assert c.previous == (D(2026, 8, 1), D(2026, 8, 16))
    assert c.last_year == (D(2025, 9, 1), D(2025, 9, 16))


def test_running_march_clips_to_february_end() -> None:
    # 1..30 March (30 days) on the morning of the 31st: February has only 28 (2026) or 29 (2028) days
    assert compare.compare(D(2026, 3, 1), D(2026, 3, 31), "month", D(2026, 3, 31)).previous == (D(2026, 2, 1), D(2026, 2, 28))
    assert compare.compare(D(2028, 3, 1), D(2028, 3, 31), "month", D(2028, 3, 31)).previous == (D(2028, 2, 1), D(2028, 2, 29))
    # a leap February counted through the 29th against last year's 28 days
    c = compare.compare(D(2028, 2, 1), D(2028, 2, 29), "month", D(2028, 3, 1))
    assert c.through == D(2028, 2, 29) and c.last_year == (D(2027, 2, 1), D(2027, 2, 28))


def test_closed_period_against_the_whole_period() -> None:
    c = compare.compare(D(2026, 4, 1), D(2026, 4, 30), "month", D(2026, 6, 2))
    assert c.through == D(2026, 4, 30)
    assert c.previous == (D(2026, 3, 1), D(2026, 3, 31))  # all 31 days of March, not the first 30
    assert c.last_year == (D(2025, 4, 1), D(2025, 4, 30))


def test_running_quarter_and_week() -> None:
    # Q4 2026 counted through 20 Nov (51 days): 1 Jul .. 20 Aug (Q3's first 51 days), 1 Oct .. 20 Nov 2025
    q = compare.compare(D(2026, 10, 1), D(2026, 12, 31), "quarter", D(2026, 11, 21))
    assert q.previous == (D(2026, 7, 1), D(2026, 8, 20))
    assert q.last_year == (D(2025, 10, 1), D(2025, 11, 20))
    # W53 counted Mon..Wed (28..30 Dec 2026): 21..23 Dec, and 29..31 Dec 2025 (52 weeks earlier)
    w = compare.compare(D(2026, 12, 28), D(2027, 1, 3), "week", D(2026, 12, 31))
    assert w.previous == (D(2026, 12, 21), D(2026, 12, 23))
    assert w.last_year == (D(2025, 12, 29), D(2025, 12, 31))


def test_running_custom_range() -> None:
    # 5..25 Oct seen on 20 Oct: 15 days counted; the 21 days before start on 14 Sep
    c = compare.compare(D(2026, 10, 5), D(2026, 10, 25), "custom", D(2026, 10, 20))
    assert c.through == D(2026, 10, 19)
    assert c.previous == (D(2026, 9, 14), D(2026, 9, 28))
    assert c.last_year == (D(2025, 10, 5), D(2025, 10, 19))


def test_not_begun_has_no_windows() -> None:
    c = compare.compare(D(2026, 12, 1), D(2026, 12, 31), "month", D(2026, 12, 1))
    assert c.through is None and c.current is None and c.previous is None and c.last_year is None
    # the period's first day is the morning itself: today is not counted yet
    assert compare.counted_through(D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 1)) is None


def test_meeting_day() -> None:
    # a running month: today's meeting; a closed month: the morning after its last day; a past day: the day after
    assert compare.meeting_day(D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 23)) == D(2026, 11, 23)
    assert compare.meeting_day(D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 23)) == D(2026, 11, 1)
    assert compare.meeting_day(D(2026, 11, 10), D(2026, 11, 10), D(2026, 11, 23)) == D(2026, 11, 11)
    assert compare.meeting_day(D(2026, 12, 31), D(2027, 1, 1), D(2026, 11, 23)) == D(2026, 11, 23)


@pytest.mark.parametrize(("value", "reference", "unit", "expected"), [
    (125.0, 100.0, "count", 0.25),
    (75.0, 100.0, "currency", -0.25),
    (5.0, 0.0, "count", None),  # no base: no value, never inf
    (None, 10.0, "count", None),
    (0.30, 0.25, "ratio", pytest.approx(0.05)),  # points
    (0.30, None, "ratio", None),
])
def test_change(value, reference, unit, expected) -> None:
    assert compare.change(value, reference, unit) == expected


def test_unknown_kind_and_grain() -> None:
    with pytest.raises(ValueError, match="comparison"):
        compare.comparison_period(D(2026, 1, 1), D(2026, 1, 1), "day", "yoy")
    with pytest.raises(ValueError, match="grain"):
        compare.comparison_period(D(2026, 1, 1), D(2026, 1, 1), "fortnight", "previous")


@pytest.mark.parametrize(("grain", "start", "end", "expected"), [
    ("week", D(2026, 11, 16), D(2026, 11, 22), ("weekly", "2026-W47", True)),
    ("month", D(2026, 10, 1), D(2026, 10, 31), ("monthly", "2026-10", True)),
    ("day", D(2026, 11, 18), D(2026, 11, 18), ("weekly", "2026-W47", False)),
    ("day", D(2027, 1, 2), D(2027, 1, 2), ("weekly", "2026-W53", False)),
    ("custom", D(2026, 11, 17), D(2026, 11, 20), ("weekly", "2026-W47", False)),
    # a quarter running on 23 Nov: the month of its last counted day (22 Nov)
    ("quarter", D(2026, 10, 1), D(2026, 12, 31), ("monthly", "2026-11", False)),
    ("quarter", D(2026, 7, 1), D(2026, 9, 30), ("monthly", "2026-09", False)),
    ("quarter", D(2027, 1, 1), D(2027, 3, 31), ("monthly", "2027-01", False)),  # not begun: its first month
    ("custom", D(2026, 9, 20), D(2026, 11, 5), ("monthly", "2026-11", False)),
])
def test_review_for(grain, start, end, expected) -> None:
    assert compare.review_for(grain, start, end, D(2026, 11, 23)) == expected
