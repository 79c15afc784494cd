"""The database the app works on, and cached reads of small summaries.

URL order: ``st.session_state["db_url"]`` (tests inject one before the first
run), then ``KPI_DB_URL`` or ``db_url`` in ``.streamlit/secrets.toml``, then
``$KPI_DB_URL``, then the embedded default file (``kpi_engine.settings``).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import store
from kpi_engine.ingest.audit import data_freshness, list_uploads
from kpi_engine.settings import resolve_db_url
from ui.i18n import tr

DB_URL_KEY = "db_url"


def _secret_url() -> str | None:
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        for name in ("KPI_DB_URL", "db_url"):
            value = st.secrets.get(name)
            if value:
                return str(value)
    except Exception:  # unreadable secrets file: fall back to the environment
        return None
    return None


def db_url() -> str:
    """The database URL for this session."""
    return st.session_state.get(DB_URL_KEY) or resolve_db_url(_secret_url())


def display_url() -> str:
    """The database URL with any password hidden."""
    try:
        return sa.make_url(db_url()).render_as_string(hide_password=True)
    except Exception:  # not a URL: show nothing secret
        return "?"


def get_engine() -> Engine:
    """The engine for this session; shows an error and stops the page when the database can't be opened."""
    url = db_url()
    try:
        return store.get_engine(url)
    except Exception as exc:  # say it on the page, not only in a log
        st.error(tr("ui_db_error", error=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def version() -> str:
    """The data version: cache key for anything computed from facts."""
    return store.data_version(get_engine())


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
