"""`make run`'s start step never deletes or changes user data (issue 10, point 1).

The step is scripts/prepare_store.sh, the very script scripts/run.sh runs: ``init-demo --if-empty``. The demo goes
only into a store that holds no data at all; a store with channels, a plan or a review note (loaded through the
real importer and CLI) starts exactly as it was, upload history included. Plain ``init-demo`` refuses such a store
unless ``--replace`` is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import schema, store
from kpi_engine.demo import guard
from kpi_engine.reviews import notes

ROOT = Path(__file__).resolve().parent.parent
START_STEP = ROOT / "scripts" / "prepare_store.sh"
END = "2026-09-16"
CHANNELS_CSV = "channel_id,name,kind\nweb,Website,organic\nbaidu,百度搜索,paid\n"


def env(url: str) -> dict[str, str]:
    return {**os.environ, "KPI_DB_URL": url, "KPI_PYTHON": sys.executable, "PYTHONPATH": str(ROOT), "KPI_USER": "ann"}


def start_step(url: str, *extra: str) -> subprocess.CompletedProcess:
    """Run the start step of `make run` on ``url`` (extra arguments go to init-demo)."""
    store.dispose_engine(url)  # DuckDB: one process holds the file at a time
    return subprocess.run(["bash", str(START_STEP), *extra], cwd=ROOT, env=env(url), capture_output=True, text=True,
                          encoding="utf-8", timeout=600)


def cli(url: str, *args: str) -> subprocess.CompletedProcess:
    store.dispose_engine(url)
    return subprocess.run([sys.executable, "-m", "kpi_engine", *args], cwd=ROOT, env=env(url), capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the sorted rows of every table in the schema, bookkeeping included."""
    engine = store.get_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(sa.select(table)))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    store.dispose_engine(url)
    return out


def count(url: str, table: sa.Table) -> int:
    engine = store.get_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    store.dispose_engine(url)
    return n


def load_channels(url: str, tmp_path: Path) -> None:
    path = tmp_path / "channels.csv"
    path.write_text(CHANNELS_CSV, encoding="utf-8")
    out = cli(url, "ingest", str(path), "--table", "channels")
    assert out.returncode == 0, out.stderr


def save_plan(url: str, tmp_path: Path) -> None:
    out = cli(url, "plan", "new", "--template", "team_example", "--period", "2026-11")
    assert out.returncode == 0, out.stderr


def add_note(url: str, tmp_path: Path) -> None:
    notes.add_note(store.get_engine(url), period="2026-W44", cause="Xiaohongshu slid", action="Call the agency")
    store.dispose_engine(url)


@pytest.mark.parametrize(("load", "table"), [(load_channels, schema.channels), (save_plan, schema.plans),
                                             (add_note, schema.review_notes)],
                         ids=["channels file", "plan", "review note"])
def test_start_step_leaves_a_store_with_user_data_as_it_is(tmp_path: Path, load: Callable[[str, Path], None],
                                                           table: sa.Table) -> None:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    load(url, tmp_path)
    before = snapshot(url)
    assert before[table.name][0] > 0 and before["leads"][0] == 0

    out = start_step(url, "--months", "1", "--end", END)

    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and "left as it is" in lines[0] and table.name in lines[0]
    assert snapshot(url) == before  # every row of every table, upload history and data version included


def test_channels_and_their_upload_history_survive_the_start_step(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    load_channels(url, tmp_path)
    assert start_step(url).returncode == 0
    assert count(url, schema.channels) == 2 and count(url, schema.uploads) == 1 and count(url, schema.leads) == 0
    out = start_step(url)  # and again on the next `make run`
    assert out.returncode == 0 and "channels 2" in out.stdout and "uploads 1" in out.stdout
    assert count(url, schema.channels) == 2 and count(url, schema.uploads) == 1


def test_start_step_puts_the_demo_into_a_new_store(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'new.duckdb'}"  # no file yet, as on a fresh clone
    out = start_step(url, "--months", "1", "--end", END)
    assert out.returncode == 0, out.stderr
    assert "Demo data" in out.stdout
    assert count(url, schema.leads) > 100 and count(url, schema.people) == 8 and count(url, schema.plans) >= 1
    before = snapshot(url)
    again = start_step(url, "--months", "1", "--end", END)  # the demo store is data too: kept on the next run
    assert again.returncode == 0 and "left as it is" in again.stdout
    assert snapshot(url) == before


def test_plain_init_demo_refuses_a_store_with_data_unless_replace(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    load_channels(url, tmp_path)
    add_note(url, tmp_path)
    before = snapshot(url)

    refused = cli(url, "init-demo", "--db", url, "--months", "1", "--end", END)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "--replace" in refused.stderr and "channels 2" in refused.stderr and "review_notes 1" in refused.stderr
    assert snapshot(url) == before

    replaced = cli(url, "init-demo", "--db", url, "--months", "1", "--end", END, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert count(url, schema.leads) > 100 and count(url, schema.uploads) == 0  # facts and upload history replaced
    assert count(url, schema.review_notes) == 1  # notes stay


def _value(column: sa.Column) -> object:
    """A valid value for any column of the schema (by type)."""
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):  # money: a DECIMAL under its decorator
        kind = kind.impl_instance
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2026, 10, 1, 9, 0)
    if isinstance(kind, sa.Date):
        return dt.date(2026, 10, 1)
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Double | sa.Float | sa.Numeric):
        return 1.0
    return "x"


def test_a_row_in_any_table_but_bookkeeping_is_user_data(duck_engine: sa.Engine) -> None:
    """Derived from the schema metadata: a table added later (settings, their history) is covered as well."""
    assert guard.user_data(duck_engine) == {}  # a new store: only the schema's bookkeeping rows
    checked = []
    for table in schema.metadata.sorted_tables:
        if table.name in ("schema_meta", "schema_version"):  # bookkeeping: which schema the store has
            continue
        with duck_engine.begin() as conn:
            conn.execute(table.insert().values({c.name: _value(c) for c in table.columns}))
        assert guard.user_data(duck_engine) == {table.name: 1}, table.name
        with duck_engine.begin() as conn:
            conn.execute(table.delete())
        checked.append(table.name)
    assert {"channels", "uploads", "leads__undo", "saved_mappings", "targets", "plans", "plan_kpis",
            "review_notes"} <= set(checked)
    assert guard.user_data(duck_engine) == {}


def test_run_sh_runs_the_tested_start_step_and_make_demo_says_replace() -> None:
    run_sh = [line.split("#")[0].strip() for line in (ROOT / "scripts" / "run.sh").read_text().splitlines()]
    assert "scripts/prepare_store.sh" in run_sh
    assert not any("init-demo" in line for line in run_sh)  # no second, untested way to fill the store
    makefile = (ROOT / "Makefile").read_text()
    assert "init-demo --replace" in makefile
