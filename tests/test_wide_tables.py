"""The Channels and Scorecards main tables fit a 1440 px screen: short column labels (the full name and the definition
in each column's help), secondary columns behind a "More columns" toggle kept in the URL, no column that says
nothing (the card's own scope on every row, pace and projection of a closed period). The frame keeps every column:
only the view changes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from tests.apptest_support import opener

END = dt.date(2026, 11, 22)
ASOF = {"asof": "2026-11-23", "period": "month", "date": "2026-11-15"}


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('wide_tables') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    summary = demo.generate(engine, months=3, end=END)
    activate_demo_plans(engine, summary.end)
    yield url
    store.dispose_engine(url)


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, None, 120)


def _table(at: AppTest, column: str):
    """The dataframe element whose frame has ``column`` (its frame, its shown columns, its column labels)."""
    element = next(d for d in at.dataframe if column in d.value.columns)
    config = {k.removeprefix("col:name:"): v for k, v in json.loads(element.proto.columns or "{}").items()}
    return element.value, list(element.proto.column_order), config


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_channels_table_short_labels_and_more_columns(open_app, demo_url, lang) -> None:
    at = open_app(demo_url, lang=lang, **ASOF)
    at.switch_page("app_pages/channels.py").run()
    frame, shown, config = _table(at, "channel_id")
    secondary = ["owner_name", "mqls", "sqls", "wins", "revenue"]
    assert set(secondary) <= set(frame.columns)  # kept in the frame
    assert not set(secondary) & set(shown) and "channel_id" not in shown
    assert shown[:7] == ["name", "achievement", "gap", "leads", "target", "trend", "spend"]
    cpl = config["cpl"]
    assert cpl["label"] == t("drill_short_cpl", lang) and registry.get("cpl").name(lang) in cpl["help"]
    assert registry.get("cpl").description(lang) in cpl["help"]  # the definition one hover away
    more = at.toggle(key="channel_cols")
    assert more.label == t("drill_more_columns", lang) and not more.value
    more.set_value(True).run()
    _, shown, _ = _table(at, "channel_id")
    assert set(secondary) <= set(shown)
    assert at.query_params.get("channel_cols") in ("1", ["1"])  # a link opens the same view


def test_a_link_with_more_columns_opens_them(open_app, demo_url) -> None:
    at = open_app(demo_url, channel_cols="1", **ASOF)
    at.switch_page("app_pages/channels.py").run()
    assert at.toggle(key="channel_cols").value
    assert "revenue" in _table(at, "channel_id")[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scorecard_table_fits(open_app, demo_url, lang) -> None:
    at = open_app(demo_url, lang=lang, **ASOF)
    at.switch_page("app_pages/scorecards.py").run()
    frame, shown, config = _table(at, "achievement")
    # the team card: every KPI is the team's, so no scope column; the dimension behind "More columns"
    assert "scope" in frame.columns and "scope" not in shown and "dimension" not in shown
    assert shown == ["name", "weight", "actual", "base", "achievement", "score", "tier", "pace", "projected"]
    assert config["tier"]["help"] == t("plans_ui_sc_tier_help", lang)
    assert t("plans_tier_short_between", lang) in set(frame["tier"])  # "base–challenge", not the full sentence
    at.toggle(key="sc_cols").set_value(True).run()
    assert "dimension" in _table(at, "achievement")[1]
    person = at.segmented_control(key="card").options[1]
    at.segmented_control(key="card").set_value(person).run()
    assert "scope" in _table(at, "achievement")[1]  # a person's card mixes their own and channel KPIs


def test_a_closed_period_has_no_pace_columns(open_app, demo_url) -> None:
    at = open_app(demo_url, asof="2026-12-01", plan="", period="month", date="2026-11-15")
    at.switch_page("app_pages/scorecards.py").run()
    frame, shown, _ = _table(at, "achievement")  # November is over on the morning of December 1st: nothing to pace
    assert (frame["pace"] == "").all() and (frame["projected"] == "—").all()
    assert shown == ["name", "weight", "actual", "base", "achievement", "score", "tier"]
