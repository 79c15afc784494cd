"""Who sets alert rules (issue 13.2 "rules a manager sets"): admins and managers set, mute and acknowledge rules
on the Delivery page; destinations (webhooks and secrets) stay with admins; members and viewers neither see the
page nor write through the engine."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import access, store
from kpi_engine.access import users
from kpi_engine.i18n import t
from kpi_engine.push import alerts, destinations, jobs, rules
from kpi_engine.push.destinations import Destination
from kpi_engine.push.rules import Found
from tests.apptest_support import APP
from tests.plans_fixture import seed

PASSWORD = "correct horse battery"
PAGE = "app_pages/delivery.py"
MANAGER = access.Principal("mia", "manager", person_id="p1", people=frozenset({"p1"}))
MEMBER = access.Principal("bob", "member", person_id="p2", people=frozenset({"p2"}))


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('push_roles') / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    users.add_user(engine, "mia", role="manager", person_id="p1", password=PASSWORD, name="Mia")
    users.add_user(engine, "bob", role="member", person_id="p2", password=PASSWORD, name="Bob")
    destinations.save(engine, Destination("team-group", "wecom", "http://127.0.0.1:9/cgi-bin/webhook/send?key=k-123"))
    alerts.record(engine, [Found("quiet", "channel", "c", dt.date(2026, 10, 19), 0.0, "Channel C had no leads.",
                                 "渠道 C 没有线索。")])
    yield url
    store.dispose_engine(url)


def test_the_engine_lets_managers_set_rules_and_only_admins_set_destinations(url) -> None:
    engine = store.get_engine(url)
    with access.acting_as(MANAGER):
        rules.save(engine, rules.Rule("wins-pace", "behind_pace", "wins", "team", 0.2), user="mia")
        alerts.mute(engine, "wins-pace", dt.date(2026, 10, 31), user="mia")
        assert alerts.unmute(engine, "wins-pace")
        with pytest.raises(access.NotAllowed):
            destinations.save(engine, Destination("mine", "wecom", "http://127.0.0.1:9/send?key=x"))
        with pytest.raises(access.NotAllowed):
            jobs.test_destination(engine, "team-group")
    with access.acting_as(MEMBER):
        for write in (lambda: rules.save(engine, rules.Rule("x", "leads_zero", scope_type="channel")),
                      lambda: rules.remove(engine, "wins-pace"),
                      lambda: alerts.acknowledge(engine, "quiet|channel:c|2026-10-19"),
                      lambda: alerts.mute(engine, "wins-pace", dt.date(2026, 10, 31))):
            with pytest.raises(access.NotAllowed):
                write()
    assert [r.rule_id for r in rules.load(engine)] == ["wins-pace"]
    assert list(alerts.events(engine)["status"]) == ["open"]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch):

    monkeypatch.setenv("KPI_RAISE_ERRORS", "1")
    monkeypatch.delenv("KPI_DEMO_LOGIN", raising=False)

    def signed_in(url: str, name: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.session_state["db_url"] = url
        at.run()
        at.text_input(key="auth_username").input(name)
        at.text_input(key="auth_password").input(PASSWORD)
        at.button[0].click().run()
        return at

    return signed_in


def test_a_manager_sets_a_rule_on_the_page_without_seeing_webhooks(app, url) -> None:
    at = app(url, "mia")
    at.switch_page(PAGE).run()
    assert not at.exception and [x.value for x in at.title] == ["Delivery"]
    headers = [h.value for h in at.header]
    assert "Alerts" in headers and "Destinations" not in headers and "Recent sends" not in headers
    assert "k-123" not in " ".join(str(d.value.to_csv()) for d in at.dataframe)
    at.text_input(key="push_rule_id").input("quiet-days")
    at.selectbox(key="push_rule_kind").select("leads_zero")
    at.button(key="FormSubmitter:push_rule_form-Save rule").click().run()  # team scope: refused, with the fix
    assert any("watches channels: set Scope to “each channel”" in e.value for e in at.error)  # the form's words
    assert not any("--" in e.value for e in at.error)
    at.selectbox(key="push_rule_scope").select("channel")
    at.text_input(key="push_rule_threshold").input("0,7")
    at.button(key="FormSubmitter:push_rule_form-Save rule").click().run()
    assert not at.exception and any("quiet-days saved" in s.value for s in at.success)
    saved = {r.rule_id: r for r in rules.load(store.get_engine(url))}["quiet-days"]
    assert (saved.kind, saved.scope_type, saved.threshold) == ("leads_zero", "channel", 0.7)
    rule_table = next(d.value for d in at.dataframe if "Threshold" in d.value.columns)
    assert "quiet-days" in set(rule_table["Rule"])
    at.button(key="push_ack").click().run()
    assert not at.exception
    assert list(alerts.events(store.get_engine(url))["acknowledged_by"]) == ["mia"]  # the signed-in user


def test_a_member_has_no_delivery_page(app, url) -> None:
    at = app(url, "bob")
    assert not at.exception and t("auth_title") not in [x.value for x in at.title]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE).run()
