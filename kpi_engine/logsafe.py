"""Log records without secrets: the password of any URL in a message or a traceback is hidden.

The dashboard logs an unexpected error's traceback under its error id; an exception's text may quote a database
URL (``postgresql://kpi:PASSWORD@host/db``). :class:`RedactingFilter` rewrites the message and the formatted
traceback before any handler sees them, so the log keeps the details an admin needs and never the password.
"""

from __future__ import annotations

import logging

from kpi_engine.settings import redact


class RedactingFilter(logging.Filter):
    """Hide URL passwords in a record's message and traceback (the record is kept, never dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def protect(logger: logging.Logger) -> logging.Logger:
    """Add the filter to ``logger`` once; returns it."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
