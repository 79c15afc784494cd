"""Database faults as one sentence in the user's language, the details in a log (issue 17).

``explain(exc, lang)`` classifies an exception from the database driver or the file system (a full disk,
a lock held by another process, a write conflict, a read-only file, anything else), writes the traceback
to the error log under a short error id and returns what to say. The engine keeps raising these errors
(the inbox and the HTTP endpoint retry a busy or unreachable database); the command line and the Data
page answer with ``explain``. The log is ``$KPI_ERROR_LOG``, else (or when that can't be written, e.g. on
the full disk) ``kpi_engine-errors.log`` in the temporary directory.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from sqlalchemy.exc import DBAPIError

from kpi_engine.i18n import t
from kpi_engine.store import DatabaseBusy

log = logging.getLogger("kpi_engine.faults")
LOG_ENV = "KPI_ERROR_LOG"
# What the command line and the page catch: driver errors (wrapped or raw DuckDB) and file-system errors.
STORE_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, duckdb.Error, DatabaseBusy, OSError)
TEMPORARY = {"disk_full", "busy", "conflict"}  # exit 75: trying again later may work

_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("disk_full", ("no space left", "disk full", "could not extend file", "diskfull", "quota exceeded")),
    ("busy", ("could not set lock", "database is locked", "lock timeout", "lock not available",
              "unique file handle conflict", "conflicting lock")),
    ("conflict", ("transactioncontext error: conflict", "write-write conflict", "could not serialize",
                  "deadlock detected", "constraint", "duplicate key", "integrity")),
    ("read_only", ("read-only", "read only", "permission denied", "readonly")),
)


@dataclass(frozen=True)
class Fault:
    kind: str  # disk_full | busy | conflict | read_only | other
    message: str  # one sentence (two at most: what happened, what to do)
    error_id: str
    log_path: str | None

    @property
    def exit_code(self) -> int:
        return 75 if self.kind in TEMPORARY else 1


def classify(exc: BaseException) -> str:
    if isinstance(exc, DatabaseBusy):
        return "busy"
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = getattr(seen, "orig", None) or seen.__cause__
    for e in chain:
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return "disk_full"
        if isinstance(e, OSError) and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "read_only"
    text = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    pgcodes = {getattr(getattr(e, "orig", None), "sqlstate", None) for e in chain}
    if pgcodes & {"53100"}:
        return "disk_full"
    if pgcodes & {"55P03", "40P01"}:
        return "busy"
    for kind, words in _MARKERS:
        if any(w in text for w in words):
            return kind
    return "other"


def _log_path() -> list[Path]:
    given = os.environ.get(LOG_ENV)
    paths = [Path(given)] if given else []
    return paths + [Path(tempfile.gettempdir()) / "kpi_engine-errors.log"]


def _write_log(error_id: str, exc: BaseException, context: str) -> str | None:
    text = (f"{datetime.now().isoformat(timespec='seconds')} error {error_id} ({context})\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + "\n")
    for path in _log_path():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(text)
            return str(path)
        except OSError:
            continue  # a full disk: try the next place
    return None


def explain(exc: BaseException, lang: str | None = "en", context: str = "") -> Fault:
    """What to tell the user about ``exc``; the traceback goes to the error log (and the logger) under an id."""
    kind = classify(exc)
    error_id = uuid.uuid4().hex[:8]
    log.info("error %s (%s): %s", error_id, kind, exc)  # the traceback goes to the error log only
    path = _write_log(error_id, exc, f"{kind}; {context}" if context else kind)
    message = t(f"ingest_fault_{kind}", lang, error_id=error_id)
    return Fault(kind=kind, message=message, error_id=error_id, log_path=path)


def sentence(fault: Fault, lang: str | None = "en") -> str:
    """The message plus where the details are (for the command line)."""
    if fault.log_path is None:
        return fault.message
    return f"{fault.message} {t('ingest_fault_log', lang, path=fault.log_path, error_id=fault.error_id)}"
