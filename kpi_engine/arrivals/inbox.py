"""A watched inbox folder: CSV/XLSX files dropped there are imported by the one upload pipeline.

Layout of an inbox ``DIR``::

    DIR/               drop files here (the table is detected, or taken from a saved mapping for their headers)
    DIR/<table>/       or here, to name the table (DIR/leads/, DIR/spend/ ...)
    DIR/done/          files that loaded (or had been loaded before: same sha256, upload not undone)
    DIR/failed/        files that did not load, each with ``<name>.report.txt`` beside it

A file is read only once its size and modification time have stayed the same for ``settle`` seconds
(polled, bounded by ``stable_timeout``; a file still growing after that is left for the next pass).
Its bytes are read once, hashed and handed to ``kpi_engine.ingest.pipeline.ingest`` with the saved
mapping for its headers and the same validation as the Data page; a refused file changes nothing in
the database. Every processed file is recorded in ``inbox_files`` and reported through ``notify``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema, store
from kpi_engine.arrivals.failure_report import write_report
from kpi_engine.arrivals.limits import DB_UNAVAILABLE
from kpi_engine.arrivals.messages import Compose, Notify, both_languages, default_notify, result_message, safe_notify
from kpi_engine.i18n import t
from kpi_engine.ingest.model import IngestResult
from kpi_engine.ingest.pipeline import ingest

DONE, FAILED = "done", "failed"
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
# Names that are someone's work in progress, never imports: Office lock files, browser and editor temp files.
_TEMP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock", ".report.txt")
INBOX_USER = "inbox"
log = logging.getLogger("kpi_engine.arrivals")
_RETRY_LATER: tuple[type[Exception], ...] = (OSError, *DB_UNAVAILABLE)  # file gone or unreadable, database busy


@dataclass(frozen=True)
class InboxOptions:
    """How files are imported and when a file counts as completely written."""

    lang: str = "en"
    on_error: str = "abort"  # as in the pipeline: any error refuses the file; "skip" loads the valid rows
    accept_changes: bool = False  # let files change existing leads' owner, channel or created date
    user: str = INBOX_USER
    settle: float = 1.0  # seconds the size must stay unchanged
    stable_timeout: float = 60.0  # give up waiting (for this pass) after this long
    poll_interval: float = 0.2


@dataclass(frozen=True)
class Arrival:
    """What happened to one dropped file."""

    source: str  # path relative to the inbox
    outcome: str  # loaded | failed | duplicate | waiting (still being written) | retry (database busy)
    sha256: str | None = None
    table: str | None = None
    upload_id: int | None = None
    moved_to: Path | None = None
    title: str = ""
    lines: list[str] = field(default_factory=list)
    result: IngestResult | None = None


def _is_candidate(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and not name.startswith((".", "~$")) and not name.endswith(_TEMP_SUFFIXES)


def pending_files(inbox: Path) -> list[Path]:
    """Files waiting in the inbox and in its table subfolders, oldest first."""
    found = [p for p in inbox.iterdir() if _is_candidate(p)]
    for table in schema.UPLOAD_TABLES:
        sub = inbox / table
        if sub.is_dir():
            found += [p for p in sub.iterdir() if _is_candidate(p)]

    def key(p: Path) -> tuple[float, str]:
        try:
            return p.stat().st_mtime, str(p)
        except OSError:
            return 0.0, str(p)

    return sorted(found, key=key)


def wait_until_stable(path: Path, *, settle: float = 1.0, timeout: float = 60.0, interval: float = 0.2,
                      sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> bool:
    """True once ``path``'s size and mtime have not changed for ``settle`` seconds; False on timeout or if it vanished."""
    start = clock()
    last: tuple[int, int] | None = None
    since = start
    while True:
        try:
            st = path.stat()
        except OSError:
            return False
        now = clock()
        current = (st.st_size, st.st_mtime_ns)
        if current != last:
            last, since = current, now
        elif st.st_size > 0 and now - since >= settle:
            return True
        if now - start >= timeout:
            return False
        sleep(interval)


def _unique(dest_dir: Path, name: str) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / name
    if not target.exists():
        return target
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = clock.business_now().strftime("%Y%m%d-%H%M%S")
    n = 1
    while (target := dest_dir / f"{stem}.{stamp}{'-' + str(n) if n > 1 else ''}{suffix}").exists():
        n += 1
    return target


def _move(path: Path, dest_dir: Path) -> Path:
    target = _unique(dest_dir, path.name)
    path.replace(target)
    return target


def previous_upload(engine: Engine, sha256: str, table: str | None) -> int | None:
    """The live (not undone) upload of exactly these bytes, from the inbox, the Data page or the CLI."""
    u = schema.uploads
    query = sa.select(sa.func.max(u.c.upload_id)).where(u.c.sha256 == sha256, u.c.undone_at.is_(None))
    if table:
        query = query.where(u.c.table_name == table)
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    return int(found) if found is not None else None


def _record(engine: Engine, arrival: Arrival, size: int) -> int:
    """Write the inbox record of one processed file; returns its record_id."""
    f = schema.inbox_files
    with store.transaction(engine) as conn:
        record_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(f.c.record_id), 0))).scalar() or 0) + 1
        conn.execute(sa.insert(f).values(
            record_id=record_id, sha256=arrival.sha256 or "", file_name=arrival.source, size=size,
            outcome=arrival.outcome, table_name=arrival.table, upload_id=arrival.upload_id,
            moved_to=str(arrival.moved_to) if arrival.moved_to else None,
            detail="\n".join([arrival.title, *arrival.lines]),
            processed_at=clock.stamp(conn),
        ))
    return record_id


def _import(engine: Engine, data: bytes, path: Path, source: str, forced: str | None,
            options: InboxOptions) -> tuple[str, str | None, int | None, IngestResult | None, Compose]:
    """(outcome, table, upload_id, result, compose) for a file's bytes; ``compose(lang)`` gives its message."""
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() not in SUFFIXES:
        reason = "arrivals_unsupported", {"suffix": path.suffix or "-"}
    elif (earlier := previous_upload(engine, sha, forced)) is not None:
        return "duplicate", forced, earlier, None, lambda lang: (
            t("arrivals_duplicate_title", lang, source=source), [t("arrivals_duplicate_line", lang, upload_id=earlier)])
    else:
        try:
            res = ingest(engine, data, path.name, table=forced, on_error=options.on_error, use_saved_mapping=True,
                         user=options.user, lang=options.lang, accept_changes=options.accept_changes)
        except DB_UNAVAILABLE:
            raise  # the database is busy or unreachable: not the file's fault, it stays for the next pass
        except Exception as exc:  # e.g. bad arguments from a saved mapping: nothing was written
            log.exception("inbox: %s", source)
            reason = "arrivals_error", {"error": f"{type(exc).__name__}: {exc}"}
        else:
            outcome = "loaded" if res.status == "loaded" else "failed"
            return outcome, res.table, res.upload_id, res, lambda lang: result_message(res, source, lang)
    key, params = reason
    return "failed", forced, None, None, lambda lang: (t("arrivals_failed_title", lang, source=source), [t(key, lang, **params)])


def process_file(engine: Engine, inbox: Path, path: Path, *, options: InboxOptions = InboxOptions(),
                 notify: Notify | None = None, sleep: Callable[[float], None] = time.sleep) -> Arrival:
    """Import one dropped file once it is completely written; move it to done/ or failed/, record and report it.

    The message goes to ``notify`` in every language (default: ``default_notify(engine)``).
    """
    inbox, lang = Path(inbox), options.lang
    source = path.relative_to(inbox).as_posix()
    if not wait_until_stable(path, settle=options.settle, timeout=options.stable_timeout,
                             interval=options.poll_interval, sleep=sleep):
        return Arrival(source=source, outcome="waiting")
    forced = path.parent.name if path.parent != inbox else None
    try:
        data = path.read_bytes()
        outcome, table, upload_id, res, compose = _import(engine, data, path, source, forced, options)
    except _RETRY_LATER as exc:  # gone, unreadable for now, or the database busy: try again later
        log.warning("inbox: %s left for the next pass: %s", source, exc)
        return Arrival(source=source, outcome="retry", lines=[t("arrivals_retry", lang, error=type(exc).__name__)])
    title, lines = compose(lang)
    moved = _move(path, inbox / (FAILED if outcome == "failed" else DONE))
    if outcome == "failed":
        write_report(moved, title, lines, res, lang)
    arrival = Arrival(source=source, outcome=outcome, sha256=hashlib.sha256(data).hexdigest(), table=table,
                      upload_id=upload_id, moved_to=moved, title=title, lines=lines, result=res)
    try:
        record_id: int | None = _record(engine, arrival, len(data))
    except DB_UNAVAILABLE as exc:  # the upload (if any) is committed and carries the sha256: only the note is lost
        log.warning("inbox: %s not recorded in inbox_files: %s", source, exc)
        record_id = None

    def with_ref(lang: str) -> tuple[str, list[str]]:
        t_, l_ = compose(lang)
        where = f"{DONE if outcome != 'failed' else FAILED}/{moved.name}"
        ref = t("arrivals_ref", lang, record_id=record_id, moved=where) if record_id else t("arrivals_moved", lang, moved=where)
        return t_, [*l_, ref]

    safe_notify(notify or default_notify(engine), *both_languages(with_ref))
    return arrival


def process_once(engine: Engine, inbox: Path, *, options: InboxOptions = InboxOptions(),
                 notify: Notify | None = None, sleep: Callable[[float], None] = time.sleep) -> list[Arrival]:
    """Process every file waiting in the inbox (creating done/ and failed/ when needed), oldest first."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileNotFoundError(t("arrivals_no_dir", options.lang, path=inbox))
    sender = notify or default_notify(engine)
    out = []
    for path in pending_files(inbox):
        if path.exists():
            out.append(process_file(engine, inbox, path, options=options, notify=sender, sleep=sleep))
    return out
