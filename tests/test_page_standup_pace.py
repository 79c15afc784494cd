"""The Standup's pacing board, driven headless by AppTest: one row per team KPI with the engine's numbers, by name.

The demo (14 months to Sun 2026-11-22) with the example team plan active for November; the meeting is on 2026-11-23.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, fmt, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.standup import pace_board
from tests.apptest_support import opener

END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"
COLUMNS_EN = ["KPI", "Actual", "Pace", "Target to date", "Progress", "Proj. end", "Forecast (80%)", "vs previous",
              "vs last year", "Owner"]


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, None, 90)


@pytest.fixture(scope="module")
def planned_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('pace_page') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=14, seed=7, end=END)
    activate_demo_plans(engine, END)
    yield url
    store.dispose_engine(url)




def _labels(at: AppTest) -> list[str]:
    """The column headers the board shows (``st.column_config`` labels), in order."""
    config = json.loads(at.dataframe[0].proto.columns)
    return [config[c]["label"] for c in at.dataframe[0].value.columns]


def test_pacing_board_shows_every_team_kpi_as_one_row(open_app, planned_url) -> None:
    at = open_app(planned_url, asof=AS_OF, lang="en")
    assert not at.exception
    assert at.subheader[0].value == "Pacing board"
    table = at.dataframe[0].value
    engine_board = pace_board.build(store.get_engine(planned_url), dt.date.fromisoformat(AS_OF))
    assert list(table["kpi"]) == [r.name("en") for r in engine_board.rows]
    assert list(table["kpi"])[:2] == ["Leads", "Lead → SQL rate (lead conversion)"]
    leads = engine_board.rows[0]
    first = table.iloc[0]
    assert first["actual"] == fmt.value(leads.actual, "count", "en")
    assert first["target"] == f"{fmt.value(round(leads.target_to_date), 'count', 'en')} (1,000)"
    assert first["pace"].startswith(fmt.achievement(leads.pace, "en"))
    assert first["projected"] == fmt.value(round(leads.projected), "count", "en")
    assert first["forecast"] == fmt.band(leads.forecast, leads.forecast_low, leads.forecast_high, "count", "en",
                                         whole=True)
    assert first["forecast"] == (f"{round(leads.forecast):,} ({round(leads.forecast_low):,}"
                                 f"–{round(leads.forecast_high):,})")  # "1,056 (1,003–1,146)"
    growth = list(table["kpi"]).index(next(r.name("en") for r in engine_board.rows if r.metric.startswith("yoy:")))
    assert table.iloc[growth]["forecast"] == fmt.NO_VALUE  # no forecast: no value, never 0
    assert first["vs_previous"] == fmt.change(leads.vs_previous, "en")
    assert first["vs_last_year"] == fmt.change(leads.vs_last_year, "en")
    assert first["owner"] == "王志强"  # a name, never p01
    rate = table.iloc[1]
    assert rate["actual"].endswith("%") and rate["vs_previous"].endswith("pp")  # a rate: percent, points
    assert "None" not in table.astype(str).to_string() and "p01" not in table.astype(str).to_string()
    assert 0 <= table["progress"].min() and table["progress"].max() <= 100  # percent of the target to date
    caption = " ".join(c.value for c in at.caption)
    assert "Team plan 2026-11 · 2026-11-01 to 2026-11-30 · day 22 of 30" in caption
    helps = [c.get("help", "") for c in json.loads(at.dataframe[0].proto.columns).values()]
    assert any(h.startswith("Against 2026-10-01 to 2026-10-22: the same elapsed days of the previous") for h in helps)
    assert any(h.startswith("Against 2025-11-01 to 2025-11-22: the same elapsed days of the same period") for h in helps)
    assert _labels(at) == COLUMNS_EN


def test_pacing_board_in_chinese(open_app, planned_url) -> None:
    at = open_app(planned_url, asof=AS_OF, lang="zh")
    assert not at.exception and at.subheader[0].value == "进度看板"
    table = at.dataframe[0].value
    assert list(table["kpi"])[0] == "线索数"
    assert any(p.endswith(("正常", "有风险", "落后")) for p in table["pace"])
    assert "第 22 天 / 共 30 天" in " ".join(c.value for c in at.caption)
    assert _labels(at)[:4] == ["KPI", "实际", "节奏", "至今目标"]
    assert _labels(at)[6] == "预测（80%）"
    assert table.iloc[0]["forecast"].count("–") == 1 and table.iloc[0]["forecast"].endswith(")")


def test_pacing_board_without_a_plan_uses_the_stored_targets(open_app, tmp_path) -> None:
    url = f"duckdb:///{tmp_path / 'plain.duckdb'}"
    demo.generate(store.get_engine(url), months=3, seed=7, end=END)
    try:
        at = open_app(url, asof=AS_OF, lang="en")
        assert not at.exception
        table = at.dataframe[0].value
        assert list(table["kpi"]) == ["Leads", "MQLs", "SQLs", "New customers (won deals)", "Marketing spend",
                                      "Cost per lead", "Leads answered within SLA"]
        assert "No active team plan for 2026-11" in " ".join(c.value for c in at.caption)
    finally:
        store.dispose_engine(url)


def test_the_database_url_is_never_on_the_page(open_app, planned_url) -> None:
    at = open_app(planned_url, asof=AS_OF, lang="en")
    shown = " ".join(str(e.value) for kind in ("caption", "markdown", "info", "warning", "error", "title")
                     for e in getattr(at, kind))
    path = planned_url.removeprefix("duckdb:///")
    assert "Database: DuckDB" in shown
    assert path not in shown and "duckdb:///" not in shown
