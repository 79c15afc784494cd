"""One database connection for the whole build of a review.

A DuckDB file is opened per connection (``kpi_engine.store`` uses no pool, so another process can take the
file's lock between two queries). A review runs about a hundred small queries; opening and closing the file
for each cost most of the Reviews page's time (0.07 s a query on the demo). :func:`held` opens the file once,
hands out an engine bound to that one connection for the build, and closes it afterwards, so the lock is held
for the build only. Other databases (PostgreSQL, an in-memory DuckDB) already pool their connections and are
returned as they are. The build only reads, so the one connection is never left inside a write.

While a page run keeps the file open (``kpi_engine.store.kept_open``) every connection already attaches to the open
database (about 2 ms): the engine is returned as it is, so what is known to be unchanged while the file stays open
(``store.unchanged_mark``: ``metrics.query.data_bounds``, asked about 30 times a monthly review) is asked once.
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
    from kpi_engine.store import unchanged_mark  # local: the store opens the schema the reviews are built on

    if not isinstance(engine.pool, NullPool) or unchanged_mark(engine) is not None:
        yield engine
        return
    raw = engine.raw_connection()  # through the store's connect hook: waits while another process holds the file
    one = sa.create_engine(engine.url, poolclass=StaticPool, creator=lambda: raw.dbapi_connection)
    try:
        yield one
    finally:
        raw.close()
