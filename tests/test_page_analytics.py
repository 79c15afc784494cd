"""The Analytics page (issue 16), driven headless by AppTest on the demo data and on an empty store, in en and zh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, store
from tests.apptest_support import opener

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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_renders_every_tab_on_the_demo(open_page, demo_url, lang: str) -> None:
    at = open_page(demo_url, lang=lang)
    assert [t.label for t in at.tabs][:3] == (["Forecast", "Budget what-if", "Attribution"] if lang == "en"
                                              else ["预测", "预算推演", "归因"])
    labels = [m.label for m in at.metric]
    assert ("Projected at period end" if lang == "en" else "期末预测") in labels
    assert ("Leads per week" if lang == "en" else "每周线索") in labels  # the move's outcome
    assert len(at.dataframe) >= 3  # curves, the proposed split, credit and CAC by model
    assert len(at.get("vega_lite_chart")) >= 3  # forecast, response curves, CAC by model
    # the demo has touches (kpi_engine.demo.touches): the tab says it credits them, and the models disagree
    assert any(("Credit from the touches table" if lang == "en" else "触点表") in c.value for c in at.caption)
    assert not any(("touches table is empty" if lang == "en" else "触点表为空") in i.value for i in at.info)
    assert not at.error


def test_widgets_drive_the_views(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="en")
    at.selectbox(key="an_fc_metric").set_value("cpl").run()
    at.radio(key="an_fc_grain").set_value("quarter").run()
    at.radio(key="an_bw_objective").set_value("wins").run()
    at.radio(key="an_at_days").set_value(30).run()
    assert not at.exception and not at.error
    split = next(d.value for d in at.dataframe if "Split" in d.value.columns)
    assert list(split.iloc[:, 0]) == ["Now", "Even split", "Proposed"]


def test_empty_store_says_what_to_do(open_page, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'empty.duckdb'}"
    at = open_page(url, lang="en")
    assert at.info and not at.tabs
    store.dispose_engine(url)
