"""Schema migrations: a store made by the release before numbered migrations (commit 6001574, money as DOUBLE)
upgrades to today's schema without losing or changing a row; a fresh store and an upgraded one have the same
columns; a failing step changes nothing; a store from a newer release is refused. On DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import migrations, schema, store
from kpi_engine.__main__ import main
from kpi_engine.access import audit
from kpi_engine.migrations import ops
from tests.conftest import _backends

RELEASE = Path(__file__).parent / "fixtures" / "release_6001574"
def _money() -> set[tuple[str, str]]:
    step = __import__("kpi_engine.migrations.0003_money_decimal", fromlist=["COLUMNS"])
    twins = {t: (t, f"{t}__undo") if t in schema.UPLOAD_TABLES else (t,) for t in step.COLUMNS}
    return {(t, c) for table, cols in step.COLUMNS.items() for t in twins[table] for c in cols}


MONEY = _money()


@pytest.fixture(params=_backends())
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """Makes empty databases (no tables at all) on each backend; nothing migrated yet."""
    made: list[tuple[Engine, Callable[[], None]]] = []
    base = os.environ.get("KPI_TEST_PG_URL", "").strip()
    if request.param == "postgres" and not base:
        pytest.fail("PostgreSQL tests need KPI_TEST_PG_URL (scripts/pg_test_server.sh start), or KPI_TEST_BACKENDS=duckdb")
    admin = sa.create_engine(base) if request.param == "postgres" else None

    def make() -> Engine:
        name = f"t_{uuid.uuid4().hex[:12]}"
        if admin is None:
            url = f"duckdb:///{tmp_path / name}.duckdb"
            engine = store.get_engine(url, create=False)
            made.append((engine, lambda: store.dispose_engine(url)))
            return engine
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        engine = sa.create_engine(base, connect_args={"options": f"-csearch_path={name}"})

        def drop() -> None:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        made.append((engine, drop))
        return engine

    yield make
    for _, cleanup in made:
        cleanup()
    if admin is not None:
        admin.dispose()


@pytest.fixture
def empty_engine(new_db: Callable[[], Engine]) -> Engine:
    return new_db()


def _columns(conn: Connection, table: str) -> list[tuple[str, str, bool]]:
    rows = conn.execute(sa.text(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position"), {"t": table})
    return [(str(n), str(d).upper(), str(y).upper() == "YES") for n, d, y in rows]


def _tables(conn: Connection) -> list[str]:
    return sorted(str(r[0]) for r in conn.execute(sa.text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")))


def _value(table: str, column: str, kind: str, row: int) -> object:
    """Row ``row`` (0, 1, 2) of a column of type ``kind``: distinct per row, Chinese text, awkward money."""
    if "CHAR" in kind or kind == "TEXT":
        return f"{column}-{row}-数据"
    if kind in ("INTEGER", "BIGINT"):
        return 1000 * row + len(column)
    if kind.startswith("DOUBLE"):
        if (table, column) in MONEY:  # a cent that DOUBLE cannot hold exactly, a half cent, a big amount
            return (0.1 + 0.2, 12.345, 999_999_999.99)[row]
        return (0.125, 1 / 3, 7.5e11)[row]
    if kind == "BOOLEAN":
        return row % 2 == 0
    if kind == "DATE":
        return dt.date(2026, 1, 1 + row)
    if kind.startswith("TIMESTAMP"):
        return dt.datetime(2026, 1, 1 + row, 9, 30, 15)
    raise AssertionError(f"no test value for {table}.{column} {kind}")


def _make_release_store(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """The store the release at commit 6001574 made (its DDL, its audit trigger, its schema_meta), three rows
    in every table (the third with NULL wherever NULL is allowed). Returns the rows written per table."""
    ddl = (RELEASE / f"{'duckdb' if engine.dialect.name == 'duckdb' else 'postgresql'}.sql").read_text("utf-8")
    written: dict[str, list[dict[str, object]]] = {}
    with engine.begin() as conn:
        for statement in ddl.splitlines():
            if statement.startswith("CREATE TABLE"):
                conn.exec_driver_sql(statement)
        audit.protect(conn)
        for table in _tables(conn):
            cols = _columns(conn, table)
            rows = [{c: _value(table, c, kind, i) for c, kind, _ in cols} for i in range(3)]
            rows[2] = {c: (None if nullable else v) for (c, _, nullable), v in zip(cols, rows[2].values(), strict=True)}
            if table == "schema_meta":
                rows = [{"key": "schema_version", "value": "2"}, {"key": "data_version", "value": "7"},
                        {"key": "data_changed_at", "value": "2026-11-30T08:00:00"}]
            target = sa.table(table, *(sa.column(c) for c, _, _ in cols))
            conn.execute(sa.insert(target), rows)
            written[table] = rows
    return written


def _expected(table: str, column: str, value: object) -> object:
    if (table, column) in MONEY and value is not None:
        return Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return value


def test_release_store_upgrades_without_losing_a_row(empty_engine: Engine) -> None:
    written = _make_release_store(empty_engine)
    assert len(written) == 43  # every table the release had
    store.ensure_schema(empty_engine)
    with empty_engine.connect() as conn:
        assert migrations.applied(conn) == {s.version: s.name for s in migrations.STEPS}
        for table, rows in written.items():
            names = list(rows[0])
            got = [dict(r._mapping) for r in conn.execute(sa.select(sa.table(table, *(sa.column(c) for c in names))))]
            want = sorted(({c: _expected(table, c, v) for c, v in row.items()} for row in rows),
                          key=lambda r: [(v is None, str(v)) for v in r.values()])
            got.sort(key=lambda r: [(v is None, str(v)) for v in r.values()])
            if table == "schema_meta":  # the rollups add their own bookkeeping keys
                got = [r for r in got if r["key"] in {w["key"] for w in want}]
            assert got == want, table
        types = {t: dict((c, k) for c, k, _ in _columns(conn, t)) for t in written}
        for table, column in MONEY:
            assert ops.column_types(conn, table)[column] == ("NUMERIC", 18, 2), (table, column)
        assert types["spend"]["cost"] != "DOUBLE"
        assert "inserted_by" in types["touches"] and "touches__undo" in _tables(conn)
        assert conn.execute(sa.text("SELECT value FROM schema_meta WHERE key = 'data_version'")).scalar() == "7"
        # money sums are exact to the cent: 0.30 + 12.35 + 999,999,999.99 (cost is required: no NULL row)
        total = conn.execute(sa.text("SELECT SUM(cost) FROM spend")).scalar()
        assert Decimal(str(total)) == Decimal("1000000012.64")


def test_upgraded_store_has_the_columns_of_a_fresh_one(new_db: Callable[[], Engine]) -> None:
    empty_engine, engine = new_db(), new_db()
    store.ensure_schema(engine)
    _make_release_store(empty_engine)
    store.ensure_schema(empty_engine)
    with empty_engine.connect() as old, engine.connect() as fresh:
        assert _tables(old) == _tables(fresh)
        for table in _tables(fresh):
            assert {c: ops.column_types(old, table)[c] for c, _, _ in _columns(old, table)} == \
                ops.column_types(fresh, table), table
        declared = {t.name: [c.name for c in t.columns] for t in schema.metadata.sorted_tables}
        for name, cols in declared.items():
            assert sorted(cols) == sorted(c for c, _, _ in _columns(fresh, name)), name


def test_fresh_store_runs_every_step_once(empty_engine: Engine) -> None:
    assert [s.version for s in migrations.migrate(empty_engine)] == list(range(1, migrations.LATEST + 1))
    assert migrations.migrate(empty_engine) == []
    assert store.schema_version(empty_engine) == migrations.LATEST
    with empty_engine.connect() as conn:
        assert ops.column_types(conn, "orders")["amount"] == ("NUMERIC", 18, 2)


def test_a_fresh_store_is_created_in_one_transaction(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new store gets today's tables and every step in one go: a step that fails leaves no table behind."""
    def broken(conn: Connection) -> None:
        raise RuntimeError("step failed on a fresh store")

    step = migrations.Step(migrations.LATEST + 1, "broken", broken)
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    with pytest.raises(RuntimeError, match="fresh store"):
        migrations.migrate(empty_engine)
    with empty_engine.connect() as conn:
        assert not set(sa.inspect(conn).get_table_names()) & set(schema.metadata.tables)
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:-1])
    assert len(migrations.migrate(empty_engine)) == migrations.LATEST
    assert store.schema_version(empty_engine) == migrations.LATEST


def test_a_failing_step_changes_nothing(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    migrations.migrate(empty_engine)

    def broken(conn: Connection) -> None:
        ops.add_column(conn, "people", "nickname", sa.String())
        conn.execute(sa.text("INSERT INTO people (person_id, name) VALUES ('p9', 'Zhang')"))
        raise RuntimeError("step failed half way")

    step = migrations.Step(migrations.LATEST + 1, "broken", broken)
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    with pytest.raises(RuntimeError, match="half way"):
        migrations.migrate(empty_engine)
    with empty_engine.connect() as conn:
        assert "nickname" not in ops.column_types(conn, "people")
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar() == 0
        assert migrations.LATEST + 1 not in migrations.applied(conn)


def test_store_from_a_newer_release_is_refused(empty_engine: Engine) -> None:
    migrations.migrate(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(sa.insert(schema.schema_version).values(version=99, name="future", applied_at=dt.datetime(2027, 1, 1)))
    with pytest.raises(migrations.StoreTooNew, match="99"):
        migrations.migrate(empty_engine)


def test_migrate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert main(["migrate", "--status", "--db", url]) == 0
    assert "0003_money_decimal  pending" in capsys.readouterr().out
    assert main(["migrate", "--db", url]) == 0
    assert ("Applied 5 migration(s): 0001_initial, 0002_touches_inserted_by, 0003_money_decimal, "
            "0004_rollup_money_decimal, 0005_event_date_indexes") in capsys.readouterr().out
    assert main(["migrate", "--db", url, "--lang", "zh"]) == 0
    assert "无需迁移" in capsys.readouterr().out
    store.dispose_engine(url)


def test_rollup_money_sums_become_decimal_without_losing_a_row(empty_engine: Engine) -> None:
    """A store whose daily rollups summed money as DOUBLE (the release before 0004): the step casts each day's sum
    to DECIMAL(38,2) in place (DuckDB: around the rollup's index), every row kept, the index back; a fresh store
    already has the type."""
    from kpi_engine import rollups

    step = __import__("kpi_engine.migrations.0004_rollup_money_decimal", fromlist=["up"])
    migrations.migrate(empty_engine)
    spend = rollups.ROLLUPS[("spend", "date")].table
    with empty_engine.begin() as conn:
        assert ops.column_types(conn, spend.name)["spend"] == ("NUMERIC", 38, 2)
        assert ops.column_types(conn, "rollup_leads_won_at")["revenue"] == ("NUMERIC", 38, 2)
        indexes = ops.duckdb_indexes(conn, spend.name)  # the release before: DOUBLE sums, the same index
        for name, _ in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        conn.exec_driver_sql("ALTER TABLE rollup_spend_date ALTER COLUMN spend TYPE DOUBLE PRECISION")
        for _, create in indexes:
            conn.exec_driver_sql(create)
        conn.execute(sa.insert(sa.table(spend.name, sa.column("day"), sa.column("channel_id"), sa.column("spend"))),
                     [{"day": dt.date(2026, 3, 1), "channel_id": "ch", "spend": 0.1 + 0.2},
                      {"day": dt.date(2026, 3, 2), "channel_id": "ch", "spend": 1_234_567.125},
                      {"day": dt.date(2026, 3, 3), "channel_id": "ch", "spend": None}])
    with empty_engine.begin() as conn:
        step.up(conn)
        assert ops.column_types(conn, spend.name)["spend"] == ("NUMERIC", 38, 2)
        got = conn.execute(sa.text("SELECT day, spend FROM rollup_spend_date ORDER BY day")).all()
        assert [(d, None if v is None else Decimal(str(v))) for d, v in got] == [
            (dt.date(2026, 3, 1), Decimal("0.30")), (dt.date(2026, 3, 2), Decimal("1234567.13")),
            (dt.date(2026, 3, 3), None)]
        if empty_engine.dialect.name == "duckdb":
            assert [name for name, _ in ops.duckdb_indexes(conn, spend.name)] == [f"ix_{spend.name}_day"]
        step.up(conn)  # again: nothing to change


def test_money_adds_up_to_the_cent(engine: Engine) -> None:
    """Spend of ¥0.10 + ¥0.20 on one day and ¥0.30 the next is ¥0.60 exactly, and the cost per lead of it a
    float; summed as DOUBLE it would be 0.6000000000000001 (0.1 + 0.2 is 0.30000000000000004)."""
    from kpi_engine.metrics.query import compute, total

    with store.transaction(engine) as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": "ch", "name": "抖音"}])
        conn.execute(sa.insert(schema.spend), [
            {"date": dt.date(2026, 3, 1), "channel_id": "ch", "ad_id": "a0", "cost": 0.1},
            {"date": dt.date(2026, 3, 1), "channel_id": "ch", "ad_id": "a1", "cost": 0.2},
            {"date": dt.date(2026, 3, 2), "channel_id": "ch", "ad_id": "a0", "cost": 0.3}])
        conn.execute(sa.insert(schema.leads), [{"lead_id": f"L{i}", "created_at": dt.datetime(2026, 3, 1, 10),
                                               "channel_id": "ch"} for i in range(3)])
    assert 0.1 + 0.2 + 0.3 != 0.6  # what DOUBLE sums gave
    assert total(engine, "spend", start="2026-03-01", end="2026-03-31") == 0.6
    assert total(engine, "cpl", start="2026-03-01", end="2026-03-31") == 0.6 / 3
    frame = compute(engine, ["spend", "cpl"], grain="day", start="2026-03-01", end="2026-03-02")
    assert frame["spend"].dtype == "float64" and frame["cpl"].dtype == "float64"
    assert frame["spend"].tolist() == [0.3, 0.3]
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.sum(schema.spend.c.cost))).scalar()
    assert stored == 0.6 and isinstance(stored, float)  # MONEY reads as float through SQLAlchemy


def _event_indexes(conn: Connection) -> set[str]:
    if conn.dialect.name == "duckdb":
        sql = "SELECT index_name FROM duckdb_indexes() WHERE schema_name = current_schema()"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {str(n) for (n,) in conn.execute(sa.text(sql)) if not str(n).startswith(("ix_rollup", "pk_"))
            and str(n).startswith("ix_")}


def test_event_date_indexes_on_postgresql_only(new_db: Callable[[], Engine]) -> None:
    """Migration 0005: an upgraded store has the event-date indexes a fresh one has (PostgreSQL); DuckDB none."""
    old, fresh = new_db(), new_db()
    store.ensure_schema(fresh)
    _make_release_store(old)
    store.ensure_schema(old)
    want = {i.name for i in schema.facts.EVENT_INDEXES} if fresh.dialect.name == "postgresql" else set()
    with old.connect() as a, fresh.connect() as b:
        assert _event_indexes(a) == _event_indexes(b) == want
