"""The app shell, the home page and the Data page, driven headless by AppTest on real DuckDB files.

Uploads go through the page's own ``st.file_uploader`` (AppTest can feed it bytes), so the
tests exercise exactly the path a user's file takes: read, detect, map, dry-run report, load,
history, undo. Expected numbers are worked out by hand from the small files below.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import clock, demo, schema, store
from ui.period import Period, make_period

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
HOME = "app_pages/home.py"  # Standup is the default page; these tests look at the home page
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))
TIMEOUT = 60

# Four rows, three of them bad, hand-checked: row 3 deal value "abc" (bad_number); row 4 an unparseable
# creation date (bad_date), a negative deal value (negative) and a blank channel (warning); row 5 repeats
# lead L1 of row 2 (duplicate_key, the first one is kept). Only row 2 is valid.

# Three clean leads; owners given by name and channels that do not exist yet (created on the fly).

# A later export that changes A1's deal value: undoing the first upload must then be refused.

# An ad export without a date or channel column (one known day, one platform).


# --- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Factory: run app.py on a database URL (injected through session state), optionally on a page."""

    def run(url: str, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.session_state["db_url"] = url
        if query:
            at.query_params = dict(query)
        at.run()
        if page:
            at.switch_page(page).run()
        assert_ok(at)
        return at

    return run


def _url(path: Path) -> str:
    return f"duckdb:///{path}"


@pytest.fixture
def empty_url(tmp_path: Path):
    url = _url(tmp_path / "app.duckdb")
    yield url
    store.dispose_engine(url)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = _url(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.generate(store.get_engine(url), months=2, end=dt.date(2026, 10, 31))
    yield url
    store.dispose_engine(url)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def counts(url: str) -> dict[str, int]:
    return store.table_counts(store.get_engine(url))


# --- home page and shell -------------------------------------------------------------------------------------


def test_home_on_empty_database_says_what_to_do_first(open_app, empty_url) -> None:
    at = open_app(empty_url, HOME)
    assert texts(at.title) == ["Marketing KPI dashboard"]
    assert any("The database is empty" in t for t in texts(at.info))
    assert at.button(key="load_demo").label == "Load demo data"
    assert [p.label for p in at.page_link] == ["Go to the Data page"]
    assert not at.metric  # no numbers for an empty store


def test_load_demo_button_fills_the_database(open_app, empty_url, monkeypatch) -> None:
    # Same generator, fewer months to keep the test fast.
    monkeypatch.setattr(demo, "generate", functools.partial(demo.generate, months=1, end=dt.date(2026, 10, 31)))
    at = open_app(empty_url, HOME)
    at.button(key="load_demo").click().run()
    assert_ok(at)
    assert "Demo data loaded." in texts(at.success)
    stored = counts(empty_url)
    assert stored["leads"] > 0 and stored["spend"] > 0
    shown = metrics(at)
    assert shown["Leads"] == f"{stored['leads']:,}"
    assert shown["Spend rows"] == f"{stored['spend']:,}"
    assert not at.info  # the empty-state call to action is gone


def test_home_on_demo_database_shows_counts_and_freshness(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME)
    stored = counts(demo_url)
    shown = metrics(at)
    for label, table in [("Leads", "leads"), ("Campaigns", "campaigns"), ("Channels", "channels"),
                         ("People", "people"), ("Orders", "orders")]:
        assert shown[label] == f"{stored[table]:,}"
    fresh = at.dataframe[0].value.set_index("Table")
    assert fresh.loc["Leads", "Rows"] == stored["leads"]
    assert fresh.loc["Survey responses (NPS)", "Rows"] == stored["survey_responses"]
    with store.get_engine(demo_url).connect() as conn:
        latest = conn.execute(sa.select(sa.func.max(schema.leads.c.created_at))).scalar()
    assert fresh.loc["Leads", "Latest date"] == latest.date().isoformat()
    assert fresh.loc["People", "Latest date"] == "—"  # people have no event date


def test_language_switch_changes_labels(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME)
    at.segmented_control(key="lang").set_value("zh").run()
    assert_ok(at)
    assert texts(at.title) == ["营销 KPI 看板"]
    assert "数据概况" in texts(at.subheader)
    assert "线索" in metrics(at)
    assert at.segmented_control(key="period").options == ["日", "周", "月", "季度", "自定义"]
    assert at.query_params["lang"] == "zh"
    at.segmented_control(key="period").set_value("week").run()  # widgets keep working in Chinese
    assert at.session_state["_period"].grain == "week"
    at.switch_page("app_pages/data.py").run()
    assert_ok(at)
    assert texts(at.title) == ["数据"]
    assert texts(at.header) == ["上传文件", "上传记录", "数据新鲜度"]
    at.segmented_control(key="lang").set_value("en").run()
    assert texts(at.header) == ["Upload files", "Upload history", "Data freshness"]
    assert at.query_params["lang"] == "en"


def test_url_opens_the_same_view(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME, lang="zh", period="week", date="2026-02-04")
    assert texts(at.title) == ["营销 KPI 看板"]
    assert at.session_state["_period"] == Period("week", dt.date(2026, 2, 2), dt.date(2026, 2, 8))
    assert "2026-W06：2026-02-02 至 2026-02-08（7 天）" in texts(at.sidebar.caption)
    assert (at.query_params["period"], at.query_params["date"]) == ("week", "2026-02-04")

    at = open_app(demo_url, HOME, period="custom", range="2026-01-05..2026-02-10")
    assert at.date_input(key="range").value == (dt.date(2026, 1, 5), dt.date(2026, 2, 10))
    assert at.session_state["_period"] == Period("custom", dt.date(2026, 1, 5), dt.date(2026, 2, 10))
    assert "date" not in at.query_params  # the anchor day does not apply to a custom range

    at.segmented_control(key="period").set_value("quarter").run()
    assert at.session_state["_period"] == make_period("quarter", clock.business_today())  # the anchor defaults to today
    assert at.query_params["period"] == "quarter" and "range" not in at.query_params


def test_bad_url_values_fall_back_to_defaults(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME, lang="xx", period="fortnight", date="not-a-date")
    assert texts(at.title) == ["Marketing KPI dashboard"]
    # the default period holds yesterday of the business day (Asia/Shanghai), not of the server's day
    yesterday = clock.business_today() - dt.timedelta(days=1)
    assert at.session_state["_period"] == make_period("month", yesterday)
    assert at.query_params["period"] == "month" and at.query_params["date"] == yesterday.isoformat()


def test_period_rules() -> None:
    assert make_period("day", dt.date(2026, 3, 4)) == Period("day", dt.date(2026, 3, 4), dt.date(2026, 3, 4))
    # ISO week across a year end: Thursday 2026-01-01 is in the week Monday 2025-12-29 .. Sunday 2026-01-04.
    assert make_period("week", dt.date(2026, 1, 1)) == Period("week", dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert make_period("month", dt.date(2024, 2, 10)).end == dt.date(2024, 2, 29)
    assert make_period("quarter", dt.date(2026, 11, 23)) == Period("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert make_period("quarter", dt.date(2026, 11, 23)).label == "2026-Q4"
    assert make_period("custom", dt.date(2026, 1, 1), (dt.date(2026, 2, 9), dt.date(2026, 2, 1))) == \
        Period("custom", dt.date(2026, 2, 1), dt.date(2026, 2, 9))
    half = make_period("custom", dt.date(2026, 1, 1), (dt.date(2026, 2, 9),))
    assert (half.start, half.end, half.days) == (dt.date(2026, 2, 9), dt.date(2026, 2, 9), 1)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("which", ["empty", "demo"])
def test_every_page_runs(open_app, page, which, request) -> None:
    url = request.getfixturevalue(f"{which}_url")
    for lang in ("en", "zh"):
        at = open_app(url, page, lang=lang)
        assert at.title and at.title[0].value
        assert at.segmented_control(key="lang").value == lang  # the shared sidebar is there


def test_pages_run_inside_the_shell_on_every_run(empty_url) -> None:
    """Page scripts live in app_pages/, which Streamlit never treats as a legacy multipage folder: a plain AppTest
    (no patch) keeps running every page through app.py's navigation, sidebar and language on later runs too."""
    assert not (ROOT / "pages").exists()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["db_url"] = empty_url
    at.query_params = {"lang": "zh"}
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.run()
    assert_ok(at)
    assert texts(at.title) == ["数据"]
    assert at.segmented_control(key="lang").value == "zh"
    assert texts(at.sidebar.subheader) == ["周期"]
