"""Scores you can stake a bonus on (issue 10, points 2, 5, 6 and 8), on the hand-checkable plans fixture.

- the order of a plan's KPIs never changes a score (facts-exist is judged per metric, on its own event dates);
- one clock and one as-of rule: the CLI and the engine give the same score on the same morning;
- a running period is provisional, a closed period is never "at risk", growth has one written rule;
- a card whose measured KPIs carry less than the minimum weight is not graded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_engine import clock, pacing
from kpi_engine.metrics.growth import compute_growth
from kpi_engine.plans import evaluate, yamlio
from kpi_engine.plans import store as plan_store
from kpi_engine.plans.catalog import growth_score_value
from kpi_engine.plans.model import Kpi, Plan
from kpi_engine.scoring import Entry, Rules, totals
from kpi_engine.settings import Settings
from tests.plans_fixture import PLAN_YAML, seed

ROOT = Path(__file__).resolve().parent.parent

# Wins count by won_at (one win, on 20 October), leads by created_at: on the morning of 11 October there are
# leads but no win yet. Today's main cached "facts exist" per table, so a `wins` KPI first made `leads` unmeasurable.
ORDER_YAML = """\
name: Order plan
period: 2026-10
framework: department
base_bonus: 1000
kpis:
  - {metric: wins, scope: team, dimension: campaign_effectiveness, weight: 20, base: 1, owner: p1}
  - {metric: leads, scope: team, dimension: campaign_effectiveness, weight: 30, base: 4, owner: p1}
  - {metric: revenue, scope: team, dimension: customer_growth, weight: 10, base: 3000, owner: p1}
  - {metric: mqls, scope: team, dimension: customer_growth, weight: 20, base: 2, owner: p1}
  - {metric: spend, scope: team, dimension: campaign_effectiveness, weight: 20, base: 500, owner: p1}
"""


@pytest.fixture
def seeded(duck_engine: sa.Engine) -> sa.Engine:
    seed(duck_engine)
    return duck_engine


def _by_kpi(score: evaluate.PlanScore) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    return {(r.kpi.metric, r.kpi.scope): (r.actual, r.score.score) for c in score.cards for r in c.kpis}


def _with_order(plan: Plan, order: list[int]) -> Plan:
    return dataclasses.replace(plan, kpis=tuple(plan.kpis[i] for i in order))


def test_a_kpi_with_facts_stays_measurable_whatever_comes_before_it(seeded: sa.Engine) -> None:
    plan = yamlio.plan_from_yaml(ORDER_YAML)
    morning = dt.date(2026, 10, 11)  # data through the 10th: leads L1, L2; no win before the 20th
    got = _by_kpi(evaluate.score_plan(seeded, plan, as_of=morning))
    assert got[("wins", "team")][0] is None and got[("revenue", "team")][0] is None
    assert got[("leads", "team")][0] == 2 and got[("mqls", "team")][0] == 1 and got[("spend", "team")][0] == 400


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(7)), morning=st.sampled_from([dt.date(2026, 10, 11), dt.date(2026, 10, 21),
                                                                dt.date(2026, 11, 2)]))
def test_any_permutation_of_a_plans_kpis_gives_identical_scores_grade_and_bonus(seeded: sa.Engine, order: list[int],
                                                                                 morning: dt.date) -> None:
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    plan = dataclasses.replace(plan, kpis=(*plan.kpis[:2], Kpi(metric="wins", scope="team", base=1, weight=10,
                                                                dimension="customer_growth", owner="p1"),
                                           *plan.kpis[2:6]))
    reference = evaluate.score_plan(seeded, plan, as_of=morning)
    shuffled = evaluate.score_plan(seeded, _with_order(plan, order), as_of=morning)
    assert _by_kpi(shuffled) == _by_kpi(reference)
    for card in reference.cards:
        a, b = card.totals, shuffled.card(card.card).totals
        assert (a.weighted, a.final, a.grade, a.bonus, a.status) == pytest.approx((b.weighted, b.final, b.grade,
                                                                                   b.bonus, b.status))


def test_business_today_is_the_date_in_the_business_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.TODAY_ENV, raising=False)
    from zoneinfo import ZoneInfo

    for zone in ("Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati"):
        s = Settings(timezone=zone)
        before = dt.datetime.now(ZoneInfo(zone)).date()
        got = clock.business_today(s)
        after = dt.datetime.now(ZoneInfo(zone)).date()
        assert got in (before, after)
    # At a pinned instant the server's own zone plays no part: 11:00 UTC is already the next day
    # in Kiritimati (UTC+14), still the same day in Los Angeles (UTC-8) and Shanghai (UTC+8).
    # (Kiritimati and Los Angeles share a date from 08:00 to 10:00 UTC, so the live clock can't show this.)
    instant = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)

    class _Pinned(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return instant.astimezone(tz)

    with monkeypatch.context() as m:
        m.setattr(clock, "dt", types.SimpleNamespace(datetime=_Pinned))
        assert clock.business_today(Settings(timezone="Pacific/Kiritimati")) == dt.date(2026, 12, 8)
        assert clock.business_today(Settings(timezone="America/Los_Angeles")) == dt.date(2026, 12, 7)
        assert clock.business_today(Settings(timezone="Asia/Shanghai")) == dt.date(2026, 12, 7)
    with pytest.raises(ValueError, match="timezone"):
        clock.business_today(Settings(timezone="Mars/Olympus"))
    monkeypatch.setenv(clock.TODAY_ENV, "2026-10-11")
    assert clock.business_today() == dt.date(2026, 10, 11) and clock.data_through() == dt.date(2026, 10, 10)


def test_the_cli_and_the_engine_give_the_same_score_on_the_same_morning(tmp_path: Path) -> None:
    from kpi_engine import store

    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    saved = plan_store.save_plan(engine, yamlio.plan_from_yaml(PLAN_YAML))
    plan_store.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 10, 1))
    expected = evaluate.score_plan(engine, plan_store.load_plan(engine, saved.plan_id, "active"),
                                   as_of=dt.date(2026, 10, 16)).card("p2").totals
    store.dispose_engine(url)
    env = {**os.environ, clock.TODAY_ENV: "2026-10-16"}  # the CLI's default morning is "today"
    for extra in ([], ["--as-of", "2026-10-16"]):
        out = subprocess.run([sys.executable, "-m", "kpi_engine", "scorecard", saved.plan_id, "--card", "p2",
                              "--format", "json", "--db", url, *extra], capture_output=True, text=True, cwd=ROOT,
                             env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert doc["data_to"] == "2026-10-15" and doc["status"] == "provisional"
        assert doc["final_score"] == pytest.approx(expected.final) and doc["grade"] is None


def test_a_closed_period_is_never_at_risk() -> None:
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    running = pacing.pace(30, 100, october, dt.date(2026, 10, 15))
    assert running.status == "at_risk"  # 30 in 15 of 31 days projects 62 of 100
    closed = pacing.pace(60, 100, october, dt.date(2026, 10, 31))  # 60% of the target, but the month is over
    assert closed.status == "missed" and pacing.pace(100, 100, october, dt.date(2026, 11, 3)).status == "achieved"


def test_growth_rule_zero_and_negative_bases_and_lower_is_better(seeded: sa.Engine) -> None:
    # team leads: September 1, October 3 -> +200%; spend September 200, October 400 -> +100%
    g = compute_growth(seeded, "leads", kind="pop", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    assert g["growth"].iloc[0] == pytest.approx(2.0)
    nothing_before = compute_growth(seeded, "leads", kind="pop", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    assert nothing_before["previous"].iloc[0] == 0 and nothing_before["growth"].isna().all()  # from zero: no value
    roi = compute_growth(seeded, "roi", kind="pop", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    assert roi["previous"].iloc[0] < 0 and roi["growth"].isna().all()  # from a loss (ROI -100%): no value
    # a lower-is-better metric: its growth KPI scores the reduction, better higher
    assert growth_score_value("cpl", 0.25) == -0.25 and growth_score_value("leads", 0.25) == 0.25
    assert growth_score_value("cpl", None) is None
    plan = yamlio.plan_from_yaml(PLAN_YAML.split("kpis:")[0] + "kpis:\n"
                                 "  - {metric: growth:spend, scope: team, dimension: campaign_effectiveness, "
                                 "weight: 100, base: 0.1, owner: p1}\n")
    r = evaluate.score_plan(seeded, plan, as_of=dt.date(2026, 11, 1)).main.kpis[0]
    # spend doubled: a reduction of -100% against a target of cutting it by 10%: below the floor, 0 points
    assert r.actual == pytest.approx(-1.0) and r.direction == "higher" and r.score.score == 0
    assert r.name("en") == "Marketing spend reduction (period over period)" and "降幅" in r.name("zh")
    assert "scores the reduction" in r.explain("en")


def test_a_card_without_enough_measured_weight_is_not_graded() -> None:
    rules = Rules()  # minimum measured weight 60%
    entries = [Entry("a", 50, 110.0), Entry("b", 50, None)]  # half the weight measurable
    tot = totals(entries, qualitative=None, base_bonus=1000, rules=rules)
    assert tot.final == pytest.approx(110.0) and tot.measured_share == pytest.approx(0.5)
    assert (tot.status, tot.grade, tot.bonus) == ("insufficient", None, None)
    assert any("Not enough data to grade" in line and "50.0%" in line for line in tot.explain("en"))
    enough = totals([Entry("a", 60, 110.0), Entry("b", 40, None)], qualitative=None, base_bonus=1000, rules=rules)
    assert (enough.status, enough.grade, enough.bonus) == ("final", "S", pytest.approx(1500.0))
    strict = totals([Entry("a", 60, 110.0), Entry("b", 40, None)], qualitative=None, base_bonus=1000,
                    rules=dataclasses.replace(rules, min_measured_weight=0.9))
    assert strict.status == "insufficient" and strict.grade is None
    running = totals([Entry("a", 100, 95.0)], qualitative=None, base_bonus=1000, rules=rules, provisional=True,
                     closes="2026-10-31")
    assert (running.status, running.grade, running.bonus, running.final) == ("provisional", None, None, 95.0)


def test_the_minimum_measured_weight_reaches_the_plan_score(seeded: sa.Engine) -> None:
    # Bob (p2) on 1 November: CPL (40) and leads (40) measured, followers (20) not: 80% measured -> graded A
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    graded = evaluate.score_plan(seeded, plan, as_of=dt.date(2026, 11, 1)).card("p2").totals
    assert graded.measured_share == pytest.approx(0.8) and graded.grade == "A"
    strict = evaluate.score_plan(seeded, plan, as_of=dt.date(2026, 11, 1),
                                 settings=Settings(min_measured_weight=0.85)).card("p2").totals
    assert (strict.status, strict.grade, strict.bonus) == ("insufficient", None, None)
