"""Review notes: recorded with author and time, open actions carried over, kept through uploads and undo."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from kpi_engine.reviews.notes import add_note, notes_for, open_carried_over, review_notes, set_status, update_note


def test_notes_are_recorded_with_author_and_time(engine: Engine) -> None:
    before = clock.business_now()  # notes are stamped in the business time zone
    nid = add_note(engine, period="2026-10", metric_id="leads", scope_type="channel", scope_id="xiaohongshu",
                   cause="fewer notes published", action="double KOL posts", owner_id="p06", due_date="2026-11-15",
                   created_by="ann")
    other = add_note(engine, period="2026-10", cause="trade show slot lost", created_by="bob")
    assert other == nid + 1
    notes = notes_for(engine, "2026-10", "month")
    assert list(notes["note_id"]) == [nid, other]
    first = notes.iloc[0]
    assert (first["metric_id"], first["scope_type"], first["scope_id"], first["owner_id"], first["status"]) == (
        "leads", "channel", "xiaohongshu", "p06", "open")
    assert first["due_date"] == dt.date(2026, 11, 15) and first["created_by"] == "ann"
    assert first["created_at"] >= before and first["grain"] == "month" and first["period"] == "2026-10"
    second = notes.iloc[1]
    assert pd.isna(second["metric_id"]) and second["scope_type"] == "team" and second["scope_id"] == ""
    assert notes_for(engine, "2026-09").empty
    with pytest.raises(ValueError, match="status"):
        add_note(engine, period="2026-10", status="maybe")
    with pytest.raises(ValueError, match="not a month"):
        notes_for(engine, "2026-W44", "month")


def test_open_actions_carry_over_until_closed(engine: Engine) -> None:
    w43 = add_note(engine, period="2026-W43", metric_id="leads", action="fix the landing page", owner_id="p02")
    w44 = add_note(engine, period="2026-W44", metric_id="cpl", action="cap the bid", owner_id="p03")
    done = add_note(engine, period="2026-W42", action="already done", status="done")
    monthly = add_note(engine, period="2026-10", action="a monthly action")
    later = add_note(engine, period="2026-W46", action="not yet")
    carried = open_carried_over(engine, "2026-W45", "week")
    assert list(carried["note_id"]) == [w43, w44]  # oldest period first; not done, not monthly, not later
    assert done not in set(carried["note_id"]) and monthly not in set(carried["note_id"])
    assert later not in set(carried["note_id"])
    shown = review_notes(engine, "2026-W45")
    assert list(shown["note_id"]) == [w43, w44] and shown["carried"].all()
    assert set_status(engine, w43, "done") is True
    assert list(open_carried_over(engine, "2026-W45")["note_id"]) == [w44]
    assert update_note(engine, w44, status="dropped", cause="bid capped by the platform") is True
    assert open_carried_over(engine, "2026-W45").empty
    assert notes_for(engine, "2026-W44").iloc[0]["cause"] == "bid capped by the platform"
    assert update_note(engine, 999, status="done") is False
    assert list(open_carried_over(engine, "2026-11")["note_id"]) == [monthly]
    own = review_notes(engine, "2026-W46")
    assert list(own["note_id"]) == [later] and not own["carried"].any()
    with pytest.raises(ValueError, match="cannot change"):
        update_note(engine, later, created_by="mallory")


def test_notes_survive_uploads_and_undo(engine: Engine) -> None:
    nid = add_note(engine, period="2026-10", metric_id="leads", cause="quote's \"safe\"; DROP TABLE x", action="a",
                   created_by="ann")
    csv = b"lead_id,created_at,channel_id,owner_id\nN1,2026-10-05 09:00,web,p1\nN2,2026-10-06 10:00,web,p1\n"
    res = ingest(engine, csv, "leads.csv", table="leads")
    assert res.status == "loaded" and res.inserted == 2
    assert list(notes_for(engine, "2026-10")["note_id"]) == [nid]
    undone = undo_upload(engine, res.upload_id, user="ann")
    assert undone.ok
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.leads)).scalar() == 0
    notes = notes_for(engine, "2026-10")
    assert list(notes["note_id"]) == [nid] and notes.iloc[0]["cause"] == "quote's \"safe\"; DROP TABLE x"
    assert "review_notes" not in schema.UPLOAD_TABLES


def test_simultaneous_notes_all_get_distinct_ids(engine: Engine) -> None:
    """Writers racing on max(note_id) + 1 retry in a new transaction instead of failing."""
    writers, per_writer = 8, 3
    barrier = threading.Barrier(writers)
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        barrier.wait()  # all start together, so they read the same max
        try:
            for k in range(per_writer):
                nid = add_note(engine, period="2026-W45", action=f"action {n}.{k}", created_by=f"u{n}")
                with lock:
                    ids.append(nid)
        except BaseException as exc:  # reported by the assertion below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = writers * per_writer
    assert sorted(ids) == list(range(1, total + 1))
    notes = notes_for(engine, "2026-W45")
    assert sorted(notes["note_id"]) == list(range(1, total + 1))
    assert sorted(notes["action"]) == sorted(f"action {n}.{k}" for n in range(writers) for k in range(per_writer))

