"""Business settings in the database: the values in force, changes and their history.

Only keys whose value differs from the default have a row in ``settings`` (value as JSON text);
every change is appended to ``settings_history`` (key, old, new, when, who). Each change bumps the
``settings_version`` token in ``schema_meta`` inside the same transaction, so :func:`load_settings`
(in :mod:`kpi_engine.settings_read`, re-exported here) is cheap: the overlay is rebuilt only when the token
moved, and the token itself is read at most once a second per engine. A change made in this process is seen
at once; one made by another process (say the CLI, while the app runs) within a second.

What is built from the settings subscribes with :func:`on_change` and is brought up to date in the change's own
transaction (``kpi_engine.rollups``: the counts that compare with the high-value threshold or the response SLA), so
this module needs to know nothing of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import access, clock, schema
from kpi_engine.access import audit
from kpi_engine.settings import SETTING_DOCS, Settings, env_config
from kpi_engine.settings_read import (
    VERSION_KEY,
    forget_cached,
    load_settings,
    overlay,
    read_stored,
    settings_version,
    store_version,
)
from kpi_engine.settings_rules import (
    GROUPS,
    SettingError,
    check,
    editable_keys,
    format_value,
    from_json,
    parse,
    require_key,
    setting_name,
    to_json,
)

if TYPE_CHECKING:
    import pandas as pd

HISTORY_COLUMNS = ("changed_at", "changed_by", "key", "old", "new")

Listener = Callable[[Connection, str, Settings], None]
_listeners: list[Listener] = []


def on_change(listener: Listener) -> None:
    """Call ``listener(conn, key, settings)`` in the transaction of every change of a setting, after the change is
    written (``settings``: the values in force once it commits); an exception rolls the change back. Registered
    once however often this is called (a module imported again registers nothing new)."""
    if listener not in _listeners:
        _listeners.append(listener)


def stored_values(engine: Engine) -> dict[str, object]:
    """The keys that differ from their default, with their stored values."""
    with engine.connect() as conn:
        return read_stored(conn)


def _user(user: str | None) -> str:
    return (user or "").strip() or env_config().user or Settings().upload_user


def _bump(conn: Connection) -> None:
    t = schema.schema_meta
    query = sa.select(t.c.value).where(t.c.key == VERSION_KEY)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()  # concurrent writers take turns
    current = conn.execute(query).scalar()
    if current is None:
        conn.execute(sa.insert(t).values(key=VERSION_KEY, value="1"))
    else:
        conn.execute(sa.update(t).where(t.c.key == VERSION_KEY).values(value=str(int(current) + 1)))


def _write(engine: Engine, key: str, new: object, user: str | None) -> bool:
    """Store ``new`` as the value of ``key`` (a row only when it differs from the default); False when unchanged."""
    access.require("settings")
    default = getattr(Settings(), key)
    who = _user(user or access.actor_name())
    now = clock.stamp(engine)  # in the time zone in force when the change is made
    s, h = schema.settings, schema.settings_history
    with engine.connect() as conn:
        if getattr(overlay(read_stored(conn)), key) == new:
            return False  # already in force: nothing to record
    with engine.begin() as conn:
        _bump(conn)  # first: on PostgreSQL it locks the token row until the change commits
        old = overlay(read_stored(conn))
        before = getattr(old, key)
        changes: dict[str, Any] = {key: new}  # ``new`` has the field's type (parsed per key)
        after = dataclasses.replace(old, **changes)
        check(after)  # raises: the transaction rolls back, nothing changed
        conn.execute(sa.delete(s).where(s.c.key == key))
        if new != default:
            conn.execute(sa.insert(s).values(key=key, value=to_json(new), updated_at=now, updated_by=who))
        change_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(h.c.change_id), 0))).scalar_one()) + 1
        conn.execute(sa.insert(h).values(change_id=change_id, key=key, old=to_json(before), new=to_json(new),
                                         changed_at=now, changed_by=who))
        audit.record(conn, "settings_change", target=key, before=before, after=new, actor=who)
        for listener in list(_listeners):
            listener(conn, key, after)
    forget_cached()
    return True


def set_setting(engine: Engine, key: str, value_text: str, user: str | None = None) -> bool:
    """Set ``key`` from ``value_text`` (as typed, or JSON), recording the change.

    Raises :class:`~kpi_engine.settings_rules.SettingError` (nothing changed) for an unknown key, a value of the
    wrong type or range, or one that breaks a rule between settings (grade bounds S > A > B > C ...).
    Returns False when the value was already in force (nothing recorded).
    """
    return _write(engine, key, parse(key, value_text), user)


def reset_setting(engine: Engine, key: str, user: str | None = None) -> bool:
    """Put ``key`` back to its default (recorded as a change); False when it already was the default."""
    require_key(key)
    return _write(engine, key, getattr(Settings(), key), user)


def setting_history(engine: Engine, key: str | None = None) -> pd.DataFrame:
    """Every change, newest first: changed_at, changed_by, key, old, new (values as text)."""
    import pandas as pd  # here, not at the top: every upload reads the settings (a cron upload need not load pandas)

    h = schema.settings_history
    query = sa.select(h.c.changed_at, h.c.changed_by, h.c.key, h.c.old, h.c.new).order_by(h.c.change_id.desc())
    if key:
        query = query.where(h.c.key == key)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    for col in ("old", "new"):
        frame[col] = [format_value(from_json(k, v)) if k in editable_keys() else v for k, v in zip(frame["key"], frame[col],
                                                                                                    strict=True)]
    return frame


def overview(engine: Engine, lang: str = "en") -> pd.DataFrame:
    """One row per setting: key, name, value, default, changed (bool), description, last change (when, who)."""
    import pandas as pd

    current, default = load_settings(engine), Settings()
    s = schema.settings
    with engine.connect() as conn:
        meta = {r.key: (r.updated_at, r.updated_by) for r in conn.execute(sa.select(s.c.key, s.c.updated_at, s.c.updated_by))}
    group_of = {k: g for g, keys in GROUPS for k in keys}
    rows = []
    for key in editable_keys():
        value, dflt = getattr(current, key), getattr(default, key)
        when, who = meta.get(key, (None, None))
        rows.append({"key": key, "name": setting_name(key, lang), "group": group_of.get(key, ""), "value": value,
                     "default": dflt, "changed": value != dflt, "description": SETTING_DOCS[key].get(lang) or SETTING_DOCS[key]["en"],
                     "updated_at": when, "updated_by": who})
    return pd.DataFrame(rows)


__all__ = ["VERSION_KEY", "SettingError", "forget_cached", "load_settings", "on_change", "overview", "reset_setting",
           "set_setting", "setting_history", "settings_version", "store_version", "stored_values"]
