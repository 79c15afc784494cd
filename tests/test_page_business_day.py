"""Pages take "today" from the store's time zone (issue 10, points 5 and 9), like the CLI and the reports.

The clock is pinned: at the instant the test uses it is 16 October in Los Angeles and already 17 October in
Shanghai (the default zone). With the store's ``timezone`` set to America/Los_Angeles every page's default
morning, the sidebar's period and the Delivery page's mute date must be those of 16 October. Before this test
pages asked ``clock.business_today()`` without the store's settings and got Shanghai's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import clock, settings_store, store
from kpi_engine.settings import Settings
from tests.apptest_support import opener

LA, SHANGHAI = dt.datetime(2026, 10, 16, 20, 30), dt.datetime(2026, 10, 17, 11, 30)  # one instant, two zones


def _fake_now(settings: Settings | None = None) -> dt.datetime:
    zone = (settings or Settings()).timezone
    return {"America/Los_Angeles": LA, "Asia/Shanghai": SHANGHAI}[zone]


@pytest.fixture
def la_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(clock.TODAY_ENV, raising=False)
    monkeypatch.setattr(clock, "business_now", _fake_now)
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    settings_store.set_setting(engine, "timezone", "America/Los_Angeles", "test")
    yield url
    store.dispose_engine(url)


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, None)


def test_the_engine_and_the_cli_read_the_stores_zone(la_store: str) -> None:
    engine = store.get_engine(la_store)
    assert clock.business_today() == SHANGHAI.date()  # the default zone
    assert clock.business_today(settings_store.load_settings(engine)) == LA.date()


def test_the_standup_and_the_sidebar_default_to_today_in_the_stores_zone(open_app: Callable[..., AppTest],
                                                                          la_store: str) -> None:
    at = open_app(la_store)  # the Standup, the default page
    assert at.session_state["asof"] is None  # no morning pinned by a link: today
    assert at.session_state["date"] == LA.date() - dt.timedelta(days=1)  # the period holds the last day with data
    title = at.title[0].value  # the Standup's meeting: today in the store's zone (the period is still running)
    assert LA.date().strftime("%d %b %Y") in title or f"{LA.month}月{LA.day}日" in title, title


def test_pages_ask_the_clock_only_through_the_stores_settings() -> None:
    """Every page's "today" comes from ui.db.today() (the store's zone); a bare clock call would use the default."""
    root = Path(__file__).resolve().parent.parent
    offenders = [f"{path.relative_to(root)}:{n}" for folder in ("ui", "app_pages") for path in sorted((root / folder).rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "business_today()" in line.replace(" ", "") and path.name != "db.py"]
    assert offenders == []
    from ui import db

    assert "clock.business_today(settings())" in Path(db.__file__).read_text(encoding="utf-8")


def test_the_engine_stamps_writes_through_the_stores_settings() -> None:
    """What the engine writes (uploads, changes, sign-ins, sends) is stamped by clock.stamp(bind), in the store's
    zone; a bare business_now() or datetime.now() would use the default zone or the server's."""
    root = Path(__file__).resolve().parent.parent / "kpi_engine"
    # the clock itself; a log line; a file-name suffix; a review document built without a store (build.py gives
    # the stamp); migration records, written before a store's settings may exist
    allowed = {"clock.py", "faults.py", "inbox.py", "document.py", "__init__.py"}
    offenders = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
                 if path.name not in allowed or (path.name == "__init__.py" and path.parent.name != "migrations")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if any(bare in line.replace(" ", "") for bare in ("business_now()", "datetime.now()"))]
    assert offenders == [], offenders
