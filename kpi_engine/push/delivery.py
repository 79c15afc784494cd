"""Sending a message to its destinations: idempotent, retried with bounded exponential backoff, logged.

For each destination, the key ``kind|period|destination`` is *claimed* in ``push_sends`` (status ``sending``)
before anything is sent, and closed after (``sent`` or ``failed``). A key already ``sent`` is never sent again;
one left ``sending`` (the process died mid-send: the message may have arrived) is not sent again either unless
forced (``push --now --force``), and shows on the Delivery page; a ``failed`` key is tried again by the next run.
Two processes racing for one key: the database's primary key lets only one claim it.

Each attempt is logged in ``push_log`` (and to the ``kpi_engine.push`` logger) with secrets removed. Between
attempts the wait doubles (:class:`Retry`: 2 s, 4 s, 8 s by default, capped), and errors a retry cannot fix
(a refused signature, a bad key) stop at once.

:func:`send_message` is the short-text entry point for other parts of the product (the inbox's results).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import clock, schema
from kpi_engine.push import destinations
from kpi_engine.push.channels import SendError, sender
from kpi_engine.push.destinations import Destination, redact
from kpi_engine.push.message import Message

log = logging.getLogger("kpi_engine.push")
_S, _L = schema.push_sends, schema.push_log
STATUSES: tuple[str, ...] = ("sending", "sent", "failed")


@dataclass(frozen=True)
class Retry:
    """``attempts`` tries in all; the wait after try n is ``base × 2^(n-1)`` seconds, at most ``cap``."""

    attempts: int = 4
    base: float = 2.0
    cap: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1))


@dataclass(frozen=True)
class Outcome:
    """What happened for one destination: ``sent``, ``failed`` or ``skipped`` (``previous``: sent / sending)."""

    destination: str
    status: str
    attempts: int = 0
    error: str = ""
    previous: str = ""


def send_key(kind: str, period: str, destination: str) -> str:
    return f"{kind}|{period}|{destination}"


def _claim(engine: Engine, key: str, kind: str, period: str, dest: str, force: bool) -> str | None:
    """None when this process now owns ``key`` (status ``sending``); else the status that stops it."""
    now = clock.stamp(engine)
    try:
        with engine.begin() as conn:
            found = conn.execute(sa.select(_S.c.status).where(_S.c.send_key == key)).scalar()
            if found is None:
                conn.execute(sa.insert(_S).values(send_key=key, kind=kind, period=period, destination=dest,
                                                  status="sending", attempts=0, started_at=now))
                return None
            if found == "failed" or force:
                took = conn.execute(sa.update(_S).where(_S.c.send_key == key, _S.c.status == found)
                                    .values(status="sending", started_at=now, finished_at=None, error=None)).rowcount
                return None if took == 1 else "sending"
            return str(found)
    except sa.exc.DBAPIError:  # another process claimed it between our read and insert (key or write conflict)
        with engine.connect() as conn:
            found = conn.execute(sa.select(_S.c.status).where(_S.c.send_key == key)).scalar()
        if found is None:
            raise
        return "sending"


def _next_log_id(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(_L.c.log_id), 0))).scalar() or 0) + 1


def _log_attempt(engine: Engine, key: str, attempt: int, ok: bool, detail: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(_L).values(log_id=_next_log_id(conn), send_key=key, attempt=attempt, ok=ok,
                                          detail=detail, occurred_at=clock.stamp(conn)))
    (log.info if ok else log.warning)("push %s attempt %d: %s", key, attempt, detail)


def _finish(engine: Engine, key: str, status: str, attempts: int, error: str, title: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(_S).where(_S.c.send_key == key).values(
            status=status, attempts=attempts, error=error or None, title=title, finished_at=clock.stamp(conn)))


def _send_one(engine: Engine, dest: Destination, msg: Message, key: str, retry: Retry,
              now: Callable[[], float]) -> Outcome:
    send = sender(dest.kind)
    done: dict[str, str] = {}
    error = ""
    for attempt in range(1, max(1, retry.attempts) + 1):
        try:
            send(dest, msg, done, now=now())
        except SendError as exc:
            error = redact(str(exc), dest)
            _log_attempt(engine, key, attempt, False, error)
            if not exc.retry or attempt >= retry.attempts:
                _finish(engine, key, "failed", attempt, error, msg.title)
                return Outcome(dest.name, "failed", attempt, error)
            retry.sleep(retry.delay(attempt))
            continue
        except Exception as exc:  # a bug or an unexpected answer: logged and visible, never a silent loss
            error = redact(f"{exc.__class__.__name__}: {exc}", dest)
            _log_attempt(engine, key, attempt, False, error)
            _finish(engine, key, "failed", attempt, error, msg.title)
            return Outcome(dest.name, "failed", attempt, error)
        _log_attempt(engine, key, attempt, True, "accepted: " + ", ".join(sorted(done)))
        _finish(engine, key, "sent", attempt, "", msg.title)
        return Outcome(dest.name, "sent", attempt)
    _finish(engine, key, "failed", retry.attempts, error, msg.title)  # pragma: no cover - loop always returns
    return Outcome(dest.name, "failed", retry.attempts, error)


def deliver(engine: Engine, build: Callable[[str], Message], *, kind: str, period: str,
            to: Sequence[str] | None = None, retry: Retry | None = None, force: bool = False,
            now: Callable[[], float] = time.time) -> list[Outcome]:
    """Send the message ``build(lang)`` to every active destination receiving ``kind`` (or those named in ``to``).

    Each language's message is built once, and only when a destination of that language is due.
    """
    retry = retry or Retry()
    targets = destinations.load(engine, names=list(to)) if to else destinations.load(engine, kind=kind)
    built: dict[str, Message] = {}
    out = []
    for dest in targets:
        key = send_key(kind, period, dest.name)
        stopped = _claim(engine, key, kind, period, dest.name, force)
        if stopped is not None:
            out.append(Outcome(dest.name, "skipped", previous=stopped))
            continue
        try:
            msg = built.get(dest.lang) or built.setdefault(dest.lang, build(dest.lang))
        except Exception as exc:  # the digest could not be composed: record it, try the others
            error = f"could not compose the message: {exc.__class__.__name__}: {exc}"
            _log_attempt(engine, key, 0, False, error)
            _finish(engine, key, "failed", 0, error, "")
            out.append(Outcome(dest.name, "failed", 0, error))
            continue
        out.append(_send_one(engine, dest, msg, key, retry, now))
    return out


def _pick(value: str | Mapping[str, str], lang: str) -> str:
    return value if isinstance(value, str) else (value.get(lang) or value.get("en") or next(iter(value.values()), ""))


def send_message(engine: Engine, title: str | Mapping[str, str], lines: Sequence[str] | Mapping[str, Sequence[str]],
                 *, kind: str = "inbox", period: str | None = None, link: str | None = None, image: bytes | None = None,
                 to: Sequence[str] | None = None, retry: Retry | None = None) -> list[Outcome]:
    """Send a short text to the destinations receiving ``kind`` (default ``inbox``), or to those named in ``to``.

    ``title`` and ``lines`` are one text for every destination, or ``{"en": ..., "zh": ...}`` per language.
    ``period`` is the idempotency period (default: a hash of the content, so the same text is sent once);
    give e.g. the file's sha256 to send one message per file.
    """
    if period is None:
        period = hashlib.sha256(repr((sorted(title.items()) if isinstance(title, Mapping) else title,
                                      sorted(lines.items()) if isinstance(lines, Mapping) else list(lines)))
                                .encode()).hexdigest()[:16]

    def build(lang: str) -> Message:
        body = lines if not isinstance(lines, Mapping) else (lines.get(lang) or lines.get("en") or ())
        return Message(kind, period, _pick(title, lang), tuple(body), link=link, image=image, lang=lang)

    return deliver(engine, build, kind=kind, period=period, to=to, retry=retry)


def recent_sends(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The latest sends, newest first: key, kind, period, destination, title, status, attempts, error, times."""
    cols = [_S.c.started_at, _S.c.kind, _S.c.period, _S.c.destination, _S.c.title, _S.c.status, _S.c.attempts,
            _S.c.error, _S.c.finished_at, _S.c.send_key]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(_S.c.started_at.desc(), _S.c.send_key).limit(limit)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in cols])


def attempts_log(engine: Engine, send_key_: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Every attempt (newest first), of one send when ``send_key_`` is given."""
    cols = [_L.c.occurred_at, _L.c.send_key, _L.c.attempt, _L.c.ok, _L.c.detail]
    query = sa.select(*cols).order_by(_L.c.log_id.desc()).limit(limit)
    if send_key_:
        query = query.where(_L.c.send_key == send_key_)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in cols])
