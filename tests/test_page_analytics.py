"""The Analytics page (issue 16), driven headless by AppTest on the demo data and on an empty store, in en and zh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, store
from tests.apptest_support import APP, assert_ok, opener
from ui.analytics import TAB_KEY

PAGE = "app_pages/analytics.py"
END = dt.date(2026, 10, 31)


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, PAGE, 120)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('analytics') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=9, end=END)
    yield url
    store.dispose_engine(url)


def open_tab(at: AppTest, index: int) -> AppTest:
    """Open the ``index``-th tab as a click does (only the open tab runs: ``on_change="rerun"``)."""
    at.session_state[TAB_KEY] = at.tabs[index].label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def on_tab(url: str, lang: str, label: str) -> AppTest:
    """The page opened on the tab ``label`` (the tab a click opens is kept in ``TAB_KEY``)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["db_url"] = url
    at.session_state[TAB_KEY] = label
    at.query_params = {"lang": lang}
    at.run()
    at.switch_page(PAGE).run()
    assert_ok(at)
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_renders_every_tab_on_the_demo(open_page, demo_url, lang: str) -> None:
    at = open_page(demo_url, lang=lang)
    tabs = ["Forecast", "Budget what-if", "Attribution"] if lang == "en" else ["预测", "预算推演", "归因"]
    assert [t.label for t in at.tabs][:3] == tabs
    labels = [m.label for m in at.metric]
    assert ("Projected at period end" if lang == "en" else "期末预测") in labels
    assert not [r for r in at.radio if r.key == "an_bw_objective"]  # only the open tab runs
    budget, attribution = on_tab(demo_url, lang, tabs[1]), on_tab(demo_url, lang, tabs[2])
    assert ("Leads per week" if lang == "en" else "每周线索") in [m.label for m in budget.metric]  # the move's outcome
    shown = (at, budget, attribution)
    assert sum(len(a.dataframe) for a in shown) >= 3  # curves, the proposed split, credit and CAC by model
    assert sum(len(a.get("vega_lite_chart")) for a in shown) >= 3  # forecast, response curves, CAC by model
    # the demo has touches (kpi_engine.demo.touches): the tab says it credits them, and the models disagree
    assert any(("Credit from the touches table" if lang == "en" else "触点表") in c.value for c in attribution.caption)
    assert not any(("touches table is empty" if lang == "en" else "触点表为空") in i.value for i in attribution.info)
    assert not any(a.error for a in shown)


def test_widgets_drive_the_views(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="en")
    at.selectbox(key="an_fc_metric").set_value("cpl").run()
    at.radio(key="an_fc_grain").set_value("quarter").run()
    open_tab(at, 1).radio(key="an_bw_objective").set_value("wins").run()
    split = next(d.value for d in at.dataframe if "Split" in d.value.columns)
    assert list(split.iloc[:, 0]) == ["Now", "Even split", "Proposed"]
    open_tab(at, 2).radio(key="an_at_days").set_value(30).run()
    assert not at.exception and not at.error
    open_tab(at, 0)  # back to the forecast: the choices made there are kept
    assert at.selectbox(key="an_fc_metric").value == "cpl" and at.radio(key="an_fc_grain").value == "quarter"


def test_empty_store_says_what_to_do(open_page, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'empty.duckdb'}"
    at = open_page(url, lang="en")
    assert at.info and not at.tabs
    store.dispose_engine(url)
