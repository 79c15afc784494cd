"""Review notes: cause, action, owner, due date and status for a period and a KPI or scope.

Notes live in ``schema.review_notes`` with who wrote them and when. It is not an upload
table, so uploads and their undo never touch it. An ``open`` action carries over: it is
listed first in every later review of the same grain (:func:`open_carried_over`) until it is
marked ``done`` or ``dropped``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, periods, schema

STATUSES: tuple[str, ...] = schema.REVIEW_NOTE_STATUSES
NOTE_COLUMNS: list[str] = [c.name for c in schema.review_notes.columns]
_T = schema.review_notes


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    return status


def _label(period: str, grain: str | None = None) -> tuple[str, str, dt.date]:
    """``(canonical label, grain, first day)`` of a period label; ``grain`` must match when given."""
    found, start, _ = periods.parse_period(period)
    if found == "range":
        raise ValueError("review notes belong to a calendar period (week, month, quarter ...), not a range")
    if grain is not None and grain != found:
        raise ValueError(f"period {period!r} is a {found}, not a {grain}")
    return periods.period_label(start, found), found, start


_ATTEMPTS = 25


def _is_write_conflict(exc: sa.exc.DBAPIError) -> bool:
    """True when another writer took the same ``note_id`` first (worth retrying in a new transaction).

    PostgreSQL raises a unique violation (IntegrityError), or a serialization failure (SQLSTATE
    40001) under stricter isolation. DuckDB raises a constraint error on insert, or a
    transaction conflict when the clash is found at commit; opening the same file from several
    threads at once can also fail with "already attached" (DuckDB's per-process instance cache
    racing), which a retry gets past too.
    """
    state = getattr(exc.orig, "sqlstate", None)
    if state is not None:  # PostgreSQL: unique_violation, serialization_failure
        return state in ("23505", "40001")
    kind, text = type(exc.orig).__name__, str(exc.orig).lower()
    return (kind == "TransactionException" or (kind == "ConstraintException" and "duplicate key" in text)
            or (kind == "ResourceInUseException" and "already attached" in text))


def add_note(engine: Engine, *, period: str, metric_id: str | None = None, scope_type: str = "team",
             scope_id: str = "", cause: str | None = None, action: str | None = None, owner_id: str | None = None,
             due_date: dt.date | str | None = None, status: str = "open", created_by: str | None = None) -> int:
    """Record a note for ``period`` (a label: 2026-W44, 2026-10); returns its ``note_id``.

    The id is the largest one + 1; when a concurrent writer takes it first, the insert is retried
    in a new transaction (up to ``_ATTEMPTS`` times), so simultaneous notes all get distinct ids.
    """
    access.require("notes")
    label, grain, _ = _label(period)
    _check_status(status)
    if scope_type not in schema.SCOPE_TYPES:
        raise ValueError(f"unknown scope type {scope_type!r}; use one of: {', '.join(schema.SCOPE_TYPES)}")
    values = {"period": label, "grain": grain, "metric_id": metric_id or None, "scope_type": scope_type,
              "scope_id": scope_id or "", "cause": cause, "action": action, "owner_id": owner_id or None,
              "due_date": periods.to_date(due_date) if due_date else None, "status": status,
              "created_by": created_by}
    for attempt in range(_ATTEMPTS):
        now = clock.stamp(engine)
        try:
            with engine.begin() as conn:  # a new transaction on every attempt
                next_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(_T.c.note_id), 0))).scalar() or 0)
                next_id += 1
                conn.execute(_T.insert().values(note_id=next_id, created_at=now, updated_at=now, **values))
            return next_id
        except sa.exc.DBAPIError as exc:
            if attempt + 1 >= _ATTEMPTS or not _is_write_conflict(exc):
                raise
            time.sleep(random.uniform(0.0, 0.005 * (attempt + 1)))  # jitter so racing writers spread out
    raise AssertionError("unreachable")  # pragma: no cover


_EDITABLE = ("cause", "action", "owner_id", "due_date", "status", "metric_id", "scope_type", "scope_id")


def update_note(engine: Engine, note_id: int, **changes: object) -> bool:
    """Change fields of a note (status, cause, action, owner_id, due_date ...); False when it does not exist."""
    access.require("notes")
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ValueError(f"cannot change {', '.join(unknown)}; editable: {', '.join(_EDITABLE)}")
    values = dict(changes)
    if "status" in values:
        _check_status(str(values["status"]))
    if values.get("due_date"):
        values["due_date"] = periods.to_date(values["due_date"])  # type: ignore[arg-type]
    values["updated_at"] = clock.stamp(engine)
    with engine.begin() as conn:
        result = conn.execute(_T.update().where(_T.c.note_id == int(note_id)).values(**values))
    return bool(result.rowcount)


def set_status(engine: Engine, note_id: int, status: str) -> bool:
    """Mark a note open, done or dropped."""
    return update_note(engine, note_id, status=status)


def _frame(rows: Sequence[sa.RowMapping]) -> pd.DataFrame:
    frame = pd.DataFrame([dict(r) for r in rows], columns=NOTE_COLUMNS)
    frame["note_id"] = frame["note_id"].astype("int64")
    return frame


def notes_for(engine: Engine, period: str, grain: str | None = None) -> pd.DataFrame:
    """The notes recorded for ``period`` (every status), oldest first."""
    label, found, _ = _label(period, grain)
    query = sa.select(_T).where(_T.c.period == label, _T.c.grain == found).order_by(_T.c.created_at, _T.c.note_id)
    with engine.connect() as conn:
        return _frame(conn.execute(query).mappings().all())


def open_carried_over(engine: Engine, period: str, grain: str | None = None) -> pd.DataFrame:
    """Open actions recorded in earlier periods of the same grain: shown first in this review until closed.

    Oldest period first; ``period`` holds the period the note was written for.
    """
    _, found, start = _label(period, grain)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(_T).where(_T.c.grain == found, _T.c.status == "open")
                            .order_by(_T.c.created_at, _T.c.note_id)).mappings().all()
    frame = _frame(rows)
    if frame.empty:
        return frame
    earlier = [periods.parse_period(p)[1] < start for p in frame["period"]]  # a few notes, not data rows
    frame = frame[earlier].copy()
    frame["_start"] = [periods.parse_period(p)[1] for p in frame["period"]]
    return frame.sort_values(["_start", "note_id"], kind="stable").drop(columns="_start").reset_index(drop=True)


def review_notes(engine: Engine, period: str, grain: str | None = None) -> pd.DataFrame:
    """What a review shows: carried-over open actions first (``carried`` True), then this period's notes."""
    carried = open_carried_over(engine, period, grain).assign(carried=True)
    own = notes_for(engine, period, grain).assign(carried=False)
    return pd.concat([carried, own], ignore_index=True) if len(carried) else own


def owner_ids(engine: Engine) -> list[str]:
    """Everyone a note's action can be given to: the people's ids, sorted (pages show them by name)."""
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(schema.people.c.person_id).order_by(schema.people.c.person_id))]
