"""Database helpers for the ingest tests: a seeded state, full dumps, looking rows up.

The seed is written with plain SQLAlchemy inserts (not through the importer) so
that "the database is exactly as before" compares against rows the importer did
not produce.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.model import ISSUE_COLUMNS, IngestResult

D = dt.date
T = dt.datetime

SEED: dict[str, list[dict[str, Any]]] = {
    "people": [
        {"person_id": "p_ann", "name": "Ann Lee", "role": "marketing lead", "team": "marketing", "active": True},
        {"person_id": "p_bo", "name": "王博", "role": "sales", "team": "sales", "manager_id": "p_ann", "active": True},
    ],
    "channels": [
        {"channel_id": "baidu_search", "name": "百度搜索", "kind": "paid", "owner_id": "p_ann"},
        {"channel_id": "douyin_video", "name": "抖音短视频", "kind": "social", "owner_id": "p_ann"},
    ],
    "campaigns": [
        {"campaign_id": "C100", "name": "Spring search", "channel_id": "baidu_search", "owner_id": "p_ann",
         "kind": "online", "start_date": D(2026, 1, 1), "end_date": D(2026, 3, 31), "budget": 50000.0},
    ],
    "spend": [
        {"date": D(2026, 1, 1), "channel_id": "baidu_search", "campaign_id": "C100", "ad_id": "", "cost": 100.0,
         "impressions": 5000.0, "clicks": 120.0, "conversions": 4.0},
        {"date": D(2026, 1, 2), "channel_id": "douyin_video", "campaign_id": "", "ad_id": "", "cost": 80.25,
         "impressions": 9000.0, "clicks": 300.0, "conversions": None},
    ],
    "leads": [
        {"lead_id": "L0001", "created_at": T(2026, 1, 2, 9, 0), "channel_id": "baidu_search", "campaign_id": "C100",
         "owner_id": "p_ann", "expected_value": 10000.0, "mql_at": T(2026, 1, 3, 10, 0)},
        {"lead_id": "L0002", "created_at": T(2026, 1, 5, 14, 30), "channel_id": "douyin_video", "owner_id": "p_bo",
         "mql_at": T(2026, 1, 6), "sql_at": T(2026, 1, 9), "won_at": T(2026, 1, 20), "deal_value": 30000.0},
        {"lead_id": "L0003", "created_at": T(2026, 1, 7, 8, 15), "channel_id": "douyin_video", "lost_at": T(2026, 2, 1)},
    ],
    "customers": [{"customer_id": "CU1", "acquired_at": T(2026, 1, 20), "channel_id": "douyin_video", "lead_id": "L0002"}],
    "orders": [{"order_id": "O1", "customer_id": "CU1", "order_date": D(2026, 1, 21), "amount": 30000.0}],
    "survey_responses": [{"response_id": "R1", "date": D(2026, 1, 25), "score": 9.0, "customer_id": "CU1"}],
    "metric_values": [{"metric_id": "event_satisfaction", "period_start": D(2026, 1, 1), "grain": "month",
                       "scope_type": "team", "scope_id": "", "value": 4.5, "source": "survey", "note": None}],
    "feedback_360": [{"period": "2025-Q4", "person_id": "p_ann", "reviewer_role": "manager", "reviewer_id": "",
                      "dimension": "teamwork", "score": 88.0}],
}

SEED_UPLOAD = {
    "upload_id": 1, "file_name": "seed.csv", "sha256": "0" * 64, "table_name": "people", "rows_read": 2,
    "inserted": 2, "updated": 0, "rejected": 0, "warnings": 0, "on_error": "abort", "mapping_json": "{}",
    "uploaded_by": "seed", "uploaded_at": T(2026, 1, 1, 8, 0),
}

FACT_TABLES = list(schema.UPLOAD_TABLES)
BOOK_TABLES = ["uploads", "saved_mappings", *[t.name for t in schema.UNDO_TABLES.values()]]


def seed(engine: Engine, *, audit: bool = True) -> None:
    """Write the seed rows (every upload table gets at least one row) and one audit record."""
    with store.transaction(engine) as conn:
        for name, rows in SEED.items():
            table = schema.UPLOAD_TABLES[name]
            full = [{c.name: r.get(c.name) for c in table.columns if c.name in r or not c.info.get("text_key")} for r in rows]
            conn.execute(table.insert(), full)
        if audit:
            conn.execute(schema.uploads.insert().values(**SEED_UPLOAD))
        store.bump_data_version(conn)


def _table(name: str) -> sa.Table:
    return schema.metadata.tables[name]


def dump(engine: Engine, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (facts, audit, undo, saved mappings), sorted: comparable before/after."""
    names = tables if tables is not None else FACT_TABLES + BOOK_TABLES
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for name in names:
            table = _table(name)
            rows = [tuple(r) for r in conn.execute(sa.select(*table.columns))]
            out[name] = sorted(rows, key=lambda r: tuple(repr(v) for v in r))
    return out


def diff(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> str:
    """A readable description of what changed (for assertion messages)."""
    lines = []
    for name in before:
        b, a = set(before[name]), set(after.get(name, []))
        if b != a or len(before[name]) != len(after.get(name, [])):
            lines.append(f"{name}: removed {sorted(b - a, key=repr)[:5]} added {sorted(a - b, key=repr)[:5]}")
    return "\n".join(lines) or "(no difference)"


def _typed(table: sa.Table, column: str, value: object) -> object:
    kind = schema.column_kind(table.c[column])
    if isinstance(value, str) and kind == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and kind == "datetime":
        return dt.datetime.fromisoformat(value)
    return value


def rows_where(engine: Engine, table_name: str, where: dict[str, object]) -> list[dict[str, Any]]:
    table = schema.UPLOAD_TABLES[table_name]
    cond = [table.c[k] == _typed(table, k, v) for k, v in where.items()]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(table).where(*cond))]


def count(engine: Engine, table_name: str) -> int:
    return store.table_counts(engine)[table_name]


def text_values(engine: Engine) -> list[str]:
    """Every string stored in every upload table (to check what must never be stored, e.g. NUL)."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in schema.UPLOAD_TABLES.values():
            cols = [c for c in table.columns if schema.column_kind(c) == "text"]
            for row in conn.execute(sa.select(*cols)):
                found.extend(v for v in row if isinstance(v, str))
    return found


def same_value(actual: object, expected: object) -> bool:
    """Equality that tolerates float noise and date vs datetime at midnight."""
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return abs(float(actual) - expected) <= 1e-9 * max(1.0, abs(expected))
    if isinstance(expected, dt.datetime) and isinstance(actual, dt.datetime):
        return actual.replace(tzinfo=None) == expected
    return actual == expected


def reset(engine: Engine, *, seeded: bool = True) -> None:
    """Empty every table we dump (facts, audit, undo twins, saved mappings), then seed again."""
    with store.transaction(engine) as conn:
        for name in FACT_TABLES + BOOK_TABLES:
            conn.execute(_table(name).delete())
    if seeded:
        seed(engine)


# --- the report -----------------------------------------------------------------------------------

# Codes that are about one cell: the report must give row and column (and the value unless it is blank).
CELL_CODES = {"missing_value", "bad_date", "bad_number", "negative", "out_of_range", "bad_choice", "stage_before_created",
              "duplicate_key", "unknown_key", "formula_text", "channel_blank", "stage_without_date"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def show(issues: pd.DataFrame) -> str:
    return issues.head(30).to_string() if len(issues) else "(no issues)"


def row_no(value: object) -> int | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return int(value)


def blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def check_report(res: IngestResult, limit: int | None = None) -> None:
    """Every issue is well formed, and reads in English and Chinese with row, column, value and a reason."""
    issues = res.issues if limit is None else res.issues.head(limit)
    assert list(issues.columns)[: len(ISSUE_COLUMNS)] == ISSUE_COLUMNS
    assert set(issues["severity"]) <= {"error", "warning"}, show(issues)
    en, zh = issue_records(issues, "en"), issue_records(issues, "zh")
    assert len(en) == len(zh) == len(issues)
    json.dumps(en, ensure_ascii=False)  # the CLI prints these as JSON: plain types only
    json.dumps(zh, ensure_ascii=False)
    for issue, e, z in zip(issues.to_dict("records"), en, zh, strict=True):
        code = issue["code"]
        assert isinstance(code, str) and code, issue
        for rec in (e, z):
            assert {"severity", "code", "row", "column", "value", "reason", "fix"} <= set(rec), rec
            assert rec["code"] == code
            assert isinstance(rec["reason"], str) and rec["reason"].strip() and rec["reason"] != code, rec
            assert rec["row"] is None or type(rec["row"]) is int, rec
            assert rec["row"] == row_no(issue["row"]), (rec, issue)
        assert CJK.search(z["reason"]), f"Chinese reason has no Chinese: {z}"
        assert re.search(r"[A-Za-z]{3}", e["reason"]) and e["reason"] != z["reason"], e
        if code in CELL_CODES:
            row = row_no(issue["row"])
            assert row is not None and row >= 2, f"cell issue without a row: {issue}"
            assert not blank(issue["column"]) and not blank(e["column"]), f"cell issue without a column: {issue}"
            if code not in ("missing_value", "channel_blank", "unknown_key"):
                assert not blank(issue["value"]) and not blank(e["value"]), f"cell issue without the value: {issue}"
                shown = str(e["value"])  # long values may be shortened with an ellipsis
                assert shown == str(issue["value"]) or str(issue["value"]).startswith(shown.rstrip("…")), (shown[:80], issue)
