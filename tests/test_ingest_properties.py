"""Hypothesis: invariants of the importer that must hold for every input.

- any bytes given to read/ingest give a RawFile / IngestResult, never an exception;
- random CSVs with realistic headers and random cells never crash, every error names row/column/reason,
  and the counts add up;
- an upload followed by its undo leaves the database exactly as it was;
- uploading the same file twice changes nothing the second time (0 inserted, 0 updated).

One DuckDB file per test, emptied and re-seeded between examples.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from kpi_engine.ingest.model import IngestResult, RawFile
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.read import read_upload
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOWER = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --- strategies -----------------------------------------------------------------------------------

PREFIXES = [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"lead_id,created_at,channel_id\n",
            b"date,channel_id,cost\r\n2026-01-01,", "线索编号,创建时间,渠道\n".encode("gbk"), b"<html>", b"\x00\x00"]

any_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=2000)),
)

# canonical column -> header spellings a real export uses
HEADERS: dict[str, dict[str, list[str]]] = {
    "leads": {
        "lead_id": ["lead_id", "线索编号", "Lead ID"], "created_at": ["created_at", "创建时间", "Create Time"],
        "channel_id": ["channel_id", "渠道", "Lead Source"], "campaign_id": ["campaign_id", "活动"],
        "owner_id": ["owner_id", "负责人", "Lead Owner"], "expected_value": ["expected_value", "预计金额"],
        "mql_at": ["mql_at"], "won_at": ["won_at"], "deal_value": ["deal_value", "成交金额"],
        "stage": ["stage", "阶段", "Deal Stage"], "close_date": ["close_date", "关闭日期", "Close Date"],
    },
    "spend": {
        "date": ["date", "日期", "Day"], "channel_id": ["channel_id", "渠道"], "campaign_id": ["campaign_id", "Campaign ID"],
        "ad_id": ["ad_id", "Ad ID"], "cost": ["cost", "花费", "消耗", "Amount spent (CNY)"],
        "impressions": ["impressions", "展现", "Impr."], "clicks": ["clicks", "点击"],
    },
    "people": {"person_id": ["person_id", "工号"], "name": ["name", "姓名"], "team": ["team", "团队"], "email": ["email", "邮箱"]},
    "survey_responses": {"response_id": ["response_id"], "date": ["date"], "score": ["score", "评分"]},
}
KIND = {"created_at": "date", "mql_at": "date", "won_at": "date", "close_date": "date", "date": "date",
        "expected_value": "number", "deal_value": "number", "cost": "number", "impressions": "number",
        "clicks": "number", "score": "number", "stage": "stage"}

GOOD = {
    "date": st.sampled_from(["2026-01-05", "2026/1/6", "2026-01-07 09:30", "2026年1月8日", "20260109", "2026-01-10T08:00:00Z"]),
    "number": st.one_of(st.integers(0, 100000).map(str), st.sampled_from(["1,200.50", "¥300", "1.2万", "0", "45.5"])),
    "stage": st.sampled_from(["won", "lost", "closed won", "赢单", "输单", "成交", "open"]),
    "id": st.sampled_from(["L0001", "L0002", "G1", "G2", "G3", "G4", "baidu_search", "douyin_video", "p_ann", "王博", "赵六"]),
}
JUNK = st.sampled_from(["", " ", "N/A", "—", "#VALUE!", "-5", "12,5O", "2026-02-30", "yesterday", "=1+1", "@SUM(1)",
                        "9999-12-31", "1e309", "NaN", "null", "\u200b", "线索", '"', "a,b", "x\ny", "-0"])


def cell(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(GOOD[kind], GOOD[kind], JUNK, st.text(max_size=12))


@st.composite
def csv_files(draw: st.DrawFn, tables: tuple[str, ...] = tuple(HEADERS)) -> tuple[str, bytes]:
    """A CSV whose headers are spellings of some columns of one table, with random (often bad) cells."""
    table = draw(st.sampled_from(tables))
    spellings = HEADERS[table]
    cols = draw(st.lists(st.sampled_from(sorted(spellings)), min_size=1, max_size=len(spellings), unique=True))
    headers = [draw(st.sampled_from(spellings[c])) for c in cols]
    n = draw(st.integers(0, 12))
    rows = [[draw(cell(KIND.get(c, "id"))) for c in cols] for _ in range(n)]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows([headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return table, buf.getvalue().encode(encoding, errors="replace")


@st.composite
def valid_ish_leads(draw: st.DrawFn) -> bytes:
    """Leads mostly valid: overlapping seeded keys, new keys, owners by id or by name, blank channels, a few bad cells."""
    n = draw(st.integers(1, 15))
    ids = draw(st.lists(st.sampled_from(["L0001", "L0002", "L0003"] + [f"G{i}" for i in range(20)]), min_size=n, max_size=n))
    rows = [["线索编号", "创建时间", "渠道", "负责人", "预计金额", "阶段", "关闭日期"]]
    for lead in ids:
        day = draw(st.integers(1, 28))
        created = draw(st.one_of(st.just(f"2026-03-{day:02d} 10:00"), st.just(f"2026/3/{day}"), JUNK))
        channel = draw(st.sampled_from(["baidu_search", "douyin_video", "xiaohongshu_notes", "", "wechat_official"]))
        owner = draw(st.sampled_from(["p_ann", "王博", "赵六", "Carol Wu", ""]))
        value = draw(st.one_of(st.integers(0, 99999).map(str), st.just(""), st.just("-1")))
        stage = draw(st.sampled_from(["", "won", "lost", "赢单", "open"]))
        close = f"2026-04-{day:02d}" if stage else ""
        rows.append([lead, created, channel, owner, value, stage, close])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return draw(st.sampled_from([buf.getvalue().encode("utf-8-sig"), buf.getvalue().encode("gb18030")]))


@st.composite
def valid_ish_spend(draw: st.DrawFn) -> bytes:
    """Ad-level spend: several ads per campaign per day, some without campaign or ad, some bad costs."""
    n = draw(st.integers(1, 15))
    rows = [["Day", "Channel", "Campaign ID", "Ad ID", "Amount spent (CNY)", "Impressions", "Link clicks"]]
    for _ in range(n):
        rows.append([
            f"2026-01-{draw(st.integers(1, 4)):02d}",
            draw(st.sampled_from(["baidu_search", "douyin_video", "meta_ads"])),
            draw(st.sampled_from(["C100", "C200", ""])),
            draw(st.sampled_from(["A1", "A2", "A3", ""])),
            draw(st.one_of(st.integers(0, 5000).map(str), st.just("1,234.5"), st.just("-3"), st.just("N/A"))),
            str(draw(st.integers(0, 10**6))),
            str(draw(st.integers(0, 10**4))),
        ])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


# --- properties -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(duck_engine: Engine) -> Engine:
    db.seed(duck_engine)
    return duck_engine


def _assert_unchanged_unless_loaded(engine: Engine, res: IngestResult, before: dict) -> None:
    if res.status == "loaded":
        assert res.upload_id is not None
        db.reset(engine)
    else:
        assert res.upload_id is None
        after = db.dump(engine)
        assert after == before, db.diff(before, after)


@FAST
@given(data=any_bytes, ext=st.sampled_from([".csv", ".xlsx", ".txt", ".tsv", ""]))
def test_random_bytes_never_crash_reader(data: bytes, ext: str) -> None:
    raw = read_upload(data, "upload" + ext)
    assert isinstance(raw, RawFile)
    assert raw.size == len(data)
    if raw.rows == 0:
        assert len(raw.issues) > 0, "no rows and no issue"


@FAST
@given(data=any_bytes, ext=st.sampled_from([".csv", ".xlsx", ""]), table=st.sampled_from([None, "leads", "spend"]),
       on_error=st.sampled_from(["abort", "skip"]))
def test_random_bytes_never_crash_ingest(seeded: Engine, data: bytes, ext: str, table: str | None, on_error: str) -> None:
    before = db.dump(seeded)
    res = ingest(seeded, data, "upload" + ext, table=table, on_error=on_error)
    assert isinstance(res, IngestResult)
    db.check_report(res)
    _assert_unchanged_unless_loaded(seeded, res, before)


@FAST
@given(file=csv_files(), on_error=st.sampled_from(["abort", "skip"]), explicit=st.booleans())
def test_random_csv_never_crashes_and_reports_every_error(seeded: Engine, file: tuple[str, bytes], on_error: str,
                                                          explicit: bool) -> None:
    table, data = file
    before = db.dump(seeded)
    res = ingest(seeded, data, "export.csv", table=table if explicit else None, on_error=on_error)
    assert isinstance(res, IngestResult)
    db.check_report(res)  # every cell error has row and column; reasons in en and zh
    if res.status == "loaded":
        errors = res.errors
        error_rows = {db.row_no(r) for r in errors["row"]} - {None}
        assert res.rejected == len(error_rows), db.show(errors)
        assert res.inserted + res.updated <= res.rows_read
        after = db.dump(seeded, db.FACT_TABLES)
        assert len(after[res.table]) - len(before[res.table]) == res.inserted
        assert undo_upload(seeded, res.upload_id).ok
        restored = db.dump(seeded, db.FACT_TABLES)
        assert restored == {t: before[t] for t in db.FACT_TABLES}, db.diff(before, restored)
        db.reset(seeded)
    else:
        assert res.upload_id is None and res.inserted == res.updated == 0
        assert db.dump(seeded) == before
        if res.status == "refused":
            assert len(res.errors) > 0


@SLOWER
@given(data=st.one_of(valid_ish_leads(), valid_ish_spend()))
def test_upload_then_undo_restores_exactly(seeded: Engine, data: bytes) -> None:
    before = db.dump(seeded, db.FACT_TABLES)
    res = ingest(seeded, data, "export.csv", on_error="skip")
    assert isinstance(res, IngestResult)
    db.check_report(res)
    if res.status == "loaded":
        undo = undo_upload(seeded, res.upload_id)
        assert undo.ok, undo
        after = db.dump(seeded, db.FACT_TABLES)
        assert after == before, db.diff(before, after)
        again = undo_upload(seeded, res.upload_id)  # already undone: refused, nothing changes
        assert not again.ok
        assert db.dump(seeded, db.FACT_TABLES) == before
        db.reset(seeded)
    else:
        assert db.dump(seeded, db.FACT_TABLES) == before


@SLOWER
@given(data=st.one_of(valid_ish_leads(), valid_ish_spend()))
def test_reupload_is_idempotent(seeded: Engine, data: bytes) -> None:
    first = ingest(seeded, data, "export.csv", on_error="skip")
    after_first = db.dump(seeded, db.FACT_TABLES)
    second = ingest(seeded, data, "export.csv", on_error="skip")
    if first.status == "loaded":
        assert second.status in ("loaded", "empty"), second.status
    else:
        assert second.status == first.status
    assert (second.inserted, second.updated) == (0, 0), (first, second)
    assert second.rejected == first.rejected
    assert db.dump(seeded, db.FACT_TABLES) == after_first
    db.reset(seeded)
