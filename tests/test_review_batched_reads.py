"""The Reviews page's batched reads give the numbers the one-question-per-query reads gave.

- :func:`query.with_facts_in` asks every (metric, range) "any fact here?" in one statement; each answer equals the
  one :func:`query.data_bounds` gives asked alone.
- :func:`monthly.team_values` (the movers' department totals for the month, the month before and last year) equals
  the per-range computation it replaced (``data_bounds`` of all the metrics, then ``compute`` for that range).
- While a page run keeps the file open, :func:`query.compute` reads a repeated question once and hands out copies;
  a write in between is seen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from kpi_engine import demo, schema, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.metrics import query
from kpi_engine.reviews import monthly, offtrack

END = dt.date(2026, 11, 20)
MONTH = (dt.date(2026, 11, 1), END)
RANGES = [MONTH, *monthly.comparison_ranges(*MONTH, dt.date(2026, 11, 30)).values(),
          (dt.date(2030, 1, 1), dt.date(2030, 1, 31)),  # nothing at all
          (dt.date(2026, 11, 20), dt.date(2026, 11, 20))]  # one day


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    demo.generate(engine, months=13, scale=0.3, end=END)
    activate_demo_plans(engine, END)
    return engine


def _metrics(engine: Engine) -> list[str]:
    plan = offtrack.active_plan(engine, MONTH[0])
    assert plan is not None
    return [*monthly.mover_metrics(plan), "nps", "ltv", "response_hours"]


def test_batched_fact_checks_equal_one_question_each(demo_engine: Engine) -> None:
    metrics = _metrics(demo_engine)
    batched = query.with_facts_in(demo_engine, metrics, RANGES)
    one_by_one = [frozenset(m for m in metrics if query.data_bounds(demo_engine, [m], start=s, end=e) is not None)
                  for s, e in RANGES]
    assert batched == one_by_one
    assert batched[0] and batched[1] and batched[2] and not batched[3]  # the demo has data a year back
    assert [query.with_facts(demo_engine, metrics, start=s, end=e) for s, e in RANGES] == one_by_one


def _old_team_values(engine: Engine, metrics: list[str], start: dt.date, end: dt.date) -> dict[str, float]:
    """What the movers read before: one "any fact?" query and one compute per range."""
    if not metrics or query.data_bounds(engine, metrics, start=start, end=end) is None:
        return {}
    frame = query.compute(engine, metrics, start=start, end=end)
    return {m: float(frame[m].iloc[0]) for m in metrics if pd.notna(frame[m].iloc[0])}


def test_movers_department_totals_equal_the_per_range_ones(demo_engine: Engine) -> None:
    metrics = _metrics(demo_engine)
    with store.kept_open(demo_engine):  # as on the page: the batched answers are memoised
        batched = monthly.team_values(demo_engine, metrics, RANGES)
    old = [_old_team_values(demo_engine, metrics, s, e) for s, e in RANGES]
    assert batched == old  # exactly: the same statements per range, only the fact checks batched
    assert batched[0]["leads"] > 0 and batched[3] == {}


def test_a_page_run_reads_a_repeated_question_once_and_hands_out_copies(demo_engine: Engine) -> None:
    with store.kept_open(demo_engine):
        first = query.compute(demo_engine, ["leads", "spend"], by="channel", start=MONTH[0], end=MONTH[1])
        expected = first.copy()
        first.loc[:, "leads"] = -1  # a caller changing its frame changes nobody else's
        again = query.compute(demo_engine, ["leads", "spend"], by="channel", start=MONTH[0], end=MONTH[1])
        pd.testing.assert_frame_equal(again, expected)
        with store.transaction(demo_engine) as conn:  # a write in this process: read again
            conn.execute(schema.leads.insert(), [{"lead_id": "X1", "created_at": dt.datetime(2026, 11, 2, 9),
                                                  "channel_id": expected["channel_id"].iloc[0]}])
            store.bump_data_version(conn)
        after = query.compute(demo_engine, ["leads"], start=MONTH[0], end=MONTH[1])
    assert after["leads"].iloc[0] == expected["leads"].sum() + 1
