"""Monthly targets pro-rated by calendar days (hand-computed)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from kpi_engine import schema, store, targets

D = dt.date


def _seed(engine: sa.Engine) -> None:
    rows = [
        # leads: 3,100 in October (31 days), 900 in November (30 days)
        {"metric_id": "leads", "scope_type": "team", "scope_id": "", "period_start": D(2026, 10, 1), "base": 3100.0},
        {"metric_id": "leads", "scope_type": "team", "scope_id": "", "period_start": D(2026, 11, 1), "base": 900.0},
        # cpl (a ratio): 100 in October, 130 in November
        {"metric_id": "cpl", "scope_type": "team", "scope_id": "", "period_start": D(2026, 10, 1), "base": 100.0},
        {"metric_id": "cpl", "scope_type": "team", "scope_id": "", "period_start": D(2026, 11, 1), "base": 130.0},
        {"metric_id": "leads", "scope_type": "channel", "scope_id": "xhs", "period_start": D(2026, 10, 1), "base": 310.0},
    ]
    with store.transaction(engine) as conn:
        conn.execute(schema.targets.insert(), rows)


def test_additive_target_prorated_by_days(engine: sa.Engine) -> None:
    _seed(engine)
    # one day of October: 3100 / 31 = 100
    assert targets.target_value(engine, "leads", start=D(2026, 10, 5), end=D(2026, 10, 5)) == 100.0
    # ISO week Mon 2026-10-26 .. Sun 2026-11-01: 6 October days (6 x 100) + 1 November day (900 / 30 = 30) = 630
    assert abs(targets.target_value(engine, "leads", start=D(2026, 10, 26), end=D(2026, 11, 1)) - 630.0) < 1e-9
    # whole October: 3100
    assert targets.target_value(engine, "leads", start=D(2026, 10, 1), end=D(2026, 10, 31)) == 3100.0


def test_ratio_target_is_day_weighted_mean(engine: sa.Engine) -> None:
    _seed(engine)
    # a rate does not shrink with the period: (6 x 100 + 1 x 130) / 7 = 104.2857...
    value = targets.target_value(engine, "cpl", start=D(2026, 10, 26), end=D(2026, 11, 1))
    assert abs(value - 730 / 7) < 1e-9
    assert targets.target_value(engine, "cpl", start=D(2026, 10, 3), end=D(2026, 10, 9)) == 100.0


def test_missing_days_give_no_target(engine: sa.Engine) -> None:
    _seed(engine)
    # December has no target: a range reaching into it has none, rather than a partial number
    assert targets.target_value(engine, "leads", start=D(2026, 11, 30), end=D(2026, 12, 1)) is None
    assert targets.target_value(engine, "wins", start=D(2026, 10, 1), end=D(2026, 10, 31)) is None


def test_scoped_targets(engine: sa.Engine) -> None:
    _seed(engine)
    table = targets.targets_for(engine, ["leads"], start=D(2026, 10, 1), end=D(2026, 10, 10), scope_type="channel")
    assert table.to_dict("records") == [{"scope_id": "xhs", "metric_id": "leads", "target": 100.0}]
