"""The first load into an empty table (DuckDB: rows first, then the primary key; ingest/bulk.py).

The table must come out exactly as the schema makes it (columns, types, NOT NULLs, defaults, the key),
refuse a repeated key afterwards, and undo, re-upload and later uploads must behave as for any load. On
PostgreSQL the plain INSERT runs; the same outcomes are checked there.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import store
from kpi_engine.ingest import bulk
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload

LEADS = (
    "lead_id,created_at,channel,owner,expected_value,mql_at\n"
    "L1,2026-10-01 09:00,douyin_video,p01,1200,2026-10-02 10:00\n"
    "L2,2026-10-01 10:30,baidu_search,p02,,\n"
    "L3,2026-10-02 08:15,douyin_video,p01,800,2026-10-03 09:00\n"
)


def _columns(engine: Engine, name: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = :t AND table_schema = current_schema() ORDER BY ordinal_position"), {"t": name})]


def _key(engine: Engine, name: str) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(
            "SELECT k.column_name FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k "
            "ON k.constraint_name = c.constraint_name AND k.table_name = c.table_name AND k.table_schema = c.table_schema "
            "WHERE c.table_name = :t AND c.table_schema = current_schema() AND c.constraint_type = 'PRIMARY KEY' "
            "ORDER BY k.ordinal_position"), {"t": name})]


def _index_names(engine: Engine, name: str) -> set[str]:
    sql = ("SELECT index_name FROM duckdb_indexes() WHERE table_name = :t" if store.is_duckdb(engine)
           else "SELECT indexname FROM pg_indexes WHERE tablename = :t AND schemaname = current_schema()")
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text(sql), {"t": name})}


def _leads(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT lead_id, created_at, channel_id, owner_id, expected_value, mql_at, inserted_by FROM leads ORDER BY lead_id"))]


@pytest.fixture
def bulk_calls(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """What each call of ``bulk.insert_into_empty`` returned (None: it left the load to the plain INSERT)."""
    calls: list[int | None] = []
    real = bulk.insert_into_empty

    def spy(*args: object, **kwargs: object) -> int | None:
        calls.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return calls[-1]

    monkeypatch.setattr(bulk, "insert_into_empty", spy)
    return calls


def test_first_load_keeps_the_table_as_the_schema_makes_it(engine: Engine, bulk_calls: list[int | None]) -> None:
    before_cols, before_key = _columns(engine, "leads"), _key(engine, "leads")
    res = ingest(engine, LEADS.encode(), "leads.csv", table="leads")
    assert bulk_calls == ([3] if store.is_duckdb(engine) else [None])  # DuckDB: rows first, then the key
    assert (res.status, res.inserted, res.updated, res.rejected) == ("loaded", 3, 0, 0)
    assert _columns(engine, "leads") == before_cols and _key(engine, "leads") == before_key == ["lead_id"]
    rows = _leads(engine)
    assert [r[0] for r in rows] == ["L1", "L2", "L3"]
    assert rows[0][2:5] == ("douyin_video", "p01", 1200.0) and rows[1][4] is None and rows[1][5] is None
    assert str(rows[0][1]) == "2026-10-01 09:00:00" and {r[6] for r in rows} == {res.upload_id}
    with pytest.raises(sa.exc.DBAPIError), store.transaction(engine) as conn:  # the key is enforced again
        conn.execute(sa.text("INSERT INTO leads (lead_id, created_at, channel_id) VALUES ('L1', '2026-10-05', 'x')"))
    assert len(_leads(engine)) == 3


def test_reupload_later_upload_and_undo_after_a_first_load(engine: Engine) -> None:
    first = ingest(engine, LEADS.encode(), "leads.csv", table="leads")
    again = ingest(engine, LEADS.encode(), "leads.csv", table="leads")
    assert (again.status, again.inserted, again.updated) == ("loaded", 0, 0)
    more = ingest(engine, (LEADS.splitlines()[0] + "\nL4,2026-10-03 11:00,email,p03,50,\n"
                           "L2,2026-10-01 10:30,baidu_search,p02,999,\n").encode(), "more.csv", table="leads")
    assert (more.status, more.inserted, more.updated) == ("loaded", 1, 1)
    assert undo_upload(engine, more.upload_id).ok  # restores L2, removes L4
    assert [(r[0], r[4]) for r in _leads(engine)] == [("L1", 1200.0), ("L2", None), ("L3", 800.0)]
    assert undo_upload(engine, again.upload_id).ok and undo_upload(engine, first.upload_id).ok
    assert _leads(engine) == []
    assert _key(engine, "leads") == ["lead_id"]


def test_a_table_with_another_index_is_loaded_by_a_plain_insert(engine: Engine, bulk_calls: list[int | None]) -> None:
    with store.transaction(engine) as conn:
        conn.execute(sa.text("CREATE INDEX ix_test_leads_created ON leads (created_at)"))
    res = ingest(engine, LEADS.encode(), "leads.csv", table="leads")
    assert (res.status, res.inserted) == ("loaded", 3)
    assert "ix_test_leads_created" in _index_names(engine, "leads")  # kept: the table was not rebuilt
    assert bulk_calls == [None]
    assert [r[0] for r in _leads(engine)] == ["L1", "L2", "L3"]


def test_a_repeated_key_in_the_file_is_reported_not_loaded(engine: Engine) -> None:
    data = LEADS + "L1,2026-10-04 09:00,email,p03,5,\n"
    res = ingest(engine, data.encode(), "leads.csv", table="leads", on_error="skip")
    assert (res.status, res.inserted, res.rejected) == ("loaded", 3, 1)
    assert list(res.errors["code"]) == ["duplicate_key"] and int(res.errors["row"].iloc[0]) == 5
    assert _key(engine, "leads") == ["lead_id"]
