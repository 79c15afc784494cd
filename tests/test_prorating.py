"""Pro-rating everywhere (issue 10, point 7): Chinese working days, the custom profile, one resolver, stored targets,
the Standup, the weekly review and published quarter targets. Every expected number is computed by hand.

The calendar (chinesecalendar 1.11.0, covering 2004..2026) for the dates used:

- September 2026: 22 weekdays; Sunday 20 September is a make-up working day, Friday 25 September (Mid-Autumn
  Festival) a holiday: 22 working days.
- October 2026: National Day, Thursday 1 .. Wednesday 7 October off; Saturday 10 October is a make-up working day.
  Working days: 8, 9, 10, 12-16, 19-23, 26-30 = 3 + 15 = 18; in 1..10 October: 8, 9, 10 = 3.
- November 2026: 21 working days (no holiday); December 2026: 23. Q4 2026: 18 + 21 + 23 = 62.
- 2027 is not covered: January 2027 has 21 weekdays, and that is what "working" gives, with a note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi_engine import pacing, schema, standup, store, targets, workdays
from kpi_engine.plans import checks, prorating, yamlio
from kpi_engine.plans import store as plan_store
from kpi_engine.plans.model import Kpi, Plan, PlanError
from kpi_engine.reviews import weekly
from kpi_engine.settings import Settings

D = dt.date
OCT = (D(2026, 10, 1), D(2026, 10, 31))
WEEK = (D(2026, 10, 12), D(2026, 10, 18))  # Monday .. Sunday, all ordinary days


# --- the Chinese calendar ------------------------------------------------------------------------------------------


def test_october_2026_holidays_and_make_up_days_from_the_package() -> None:
    assert workdays.covered_range() == (2004, 2026), "chinesecalendar was upgraded: update the dates of this module"
    off = [D(2026, 10, d) for d in range(1, 8)]  # Thu 1 .. Wed 7: National Day (Mon 5 .. Wed 7 are weekdays)
    assert not any(workdays.is_workday(d) for d in off)
    assert workdays.is_workday(D(2026, 10, 8)) and workdays.is_workday(D(2026, 10, 9))
    assert D(2026, 10, 10).weekday() == 5 and workdays.is_workday(D(2026, 10, 10))  # make-up Saturday
    assert not workdays.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert D(2026, 9, 20).weekday() == 6 and workdays.is_workday(D(2026, 9, 20))  # make-up Sunday
    assert not workdays.is_workday(D(2026, 9, 25))  # Friday, Mid-Autumn Festival
    assert workdays.count(*OCT) == 18
    assert workdays.count(D(2026, 10, 1), D(2026, 10, 10)) == 3
    assert workdays.count(D(2026, 9, 1), D(2026, 9, 30)) == 22
    assert workdays.count(D(2026, 10, 2), D(2026, 10, 1)) == 0
    assert workdays.uncovered_years(*OCT) == () and workdays.note(*OCT) is None


def test_working_days_prorate_2200_leads_of_october_to_the_first_ten_days() -> None:
    # 2,200 x (working days 1..10 October) / (working days of October) = 2,200 x 3 / 18 = 366.67
    assert pacing.prorate(2200, OCT, (D(2026, 10, 1), D(2026, 10, 10)), "working") == pytest.approx(2200 * 3 / 18)
    # by calendar days it would be 2,200 x 10 / 31 = 709.68: the holiday week is not "behind"
    assert pacing.prorate(2200, OCT, (D(2026, 10, 1), D(2026, 10, 10))) == pytest.approx(2200 * 10 / 31)
    # the holiday itself carries no target, the make-up Saturday a full working day's, the Sunday after none
    assert pacing.prorate(2200, OCT, (D(2026, 10, 1), D(2026, 10, 7)), "working") == 0
    assert pacing.prorate(2200, OCT, (D(2026, 10, 10), D(2026, 10, 10)), "working") == pytest.approx(2200 / 18)
    assert pacing.prorate(2200, OCT, (D(2026, 10, 11), D(2026, 10, 11)), "working") == 0
    # pacing: 300 leads by 10 October is 300 / (3/18) = 1,800 projected, 1,800 / 2,200 = 81.8%: at risk
    p = pacing.pace(300, 2200, OCT, D(2026, 10, 10), method="working")
    assert p.projected == pytest.approx(1800) and p.expected_to_date == pytest.approx(2200 * 3 / 18)
    assert p.achievement == pytest.approx(1800 / 2200) and p.status == "at_risk"
    # September's make-up Sunday counts: 1 of 22 working days
    assert pacing.prorate(2200, (D(2026, 9, 1), D(2026, 9, 30)), (D(2026, 9, 20), D(2026, 9, 20)),
                          "working") == pytest.approx(100)


def test_a_year_the_package_does_not_cover_falls_back_to_weekdays_and_says_so() -> None:
    jan = (D(2027, 1, 1), D(2027, 1, 31))
    assert not workdays.is_covered(2027) and workdays.is_covered(2026)
    assert workdays.is_workday(D(2027, 1, 1))  # Friday: New Year's Day is not known yet, a weekday works
    assert not workdays.is_workday(D(2027, 1, 2))  # Saturday
    assert workdays.count(*jan) == 21
    assert pacing.prorate(2100, jan, (D(2027, 1, 1), D(2027, 1, 1)), "working") == pytest.approx(100)
    assert workdays.uncovered_years(D(2026, 12, 1), D(2027, 1, 31)) == (2027,)
    assert workdays.uncovered_years(D(2027, 12, 1), D(2028, 1, 31)) == (2027, 2028)
    en, zh = workdays.note(*jan, "en"), workdays.note(*jan, "zh")
    assert en is not None and "2027" in en and "not known yet" in en
    assert zh is not None and "2027" in zh and "尚未公布" in zh


# --- the custom profile ----------------------------------------------------------------------------------------------


def test_custom_profile_by_weekday_and_by_date() -> None:
    profile = {"mon": 2, "sat": 0.5, "sun": 0}  # Tue .. Fri weigh 1: 2 + 4 + 0.5 + 0 = 6.5
    assert pacing.prorate(130, WEEK, (D(2026, 10, 12), D(2026, 10, 12)), "custom", profile=profile) == pytest.approx(40)
    assert pacing.prorate(130, WEEK, (D(2026, 10, 17), D(2026, 10, 18)), "custom", profile=profile) == pytest.approx(10)
    # a date wins over its weekday: Wednesday 14 October off, 6.5 - 1 = 5.5
    dated = {**profile, "2026-10-14": 0}
    assert pacing.prorate(110, WEEK, (D(2026, 10, 12), D(2026, 10, 12)), "custom", profile=dated) == pytest.approx(40)
    assert pacing.prorate(110, WEEK, (D(2026, 10, 14), D(2026, 10, 14)), "custom", profile=dated) == 0
    # a profile of zeros spreads by calendar days (7); no profile is an error
    zeros = dict.fromkeys(pacing.WEEKDAYS, 0)
    assert pacing.prorate(70, WEEK, (D(2026, 10, 12), D(2026, 10, 12)), "custom", profile=zeros) == pytest.approx(10)
    with pytest.raises(ValueError, match="profile"):
        pacing.prorate(70, WEEK, WEEK, "custom")


def test_profile_keys_and_weights_are_checked() -> None:
    stored, problems = pacing.parse_profile({"Monday": 1.2, "周日": "0.5", D(2026, 10, 1): 0, "2026-10-02": 1})
    assert stored == {"mon": 1.2, "sun": 0.5, "2026-10-01": 0.0, "2026-10-02": 1.0} and problems == []
    _, problems = pacing.parse_profile({"someday": 1, "tue": -1, "wed": True})
    assert len(problems) == 3 and "someday" in problems[0]
    assert pacing.parse_profile([1, 2])[1] and pacing.parse_profile(None) == ({}, [])
    with pytest.raises(PlanError, match="someday"):
        Plan(name="p", period="2026-10", prorate="custom", extra={"profile": {"someday": 1}})
    with pytest.raises(PlanError, match="prorate must be one of"):
        Kpi(metric="leads", extra={"prorate": "lunar"})


# --- one resolver ------------------------------------------------------------------------------------------------------


def test_the_kpi_overrides_the_plan_which_overrides_the_setting() -> None:
    working = Settings(default_prorate="working")
    own = Kpi(metric="leads", extra={"prorate": "custom", "profile": {"sun": 0}})
    plain = Kpi(metric="mqls")
    plan = Plan(name="p", period="2026-10", prorate="seasonal", kpis=(own, plain))
    assert pacing.method_for(plan, own, working) == pacing.Spread("custom", {"sun": 0.0})
    assert pacing.method_for(plan, plain, working) == pacing.Spread("seasonal")
    assert pacing.method_for(None, None, working) == pacing.Spread("working")
    assert pacing.method_for(None, None, Settings()) == pacing.Spread("calendar")
    # a KPI switching to custom without its own profile uses the plan's; with none at all: calendar days
    shaped = Plan(name="p", period="2026-10", extra={"profile": {"mon": 2}}, kpis=(Kpi(metric="leads"),))
    assert pacing.method_for(shaped, Kpi(metric="leads", extra={"prorate": "custom"})).profile == {"mon": 2.0}
    assert pacing.method_for(Plan(name="p", period="2026-10", prorate="custom")) == pacing.Spread("calendar")
    # a plan built without a method follows the settings in force until a store writes its own in
    # (tests/test_plans.py: test_a_plan_without_a_method_takes_the_stores_default_when_saved)
    built = Plan(name="p", period="2026-10", kpis=(plain,))
    assert built.prorate == ""
    assert pacing.method_for(built, plain, working) == pacing.Spread("working")
    assert pacing.method_for(built, plain, Settings()) == pacing.Spread("calendar")


def test_yaml_carries_prorate_and_the_profile() -> None:
    text = """\
name: Holiday month
period: 2026-10
prorate: custom
profile:
  mon: 1.2
  sun: 0.5
  2026-10-01: 0
kpis:
  - {metric: leads, scope: team, dimension: campaign_effectiveness, weight: 100, base: 2200, prorate: working}
"""
    plan = yamlio.plan_from_yaml(text)
    assert plan.prorate == "custom" and plan.profile == {"mon": 1.2, "sun": 0.5, "2026-10-01": 0.0}
    assert plan.kpis[0].extra == {"prorate": "working"}
    again = yamlio.plan_from_yaml(yamlio.plan_to_yaml(plan))
    assert again == plan
    calendar = yamlio.plan_to_dict(Plan(name="p", period="2026-10", prorate="calendar"))
    assert calendar["prorate"] == "calendar" and "profile" not in calendar  # always written: keeps its method


def test_plan_check_for_a_missing_or_all_zero_profile() -> None:
    kpi = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=2200, owner="p1")
    missing = checks.check_plan(Plan(name="p", period="2026-10", prorate="custom", kpis=(kpi,)))
    issue = next(i for i in missing.errors if i.code == "profile_missing")
    assert issue.message("en") == "The plan is pro-rated by a custom profile, but no profile is given."
    assert "自定义" in issue.message("zh") and "profile" in issue.fix("zh") and "mon: 1.2" in issue.fix("en")
    zero = checks.check_plan(Plan(name="p", period="2026-10", prorate="custom", kpis=(kpi,),
                                  extra={"profile": dict.fromkeys(pacing.WEEKDAYS, 0)}))
    issue = next(i for i in zero.errors if i.code == "profile_zero")
    assert "2026-10" in issue.message("en") and "全部为 0" in issue.message("zh")
    ok = checks.check_plan(Plan(name="p", period="2026-10", prorate="custom", kpis=(kpi,), extra={"profile": {"sun": 0}}))
    assert not {"profile_missing", "profile_zero"} & ok.codes()
    # a KPI that asks for custom in a working-days plan needs a profile of its own
    asks = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=2200, owner="p1",
               extra={"prorate": "custom"})
    report = checks.check_plan(Plan(name="p", period="2026-10", prorate="working", kpis=(asks,)))
    issue = next(i for i in report.errors if i.code == "profile_missing")
    assert issue.kpi == 0 and issue.message("en").startswith("Leads @ Team is pro-rated")
    assert issue.message("zh").startswith("线索数 @ 团队设为按自定义权重分摊")  # the KPI in the reader's language
    # a scope by its name, never its key
    named = Plan(name="p", period="2026-10", prorate="working", kpis=(dataclasses.replace(asks, scope="channel:ch_a"),))
    issue = next(i for i in prorating.profile_issues(named, {"channel:ch_a": "百度搜索"}) if i.code == "profile_missing")
    assert issue.message("en").startswith("Leads @ 百度搜索 is pro-rated") and "channel:" not in issue.message("zh")


# --- stored targets, published targets, the weekly review -----------------------------------------------------------


def _targets(engine: sa.Engine) -> None:
    rows = [{"metric_id": "leads", "scope_type": "team", "scope_id": "", "period_start": D(2026, 10, 1), "base": 2200.0},
            {"metric_id": "leads", "scope_type": "team", "scope_id": "", "period_start": D(2026, 11, 1), "base": 2100.0},
            {"metric_id": "cpl", "scope_type": "team", "scope_id": "", "period_start": D(2026, 10, 1), "base": 100.0},
            {"metric_id": "cpl", "scope_type": "team", "scope_id": "", "period_start": D(2026, 11, 1), "base": 130.0}]
    with store.transaction(engine) as conn:
        conn.execute(schema.targets.insert(), rows)


def test_stored_targets_by_method(duck_engine: sa.Engine) -> None:
    _targets(duck_engine)
    first_ten = {"start": D(2026, 10, 1), "end": D(2026, 10, 10)}
    assert targets.target_value(duck_engine, "leads", **first_ten) == pytest.approx(2200 * 10 / 31)  # the default
    assert targets.target_value(duck_engine, "leads", **first_ten, method="working") == pytest.approx(2200 * 3 / 18)
    # Mon 26 Oct .. Sun 1 Nov: October's 26-30 (5 of 18 working days), November's Sunday 1st (none of 21)
    week = {"start": D(2026, 10, 26), "end": D(2026, 11, 1)}
    assert targets.target_value(duck_engine, "leads", **week, method="working") == pytest.approx(2200 * 5 / 18)
    assert targets.target_value(duck_engine, "leads", **week) == pytest.approx(2200 * 6 / 31 + 2100 / 30)
    # custom: Sundays off, October has 31 - 4 = 27 weighted days; 1..10 October holds 9 of them (Sun 4 off)
    assert targets.target_value(duck_engine, "leads", **first_ten, method="custom",
                                profile={"sun": 0}) == pytest.approx(2200 * 9 / 27)
    # a rate does not shrink, whatever the method: (6 x 100 + 1 x 130) / 7
    assert targets.target_value(duck_engine, "cpl", **week, method="working") == pytest.approx(730 / 7)
    # per metric: leads by working days, cpl as it is
    table = targets.targets_for(duck_engine, ["leads", "cpl"], **first_ten,
                                spreads={"leads": pacing.Spread("working")})
    assert dict(zip(table["metric_id"], table["target"], strict=True)) == pytest.approx(
        {"cpl": 100.0, "leads": 2200 * 3 / 18})


def test_seasonal_stored_targets_follow_last_year(duck_engine: sa.Engine) -> None:
    _targets(duck_engine)
    base = {"channel_id": "ch_a", "campaign_id": None, "owner_id": None, "expected_value": None, "mql_at": None,
            "sql_at": None, "won_at": None, "lost_at": None, "deal_value": None, "first_response_at": None}
    # October 2025: 3 leads on the 1st, 1 on the 2nd; nothing else
    created = [dt.datetime(2025, 10, 1, 9), dt.datetime(2025, 10, 1, 10), dt.datetime(2025, 10, 1, 11),
               dt.datetime(2025, 10, 2, 9)]
    with store.transaction(duck_engine) as conn:
        conn.execute(schema.leads.insert(), [{**base, "lead_id": f"L{i}", "created_at": c} for i, c in enumerate(created)])
        store.bump_data_version(conn)
    day_one = targets.target_value(duck_engine, "leads", start=D(2026, 10, 1), end=D(2026, 10, 1), method="seasonal")
    assert day_one == pytest.approx(2200 * 3 / 4)
    # November 2025 had no leads: November 2026 falls back to calendar days
    assert targets.target_value(duck_engine, "leads", start=D(2026, 11, 2), end=D(2026, 11, 2),
                                method="seasonal") == pytest.approx(2100 / 30)


def test_a_quarter_plan_publishes_months_by_its_method() -> None:
    kpi = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=6200, owner="p1")
    rows = plan_store.target_rows(Plan(name="q", period="2026-Q4", prorate="working", kpis=(kpi,), plan_id="q4"))
    assert [r["base"] for r in rows] == pytest.approx([6200 * 18 / 62, 6200 * 21 / 62, 6200 * 23 / 62])
    rows = plan_store.target_rows(Plan(name="q", period="2026-Q4", prorate="calendar", kpis=(kpi,), plan_id="q4"))
    assert [r["base"] for r in rows] == pytest.approx([6200 * 31 / 92, 6200 * 30 / 92, 6200 * 31 / 92])


def test_weekly_review_target_uses_the_plans_method() -> None:
    kpi = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=2200, owner="p1")
    no_rows = pd.DataFrame(columns=["metric_id", "scope_type", "scope_id", "period_start", "base"])
    working = Plan(name="p", period="2026-10", prorate="working", kpis=(kpi,))
    # Mon 5 .. Sun 11 October: working days 8, 9, 10 (3 of 18)
    assert weekly.kpi_target(kpi, working, D(2026, 10, 5), D(2026, 10, 11), no_rows) == pytest.approx(2200 * 3 / 18)
    calendar = Plan(name="p", period="2026-10", prorate="calendar", kpis=(kpi,))
    assert weekly.kpi_target(kpi, calendar, D(2026, 10, 5), D(2026, 10, 11), no_rows) == pytest.approx(2200 * 7 / 31)


# --- the Standup ----------------------------------------------------------------------------------------------------


def _working_plan(engine: sa.Engine) -> None:
    people = [{"person_id": "p1", "name": "Ann", "team": "growth", "manager_id": None}]
    base = {"channel_id": "ch_a", "campaign_id": None, "owner_id": "p1", "expected_value": None, "mql_at": None,
            "sql_at": None, "won_at": None, "lost_at": None, "deal_value": None, "first_response_at": None}
    leads = [{**base, "lead_id": f"L{d}", "created_at": dt.datetime(2026, 10, d, 10)} for d in (3, 8, 10)]
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert(), people)
        conn.execute(schema.channels.insert(), [{"channel_id": "ch_a", "name": "A", "kind": "paid", "owner_id": "p1"}])
        conn.execute(schema.leads.insert(), leads)
        store.bump_data_version(conn)
    kpi = Kpi(metric="leads", dimension="campaign_effectiveness", weight=100, base=2200, owner="p1")
    saved = plan_store.save_plan(engine, Plan(name="October", period="2026-10", prorate="working", kpis=(kpi,)))
    plan_store.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=D(2026, 10, 1))


def test_standup_board_uses_the_plans_working_days(duck_engine: sa.Engine) -> None:
    _working_plan(duck_engine)
    # the meeting on Sunday 11 October looks at Saturday 10 October, a make-up working day
    board = standup.build(duck_engine, D(2026, 10, 11))
    card = board.card("leads")
    assert card.prorate == "working" and board.card("cpl").prorate == "working"
    assert card.month_target == pytest.approx(2200)
    assert card.yesterday_target == pytest.approx(2200 / 18)  # one working day of 18
    assert card.wtd_target == pytest.approx(2200 * 3 / 18)  # Mon 5 .. Sat 10: 8, 9 and 10 October
    assert card.mtd == 3 and card.expected_to_date == pytest.approx(2200 * 3 / 18)
    assert card.projected == pytest.approx(3 / (3 / 18))  # 18 leads at this pace
    assert standup.board.workday_note(board.cards, board.windows) is None  # 2026 is known


def test_standup_without_a_plan_uses_the_setting(duck_engine: sa.Engine) -> None:
    _targets(duck_engine)
    w = standup.windows(D(2026, 10, 11))
    calendar = standup.board.prorating(duck_engine, w)
    assert calendar["leads"] == pacing.Spread("calendar")
    working = standup.board.prorating(duck_engine, w, Settings(default_prorate="working"))
    fresh = standup.freshness(duck_engine)
    cards = {c.metric: c for c in standup.cards(duck_engine, w, fresh, spreads=working)}
    assert cards["leads"].wtd_target == pytest.approx(2200 * 3 / 18)
    cards = {c.metric: c for c in standup.cards(duck_engine, w, fresh, spreads=calendar)}
    assert cards["leads"].wtd_target == pytest.approx(2200 * 6 / 31)
