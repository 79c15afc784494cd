"""Default size limits of HTTP ingest (``serve-ingest --max-bytes / --max-rows`` change them)."""

from __future__ import annotations

MAX_BYTES = 10 * 1024 * 1024  # request body
MAX_ROWS = 50_000  # rows per request
