"""The inbox folder: files dropped there are imported by the one pipeline, moved to done/ or failed/, reported.

Real DuckDB, real files; the watcher runs in a thread and the tests wait on conditions (bounded), never on
fixed sleeps. A file still being written is simulated by the stability poll's own sleep: the writer adds the
rest of the file while the inbox waits, so reading early would load a truncated file.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.__main__ import main
from kpi_engine.arrivals.inbox import InboxOptions, process_once, wait_until_stable
from kpi_engine.arrivals.limits import DB_UNAVAILABLE
from kpi_engine.arrivals.messages import Lines, Text
from kpi_engine.arrivals.watch import watch
from kpi_engine.i18n import catalog
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db
from tests.arrivals_support import Locker

GOOD = "lead_id,created_at,channel_id,expected_value\nL1,2026-03-01 09:30,web,100\nL2,2026-03-02,web,250.5\n"
BAD = "lead_id,created_at,channel_id,expected_value\nB1,someday,web,1\nB2,2026-03-03,web,-5\nB3,2026-03-04,web,7\n"
FAST = InboxOptions(settle=0.05, stable_timeout=10.0, poll_interval=0.01)


class Inbox:
    """Messages sent by the inbox, kept in the order they were sent (in both languages)."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict, dict]] = []

    def __call__(self, title: Text, lines: Lines) -> None:
        assert isinstance(title, dict) and isinstance(lines, dict)
        self.sent.append((dict(title), {k: list(v) for k, v in lines.items()}))


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def lead_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT lead_id FROM leads")).scalars())


def has_leads(engine: Engine, expected: list[str]) -> bool:
    """For polling from another process than the watcher's: while the watcher holds the DuckDB file, this
    process can't open it (and the watcher, meeting the test's connection, tries again); that counts as 'not yet'."""
    try:
        return lead_ids(engine) == expected
    except DB_UNAVAILABLE:
        return False


def inbox_records(engine: Engine) -> list[tuple]:
    f = schema.inbox_files
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(f.c.file_name, f.c.outcome, f.c.table_name, f.c.upload_id, f.c.sha256).order_by(f.c.record_id))]


def drop(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_once_loads_a_good_leads_file_and_moves_it_to_done(duck_engine: Engine, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    drop(inbox, "crm_leads.csv", GOOD)
    code = main(["inbox", "--dir", str(inbox), "--once", "--db", str(duck_engine.url), "--settle", "0.05",
                 "--no-notify"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert not (inbox / "crm_leads.csv").exists() and (inbox / "done" / "crm_leads.csv").read_text() == GOOD
    assert "Imported crm_leads.csv into leads" in out
    assert "Upload #1: rows read 2 · inserted 2 · updated 0 · rejected 0" in out
    with duck_engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT lead_id, created_at, channel_id, expected_value FROM leads ORDER BY 1")).all()
        upload = conn.execute(sa.text("SELECT file_name, sha256, table_name, inserted, uploaded_by FROM uploads")).one()
    assert [(r[0], str(r[1]), r[2], r[3]) for r in rows] == [
        ("L1", "2026-03-01 09:30:00", "web", 100.0), ("L2", "2026-03-02 00:00:00", "web", 250.5)]
    sha = hashlib.sha256(GOOD.encode()).hexdigest()
    assert tuple(upload) == ("crm_leads.csv", sha, "leads", 2, "inbox")
    assert inbox_records(duck_engine) == [("crm_leads.csv", "loaded", "leads", 1, sha)]


def test_bad_file_goes_to_failed_with_a_report_and_the_database_is_unchanged(duck_engine: Engine, tmp_path: Path) -> None:
    db.seed(duck_engine)
    before = db.dump(duck_engine)
    inbox, sent = tmp_path / "inbox", Inbox()
    drop(inbox, "bad.csv", BAD)
    [arrival] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert arrival.outcome == "failed" and arrival.upload_id is None
    assert db.dump(duck_engine) == before, db.diff(before, db.dump(duck_engine))
    assert (inbox / "failed" / "bad.csv").read_text() == BAD and not (inbox / "bad.csv").exists()
    report = (inbox / "failed" / "bad.csv.report.txt").read_text(encoding="utf-8-sig")
    assert "Problems (2):" in report
    assert "Row 2 · created_at 'someday': created_at must be a date (row 2: 'someday')." in report
    assert "Row 3 · expected_value '-5': expected_value must be a number ≥ 0 (row 3: '-5')." in report
    assert report.count("    → ") == 2  # each problem with its fix
    [(title, lines)] = sent.sent
    assert title == {"en": "Not imported: bad.csv", "zh": "未导入：bad.csv"}
    assert lines["en"][:5] == [
        "Nothing was loaded: the upload was refused.", "Table: leads",
        "Rows read 3 · problems 2 in 2 rows · the database is unchanged",
        "row 2 · created_at: created_at must be a date (row 2: 'someday').",
        "row 3 · expected_value: expected_value must be a number ≥ 0 (row 3: '-5').",
    ]
    assert lines["en"][-1] == "Inbox record #1 · file now in failed/bad.csv"
    assert lines["zh"][2] == "读取 3 行 · 2 行共 2 个问题 · 数据库未改变"
    assert inbox_records(duck_engine)[0][:4] == ("bad.csv", "failed", "leads", None)


def test_a_file_whose_table_cannot_be_recognised_fails_with_a_clear_reason(duck_engine: Engine, tmp_path: Path) -> None:
    inbox, sent = tmp_path / "inbox", Inbox()
    drop(inbox, "export.csv", "foo,bar\n1,2\n")
    drop(inbox, "slides.pdf", "%PDF-1.4")
    arrivals = {a.source: a for a in process_once(duck_engine, inbox, options=FAST, notify=sent)}
    assert {s: a.outcome for s, a in arrivals.items()} == {"export.csv": "failed", "slides.pdf": "failed"}
    assert "file: Could not tell which table this file fills (headers: foo, bar)." in arrivals["export.csv"].lines
    assert any("subfolder named after its table" in line for line in arrivals["export.csv"].lines)
    assert arrivals["slides.pdf"].lines == ["'.pdf' files can't be imported: drop CSV (.csv, .tsv, .txt) or Excel (.xlsx) files."]
    assert (inbox / "failed" / "export.csv.report.txt").is_file() and (inbox / "failed" / "slides.pdf.report.txt").is_file()
    assert db.count(duck_engine, "leads") == 0 and len(sent.sent) == 2


def test_the_same_file_dropped_twice_adds_no_rows(duck_engine: Engine, tmp_path: Path) -> None:
    inbox, sent = tmp_path / "inbox", Inbox()
    drop(inbox, "leads.csv", GOOD)
    [first] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    drop(inbox, "leads.csv", GOOD)  # the same export again, same name
    drop(inbox, "leads/copy.csv", GOOD)  # and a copy under another name, in the table's subfolder
    second = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert first.outcome == "loaded" and [a.outcome for a in second] == ["duplicate", "duplicate"]
    assert [a.upload_id for a in second] == [first.upload_id] * 2
    assert lead_ids(duck_engine) == ["L1", "L2"]
    with duck_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM uploads")).scalar() == 1
    assert sorted(p.name for p in (inbox / "done").iterdir())[0] == "copy.csv" and len(list((inbox / "done").iterdir())) == 3
    assert sent.sent[1][1]["en"][0].startswith("The same file (same sha256) is upload #1; nothing changed.")
    # Once that upload is undone, the same file is imported again.
    assert undo_upload(duck_engine, first.upload_id).ok
    drop(inbox, "leads.csv", GOOD)
    [third] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert third.outcome == "loaded" and third.upload_id == 2 and lead_ids(duck_engine) == ["L1", "L2"]


def test_saved_mapping_and_table_subfolder(duck_engine: Engine, tmp_path: Path) -> None:
    # Next month's export from the same source: headers nobody could guess, mapped once and saved.
    odd = "Ref,When,Src,Worth\nX1,2026-04-01,web,10\n"
    first = ingest(duck_engine, odd.encode(), "march.csv", table="leads",
                   map_overrides={"lead_id": "Ref", "created_at": "When", "channel_id": "Src", "expected_value": "Worth"},
                   save_mapping=True)
    assert first.status == "loaded"
    inbox, sent = tmp_path / "inbox", Inbox()
    drop(inbox, "april.csv", "Ref,When,Src,Worth\nX2,2026-04-02,web,20\nX3,2026-04-03,web,30\n")
    drop(inbox, "spend/ads.csv", "date,channel_id,cost\n2026-04-01,web,99.5\n")
    arrivals = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert sorted((a.source, a.outcome, a.table) for a in arrivals) == [
        ("april.csv", "loaded", "leads"), ("spend/ads.csv", "loaded", "spend")]
    assert lead_ids(duck_engine) == ["X1", "X2", "X3"]
    assert db.rows_where(duck_engine, "leads", {"lead_id": "X3"})[0]["expected_value"] == 30.0
    assert db.rows_where(duck_engine, "spend", {"channel_id": "web"})[0]["cost"] == 99.5


class Writer:
    """Writes a file in two parts: the second part lands while the inbox is polling for stability."""

    def __init__(self, path: Path, first: str, rest: str) -> None:
        self.path, self.rest, self.calls = path, rest, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(first, encoding="utf-8")

    def sleep(self, seconds: float) -> None:
        self.calls += 1
        if self.calls == 2:
            with self.path.open("a", encoding="utf-8") as f:
                f.write(self.rest)
        time.sleep(seconds)


def test_a_partially_written_file_is_not_read_early(duck_engine: Engine, tmp_path: Path) -> None:
    inbox, sent = tmp_path / "inbox", Inbox()
    full = GOOD + "L3,2026-03-03,web,300\n"
    cut = full.index("2026-03-0", len(GOOD))  # stop in the middle of the last row's date
    writer = Writer(inbox / "partial.csv", full[:cut], full[cut:])
    [arrival] = process_once(duck_engine, inbox, options=FAST, notify=sent, sleep=writer.sleep)
    assert writer.calls >= 2
    assert arrival.outcome == "loaded", arrival.lines
    assert arrival.result is not None and arrival.result.inserted == 3
    assert lead_ids(duck_engine) == ["L1", "L2", "L3"]
    assert (inbox / "done" / "partial.csv").read_text() == full


def test_a_file_still_growing_is_left_for_the_next_pass(duck_engine: Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = drop(inbox, "growing.csv", GOOD)

    def keeps_writing(seconds: float) -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write("L9,2026-03-09,web,1\n")
        time.sleep(seconds)

    options = InboxOptions(settle=0.05, stable_timeout=0.3, poll_interval=0.01)
    [arrival] = process_once(duck_engine, inbox, options=options, notify=Inbox(), sleep=keeps_writing)
    assert arrival.outcome == "waiting" and path.exists() and not (inbox / "done").exists()
    assert lead_ids(duck_engine) == [] and inbox_records(duck_engine) == []
    assert not wait_until_stable(tmp_path / "missing.csv", settle=0.01, timeout=0.1)


def test_the_watcher_picks_up_a_file_dropped_while_it_runs(duck_engine: Engine, tmp_path: Path) -> None:
    inbox, sent = tmp_path / "inbox", Inbox()
    inbox.mkdir()
    stop, ready = threading.Event(), threading.Event()
    printed: list[tuple[Text, Sequence[str]]] = []
    worker = threading.Thread(target=watch, args=(duck_engine, inbox), daemon=True, kwargs={
        "options": FAST, "notify": sent, "stop": stop, "rescan": 600.0, "ready": ready,
        "on_arrival": lambda title, lines: printed.append((title, list(lines)))})
    worker.start()
    try:
        assert ready.wait(30), "the watcher did not start"
        drop(inbox, "notes/readme.csv", GOOD)  # a folder not named after a table is left alone
        drop(inbox, "tonight.csv", GOOD)
        # Waited on the files and the message: the watcher is the only database user of its thread's process, as
        # in production (the test reads the database once the watcher is done; the subprocess test polls it).
        wait_for(lambda: (inbox / "done" / "tonight.csv").exists() and len(sent.sent) == 1, what="done/ and the message")
        assert lead_ids(duck_engine) == ["L1", "L2"]
        drop(inbox, "bad.csv", BAD)
        wait_for(lambda: (inbox / "failed" / "bad.csv.report.txt").exists(), what="the bad file's report")
        wait_for(lambda: len(printed) == 2, what="both results printed")
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    assert [p[0] for p in printed] == ["Imported tonight.csv into leads", "Not imported: bad.csv"]
    assert sent.sent[0][0]["zh"] == "已导入 tonight.csv（数据表 leads）"
    assert lead_ids(duck_engine) == ["L1", "L2"] and (inbox / "notes" / "readme.csv").exists()


def test_changes_to_existing_leads_history_need_accept_changes(duck_engine: Engine, tmp_path: Path) -> None:
    db.seed(duck_engine)  # L0002 belongs to p_bo on douyin_video
    inbox, sent = tmp_path / "inbox", Inbox()
    moved = "lead_id,created_at,channel_id,owner_id\nL0002,2026-01-05 14:30,douyin_video,p_ann\n"
    drop(inbox, "reassign.csv", moved)
    before = db.dump(duck_engine)
    [refused] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert refused.outcome == "failed" and refused.result is not None and refused.result.status == "unconfirmed"
    assert db.dump(duck_engine) == before
    assert refused.lines[0] == "Nothing was loaded: this upload would change the history of existing leads (listed below)."
    assert any("--accept-changes" in line for line in refused.lines)
    assert any("Ann Lee" in line for line in refused.lines), refused.lines  # who the lead would move to
    drop(inbox, "reassign.csv", moved)
    [accepted] = process_once(duck_engine, inbox, options=InboxOptions(**{**FAST.__dict__, "accept_changes": True}),
                              notify=sent)
    assert accepted.outcome == "loaded", accepted.lines
    assert db.rows_where(duck_engine, "leads", {"lead_id": "L0002"})[0]["owner_id"] == "p_ann"


def test_a_busy_database_leaves_the_file_for_the_next_pass(duck_engine: Engine, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DB_BUSY_SECONDS", "0.3")  # how long the store waits for the file before giving up
    inbox, sent = tmp_path / "inbox", Inbox()
    drop(inbox, "leads.csv", GOOD)
    locker = Locker(duck_engine.url.database)
    try:
        [busy] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    finally:
        locker.release()
    assert busy.outcome == "retry" and (inbox / "leads.csv").exists() and sent.sent == []
    assert "the file stays in the inbox for the next pass" in busy.lines[0]
    [loaded] = process_once(duck_engine, inbox, options=FAST, notify=sent)
    assert loaded.outcome == "loaded" and lead_ids(duck_engine) == ["L1", "L2"]


def test_every_arrivals_string_exists_in_both_languages() -> None:
    root = Path(__file__).resolve().parent.parent / "kpi_engine"
    sources = [*sorted((root / "arrivals").glob("*.py")),
               *(root / "cli" / f"{m}.py" for m in ("inbox", "ingest_token", "serve_ingest"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    used = set(re.findall(r"\"(arrivals_[a-z_]+)\"", text))
    used |= {f"arrivals_http_{c}" for c in re.findall(r"BodyError\(\d+, \"([a-z_]+)\"", text)}
    used |= {f"arrivals_http_{c}" for c in re.findall(r"_error\(\d+, \"([a-z_]+)\"", text)}
    used |= {f"arrivals_token_err_{c}" for c in re.findall(r"TokenError\(\"([a-z_]+)\"", text)}
    used |= {f"arrivals_report_{k}" for k in ("errors", "warnings")}
    assert len(used) > 40
    strings = catalog()
    assert not sorted(k for k in used if k not in strings)

    def fields(s: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(s) if name}

    for key in sorted(k for k in strings if k.startswith("arrivals_")):
        en, zh = strings[key]["en"], strings[key]["zh"]
        assert en.strip() and fields(en) == fields(zh), key
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), key


def test_the_watch_command_imports_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    inbox, url = tmp_path / "inbox", f"duckdb:///{tmp_path / 'watched.duckdb'}"
    inbox.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "kpi_engine", "inbox", "--dir", str(inbox), "--db", url, "--settle", "0.1",
                             "--no-notify"], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("Watching ")
        engine = store.get_engine(url)
        drop(inbox, "night.csv", GOOD)
        wait_for(lambda: has_leads(engine, ["L1", "L2"]), what="the dropped file's rows in the database")
        wait_for(lambda: (inbox / "done" / "night.csv").exists(), what="the file in done/")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "Imported night.csv into leads" in proc.stdout.read()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM uploads")).scalar() == 1
    finally:
        if proc.poll() is None:
            proc.kill()
        store.dispose_engine(url)
