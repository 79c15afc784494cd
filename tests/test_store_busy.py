"""The app and the CLI sharing one DuckDB file: a lock held by another process is waited for, then "busy"."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import store

ROOT = Path(__file__).resolve().parent.parent
HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.readline()"


def test_a_file_held_by_another_process_is_busy_then_free(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kpi.duckdb"
    url = f"duckdb:///{path}"
    store.get_engine(url)
    store.dispose_engine(url)
    monkeypatch.setenv(store.BUSY_WAIT_ENV, "0.5")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"  # waits on the condition
        engine = store.get_engine(url, create=False)
        with pytest.raises(store.DatabaseBusy, match="in use by another process"):
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
        cli = subprocess.run([sys.executable, "-m", "kpi_engine", "uploads", "--db", url], capture_output=True,
                             text=True, cwd=ROOT, env={**os.environ, store.BUSY_WAIT_ENV: "0.5"}, timeout=120)
        assert cli.returncode == 75 and "database is busy" in cli.stderr and "Traceback" not in cli.stderr
    finally:
        holder.communicate("\n", timeout=30)
    with store.get_engine(url, create=False).connect() as conn:  # released: works again
        assert conn.execute(sa.text("select 1")).scalar() == 1
    store.dispose_engine(url)


def test_threads_opening_one_file_at_the_same_instant_never_fail(tmp_path: Path) -> None:
    """The dashboard's sessions are threads of one process, each opening the file per operation: DuckDB's
    transient "unique file handle conflict" (one thread attaching while another detaches) is waited out."""
    errors: list[BaseException] = []
    for round_ in range(60):  # each round a new file: the conflict comes when the file is first attached
        url = f"duckdb:///{tmp_path / f'kpi{round_}.duckdb'}"
        engine = store.get_engine(url)
        start = threading.Barrier(4)

        def work(start: threading.Barrier = start, engine: sa.Engine = engine) -> None:
            start.wait()
            try:
                for _ in range(5):
                    with engine.begin() as conn:
                        conn.execute(sa.text("select 1"))
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        store.dispose_engine(url)
    assert errors == []


TRY = "import duckdb, sys\ntry:\n    duckdb.connect(sys.argv[1]).close()\n    print('opened')\nexcept duckdb.Error:\n    print('locked')"


def _other_process_opens(path: Path) -> str:
    return subprocess.run([sys.executable, "-c", TRY, str(path)], capture_output=True, text=True,
                          timeout=120).stdout.strip()


def test_a_page_run_keeps_the_file_open_and_lets_it_go_after(tmp_path: Path) -> None:
    """``store.kept_open`` (one page run): the file stays open across the run's queries, nested holders share it,
    and once the last one leaves another process can open the file again."""
    path = tmp_path / "kpi.duckdb"
    url = f"duckdb:///{path}"
    engine = store.get_engine(url)
    with store.kept_open(engine):
        with store.kept_open(engine):  # nested (or another session's thread): the same open file
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        with engine.connect() as conn:  # still open, and the write is seen
            assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 1
        assert _other_process_opens(path) == "locked"
    assert _other_process_opens(path) == "opened"  # let go: a command-line upload gets its turn
    with pytest.raises(RuntimeError):
        with store.kept_open(engine):
            raise RuntimeError("a failing page")
    assert _other_process_opens(path) == "opened"  # let go after an error too
    store.dispose_engine(url)


def test_the_unchanged_mark_moves_with_every_write_while_the_file_is_kept_open(tmp_path: Path) -> None:
    """What the app read under an equal ``store.unchanged_mark`` is still current (``ui.db.version`` relies on it):
    reads leave it, every committed write moves it, and without the file kept open there is no mark."""
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    assert store.unchanged_mark(engine) is None  # not kept open: another process may write at any moment
    with store.kept_open(engine):
        first = store.unchanged_mark(engine)
        assert first is not None
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert store.unchanged_mark(engine) == first  # a read changes nothing
        with engine.begin() as conn:
            store.bump_data_version(conn)
        after_write = store.unchanged_mark(engine)
        assert after_write is not None and after_write != first
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            conn.commit()
        assert store.unchanged_mark(engine) != after_write
    with store.kept_open(engine):  # opened again: another process may have written in between
        assert store.unchanged_mark(engine) not in (None, first, after_write)
    assert store.unchanged_mark(engine) is None
    store.dispose_engine(url)
