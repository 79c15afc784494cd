"""Every page reads the sidebar's one period and draws no date control of its own (issue 11, point 1).

The demo ends on Sun 2026-11-22 and every view is seen from the morning after (``?asof=2026-11-23``). The only
date widgets allowed are the sidebar's (``date`` for a day .. quarter, ``range`` for a custom period) and a few
that are not periods: a note's due date on the Reviews page, a mute's end on the Delivery page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, store
from tests.apptest_support import assert_ok, opener

END = dt.date(2026, 11, 22)
VIEW = {"asof": "2026-11-23", "lang": "en", "period": "week", "date": "2026-11-11"}  # 2026-W46: 9 .. 15 Nov
NOT_PERIODS = {"note_due", "push_mute_until"}
PAGES = ("app_pages/standup.py", "app_pages/channels.py", "app_pages/team.py", "app_pages/plan.py", "app_pages/scorecards.py",
         "app_pages/reviews.py", "app_pages/analytics.py", "app_pages/home.py", "app_pages/data.py", "app_pages/settings.py",
         "app_pages/delivery.py", "app_pages/users.py")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('period') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=3, end=END)
    yield url
    store.dispose_engine(url)


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, None, 120)


def _text(at: AppTest) -> str:
    return " ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown), *(i.value for i in at.info),
                     *(t.value for t in at.title)])


@pytest.mark.parametrize("page", PAGES)
def test_no_page_has_a_date_control_of_its_own(open_app, demo_url, page: str) -> None:
    at = open_app(demo_url, **VIEW)
    at.switch_page(page).run()
    assert_ok(at)
    own = [d.key for d in at.date_input if d.key not in ("date", "range", *NOT_PERIODS)]
    assert own == [], own
    assert at.session_state["period"] == "week" and at.session_state["date"] == dt.date(2026, 11, 11)
    assert at.query_params["period"] == "week" and at.query_params["date"] == "2026-11-11"  # kept in the URL


def test_the_pages_read_the_shared_period(open_app, demo_url) -> None:
    at = open_app(demo_url, **VIEW)  # the Standup: the morning after the week's last day
    assert at.title[0].value == "Standup · Mon 16 Nov 2026"
    at.switch_page("app_pages/channels.py").run()
    assert_ok(at)
    assert "2026-11-09 to 2026-11-15 (7 days)" in _text(at)
    at.switch_page("app_pages/team.py").run()
    assert "2026-11-09 to 2026-11-15 (7 days)" in _text(at)
    at.switch_page("app_pages/reviews.py").run()  # a week: its weekly review, data through its Sunday
    assert "Data through 2026-11-15" in _text(at)
    # a custom range on the same session: every page follows, and the URL holds the range instead of the day
    at.segmented_control(key="period").set_value("custom").run()
    at.date_input(key="range").set_value((dt.date(2026, 11, 3), dt.date(2026, 11, 5))).run()
    assert_ok(at)
    assert at.query_params["range"] == "2026-11-03..2026-11-05" and "date" not in at.query_params
    assert "weekly review of 2026-W45" in _text(at)
    at.switch_page("app_pages/channels.py").run()
    assert "2026-11-03 to 2026-11-05 (3 days)" in _text(at)
    at.switch_page("app_pages/standup.py").run()
    assert at.title[0].value == "Standup · Fri 06 Nov 2026"


def test_compare_to_is_in_the_url_and_drives_the_tables(open_app, demo_url) -> None:
    at = open_app(demo_url, **{**VIEW, "period": "month", "date": "2026-10-15", "channel": "xiaohongshu"})
    at.switch_page("app_pages/channels.py").run()
    assert_ok(at)
    assert at.query_params["compare"] == "both"
    table = next(df.value for df in at.dataframe if "vs_previous" in df.value.columns)
    assert list(table.columns) == ["kpi", "this", "previous", "vs_previous", "last_year", "vs_last_year"]
    at.selectbox(key="compare").set_value("last_year").run()
    table = next(df.value for df in at.dataframe if "vs_last_year" in df.value.columns)
    assert list(table.columns) == ["kpi", "this", "last_year", "vs_last_year"]
    assert at.query_params["compare"] == "last_year"
    at.selectbox(key="compare").set_value("none").run()
    assert not any("vs_last_year" in df.value.columns or "vs_previous" in df.value.columns for df in at.dataframe)
