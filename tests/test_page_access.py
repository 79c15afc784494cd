"""The sign-in gate and roles on the pages (issue 12), driven headless by AppTest.

A member who edits the URL to another person's scorecard gets "not allowed", never the data; admin pages are
not in a member's menu; the demo signs in without a password only while the server listens on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import store
from kpi_engine.access import users
from kpi_engine.i18n import t
from kpi_engine.plans import store as plans
from kpi_engine.plans import yamlio
from tests.apptest_support import APP
from tests.plans_fixture import PLAN_YAML, seed

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def team_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('access_page') / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    saved = plans.save_plan(engine, yamlio.plan_from_yaml(PLAN_YAML))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 10, 1))
    users.add_user(engine, "bob", role="member", person_id="p2", password=PASSWORD, name="Bob")
    users.add_user(engine, "root", role="admin", password=PASSWORD, name="Root")
    yield url, saved.plan_id
    store.dispose_engine(url)


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch):

    monkeypatch.setenv("KPI_RAISE_ERRORS", "1")
    monkeypatch.delenv("KPI_DEMO_LOGIN", raising=False)

    def make(url: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.session_state["db_url"] = url
        if query:
            at.query_params = dict(query)
        return at

    return make


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.run()
    assert at.title[0].value == t("auth_title")
    at.text_input(key="auth_username").input(name)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    return at


def test_nobody_sees_a_number_before_signing_in(app, team_url) -> None:
    at = app(team_url[0])
    at.run()
    assert at.title[0].value == t("auth_title") and not at.metric and not at.dataframe
    sign_in(at, "bob", "wrong password")
    assert t("access_sign_in_failed") in [e.value for e in at.error]
    assert not at.metric


def test_a_member_editing_the_url_to_another_scorecard_is_not_allowed(app, team_url) -> None:
    url, plan_id = team_url
    own = sign_in(app(url, plan=plan_id, card="p2", asof="2026-11-01"), "bob")
    own.switch_page("app_pages/scorecards.py").run()
    assert not own.exception and not own.error and own.metric  # Bob's own card
    at = sign_in(app(url, plan=plan_id, card="p3", asof="2026-11-01"), "bob")
    at.switch_page("app_pages/scorecards.py").run()
    errors = [e.value for e in at.error]
    assert t("access_not_allowed", role=t("access_role_member")) in errors, errors
    assert not at.metric and not at.dataframe  # none of Cat's (p3) numbers


def test_admin_pages_are_only_in_an_admins_menu(app, team_url) -> None:
    member = sign_in(app(team_url[0]), "bob")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in a member's menu
        member.switch_page("app_pages/users.py").run()
    admin = sign_in(app(team_url[0]), "root")
    admin.switch_page("app_pages/users.py").run()
    assert not admin.exception and admin.title[0].value == t("users_ui_title")
    log = next(d.value for d in admin.dataframe if "action" in d.value.columns)
    shown = {t(f"users_ui_action_{a}") for a in ("sign_in", "sign_in_failed", "user_add", "plan_activate")}
    assert shown <= set(log["action"])  # actions by name, in the page's language


def test_the_demo_signs_in_only_on_the_loopback_address(app, team_url, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DEMO_LOGIN", "1")
    at = app(team_url[0])
    at.run()
    assert t("auth_title") not in [x.value for x in at.title]
    assert any("Demo: signed in as an admin" in c.value for c in at.caption)
    import streamlit

    original = streamlit.get_option
    monkeypatch.setattr(streamlit, "get_option",  # as if started with --server.address 0.0.0.0
                        lambda name: "0.0.0.0" if name == "server.address" else original(name))
    exposed = app(team_url[0])
    exposed.run()
    assert exposed.title[0].value == t("auth_title")
    assert any("demo sign-in without a password is off" in w.value for w in exposed.warning)


def _failing_page() -> None:
    from ui import guard

    def boom() -> None:
        raise RuntimeError("secret detail: postgresql://user:pw@host/db")

    guard.run(boom)


def test_an_unexpected_error_shows_an_error_id_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("KPI_RAISE_ERRORS", "0")
    script = AppTest.from_function(_failing_page)
    with caplog.at_level("ERROR", logger="kpi.ui"):
        script.run()
    assert not script.exception
    message = script.error[0].value
    assert "Error id" in message and "secret detail" not in message and "pw@host" not in message
    error_id = message.split("Error id ")[1].split(":")[0]
    # the log has the traceback under the error id, with the URL's password hidden
    assert error_id in caplog.text and "RuntimeError: secret detail: postgresql://user:***@host/db" in caplog.text
    assert "pw@host" not in caplog.text


@pytest.mark.parametrize("who", ["vic", "bob", "root"])
def test_reviews_show_a_viewer_and_a_member_only_what_they_may_see(app, team_url, who: str) -> None:
    url, _ = team_url
    engine = store.get_engine(url)
    if users.get_account(engine, "vic") is None:
        users.add_user(engine, "vic", role="viewer", password=PASSWORD, name="Vic")
    for mode, review in (("monthly", "2026-10"), ("weekly", "2026-W42")):
        at = sign_in(app(url, mode=mode, review=review, asof="2026-11-01"), who)
        at.switch_page("app_pages/reviews.py").run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        texts = " ".join(str(d.value.to_dict()) for d in at.dataframe)
        if who == "root":  # the admin sees Cat's KPI: so the others' absence below means something
            assert "Cat" in texts or "person:p3" in texts or mode == "weekly"
            continue
        assert "Cat" not in texts and "person:p3" not in texts  # Cat's KPIs and scores are not shown
        if who == "vic":
            assert "Bob" not in texts


def test_the_home_page_never_offers_the_demo_over_user_data(app, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi_engine.ingest.pipeline import ingest

    monkeypatch.setenv("KPI_DEMO_LOGIN", "1")
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    from kpi_engine.ingest.undo import undo_upload

    loaded = ingest(store.get_engine(url), b"channel_id,name,kind\nch_a,A,paid\n", "channels.csv")
    assert undo_upload(store.get_engine(url), loaded.upload_id).ok  # no rows left, but the upload history is data
    at = app(url)
    at.run()
    at.switch_page("app_pages/home.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "load_demo"]
    assert any("already holds data (" in c.value and "uploads 1" in c.value for c in at.caption)
    store.dispose_engine(url)


def _busy_page() -> None:
    from kpi_engine.store import DatabaseBusy
    from ui import guard

    def held() -> None:
        raise DatabaseBusy("the database file is in use by another process (waited 10 s)")

    guard.run(held)


def test_a_busy_database_is_a_sentence_on_the_page_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_RAISE_ERRORS", "1")  # even where bugs raise, a busy file is not a bug
    script = AppTest.from_function(_busy_page)
    script.run()
    assert not script.exception and not script.error
    assert [w.value for w in script.warning] == [t("auth_db_busy")]


def test_the_shipped_config_has_the_safe_defaults() -> None:
    import tomllib

    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False


def test_a_session_expires_and_asks_to_sign_in_again(app, team_url, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("KPI_SESSION_HOURS", "1")
    at = sign_in(app(team_url[0]), "bob")
    assert at.title[0].value != t("auth_title") and not at.exception  # signed in
    at.session_state["auth_since"] = time.time() - 3601  # an hour and a second later
    at.run()
    assert at.title[0].value == t("auth_title") and not at.metric
    assert t("auth_expired") in [i.value for i in at.info]
