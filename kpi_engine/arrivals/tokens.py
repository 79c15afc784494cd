"""Tokens for the HTTP ingest endpoint: one per source, shown once, stored hashed.

A token is ``kpi_`` + 43 URL-safe characters (32 random bytes from ``secrets``). Only its sha256 is
stored: for a high-entropy random token a plain hash is as good as a slow password hash, and checking
stays cheap per request. A check hashes the presented token and compares it with every active hash
with ``hmac.compare_digest``. A token may be limited to one upload table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema, store

PREFIX = "kpi_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


@dataclass(frozen=True)
class TokenInfo:
    """A token's record (never the token itself)."""

    name: str
    table: str | None  # None: any upload table
    created_at: dt.datetime
    created_by: str | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, table: str) -> bool:
        return self.table is None or self.table == table


class TokenError(ValueError):
    """A token command that can't be done; ``code`` is an i18n key suffix, ``params`` its values."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(row: sa.Row) -> TokenInfo:
    return TokenInfo(name=row.name, table=row.table_name, created_at=row.created_at, created_by=row.created_by,
                     last_used_at=row.last_used_at, revoked_at=row.revoked_at)


def _columns() -> list[sa.Column]:
    t = schema.ingest_tokens
    return [t.c.name, t.c.table_name, t.c.created_at, t.c.created_by, t.c.last_used_at, t.c.revoked_at]


def add_token(engine: Engine, name: str, table: str | None = None, *, user: str | None = None) -> str:
    """Create the token for source ``name`` and return it (the only time it is ever seen).

    A revoked name can be given a new token; an active one raises TokenError("exists").
    """
    if not _NAME.fullmatch(name or ""):
        raise TokenError("bad_name", name=name)
    if table is not None and table not in schema.UPLOAD_TABLES:
        raise TokenError("bad_table", table=table, tables=", ".join(schema.UPLOAD_TABLES))
    token = PREFIX + secrets.token_urlsafe(32)
    t = schema.ingest_tokens
    values = {"token_sha256": hash_token(token), "table_name": table, "created_at": clock.stamp(engine), "created_by": user,
              "last_used_at": None, "revoked_at": None}
    with store.transaction(engine) as conn:
        current = conn.execute(sa.select(t.c.revoked_at).where(t.c.name == name)).first()
        if current is None:
            conn.execute(sa.insert(t).values(name=name, **values))
        elif current.revoked_at is None:
            raise TokenError("exists", name=name)
        else:
            conn.execute(sa.delete(t).where(t.c.name == name))
            conn.execute(sa.insert(t).values(name=name, **values))
    return token


def list_tokens(engine: Engine) -> list[TokenInfo]:
    """Every token record, by name."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*_columns()).order_by(schema.ingest_tokens.c.name)).all()
    return [_info(r) for r in rows]


def revoke_token(engine: Engine, name: str) -> TokenInfo:
    """Revoke ``name``'s token (it stops working at once); TokenError("unknown"/"already_revoked") otherwise."""
    t = schema.ingest_tokens
    with store.transaction(engine) as conn:
        row = conn.execute(sa.select(*_columns()).where(t.c.name == name)).first()
        if row is None:
            raise TokenError("unknown", name=name)
        if row.revoked_at is not None:
            raise TokenError("already_revoked", name=name)
        conn.execute(sa.update(t).where(t.c.name == name).values(revoked_at=clock.stamp(conn)))
        row = conn.execute(sa.select(*_columns()).where(t.c.name == name)).one()
    return _info(row)


def check_token(engine: Engine, token: str | None, *, touch: bool = True) -> TokenInfo | None:
    """The active token record ``token`` belongs to, or None (missing, wrong or revoked).

    Every active hash is compared in constant time; ``touch`` records the use (last_used_at).
    """
    if not token:
        return None
    presented = hash_token(token)
    t = schema.ingest_tokens
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.name, t.c.token_sha256).where(t.c.revoked_at.is_(None))).all()
    match = None
    for row in rows:
        if hmac.compare_digest(presented, row.token_sha256):
            match = row.name
    if match is None:
        return None
    with store.transaction(engine) as conn:
        if touch:
            conn.execute(sa.update(t).where(t.c.name == match).values(last_used_at=clock.stamp(conn)))
        row = conn.execute(sa.select(*_columns()).where(t.c.name == match)).one()
    return _info(row) if row.revoked_at is None else None
