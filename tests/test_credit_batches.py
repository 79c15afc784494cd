"""The credit rollup built in batches of days (kpi_engine.rollups.credit.BATCH_LEADS, forced small here) holds the
same rows as one statement over every lead, for a full build and for a refill of many days (DuckDB and PostgreSQL).

Not a timing test: the point of batches is memory (each statement's window sort sees a slice of the touches).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine.rollups import credit
from tests.test_attribution_rollup import assert_rollup_equals_facts, demo_store  # noqa: F401 (a fixture)


def _inserts(engine: Engine) -> list[str]:
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "INSERT INTO rollup_credit" in statement:
            seen.append(statement)

    return seen


def _force_small(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(credit, "BATCH_LEADS", {"duckdb": size, "postgresql": size})
    monkeypatch.setattr(credit, "BATCH_MIN_DAYS", 2)


def test_batches_cut_days_at_the_size() -> None:
    d = [dt.date(2026, 1, i) for i in range(1, 7)]
    per_day = {d[0]: 3, d[1]: 4, d[2]: 10, d[3]: 1, d[5]: 2}  # d[4] has none
    assert credit._batches(per_day, 7) == [(d[0], d[1]), (d[2], d[2]), (d[3], d[5])]
    assert credit._batches(per_day, 100) == [(d[0], d[5])]
    assert credit._batches({}, 5) == []


def test_a_batched_full_build_equals_the_facts(demo_store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = demo_store
    with engine.connect() as conn:
        leads = int(conn.execute(sa.text("SELECT count(*) FROM leads")).scalar() or 0)
    _force_small(monkeypatch, max(leads // 20, 1))
    inserts = _inserts(engine)
    with engine.begin() as conn:
        credit.rebuild(conn)
    assert len(inserts) > 20, len(inserts)  # creation days and win days in many batches
    assert_rollup_equals_facts(engine)  # row for row what one statement over every lead gives


def test_a_batched_refill_of_many_days_equals_the_facts(demo_store: Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = demo_store
    with engine.connect() as conn:
        created = sorted({credit._as_date(d) for (d,) in conn.execute(sa.text(
            "SELECT DISTINCT CAST(created_at AS DATE) FROM leads"))})
        won = sorted({credit._as_date(d) for (d,) in conn.execute(sa.text(
            "SELECT DISTINCT CAST(won_at AS DATE) FROM leads WHERE won_at IS NOT NULL"))})
        leads = int(conn.execute(sa.text("SELECT count(*) FROM leads")).scalar() or 0)
    _force_small(monkeypatch, max(leads // 10, 1))
    inserts = _inserts(engine)
    with engine.begin() as conn:  # every other day of each event, and days without any lead
        asked_created = created[::2] + [dt.date(2020, 1, 1)]
        asked_won = won[1::2] + [dt.date(2020, 1, 2)]
        credit._refill(conn, sorted(asked_created), sorted(asked_won))
    assert len(inserts) > 5, len(inserts)
    assert_rollup_equals_facts(engine)
