"""The KPI plan page, driven headless by AppTest on an empty database and on the demo data with an active plan.

The demo ends on 2026-11-22; the team example plan for 2026-11 is created from its template and activated
(warnings acknowledged). Editing a KPI weight in the data editor must turn the plan checks red and block
activation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, schema, store
from kpi_engine.i18n import t
from kpi_engine.plans import checks, templates
from kpi_engine.plans import store as plans
from kpi_engine.plans.model import replace_kpi
from tests.apptest_support import assert_ok, opener

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "app_pages/plan.py"
TIMEOUT = 90
END = dt.date(2026, 11, 22)
ASOF = {"asof": "2026-11-22"}



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
    url = f"duckdb:///{tmp_path_factory.mktemp('plan_page') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=4, end=END)
    saved = plans.save_plan(engine, templates.from_template("team_example", "2026-11"))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=END)
    yield url
    store.dispose_engine(url)



def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_empty_database_offers_a_new_plan(open_page, empty_url) -> None:
    at = open_page(empty_url, **ASOF)
    assert at.selectbox[0].value == "__new__"
    assert t("plans_ui_create") in [b.label for b in at.button]
    assert not at.data_editor
    at.button[[b.label for b in at.button].index(t("plans_ui_create"))].click().run()  # department template, 2026-11
    assert_ok(at)
    kpi_editors = [e for e in at.data_editor if e.key.startswith("plan_ui_editor")]
    assert len(kpi_editors) == 1
    assert len(kpi_editors[0].value) > 0


def test_active_plan_is_shown_and_a_weight_edit_blocks_activation(open_page, demo_url) -> None:
    at = open_page(demo_url, **ASOF)
    engine = store.get_engine(demo_url)
    plan_id = plans.list_plans(engine)["plan_id"].iloc[0]
    plan = plans.load_plan(engine, plan_id)
    assert at.selectbox[0].value == plan_id
    table = at.data_editor[0].value
    assert list(table["metric"]) == [k.metric for k in plan.kpis]
    assert not at.error
    assert button(at, "plan_ui_activate").disabled is False  # every warning acknowledged at activation
    before = checks.check_plan(plan, engine, as_of=END)
    assert not before.errors

    editor = at.data_editor[0].key
    at.session_state[editor] = {"edited_rows": {0: {"weight": plan.kpis[0].weight + 7}}, "added_rows": [],
                                "deleted_rows": []}
    at.run()
    assert_ok(at)
    errors = " ".join(e.value for e in at.error)
    assert errors, "a weight edit that breaks the 100% total must show an error"
    changed = plans.load_plan(engine, plan_id)


    expected = checks.check_plan(replace_kpi(changed, 0, weight=changed.kpis[0].weight + 7), engine, as_of=END)
    assert expected.errors and all(i.message("en") in errors for i in expected.errors)
    assert button(at, "plan_ui_activate").disabled is True


def test_benchmark_typed_into_suggestions_is_used(open_page, demo_url) -> None:
    at = open_page(demo_url, **ASOF)
    bench = next(e for e in at.data_editor if e.key == "plan_ui_bench_editor")
    assert bench.value["benchmark"].isna().all()
    at.session_state["plan_ui_bench_editor"] = {"edited_rows": {0: {"benchmark": 1500.0}}, "added_rows": [],
                                                "deleted_rows": []}
    at.run()
    assert_ok(at)
    assert at.session_state["plan_ui_benchmarks"] == {0: 1500.0}
    bench = next(e for e in at.data_editor if e.key == "plan_ui_bench_editor")
    assert bench.value["benchmark"].iloc[0] == 1500.0  # shown beside the suggestion it now weighs in
    assert "1,500" in bench.value["explanation"].iloc[0] or "1500" in bench.value["explanation"].iloc[0]


def test_chinese(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="zh", **ASOF)
    assert at.title[0].value == t("plans_ui_plan_title", "zh")
    assert t("plans_ui_checks", "zh") in [h.value for h in at.subheader]


def test_editor_shows_names_and_percents_and_saving_unchanged_stores_the_same_plan(open_page, demo_url) -> None:
    at = open_page(demo_url, lang="zh", **ASOF)
    engine = store.get_engine(demo_url)
    plan_id = plans.list_plans(engine)["plan_id"].iloc[0]
    plan = plans.load_plan(engine, plan_id)
    editor = next(e for e in at.data_editor if e.key.startswith("plan_ui_editor"))
    config = json.loads(editor.proto.columns)
    labels = {c: {o["value"]: o["label"] for o in config[c]["type_config"]["options"]}
              for c in ("metric", "scope", "dimension", "owner")}
    assert labels["metric"]["leads"] == "线索数" and "同比" in labels["metric"]["yoy:brand_search_volume"]
    assert labels["scope"]["team"] == "团队" and labels["dimension"]["lead_generation"] == "线索获取"
    with engine.connect() as conn:
        people = dict(conn.execute(sa.select(schema.people.c.person_id, schema.people.c.name)).all())
    assert labels["owner"]["p01"] == people["p01"] and labels["scope"]["person:p02"] == people["p02"]
    table = editor.value
    assert list(table["metric"]) == [k.metric for k in plan.kpis]  # the cells keep ids
    rate = list(table["metric"]).index("lead_to_sql")
    assert table["base"].iloc[rate] == "12.0%" and table["challenge"].iloc[rate] == "14.4%"
    checks_shown = " ".join(c.label for c in at.checkbox)
    assert "p04" not in checks_shown and "leads " not in checks_shown  # people and metrics by name
    button(at, "plan_ui_save").click().run()
    assert_ok(at)
    assert [m.value for m in at.success if "plans_ui" not in m.value]  # "saved as version n"
    assert plans.load_plan(engine, plan_id).kpis == plan.kpis  # opened and saved unchanged: the same KPIs
