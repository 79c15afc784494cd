"""The Settings page, driven headless by AppTest: edit a value, save, the history row, a refused value, reset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import store
from kpi_engine.i18n import t
from kpi_engine.settings_store import load_settings, set_setting, setting_history
from tests.apptest_support import assert_ok, opener

PAGE = "app_pages/settings.py"


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, PAGE, 90)


@pytest.fixture
def url(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'settings.duckdb'}"
    yield url
    store.dispose_engine(url)


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_edit_save_history_and_reset(open_page, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_USER", "ann")
    at = open_page(url)
    assert texts(at.title) == [t("settings_ui_title")]
    assert len(at.tabs) == 8
    assert at.number_input(key="set_grade_a_from").value == 100.0
    assert texts(at.caption).count(t("settings_ui_no_history")) == 1

    at.number_input(key="set_grade_a_from").set_value(104.0)
    at.button(key="save_grade_a_from").click().run()
    assert_ok(at)
    assert texts(at.success) == [t("settings_ui_saved", setting=t("setting_name_grade_a_from"), value="104")]
    assert "**Grade A from** · `grade_a_from` · :orange[changed]" in texts(at.markdown)  # the name, then the key
    engine = store.get_engine(url)
    assert load_settings(engine).grade_a_from == 104.0
    history = at.dataframe[0].value
    assert history.iloc[0][[t("settings_ui_col_who"), t("settings_ui_col_key"), t("settings_ui_col_old"),
                            t("settings_ui_col_new")]].tolist() == ["ann", "Grade A from (grade_a_from)", "100", "104"]
    assert t("settings_ui_current", value="104", default="100") in texts(at.caption)

    at.button(key="reset_grade_a_from").click().run()
    assert_ok(at)
    assert texts(at.success) == [t("settings_ui_was_reset", setting=t("setting_name_grade_a_from"), value="100")]
    assert at.number_input(key="set_grade_a_from").value == 100.0
    assert load_settings(engine).grade_a_from == 100.0 and len(at.dataframe[0].value) == 2


def test_refused_values_show_why_in_the_users_language_and_change_nothing(open_page, url: str) -> None:
    at = open_page(url, lang="zh")
    at.number_input(key="set_gross_margin").set_value(1.5)
    at.button(key="save_gross_margin").click().run()
    assert_ok(at)
    assert texts(at.error) == ["毛利率（gross_margin）必须介于 0 与 1 之间（输入为 1.5）。"]

    at.number_input(key="set_grade_b_from").set_value(100.0)  # not below A (100)
    at.button(key="save_grade_b_from").click().run()
    assert len(at.error) == 1 and "S > A > B > C" in at.error[0].value and "等级分数线" in at.error[0].value

    at.text_input(key="set_currency").set_value("XYZ")
    at.button(key="save_currency").click().run()
    assert "ISO 4217" in at.error[0].value
    engine = store.get_engine(url)
    assert setting_history(engine).empty and load_settings(engine).gross_margin == 0.6
    assert texts(at.caption).count(t("settings_ui_no_history", "zh")) == 1


def test_inputs_follow_a_change_made_elsewhere(open_page, url: str) -> None:
    at = open_page(url)
    set_setting(store.get_engine(url), "default_prorate", "working", "cli")  # e.g. the command line
    at.run()
    assert_ok(at)
    assert at.selectbox(key="set_default_prorate").value == "working"
    assert setting_history(store.get_engine(url))["changed_by"].tolist() == ["cli"]


def test_every_setting_has_a_name_in_both_languages() -> None:
    from kpi_engine.i18n import catalog
    from kpi_engine.settings import SETTING_DOCS

    names = catalog()
    missing = [k for k in SETTING_DOCS if not {"en", "zh"} <= set(names.get(f"setting_name_{k}", {}))]
    assert missing == []
    assert len({names[f"setting_name_{k}"]["en"] for k in SETTING_DOCS}) == len(SETTING_DOCS)  # no two alike


def test_pages_show_money_with_the_stores_currency_symbol(open_page, tmp_path: Path) -> None:
    """Every page run formats money with the store's currency_symbol, in the engine's sentences too (the Standup's
    alerts), not the built-in ¥."""
    import datetime as dt

    from kpi_engine import demo
    from kpi_engine.demo.plans import activate_demo_plans

    url = f"duckdb:///{tmp_path / 'usd.duckdb'}"
    engine = store.get_engine(url)
    end = dt.date(2026, 11, 22)
    demo.generate(engine, months=2, seed=7, end=end)
    activate_demo_plans(engine, end)
    assert set_setting(engine, "currency_symbol", "$")
    standup = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    standup.session_state["db_url"] = url
    standup.query_params = {"asof": "2026-11-23", "lang": "en"}
    standup.run()
    assert_ok(standup)
    shown = " ".join(texts(standup.markdown) + texts(standup.caption))
    assert "$" in shown and "¥" not in shown
    spend_alerts = [m for m in texts(standup.markdown) if "spent" in m]
    assert spend_alerts and all("$" in m and "¥" not in m for m in spend_alerts)
    store.dispose_engine(url)
