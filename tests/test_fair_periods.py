"""Issue 10, the parts test_score_fairness.py left open, on the hand-checkable plans fixture (tests/plans_fixture.py).

- point 2: the weekly review's series and the gap breakdown's prefetch judge "facts exist" per metric, so the
  order of the KPIs (or of the metrics prefetched) never changes a number;
- point 6: a running period's growth KPI compares the same number of elapsed days of the previous period;
- point 7: a running plan with working-day pro-rating is scored against its target pro-rated by Chinese working
  days (holidays off, make-up days on), not by calendar days.

Facts used (see the fixture): leads L0 12 Sep, L1 3 Oct, L2 10 Oct, L3 15 Oct; one win, L1, on 20 October.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi_engine.plans import evaluate, yamlio
from kpi_engine.plans.model import Kpi
from kpi_engine.reviews import gap, weekly
from tests.plans_fixture import PLAN_YAML, seed

D = dt.date


@pytest.fixture
def seeded(duck_engine: sa.Engine) -> sa.Engine:
    seed(duck_engine)
    return duck_engine


def _series(got: dict[tuple[int, dt.date], float], position: int) -> dict[dt.date, float]:
    return {week: v for (i, week), v in got.items() if i == position}


def test_weekly_series_judge_facts_per_metric_in_any_order(seeded: sa.Engine) -> None:
    # weeks of 28 Sep, 5 Oct and 12 Oct: one lead each (3, 10 and 15 October) and no win (the win is on the 20th)
    leads, wins = Kpi(metric="leads", scope="team", base=4), Kpi(metric="wins", scope="team", base=1)
    first, last = D(2026, 9, 28), D(2026, 10, 18)
    one = weekly.kpi_series(seeded, [leads, wins], first, last)
    other = weekly.kpi_series(seeded, [wins, leads], first, last)
    expected = {D(2026, 9, 28): 1.0, D(2026, 10, 5): 1.0, D(2026, 10, 12): 1.0}
    assert _series(one, 0) == _series(other, 1) == expected
    # no win in these weeks: no value, not 0 (a table-level cache once gave wins the weeks of leads)
    assert _series(one, 1) == _series(other, 0) == {}


@pytest.mark.parametrize("order", [["wins", "leads"], ["leads", "wins"]])
def test_gap_prefetch_judges_facts_per_metric_in_any_order(seeded: sa.Engine, order: list[str]) -> None:
    # 1..10 October against 1..10 September: leads 2 (both on ch_a) against 0; no win in either range
    now, before = (D(2026, 10, 1), D(2026, 10, 10)), (D(2026, 9, 1), D(2026, 9, 10))
    cache = gap.prefetch(seeded, order, "channel", [now, before])
    for metric in order:
        cached = gap.explain_range(seeded, metric, *now, *before, cache=cache)
        fresh = gap.explain_range(seeded, metric, *now, *before)
        assert cached.total == fresh.total
        pd.testing.assert_frame_equal(cached.rows, fresh.rows)
    leads = gap.explain_range(seeded, "leads", *now, *before, cache=cache)
    assert leads.total["actual"] == 2
    assert gap.explain_range(seeded, "wins", *now, *before, cache=cache).total["actual"] is None


GROWTH_YAML = PLAN_YAML.split("kpis:")[0] + """kpis:
  - {metric: growth:leads, scope: team, dimension: campaign_effectiveness, weight: 50, base: 0.5, owner: p1}
  - {metric: leads, scope: team, dimension: campaign_effectiveness, weight: 50, base: 18, owner: p1}
"""


def test_a_running_growth_kpi_compares_the_same_elapsed_days(seeded: sa.Engine) -> None:
    plan = yamlio.plan_from_yaml(GROWTH_YAML)
    # morning of 12 October: 1..11 October (L1, L2: 2 leads) against 1..11 September (none; L0 came on the 12th):
    # growth from zero has no value. Against all of September (1 lead) it would have read +100%.
    early = evaluate.score_plan(seeded, plan, as_of=D(2026, 10, 12)).main.kpis[0]
    assert (early.this, early.previous, early.actual) == (2, 0, None) and early.score.score is None
    # morning of 13 October: 1..12 October (2) against 1..12 September (L0: 1): +100%
    later = evaluate.score_plan(seeded, plan, as_of=D(2026, 10, 13)).main.kpis[0]
    assert (later.this, later.previous, later.actual) == (2, 1, pytest.approx(1.0))
    # the closed month: October's 3 leads against September's 1: +200%
    closed = evaluate.score_plan(seeded, plan, as_of=D(2026, 11, 1)).main.kpis[0]
    assert (closed.this, closed.previous, closed.actual) == (3, 1, pytest.approx(2.0))


def test_a_running_plan_on_working_days_is_scored_against_working_days_so_far(seeded: sa.Engine) -> None:
    base = yamlio.plan_from_yaml(GROWTH_YAML)
    plan = dataclasses.replace(base, prorate="working", kpis=base.kpis[1:])
    calendar = dataclasses.replace(base, prorate="calendar", kpis=base.kpis[1:])
    morning = D(2026, 10, 11)  # data through the 10th: 2 leads (3 and 10 October)
    # October 2026 has 18 working days; 1..10 October has 3 (8, 9 and the make-up Saturday 10 October)
    worked = evaluate.score_plan(seeded, plan, as_of=morning).main.kpis[0]
    assert worked.method == "working" and worked.elapsed == pytest.approx(3 / 18)
    assert worked.target == pytest.approx(3.0) and worked.score.score == pytest.approx(100 * 2 / 3)
    # by calendar days the target so far is 18 x 10 / 31 = 5.81 and 2 leads are below the floor (34%): 0 points
    by_days = evaluate.score_plan(seeded, calendar, as_of=morning).main.kpis[0]
    assert by_days.target == pytest.approx(18 * 10 / 31) and by_days.score.score == 0
