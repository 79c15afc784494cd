"""Hostile input and faults (issue 17) through the command line: the sentence a user reads, the store unchanged.

Each new bad file of the corpus (tests/make_bad_corpus.py) goes through ``python -m kpi_engine ingest``
(``main(argv)``) on a seeded DuckDB file: the exact English reason is printed (and a Chinese one for some),
the exit status says refused, and every table is as before. A full disk is a real one: a small tmpfs holds
the store (needs root and mount, which `make test` has; without them the test fails saying so, never skips). ``kpi_engine.faults`` classifies driver errors.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from kpi_engine import faults, store
from kpi_engine.__main__ import main
from kpi_engine.store import DatabaseBusy
from tests import ingest_db as db
from tests.bad_corpus_model import BAD_DIR
from tests.make_bad_corpus import CORPUS, write

CASES = {c.name: c for c in CORPUS}

# file -> (exit status with --on-error abort, sentences the output must hold)
EXPECTED: dict[str, tuple[int, list[str]]] = {
    "number_not_finite.csv": (1, [
        "cost must be a finite number no larger than 1,000,000,000,000 (row 3: '1e309').",
        "cost must be a finite number no larger than 1,000,000,000,000 (row 4: '1e300').",
    ]),
    "id_too_long.csv": (1, [
        "lead_id is longer than the limit of 200 characters (row 3: 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT…').",
        "channel_id is longer than the limit of 200 characters (row 4: ",
    ]),
    "dates_out_of_range.csv": (1, [
        "created_at must be a date from 1900-01-01 to 2200-12-31 (row 3: '1800-01-01').",
        "created_at must be a date from 1900-01-01 to 2200-12-31 (row 4: '2300-05-01').",
    ]),
    "unused_columns.csv": (0, [
        "- 12 columns of the file are not mapped and are not loaded: extra_0, extra_1, extra_2, extra_3, extra_4, "
        "extra_5, extra_6, extra_7, extra_8, extra_9, …. Nothing to do if they are not needed;",
    ]),
    "channel_name_and_id.csv": (1, [
        "Row 3 repeats the key date+channel_id+campaign_id+ad_id '2026-01-20 | baidu_search | C100 | ' of row 2 once "
        "names are matched to ids (the same channel or person written by name in one row and by id in the other); "
        "the first row is kept.",
    ]),
    "sheets_ask.xlsx": (1, [
        "- The workbook has several sheets (Leads, Spend) and none clearly holds the data, so none was read. "
        "Choose the sheet: rerun with --sheet NAME (on the Data page, choose the sheet).",
    ]),
    "sheets_pick.xlsx": (0, [
        "- The workbook has several sheets (Notes, Leads); 'Leads' was read because it looks like the data. "
        "To read another sheet, rerun with --sheet NAME (on the Data page, choose the sheet).",
    ]),
    "formula_no_value.xlsx": (1, [
        "Row 3, expected_value: the cell holds a formula (=B2*2) without a saved result, so its value is unknown; "
        "the row is skipped.",
    ]),
    "merged_cells.xlsx": (1, [
        "- The data has 1 merged cell ranges (C2:C3); only the first cell of a merged range holds the value, so the "
        "other rows would be read as blank. Unmerge the cells in Excel",
    ]),
}
ZH = {
    "number_not_finite.csv": "cost 必须是不超过 1,000,000,000,000 的有限数字（第 3 行：'1e309'）。",
    "dates_out_of_range.csv": "created_at 必须是1900-01-01 到 2200-12-31 之间的日期（第 3 行：'1800-01-01'）。",
    "sheets_ask.xlsx": "工作簿有多个工作表（Leads, Spend），无法确定哪一个是数据，因此没有读取。",
    "merged_cells.xlsx": "数据中有 1 处合并单元格（C2:C3）",
}


@pytest.fixture
def seeded(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'hostile.duckdb'}"
    engine = store.get_engine(url)
    db.seed(engine)
    yield url, engine
    store.dispose_engine(url)


def _ingest(capsys: pytest.CaptureFixture, url: str, path: Path, table: str, *extra: str) -> tuple[int, str, str]:
    code = main(["ingest", str(path), "--db", url, "--table", table, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_says_why_and_changes_nothing(seeded, capsys: pytest.CaptureFixture, name: str) -> None:
    url, engine = seeded
    case = CASES[name]
    before = db.dump(engine)
    status, sentences = EXPECTED[name]
    code, out, err = _ingest(capsys, url, BAD_DIR / name, case.table, "--dry-run")
    assert (code, err) == (status, ""), out
    for sentence in sentences:
        assert sentence in out, out
    assert "Traceback" not in out
    if status:  # refused: the real run stores nothing either
        code, out, _ = _ingest(capsys, url, BAD_DIR / name, case.table)
        assert code == 1 and "Nothing was loaded" in out, out
    if name in ZH:
        _, out, _ = _ingest(capsys, url, BAD_DIR / name, case.table, "--dry-run", "--lang", "zh")
        assert ZH[name] in out, out
    assert db.dump(engine) == before


def test_huge_id_refused_without_creating_anything(seeded, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    url, engine = seeded
    path = write(tmp_path, [CASES["huge_id_value.csv"]])["huge_id_value.csv"]
    before = db.dump(engine)
    code, out, _ = _ingest(capsys, url, path, "leads", "--on-error", "abort")
    assert code == 1 and "lead_id is longer than the limit of 200 characters (row 2: 'LLLL" in out
    assert len(out) < 5000  # the value is never printed whole
    assert db.dump(engine) == before


def test_channel_by_name_and_id_skip_loads_the_first(seeded, capsys: pytest.CaptureFixture) -> None:
    url, engine = seeded
    code, out, _ = _ingest(capsys, url, BAD_DIR / "channel_name_and_id.csv", "spend", "--on-error", "skip")
    assert code == 0 and "inserted 2 · updated 0 · rejected 1" in out, out
    assert db.rows_where(engine, "spend", {"date": "2026-01-20", "campaign_id": "C100"})[0]["cost"] == 10.0
    assert db.rows_where(engine, "channels", {"channel_id": "百度搜索"}) == []  # the name resolved, no new channel


def test_sheet_option_reads_the_named_sheet(seeded, capsys: pytest.CaptureFixture) -> None:
    url, engine = seeded
    code, out, _ = _ingest(capsys, url, BAD_DIR / "sheets_ask.xlsx", "spend", "--sheet", "Spend")
    assert code == 0 and "Loaded upload" in out, out
    code, out, _ = _ingest(capsys, url, BAD_DIR / "sheets_ask.xlsx", "spend", "--sheet", "Orders")
    assert code == 1 and "The workbook has no sheet named 'Orders'; its sheets are: Leads, Spend." in out


# --- faults ---------------------------------------------------------------------------------------------------


def test_classify_driver_errors() -> None:
    def wrapped(exc: Exception, cls=OperationalError) -> Exception:
        return cls("INSERT ...", {}, exc)

    assert faults.classify(wrapped(duckdb.IOException('Could not write file "x": No space left on device'))) == "disk_full"
    assert faults.classify(OSError(errno.ENOSPC, "No space left on device")) == "disk_full"
    assert faults.classify(DatabaseBusy("in use")) == "busy"
    assert faults.classify(wrapped(duckdb.IOException("Could not set lock on file"))) == "busy"
    assert faults.classify(wrapped(duckdb.ConstraintException("duplicate key"), IntegrityError)) == "conflict"
    assert faults.classify(wrapped(duckdb.TransactionException("Conflict on tuple deletion!"))) == "other"
    assert faults.classify(OSError(errno.EROFS, "Read-only file system")) == "read_only"
    fault = faults.explain(wrapped(duckdb.InternalException("boom")), "zh")
    assert fault.kind == "other" and fault.error_id in fault.message and fault.exit_code == 1


def _mount_tmpfs(where: Path, size_kb: int) -> str:
    """Mount a small tmpfs at ``where``; the reason it could not, or "" when mounted."""
    where.mkdir()
    if shutil.which("mount") is None:
        return "the mount command is missing"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], capture_output=True,
                          text=True)
    return "" if done.returncode == 0 else done.stderr.strip() or f"mount exited {done.returncode}"


def test_full_disk_is_one_sentence_and_nothing_stored(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "seed.duckdb"
    engine = store.get_engine(f"duckdb:///{src}")
    db.seed(engine)
    before = db.dump(engine)
    store.dispose_engine(f"duckdb:///{src}")
    full = tmp_path / "full"
    problem = _mount_tmpfs(full, src.stat().st_size // 1024 + 1024)
    if problem:
        pytest.fail(f"the full-disk test mounts a small tmpfs, which needs root (make test runs as root in CI): {problem}")
    try:
        shutil.copy(src, full / "kpi.duckdb")
        big = tmp_path / "big.csv"
        con = duckdb.connect()
        con.execute(f"COPY (SELECT printf('FULL%012d-padding-padding', i) AS lead_id, '2026-03-01 10:00' AS created_at, "
                    f"'baidu_search' AS channel_id, printf('camp%d', i % 997) AS campaign_id FROM range(200000) t(i)) "
                    f"TO '{big.as_posix()}' (HEADER)")
        con.close()
        monkeypatch.setenv(faults.LOG_ENV, str(tmp_path / "errors.log"))
        url = f"duckdb:///{full / 'kpi.duckdb'}"
        code = main(["ingest", str(big), "--db", url, "--table", "leads"])
        err = capsys.readouterr().err
        assert code == 75
        assert err.startswith("error: Nothing was stored: the disk holding the database is full. Free some space "
                              "(or ask your admin) and upload again. Details: ")
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "No space left on device" in (tmp_path / "errors.log").read_text(encoding="utf-8")
        store.dispose_engine(url)
        copy = tmp_path / "after.duckdb"
        shutil.copy(full / "kpi.duckdb", copy)
        for wal in full.glob("kpi.duckdb.wal"):
            shutil.copy(wal, tmp_path / "after.duckdb.wal")
    finally:
        store.dispose_engine(f"duckdb:///{full / 'kpi.duckdb'}")
        subprocess.run(["umount", str(full)], capture_output=True)
    after = store.get_engine(f"duckdb:///{copy}")
    try:
        assert db.dump(after) == before
    finally:
        store.dispose_engine(f"duckdb:///{copy}")
