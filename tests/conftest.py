"""Shared fixtures: real databases, never mocks.

``engine`` runs a test on every backend: an embedded DuckDB file, and PostgreSQL
at $KPI_TEST_PG_URL (``make test`` starts a server and sets it). Each PostgreSQL
test gets its own schema, dropped afterwards. Without $KPI_TEST_PG_URL, the
PostgreSQL runs fail with a message saying how to get one; to leave PostgreSQL
out on purpose, set KPI_TEST_BACKENDS=duckdb.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from kpi_engine import store

# Property tests check behaviour, not speed: no per-example deadline, so a busy 2-core CI machine cannot fail one
# with DeadlineExceeded (tests that set their own settings keep them).
hypothesis_settings.register_profile("kpi", deadline=None)
hypothesis_settings.load_profile("kpi")

# Pages open signed in as the demo admin (the config binds 127.0.0.1; tests of the sign-in gate unset it), and a
# bug fails its test instead of becoming an error id on the page.
os.environ.setdefault("KPI_DEMO_LOGIN", "1")
os.environ.setdefault("KPI_RAISE_ERRORS", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "artifacts"


def _backends() -> list[str]:
    chosen = os.environ.get("KPI_TEST_BACKENDS", "duckdb,postgres")
    return [b.strip() for b in chosen.split(",") if b.strip()]


def _duckdb_engine(tmp_path: Path) -> Engine:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    return engine


@pytest.fixture
def duck_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh embedded DuckDB file with the schema."""
    engine = _duckdb_engine(tmp_path)
    yield engine
    store.dispose_engine(str(engine.url))


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL schema with our tables, on the server at $KPI_TEST_PG_URL."""
    base = os.environ.get("KPI_TEST_PG_URL", "").strip()
    if not base:
        pytest.fail(
            "PostgreSQL tests need a server: run `make test` (it installs and starts one), "
            "or set KPI_TEST_PG_URL=postgresql+psycopg://USER@127.0.0.1:PORT/DB, "
            "or set KPI_TEST_BACKENDS=duckdb to leave PostgreSQL out on purpose."
        )
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine = sa.create_engine(base, connect_args={"options": f"-csearch_path={name}"})
    store.ensure_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=_backends())
def engine(request: pytest.FixtureRequest) -> Engine:
    """The test runs once per backend (duckdb, postgres)."""
    return request.getfixturevalue("duck_engine" if request.param == "duckdb" else "pg_engine")


@pytest.fixture
def artifacts_dir() -> Path:
    """Where screenshots and other run artifacts go (kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
