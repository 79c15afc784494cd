"""Default size limits of HTTP ingest (``serve-ingest --max-bytes / --max-rows`` change them), and which
errors mean "the database is busy or unreachable, try again" rather than "this file is bad"."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from kpi_engine import store

MAX_BYTES = 10 * 1024 * 1024  # request body
MAX_ROWS = 50_000  # rows per request
# A DuckDB file held by another process (store.DatabaseBusy, when the store waits for it) or any driver error.
DB_UNAVAILABLE: tuple[type[Exception], ...] = (DBAPIError, *((store.DatabaseBusy,) if hasattr(store, "DatabaseBusy") else ()))
