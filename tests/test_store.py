"""The store: schema creation, version, migration hook, URL resolution, atomicity."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine import migrations, schema, store
from kpi_engine.settings import DEFAULT_DB_URL, resolve_db_url


def test_schema_created_with_version(engine: sa.Engine) -> None:
    names = set(sa.inspect(engine).get_table_names())
    assert set(schema.UPLOAD_TABLES) <= names
    assert {f"{t}__undo" for t in schema.UPLOAD_TABLES} <= names
    assert {"uploads", "saved_mappings", "schema_meta"} <= names
    assert store.schema_version(engine) == migrations.LATEST


def test_ensure_schema_is_idempotent_and_keeps_data(engine: sa.Engine) -> None:
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert().values(person_id="p1", name="Ann"))
    store.ensure_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(schema.people.c.name)).scalars().all() == ["Ann"]


def test_migration_runs_once_for_older_version(engine: sa.Engine, monkeypatch) -> None:
    calls: list[int] = []
    step = migrations.Step(migrations.LATEST + 1, "next", lambda conn: calls.append(1))
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    store.ensure_schema(engine)
    store.ensure_schema(engine)
    assert calls == [1]
    assert store.schema_version(engine) == migrations.LATEST + 1


def test_transaction_rolls_back_on_error(engine: sa.Engine) -> None:
    try:
        with store.transaction(engine) as conn:
            conn.execute(schema.people.insert().values(person_id="p1", name="Ann"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.table_counts(engine)["people"] == 0


def test_data_version_changes_on_bump(engine: sa.Engine) -> None:
    before = store.data_version(engine)
    with store.transaction(engine) as conn:
        store.bump_data_version(conn)
    assert store.data_version(engine) != before


def test_url_resolution(monkeypatch) -> None:
    monkeypatch.delenv("KPI_DB_URL", raising=False)
    assert resolve_db_url(None) == DEFAULT_DB_URL == "duckdb:///data/kpi.duckdb"
    monkeypatch.setenv("KPI_DB_URL", "duckdb:///x.duckdb")
    assert resolve_db_url(None) == "duckdb:///x.duckdb"
    assert resolve_db_url("duckdb:///y.duckdb") == "duckdb:///y.duckdb"


def test_engine_never_imports_streamlit() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kpi_engine, kpi_engine.store, kpi_engine.schema, kpi_engine.settings;"
        "import pkgutil, importlib;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(kpi_engine.__path__, 'kpi_engine.') if not m.name.endswith('__main__')];"
        "assert 'streamlit' not in sys.modules, 'kpi_engine imports streamlit'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_table_counts_follow_the_data_version(engine: sa.Engine) -> None:
    """PostgreSQL keeps the counts per data version (schema_meta): a writer's bump makes them counted again;
    the analyze after a bulk write runs inside the writer's transaction on either backend."""
    assert store.table_counts(engine)["people"] == 0
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert(), [{"person_id": f"p{i}", "name": f"N{i}"} for i in range(3)])
        store.analyze(conn, ["people"])
        store.bump_data_version(conn)
    assert store.table_counts(engine)["people"] == 3
    assert store.table_counts(engine)["people"] == 3  # PostgreSQL: now from schema_meta
    with engine.connect() as conn:
        kept = conn.execute(sa.select(schema.schema_meta.c.value).where(schema.schema_meta.c.key == "row_counts")).scalar()
    assert (kept is not None) == (engine.dialect.name == "postgresql")
    with store.transaction(engine) as conn:
        conn.execute(schema.people.delete().where(schema.people.c.person_id == "p0"))
        store.bump_data_version(conn)
    assert store.table_counts(engine)["people"] == 2
