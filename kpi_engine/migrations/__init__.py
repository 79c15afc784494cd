"""Numbered schema migrations: how a store of any earlier release reaches today's schema.

Each step is a module ``NNNN_slug.py`` in this package with ``up(conn)``; steps run in number order, each in
its own transaction together with the row that records it in ``schema_version`` (version, name, applied_at),
so a step is applied completely or not at all, on DuckDB and on PostgreSQL alike. :func:`migrate` runs the
pending ones; the store calls it on every open (``kpi_engine.store.ensure_schema``), and
``python -m kpi_engine migrate`` runs it (or ``--status`` lists the steps) from the command line.

- ``0001_initial`` creates every declared table that is missing (what each release before migrations did on
  every open), so a fresh store gets today's tables at once and an older store gets the tables its release did
  not have yet. A store without any declared table is made in one transaction instead (:func:`_create_fresh`:
  today's tables, then every step, each recorded): all of it or nothing, and one commit rather than one per step.
- Every later step brings a table of an earlier release to today's declaration. Because a fresh store already
  has today's shape from 0001, a step leaves alone what is already right: use :mod:`kpi_engine.migrations.ops`
  (``add_column`` adds only a missing column, ``set_decimal`` changes only a column of another type).

How to change the schema:

- **A new table** (for example the daily rollups of ``kpi_engine.rollups``): declare it on
  ``kpi_engine.schema.metadata`` in a module imported before the store migrates (``kpi_engine.schema`` itself,
  or a module ``kpi_engine.store.ensure_schema`` imports, as it does ``kpi_engine.rollups``). That is all:
  after the numbered steps, :func:`migrate` creates every declared table still missing, in one transaction.
- **A change to a table that exists** (a column added, a type changed, data rewritten): change the declaration,
  and add the next numbered module here whose ``up(conn)`` makes the same change with the helpers of
  :mod:`~kpi_engine.migrations.ops`. Never edit a step that has shipped; ``tests/test_migrations.py`` checks
  that a migrated store matches the declarations, and upgrades a store made by the release before migrations.
"""

from __future__ import annotations

import datetime as dt
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema

_STEP = re.compile(r"^(\d{4})_([a-z0-9_]+)$")
_PG_LOCK = 4_201_015  # pg_advisory_xact_lock key: one process migrates a PostgreSQL store at a time


class StoreTooNew(RuntimeError):
    """The store records a migration this release does not know: a newer release upgraded it."""


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    up: Callable[[Connection], None]


def _discover() -> tuple[Step, ...]:
    steps = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        match = _STEP.match(info.name)
        if match:
            module = import_module(f"{__name__}.{info.name}")
            steps.append(Step(int(match.group(1)), match.group(2), module.up))
    steps.sort(key=lambda s: s.version)
    numbers = [s.version for s in steps]
    if numbers != list(range(1, len(steps) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3 ... without gaps; found {numbers}")
    return tuple(steps)


STEPS: tuple[Step, ...] = _discover()
LATEST = STEPS[-1].version


def _lock(conn: Connection) -> None:
    """PostgreSQL: wait for any other process migrating the same database (released at commit)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK)))


def applied(bind: Engine | Connection) -> dict[int, str]:
    """{version: name} of the steps the store has had; empty for a store without the ``schema_version`` table."""
    def read(conn: Connection) -> dict[int, str]:
        if not sa.inspect(conn).has_table(schema.schema_version.name):
            return {}
        sv = schema.schema_version
        return {int(v): str(n) for v, n in conn.execute(sa.select(sv.c.version, sv.c.name))}

    if isinstance(bind, Connection):
        return read(bind)
    with bind.connect() as conn:
        return read(conn)


def pending(bind: Engine | Connection) -> list[Step]:
    done = applied(bind)
    unknown = sorted(set(done) - {s.version for s in STEPS})
    if unknown:
        raise StoreTooNew(f"the store has schema migration {unknown[-1]}, this release knows up to {LATEST}: "
                          "use the newer release that upgraded it")
    return [s for s in STEPS if s.version not in done]


def _fresh(conn: Connection) -> bool:
    """A store without any of the declared tables (a new file or an empty database)."""
    present = set(sa.inspect(conn).get_table_names())
    return not present & set(schema.metadata.tables)


def _create_fresh(conn: Connection) -> list[Step]:
    """A new store in one transaction: today's tables at once (0001 with ``checkfirst`` off), then every step,
    which finds today's shape already there and adds only what a declaration does not hold (0005's PostgreSQL
    indexes), each recorded as applied."""
    schema.metadata.create_all(conn, checkfirst=False)
    now = dt.datetime.now().replace(microsecond=0)
    for step in STEPS:
        step.up(conn)
        conn.execute(sa.insert(schema.schema_version).values(version=step.version, name=step.name, applied_at=now))
    return list(STEPS)


def migrate(engine: Engine) -> list[Step]:
    """Apply the pending steps in order, one transaction each; then create declared tables still missing.

    Returns the steps applied (none when the store is up to date). Safe when two processes open the store
    at once: each step re-checks inside its transaction (PostgreSQL: under an advisory lock) whether it ran.
    """
    with engine.begin() as conn:
        _lock(conn)
        if _fresh(conn):
            return _create_fresh(conn)
        schema.schema_version.create(conn, checkfirst=True)
    done: list[Step] = []
    for step in pending(engine):
        with engine.begin() as conn:
            _lock(conn)
            if step.version in applied(conn):  # another process applied it meanwhile
                continue
            step.up(conn)
            conn.execute(sa.insert(schema.schema_version).values(
                version=step.version, name=step.name, applied_at=dt.datetime.now().replace(microsecond=0)))
        done.append(step)
    with engine.begin() as conn:
        _lock(conn)
        schema.metadata.create_all(conn, checkfirst=True)  # new tables declared since (see the docstring)
    return done
