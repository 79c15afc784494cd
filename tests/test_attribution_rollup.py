"""The daily credit rollup (kpi_engine.rollups.credit) holds exactly the credit the facts give, after every kind of
upload and undo, and the attribution reads it only while that holds (DuckDB and PostgreSQL).

Checked each time: the rollup row for row equal to the same aggregate over the facts, and ``channel_credit`` read
through the rollup equal to ``channel_credit`` computed from the facts (every model; leads and wins to 1e-9,
revenue to the cent), over several ranges.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import demo, schema, store
from kpi_engine.analytics import attribution as attr
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from kpi_engine.rollups import credit
from tests.test_analytics_attribution import JAN, LEADS, TOUCHES

END = dt.date(2026, 6, 30)
RANGES = [(dt.date(2026, 4, 1), END), (dt.date(2026, 5, 1), dt.date(2026, 5, 31)), (dt.date(2026, 6, 10), dt.date(2026, 6, 16)),
          (dt.date(2025, 1, 1), dt.date(2027, 1, 1))]


def csv_bytes(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["" if c is None else str(c) for c in r] for r in rows])
    return buf.getvalue().encode()


def _norm(row: tuple) -> tuple:
    return tuple(round(float(v), 6) if isinstance(v, float) else v for v in row)


def assert_rollup_equals_facts(engine: Engine, ranges: list[tuple[dt.date, dt.date]] = RANGES) -> None:
    assert attr.reads_rollup(engine)
    with engine.connect() as conn:
        stored = sorted((_norm(tuple(r)) for r in conn.execute(sa.select(credit.table))), key=repr)
        source = credit._source(None, None)
        assert source is not None
        expected = sorted((_norm(tuple(r)) for r in conn.execute(source)), key=repr)
    assert stored == expected, "rollup_credit differs from the facts"
    for start, end in ranges:
        via_rollup = attr.channel_credit(engine, start, end)
        via_facts = attr.channel_credit(engine, start, end, rollup=False)
        assert_same_credit(via_rollup, via_facts)


def assert_same_credit(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(zip(got["channel_id"], got["model"], strict=True)) == list(zip(want["channel_id"], want["model"], strict=True))
    for col in ("leads", "wins", "spend", "cpl", "cac"):
        for g, w in zip(got[col], want[col], strict=True):
            assert (math.isnan(g) and math.isnan(w)) or math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-9), (col, g, w)
    for g, w in zip(got["revenue"], want["revenue"], strict=True):
        assert round(g, 2) == round(w, 2), ("revenue", g, w)  # to the cent


@pytest.fixture
def demo_store(engine: Engine) -> Engine:
    demo.generate(engine, months=3, seed=5, scale=0.3, end=END)
    return engine


def _demo_leads(engine: Engine, n: int, *, won: bool) -> list[tuple]:
    cond = "won_at IS NOT NULL" if won else "won_at IS NULL"
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            f"SELECT lead_id, created_at, won_at FROM leads WHERE {cond} AND lead_id LIKE 'L%' AND created_at >= '2026-04-01' "
            "ORDER BY lead_id LIMIT :n"), {"n": n})]


def _touch_of(engine: Engine, lead_id: str) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text("SELECT lead_id, touched_at, channel_id, campaign_id FROM touches "
                                          "WHERE lead_id = :l ORDER BY touched_at LIMIT 1"), {"l": lead_id}).one())


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def test_credit_rollup_equals_facts_on_the_demo_after_uploads_and_undo(demo_store: Engine,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    engine = demo_store
    assert_rollup_equals_facts(engine)  # the demo builds it
    rebuilt: list[bool] = []  # every upload and undo below refreshes only its days, never everything
    monkeypatch.setattr(credit, "rebuild", lambda conn, forget=False: rebuilt.append(forget))

    new = [["lead_id", "created_at", "channel_id", "campaign_id", "owner_id", "won_at", "deal_value"]]
    new += [[f"AR{i:03d}", f"2026-06-{1 + i % 28:02d} 10:00", "baidu_sem", "", "p01",
             f"2026-06-{2 + i % 28:02d} 12:00" if i % 3 == 0 else "", "1234.56" if i % 3 == 0 else ""] for i in range(30)]
    leads_up = ingest(engine, csv_bytes(new), "leads.csv", table="leads")
    assert leads_up.status == "loaded" and leads_up.inserted == 30, leads_up.issues
    assert_rollup_equals_facts(engine)

    # touches that change existing paths: an earlier touch on another channel for open and won demo leads, a touch
    # after a win (not counted), touches for the new leads, and a new campaign on an existing touch (an update)
    opened, won = _demo_leads(engine, 8, won=False), _demo_leads(engine, 8, won=True)
    rows = [["lead_id", "touched_at", "channel_id", "campaign_id"]]
    rows += [[lid, _ts(created - dt.timedelta(days=3)), "xiaohongshu", ""] for lid, created, _w in opened + won]
    rows += [[lid, _ts(won_at + dt.timedelta(days=1)), "email", ""] for lid, _c, won_at in won[:3]]
    rows += [[f"AR{i:03d}", f"2026-05-{1 + i % 28:02d} 09:00", "douyin_video", ""] for i in range(0, 30, 2)]
    lid, at, ch, _camp = _touch_of(engine, opened[0][0])
    rows.append([lid, _ts(at), ch, "camp_moved"])
    touches_up = ingest(engine, csv_bytes(rows), "touches.csv", table="touches", accept_changes=True)
    assert touches_up.status == "loaded" and touches_up.updated == 1, touches_up.issues
    assert_rollup_equals_facts(engine)

    again = ingest(engine, csv_bytes(rows), "touches.csv", table="touches", accept_changes=True)  # nothing changes
    assert again.status == "loaded" and (again.inserted, again.updated) == (0, 0)
    assert_rollup_equals_facts(engine)

    # a partial update of leads: won dates and deals of open leads, created dates of new ones (old and new days)
    moved = [["lead_id", "created_at", "won_at", "deal_value"]]
    moved += [[lid, _ts(created), f"2026-06-{20 + i:02d} 15:00", 500 + i] for i, (lid, created, _w) in enumerate(opened[:4])]
    moved += [[f"AR{i:03d}", "2026-05-03 09:00", "", ""] for i in range(1, 6)]
    moves = ingest(engine, csv_bytes(moved), "moved.csv", table="leads", accept_changes=True)
    assert moves.status == "loaded" and moves.updated == 9, moves.issues
    assert_rollup_equals_facts(engine)

    # undo of the touches upload while the later leads upload (which moved leads it has touches for) stays
    assert undo_upload(engine, touches_up.upload_id, user="ann").ok
    assert_rollup_equals_facts(engine)
    for upload in (again, moves, leads_up):
        result = undo_upload(engine, upload.upload_id, user="ann")
        assert result.ok, result.message_code
        assert_rollup_equals_facts(engine)
    assert rebuilt == []


def _fixture_csvs() -> tuple[bytes, bytes]:
    leads = [["lead_id", "created_at", "channel_id", "won_at", "deal_value"]]
    leads += [[r["lead_id"], _ts(r["created_at"]), r["channel_id"], _ts(r["won_at"]) if r["won_at"] else "",
               r["deal_value"] or ""] for r in LEADS]
    touches = [["lead_id", "touched_at", "channel_id", "campaign_id"]] + [[lid, t, ch, ""] for lid, t, ch in TOUCHES]
    return csv_bytes(leads), csv_bytes(touches)


def test_credit_rollup_on_the_hand_made_fixture(engine: Engine) -> None:
    """The hand-computed credit of test_analytics_attribution, uploaded: read through the rollup."""
    leads_csv, touches_csv = _fixture_csvs()
    first = ingest(engine, leads_csv, "leads.csv", table="leads")
    assert first.status == "loaded" and first.inserted == len(LEADS), first.issues
    assert_rollup_equals_facts(engine, [JAN])
    out = attr.channel_credit(engine, *JAN)  # no touches yet: every model gives the lead's own channel
    assert {(r.channel_id, r.model): r.wins for r in out.itertuples()}[("a", "linear")] == 2.0

    paths = ingest(engine, touches_csv, "touches.csv", table="touches")
    assert paths.status == "loaded" and paths.inserted == len(TOUCHES), paths.issues
    assert_rollup_equals_facts(engine, [JAN])
    out = attr.channel_credit(engine, *JAN)
    leads = {(r.channel_id, r.model): r.leads for r in out.itertuples()}
    wins = {(r.channel_id, r.model): r.wins for r in out.itertuples()}
    revenue = {(r.channel_id, r.model): r.revenue for r in out.itertuples()}
    assert leads[("a", "time_decay")] == pytest.approx(1 / 7 + 2 / 3) and leads[("c", "position")] == pytest.approx(1.4)
    assert wins[("a", "time_decay")] == pytest.approx(1 / 7 + 0.8) and wins[("b", "last_touch")] == 0.0
    assert revenue[("a", "time_decay")] == pytest.approx(1000 / 7 + 2000 * 0.8)
    assert revenue[("b", "first_touch")] == pytest.approx(2000.0)

    # L2 is won, which cuts its path at the win; L3 gets a touch on a, before its creation
    update = ingest(engine, csv_bytes([["lead_id", "won_at", "deal_value"], ["L2", "2026-01-12 12:00", "300"]]),
                    "won.csv", table="leads")
    assert update.status == "loaded" and update.updated == 1, update.issues
    assert_rollup_equals_facts(engine, [JAN])
    more = ingest(engine, csv_bytes([["lead_id", "touched_at", "channel_id"], ["L3", "2026-01-14 08:00", "a"]]),
                  "more.csv", table="touches")
    assert more.status == "loaded" and more.inserted == 1, more.issues
    assert_rollup_equals_facts(engine, [JAN])
    for upload in (more, update, paths, first):
        assert undo_upload(engine, upload.upload_id, user="ann").ok
        assert_rollup_equals_facts(engine, [JAN])


def _spoil(engine: Engine) -> None:
    """Double every stored credit: a read of the rollup would show."""
    sets = {m: credit.table.c[m] * 2 for m in (*attr.MODELS, *credit.REVENUE)}
    with engine.begin() as conn:
        conn.execute(credit.table.update().values(**sets))


def test_another_half_life_reads_the_facts(demo_store: Engine) -> None:
    start, end = RANGES[0]
    right = attr.channel_credit(demo_store, start, end, rollup=False)
    _spoil(demo_store)
    spoiled = attr.channel_credit(demo_store, start, end)
    assert spoiled["leads"].sum() == pytest.approx(2 * right["leads"].sum())  # the default half-life: the rollup
    assert attr.reads_rollup(demo_store) and not attr.reads_rollup(demo_store, 14.0)
    assert_same_credit(attr.channel_credit(demo_store, start, end, half_life_days=14.0),
                       attr.channel_credit(demo_store, start, end, half_life_days=14.0, rollup=False))


def test_a_stale_rollup_is_never_read(demo_store: Engine) -> None:
    start, end = RANGES[0]
    _spoil(demo_store)
    assert attr.reads_rollup(demo_store)
    lead_id = _demo_leads(demo_store, 1, won=False)[0][0]
    with demo_store.begin() as conn:  # a touch written behind the rollup's back (a writer bumps the data version)
        conn.execute(sa.insert(schema.touches).values(lead_id=lead_id, touched_at=dt.datetime(2026, 4, 2, 9),
                                                      channel_id="email"))
        store.bump_data_version(conn)
    assert not attr.reads_rollup(demo_store)
    assert_same_credit(attr.channel_credit(demo_store, start, end), attr.channel_credit(demo_store, start, end, rollup=False))

    # the next upload of touches finds more rows than recorded plus its own: it starts again from the facts
    res = ingest(demo_store, csv_bytes([["lead_id", "touched_at", "channel_id"], [lead_id, "2026-04-03 09:00", "email"]]),
                 "t.csv", table="touches")
    assert res.status == "loaded", res.issues
    assert_rollup_equals_facts(demo_store)

    with demo_store.begin() as conn:  # a rollup declared differently (an older release): not read, rebuilt on opening
        conn.execute(sa.text("UPDATE schema_meta SET value = 'old' WHERE key = 'credit_signature'"))
    assert not attr.reads_rollup(demo_store)
    store.ensure_schema(demo_store)
    assert_rollup_equals_facts(demo_store)


def test_rows_written_straight_into_the_facts_are_read_from_the_facts(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.leads), LEADS)
        conn.execute(sa.insert(schema.touches), [{"lead_id": lid, "touched_at": dt.datetime.fromisoformat(t),
                                                  "channel_id": ch} for lid, t, ch in TOUCHES])
        store.bump_data_version(conn)
    assert not attr.reads_rollup(engine)  # no rollup state: the facts
    store.ensure_schema(engine)  # opening a store with facts builds it
    assert_rollup_equals_facts(engine, [JAN])
