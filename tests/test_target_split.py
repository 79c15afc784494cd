"""Target splitting (issue 16.2): hand-computed splits, exact sums, the saved form, and pacing driven by the split.

The calendar (chinesecalendar, 2026 covered) for the dates used, as in tests/test_prorating.py:

- October 2026: National Day Thu 1 .. Wed 7 off, Saturday 10 a make-up working day: 18 working days
  (8, 9, 10, 12-16, 19-23, 26-30); November 21; December 23; Q4 2026: 62.
- Double 11 (20 October .. 11 November): working days 20-23, 26-30 October (9) and 2-6, 9-11 November (8).
- ISO weeks: 1-4 October 2026 is the end of W40 (Mon 28 September .. Sun 4 October); 5-11 October is W41.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi_engine import pacing, prorating, schema, store, target_split, targets
from kpi_engine.plans import split as plan_split
from kpi_engine.plans import store as plan_store
from kpi_engine.plans import yamlio
from kpi_engine.plans.model import Kpi, Plan, PlanError
from kpi_engine.reviews import weekly
from kpi_engine.target_split import PromoEvent

D = dt.date
Q4 = (D(2026, 10, 1), D(2026, 12, 31))
Q2 = (D(2026, 4, 1), D(2026, 6, 30))
OCT, NOV, DEC = D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1)
LEADS = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=7900, owner="p1")


# --- the methods, by hand ------------------------------------------------------------------------------------------


def test_even_split_by_calendar_days_months_and_iso_weeks() -> None:
    s = target_split.split(9200, *Q4, "even")  # 92 days: 100 a day
    assert s.months() == {OCT: 3100, NOV: 3000, DEC: 3100}
    assert set(s.days.values()) == {100}
    weeks = s.weeks()
    assert weeks["2026-W40"] == 400 and weeks["2026-W41"] == 700 and weeks["2026-W53"] == 400  # Mon 28 .. Thu 31 Dec
    assert sum(weeks.values()) == 9200
    # 1,000 over 31/30/31 days: 336.96, 326.09, 336.96 -> floors 336 + 326 + 336 = 998, the two largest remainders +1
    assert target_split.split(1000, *Q4, "even").months() == {OCT: 337, NOV: 326, DEC: 337}


def test_workdays_split_around_national_day_2026() -> None:
    s = target_split.split(6200, *Q4, "workdays")  # 62 working days: 100 each
    assert s.months() == {OCT: 1800, NOV: 2100, DEC: 2300}
    assert all(s.days[D(2026, 10, d)] == 0 for d in range(1, 8))  # the holiday carries no target
    assert s.days[D(2026, 10, 10)] == pytest.approx(100)  # make-up Saturday is a working day
    assert s.days[D(2026, 10, 11)] == 0  # an ordinary Sunday
    assert s.cumulative(D(2026, 10, 10)) == pytest.approx(300)  # 8, 9 and 10 October
    assert s.weeks()["2026-W40"] == 0 and s.weeks()["2026-W41"] == 300
    assert s.notes == ()
    # 2027 is not covered by the package: Monday to Friday, with a note
    assert target_split.split(100, D(2027, 1, 1), D(2027, 3, 31), "workdays").notes == ("split_note_uncovered",)


def test_promo_split_with_default_and_edited_weights() -> None:
    # Double 11 (uplift 2) on even days: Oct 31 + 12, Nov 30 + 11, Dec 31 = 115; 1,000 x 43, 41, 31 / 115
    # = 373.91, 356.52, 269.57 -> 373 + 356 + 269 = 998, +1 to the two largest remainders (Oct .91, Dec .57)
    s = target_split.split(1000, *Q4, "promo")
    assert [e.name for e in s.events] == ["Double 11"]  # 618 is not in Q4
    assert s.months() == {OCT: 374, NOV: 356, DEC: 270}
    # on working days: Oct 9 + 9 x 2 = 27, Nov 13 + 8 x 2 = 29, Dec 23; 79 in all -> 100 a plain working day
    w = target_split.split(7900, *Q4, "promo", base="workdays")
    assert w.months() == {OCT: 2700, NOV: 2900, DEC: 2300}
    assert w.days[D(2026, 10, 19)] == pytest.approx(100) and w.days[D(2026, 10, 20)] == pytest.approx(200)
    assert w.days[D(2026, 10, 24)] == 0  # a Saturday in Double 11 still has no work
    # an edited weight: 618 counts three times; April 30, May 31, June 12 + 18 x 3 = 66: 127 in all
    edited = target_split.split(1270, *Q2, "promo", events=[PromoEvent("618", D(2026, 6, 1), D(2026, 6, 18), 3.0)])
    assert edited.months() == {D(2026, 4, 1): 300, D(2026, 5, 1): 310, D(2026, 6, 1): 660}
    assert edited.days[D(2026, 6, 1)] == pytest.approx(30) and edited.days[D(2026, 6, 20)] == pytest.approx(10)
    # overlapping events: the larger weight, not the product
    both = target_split.day_weights(*Q2, "promo", events=[PromoEvent("618", D(2026, 6, 1), D(2026, 6, 18), 3.0),
                                                          PromoEvent("mid", D(2026, 6, 10), D(2026, 6, 20), 2.0)])
    assert both[D(2026, 6, 12)] == 3 and both[D(2026, 6, 19)] == 2 and both[D(2026, 6, 21)] == 1


def test_sums_are_exact_for_whole_numbers_and_close_for_money() -> None:
    rng = random.Random(16)
    events = [PromoEvent("x", D(2026, 11, 3), D(2026, 11, 9), 4.5)]
    for _ in range(60):
        total = rng.randint(1, 50_000)
        method = rng.choice(target_split.METHODS)
        s = target_split.split(total, *Q4, method, base=rng.choice(("even", "workdays")), events=events)
        assert sum(s.months().values()) == total and all(v == int(v) for v in s.months().values())
        assert sum(s.weeks().values()) == total and all(v == int(v) for v in s.weeks().values())
        assert sum(s.days.values()) == pytest.approx(total, abs=1e-6)
    money = target_split.split(12345.67, *Q4, "workdays")
    assert sum(money.months().values()) == pytest.approx(12345.67)
    assert target_split.largest_remainder({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}


# --- last year's shape (through the metric query layer) ---------------------------------------------------------------


def _leads_2025(engine: sa.Engine, days: list[dt.datetime]) -> None:
    base = {"channel_id": "ch_a", "campaign_id": None, "owner_id": None, "expected_value": None, "mql_at": None,
            "sql_at": None, "won_at": None, "lost_at": None, "deal_value": None, "first_response_at": None}
    with store.transaction(engine) as conn:
        conn.execute(schema.leads.insert(), [{**base, "lead_id": f"L{i}", "created_at": c} for i, c in enumerate(days)])
        store.bump_data_version(conn)


def test_last_years_shape_from_a_tiny_fixture(duck_engine: sa.Engine) -> None:
    plan = Plan(name="q", period="2026-Q4", kpis=(dataclass_kpi := Kpi(metric="leads", base=1000),))
    # no history at all: even, with a note
    empty = plan_split.make_split(duck_engine, plan, dataclass_kpi, "last_year")
    assert empty.notes == ("split_note_no_history",) and empty.months() == {OCT: 337, NOV: 326, DEC: 337}
    T = dt.datetime
    # Q4 2025: 2 leads on 1 October, 1 on 2 October, 1 on 3 November, 1 on 1 December: 5 in all
    _leads_2025(duck_engine, [T(2025, 10, 1, 9), T(2025, 10, 1, 10), T(2025, 10, 2, 9), T(2025, 11, 3, 9),
                              T(2025, 12, 1, 9)])
    s = plan_split.make_split(duck_engine, plan, dataclass_kpi, "last_year")
    assert s.notes == () and s.months() == {OCT: 600, NOV: 200, DEC: 200}
    assert s.days[D(2026, 10, 1)] == pytest.approx(400) and s.days[D(2026, 10, 2)] == pytest.approx(200)
    assert s.days[D(2026, 10, 3)] == 0 and s.days[D(2026, 11, 3)] == pytest.approx(200)


def test_a_month_of_last_year_without_data_weighs_last_years_average_day(duck_engine: sa.Engine) -> None:
    T = dt.datetime
    _leads_2025(duck_engine, [T(2025, 10, 1, 9), T(2025, 10, 1, 10), T(2025, 10, 2, 9), T(2025, 11, 3, 9)])
    kpi = Kpi(metric="leads", base=1000)
    s = plan_split.make_split(duck_engine, Plan(name="q", period="2026-Q4", kpis=(kpi,)), kpi, "last_year")
    # December weighs 31 x 4/61 (Oct + Nov: 4 leads over 61 days); Oct 3, Nov 1, Dec 124/61 of 368/61:
    # 1,000 x 183/368 = 497.28, 61/368 = 165.76, 124/368 = 336.96 -> 497 + 165 + 336 = 998, +1 Dec and Nov
    assert s.notes == ("split_note_gaps",) and s.gaps == ("2025-12",)
    assert s.months() == {OCT: 497, NOV: 166, DEC: 337}


def test_rates_and_growth_are_not_split() -> None:
    assert plan_split.why_not(Kpi(metric="cpl", base=150)) == "split_why_rate"
    assert plan_split.why_not(Kpi(metric="growth:leads", base=0.1)) == "split_why_growth"
    assert plan_split.why_not(Kpi(metric="leads")) == "split_why_no_base"
    assert plan_split.why_not(LEADS) is None
    plan = Plan(name="q", period="2026-Q4", kpis=(LEADS, Kpi(metric="cpl", base=150)))
    assert plan_split.splittable(plan) == [0]
    assert plan_split.splittable(Plan(name="m", period="2026-10", kpis=(LEADS,))) == []  # months keep pro-rating


# --- saved with the plan ----------------------------------------------------------------------------------------------


def _promo_plan() -> Plan:
    plan = Plan(name="Q4 leads", period="2026-Q4", prorate="calendar", kpis=(LEADS,))
    return plan_split.with_split(plan, 0, plan_split.make_split(None, plan, LEADS, "promo", base="workdays"))


def test_yaml_round_trip_keeps_the_split() -> None:
    plan = _promo_plan()
    text = yamlio.plan_to_yaml(plan)
    assert "split:" in text and "Double 11" in text and "'2026-10-20': 200.0" in text
    back = yamlio.plan_from_yaml(text)
    assert back == plan and back.kpis[0].extra["split"] == plan.kpis[0].extra["split"]
    assert plan_split.saved_split(back.kpis[0]).months() == {OCT: 2700, NOV: 2900, DEC: 2300}
    # the shape is kept when the base changes afterwards
    bigger = Kpi(**{**{f: getattr(LEADS, f) for f in ("metric", "dimension", "weight", "owner")}, "base": 15800},
                 extra=back.kpis[0].extra)
    assert plan_split.saved_split(bigger).months() == {OCT: 5400, NOV: 5800, DEC: 4600}
    assert plan_split.without_split(back, 0).kpis[0].extra == {}


def test_a_bad_split_in_a_file_is_reported() -> None:
    with pytest.raises(PlanError) as err:
        Kpi(metric="leads", base=10, extra={"split": {"method": "lunar", "days": {"2026-10-01": -1}}})
    text = str(err.value)
    assert "method must be one of even, workdays, last_year, promo" in text and "number ≥ 0" in text
    with pytest.raises(PlanError, match="ends .* before it starts"):
        Kpi(metric="leads", base=10, extra={"split": {"method": "promo", "days": {"2026-10-01": 1},
                                                      "events": [{"name": "x", "start": "2026-10-09",
                                                                  "end": "2026-10-01", "weight": 2}]}})


def _seed(engine: sa.Engine) -> Plan:
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert(), [{"person_id": "p1", "name": "Ann", "team": "growth", "manager_id": None}])
        conn.execute(schema.channels.insert(), [{"channel_id": "ch_a", "name": "A", "kind": "paid", "owner_id": "p1"}])
        store.bump_data_version(conn)
    saved = plan_store.save_plan(engine, _promo_plan())
    assert plan_store.load_plan(engine, saved.plan_id).kpis[0].extra["split"] == _promo_plan().kpis[0].extra["split"]
    return plan_store.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=D(2026, 10, 1))


def test_the_saved_split_drives_pacing(duck_engine: sa.Engine) -> None:
    plan = _seed(duck_engine)
    s = plan_split.saved_split(plan.kpis[0])
    assert s is not None
    # one resolver: the split, not the plan's calendar days
    spread = pacing.method_for(plan, plan.kpis[0])
    assert spread.method == "custom" and pacing.spread_for(duck_engine, plan, plan.kpis[0]) == spread
    # the weekly review's target for Mon 19 .. Sun 25 October: Monday 100 + Double 11's Tue-Fri 4 x 200
    no_rows = pd.DataFrame(columns=["metric_id", "scope_type", "scope_id", "period_start", "base"])
    assert weekly.kpi_target(plan.kpis[0], plan, D(2026, 10, 19), D(2026, 10, 25), no_rows) == pytest.approx(900)
    # published monthly targets are the split's months
    rows = {r["period_start"]: r["base"] for r in plan_store.target_rows(plan)}
    assert rows == pytest.approx({OCT: 2700, NOV: 2900, DEC: 2300})
    # running scorecards and pace: the target expected by day N is the split's cumulative sum (to 15 November:
    # October, 2-6 and 9-11 November in Double 11 at 200, Thu 12 and Fri 13 at 100)
    for day, expected in ((D(2026, 10, 10), 300), (D(2026, 10, 25), 1700), (D(2026, 11, 15), 2700 + 1600 + 200)):
        assert s.cumulative(day) == pytest.approx(expected)
        p = pacing.pace(expected, 7900, Q4, day, **spread.kwargs())
        assert p.expected_to_date == pytest.approx(expected) and p.achievement == pytest.approx(1.0)
    # the Standup, Drill-down and weekly gap read stored months spread by the plan in force on the day
    spreads = prorating.for_day(duck_engine, D(2026, 10, 25), ["leads"])
    assert spreads["leads"].method == "custom"
    for start, end, expected in ((OCT, D(2026, 10, 25), 1700),  # 8-10, 12-16, 19 (9 x 100) + 20-23 (4 x 200)
                                 (D(2026, 10, 19), D(2026, 10, 25), 900),
                                 (D(2026, 10, 26), D(2026, 11, 1), 1000)):  # 26-30 in Double 11; Sunday 1 Nov none
        value = targets.target_value(duck_engine, "leads", start=start, end=end, method=spreads["leads"].method,
                                     profile=spreads["leads"].profile)
        assert value == pytest.approx(expected)
        assert value == pytest.approx(sum(v for d, v in s.days.items() if start <= d <= end))


def test_split_strings_in_english_and_chinese() -> None:
    import re

    from kpi_engine.i18n import target_split as strings

    cjk = re.compile(r"[\u4e00-\u9fff]")
    keys = set(strings.STRINGS)
    used = {f"split_method_{m}" for m in target_split.METHODS} | {"split_note_no_history", "split_note_gaps",
                                                                   "split_note_uncovered", "split_note_all_zero",
                                                                   "split_why_growth", "split_why_rate",
                                                                   "split_why_unknown", "split_why_no_base"}
    assert used <= keys, used - keys
    for key, text in strings.STRINGS.items():
        assert text["en"].strip() and not cjk.search(text["en"]), key
        assert cjk.search(text["zh"]), key
        assert set(re.findall(r"\{(\w+)\}", text["en"])) == set(re.findall(r"\{(\w+)\}", text["zh"])), key
