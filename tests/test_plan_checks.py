"""Every plan check: a plan that trips it and one that passes; acknowledgement; the quarterly rationality review.

The clean plan below is sized to the hand-checked department of ``tests/plans_fixture.py`` (history
window May-October 2026 for a November plan: team leads 0, 0, 0, 0, 1, 3 -> average 0.67, recent
level 1.33; ch_a cost per lead 150 in October; p2 and p3 one lead in the recent months ...).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from kpi_engine.i18n import t
from kpi_engine.plans import checks, rationality, store, templates
from kpi_engine.plans.model import Kpi, Plan, replace_kpi
from tests.plans_fixture import seed

AS_OF = dt.date(2026, 11, 5)


def K(metric: str, scope: str, dim: str, weight: float, base: float | None, owner: str, **kw: object) -> Kpi:
    return Kpi(metric=metric, scope=scope, dimension=dim, weight=weight, base=base, owner=owner, **kw)  # type: ignore[arg-type]


CLEAN = Plan(name="Clean", period="2026-11", framework="directions", kpis=(
    K("leads", "team", "lead_generation", 35, 2, "p1", challenge=3),  # 0
    K("lead_to_mql", "team", "conversion_support", 30, 0.5, "p1", challenge=0.6),  # 1
    K("ugc_count", "team", "brand_awareness", 25, 45, "p1"),  # 2
    K("response_sla", "team", "conversion_support", 10, 0.85, "p1"),  # 3
    K("cpl", "channel:ch_a", "marketing_productivity", 40, 140, "p2", challenge=120),  # 4
    K("clicks", "channel:ch_a", "lead_generation", 30, 40, "p2"),  # 5
    K("leads", "person:p2", "lead_generation", 30, 1, "p2"),  # 6
    K("leads", "person:p3", "lead_generation", 40, 1, "p3"),  # 7
    K("followers", "channel:ch_b", "brand_awareness", 30, 1100, "p3"),  # 8
    K("lead_to_mql", "person:p3", "conversion_support", 30, 0.6, "p3"),  # 9
))


@pytest.fixture
def db(duck_engine: sa.Engine) -> sa.Engine:
    seed(duck_engine)
    return duck_engine


def codes(plan: Plan, engine: sa.Engine | None = None, **kw: object) -> set[str]:
    return checks.check_plan(plan, engine, as_of=AS_OF, **kw).codes()  # type: ignore[arg-type]


def with_kpis(plan: Plan, *kpis: Kpi) -> Plan:
    return dataclasses.replace(plan, kpis=tuple(kpis))


def test_the_clean_plan_passes_every_check_on_both_backends(engine: sa.Engine) -> None:
    seed(engine)
    report = checks.check_plan(CLEAN, engine, as_of=AS_OF)
    assert report.issues == (), [f"{i.key}: {i.message()}" for i in report.issues]
    assert report.ok and report.blocking == []


# --- errors -----------------------------------------------------------------------------------


def test_no_kpis() -> None:
    assert "no_kpis" in codes(dataclasses.replace(CLEAN, kpis=()))
    assert "no_kpis" not in codes(CLEAN)


@pytest.mark.parametrize("metric", ["leadz", "growth:leadz", "wow:leads"])
def test_unknown_metric(metric: str) -> None:
    report = checks.check_plan(replace_kpi(CLEAN, 0, metric=metric))
    assert [i.key for i in report.errors] == [f"unknown_metric:{metric}@team"]
    assert "unknown_metric" not in codes(replace_kpi(CLEAN, 0, metric="yoy:leads"))


def test_unknown_scope(db: sa.Engine) -> None:
    assert "unknown_scope" in codes(replace_kpi(CLEAN, 4, scope="galaxy"))  # not a scope at all
    assert "unknown_scope" in codes(replace_kpi(CLEAN, 4, scope="channel:nope"), db)
    assert "unknown_scope" in codes(replace_kpi(CLEAN, 0, scope="team:nope"), db)
    assert "unknown_scope" not in codes(replace_kpi(CLEAN, 0, scope="team:growth"), db)
    assert "unknown_scope" not in codes(replace_kpi(CLEAN, 4, scope="channel:nope"))  # without a database: syntax only


@pytest.mark.parametrize("change", [{"base": None}, {"base": 0}, {"floor": 1.5}, {"weight": -1}])
def test_target_invalid(change: dict[str, object]) -> None:
    assert "target_invalid" in codes(replace_kpi(CLEAN, 0, **change))
    assert "target_invalid" not in codes(replace_kpi(CLEAN, 0, floor=0.6))


def test_target_order_both_directions() -> None:
    assert "target_order" in codes(replace_kpi(CLEAN, 0, challenge=1))  # higher: challenge below base
    assert "target_order" in codes(replace_kpi(CLEAN, 4, challenge=160))  # lower: challenge above base
    assert "target_order" not in codes(replace_kpi(CLEAN, 4, challenge=100))
    assert "target_order" not in codes(replace_kpi(CLEAN, 0, challenge=2))  # equal is allowed (no interpolation)


def test_weights_total_per_card_and_the_appraisal_form() -> None:
    report = checks.check_plan(replace_kpi(CLEAN, 5, weight=20))
    assert [i.key for i in report.errors] == ["weights_total:p2"]
    assert "The weights of p2 add up to 90, not 100" in report.errors[0].message()
    appraisal = dataclasses.replace(templates.from_template("manager_example", "2026-Q3"))
    assert sum(k.weight for k in appraisal.kpis) == 83 and "weights_total" not in codes(appraisal)
    assert "weights_total" in codes(dataclasses.replace(appraisal, quantitative_share=0.8))


# --- warnings ---------------------------------------------------------------------------------


def test_dimension_unknown() -> None:
    assert "dimension_unknown" in codes(replace_kpi(CLEAN, 2, dimension="vibes"))
    assert "dimension_unknown" not in codes(CLEAN)


def test_dimension_ranges_of_the_framework_and_of_a_preset() -> None:
    dept = templates.from_template("department", "2026-11")
    assert "dimension_range" not in codes(dept)
    moved = replace_kpi(replace_kpi(dept, 0, weight=dept.kpis[0].weight - 8), 4, weight=dept.kpis[4].weight + 8)
    keys = {i.key for i in checks.check_plan(moved).issues if i.code == "dimension_range"}
    assert keys == {"dimension_range:market_insight", "dimension_range:campaign_effectiveness"}
    growth = templates.from_template("growth", "2026-11")  # customer growth 25%: outside 15-20 but the preset's
    assert "dimension_range" not in codes(growth)
    drifted = replace_kpi(replace_kpi(growth, 6, weight=growth.kpis[6].weight - 7), 2, weight=growth.kpis[2].weight + 7)
    assert "dimension_range" in codes(drifted)
    assert "dimension_range" not in codes(CLEAN)  # the four directions have no ranges


def test_core_count() -> None:
    two = CLEAN
    for i in (2, 3):
        two = replace_kpi(two, i, core=False)
    assert {i.key for i in checks.check_plan(two).issues if i.code == "core_count"} == {"core_count:team"}
    six = with_kpis(CLEAN, *CLEAN.kpis, K("sqls", "team", "conversion_support", 0, 1, "p1"),
                    K("wins", "team", "conversion_support", 0, 1, "p1"))
    assert "core_count" in codes(six)
    assert "core_count" not in codes(CLEAN)


def test_results_and_process_both_present() -> None:
    only_results = replace_kpi(CLEAN, 8, metric="mqls")
    report = checks.check_plan(only_results)
    issue = next(i for i in report.issues if i.code == "results_process")
    assert issue.key == "results_process:p3" and "no process indicator" in issue.message()
    assert "过程" in issue.message("zh")
    assert "results_process" not in codes(CLEAN)


def test_short_term_and_brand_balance_on_the_main_card() -> None:
    short = replace_kpi(replace_kpi(CLEAN, 0, weight=50), 2, weight=10)  # short 50 + 30 = 80%, brand 10%
    assert {"horizon_short", "horizon_brand"} <= codes(short)
    brandy = replace_kpi(replace_kpi(CLEAN, 2, weight=40), 1, weight=15)  # brand 40%, short 50%
    assert {"horizon_short", "horizon_brand"} <= codes(brandy)
    assert not {"horizon_short", "horizon_brand"} & codes(CLEAN)


def test_owners(db: sa.Engine) -> None:
    assert "owner_missing" in codes(replace_kpi(CLEAN, 0, owner=""))
    assert "owner_unknown" in codes(replace_kpi(CLEAN, 0, owner="zz"), db)
    report = checks.check_plan(replace_kpi(CLEAN, 4, owner="p3"), db, as_of=AS_OF)
    influence = [i for i in report.issues if i.code == "owner_influence"]
    assert [i.key for i in influence] == ["owner_influence:cpl@channel:ch_a"]
    # people by name, never by id: p3 is Cat; ch_a is run by p2 (Bob) and his manager p1 (Ann)
    assert "owner Cat does not run this scope (it is run by Ann, Bob)" in influence[0].message()
    assert "负责人 Cat 并不负责该范围（负责人为 Ann, Bob）" in influence[0].message("zh")
    assert not any(p in influence[0].message() for p in ("p1", "p2", "p3"))
    assert influence[0].message().startswith("Cost per lead @ A:")  # names, never "cpl @ channel:ch_a"
    assert influence[0].message("zh").startswith("单条线索成本 @ A") and "channel:" not in influence[0].message("zh")
    assert "owner_influence" not in codes(replace_kpi(CLEAN, 4, owner="p1"), db)  # p2's manager
    assert not {"owner_missing", "owner_unknown", "owner_influence"} & codes(CLEAN, db)


def test_data_source(db: sa.Engine, duck_engine: sa.Engine) -> None:
    assert "data_source" in codes(replace_kpi(CLEAN, 2, metric="brand_awareness", base=0.3), db)  # never reported
    assert "data_source" in codes(replace_kpi(CLEAN, 8, scope="channel:ch_a"), db)  # followers reported for ch_b only
    assert "data_source" in codes(replace_kpi(CLEAN, 3, metric="retention"), db)  # no customers at all
    assert "data_source" not in codes(CLEAN, db)


def test_vanity_only(db: sa.Engine) -> None:
    no_conversion = with_kpis(CLEAN, *(k for i, k in enumerate(CLEAN.kpis) if i not in (7, 9)))
    assert "vanity_only" in codes(no_conversion, db)
    assert "vanity_only" not in codes(CLEAN, db)  # ch_b's owner p3 has a lead KPI
    assert "vanity_only" in codes(CLEAN)  # without the database, the owner is unknown
    team = with_kpis(CLEAN, K("impressions", "team", "brand_awareness", 0, 1, "p1"), *CLEAN.kpis)
    assert "vanity_only" not in codes(team, db)  # the team has conversion KPIs
    vanity = next(i for i in checks.check_plan(no_conversion, db, as_of=AS_OF).issues if i.code == "vanity_only")
    assert vanity.message().startswith("B is measured by exposure only")  # the channel's name, never "channel:ch_b"
    assert "channel:" not in vanity.message("zh") and vanity.message("zh").startswith("B 只用曝光类指标")
    only_team = with_kpis(CLEAN, K("impressions", "team", "brand_awareness", 0, 1, "p1"))
    team_issue = next(i for i in checks.check_plan(only_team, db, as_of=AS_OF).issues if i.code == "vanity_only")
    assert team_issue.message("zh").startswith("团队只用曝光类指标") and team_issue.message().startswith("Team is")


def test_targets_against_history(db: sa.Engine) -> None:
    assert "target_far" in codes(replace_kpi(CLEAN, 0, base=10, challenge=12), db)  # > 3 × 0.67
    assert "target_easy" in codes(replace_kpi(CLEAN, 0, base=1, challenge=2), db)  # < recent 1.33
    assert "target_easy" in codes(replace_kpi(CLEAN, 4, base=200, challenge=150), db)  # lower: above recent 150
    assert "target_far" in codes(replace_kpi(CLEAN, 4, base=40, challenge=30), db)  # lower: below 150 / 3
    report = checks.check_plan(replace_kpi(CLEAN, 0, base=1, challenge=2), db, as_of=AS_OF)
    easy = next(i for i in report.issues if i.code == "target_easy")
    assert "recent level of 1.3" in easy.message() and "six-month average 0.7" in easy.message()  # kpi_engine.fmt
    assert not {"target_far", "target_easy"} & codes(CLEAN, db)


def test_cascade_coverage() -> None:
    short = replace_kpi(CLEAN, 7, base=0.5)
    issue = next(i for i in checks.check_plan(short).issues if i.code == "cascade_coverage")
    assert issue.key == "cascade_coverage:leads:person" and "add up to 1.5, 75.0% of the team's 2" in issue.message()
    assert "cascade_coverage" not in codes(CLEAN)


def test_continuity(db: sa.Engine) -> None:
    before = Plan(name="Oct", period="2026-10", framework="directions", kpis=(
        K("revenue", "team", "conversion_support", 50, 1, "p1"), K("wins", "team", "conversion_support", 50, 1, "p1"),
        K("leads", "team", "lead_generation", 0, 1, "p1")))
    assert "continuity" in codes(CLEAN, previous=before)  # one of three carried over
    assert "continuity" not in codes(dataclasses.replace(CLEAN, deliberate_change=True), previous=before)
    assert "continuity" not in codes(CLEAN, previous=dataclasses.replace(before, kpis=CLEAN.kpis[:3]))
    store.save_plan(db, before)  # found in the store: the latest earlier plan of the same grain
    assert "continuity" in codes(CLEAN, db)
    assert "continuity" not in codes(CLEAN, db, find_previous=False)


def test_guardrails_and_duplicates() -> None:
    guard = K("spend", "team", "marketing_productivity", 0, 500, "p1", guardrail=True, penalty=5)
    assert not {"guardrail_weight", "guardrail_penalty"} & codes(with_kpis(CLEAN, *CLEAN.kpis, guard))
    assert "guardrail_weight" in codes(with_kpis(CLEAN, *CLEAN.kpis, dataclasses.replace(guard, weight=5)))
    assert "guardrail_penalty" in codes(with_kpis(CLEAN, *CLEAN.kpis, dataclasses.replace(guard, penalty=0)))
    dup = with_kpis(CLEAN, *CLEAN.kpis, dataclasses.replace(CLEAN.kpis[0], weight=0))
    issue = next(i for i in checks.check_plan(dup).issues if i.code == "duplicate_kpi")
    assert issue.kpi == 10 and "first as KPI 1" in issue.message()
    assert "duplicate_kpi" not in codes(CLEAN)


# --- acknowledgement, messages --------------------------------------------------------------------


def test_warnings_can_be_acknowledged_errors_cannot() -> None:
    plan = replace_kpi(replace_kpi(CLEAN, 0, owner=""), 4, challenge=160)
    report = checks.check_plan(plan)
    assert [i.code for i in report.errors] == ["target_order"]
    assert {i.key for i in report.unacknowledged} == {"owner_missing:leads@team", "vanity_only:channel:ch_b"}
    acked = report.acknowledge(["owner_missing:leads@team", "vanity_only:channel:ch_b", "target_order:cpl@channel:ch_a"])
    assert acked.unacknowledged == [] and [i.code for i in acked.blocking] == ["target_order"]
    stored = checks.check_plan(dataclasses.replace(plan, acknowledged=("owner_missing:leads@team",)))
    assert [i.key for i in stored.unacknowledged] == ["vanity_only:channel:ch_b"]
    frame = report.to_frame("zh")
    assert frame["severity"].tolist()[0] == "error" and "挑战目标" in frame["message"].iloc[0]


CODES = ("no_kpis", "unknown_metric", "unknown_scope", "target_invalid", "target_order", "weights_total",
         "dimension_unknown", "dimension_range", "core_count", "results_process", "horizon_short", "horizon_brand",
         "owner_missing", "owner_unknown", "owner_influence", "data_source", "vanity_only", "target_far", "target_easy",
         "cascade_coverage", "continuity", "guardrail_weight", "guardrail_penalty", "duplicate_kpi",
         "review_unreachable", "review_trivial", "review_weights")


@pytest.mark.parametrize("code", CODES)
def test_every_check_has_a_message_and_a_fix_in_both_languages(code: str) -> None:
    for kind in ("check", "fix"):
        key = f"plans_{kind}_{code}"
        en, zh = t(key, "en"), t(key, "zh")
        assert en != key and zh != key and en != zh


# --- the quarterly rationality review ------------------------------------------------------------


def test_rationality_review_over_closed_periods(db: sa.Engine) -> None:
    plan = Plan(name="Nov", period="2026-11", framework="directions", kpis=(
        K("leads", "team", "lead_generation", 50, 10, "p1"),  # Sep 1, Oct 3 of 10: below the floor twice
        K("leads", "person:p3", "lead_generation", 25, 0.5, "p3"),  # 1 and 1 of 0.5: the cap twice
        K("leads", "person:p2", "lead_generation", 25, 1, "p2"),  # 0 then 2: neither
        K("lead_to_mql", "team", "conversion_support", 0, 0.1, "p1")))  # September 0 of 1, October 0.67: neither
    report = rationality.rationality_review(db, plan, as_of=AS_OF, n=2)
    assert [(i.code, i.kpi) for i in report.issues] == [("review_unreachable", 0), ("review_trivial", 1)]
    assert "2026-09 10.0%, 2026-10 30.0%" in report.issues[0].message()
    assert rationality.closed_periods("month", dt.date(2026, 11, 30), 2) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))]
    growth = templates.from_template("growth", "2026-11")
    assert "review_weights" not in rationality.rationality_review(db, growth, as_of=AS_OF, n=1).codes()
    drifted = replace_kpi(replace_kpi(growth, 6, weight=growth.kpis[6].weight - 7), 2, weight=growth.kpis[2].weight + 7)
    assert "review_weights" in rationality.rationality_review(db, drifted, as_of=AS_OF, n=1).codes()
