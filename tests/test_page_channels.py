"""The Channels page, driven headless by AppTest on an empty database and on the demo data (DuckDB files).

The demo ends on 2026-10-31, so every view is pinned with ``date`` and ``asof`` (the meeting day after it) in the URL: October 2026,
where the story has xiaohongshu sliding under its lead target. Expected numbers come from the engine
(tested by hand in tests/test_drill.py) or from the database directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, drill, fmt, schema, store
from kpi_engine.metrics import funnel
from tests.apptest_support import assert_ok, opener

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "app_pages/channels.py"
TIMEOUT = 60
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
VIEW = {"period": "month", "date": "2026-10-15", "asof": "2026-11-01"}
XHS = demo.SLIDING_CHANNEL



@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, PAGE, TIMEOUT)


@pytest.fixture
def empty_url(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'empty.duckdb'}"
    yield url
    store.dispose_engine(url)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('channels') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, end=OCT[1])
    yield url
    store.dispose_engine(url)



def texts(elements) -> list[str]:
    return [e.value for e in elements]


def frame_with(at: AppTest, column: str, nth: int = 0):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) > nth, f"no table with a {column!r} column"
    return frames[nth]


def table_key(at: AppTest, state: str) -> str:
    keys = [d.key for d in at.dataframe if (d.key or "").startswith(f"drill_tbl_{state}_")]
    assert len(keys) == 1, keys
    return keys[0]


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def engine(url: str):
    return store.get_engine(url)


def _channel_name(url: str, channel_id: str) -> str:
    with engine(url).connect() as conn:
        return conn.execute(sa.select(schema.channels.c.name).where(schema.channels.c.channel_id == channel_id)).scalar()


# --- empty database ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_empty_database_says_what_to_do(open_page, empty_url, lang) -> None:
    at = open_page(empty_url, lang=lang, channel=XHS)
    assert texts(at.title) == [{"en": "Channels", "zh": "渠道"}[lang]]
    assert any(("database is empty" if lang == "en" else "数据库为空") in i for i in texts(at.info))
    assert len(at.page_link) == 2
    assert not at.dataframe and not at.metric and charts(at) == 0


# --- the ranked table ----------------------------------------------------------------------------------------------


def test_table_lists_every_channel_ranked_by_gap(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    table = frame_with(at, "channel_id")
    with engine(demo_url).connect() as conn:
        every = {r[0] for r in conn.execute(sa.select(schema.channels.c.channel_id))}
    assert set(table["channel_id"]) == every and len(table) == len(every)
    assert table["channel_id"].iloc[0] == XHS  # the story: furthest behind its lead target
    assert table["achievement"].iloc[0] < 80  # percent
    gaps = table["gap"].dropna().tolist()
    assert gaps == sorted(gaps)
    expected = drill.channel_overview(engine(demo_url), *OCT)
    assert list(table["channel_id"]) == list(expected["channel_id"])
    assert list(table["leads"]) == list(expected["leads"])
    assert len(table["trend"].iloc[0]) == drill.SPARK_WEEKS
    assert at.selectbox(key="channel").value == ""
    assert not at.header  # nothing selected: no detail
    assert any("2026-10-01 to 2026-10-31" in c for c in texts(at.caption))


def test_url_opens_a_channel_with_campaigns_trend_funnel_costs_and_leads(open_page, demo_url) -> None:
    at = open_page(demo_url, channel=XHS, **VIEW)
    headers = texts(at.header)
    assert headers[0] == "小红书笔记" and headers[1] == "Campaigns of 小红书笔记"
    assert at.selectbox(key="channel").value == XHS
    eng = engine(demo_url)
    campaigns = frame_with(at, "campaign_id")
    expected = drill.campaign_overview(eng, *OCT, channel=XHS)
    assert list(campaigns["campaign_id"]) == [c or "-" for c in expected["campaign_id"]]
    shown = {m.label: m for m in at.metric}
    kpis = drill.scope_kpis(eng, "channel", XHS, *OCT, drill.CARD_METRICS).set_index("metric_id")
    assert shown["Leads"].value == f"{int(kpis.loc['leads', 'actual']):,}"
    assert shown["Leads"].delta.startswith("-")  # behind target: a red, falling delta
    assert shown["Cost per lead"].value == fmt.money(kpis.loc["cpl", "actual"])  # the one formatter's rule
    assert shown["Leads"].help and "Formula" in shown["Leads"].help
    assert "Trend against target" in texts(at.subheader) and "Costs" in texts(at.subheader)
    assert charts(at) == 3  # trend, funnel, costs
    stages = funnel.funnel(eng, *OCT, where={"channel": XHS}, as_of=OCT[1])
    assert any(f"Of the {int(stages['count'].iloc[0]):,} leads created" in c for c in texts(at.caption))
    leads = frame_with(at, "lead_id")
    page = funnel.leads_page(eng, *OCT, where={"channel": XHS}, as_of=OCT[1])
    assert list(leads["lead_id"]) == list(page.rows["lead_id"])
    assert any(f"Leads 1–50 of {page.total:,}" in c for c in texts(at.caption))
    assert at.query_params["channel"] == XHS and at.query_params["asof"] == "2026-11-01"


def test_selecting_a_row_in_the_table_selects_the_channel(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    second = frame_with(at, "channel_id")["channel_id"].iloc[1]
    at.session_state[table_key(at, "channel")] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert_ok(at)
    assert at.session_state["channel"] == second
    assert at.selectbox(key="channel").value == second
    assert texts(at.header)[0] == _channel_name(demo_url, second)  # by name, never the id
    assert at.query_params["channel"] == second
    at.run()  # the next run keeps the selection (the table re-keys on the state and highlights the row)
    assert_ok(at)
    assert at.session_state["channel"] == second and texts(at.header)[0] == _channel_name(demo_url, second)


def test_picker_drills_to_a_campaign_and_its_leads(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    at.selectbox(key="channel").set_value(XHS).run()
    assert_ok(at)
    campaign = frame_with(at, "campaign_id")["campaign_id"].iloc[0]
    at.selectbox(key="campaign").set_value(campaign).run()
    assert_ok(at)
    eng = engine(demo_url)
    page = funnel.leads_page(eng, *OCT, where={"channel": XHS, "campaign": campaign}, as_of=OCT[1])
    leads = frame_with(at, "lead_id")
    assert list(leads["lead_id"]) == list(page.rows["lead_id"])
    with eng.connect() as conn:
        name = conn.execute(sa.select(schema.campaigns.c.name).where(schema.campaigns.c.campaign_id == campaign)).scalar()
    assert set(leads["campaign_name"]) == {name}
    assert name in texts(at.header) and not any(campaign in h for h in texts(at.header))
    assert at.query_params["campaign"] == campaign
    at.button(key="drill_clear_channel").click().run()  # back to all channels: the campaign goes too
    assert_ok(at)
    assert at.session_state["channel"] == "" and at.session_state["campaign"] == ""
    assert not at.header and "channel" not in at.query_params and "campaign" not in at.query_params


def test_url_with_campaign_opens_its_leads(open_page, demo_url) -> None:
    eng = engine(demo_url)
    campaign = drill.campaign_overview(eng, *OCT, channel=XHS)["campaign_id"].iloc[1]
    at = open_page(demo_url, channel=XHS, campaign=campaign, **VIEW)
    assert at.selectbox(key="campaign").value == campaign
    page = funnel.leads_page(eng, *OCT, where={"channel": XHS, "campaign": campaign}, as_of=OCT[1])
    assert list(frame_with(at, "lead_id")["lead_id"]) == list(page.rows["lead_id"])
    shown = {m.label: m.value for m in at.metric}
    assert shown["Leads"] == f"{page.total:,}"  # the campaign's cards come after the channel's: last one wins


def test_grain_metric_and_paging(open_page, demo_url) -> None:
    at = open_page(demo_url, channel=XHS, **VIEW)
    at.segmented_control(key="grain").set_value("month").run()
    assert_ok(at)
    assert at.query_params["grain"] == "month"
    assert frame_with(at, "cpc")["Period"].iloc[0] == "2026-10"  # the costs table by month, newest first
    at.selectbox(key="metric").set_value("cpl").run()
    assert_ok(at)
    assert at.query_params["metric"] == "cpl"
    assert "Cost per lead of 小红书笔记" in " ".join(texts(at.markdown))
    pager = [n for n in at.number_input if (n.key or "").startswith("drill_leads_page_")]
    assert len(pager) == 1
    pager[0].set_value(2).run()
    assert_ok(at)
    page = funnel.leads_page(engine(demo_url), *OCT, where={"channel": XHS}, page=1, as_of=OCT[1])
    assert list(frame_with(at, "lead_id")["lead_id"]) == list(page.rows["lead_id"])
    assert any(c.startswith("Leads 51–") for c in texts(at.caption))


def test_url_view_in_chinese(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="zh", channel=XHS, **VIEW)
    assert texts(at.title) == ["渠道"]
    assert "小红书笔记的活动" in texts(at.header)
    assert {"线索数", "单条线索成本", "营销花费"} <= {m.label for m in at.metric}
    assert "趋势与目标" in texts(at.subheader) and "线索" in texts(at.subheader)
    assert any("创建的" in c and "条线索" in c for c in texts(at.caption))
    assert at.selectbox(key="metric").value == "leads" and at.segmented_control(key="grain").value == "week"


def test_unknown_channel_future_period_and_stale_data(open_page, demo_url) -> None:
    at = open_page(demo_url, channel="nope", **VIEW)
    assert any("“nope” is not in this list" in c for c in texts(at.caption))
    assert not at.header and at.session_state["channel"] == ""
    at = open_page(demo_url, period="month", date="2027-01-10", asof="2026-10-31")
    assert any("starts after the as-of date (2026-10-31)" in i for i in texts(at.info))
    assert not at.dataframe
    at = open_page(demo_url, period="month", date="2026-11-10", asof="2026-11-20")
    assert any("ends on 2026-10-31" in w for w in texts(at.warning))
    table = frame_with(at, "channel_id")  # still ranked: November has targets and no leads yet
    assert (table["leads"] == 0).all()
