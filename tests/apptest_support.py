"""Shared AppTest harness for the page tests: run app.py on a database, optionally switch to one page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"



def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def opener(monkeypatch: pytest.MonkeyPatch, page: str | None, timeout: int = 60) -> Callable[..., AppTest]:
    """Factory: ``run(url, **query)`` runs app.py on ``url`` with the query parameters, then opens ``page``
    (None: the default page), and checks that nothing raised."""
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


def upload_csv(at: AppTest, name: str, data: bytes) -> AppTest:
    """Put one CSV file into the Data page's uploader and run; nothing may raise."""
    at.file_uploader(key="upload_files").set_value([(name, data, "text/csv")]).run()
    assert_ok(at)
    return at


def keyed(widgets, prefix: str) -> list:
    """The widgets whose key starts with ``prefix`` (keys carry a file hash after it)."""
    return [w for w in widgets if (w.key or "").startswith(prefix)]


def texts(elements) -> list[str]:
    return [e.value for e in elements]
