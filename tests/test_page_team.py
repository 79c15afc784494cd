"""The Team & people page, driven headless by AppTest on an empty database and on the demo data (DuckDB files).

Views are pinned to October 2026 (the demo ends on 2026-10-31) with ``date`` and ``asof`` in the URL; there
the story has the new-media lead p02 ahead of their 400-leads-a-month target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, drill, fmt, schema, store
from kpi_engine.i18n import t
from kpi_engine.metrics import funnel
from tests.apptest_support import assert_ok, opener

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "app_pages/team.py"
TIMEOUT = 60
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
VIEW = {"period": "month", "date": "2026-10-15", "asof": "2026-11-01"}
P02 = demo.RISING_PERSON



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
    url = f"duckdb:///{tmp_path_factory.mktemp('team') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, end=OCT[1])
    yield url
    store.dispose_engine(url)



def texts(elements) -> list[str]:
    return [e.value for e in elements]


def frames_with(at: AppTest, column: str) -> list:
    return [d.value for d in at.dataframe if column in d.value.columns]


def table_key(at: AppTest, state: str) -> str:
    keys = [d.key for d in at.dataframe if (d.key or "").startswith(f"drill_tbl_{state}_")]
    assert len(keys) == 1, keys
    return keys[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_empty_database_says_what_to_do(open_page, empty_url, lang) -> None:
    at = open_page(empty_url, lang=lang, person=P02)
    assert texts(at.title) == [{"en": "Team & people", "zh": "团队与成员"}[lang]]
    assert any(("database is empty" if lang == "en" else "数据库为空") in i for i in texts(at.info))
    assert len(at.page_link) == 2 and not at.dataframe and not at.metric


def test_team_kpis_and_people_ranked(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    assert texts(at.header)[:2] == ["Team KPIs against target", "People"]
    assert len(at.get("vega_lite_chart")) == 1  # the team's achievement bars
    people = frames_with(at, "person_id")[0]
    with store.get_engine(demo_url).connect() as conn:
        active = {r[0] for r in conn.execute(sa.select(schema.people.c.person_id))}
    assert set(people["person_id"]) == active
    expected = drill.person_overview(store.get_engine(demo_url), *OCT)
    assert list(people["person_id"]) == list(expected["person_id"])
    p02 = people.set_index("person_id").loc[P02]
    assert p02["achievement"] > 110 and p02["gap"] > 0  # the story: ahead of target
    assert p02["targets_met"] == "1 / 1"
    gaps = people["gap"].dropna().tolist()
    assert gaps == sorted(gaps)
    assert at.selectbox(key="person").value == ""


def test_url_opens_a_person(open_page, demo_url) -> None:
    at = open_page(demo_url, person=P02, **VIEW)
    eng = store.get_engine(demo_url)
    assert "李娜" in texts(at.header)
    shown = {m.label: m for m in at.metric}
    kpis = drill.scope_kpis(eng, "person", P02, *OCT, drill.PERSON_METRICS).set_index("metric_id")
    assert shown["Leads"].value == f"{int(kpis.loc['leads', 'actual']):,}"
    assert shown["Leads"].delta.startswith("+")
    assert shown["Marketing spend"].value == fmt.money(kpis.loc["spend", "actual"])
    channels = frames_with(at, "channel_id")[0]
    assert set(channels["channel_id"]) == {"douyin_video", "douyin_live"}  # the channels p02 owns
    campaigns = frames_with(at, "campaign_id")[0]
    owned = drill.campaign_overview(eng, *OCT, owner=P02)
    assert list(campaigns["campaign_id"]) == list(owned["campaign_id"])
    leads = frames_with(at, "lead_id")[0]
    page = funnel.leads_page(eng, *OCT, where={"person": P02}, as_of=OCT[1])
    assert list(leads["lead_id"]) == list(page.rows["lead_id"])
    assert set(leads["owner_name"]) == {"李娜"}
    assert len(at.get("vega_lite_chart")) == 4  # team bars, trend, funnel, costs
    assert at.query_params["person"] == P02


def test_selecting_a_person_and_an_owned_channel(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    people = frames_with(at, "person_id")[0]
    row = list(people["person_id"]).index(P02)
    at.session_state[table_key(at, "person")] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert_ok(at)
    assert at.session_state["person"] == P02 and at.selectbox(key="person").value == P02
    assert at.query_params["person"] == P02
    at.session_state[table_key(at, "channel")] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert_ok(at)
    picked = at.session_state["channel"]
    assert picked in {"douyin_video", "douyin_live"}
    name = {"douyin_video": "抖音短视频", "douyin_live": "抖音直播"}[picked]  # by name, never the id
    assert any(name in link.label and picked not in link.label for link in at.page_link)  # "Open ... on Channels"
    at.switch_page("app_pages/channels.py").run()  # the selection travels with the session
    assert_ok(at)
    assert at.selectbox(key="channel").value == picked


def test_person_view_in_chinese(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="zh", person=P02, **VIEW)
    assert texts(at.title) == ["团队与成员"]
    assert {"团队 KPI 达成", "成员"} <= set(texts(at.header))
    assert "线索数" in {m.label for m in at.metric}
    assert "李娜负责的渠道" in texts(at.subheader)
    assert any("（达成" in (m.delta or "") for m in at.metric)


@pytest.fixture(scope="module")
def plan_url(tmp_path_factory: pytest.TempPathFactory):
    """Demo data to 2026-11-22 with the team example plan for 2026-11 active."""
    from kpi_engine.plans import store as plans
    from kpi_engine.plans import templates

    url = f"duckdb:///{tmp_path_factory.mktemp('team_plan') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=4, seed=7, end=dt.date(2026, 11, 22))
    saved = plans.save_plan(engine, templates.from_template("team_example", "2026-11"))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 11, 22))
    yield url
    store.dispose_engine(url)


def test_people_scores_from_the_active_plan(open_page, plan_url) -> None:
    from kpi_engine.plans.scorecard_tables import people_scores

    day = dt.date(2026, 11, 23)
    at = open_page(plan_url, period="month", date="2026-11-15", asof=day.isoformat())
    expected = people_scores(store.get_engine(plan_url), as_of=day)  # the same morning, the same rule
    # November is running on the 23rd: provisional scores, no grade or bonus before the close
    assert len(expected) == 5 and expected["grade"].isna().all() and set(expected["status"]) <= {"provisional",
                                                                                               "insufficient"}
    shown = frames_with(at, "final_score")[0]
    assert list(shown["card"]) == list(expected["card"])
    assert list(shown["grade"]) == [t(f"scores_status_{s}") for s in expected["status"]]
    assert shown["final_score"].round(6).tolist() == expected["final_score"].astype(float).round(6).tolist()
    # a person ahead and one behind, as the demo's story has it
    assert shown["final_score"].max() > 100 > shown["final_score"].min()
    assert shown["bonus"].iloc[0] == "—"
    assert "Plan scores" in texts(at.subheader)
    links = [(p.label, p.page) for p in at.get("page_link")]
    for r in expected.itertuples():
        assert any(label == f"Scorecard: {r.label}" and "scorecards" in page for label, page in links)


def test_no_active_plan_no_scores(open_page, demo_url) -> None:
    at = open_page(demo_url, **VIEW)
    assert not frames_with(at, "final_score")
    assert "Plan scores" not in texts(at.subheader)
