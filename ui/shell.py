"""Make sure a page runs inside app.py (navigation, sidebar, language), never on its own.

Streamlit still has a legacy mode for apps with a ``pages/`` folder: until
``st.navigation`` has been called once in the server process, a request for a
page URL (say ``/data`` as the first request after a restart) runs
``pages/data.py`` by itself, without app.py's sidebar. AppTest resets that
flag on every run, so page tests hit it too. A page calls ``ensure_app_shell()``
first: in that mode it turns the legacy mode off and reruns through app.py,
which then opens the requested page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    """Rerun through app.py when this page script was started directly by the legacy pages/ mode."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
