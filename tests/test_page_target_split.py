"""The "Split target" section of the KPI plan page, driven headless by AppTest on a small database with a Q4 plan:
pick the promotion method on working days, use the split, save the plan, and find the split in the saved version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import store
from kpi_engine.i18n import t
from kpi_engine.plans import split as plan_split
from kpi_engine.plans import store as plans
from kpi_engine.plans.model import Kpi, Plan
from tests.apptest_support import assert_ok, opener

ASOF = {"asof": "2026-10-12"}
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, "app_pages/plan.py", 90)


@pytest.fixture
def q4_url(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'split.duckdb'}"
    engine = store.get_engine(url)
    kpis = (Kpi(metric="leads", dimension="campaign_effectiveness", weight=60, base=7900),
            Kpi(metric="cpl", dimension="campaign_effectiveness", weight=40, base=150))
    plans.save_plan(engine, Plan(name="Q4 leads", period="2026-Q4", prorate="calendar", kpis=kpis))
    yield url
    store.dispose_engine(url)


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_split_a_quarter_by_promotion_on_working_days_and_save_it(open_page, q4_url) -> None:
    at = open_page(q4_url, **ASOF)
    assert t("split_title") in [e.label for e in at.expander]
    assert len(at.selectbox(key="plan_split_kpi").options) == 1  # only leads: cpl is a rate, not split
    at.radio(key="plan_split_method_0").set_value("promo").run()
    at.selectbox(key="plan_split_base_0").set_value("workdays").run()
    assert_ok(at)
    events = at.data_editor(key="plan_split_events_0").value
    assert list(events["name"]) == ["Double 11"] and float(events["weight"].iloc[0]) == 2.0
    assert any("7,900" in c.value for c in at.caption)
    _button(at, "plan_split_apply").click().run()
    assert_ok(at)
    assert any(s.value.startswith("Split set for") for s in at.success)
    _button(at, "plan_ui_save").click().run()
    assert_ok(at)
    engine = store.get_engine(q4_url)
    saved = plans.load_plan(engine, plans.list_plans(engine)["plan_id"].iloc[0])
    split = plan_split.saved_split(saved.kpis[0])
    assert split is not None and split.method == "promo" and split.base == "workdays"
    assert split.months() == {OCT: 2700, NOV: 2900, DEC: 2300}
    assert "split" not in saved.kpis[1].extra


def test_chinese(open_page, q4_url) -> None:
    at = open_page(q4_url, lang="zh", **ASOF)
    assert t("split_title", "zh") in [e.label for e in at.expander]
    assert t("split_method", "zh") in [r.label for r in at.radio]
