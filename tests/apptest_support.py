"""Shared AppTest harness for the page tests: run app.py on a database, optionally switch to one page.

AppTest re-detects the legacy ``pages/`` folder before every run, so each run after the first would start a
page script on its own (see ui/shell.py) and drop widget clicks. A real server stops detecting after the
first ``st.navigation`` call; ``ServerLikePages`` makes AppTest do the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

APP = Path(__file__).resolve().parent.parent / "app.py"


class ServerLikePages(PagesManager):
    """Stop AppTest from re-detecting the legacy pages/ folder on every run (as a real server does)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def opener(monkeypatch: pytest.MonkeyPatch, page: str | None, timeout: int = 60) -> Callable[..., AppTest]:
    """Factory: ``run(url, **query)`` runs app.py on ``url`` with the query parameters, then opens ``page``
    (None: the default page), and checks that nothing raised."""
    monkeypatch.setattr(app_test_module, "PagesManager", ServerLikePages)
    monkeypatch.setenv("KPI_DEMO_LOGIN", "1")  # signed in as the demo admin (the config binds 127.0.0.1)
    monkeypatch.setenv("KPI_RAISE_ERRORS", "1")  # a bug fails the test instead of becoming an error id

    def run(url: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.session_state["db_url"] = url
        if query:
            at.query_params = dict(query)
        at.run()
        if page:
            at.switch_page(page).run()
        assert_ok(at)
        return at

    return run
