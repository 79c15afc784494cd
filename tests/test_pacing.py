"""Pro-rating, pacing and budget pacing (kpi_engine.pacing): pure functions, hand-computed.

December 2026 has 31 days and 23 working days (Tuesday 1 December .. Thursday 31 December);
ISO week 2026-W49 is Monday 30 November .. Sunday 6 December.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from kpi_engine import pacing, schema
from kpi_engine.settings import Settings

D = dt.date
DEC = (D(2026, 12, 1), D(2026, 12, 31))


# --- Pro-rating ----------------------------------------------------------------------------------


def test_calendar_days() -> None:
    assert pacing.prorate(1000, DEC, (D(2026, 12, 1), D(2026, 12, 6))) == pytest.approx(1000 * 6 / 31)
    assert pacing.prorate(1000, DEC, DEC) == pytest.approx(1000)
    assert pacing.prorate(1000, DEC, (D(2027, 1, 1), D(2027, 1, 7))) == 0  # outside the period
    # a yearly target for ISO week 2026-W53 (28 Dec .. 3 Jan): 4 of its days are in 2026 -> 3650 × 4 / 365
    assert pacing.prorate(3650, (D(2026, 1, 1), D(2026, 12, 31)), (D(2026, 12, 28), D(2027, 1, 3))) == pytest.approx(40)


def test_a_week_across_two_months_takes_a_share_of_each_target() -> None:
    # W49: 30 Nov is 1 of November's 30 days, 1..6 Dec are 6 of December's 31: 900 / 30 + 1240 × 6 / 31 = 30 + 240
    targets = [((D(2026, 11, 1), D(2026, 11, 30)), 900.0), (DEC, 1240.0)]
    assert pacing.prorate_many(targets, (D(2026, 11, 30), D(2026, 12, 6))) == pytest.approx(270)


def test_working_days() -> None:
    # 1..6 Dec: Tuesday to Friday are working days (4 of 23)
    assert pacing.prorate(2300, DEC, (D(2026, 12, 1), D(2026, 12, 6)), "working") == pytest.approx(400)
    # a holiday on Friday 25 December leaves 22
    assert pacing.prorate(2200, DEC, (D(2026, 12, 1), D(2026, 12, 6)), "working", holidays=[D(2026, 12, 25)]) == \
        pytest.approx(400)
    # a weekend alone falls back to calendar days
    assert pacing.prorate(100, (D(2026, 12, 5), D(2026, 12, 6)), (D(2026, 12, 5), D(2026, 12, 5)), "working") == 50
    weights = pacing.day_weights((D(2026, 12, 4), D(2026, 12, 7)), "working")
    assert list(weights.values()) == [1.0, 0.0, 0.0, 1.0]  # Fri, Sat, Sun, Mon


def test_seasonal_shape_of_last_year() -> None:
    period = (D(2026, 12, 1), D(2026, 12, 3))
    shape = {D(2025, 12, 1): 1.0, D(2025, 12, 2): 3.0, D(2025, 12, 3): 0.0}
    assert pacing.prorate(100, period, (D(2026, 12, 2), D(2026, 12, 2)), "seasonal", shape=shape) == pytest.approx(75)
    assert pacing.prorate(100, period, (D(2026, 12, 3), D(2026, 12, 3)), "seasonal", shape=shape) == 0
    assert pacing.prorate(100, period, (D(2026, 12, 1), D(2026, 12, 2)), "seasonal", shape=shape) == pytest.approx(100)
    # no shape at all last year: calendar days
    assert pacing.prorate(90, period, (D(2026, 12, 1), D(2026, 12, 1)), "seasonal", shape={}) == pytest.approx(30)
    # 29 February takes 28 February's value
    leap = pacing.day_weights((D(2028, 2, 28), D(2028, 2, 29)), "seasonal", shape={D(2027, 2, 28): 5.0})
    assert list(leap.values()) == [5.0, 5.0]


def test_prorating_errors() -> None:
    with pytest.raises(ValueError, match="shape"):
        pacing.prorate(1, DEC, DEC, "seasonal")
    with pytest.raises(ValueError, match="unknown pro-rating method"):
        pacing.prorate(1, DEC, DEC, "lunar")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ends"):
        pacing.prorate(1, (D(2026, 12, 2), D(2026, 12, 1)), DEC)


@given(start=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)), length=st.integers(0, 120),
       cut=st.integers(0, 120), method=st.sampled_from(["calendar", "working"]))
def test_sub_ranges_add_up_to_the_target(start: dt.date, length: int, cut: int, method: str) -> None:
    end = start + dt.timedelta(days=length)
    mid = start + dt.timedelta(days=min(cut, length))
    first = pacing.prorate(100, (start, end), (start, mid), method)  # type: ignore[arg-type]
    rest = pacing.prorate(100, (start, end), (mid + dt.timedelta(days=1), end), method)  # type: ignore[arg-type]
    assert first + rest == pytest.approx(100) and 0 <= first <= 100 + 1e-9


# --- Pacing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "status", "projected"), [
    (300, "at_risk", 930.0),     # 300 in 10 of 31 days -> 300 / 10 × 31 = 930 = 93% of 1000
    (350, "on_track", 1085.0),   # 108.5%
    (150, "off_track", 465.0),   # 46.5% < the 50% floor
])
def test_run_rate_projection(actual: float, status: str, projected: float) -> None:
    p = pacing.pace(actual, 1000, DEC, D(2026, 12, 10))
    assert (p.status, p.projected, p.achievement) == (status, pytest.approx(projected), pytest.approx(projected / 1000))
    assert p.expected_to_date == pytest.approx(1000 * 10 / 31) and p.elapsed_share == pytest.approx(10 / 31)


def test_pacing_floor_boundaries_and_dates() -> None:
    assert pacing.pace(150, 1000, DEC, D(2026, 12, 10), floor=0.4).status == "at_risk"
    assert pacing.pace(150, 1000, DEC, D(2026, 12, 10), settings=Settings(pacing_floor=0.4)).status == "at_risk"
    assert pacing.pace(1000, 1000, DEC, D(2026, 12, 31)).status == "achieved"  # exactly 100% at the end
    end = pacing.pace(800, 1000, DEC, D(2027, 1, 15))  # after the period: the actual is final, never "at risk"
    assert (end.status, end.projected, end.elapsed_share) == ("missed", 800, 1)
    before = pacing.pace(0, 1000, DEC, D(2026, 11, 30))  # not started: no status
    assert (before.status, before.projected, before.elapsed_share) == (None, None, 0)
    assert pacing.pace(None, 1000, DEC, D(2026, 12, 10)).status is None  # no actual: not measurable
    no_target = pacing.pace(300, None, DEC, D(2026, 12, 10))
    assert no_target.status is None and no_target.projected == pytest.approx(930)
    assert pacing.pace(300, 0, DEC, D(2026, 12, 10)).status is None
    with pytest.raises(ValueError, match="direction"):
        pacing.pace(1, 1, DEC, D(2026, 12, 10), direction="up")


def test_lower_is_better() -> None:
    # an additive count with a ceiling of 100 (complaints): 20 by 10 Dec projects 62 -> 100 / 62 achieved
    ok = pacing.pace(20, 100, DEC, D(2026, 12, 10), direction="lower")
    assert (ok.status, ok.projected, ok.achievement) == ("on_track", pytest.approx(62), pytest.approx(100 / 62))
    assert pacing.pace(40, 100, DEC, D(2026, 12, 10), direction="lower").status == "at_risk"  # 124 -> 100 / 124


@pytest.mark.parametrize(("cpl", "status", "achievement"), [
    (250, "at_risk", 0.8),     # a ratio is compared as it is, never projected: 200 / 250
    (180, "on_track", 200 / 180),
    (450, "off_track", 200 / 450),
    (0, "on_track", float("inf")),  # nothing spent: the target is met
])
def test_pacing_a_ratio_compares_the_ratio_itself(cpl: float, status: str, achievement: float) -> None:
    p = pacing.pace(cpl, 200, DEC, D(2026, 12, 3), direction="lower", additive=False)
    assert (p.status, p.projected, p.expected_to_date) == (status, cpl, 200)
    assert p.achievement == pytest.approx(achievement)
    rate = pacing.pace(0.09, 0.12, DEC, D(2026, 12, 3), additive=False)  # a conversion rate, higher is better
    assert (rate.status, rate.achievement) == ("at_risk", pytest.approx(0.75))


def test_pacing_by_working_days() -> None:
    # 400 by Sunday 6 Dec = 4 of 23 working days -> projected 400 × 23 / 4 = 2300 = the target
    p = pacing.pace(400, 2300, DEC, D(2026, 12, 6), method="working")
    assert (p.status, p.projected) == ("on_track", pytest.approx(2300))


# --- Budget pacing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("spent", "status"), [
    (650, "underspending"), (700, "at_risk"), (899, "at_risk"), (900, "on_track"), (1100, "on_track"),
    (1101, "overspending"),
])
def test_budget_pacing_both_ways(spent: float, status: str) -> None:
    # budget 3100 for December; by 10 Dec the plan is 3100 × 10 / 31 = 1000
    b = pacing.budget_pace(spent, 3100, DEC, D(2026, 12, 10))
    assert (b.status, b.ratio, b.planned_to_date) == (status, pytest.approx(spent / 1000), pytest.approx(1000))
    assert b.projected == pytest.approx(spent * 3.1)


def test_budget_pacing_edges_and_settings() -> None:
    assert pacing.budget_pace(10, 3100, DEC, D(2026, 11, 30)).status is None  # nothing planned yet
    assert pacing.budget_pace(10, 0, DEC, D(2026, 12, 10)).status is None
    assert pacing.budget_pace(650, 3100, DEC, D(2026, 12, 10), settings=Settings(budget_underspend_below=0.5)).status == \
        "at_risk"


def test_last_year_shape_from_the_database(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.spend), [
            {"date": D(2025, 12, 1), "channel_id": "x", "cost": 10.0}, {"date": D(2025, 12, 2), "channel_id": "x", "cost": 30.0},
            {"date": D(2025, 12, 2), "channel_id": "y", "cost": 500.0}])
    period = (D(2026, 12, 1), D(2026, 12, 3))
    shape = pacing.last_year_shape(engine, "spend", period, where={"channel": "x"})
    assert shape == {D(2025, 12, 1): 10.0, D(2025, 12, 2): 30.0, D(2025, 12, 3): 0.0}
    assert pacing.prorate(100, period, (D(2026, 12, 2), D(2026, 12, 2)), "seasonal", shape=shape) == pytest.approx(75)
