"""Reading the business settings in force on a store, cheaply and without side effects.

The defaults (:class:`~kpi_engine.settings.Settings`) overlaid with the values stored in ``settings``, cached per
engine on the ``settings_version`` token of ``schema_meta``: the overlay is rebuilt only when the token moved, and
the token itself is read at most once a second per engine. Writing, history and change hooks live in
:mod:`kpi_engine.settings_store`; this half imports nothing that writes, so the clock can use it to stamp.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema
from kpi_engine.settings import Settings
from kpi_engine.settings_rules import editable_keys, from_json

VERSION_KEY = "settings_version"
NOTHING_STORED = "0"  # the settings version of a store where no setting was ever changed
RECHECK_SECONDS = 1.0  # how long a read token is trusted before it is read again

_cache: weakref.WeakKeyDictionary[Engine, tuple[str, float, Settings]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def read_token(conn: Connection) -> str:
    """The ``settings_version`` token on ``conn`` (``NOTHING_STORED`` on a database without our schema)."""
    t = schema.schema_meta
    try:
        value = conn.execute(sa.select(t.c.value).where(t.c.key == VERSION_KEY)).scalar()
    except sa.exc.DBAPIError:
        if sa.inspect(conn).has_table(t.name):
            raise
        return NOTHING_STORED
    return str(value or NOTHING_STORED)


def settings_version(engine: Engine) -> str:
    """A token that changes whenever a setting changes (use it as a cache key)."""
    with engine.connect() as conn:
        return read_token(conn)


def store_version(engine: Engine) -> str:
    """One token for the data and the settings (``<data_version>.<settings_version>``), read in one query:
    the cache key of anything computed from facts with the settings in force."""
    t = schema.schema_meta
    with engine.connect() as conn:
        found = dict(conn.execute(sa.select(t.c.key, t.c.value).where(t.c.key.in_(("data_version", VERSION_KEY)))).all())
    return f"{found.get('data_version') or '0'}.{found.get(VERSION_KEY) or NOTHING_STORED}"


def read_stored(conn: Connection) -> dict[str, object]:
    """The stored values of the editable keys (those that differ from their default)."""
    t = schema.settings
    keys = set(editable_keys())
    return {k: from_json(k, v) for k, v in conn.execute(sa.select(t.c.key, t.c.value)) if k in keys}


def overlay(stored: dict[str, Any]) -> Settings:
    """The defaults with ``stored`` laid over them (values of each field's type, validated when stored)."""
    return dataclasses.replace(Settings(), **stored) if stored else Settings()


def load_settings(bind: Engine | Connection) -> Settings:
    """The settings in force on ``bind``: the defaults overlaid with the stored values (cached by the token).

    Give the open ``Connection`` when inside a transaction (an in-memory DuckDB has only one connection).
    """
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _lock:
        hit = _cache.get(engine)
    now = time.monotonic()
    if hit is not None and now - hit[1] < RECHECK_SECONDS:
        return hit[2]
    with (nullcontext(bind) if isinstance(bind, Connection) else engine.connect()) as conn:
        version = read_token(conn)
        if hit is not None and hit[0] == version:
            settings = hit[2]
        else:
            settings = Settings() if version == NOTHING_STORED else overlay(read_stored(conn))
    with _lock:
        _cache[engine] = (version, now, settings)
    return settings


def forget_cached() -> None:
    """Drop every cached overlay (after a change; tests that edit the tables by hand)."""
    with _lock:
        _cache.clear()
