"""The corpus of malformed files (tests/data/bad/, see MANIFEST.md) through ``ingest``.

For every file: ``ingest`` never raises; the outcome with on_error="abort" and
"skip" is as the corpus says; the report names row, column, value and a reason
in English and Chinese; when nothing should load, every table (facts, audit,
undo twins, saved mappings) is exactly as before. Plus a 50 MB leads file made
at test time. The whole corpus runs on DuckDB; a representative subset also on
PostgreSQL (``engine`` fixture).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import numpy as np
import pytest
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.ingest.audit import list_uploads
from kpi_engine.ingest.model import IngestResult
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db
from tests.bad_corpus_model import BAD_DIR, EITHER, LOADS, REFUSED, BadFile, Expect
from tests.make_bad_corpus import CORPUS, manifest, write

CASES = {c.name: c for c in CORPUS}
PG_SUBSET = [
    "empty.csv", "png_renamed.csv", "truncated.xlsx", "wrong_table.csv", "bad_numbers.csv", "negative_cost.csv",
    "stage_before_created.csv", "duplicate_keys.csv", "unknown_key_partial.csv", "blank_required_cells.csv",
    "ragged_too_many.csv", "nul_bytes.csv", "formula_cells.csv", "future_year_9999.csv", "bad_cells.xlsx",
    "number_not_finite.csv", "id_too_long.csv", "channel_name_and_id.csv", "formula_no_value.xlsx",
]
@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus files too big to commit, written once per module."""
    directory = tmp_path_factory.mktemp("bad_big")
    write(directory, [c for c in CORPUS if c.big])
    return directory


def _path(case: BadFile, big_dir: Path) -> Path:
    return (big_dir if case.big else BAD_DIR) / case.name


# --- checks shared by every case ------------------------------------------------------------------


def _matches(issue: dict, exp: Expect) -> bool:
    if exp.severity != "any" and issue["severity"] != exp.severity:
        return False
    if exp.codes and issue["code"] not in exp.codes:
        return False
    if exp.row is not None and db.row_no(issue["row"]) != exp.row:
        return False
    if exp.column is not None and exp.column not in (issue["column"], issue.get("source")):
        return False
    if exp.value is not None and (db.blank(issue["value"]) or str(issue["value"]) != exp.value):
        return False
    return exp.value_contains is None or (not db.blank(issue["value"]) and exp.value_contains in str(issue["value"]))


def check_expected(res: IngestResult, expects: tuple[Expect, ...]) -> None:
    records = res.issues.to_dict("records")
    for exp in expects:
        assert any(_matches(i, exp) for i in records), f"expected {exp}\nbut the report is:\n{db.show(res.issues)}"


def check_stored(engine: Engine, case: BadFile, stored: tuple) -> None:
    for s in stored:
        rows = db.rows_where(engine, s.table, s.where)
        assert len(rows) == 1, f"{s}: {len(rows)} rows"
        actual = rows[0][s.column]
        assert db.same_value(actual, s.value), f"{case.name}: {s.table}.{s.column} where {s.where} is {str(actual)[:80]!r}"


def check_no_nul(engine: Engine) -> None:
    assert not [v for v in db.text_values(engine) if "\x00" in v], "a NUL byte was stored"


def check_refused(engine: Engine, res: IngestResult, case: BadFile, before: dict) -> None:
    assert res.status in case.statuses, f"{case.name}: status {res.status}\n{db.show(res.issues)}"
    assert res.upload_id is None and not res.ok
    assert res.inserted == 0 and res.updated == 0
    if res.status == "refused":
        assert len(res.errors) > 0, f"refused without an error: {db.show(res.issues)}"
    else:
        assert len(res.issues) > 0
    check_expected(res, case.expect)
    after = db.dump(engine)
    assert after == before, db.diff(before, after)


def check_loaded_then_undo(engine: Engine, res: IngestResult, case: BadFile, before: dict) -> None:
    assert res.status == "loaded" and res.upload_id is not None, f"{case.name}: {res.status}\n{db.show(res.issues)}"
    assert res.inserted + res.updated > 0
    check_stored(engine, case, case.stored)
    check_expected(res, tuple(e for e in case.expect if e.severity != "error"))
    undone = undo_upload(engine, res.upload_id)
    assert undone.ok, undone
    after = db.dump(engine, db.FACT_TABLES)
    facts_before = {k: before[k] for k in db.FACT_TABLES}
    assert after == facts_before, db.diff(facts_before, after)


def check_skip(engine: Engine, path: Path, case: BadFile, before: dict) -> None:
    res = ingest(engine, path, table=case.table, on_error="skip")
    assert isinstance(res, IngestResult)
    db.check_report(res)
    check_no_nul(engine)
    if case.skip is None:
        if case.outcome == REFUSED:  # file-level problem: nothing to skip to
            assert res.status in case.statuses and res.upload_id is None, f"{res.status}\n{db.show(res.issues)}"
            after = db.dump(engine)
            assert after == before, db.diff(before, after)
        return
    sk = case.skip
    assert res.status == "loaded" and res.upload_id is not None, f"{res.status}\n{db.show(res.issues)}"
    assert (res.inserted, res.updated, res.rejected) == (sk.inserted, sk.updated, sk.rejected), (
        f"inserted/updated/rejected {(res.inserted, res.updated, res.rejected)}\n{db.show(res.issues)}")
    check_expected(res, case.expect)
    for table, where in sk.absent:
        assert db.rows_where(engine, table, where) == [], f"rejected row stored: {table} {where}"
    check_stored(engine, case, sk.stored)
    after = db.dump(engine, db.FACT_TABLES)
    assert len(after[case.table]) == len(before[case.table]) + sk.inserted
    untouched = [t for t in db.FACT_TABLES if t not in (case.table, "people", "channels")]
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    audit = list_uploads(engine)
    top = audit.iloc[0]
    assert int(top["upload_id"]) == res.upload_id and top["table"] == case.table
    assert (int(top["inserted"]), int(top["updated"]), int(top["rejected"])) == (sk.inserted, sk.updated, sk.rejected)
    assert not bool(top["undone"])
    undone = undo_upload(engine, res.upload_id)
    assert undone.ok, undone
    restored = db.dump(engine, db.FACT_TABLES)
    facts_before = {k: before[k] for k in db.FACT_TABLES}
    assert restored == facts_before, db.diff(facts_before, restored)


def run_case(engine: Engine, case: BadFile, path: Path) -> None:
    db.seed(engine)
    before = db.dump(engine)
    res = ingest(engine, path, table=case.table, on_error="abort")
    assert isinstance(res, IngestResult)
    db.check_report(res)
    check_no_nul(engine)
    always = tuple(e for e in case.expect if e.severity == "any")
    check_expected(res, always)
    if case.outcome == REFUSED or (case.outcome == EITHER and res.status != "loaded"):
        check_refused(engine, res, case, before)
        check_skip(engine, path, case, before)
    elif case.outcome in (LOADS, EITHER):
        check_loaded_then_undo(engine, res, case, before)
    else:  # pragma: no cover - corpus typo
        raise AssertionError(case.outcome)


# --- tests ----------------------------------------------------------------------------------------


def test_corpus_is_complete_and_committed_files_match_generator() -> None:
    assert len(CORPUS) >= 30
    for case in CORPUS:
        assert case.description.strip() and "\n" not in case.description
        if not case.big:
            assert (BAD_DIR / case.name).read_bytes() == case.make(), f"{case.name}: run python tests/make_bad_corpus.py"
    assert (BAD_DIR / "MANIFEST.md").read_text(encoding="utf-8") == manifest()
    committed = {p.name for p in BAD_DIR.iterdir()} - {"MANIFEST.md"}
    assert committed == {c.name for c in CORPUS if not c.big}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_duckdb(duck_engine: Engine, big_dir: Path, name: str) -> None:
    case = CASES[name]
    run_case(duck_engine, case, _path(case, big_dir))


@pytest.mark.parametrize("name", PG_SUBSET)
def test_bad_file_every_backend(engine: Engine, big_dir: Path, name: str) -> None:
    case = CASES[name]
    run_case(engine, case, _path(case, big_dir))


@pytest.mark.parametrize("table", [None, "leads", "spend"])
def test_junk_bytes_refused_whatever_table(duck_engine: Engine, table: str | None) -> None:
    db.seed(duck_engine)
    before = db.dump(duck_engine)
    for name in ("png_renamed.csv", "random_bytes.csv", "zip_not_xlsx.xlsx", "html_renamed.csv", "json_renamed.csv"):
        for on_error in ("abort", "skip"):
            res = ingest(duck_engine, (BAD_DIR / name).read_bytes(), name, table=table, on_error=on_error)
            assert res.status in ("refused", "empty") and res.upload_id is None, (name, table, res.status)
            assert len(res.errors) > 0
            db.check_report(res)
    assert db.dump(duck_engine) == before


def test_dry_run_of_bad_file_writes_nothing(duck_engine: Engine) -> None:
    db.seed(duck_engine)
    before = db.dump(duck_engine)
    res = ingest(duck_engine, BAD_DIR / "bad_dates.csv", table="leads", on_error="skip", dry_run=True)
    assert res.status == "dry_run" and res.upload_id is None
    check_expected(res, CASES["bad_dates.csv"].expect)
    assert db.dump(duck_engine) == before


# --- 50 MB ----------------------------------------------------------------------------------------


def _big_leads(path: Path, target_bytes: int = 50 * 1024 * 1024) -> tuple[int, np.ndarray, np.ndarray]:
    """A ~50 MB leads CSV (written by DuckDB COPY); every 997th row has a bad date, every 1009th a negative value.

    Returns (data rows, spreadsheet rows with a bad date, spreadsheet rows with a negative expected value).
    """
    n = target_bytes // 63 + 1
    con = duckdb.connect()
    try:
        con.execute(f"""
        COPY (
          SELECT printf('BIG%08d', i) AS lead_id,
                 CASE WHEN i % 997 = 500 THEN '2025-13-45'
                      ELSE strftime(TIMESTAMP '2025-01-01' + to_days((i % 500)::INT) + to_seconds(((i * 37) % 86400)::BIGINT),
                                    '%Y-%m-%d %H:%M:%S') END AS created_at,
                 ['douyin_video', 'baidu_search', 'xiaohongshu_notes', 'wechat_official'][(i % 4) + 1] AS channel_id,
                 printf('CMP%03d', i % 50) AS campaign_id,
                 CASE WHEN i % 2 = 0 THEN 'p_ann' ELSE 'p_bo' END AS owner_id,
                 CASE WHEN i % 1009 = 3 THEN '-' ELSE '' END || ((i * 7919) % 100000)::VARCHAR AS expected_value
          FROM range({n}) t(i) ORDER BY i
        ) TO '{path.as_posix()}' (HEADER, DELIMITER ',')""")
    finally:
        con.close()
    i = np.arange(n)
    return n, i[(i % 997) == 500] + 2, i[(i % 1009) == 3] + 2


@pytest.mark.slow
def test_50mb_leads_file_with_bad_rows(duck_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "leads_50mb.csv"
    n, bad_date_rows, negative_rows = _big_leads(path)
    assert path.stat().st_size >= 50 * 1024 * 1024
    bad_rows = set(bad_date_rows.tolist()) | set(negative_rows.tolist())
    db.seed(duck_engine)
    before = db.dump(duck_engine)

    t0 = time.perf_counter()
    res = ingest(duck_engine, path, table="leads", on_error="abort")
    abort_s = time.perf_counter() - t0
    assert res.status == "refused" and res.upload_id is None
    assert res.rows_read == n
    errors = res.errors
    assert set(errors["row"].map(db.row_no)) == bad_rows
    assert set(errors.loc[errors["code"] == "bad_date", "row"].map(db.row_no)) == set(bad_date_rows.tolist())
    assert set(errors.loc[errors["code"] == "negative", "row"].map(db.row_no)) == set(negative_rows.tolist())
    db.check_report(res, limit=200)
    assert db.dump(duck_engine) == before

    t0 = time.perf_counter()
    res = ingest(duck_engine, path, table="leads", on_error="skip")
    skip_s = time.perf_counter() - t0
    assert res.status == "loaded", db.show(res.issues)
    assert (res.inserted, res.updated, res.rejected) == (n - len(bad_rows), 0, len(bad_rows))
    assert db.count(duck_engine, "leads") == len(before["leads"]) + n - len(bad_rows)
    first_bad = min(bad_rows)
    assert db.rows_where(duck_engine, "leads", {"lead_id": f"BIG{first_bad - 2:08d}"}) == []
    assert db.rows_where(duck_engine, "leads", {"lead_id": "BIG00000001"})[0]["expected_value"] == 7919.0
    print(f"\n50 MB leads ({n} rows): abort {abort_s:.1f}s, skip+load {skip_s:.1f}s")


def test_every_table_has_a_bad_file() -> None:
    covered = {c.table for c in CORPUS if c.table}
    assert covered == set(schema.UPLOAD_TABLES)
