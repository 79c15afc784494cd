"""The Standup page, driven headless by AppTest on real DuckDB files (the demo department and an empty store).

The demo ends on Sun 2026-11-22 and the meeting is the day after (``?asof=2026-11-23``), so "yesterday" is the
demo's last day: its story must show — xiaohongshu behind pace and sem_product's spend burst among the alerts.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, schema, store
from tests.apptest_support import opener
from ui.standup import CARDS_KEY, CHANGES_KEY

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TIMEOUT = 60
END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"
CARD_TITLES_EN = ["Leads", "MQLs", "SQLs", "New customers (won deals)", "Marketing spend", "Cost per lead",
                  "Leads answered within SLA"]



def unfold(at: AppTest) -> AppTest:
    """Open the cards and the changes as a click does (folded, they do not run: ``on_change="rerun"``)."""
    at.session_state[CARDS_KEY] = True
    at.session_state[CHANGES_KEY] = True
    return at.run()


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """The Standup opened with its folded parts open."""
    run = opener(monkeypatch, None, TIMEOUT)
    return lambda url, **query: unfold(run(url, **query))


def test_the_folded_parts_run_only_when_opened(monkeypatch: pytest.MonkeyPatch, demo_url) -> None:
    at = opener(monkeypatch, None, TIMEOUT)(demo_url, asof=AS_OF, lang="en")
    assert [e.label for e in at.expander][-2:] == ["Yesterday and week to date, per metric",
                                                 "What changed since yesterday"]
    assert not at.metric and len(at.dataframe) == 1  # only the pacing board: the cards and changes are folded
    unfold(at)
    assert not at.exception and len(at.metric) == 14 and len(at.dataframe) == 2


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('standup') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, end=END)
    yield url
    store.dispose_engine(url)


@pytest.fixture
def empty_url(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'empty.duckdb'}"
    yield url
    store.dispose_engine(url)


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _alert_titles(at: AppTest) -> list[str]:
    return [m for m in _markdown(at) if m.startswith("##### ") and m[6:7].isdigit()]


def _links(at: AppTest) -> list[tuple[str, dict[str, str]]]:
    return [(p.proto.page, dict(urllib.parse.parse_qsl(p.proto.query_string))) for p in at.get("page_link")]


def _count(url: str, column: sa.Column, day: dt.date) -> int:
    """An independent count of rows whose timestamp falls on ``day``."""
    start = dt.datetime.combine(day, dt.time())
    with store.get_engine(url).connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).where(
            column >= start, column < start + dt.timedelta(days=1))).scalar_one())


def test_standup_on_demo_data(open_app, demo_url) -> None:
    at = open_app(demo_url, asof=AS_OF, lang="en")
    assert at.title[0].value == "Standup · Mon 23 Nov 2026"
    labels = [m.label for m in at.metric]
    assert labels == ["Yesterday", "Week to date"] * 7
    titles = [m for m in _markdown(at) if m.startswith("#### ")]
    assert [t[5:].split(" :")[0] for t in titles] == CARD_TITLES_EN
    # Yesterday's leads and MQLs on the cards agree with a plain count in the database.
    leads_card, mqls_card = at.metric[0], at.metric[2]
    assert leads_card.value == f"{_count(demo_url, schema.leads.c.created_at, END):,}"
    assert mqls_card.value == f"{_count(demo_url, schema.leads.c.mql_at, END):,}"
    assert all(m.help and "Formula" in m.help for m in at.metric)  # the definition is one click away
    assert "**Data as of 2026-11-22**" in " ".join(_markdown(at))
    # The demo's story: sem_product's burst is unusual spend, xiaohongshu is behind pace; both in the top 3.
    top = _alert_titles(at)[:3]
    assert any("Unusual spend: 百度产品词" in t for t in top), top
    assert any("Behind pace: 小红书笔记" in t for t in top), top
    # Alerts link to the Channels and Team pages with the agreed query parameters.
    links = _links(at)
    day = {"asof": AS_OF, "date": "2026-11-01", "period": "month", "lang": "en"}  # the shared period, the pinned morning
    assert ("channels", {"channel": "xiaohongshu", **day}) in links
    assert ("channels", {"channel": "baidu_sem", "campaign": "sem_product", **day}) in links
    assert any(page == "team" and params.get("person") for page, params in links)
    # The pacing board first, then the alerts; the cards and the changes are folded into expanders below.
    assert [h.value for h in at.subheader][:2] == ["Pacing board", "Most urgent"]
    assert [e.label for e in at.expander][-2:] == ["Yesterday and week to date, per metric",
                                                 "What changed since yesterday"]
    changes = at.dataframe[1].value
    assert list(changes.iloc[:, 0]) == CARD_TITLES_EN and changes.shape[1] == 6
    assert at.query_params["asof"] == AS_OF


def test_url_opens_the_chinese_view_of_that_day(open_app, demo_url) -> None:
    at = open_app(demo_url, asof="2026-11-20", lang="zh")
    assert at.title[0].value == "晨会 · 11月20日 周五"
    assert not any(d.key == "asof" for d in at.date_input)  # the sidebar's period is the only date control
    assert at.date_input(key="date").value == dt.date(2026, 11, 19)  # the period holds the morning's data day
    assert [m.label for m in at.metric][:2] == ["昨天", "本周至今"]
    assert at.metric[0].value == f"{_count(demo_url, schema.leads.c.created_at, dt.date(2026, 11, 19)):,}"
    text = " ".join(_markdown(at))
    assert "**数据截至 2026-11-22**" in text and "#### 线索数" in text
    assert any("小红书笔记" in t for t in _alert_titles(at))


def test_the_sidebar_period_picks_the_meeting_and_stays_in_the_url(open_app, demo_url) -> None:
    at = open_app(demo_url, asof=AS_OF, lang="en")
    assert "2026-11-22" in at.title[0].help  # how the period picks the meeting: the title's help
    # a past day: the standup held the morning after it, with that day as "yesterday"
    at.segmented_control(key="period").set_value("day").run()
    at.date_input(key="date").set_value(dt.date(2026, 11, 9)).run()
    assert not at.exception
    assert at.title[0].value == "Standup · Tue 10 Nov 2026"
    assert at.metric[0].value == f"{_count(demo_url, schema.leads.c.created_at, dt.date(2026, 11, 9)):,}"
    assert at.query_params["period"] == "day" and at.query_params["date"] == "2026-11-09"
    # a closed month: the morning after its last day; a running week: today's (the pinned morning's) meeting
    at.segmented_control(key="period").set_value("month").run()
    at.date_input(key="date").set_value(dt.date(2026, 10, 15)).run()
    assert at.title[0].value == "Standup · Sun 01 Nov 2026"
    at.segmented_control(key="period").set_value("week").run()
    at.date_input(key="date").set_value(dt.date(2026, 11, 25)).run()
    assert at.title[0].value == "Standup · Mon 23 Nov 2026"
    # a period after the morning has not begun: said, and the standup of the morning shown
    at.segmented_control(key="period").set_value("month").run()
    at.date_input(key="date").set_value(dt.date(2026, 12, 5)).run()
    assert at.title[0].value == "Standup · Mon 23 Nov 2026"
    assert "2026-12 has not begun yet" in at.info[0].value


def test_stale_data_says_so_and_offers_the_last_day(open_app, demo_url) -> None:
    at = open_app(demo_url, asof="2026-12-03", lang="en")
    warning = at.warning[0].value
    assert "The data ends on 2026-11-22, 10 day(s) before yesterday" in warning
    assert [m.value for m in at.metric][:2] == ["—", "—"]  # yesterday and this week: nothing measured
    at.button(key="standup_jump").click().run()
    assert not at.exception and at.title[0].value == "Standup · Mon 23 Nov 2026" and not at.warning


def test_empty_database_says_what_to_do(open_app, empty_url) -> None:
    for lang, text in (("en", "No data yet"), ("zh", "还没有数据")):
        at = open_app(empty_url, asof=AS_OF, lang=lang)
        assert not at.metric and not at.dataframe
        assert text in at.info[0].value
        assert at.button(key="load_demo")  # the first step: load the demo department (or upload, linked)
