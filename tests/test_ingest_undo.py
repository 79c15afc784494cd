"""Undo restores exactly what an upload replaced; a killed load leaves the database exactly as before.

Comparisons are full sorted dumps of every table (facts, audit, undo twins,
saved mappings), on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import store
from kpi_engine.ingest.audit import list_uploads
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db

ROOT = Path(__file__).resolve().parent.parent


def csv_bytes(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["" if c is None else str(c) for c in r] for r in rows])
    return buf.getvalue().encode()


def facts(engine: Engine) -> dict:
    return db.dump(engine, db.FACT_TABLES)


def test_undo_restores_replaced_rows_and_deletes_inserted_ones(engine: Engine) -> None:
    db.seed(engine)
    before = facts(engine)
    rows = [["lead_id", "created_at", "channel_id", "owner_id", "expected_value", "mql_at"],
            ["L0001", "2026-01-02 09:00", "baidu_search", "p_bo", "12000", "2026-01-04"],  # owner, value, mql change
            ["L0002", "2026-01-05 14:30", "douyin_video", "p_bo", "", "2026-01-06"],  # exactly as stored
            ["U1", "2026-03-01", "新渠道", "Dana", "5", ""]]
    res = ingest(engine, csv_bytes(rows), "u.csv", table="leads")
    assert res.status == "unconfirmed" and res.history.counts() == {"owner_id": 1}  # L0001: p_ann -> p_bo
    assert facts(engine) == before
    res = ingest(engine, csv_bytes(rows), "u.csv", table="leads", accept_changes=True)
    assert res.status == "loaded" and res.created == {"people": ["Dana"], "channels": ["新渠道"]}
    assert (res.inserted, res.updated) == (1, 1)
    assert facts(engine) != before
    undone = undo_upload(engine, res.upload_id, user="ann")
    # deleted: lead U1, person Dana, channel 新渠道; restored: L0001
    assert (undone.ok, undone.message_code, undone.deleted, undone.restored) == (True, "ingest_undo_done", 3, 1)
    assert facts(engine) == before, db.diff(before, facts(engine))
    top = list_uploads(engine).iloc[0]
    assert bool(top["undone"]) and top["undone_at"] is not None
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT undone_by FROM uploads WHERE upload_id = :u"), {"u": res.upload_id}).scalar() == "ann"


def test_undo_of_partial_update_with_stage_fill(engine: Engine) -> None:
    db.seed(engine)
    before = facts(engine)
    opp = [["lead_id", "stage", "close_date", "deal_value"], ["L0001", "won", "2026-02-01", "9000"],
           ["L0003", "won", "2026-02-05", "100"]]
    res = ingest(engine, csv_bytes(opp), "opp.csv", table="leads")
    assert res.status == "loaded" and (res.inserted, res.updated) == (0, 2)
    assert undo_upload(engine, res.upload_id).ok
    assert facts(engine) == before, db.diff(before, facts(engine))


def test_undo_refusals(engine: Engine) -> None:
    db.seed(engine)
    seeded = facts(engine)
    assert undo_upload(engine, 99).message_code == "ingest_undo_unknown"
    first = [["lead_id", "created_at", "channel_id", "expected_value"], ["K1", "2026-03-01", "web", "1"], ["K2", "2026-03-01", "web", "2"]]
    r1 = ingest(engine, csv_bytes(first), "1.csv")
    after_first = facts(engine)
    second = [first[0], ["K2", "2026-03-01", "web", "20"], ["K3", "2026-03-01", "web", "3"]]
    r2 = ingest(engine, csv_bytes(second), "2.csv")
    third = [first[0], ["K9", "2026-03-01", "web", "9"]]
    r3 = ingest(engine, csv_bytes(third), "3.csv")  # touches other keys: does not block
    blocked = undo_upload(engine, r1.upload_id)
    assert (blocked.ok, blocked.message_code, blocked.blocking_uploads) == (False, "ingest_undo_blocked", [r2.upload_id])
    assert "#3" in blocked.message("en") and "#3" in blocked.message("zh")
    assert not bool(list_uploads(engine).set_index("upload_id").loc[r1.upload_id, "undone"])
    assert undo_upload(engine, r3.upload_id).ok
    assert undo_upload(engine, r2.upload_id).ok
    assert facts(engine) == after_first
    assert undo_upload(engine, r2.upload_id).message_code == "ingest_undo_already"
    assert undo_upload(engine, r1.upload_id).ok
    assert facts(engine) == seeded


def test_upload_then_undo_restores_every_table_exactly(engine: Engine) -> None:
    db.seed(engine)
    before = facts(engine)
    spend = [["date", "channel_id", "campaign_id", "ad_id", "cost", "clicks"], ["2026-01-01", "baidu_search", "C100", "", "150", "130"],
             ["2026-01-02", "douyin_video", "", "", "80.25", "300"], ["2026-01-03", "小红书", "C7", "A1", "9", "1"]]
    res = ingest(engine, csv_bytes(spend), "s.csv", table="spend")
    assert (res.inserted, res.updated) == (1, 1) and res.created == {"channels": ["小红书"]}
    channels = [["channel_id", "name", "kind", "owner_id"], ["baidu_search", "百度", "paid", "Zed"], ["web", "官网", "organic", ""]]
    res2 = ingest(engine, csv_bytes(channels), "c.csv", table="channels")
    assert (res2.inserted, res2.updated) == (1, 1) and res2.created == {"people": ["Zed"]}
    assert undo_upload(engine, res2.upload_id).ok and undo_upload(engine, res.upload_id).ok
    assert facts(engine) == before, db.diff(before, facts(engine))


def test_undo_of_an_upload_that_changed_nothing(engine: Engine) -> None:
    rows = [["lead_id", "created_at", "channel_id"], ["Z1", "2026-03-01", "web"]]
    ingest(engine, csv_bytes(rows), "a.csv")
    before = facts(engine)
    again = ingest(engine, csv_bytes(rows), "a.csv")
    res = undo_upload(engine, again.upload_id)
    assert (res.ok, res.deleted, res.restored) == (True, 0, 0)
    assert facts(engine) == before


# --- a load killed mid-way --------------------------------------------------------------------------


def _big_leads(path: Path, n: int) -> None:
    lines = ["lead_id,created_at,channel_id,owner_id,expected_value"]
    lines += [f"KL{i:06d},2026-02-{1 + i % 28:02d} 10:00,ch{i % 7},Owner {i % 5},{i}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cli_url(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if store.is_postgres(engine):
        with engine.connect() as conn:
            schema_name = conn.execute(sa.text("SELECT current_schema()")).scalar()
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema_name}"
    return url


def _kill_during(engine: Engine, tmp_path: Path, point: str) -> None:
    db.seed(engine)
    # a first upload, so the killed one would both update and insert
    ingest(engine, csv_bytes([["lead_id", "created_at", "channel_id"], ["KL000001", "2026-01-01", "web"]]), "pre.csv")
    before = db.dump(engine)
    version = store.data_version(engine)
    data = tmp_path / "big.csv"
    _big_leads(data, 20_000)
    marker = tmp_path / "paused"
    env = {**os.environ, "KPI_INGEST_TEST_PAUSE_AT": point, "KPI_INGEST_TEST_PAUSE_FILE": str(marker),
           "KPI_INGEST_TEST_PAUSE_SECONDS": "120", "PYTHONPATH": str(ROOT)}
    engine.dispose()  # DuckDB: the child process must be able to open the file
    proc = subprocess.Popen([sys.executable, "-m", "kpi_engine", "ingest", str(data), "--db", _cli_url(engine),
                             "--accept-changes"],  # KL000001 moves from channel web to ch1
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the load never reached the pause point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after = db.dump(engine)
    assert after == before, db.diff(before, after)
    assert store.data_version(engine) == version
    # and the store still works: the same file loads completely afterwards
    res = ingest(engine, data, "big.csv", accept_changes=True)
    assert res.status == "loaded" and (res.inserted, res.updated) == (19_999, 1)


def test_kill_after_merge_leaves_every_table_unchanged(engine: Engine, tmp_path: Path) -> None:
    _kill_during(engine, tmp_path, "merge")


def test_kill_just_before_commit_leaves_every_table_unchanged(engine: Engine, tmp_path: Path) -> None:
    _kill_during(engine, tmp_path, "commit")
