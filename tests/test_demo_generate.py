"""Generating the demo: deterministic per seed, scaled, on every backend, atomic, with progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, demo, schema, store
from kpi_engine.demo import load
from kpi_engine.i18n import catalog
from tests.test_demo import END, VIOLATIONS, scalar, violations


def table_hashes(engine: Engine) -> dict[str, str]:
    out = {}
    with engine.connect() as conn:
        for name, table in schema.UPLOAD_TABLES.items():
            keys = [table.c[k] for k in schema.key_columns(table)]
            rows = conn.execute(sa.select(table).order_by(*keys)).all()
            out[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def test_build_is_deterministic_and_seed_matters() -> None:
    a = demo.build(end=END, months=4, seed=11, scale=0.5)
    b = demo.build(end=END, months=4, seed=11, scale=0.5)
    c = demo.build(end=END, months=4, seed=12, scale=0.5)
    assert all(a.tables[n].equals(b.tables[n]) for n in a.tables)
    assert not a.tables["leads"].equals(c.tables["leads"]) and not a.tables["spend"].equals(c.tables["spend"])
    assert a.tables["people"].equals(c.tables["people"])  # the cast is fixed


def test_default_end_is_yesterday_in_the_business_time_zone() -> None:
    """The Standup's yesterday is the business day's (Asia/Shanghai by default), not the server's: evenings in UTC
    are already tomorrow in Shanghai, and a demo ending on the server's yesterday would leave the Standup empty."""
    data = demo.build(months=1, scale=0.2)
    assert data.calendar.end == clock.business_today() - dt.timedelta(days=1) == demo.default_end()


def test_scale_multiplies_volume() -> None:
    t0 = time.perf_counter()
    small = demo.build(end=END, months=6, scale=1.0)
    big = demo.build(end=END, months=6, scale=4.0)
    assert time.perf_counter() - t0 < 30  # loose: vectorised, no loop per row
    ratio = big.tables["leads"].num_rows / small.tables["leads"].num_rows
    assert 3.6 <= ratio <= 4.4
    spend = big.tables["spend"]["cost"].to_numpy().sum() / small.tables["spend"]["cost"].to_numpy().sum()
    assert 3.6 <= spend <= 4.4
    assert big.tables["spend"].num_rows > small.tables["spend"].num_rows  # more ads at a larger scale
    expected = demo.expected_leads(end=END, months=6)
    assert abs(small.tables["leads"].num_rows - expected) < 0.05 * expected
    assert demo.scale_for_leads(round(expected * 3), end=END, months=6) == pytest.approx(3.0, rel=1e-3)


def test_generate_on_every_backend(engine: Engine) -> None:
    before = store.data_version(engine)
    with store.transaction(engine) as conn:  # an old upload's audit must not survive: its rows are gone
        conn.execute(schema.uploads.insert().values(upload_id=1, file_name="x.csv", sha256="0", table_name="leads",
                                                    rows_read=1, inserted=1, updated=0, rejected=0, on_error="abort",
                                                    uploaded_at=dt.datetime(2026, 9, 1)))
        conn.execute(schema.UNDO_TABLES["leads"].insert().values(upload_id=1, action="insert", lead_id="OLD"))
        conn.execute(schema.leads.insert().values(lead_id="OLD", created_at=dt.datetime(2026, 9, 1), channel_id="x"))
    first = demo.generate(engine, months=3, seed=5, scale=0.3, end=END)
    assert store.data_version(engine) != before
    counts = store.table_counts(engine)
    assert counts == first.counts and counts["leads"] > 500
    assert violations(engine, END) == dict.fromkeys(VIOLATIONS, 0)
    assert scalar(engine, "SELECT COUNT(*) FROM uploads") == 0
    assert scalar(engine, "SELECT COUNT(*) FROM leads__undo") == 0
    assert scalar(engine, "SELECT COUNT(*) FROM leads WHERE lead_id = 'OLD'") == 0
    hashes = table_hashes(engine)
    again = demo.generate(engine, months=3, seed=5, scale=0.3, end=END)  # replaces, never duplicates
    assert again.counts == first.counts and table_hashes(engine) == hashes
    other = demo.generate(engine, months=3, seed=6, scale=0.3, end=END)
    assert table_hashes(engine)["leads"] != hashes["leads"] and other.counts["people"] == 8


def test_failed_generate_leaves_the_store_as_it_was(engine: Engine, monkeypatch) -> None:
    demo.generate(engine, months=1, seed=1, scale=0.3, end=END)
    counts, hashes, version = store.table_counts(engine), table_hashes(engine), store.data_version(engine)
    calls: list[str] = []

    def broken(conn, table, data) -> None:
        calls.append(table.name)
        if table.name == "leads":
            raise RuntimeError("disk full")
        original(conn, table, data)

    name = "insert_duckdb" if store.is_duckdb(engine) else "insert_postgres"
    original = getattr(load, name)
    monkeypatch.setattr(load, name, broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.generate(engine, months=1, seed=2, scale=0.3, end=END)
    assert "spend" in calls  # it failed half-way, after emptying every table and writing some
    assert store.table_counts(engine) == counts and table_hashes(engine) == hashes
    assert store.data_version(engine) == version


def test_big_duckdb_tables_are_recreated_with_their_keys(duck_engine: Engine, monkeypatch) -> None:
    monkeypatch.setattr(load, "RECREATE_ABOVE", 100)
    demo.generate(duck_engine, months=2, seed=3, scale=0.3, end=END)
    second = demo.generate(duck_engine, months=2, seed=4, scale=0.3, end=END)
    assert store.table_counts(duck_engine) == second.counts
    with pytest.raises(sa.exc.IntegrityError), store.transaction(duck_engine) as conn:  # primary key still there
        lead = conn.execute(sa.text("SELECT lead_id FROM leads LIMIT 1")).scalar()
        conn.execute(schema.leads.insert().values(lead_id=lead, created_at=dt.datetime(2026, 9, 1), channel_id="x"))
    assert store.table_counts(duck_engine)["leads"] == second.counts["leads"]


def test_progress_reports_known_stages(duck_engine: Engine) -> None:
    seen: list[tuple[float, str]] = []
    demo.generate(duck_engine, months=1, scale=0.2, end=END, progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    strings = catalog()
    assert all(stage in strings and strings[stage]["zh"] for _, stage in seen)
