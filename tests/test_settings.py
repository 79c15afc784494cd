"""Business settings in the database: load, set, reset, history, validation, and that the stored values are used.

Runs on DuckDB and PostgreSQL (``engine``). Numbers are hand-computed: the small metrics fixture has 6 leads
of which 4 are worth ≥ 2000 and 3 were answered within 1 hour (tests/test_metrics.py); the scorecard bonus is
base bonus 10,000 × the grade's multiplier.
"""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, pacing, schema, settings_read, settings_rules
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute
from kpi_engine.scoring import Rules
from kpi_engine.settings import Settings, settings_in_force
from kpi_engine.settings_rules import SettingError
from kpi_engine.settings_store import (
    load_settings,
    overview,
    reset_setting,
    set_setting,
    setting_history,
    settings_version,
    stored_values,
)
from tests.metrics_fixture import load_small

CJK = re.compile(r"[\u4e00-\u9fff]")


def rows(engine: Engine, table: sa.Table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(table))]


def business(s: Settings) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(s).items() if k != "upload_user"}


def test_nothing_stored_gives_the_defaults(engine: Engine) -> None:
    assert business(load_settings(engine)) == business(Settings())
    assert settings_version(engine) == "0"
    assert stored_values(engine) == {} and setting_history(engine).empty


def test_set_reset_and_history(engine: Engine) -> None:
    assert set_setting(engine, "grade_a_from", "105", "ann") is True
    assert load_settings(engine).grade_a_from == 105.0
    assert stored_values(engine) == {"grade_a_from": 105.0}
    (key, value, _, who), = rows(engine, schema.settings)
    assert (key, value, who) == ("grade_a_from", "105.0", "ann")
    assert settings_version(engine) == "1"

    assert set_setting(engine, "grade_a_from", "105.0", "bob") is False  # already in force: nothing recorded
    assert settings_version(engine) == "1" and len(setting_history(engine)) == 1

    assert set_setting(engine, "currency", "usd", "bob") is True  # codes are upper-cased
    assert reset_setting(engine, "grade_a_from", "cat") is True
    assert reset_setting(engine, "grade_a_from", "cat") is False
    current = load_settings(engine)
    assert (current.grade_a_from, current.currency) == (100.0, "USD")
    assert stored_values(engine) == {"currency": "USD"}  # a default needs no row
    history = setting_history(engine)
    assert history[["changed_by", "key", "old", "new"]].values.tolist() == [
        ["cat", "grade_a_from", "105", "100"], ["bob", "currency", "CNY", "USD"], ["ann", "grade_a_from", "100", "105"]]
    assert history["changed_at"].notna().all()
    assert setting_history(engine, "currency")["new"].tolist() == ["USD"]
    assert settings_version(engine) == "3"


def test_setting_a_value_back_to_its_default_removes_the_row(engine: Engine) -> None:
    set_setting(engine, "gross_margin", "65%")  # a share may be typed as a percentage
    assert load_settings(engine).gross_margin == pytest.approx(0.65)
    set_setting(engine, "gross_margin", "0.6")
    assert stored_values(engine) == {} and len(setting_history(engine)) == 2


def test_overview_lists_every_setting_once(engine: Engine) -> None:
    set_setting(engine, "bonus_multiplier_b", "1.1", "ann")
    frame = overview(engine, "zh").set_index("key")
    assert list(frame.index) == list(settings_rules.editable_keys()) and "upload_user" not in frame.index
    row = frame.loc["bonus_multiplier_b"]
    assert (row["value"], row["default"], bool(row["changed"]), row["updated_by"]) == (1.1, 1.0, True, "ann")
    assert CJK.search(row["description"]) and not frame.loc["currency", "changed"]
    assert {k for _, keys in settings_rules.GROUPS for k in keys} == set(settings_rules.editable_keys())


@pytest.mark.parametrize(("key", "value", "code"), [
    ("gross_margin", "1.5", "range"), ("gross_margin", "abc", "number"), ("score_floor", "-0.1", "range"),
    ("bonus_multiplier_c", "-1", "range"), ("high_value_threshold", "-5", "min"), ("high_value_threshold", "nan", "number"),
    ("max_reported_issues", "2.5", "int"), ("timezone", "Mars/Olympus", "timezone"), ("timezone", "", "empty"),
    ("currency", "XYZ", "currency"), ("currency", "yuan", "currency"), ("default_prorate", "weekly", "choice"),
    ("grade_a_from", "115", "grades"), ("grade_b_from", "101", "grades"), ("grade_c_from", "90", "grades"),
    ("pacing_on_track_from", "0.4", "pacing"),
    ("budget_on_track_from", "1.2", "budget"), ("no_such_setting", "1", "unknown"), ("upload_user", "x", "env_only"),
    ("currency_symbol", "x" * 41, "long"),
])
def test_invalid_values_are_refused_and_nothing_changes(engine: Engine, key: str, value: str, code: str) -> None:
    set_setting(engine, "grade_s_from", "115", "ann")  # something stored already
    before = (rows(engine, schema.settings), rows(engine, schema.settings_history), settings_version(engine))
    with pytest.raises(SettingError) as caught:
        set_setting(engine, key, value, "mallory")
    assert caught.value.code == code
    assert (rows(engine, schema.settings), rows(engine, schema.settings_history), settings_version(engine)) == before
    en, zh = caught.value.message("en"), caught.value.message("zh")
    assert en and not CJK.search(en) and CJK.search(zh), (en, zh)
    assert load_settings(engine).grade_s_from == 115.0


def test_messages_say_what_to_change() -> None:
    with pytest.raises(SettingError) as caught:
        settings_rules.apply(Settings(), "grade_a_from", "112")
    assert caught.value.message("en") == ("Grade bounds must descend, S > A > B > C (would be S 110, A 112, B 85, C 70). "
                                          "Change the neighbouring bound first.")
    assert "between 0 and 1" in settings_rules.SettingError("range", setting="gross_margin", lo="0", hi="1",
                                                             value="2").message("en")


def test_a_reset_that_breaks_the_grade_order_is_refused(engine: Engine) -> None:
    for key, value in (("grade_s_from", "130"), ("grade_a_from", "120"), ("grade_b_from", "112")):
        set_setting(engine, key, value)
    with pytest.raises(SettingError) as caught:
        reset_setting(engine, "grade_s_from")  # S 110 below A 120
    assert caught.value.code == "grades" and load_settings(engine).grade_s_from == 130.0


def test_stored_thresholds_are_used_by_metric_queries(engine: Engine) -> None:
    load_small(engine)
    default = compute(engine, ["high_value_share", "response_sla"])
    set_setting(engine, "high_value_threshold", "2000")
    set_setting(engine, "response_sla_hours", "1")
    frame = compute(engine, ["high_value_share", "response_sla"])  # no settings= : the store's
    assert frame.loc[0, "high_value_share"] == pytest.approx(4 / 6)
    assert frame.loc[0, "response_sla"] == pytest.approx(3 / 6)
    assert frame.loc[0, "high_value_share"] != default.loc[0, "high_value_share"]
    explicit = compute(engine, ["high_value_share"], settings=Settings())  # an explicit value still wins
    assert explicit.loc[0, "high_value_share"] == pytest.approx(default.loc[0, "high_value_share"])


def test_a_change_by_another_process_is_seen_once_the_token_is_read_again(engine: Engine,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_read, "RECHECK_SECONDS", 0.0)  # read the token on every call
    assert load_settings(engine).gross_margin == 0.6
    h = schema.settings
    with engine.begin() as conn:  # as another process would: a row and a new token
        conn.execute(sa.insert(h).values(key="gross_margin", value="0.5", updated_at=sa.func.now(), updated_by="cron"))
        conn.execute(sa.insert(schema.schema_meta).values(key="settings_version", value="7"))
    assert load_settings(engine).gross_margin == 0.5


def test_stored_unattributed_channel_is_used_by_uploads(engine: Engine) -> None:
    set_setting(engine, "unattributed_channel_id", "no_channel")
    data = b"lead_id,created_at,channel_id\nQ1,2026-03-01,\n"
    res = ingest(engine, data, "crm.csv", table="leads")
    assert res.created.get("channels") == ["no_channel"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(schema.leads.c.channel_id)).scalar_one() == "no_channel"
        assert conn.execute(sa.select(schema.channels.c.channel_id)).scalars().all() == ["no_channel"]


def test_engine_code_called_without_settings_uses_the_settings_in_force() -> None:
    """A page run, push run or report sets its store's settings (``settings_in_force``): engine code called without
    settings reads those (thresholds in definitions, the time zone, grade bounds, the pro-rating method), not the
    built-in defaults; after the block the defaults are back."""
    ours = dataclasses.replace(Settings(), high_value_threshold=8000.0, timezone="America/Los_Angeles",
                               grade_a_from=105.0, default_prorate="working")
    high_value = registry.get("high_value_leads")
    plan, kpi = SimpleNamespace(extra={}, prorate=""), SimpleNamespace(extra={})  # neither names a method
    with settings_in_force(ours):
        assert "≥ 8000" in high_value.description("en") and "≥ 8000" in high_value.formula("zh")
        assert clock.zone().key == "America/Los_Angeles"
        assert dict(Rules.from_settings().grades)["A"] == 105.0
        assert pacing.method_for(plan, kpi).method == "working"
    assert "≥ 5000" in high_value.description("en") and clock.zone().key == "Asia/Shanghai"
    assert dict(Rules.from_settings().grades)["A"] == 100.0 and pacing.method_for(plan, kpi).method == "calendar"
