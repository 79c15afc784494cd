"""One database connection for the whole build of a review.

A DuckDB file is opened per connection (``kpi_engine.store`` uses no pool, so another process can take the
file's lock between two queries). A review runs about a hundred small queries; opening and closing the file
for each cost most of the Reviews page's time (0.07 s a query on the demo). :func:`held` opens the file once,
hands out an engine bound to that one connection for the build, and closes it afterwards, so the lock is held
for the build only. Other databases (PostgreSQL, an in-memory DuckDB) already pool their connections and are
returned as they are. The build only reads, so the one connection is never left inside a write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool, StaticPool


@contextmanager
def held(engine: Engine) -> Iterator[Engine]:
    """``engine``, or for an unpooled DuckDB file an engine on one connection held open for the ``with`` block."""
    if not isinstance(engine.pool, NullPool):
        yield engine
        return
    raw = engine.raw_connection()  # through the store's connect hook: waits while another process holds the file
    one = sa.create_engine(engine.url, poolclass=StaticPool, creator=lambda: raw.dbapi_connection)
    try:
        yield one
    finally:
        raw.close()
