"""One place that turns what went wrong into a short message on the page, never a traceback.

- not allowed (:class:`kpi_engine.access.NotAllowed`): "Not allowed", without any of the data;
- the database busy (another process holds the DuckDB file, :class:`kpi_engine.store.DatabaseBusy`):
  "try again in a moment";
- anything else: a short message with an error id; the traceback goes to the server log under that id.

Streamlit's own control flow (``st.stop``, ``st.rerun``) passes through: it is not an ``Exception``.
Tests set ``KPI_RAISE_ERRORS=1`` so that a bug fails the test instead of becoming a message.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from kpi_engine import access
from kpi_engine.logsafe import protect
from kpi_engine.store import DatabaseBusy
from ui.i18n import tr

log = protect(logging.getLogger("kpi.ui"))  # a URL's password in an error's text never reaches the log
T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """``fn()``, with every failure shown as a sentence (see the module docstring)."""
    try:
        return fn()
    except access.NotAllowed as exc:
        key = "access_not_allowed_write" if exc.action in access.PERMISSIONS else "access_not_allowed"
        st.error(tr(key, role=tr(f"access_role_{access.current().role}")), icon=":material/block:")
        log.info("not allowed for %s: %s", access.current().username, exc)
    except DatabaseBusy:
        st.warning(tr("auth_db_busy"), icon=":material/hourglass_top:")
    except Exception:
        if os.environ.get("KPI_RAISE_ERRORS") == "1":
            raise
        error_id = uuid.uuid4().hex[:10]
        log.exception("error %s for %s", error_id, access.current().username)
        st.error(tr("auth_error", error_id=error_id), icon=":material/error:")
    st.stop()
    raise AssertionError("unreachable: st.stop() raises")
