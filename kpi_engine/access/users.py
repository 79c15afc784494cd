"""Local accounts and sign-in: argon2id passwords, slow-down after failures, single sign-on identities.

- :func:`add_user`, :func:`disable_user`, :func:`enable_user`, :func:`reset_password`, :func:`list_users`
  (``python -m kpi_engine user add|disable|enable|reset|list``); every change is audited.
- :func:`authenticate` checks a password. After ``FREE_ATTEMPTS`` failures in a row an account is
  locked for 30 s, doubling with each further failure up to 15 minutes; a locked account answers
  "try again in N seconds" without checking the password. A success resets the count.
- :func:`principal_for_identity` maps a single sign-on identity (its e-mail) to an account; an identity
  without an active account is refused (an admin adds the person first).
- :func:`principal_for` builds the :class:`Principal`: a manager sees everyone under them in the
  people table (``manager_id``, at any depth), a member sees themselves, a viewer no person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema
from kpi_engine.access import audit, passwords
from kpi_engine.access.principal import ROLES, Principal, require

FREE_ATTEMPTS = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60


class AccountError(ValueError):
    """A sign-in or account change refused; ``key`` is an i18n key, ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(f"{key} {self.params}" if self.params else key)


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    email: str | None
    role: str
    person_id: str | None
    active: bool
    has_password: bool


def _norm(username: str) -> str:
    return username.strip().lower()


def _row(engine: Engine, username: str) -> sa.Row | None:
    u = schema.users
    with engine.connect() as conn:
        return conn.execute(sa.select(u).where(u.c.username == _norm(username))).first()


def team_tree(engine: Engine, person_id: str) -> frozenset[str]:
    """``person_id`` and everyone who reports to them, directly or through others (cycles stop)."""
    p = schema.people
    with engine.connect() as conn:
        edges = conn.execute(sa.select(p.c.person_id, p.c.manager_id)).all()
    reports: dict[str, list[str]] = {}
    for pid, manager in edges:
        if manager:
            reports.setdefault(str(manager), []).append(str(pid))
    seen = {person_id}
    todo = [person_id]
    while todo:
        for child in reports.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return frozenset(seen)


def principal_for(engine: Engine, account: Account) -> Principal:
    if account.role == "admin":
        people: frozenset[str] | None = None
    elif account.role == "manager" and account.person_id:
        people = team_tree(engine, account.person_id)
    elif account.role in ("manager", "member") and account.person_id:
        people = frozenset({account.person_id})
    else:
        people = frozenset()
    return Principal(account.username, account.role, account.person_id, people, account.name)


def _account(row: sa.Row) -> Account:
    return Account(row.username, row.name, row.email, row.role, row.person_id, bool(row.active),
                   bool(row.password_hash))


def get_account(engine: Engine, username: str) -> Account | None:
    row = _row(engine, username)
    return _account(row) if row is not None else None


def list_users(engine: Engine) -> pd.DataFrame:
    """Every account (never the password hash)."""
    u = schema.users
    query = sa.select(u.c.username, u.c.name, u.c.email, u.c.role, u.c.person_id, u.c.active,
                      (u.c.password_hash.isnot(None)).label("has_password"), u.c.last_login_at, u.c.locked_until
                      ).order_by(u.c.username)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["username", "name", "email", "role", "person_id", "active",
                                                           "has_password", "last_login_at", "locked_until"])


def add_user(engine: Engine, username: str, *, role: str, name: str = "", email: str | None = None,
             person_id: str | None = None, password: str | None = None) -> Account:
    """Create an account; ``password`` None makes a single sign-on account (matched by e-mail)."""
    require("users")
    key = _norm(username)
    if not key:
        raise AccountError("access_username_blank")
    if role not in ROLES:
        raise AccountError("access_role_unknown", role=role, roles=", ".join(ROLES))
    if role in ("manager", "member") and not person_id:
        raise AccountError("access_person_needed", role=role)
    if password is not None and (why := passwords.check_strength(password)):
        raise AccountError(why, minimum=passwords.MIN_LENGTH)
    if password is None and not (email or "@" in key):
        raise AccountError("access_sso_needs_email")
    now = clock.stamp(engine)
    u = schema.users
    with engine.begin() as conn:
        if conn.execute(sa.select(u.c.username).where(u.c.username == key)).first() is not None:
            raise AccountError("access_user_exists", username=key)
        if person_id and conn.execute(sa.select(schema.people.c.person_id)
                                      .where(schema.people.c.person_id == person_id)).first() is None:
            raise AccountError("access_person_unknown", person=person_id)
        values = {"username": key, "name": name or key, "email": (email or (key if "@" in key else None)),
                  "role": role, "person_id": person_id, "active": True, "failed_logins": 0,
                  "password_hash": passwords.hash_password(password) if password is not None else None,
                  "created_at": now, "updated_at": now}
        conn.execute(u.insert().values(**values))
        audit.record(conn, "user_add", target=key, after={"role": role, "person_id": person_id, "email": values["email"]})
    account = get_account(engine, key)
    assert account is not None
    return account


def _change(engine: Engine, username: str, detail: str, **values: object) -> None:
    require("users")
    key = _norm(username)
    u = schema.users
    with engine.begin() as conn:
        before = conn.execute(sa.select(u.c.active, u.c.role).where(u.c.username == key)).first()
        if before is None:
            raise AccountError("access_user_unknown", username=key)
        conn.execute(u.update().where(u.c.username == key).values(updated_at=clock.stamp(conn), **values))
        audit.record(conn, "user_change", target=key, before={"active": bool(before.active), "role": before.role},
                     after={k: v for k, v in values.items() if k != "password_hash"}, detail=detail)


def disable_user(engine: Engine, username: str) -> None:
    _change(engine, username, "disable", active=False)


def enable_user(engine: Engine, username: str) -> None:
    _change(engine, username, "enable", active=True, failed_logins=0, locked_until=None)


def set_role(engine: Engine, username: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError("access_role_unknown", role=role, roles=", ".join(ROLES))
    _change(engine, username, "role", role=role)


def reset_password(engine: Engine, username: str, password: str) -> None:
    if why := passwords.check_strength(password):
        raise AccountError(why, minimum=passwords.MIN_LENGTH)
    _change(engine, username, "reset password", password_hash=passwords.hash_password(password), failed_logins=0,
            locked_until=None)


def lock_seconds(failures: int) -> int:
    """How long an account stays locked after ``failures`` failed sign-ins in a row (0: not locked)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS))


def authenticate(engine: Engine, username: str, password: str, *, now: dt.datetime | None = None) -> Principal:
    """The principal for a correct password; :class:`AccountError` otherwise (every attempt is audited).

    The same message is given for an unknown user and a wrong password, so sign-in does not tell
    which user names exist.
    """
    key = _norm(username)
    at = now or clock.stamp(engine)
    u = schema.users
    refusal: AccountError | None = None
    with engine.begin() as conn:  # the failure count and the audit row are committed before refusing
        row = conn.execute(sa.select(u).where(u.c.username == key)).first()
        if row is None or not row.active:
            audit.record(conn, "sign_in_failed", target=key, detail="unknown or disabled account", actor=key or "?")
            refusal = AccountError("access_sign_in_failed")
        elif row.locked_until is not None and row.locked_until > at:
            wait = int((row.locked_until - at).total_seconds()) + 1
            audit.record(conn, "sign_in_failed", target=key, detail="locked", actor=key)
            refusal = AccountError("access_locked", seconds=wait)
        elif not passwords.verify(row.password_hash, password):
            failures = int(row.failed_logins or 0) + 1
            seconds = lock_seconds(failures)
            conn.execute(u.update().where(u.c.username == key).values(
                failed_logins=failures, locked_until=at + dt.timedelta(seconds=seconds) if seconds else None))
            audit.record(conn, "sign_in_failed", target=key, detail=f"wrong password ({failures} in a row)", actor=key)
            refusal = AccountError("access_locked", seconds=seconds) if seconds else AccountError("access_sign_in_failed")
        else:
            values: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login_at": at}
            if passwords.needs_rehash(row.password_hash):
                values["password_hash"] = passwords.hash_password(password)
            conn.execute(u.update().where(u.c.username == key).values(**values))
            audit.record(conn, "sign_in", target=key, detail="password", actor=key)
    if refusal is not None:
        raise refusal
    assert row is not None
    return principal_for(engine, _account(row))


def principal_for_identity(engine: Engine, email: str, *, provider: str = "oidc") -> Principal:
    """The principal of a single sign-on identity: the active account with that e-mail (audited)."""
    address = _norm(email)
    u = schema.users
    with engine.begin() as conn:
        row = conn.execute(sa.select(u).where(sa.func.lower(u.c.email) == address, u.c.active.is_(True))
                           .order_by(u.c.username)).first() if address else None
        if row is None:
            audit.record(conn, "sign_in_failed", target=address, detail=f"{provider}: no active account",
                         actor=address or "?")
        else:
            conn.execute(u.update().where(u.c.username == row.username).values(last_login_at=clock.stamp(conn)))
            audit.record(conn, "sign_in", target=row.username, detail=provider, actor=row.username)
    if row is None:
        raise AccountError("access_sso_no_account", email=address or "—")
    return principal_for(engine, _account(row))
