"""The Standup's pacing board (kpi_engine.standup.pace_board) on a real demo store, checked against plain SQL counts.

The demo runs to Sun 2026-11-22 with 14 months of history (last November included) and the example team plan
active for October and November 2026. A meeting on 2026-11-23 counts 22 days of November's 30.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
import sqlalchemy as sa

from kpi_engine import demo, schema, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.plans import store as plan_store
from kpi_engine.standup import METRICS, pace_board

END = dt.date(2026, 11, 22)
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("pace")
    plain = f"duckdb:///{base / 'plain.duckdb'}"
    demo.generate(store.get_engine(plain), months=14, seed=7, end=END)
    store.dispose_engine(plain)
    planned = f"duckdb:///{base / 'planned.duckdb'}"
    (base / "planned.duckdb").write_bytes((base / "plain.duckdb").read_bytes())
    activate_demo_plans(store.get_engine(planned), END)
    yield store.get_engine(plain), store.get_engine(planned)
    store.dispose_engine(plain)
    store.dispose_engine(planned)


def _leads(engine, start: dt.date, end: dt.date) -> int:
    c = schema.leads.c.created_at
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).where(
            c >= dt.datetime.combine(start, dt.time()), c < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        )).scalar_one())


def test_every_team_kpi_of_the_active_plan_is_one_row(engines) -> None:
    _, planned = engines
    board = pace_board.build(planned, AS_OF)
    assert board.from_plan and board.plan_name == "Team plan 2026-11" and board.period == "2026-11"
    assert (board.elapsed_days, board.total_days) == (22, 30)
    assert board.previous == (dt.date(2026, 10, 1), dt.date(2026, 10, 22))
    assert board.last_year == (dt.date(2025, 11, 1), dt.date(2025, 11, 22))
    assert [r.metric for r in board.rows] == ["leads", "lead_to_sql", "high_value_share", "lead_to_customer", "aov_new",
                                              "yoy:brand_search_volume", "ugc_count"]
    assert all(r.owner == "王志强" for r in board.rows)  # the owner's name, never the person id
    assert all(r.name_en and r.name_zh and r.name_en != r.metric for r in board.rows if ":" not in r.metric)


def test_leads_row_agrees_with_plain_counts(engines) -> None:
    _, planned = engines
    leads = pace_board.build(planned, AS_OF).rows[0]
    actual = _leads(planned, dt.date(2026, 11, 1), END)
    previous = _leads(planned, dt.date(2026, 10, 1), dt.date(2026, 10, 22))
    last_year = _leads(planned, dt.date(2025, 11, 1), dt.date(2025, 11, 22))
    assert leads.actual == actual and leads.previous == previous and leads.last_year == last_year
    assert leads.target == 1000 and math.isclose(leads.target_to_date, 1000 * 22 / 30)  # calendar days
    assert math.isclose(leads.projected, actual * 30 / 22)
    assert math.isclose(leads.pace, actual * 30 / 22 / 1000)
    assert leads.status == ("on_track" if leads.pace >= 1 else "at_risk" if leads.pace >= 0.5 else "off_track")
    assert math.isclose(leads.progress, actual / (1000 * 22 / 30))
    assert math.isclose(leads.vs_previous, actual / previous - 1)
    assert math.isclose(leads.vs_last_year, actual / last_year - 1)


def test_a_rate_keeps_its_target_and_changes_in_points(engines) -> None:
    _, planned = engines
    rate = next(r for r in pace_board.build(planned, AS_OF).rows if r.metric == "lead_to_sql")
    assert rate.unit == "ratio" and rate.target_to_date == rate.target == 0.12
    assert rate.projected == rate.actual  # a rate is not projected from a run rate
    assert math.isclose(rate.vs_previous, rate.actual - rate.previous)


def test_without_a_plan_the_board_follows_the_stored_team_targets(engines) -> None:
    plain, _ = engines
    board = pace_board.build(plain, AS_OF)
    assert not board.from_plan and board.period == "2026-11"
    assert [r.metric for r in board.rows] == list(METRICS)
    spend = next(r for r in board.rows if r.metric == "spend")
    assert spend.budget and spend.status in ("underspending", "at_risk", "on_track", "overspending")


def test_before_the_period_starts_nothing_is_paced(engines) -> None:
    _, planned = engines
    november = plan_store.load_plan(planned, "2026-11-team-plan", "active")
    board = pace_board.build(planned, dt.date(2026, 10, 20), plan=november)  # data through 19 Oct
    assert board.through is None and board.elapsed_days == 0 and board.previous is None
    assert all(r.actual is None and r.pace is None and r.progress is None for r in board.rows)


def test_each_row_carries_the_forecast_of_its_kpi(engines) -> None:
    """Issue 16.1: a row's forecast and 80% band are forecast.py's for the same KPI, period and data day."""
    from kpi_engine.analytics import forecast as fc

    _, planned = engines
    board = pace_board.build(planned, AS_OF)
    for metric in ("leads", "lead_to_sql"):
        row = next(r for r in board.rows if r.metric == metric)
        expected = fc.forecast_metric(planned, metric, start=board.start, end=board.end, as_of=board.through)
        assert expected.low is not None and expected.high is not None
        assert (row.forecast, row.forecast_low, row.forecast_high) == pytest.approx(
            (expected.projected, expected.low, expected.high), rel=1e-12)
        assert row.forecast_low <= row.forecast <= row.forecast_high
    growth = next(r for r in board.rows if r.metric.startswith("yoy:"))
    assert growth.forecast is None and growth.forecast_low is None  # a growth rate is not projected


def test_a_kpi_without_history_has_no_forecast_never_zero(engines) -> None:
    """The demo's first month from its first days: no earlier days to learn a band from, so no value (not 0)."""
    from kpi_engine.plans.model import Kpi, Plan

    plain, _ = engines
    with plain.connect() as conn:
        first = conn.execute(sa.select(sa.func.min(schema.leads.c.created_at))).scalar_one().date()
    plan = Plan(name="early", period=first.strftime("%Y-%m"), kpis=(Kpi(metric="leads", base=100),))
    board = pace_board.build(plain, first + dt.timedelta(days=4), plan=plan)
    row = board.rows[0]
    assert board.through is not None and row.actual
    assert row.forecast is None and row.forecast_low is None and row.forecast_high is None
