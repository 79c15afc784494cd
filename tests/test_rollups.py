"""Daily rollups hold exactly what the facts hold, after every kind of write, and every metric reads the same
number through them as through the facts (DuckDB and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import demo, rollups, store
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import compile_request, make_request
from kpi_engine.rollups import refresh
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings, reset_setting, set_setting

END = dt.date(2026, 6, 30)
# usable rollups: both facts, and the settings-dependent columns (high-value leads, response SLA) as built
TOKENS = frozenset(rollups.setting_token(m.id) for r in rollups.ROLLUPS.values() for m in r.metrics
                   if rollups.setting_names(m))
USABLE = frozenset(rollups.ROLLED_FACTS) | TOKENS


def csv_bytes(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["" if c is None else str(c) for c in r] for r in rows])
    return buf.getvalue().encode()


def _norm(row: tuple) -> tuple:
    return tuple(round(float(v), 6) if isinstance(v, float) or type(v).__name__ == "Decimal" else v for v in row)


def assert_rollups_equal_facts(engine: Engine) -> None:
    """Every rollup row for row equal to a GROUP BY over the facts, and marked usable."""
    with engine.connect() as conn:
        assert refresh.usable(conn) == USABLE
        for r in rollups.ROLLUPS.values():
            cols = [r.table.c[c] for c in ["day", *r.keys]]
            stored = sorted((_norm(tuple(x)) for x in conn.execute(sa.select(r.table))), key=repr)
            expected = sorted((_norm(tuple(x)) for x in conn.execute(refresh._source_select(r, None, load_settings(conn)))), key=repr)
            assert stored == expected, f"{r.table.name}: rollup differs from the facts"
            assert len(stored) == len({tuple(x) for x in conn.execute(sa.select(*cols))})  # one row per day and keys


@pytest.fixture
def demo_store(engine: Engine) -> Engine:
    demo.generate(engine, months=3, seed=5, scale=0.3, end=END)
    return engine


def _lead_ids(engine: Engine, n: int) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT lead_id, created_at, channel_id, owner_id FROM leads WHERE won_at IS NULL ORDER BY lead_id LIMIT :n"),
            {"n": n})]


def test_rollups_equal_facts_after_upload_reupload_partial_upload_and_undo(demo_store: Engine) -> None:
    engine = demo_store
    assert_rollups_equal_facts(engine)  # the demo builds them
    new = [["lead_id", "created_at", "channel_id", "campaign_id", "owner_id", "expected_value", "mql_at", "won_at",
            "deal_value"]]
    new += [[f"RT{i:03d}", f"2026-06-{1 + i % 28:02d} 10:00", "baidu_search", "", "p01", "3000",
             f"2026-06-{2 + i % 28:02d} 11:00" if i % 2 else "", "2026-06-29 12:00" if i % 5 == 0 else "",
             "2000" if i % 5 == 0 else ""] for i in range(40)]
    first = ingest(engine, csv_bytes(new), "new.csv", table="leads")
    assert first.status == "loaded" and first.inserted == 40, first.issues
    assert_rollups_equal_facts(engine)

    again = ingest(engine, csv_bytes(new), "new.csv", table="leads")  # the same file: nothing changes
    assert again.status == "loaded" and (again.inserted, again.updated) == (0, 0)
    assert_rollups_equal_facts(engine)

    # a partial update: only the won date and deal of existing demo leads, moving them to other days
    old = _lead_ids(engine, 12)
    partial = [["lead_id", "won_at", "deal_value"]] + [[lid, f"2026-06-{10 + i:02d} 15:00", 1000 + i]
                                                       for i, (lid, *_rest) in enumerate(old)]
    upd = ingest(engine, csv_bytes(partial), "wins.csv", table="leads", accept_changes=True)
    assert upd.status == "loaded" and upd.updated == 12, upd.issues
    assert_rollups_equal_facts(engine)

    # an update that moves created dates and channels of some of the new leads
    moved = [new[0]] + [[r[0], "2026-05-03 09:00", "douyin_video", *r[3:]] for r in new[1:6]]
    mv = ingest(engine, csv_bytes(moved), "moved.csv", table="leads", accept_changes=True)
    assert mv.status == "loaded" and mv.updated == 5, mv.issues
    assert_rollups_equal_facts(engine)

    spend = [["date", "channel_id", "campaign_id", "cost", "impressions", "clicks"],
             ["2026-06-03", "baidu_search", "", "1234.5", "1000", "20"], ["2026-04-01", "douyin_video", "", "99", "", ""]]
    sp = ingest(engine, csv_bytes(spend), "spend.csv", table="spend")
    assert sp.status == "loaded", sp.issues
    assert_rollups_equal_facts(engine)

    for upload in (sp, mv, upd, first):  # newest first, as undo requires
        result = undo_upload(engine, upload.upload_id, user="ann")
        assert result.ok, result.message_code
        assert_rollups_equal_facts(engine)


def test_first_upload_builds_rollups_over_rows_written_directly(engine: Engine) -> None:
    from tests import ingest_db as db

    db.seed(engine)  # facts written straight into the tables: no rollup state, read from the facts
    with engine.connect() as conn:
        assert refresh.usable(conn) == frozenset()
    res = ingest(engine, csv_bytes([["lead_id", "created_at", "channel_id", "owner_id"],
                                    ["Z1", "2026-02-01 10:00", "baidu_search", "p_ann"]]), "z.csv", table="leads")
    assert res.status == "loaded"
    assert_rollups_equal_facts(engine)
    with engine.begin() as conn:  # a row written behind the rollups' back: they are no longer read
        conn.execute(sa.text("DELETE FROM leads WHERE lead_id = 'Z1'"))
        assert refresh.usable(conn) == frozenset({"spend"})
    assert undo_upload(engine, res.upload_id, user="ann").ok
    assert_rollups_equal_facts(engine)  # undo of an upload whose rows were changed since: rebuilt


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    fa, fb = float(a), float(b)  # type: ignore[arg-type]
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-6)


REQUESTS = [
    {"by": None, "grain": None, "start": dt.date(2026, 5, 1), "end": dt.date(2026, 5, 31)},
    {"by": "channel", "grain": "week", "start": dt.date(2026, 4, 1), "end": END},
    {"by": ("person", "campaign"), "grain": "month", "start": None, "end": END},
    {"by": "team", "grain": "day", "start": dt.date(2026, 6, 1), "end": dt.date(2026, 6, 20),
     "where": {"channel": ("baidu_search", "douyin_video")}},
]


@pytest.mark.parametrize("shape", range(len(REQUESTS)))
def test_every_metric_reads_the_same_through_rollups_and_facts(demo_store: Engine, shape: int) -> None:
    spec = REQUESTS[shape]
    ids = registry.metric_ids()
    req = make_request(ids, by=spec["by"], grain=spec["grain"], start=spec["start"], end=spec["end"],
                       where=spec.get("where"))
    with demo_store.connect() as conn:
        rolled = refresh.usable(conn)
        assert rolled == USABLE
        via_rollups = compile_request(req, Settings(), rolled)
        assert "rollup_leads_created_at" in str(via_rollups)
        got = {tuple(r[: len(r) - len(ids)]): r[len(r) - len(ids):] for r in conn.execute(via_rollups)}
        want = {tuple(r[: len(r) - len(ids)]): r[len(r) - len(ids):] for r in
                conn.execute(compile_request(req, Settings()))}
    assert got.keys() == want.keys()
    bad = [(k, m, g, w) for k in want for m, g, w in zip(ids, got[k], want[k], strict=True) if not _close(g, w)]
    assert not bad, bad[:10]


def test_a_changed_declaration_rebuilds_the_rollups(demo_store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with demo_store.begin() as conn:
        conn.execute(sa.text("UPDATE schema_meta SET value = 'old' WHERE key = 'rollups_signature'"))
        conn.execute(sa.delete(rollups.ROLLUPS[("leads", "created_at")].table))
        assert refresh.usable(conn) == frozenset()
    store.ensure_schema(demo_store)
    assert_rollups_equal_facts(demo_store)


def _settings_values(engine: Engine, rolled: frozenset[str]) -> list[tuple]:
    req = make_request(["high_value_leads", "leads_within_sla", "leads"], by="channel", grain="month", end=END)
    with engine.connect() as conn:
        return sorted(tuple(_norm(tuple(r))) for r in conn.execute(compile_request(req, load_settings(conn), rolled)))


def test_a_settings_change_rebuilds_the_columns_that_compare_with_it(demo_store: Engine,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the high-value threshold or the response SLA (set or reset) rebuilds, in the same transaction, the
    rollup columns that compare with it: the compiler reads them again at once, equal to the facts under the new
    value. Any other setting rebuilds nothing."""
    refills: list[str] = []
    real = refresh._refill
    monkeypatch.setattr(refresh, "_refill", lambda conn, r, days, settings: (refills.append(r.table.name),
                                                                               real(conn, r, days, settings)))
    before = _settings_values(demo_store, frozenset())
    for key, value in (("high_value_threshold", "1000"), ("response_sla_hours", "8"), ("high_value_threshold", None)):
        if value is None:
            assert reset_setting(demo_store, key)
        else:
            assert set_setting(demo_store, key, value)
        assert refills == ["rollup_leads_created_at"]  # the one rollup with such columns, every day of it
        refills.clear()
        assert_rollups_equal_facts(demo_store)  # usable again (their tokens too), equal to the facts
        req = make_request(["high_value_leads", "leads_within_sla"], by="channel", grain="month", end=END)
        with demo_store.connect() as conn:
            sql = str(compile_request(req, load_settings(conn), refresh.usable(conn)))
        assert "rollup_leads_created_at" in sql and "FROM leads" not in sql  # read from the rollup, not the facts
        assert _settings_values(demo_store, USABLE) == _settings_values(demo_store, frozenset())
    assert _settings_values(demo_store, USABLE) != before  # the SLA is still 8 hours: other counts
    assert set_setting(demo_store, "gross_margin", "0.5")  # not compared with by any rollup column
    assert refills == []
    with demo_store.connect() as conn:
        assert refresh.usable(conn) == USABLE


def test_settings_dependent_columns_follow_the_settings(demo_store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changed without the hook (a process that never imported the rollups), high-value leads and the response SLA
    come from the rollup only while the settings are those it was built with: after a change they are read from
    the facts (same numbers), and the next upload rebuilds the rollups."""
    from kpi_engine import settings_store

    monkeypatch.setattr(settings_store, "_listeners", [])
    set_setting(demo_store, "high_value_threshold", "1000")
    set_setting(demo_store, "response_sla_hours", "8")
    with demo_store.connect() as conn:
        rolled = refresh.usable(conn)
    assert rolled == frozenset(rollups.ROLLED_FACTS)  # built with the old values: those columns read the facts
    assert _settings_values(demo_store, rolled) == _settings_values(demo_store, frozenset())
    res = ingest(demo_store, csv_bytes([["lead_id", "created_at", "channel_id", "expected_value"],
                                        ["S1", "2026-06-01 10:00", "baidu_search", "1500"]]), "s.csv", table="leads")
    assert res.status == "loaded"
    assert_rollups_equal_facts(demo_store)  # rebuilt under the new values: usable again, equal to the facts
    with demo_store.connect() as conn:
        assert refresh.usable(conn, Settings()) == frozenset(rollups.ROLLED_FACTS)  # a request with other values
    assert _settings_values(demo_store, USABLE) == _settings_values(demo_store, frozenset())
