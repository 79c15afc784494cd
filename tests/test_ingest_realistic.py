"""Realistic exports that must all work, on DuckDB and PostgreSQL, and the CLI exactly as issue 2 writes it.

Ad-level spend (many ads per campaign per day), an ad export without a date
column, an opportunity export (stage + close date, no channel) updating existing
leads, owners given by name, BOM + CRLF, blank optional/required cells, GBK with
Chinese headers, .xlsx, re-uploads of the same file and of an overlapping month,
and undo of each upload. Expected values are computed by hand from the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.ingest.audit import list_uploads
from kpi_engine.ingest.model import IngestResult
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db
from tests.bad_corpus_bytes import xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
T = dt.datetime
D = dt.date


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", newline: str = "\n", delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline, delimiter=delimiter).writerows([[str(c) for c in r] for r in rows])
    return buf.getvalue().encode(encoding)


def lead(engine: Engine, lead_id: str) -> dict:
    rows = db.rows_where(engine, "leads", {"lead_id": lead_id})
    assert len(rows) == 1, f"{lead_id}: {len(rows)} rows"
    return rows[0]


def person(engine: Engine, person_id: str) -> dict | None:
    rows = db.rows_where(engine, "people", {"person_id": person_id})
    return rows[0] if rows else None


def loaded(res: IngestResult, inserted: int, updated: int = 0, rejected: int = 0) -> None:
    assert res.status == "loaded" and res.upload_id is not None, f"{res.status}\n{db.show(res.issues)}"
    assert (res.inserted, res.updated, res.rejected) == (inserted, updated, rejected), (
        f"{(res.inserted, res.updated, res.rejected)}\n{db.show(res.issues)}")
    db.check_report(res)


def undo_restores(engine: Engine, upload_id: int, before: dict) -> None:
    res = undo_upload(engine, upload_id)
    assert res.ok, res
    after = db.dump(engine, db.FACT_TABLES)
    assert after == before, db.diff(before, after)


def spend_sum(engine: Engine, **where: object) -> tuple[int, float]:
    t = schema.spend
    cond = [t.c[k] == v for k, v in where.items()]
    with engine.connect() as conn:
        n, total = conn.execute(sa.select(sa.func.count(), sa.func.sum(t.c.cost)).where(*cond)).one()
    return int(n), float(total or 0)


# --- spend ----------------------------------------------------------------------------------------


def ad_level_rows() -> list[list[object]]:
    """Meta-style ad export: 2 days x 3 campaigns x 4 ads; cost = day*100 + campaign*10 + ad."""
    rows: list[list[object]] = [["Day", "Channel", "Campaign ID", "Ad ID", "Amount spent (CNY)", "Impressions", "Link clicks"]]
    for day in (1, 2):
        for camp in (1, 2, 3):
            for ad in (1, 2, 3, 4):
                rows.append([f"2026-03-0{day}", "meta_ads", f"CMP{camp}", f"AD{camp}{ad}", day * 100 + camp * 10 + ad,
                             1000 * ad, 10 * ad])
    return rows


def test_ad_level_rows_keep_every_ad(engine: Engine) -> None:
    db.seed(engine)
    before = db.dump(engine, db.FACT_TABLES)
    res = ingest(engine, csv_bytes(ad_level_rows()), "meta_ads_march.csv", table="spend")
    loaded(res, 24)
    n, total = spend_sum(engine, channel_id="meta_ads")
    # sum over day in 1,2; camp in 1..3; ad in 1..4 of day*100 + camp*10 + ad = 3600 + 480 + 60
    assert (n, total) == (24, 4140.0)
    row = db.rows_where(engine, "spend", {"date": "2026-03-02", "campaign_id": "CMP3", "ad_id": "AD34"})
    assert len(row) == 1 and row[0]["cost"] == 234.0 and row[0]["impressions"] == 4000.0 and row[0]["clicks"] == 40.0
    assert person_or_channel_created(engine, "channels", "meta_ads")
    undo_restores(engine, res.upload_id, before)


def person_or_channel_created(engine: Engine, table: str, key: str) -> bool:
    col = schema.key_columns(schema.UPLOAD_TABLES[table])[0]
    rows = db.rows_where(engine, table, {col: key})
    return len(rows) == 1 and bool(rows[0]["needs_review"])


def test_ad_export_without_date_column(engine: Engine) -> None:
    db.seed(engine)
    before = db.dump(engine, db.FACT_TABLES)
    data = csv_bytes([["Campaign ID", "Ad ID", "Cost", "Impressions", "Clicks"],
                      ["C100", "A1", "1,200.50", "5000", "60"], ["C100", "A2", "300", "2000", "20"], ["", "", "99.5", "100", "1"]])
    res = ingest(engine, data, "baidu_feb_total.csv", table="spend",
                 constants={"date": "2026-02-01", "channel_id": "baidu_search"})
    loaded(res, 3)
    assert spend_sum(engine, date=D(2026, 2, 1), channel_id="baidu_search") == (3, 1600.0)
    blank_keys = db.rows_where(engine, "spend", {"date": "2026-02-01", "campaign_id": "", "ad_id": ""})
    assert [r["cost"] for r in blank_keys] == [99.5]
    undo_restores(engine, res.upload_id, before)


def test_chinese_ad_platform_export_with_manual_mapping(engine: Engine) -> None:
    db.seed(engine)
    data = csv_bytes([["日期", "广告组ID", "计划ID", "消耗", "展示数", "点击数"],
                      ["2026/3/1", "G1", "P1", "¥1,000", "1.2万", "300"],
                      ["2026/3/1", "G1", "P2", "500", "8000", "100"]], encoding="gb18030")
    res = ingest(engine, data, "巨量引擎_3月.csv", table="spend", map_overrides={"campaign_id": "广告组ID", "ad_id": "计划ID"},
                 constants={"channel_id": "douyin_video"})
    loaded(res, 2)
    row = db.rows_where(engine, "spend", {"date": "2026-03-01", "campaign_id": "G1", "ad_id": "P1"})[0]
    assert (row["cost"], row["impressions"], row["clicks"], row["channel_id"]) == (1000.0, 12000.0, 300.0, "douyin_video")


# --- leads ----------------------------------------------------------------------------------------


def test_opportunity_export_updates_existing_leads_only_in_its_columns(engine: Engine) -> None:
    db.seed(engine)
    before = db.dump(engine, db.FACT_TABLES)
    l1, l2, l3 = lead(engine, "L0001"), lead(engine, "L0002"), lead(engine, "L0003")
    data = csv_bytes([["商机ID", "阶段", "成交日期", "成交金额", "负责人"],
                      ["L0001", "赢单", "2026-02-15", "12000", "王博"],
                      ["L0003", "输单", "2026-02-03", "", "Ann Lee"]], encoding="utf-8-sig", newline="\r\n")
    asked = ingest(engine, data, "opportunities.csv", table="leads")  # L0001 changes owner: confirm first
    assert asked.status == "unconfirmed" and asked.history.counts() == {"owner_id": 1}  # L0003's blank owner is filled
    assert db.dump(engine, db.FACT_TABLES) == before
    res = ingest(engine, data, "opportunities.csv", table="leads", accept_changes=True)
    loaded(res, 0, updated=2)
    assert not (res.warnings["code"] == "channel_blank").any(), "no channel column: nothing to warn about"
    n1, n3 = lead(engine, "L0001"), lead(engine, "L0003")
    assert (n1["won_at"], n1["deal_value"], n1["owner_id"], n1["lost_at"]) == (T(2026, 2, 15), 12000.0, "p_bo", None)
    assert (n3["lost_at"], n3["owner_id"], n3["won_at"]) == (T(2026, 2, 3), "p_ann", None)
    untouched = ["created_at", "channel_id", "campaign_id", "expected_value", "mql_at", "sql_at", "first_response_at"]
    assert {c: n1[c] for c in untouched} == {c: l1[c] for c in untouched}
    assert {c: n3[c] for c in untouched + ["deal_value"]} == {c: l3[c] for c in untouched + ["deal_value"]}
    assert lead(engine, "L0002") == l2
    assert db.count(engine, "people") == 2  # names resolved to existing people, nobody created
    undo_restores(engine, res.upload_id, before)


def test_owner_names_resolve_to_people_or_create_them(engine: Engine) -> None:
    db.seed(engine)
    before = db.dump(engine, db.FACT_TABLES)
    data = csv_bytes([["线索编号", "创建时间", "渠道", "负责人"],
                      ["N1", "2026-03-01 09:00", "baidu_search", "Ann Lee"],
                      ["N2", "2026-03-01 10:00", "baidu_search", "王博"],
                      ["N3", "2026-03-02 11:00", "douyin_video", "赵六"],
                      ["N4", "2026-03-02 12:00", "douyin_video", "p_ann"],
                      ["N5", "2026-03-03 08:00", "douyin_video", "赵六"]])
    res = ingest(engine, data, "crm_march.csv", table="leads")
    loaded(res, 5)
    assert [lead(engine, f"N{i}")["owner_id"] for i in range(1, 6)] == ["p_ann", "p_bo", "赵六", "p_ann", "赵六"]
    new = person(engine, "赵六")
    assert new is not None and new["name"] == "赵六" and new["needs_review"]
    assert db.count(engine, "people") == 3
    assert res.created.get("people") == ["赵六"]
    undo_restores(engine, res.upload_id, before)
    assert person(engine, "赵六") is None


def test_bom_crlf_and_blank_cells(engine: Engine) -> None:
    db.seed(engine)
    data = csv_bytes([["Lead ID", "Date Created", "Lead Source", "Campaign", "Expected Value"],
                      ["B1", "2026-03-05 10:00", "douyin_video", "", ""],
                      ["B2", "2026-03-05 11:00", "", "C100", "800"],
                      ["B3", "", "baidu_search", "", ""],
                      ["B4", "2026-03-06", "baidu_search", "C100", "1,000"]], encoding="utf-8-sig", newline="\r\n")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    res = ingest(engine, data, "hubspot.csv", table="leads", map_overrides={"campaign_id": "Campaign", "expected_value": "Expected Value"},
                 on_error="skip")
    loaded(res, 3, rejected=1)
    err = res.errors
    assert list(zip(err["code"], err["row"].map(db.row_no), err["column"], strict=True)) == [("missing_value", 4, "created_at")]
    warn = res.warnings[res.warnings["code"] == "channel_blank"]
    assert list(warn["row"].map(db.row_no)) == [3]
    b1, b2, b4 = lead(engine, "B1"), lead(engine, "B2"), lead(engine, "B4")
    assert (b1["campaign_id"], b1["expected_value"], b1["created_at"]) == (None, None, T(2026, 3, 5, 10, 0))
    assert (b2["channel_id"], b2["expected_value"]) == ("unattributed", 800.0)
    assert b4["expected_value"] == 1000.0 and b4["created_at"] == T(2026, 3, 6)
    assert db.rows_where(engine, "leads", {"lead_id": "B3"}) == []
    assert db.rows_where(engine, "channels", {"channel_id": "unattributed"})[0]["name"]


def test_gbk_chinese_headers(engine: Engine) -> None:
    db.seed(engine)
    data = csv_bytes([["线索编号", "创建时间", "来源渠道", "负责人", "预计金额"],
                      ["G1", "2026年3月1日", "douyin_video", "王博", "￥5,000"],
                      ["G2", "2026/3/2 9:30", "baidu_search", "赵六", "1.5万"]], encoding="gbk", newline="\r\n")
    res = ingest(engine, data, "销售易导出.csv")  # table detected from the Chinese headers
    assert res.table == "leads"
    loaded(res, 2)
    g1, g2 = lead(engine, "G1"), lead(engine, "G2")
    assert (g1["created_at"], g1["owner_id"], g1["expected_value"]) == (T(2026, 3, 1), "p_bo", 5000.0)
    assert (g2["created_at"], g2["owner_id"], g2["expected_value"]) == (T(2026, 3, 2, 9, 30), "赵六", 15000.0)


def test_xlsx_leads(engine: Engine) -> None:
    db.seed(engine)
    data = xlsx_bytes([["线索ID", "创建日期", "渠道", "预计金额", "MQL时间"],
                       ["X1", T(2026, 3, 1, 9, 30), "baidu_search", 1200.0, T(2026, 3, 2, 10, 0)],
                       ["X2", D(2026, 3, 3), "douyin_video", 99.5, None]])
    res = ingest(engine, data, "leads.xlsx", table="leads", map_overrides={"mql_at": "MQL时间"})
    loaded(res, 2)
    x1, x2 = lead(engine, "X1"), lead(engine, "X2")
    assert (x1["created_at"], x1["expected_value"], x1["mql_at"]) == (T(2026, 3, 1, 9, 30), 1200.0, T(2026, 3, 2, 10, 0))
    assert (x2["created_at"], x2["expected_value"], x2["mql_at"]) == (T(2026, 3, 3), 99.5, None)


def test_one_header_feeds_two_columns(engine: Engine) -> None:
    db.seed(engine)
    data = csv_bytes([["lead_id", "date", "channel_id"], ["MQ1", "2026-03-04 15:00", "baidu_search"]])
    res = ingest(engine, data, "mql_list.csv", table="leads", map_overrides={"created_at": "date", "mql_at": "date"})
    loaded(res, 1)
    row = lead(engine, "MQ1")
    assert row["created_at"] == row["mql_at"] == T(2026, 3, 4, 15, 0)


def test_money_keeps_its_cents(engine: Engine) -> None:
    db.seed(engine)
    data = csv_bytes([["订单编号", "客户ID", "下单日期", "金额"],
                      ["O201", "CU1", "2026-03-01", "1,234,567.89"], ["O202", "CU1", "2026-03-02", "0.10"],
                      ["O203", "CU1", "2026-03-03", "16777217"]])
    res = ingest(engine, data, "orders.csv", table="orders")
    loaded(res, 3)
    amounts = {r["order_id"]: r["amount"] for r in db.rows_where(engine, "orders", {"customer_id": "CU1"})}
    # exact as float64 (a 32-bit float would give 1234567.875, 0.10000000149 and 16777216)
    assert (amounts["O201"], amounts["O202"], amounts["O203"]) == (1234567.89, 0.1, 16777217.0)


# --- re-upload and overlapping months -------------------------------------------------------------


def month_file(first: int, last: int, changed: tuple[int, ...] = ()) -> bytes:
    """Leads R{i:03d} created on 2026-01-01 + (i-1) days; value i*10 (+5 when changed)."""
    rows: list[list[object]] = [["lead_id", "created_at", "channel_id", "expected_value"]]
    for i in range(first, last + 1):
        day = D(2026, 1, 1) + dt.timedelta(days=i - 1)
        rows.append([f"R{i:03d}", day.isoformat(), "baidu_search", i * 10 + (5 if i in changed else 0)])
    return csv_bytes(rows)


def test_reupload_and_overlapping_month_then_undo_each(engine: Engine) -> None:
    db.seed(engine)
    seeded = db.dump(engine, db.FACT_TABLES)
    january = month_file(1, 31)
    a = ingest(engine, january, "january.csv", table="leads")
    loaded(a, 31)
    after_a = db.dump(engine, db.FACT_TABLES)

    again = ingest(engine, january, "january.csv", table="leads")
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 0)
    assert db.dump(engine, db.FACT_TABLES) == after_a

    # Jan 16 .. Feb 14: 16..31 overlap (20..24 changed), 32..45 new
    b = ingest(engine, month_file(16, 45, changed=(20, 21, 22, 23, 24)), "jan16_feb14.csv", table="leads")
    loaded(b, 14, updated=5)
    assert db.count(engine, "leads") == len(seeded["leads"]) + 45
    assert lead(engine, "R020")["expected_value"] == 205.0 and lead(engine, "R019")["expected_value"] == 190.0

    blocked = undo_upload(engine, a.upload_id)  # b changed keys a wrote: undo b first
    assert not blocked.ok and b.upload_id in blocked.blocking_uploads
    assert db.count(engine, "leads") == len(seeded["leads"]) + 45

    undo_restores(engine, b.upload_id, after_a)
    undo_restores(engine, a.upload_id, seeded)
    audit = list_uploads(engine).set_index("upload_id")
    assert bool(audit.loc[a.upload_id, "undone"]) and bool(audit.loc[b.upload_id, "undone"])
    assert (int(audit.loc[b.upload_id, "inserted"]), int(audit.loc[b.upload_id, "updated"])) == (14, 5)


def test_spend_overlap_updates_by_full_key(engine: Engine) -> None:
    db.seed(engine)
    seeded = db.dump(engine, db.FACT_TABLES)
    first = ingest(engine, csv_bytes(ad_level_rows()), "week1.csv", table="spend")
    loaded(first, 24)
    after_first = db.dump(engine, db.FACT_TABLES)
    rows = ad_level_rows()
    rows[1][4] = 999  # 2026-03-01 CMP1 AD11: 111 -> 999
    rows.append(["2026-03-03", "meta_ads", "CMP1", "AD11", 5, 1, 0])  # a new day
    second = ingest(engine, csv_bytes(rows), "week1_fixed.csv", table="spend")
    loaded(second, 1, updated=1)
    assert spend_sum(engine, channel_id="meta_ads") == (25, 4140.0 - 111 + 999 + 5)
    undo_restores(engine, second.upload_id, after_first)
    undo_restores(engine, first.upload_id, seeded)


# --- command line ---------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("KPI_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "kpi_engine", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_cli_ingest_uploads_undo_exactly_as_the_issue_writes_them(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    export = tmp_path / "线索导出.csv"
    export.write_bytes(csv_bytes([["线索编号", "创建时间", "负责人"],
                                  ["C1", "2026-03-01 09:00", "王博"],
                                  ["C2", "not a date", "王博"],
                                  ["C3", "2026-03-02", ""]], encoding="gbk"))
    run = cli("ingest", str(export), "--db", url, "--table", "leads", "--map", "lead_id=线索编号",
              "--set", "channel_id=douyin_video", "--on-error", "skip", "--format", "json")
    assert run.returncode == 0, run.stderr + run.stdout
    out = json.loads(run.stdout)
    assert {"upload_id", "table", "rows_read", "inserted", "updated", "rejected", "warnings", "errors"} <= set(out)
    assert (out["table"], out["rows_read"], out["inserted"], out["updated"], out["rejected"]) == ("leads", 3, 2, 0, 1)
    assert isinstance(out["upload_id"], int)
    assert len(out["errors"]) == 1
    err = out["errors"][0]
    assert (err["row"], err["column"], err["value"]) == (3, "created_at", "not a date") or (
        err["row"] == 3 and err["value"] == "not a date" and err["column"] in ("created_at", "创建时间")), err
    assert err["reason"].strip()
    assert isinstance(out["warnings"], list)

    listed = cli("uploads", "--db", url, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    uploads = json.loads(listed.stdout)
    assert isinstance(uploads, list) and len(uploads) == 1
    up = uploads[0]
    assert {"upload_id", "file", "table", "uploaded_at", "rows_read", "inserted", "updated", "rejected", "undone"} <= set(up)
    assert (up["upload_id"], up["file"], up["table"], up["inserted"], up["rejected"], up["undone"]) == (
        out["upload_id"], "线索导出.csv", "leads", 2, 1, False)

    undone = cli("undo", str(out["upload_id"]), "--db", url)
    assert undone.returncode == 0, undone.stderr + undone.stdout
    after = json.loads(cli("uploads", "--db", url, "--format", "json").stdout)
    assert after[0]["undone"] is True
    again = cli("undo", str(out["upload_id"]), "--db", url)
    assert again.returncode != 0

    refused = cli("ingest", str(export), "--db", url, "--table", "leads", "--map", "lead_id=线索编号",
                  "--set", "channel_id=douyin_video", "--format", "json")  # default abort: row 3 blocks
    assert refused.returncode != 0
    body = json.loads(refused.stdout)
    assert body["upload_id"] is None and body["inserted"] == 0 and body["errors"][0]["row"] == 3
