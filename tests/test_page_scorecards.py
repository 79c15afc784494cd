"""The Scorecards page, driven headless by AppTest on an empty database and on the demo data with an active plan.

The demo ends on 2026-11-22; the team example plan for 2026-11 is activated. The big numbers must equal
evaluate.score_plan's, for the team card and for a person's card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, fmt, store
from kpi_engine.i18n import t
from kpi_engine.plans import store as plans
from kpi_engine.plans import templates
from kpi_engine.plans.evaluate import score_plan
from kpi_engine.scoring import format_score, format_value
from tests.apptest_support import opener

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "app_pages/scorecards.py"
TIMEOUT = 90
END = dt.date(2026, 11, 22)
MORNING = dt.date(2026, 11, 23)
ASOF = {"asof": MORNING.isoformat()}  # the meeting day: data through 2026-11-22 (END)



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
    url = f"duckdb:///{tmp_path_factory.mktemp('scorecards_page') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=4, end=END)
    saved = plans.save_plan(engine, templates.from_template("team_example", "2026-11"))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=END)
    yield url
    store.dispose_engine(url)



def metric(at: AppTest, key: str, lang: str = "en") -> str:
    label = t(key, lang)
    return next(m.value for m in at.metric if m.label == label)


def test_empty_database_points_to_the_plan_page(open_page, empty_url) -> None:
    at = open_page(empty_url, **ASOF)
    assert t("plans_ui_sc_no_plans") in [i.value for i in at.info]
    assert not at.metric


def test_team_card_matches_score_plan(open_page, demo_url) -> None:
    at = open_page(demo_url, **ASOF)
    engine = store.get_engine(demo_url)
    plan_id = plans.list_plans(engine)["plan_id"].iloc[0]
    expected = score_plan(engine, plans.load_plan(engine, plan_id, "active"), as_of=MORNING).main.totals
    assert at.selectbox[0].value == plan_id
    # November runs on the 23rd: the score is provisional, the grade and bonus wait for the close
    assert expected.final is not None and expected.status == "provisional" and expected.grade is None
    assert metric(at, "plans_ui_sc_final") == format_score(expected.final)
    assert metric(at, "plans_ui_sc_grade") == t("scores_short_provisional")
    assert metric(at, "plans_ui_sc_bonus") == format_value(expected.bonus, "money")
    assert metric(at, "plans_ui_sc_weighted") == format_score(expected.weighted)
    kpis = next(d.value for d in at.dataframe if "achievement" in d.value.columns)
    assert len(kpis) == len(score_plan(engine, plans.load_plan(engine, plan_id, "active"), as_of=MORNING).main.kpis)
    # the period is still running on 2026-11-22: the page says so
    assert any("2026-11-22" in i.value for i in at.info)


def test_person_card_and_chinese(open_page, demo_url) -> None:
    engine = store.get_engine(demo_url)
    plan_id = plans.list_plans(engine)["plan_id"].iloc[0]
    score = score_plan(engine, plans.load_plan(engine, plan_id, "active"), as_of=MORNING)
    person = score.cards[1]
    at = open_page(demo_url, lang="zh", card=person.card, **ASOF)
    assert at.title[0].value == t("plans_ui_sc_title", "zh")
    assert metric(at, "plans_ui_sc_final", "zh") == format_score(person.totals.final)
    assert metric(at, "plans_ui_sc_grade", "zh") == (person.totals.grade or t(f"scores_short_{person.totals.status}", "zh"))
    labels = [e.label for e in at.expander]
    for r in person.kpis:
        assert any(label.startswith(r.name("zh")) for label in labels)
    # scopes by name (issue 11, point 3): "抖音短视频", never "channel:douyin_video" or "person:p02"
    assert not [label for label in labels if any(f"{kind}:" in label for kind in ("channel", "campaign", "person"))], labels


def test_kpi_table_values_in_their_units(open_page, demo_url) -> None:
    engine = store.get_engine(demo_url)
    plan_id = plans.list_plans(engine)["plan_id"].iloc[0]
    main = score_plan(engine, plans.load_plan(engine, plan_id, "active"), as_of=MORNING).main
    at = open_page(demo_url, **ASOF)
    kpis = next(d.value for d in at.dataframe if "achievement" in d.value.columns)
    units = {r.unit for r in main.kpis}
    assert {"ratio", "money"} <= units
    for r, actual, target in zip(main.kpis, kpis["actual"], kpis["base"], strict=True):
        if r.actual is None:
            assert actual == "—"
        elif r.unit == "ratio":  # the one formatter's rules (tests/test_fmt.py): 12.3%, ¥12.46 / ¥1,235, 1,092
            assert actual == fmt.percent(r.actual) and actual.endswith("%")
        elif r.unit == "money":
            assert actual == fmt.money(r.actual) and actual.startswith("¥")
        elif r.unit == "count":
            assert actual == fmt.count(r.actual)
        if r.unit == "ratio":
            assert target == fmt.percent(r.kpi.base)
        elif r.unit == "money":
            assert target == (f"¥{r.kpi.base:,.0f}" if r.kpi.base >= 100 else f"¥{r.kpi.base:,.2f}")
