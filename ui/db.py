"""The database the app works on, and cached reads of small summaries.

URL order: ``st.session_state["db_url"]`` (tests inject one before the first
run), then ``$KPI_DB_URL``, then ``KPI_DB_URL`` or ``db_url`` in
``.streamlit/secrets.toml``, then the embedded default file
(``kpi_engine.settings.EnvConfig``). A secrets file that cannot be read stops the
page with an error naming it; it never falls back to another database.

:func:`settings` is the business settings of this session's store (the Settings
page edits them); :func:`version` changes with the data and with the settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine, make_url

from kpi_engine import access, clock, settings_store, store
from kpi_engine.ingest.audit import data_freshness, list_uploads
from kpi_engine.metrics import custom, registry
from kpi_engine.settings import SecretsFileError, Settings, redact, resolve_db_url, safe_url, settings_in_force
from ui.i18n import tr

DB_URL_KEY = "db_url"
T = TypeVar("T")


def db_url() -> str:
    """The database URL for this session (stops the page when the secrets file is unreadable)."""
    chosen = st.session_state.get(DB_URL_KEY)
    if chosen:
        return chosen
    try:
        return resolve_db_url()
    except SecretsFileError as exc:
        st.error(tr("ui_db_error", error=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def backend_label() -> str:
    """The kind of database ("DuckDB", "PostgreSQL"): what a page may say about it. The URL itself (a host, a
    file path, a user) is never shown on a page (issue 11, point 8)."""
    try:
        name = make_url(db_url()).get_backend_name()
    except Exception:  # an unparsable URL: get_engine says so without showing it
        return "?"
    return {"duckdb": "DuckDB", "postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(name, name)


def _without_url(text: str, url: str) -> str:
    """An error text without the database URL (in full, with its password hidden, or its file path / database name)
    and without a password."""
    try:
        database = make_url(url).database or ""
    except Exception:  # not a URL: only the text as given is hidden
        database = ""
    for form in sorted({url, safe_url(url), database} - {""}, key=len, reverse=True):
        text = text.replace(form, "KPI_DB_URL")
    return redact(text)


def get_engine() -> Engine:
    """The engine for this session; shows an error and stops the page when the database can't be opened."""
    url = db_url()
    try:
        engine = store.get_engine(url)
    except Exception as exc:  # say it on the page, not only in a log
        st.error(tr("ui_db_error", error=_without_url(str(exc), url)))
        st.stop()
        raise  # unreachable: st.stop() raises
    _activate(engine)  # the store's own metrics (issue 16.5) are in the registry for this run
    return engine


# While a page run keeps the DuckDB file open nothing but this process can change the store, and every write here
# moves ``store.unchanged_mark``: what was read under an equal mark is still current. A page asks for the version
# and the engine dozens of times a run; each answer was a query.
_versions: dict[Engine, tuple[tuple[int, int], str]] = {}
_activated: dict[Engine, tuple[tuple[int, int], object]] = {}


def _activate(engine: Engine) -> None:
    mark = store.unchanged_mark(engine)
    hit = _activated.get(engine)
    if mark is not None and hit is not None and hit[0] == mark and registry.METRICS._all is hit[1]:
        return  # this store's metrics are the ones in force, and the store has not changed since
    custom.activate(engine)
    if mark is not None:
        _activated[engine] = (mark, registry.METRICS._all)


def kept_open(fn: Callable[[], T]) -> T:
    """``fn()`` (a page's run) with this session's DuckDB file kept open (``kpi_engine.store.kept_open``): its
    queries attach to the open file instead of opening it again each time. Engine code it calls without settings
    uses the store's (``kpi_engine.settings.settings_in_force``): money's symbol, thresholds, the time zone."""
    with store.kept_open(get_engine()), settings_in_force(settings()):
        return fn()


def version() -> str:
    """The data and settings version and who is asking: the cache key of anything computed from facts.

    A result the engine filtered for one principal (a member's own numbers) is never served to another.
    """
    engine = get_engine()
    mark = store.unchanged_mark(engine)
    hit = _versions.get(engine)
    if mark is not None and hit is not None and hit[0] == mark:
        token = hit[1]
    else:
        token = settings_store.store_version(engine)
        if mark is not None:
            _versions[engine] = (mark, token)
    return f"{token}|{access.current().cache_key}"


@st.cache_data(show_spinner=False, max_entries=16)
def _settings(url: str, store_version: str) -> Settings:
    return settings_store.load_settings(store.get_engine(url))


def settings() -> Settings:
    """The business settings of this session's store (cached until a setting or the data changes)."""
    return _settings(db_url(), version())


def today() -> dt.date:
    """The business day today in the store's time zone (setting ``timezone``): every page's default morning."""
    return clock.business_today(settings())


@st.cache_data(show_spinner=False, max_entries=64)
def _counts(url: str, data_version: str) -> dict[str, int]:
    return store.table_counts(store.get_engine(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _freshness(url: str, data_version: str) -> pd.DataFrame:
    return data_freshness(store.get_engine(url))


def table_counts() -> dict[str, int]:
    """Rows per uploadable table (cached until the data changes)."""
    return _counts(db_url(), version())


def freshness() -> pd.DataFrame:
    """``data_freshness`` (cached until the data changes)."""
    return _freshness(db_url(), version())


def uploads() -> pd.DataFrame:
    """The upload history, newest first (not cached: it is small, and undo marks change it)."""
    return list_uploads(get_engine())


def undone_uploads() -> set[int]:
    """Ids of uploads that were undone."""
    history = uploads()
    return {int(u) for u in history.loc[history["undone"].astype(bool), "upload_id"]}
