"""Sign-in, roles enforced in the engine, and the audit log (issue 12), on DuckDB and PostgreSQL.

The plans fixture: Ann (p1) leads Bob (p2) and Cat (p3). Bob owns L1, L2; Cat owns L0, L3.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import access, schema, settings_store
from kpi_engine.access import audit, passwords, users
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from kpi_engine.metrics.funnel import leads_page
from kpi_engine.metrics.query import compute
from kpi_engine.plans import evaluate, yamlio
from kpi_engine.plans import store as plan_store
from tests.plans_fixture import PLAN_YAML, seed

ROOT = Path(__file__).resolve().parent.parent
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MORNING = dt.date(2026, 11, 1)
PASSWORD = "correct horse battery"


@pytest.fixture
def team(engine: sa.Engine) -> sa.Engine:
    seed(engine)
    users.add_user(engine, "ann", role="manager", person_id="p1", password=PASSWORD, name="Ann")
    users.add_user(engine, "bob", role="member", person_id="p2", password=PASSWORD, name="Bob")
    users.add_user(engine, "vic", role="viewer", password=PASSWORD, name="Vic")
    users.add_user(engine, "root", role="admin", password=PASSWORD)
    return engine


def sign_in(engine: sa.Engine, name: str) -> access.Principal:
    return users.authenticate(engine, name, PASSWORD)


def test_passwords_are_argon2_hashes_never_the_password(team: sa.Engine) -> None:
    with team.connect() as conn:
        stored = conn.execute(sa.select(schema.users.c.password_hash).where(schema.users.c.username == "bob")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD) and not passwords.verify(stored, PASSWORD + "!")
    assert not passwords.verify(None, PASSWORD) and not passwords.verify("not a hash", PASSWORD)
    with pytest.raises(users.AccountError) as short:
        users.add_user(team, "eve", role="viewer", password="short")
    assert short.value.key == "access_password_short"


def test_repeated_failed_sign_ins_are_slowed_down_and_audited(team: sa.Engine) -> None:
    t0 = dt.datetime(2026, 11, 1, 9, 0)
    for i in range(users.FREE_ATTEMPTS - 1):
        with pytest.raises(users.AccountError) as wrong:
            users.authenticate(team, "bob", "nope", now=t0 + dt.timedelta(seconds=i))
        assert wrong.value.key == "access_sign_in_failed"
    with pytest.raises(users.AccountError) as locked:  # the fifth failure locks for 30 s
        users.authenticate(team, "bob", "nope", now=t0 + dt.timedelta(seconds=10))
    assert locked.value.key == "access_locked" and locked.value.params["seconds"] == "30"
    with pytest.raises(users.AccountError) as still:  # even the right password waits
        users.authenticate(team, "bob", PASSWORD, now=t0 + dt.timedelta(seconds=20))
    assert still.value.key == "access_locked"
    assert users.lock_seconds(6) == 60 and users.lock_seconds(40) == users.MAX_LOCK_SECONDS
    p = users.authenticate(team, "bob", PASSWORD, now=t0 + dt.timedelta(seconds=41))
    assert (p.username, p.role, p.people) == ("bob", "member", frozenset({"p2"}))
    with pytest.raises(users.AccountError) as unknown:  # same answer for a user that does not exist
        users.authenticate(team, "mallory", PASSWORD)
    assert unknown.value.key == "access_sign_in_failed"
    users.disable_user(team, "bob")
    with pytest.raises(users.AccountError):
        users.authenticate(team, "bob", PASSWORD)
    events = audit.list_events(team)
    assert (events["action"] == "sign_in_failed").sum() == users.FREE_ATTEMPTS + 3
    assert ((events["action"] == "sign_in") & (events["actor"] == "bob")).sum() == 1
    assert ((events["action"] == "user_change") & (events["target"] == "bob")).sum() == 1


def test_a_manager_sees_the_team_tree_a_member_only_themselves(team: sa.Engine) -> None:
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    everything = evaluate.score_plan(team, plan, as_of=MORNING)
    assert [c.card for c in everything.cards] == ["team", "p2", "p3"]
    with access.acting_as(sign_in(team, "ann")):
        assert [c.card for c in evaluate.score_plan(team, plan, as_of=MORNING).cards] == ["team", "p2", "p3"]
        by_person = compute(team, ["leads"], by="person", start=OCT[0], end=OCT[1])
        assert set(by_person["person_id"]) <= {"p1", "p2", "p3"}
    with access.acting_as(sign_in(team, "bob")):
        mine = evaluate.score_plan(team, plan, as_of=MORNING)
        assert [c.card for c in mine.cards] == ["team", "p2"]
        assert mine.card("team").totals.final == pytest.approx(everything.card("team").totals.final)  # same team
        with pytest.raises(access.NotAllowed):  # ?card=p3 in the URL: not allowed, never the data
            mine.card("p3")
        by_person = compute(team, ["leads"], by="person", start=OCT[0], end=OCT[1])
        assert by_person["person_id"].tolist() == ["p2"] and by_person["leads"].tolist() == [2]
        with pytest.raises(access.NotAllowed):
            compute(team, ["leads"], where={"person": "p3"}, start=OCT[0], end=OCT[1])
        assert compute(team, ["leads"], start=OCT[0], end=OCT[1])["leads"].iloc[0] == 3  # team aggregate
        page = leads_page(team, *OCT)
        assert sorted(page.rows["lead_id"]) == ["L1", "L2"] and page.total == 2
        with pytest.raises(access.NotAllowed):
            leads_page(team, *OCT, where={"person": "p3"})


def test_a_viewer_sees_team_aggregates_only(team: sa.Engine) -> None:
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    with access.acting_as(sign_in(team, "vic")):
        assert [c.card for c in evaluate.score_plan(team, plan, as_of=MORNING).cards] == ["team"]
        by_channel = compute(team, ["leads", "spend"], by="channel", start=OCT[0], end=OCT[1])
        assert by_channel["leads"].sum() == 3
        for asked in ({"by": "person"}, {"where": {"person": "p2"}}):
            with pytest.raises(access.NotAllowed):
                compute(team, ["leads"], start=OCT[0], end=OCT[1], **asked)
        with pytest.raises(access.NotAllowed):
            leads_page(team, *OCT)


def test_only_admins_change_things_and_a_refusal_changes_nothing(team: sa.Engine, tmp_path: Path) -> None:
    csv = tmp_path / "channels.csv"
    csv.write_text("channel_id,name,kind\nch_new,New,paid\n", encoding="utf-8")
    before = dict(settings_store.load_settings(team).__dict__)
    for name in ("ann", "bob", "vic"):
        with access.acting_as(sign_in(team, name)):
            with pytest.raises(access.NotAllowed):
                ingest(team, csv, "channels.csv")
            with pytest.raises(access.NotAllowed):
                settings_store.set_setting(team, "grade_a_from", "95")
            with pytest.raises(access.NotAllowed):
                plan_store.save_plan(team, yamlio.plan_from_yaml(PLAN_YAML))
            with pytest.raises(access.NotAllowed):
                users.add_user(team, f"x{name}", role="viewer", password=PASSWORD)
    with team.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.channels)).scalar() == 2
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.plans)).scalar() == 0
    assert dict(settings_store.load_settings(team).__dict__) == before


def test_every_change_is_audited_with_before_and_after(team: sa.Engine, tmp_path: Path) -> None:
    csv = tmp_path / "channels.csv"
    csv.write_text("channel_id,name,kind\nch_new,New,paid\n", encoding="utf-8")
    with access.acting_as(sign_in(team, "root")):
        loaded = ingest(team, csv, "channels.csv")
        assert undo_upload(team, loaded.upload_id).ok
        settings_store.set_setting(team, "grade_a_from", "95")
        saved = plan_store.save_plan(team, yamlio.plan_from_yaml(PLAN_YAML))
        plan_store.activate_plan(team, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 10, 1))
        events = audit.list_events(team)
    by_action = {a: g for a, g in events.groupby("action")}
    upload = by_action["upload"].iloc[0]
    assert upload["actor"] == "root" and upload["detail"] == "channels.csv" and '"inserted": 1' in upload["after"]
    assert by_action["undo"].iloc[0]["target"] == str(loaded.upload_id)
    change = by_action["settings_change"].iloc[0]
    assert (change["target"], change["before"], change["after"], change["actor"]) == ("grade_a_from", "100.0", "95.0",
                                                                                      "root")
    assert by_action["plan_activate"].iloc[0]["target"] == saved.plan_id
    assert events["event_id"].is_monotonic_decreasing and events["event_id"].is_unique
    with access.acting_as(sign_in(team, "ann")), pytest.raises(access.NotAllowed):
        audit.list_events(team)  # the log is for admins


def test_the_audit_log_is_append_only(team: sa.Engine) -> None:
    assert not any(hasattr(audit, name) for name in ("update", "delete", "remove", "edit"))
    if team.dialect.name == "postgresql":  # the database itself refuses changes
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), team.begin() as conn:
            conn.execute(sa.text("UPDATE audit_log SET actor = 'someone else'"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), team.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit_log"))


def test_user_and_audit_commands(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    env = {**os.environ, "KPI_DB_URL": url}

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kpi_engine", *args], input=stdin, capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=120)

    added = cli("user", "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0 and "Added root (admin)" in added.stdout and PASSWORD not in added.stdout
    member = cli("user", "add", "bob", "--role", "member", "--password-stdin", stdin=PASSWORD + "\n")
    assert member.returncode == 2 and "--person" in member.stderr
    sso = cli("user", "add", "cat@example.com", "--role", "viewer", "--sso")
    assert sso.returncode == 0
    listing = cli("user", "list", "--format", "json")
    assert '"username": "cat@example.com"' in listing.stdout and "argon2" not in listing.stdout
    new_password = "another long passphrase"
    reset = cli("user", "reset", "root", "--password-stdin", stdin=new_password + "\n")
    assert reset.returncode == 0 and new_password not in reset.stdout + reset.stderr
    disabled = cli("user", "disable", "cat@example.com")
    assert disabled.returncode == 0
    engine = sa.create_engine(url)
    try:
        assert users.authenticate(engine, "root", new_password).role == "admin"  # the new password works
        with pytest.raises(users.AccountError):
            users.authenticate(engine, "root", PASSWORD)  # the old one no longer does
        with pytest.raises(users.AccountError):
            users.principal_for_identity(engine, "cat@example.com")  # a disabled account cannot sign in
    finally:
        engine.dispose()
    log = cli("audit", "--format", "csv")
    assert log.returncode == 0 and log.stdout.splitlines()[0].startswith("event_id,occurred_at,actor,action")
    assert log.stdout.count("user_add") == 2 and log.stdout.count("user_change") == 2
    assert new_password not in log.stdout and "argon2" not in log.stdout


def test_the_rated_person_sees_their_360_without_rater_names(team: sa.Engine) -> None:
    """Bob's 360 (2026-10: manager p1 80, peers p3 85 and p1 95) reaches him by role only: no rater id or name."""
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    with access.acting_as(sign_in(team, "bob")):
        card = evaluate.score_plan(team, plan, as_of=MORNING).card("p2")
    assert card.feedback.score == pytest.approx(84.1667, abs=1e-3)
    assert [(role, n) for role, _, n, _ in card.feedback.roles] == [("manager", 1), ("peer", 2)]
    shown = repr(card.feedback) + " ".join(card.explain("en")) + " ".join(card.explain("zh"))
    for rater in ("p1", "p3", "Ann", "Cat"):
        assert rater not in shown, rater
