"""Golden SQL: the query the one compiler writes for every registry metric, checked in as text.

A change to the compiler shows up as a readable diff of the SQL for each metric it touches. After a deliberate
change, regenerate with ``KPI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_sql_golden.py`` and review
the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql

from kpi_engine import rollups
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import compile_request, make_request
from kpi_engine.settings import Settings

GOLDEN = Path(__file__).resolve().parent / "golden" / "sql"
UPDATE = os.environ.get("KPI_UPDATE_GOLDEN") == "1"
# One fixed request shape per metric: by channel, by month, over a fixed range, with the default settings (so the
# snapshot never depends on the machine's environment or the store's settings).
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def _sql(metric_id: str, dialect: str, rolled: frozenset[str] = frozenset()) -> str:
    from duckdb_engine import Dialect as DuckDialect

    req = make_request([metric_id], by="channel", grain="month", start=START, end=END)
    query = compile_request(req, Settings(), rolled)
    compiled = query.compile(dialect=DuckDialect() if dialect == "duckdb" else postgresql.dialect())
    params = "\n".join(f"-- :{k} = {v!r}" for k, v in sorted(compiled.params.items()))
    source = ", daily rollups" if rolled else ""
    return f"-- {metric_id} by channel, month, {START}..{END} ({dialect}{source})\n{compiled}\n{params}\n"


def _check(path: Path, text: str, metric_id: str) -> None:
    if UPDATE or not path.exists():
        assert UPDATE, f"no snapshot for {metric_id}: run with KPI_UPDATE_GOLDEN=1 to write {path}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"SQL for {metric_id} changed: see {path}"


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql"])
@pytest.mark.parametrize("metric_id", registry.metric_ids())
def test_compiled_sql_matches_the_snapshot(metric_id: str, dialect: str) -> None:
    _check(GOLDEN / dialect / f"{metric_id}.sql", _sql(metric_id, dialect), metric_id)


# the facts' rollups, and the settings-dependent columns as built with the default settings the snapshots use
ROLLED = frozenset(rollups.ROLLED_FACTS) | {rollups.setting_token(m.id) for r in rollups.ROLLUPS.values()
                                           for m in r.metrics if rollups.setting_names(m)}
# Metrics that read a daily rollup when the store's rollups are usable: their SQL then, snapshot next to the facts'.
ROUTED = [m for m in registry.metric_ids() if any(rollups.rollup_for(s) for s in registry.simple_closure([m]))]


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql"])
@pytest.mark.parametrize("metric_id", ROUTED)
def test_compiled_sql_through_rollups_matches_the_snapshot(metric_id: str, dialect: str) -> None:
    text = _sql(metric_id, dialect, ROLLED)
    assert "rollup_" in text
    _check(GOLDEN / f"{dialect}-rollups" / f"{metric_id}.sql", text, metric_id)


def test_every_snapshot_belongs_to_a_metric() -> None:
    ids = set(registry.metric_ids())
    stale = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.glob("*/*.sql") if p.stem not in ids)
    assert not stale, f"snapshots of metrics no longer in the registry (delete them): {stale}"
