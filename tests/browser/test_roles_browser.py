"""Roles in headless Chromium against the real server, signing in with local accounts (issue 12).

Each role signs in on the sign-in page and then edits the URL the way a curious user would: another person's
scorecard (``?card=``), another person's drill-down (``?person=``), an admin page's path. The engine refuses what
the role may not see: the page says "not allowed" and shows none of the data; admin pages are not served at all.

The plans fixture: Ann (p1) leads Bob (p2) and Cat (p3). Accounts: root (admin), ann (manager of p1's tree),
cat (manager of her own tree, p3 alone), bob (member, p2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi_engine import store
from kpi_engine.access import users
from kpi_engine.plans import store as plans
from kpi_engine.plans import yamlio
from tests.browser.forwarding_proxy import ForwardingProxy
from tests.browser.waits import settle
from tests.plans_fixture import PLAN_YAML, seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
NOT_ALLOWED = re.compile(r"Not allowed: your role \((member|manager)\) cannot see this")
ADMIN_PAGES = ("users", "data", "settings")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(database URL, active plan id) of the fixture's department with one account per role."""
    url = f"duckdb:///{tmp_path_factory.mktemp('roles') / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    saved = plans.save_plan(engine, yamlio.plan_from_yaml(PLAN_YAML))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 10, 1))
    for name, role, person in (("root", "admin", None), ("ann", "manager", "p1"), ("cat", "manager", "p3"),
                               ("bob", "member", "p2")):
        users.add_user(engine, name, role=role, person_id=person, password=PASSWORD, name=name.title())
    store.dispose_engine(url)
    yield url, saved.plan_id


def open_as(page, address: str, user: str, role: str) -> str:
    """Open ``address`` in a new session (as typing it into the address bar does), sign in, return the main text."""
    from playwright.sync_api import expect

    page.goto(address)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)  # no number before signing in
    page.get_by_role("textbox", name="User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page, page.get_by_text(f"Signed in as {user.title()} ({role})"))
    return page.locator("[data-testid='stMain']").inner_text()


def card_url(base: str, plan_id: str, card: str) -> str:
    return f"{base}/scorecards?lang=en&plan={plan_id}&card={card}&asof=2026-11-01"


def assert_refused(page, text: str, *names: str, tables: int = 0) -> None:
    """The refusal, none of the card's numbers (no metric; ``tables``: the team tables drawn above it)."""
    assert NOT_ALLOWED.search(text), text[:1500]
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert page.locator("[data-testid='stDataFrame']").count() == tables
    for name in names:
        assert name not in text, f"{name} shown on a refused page: {text[:1500]}"


def assert_no_admin_pages(page, base: str, user: str, role: str) -> None:
    """Admin pages are not in the menu, and typing their path serves the default page, not the admin one."""
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    for title in ("Users & audit", "Settings", "Data"):
        assert title not in nav, nav
    for path in ADMIN_PAGES:
        text = open_as(page, f"{base}/{path}?lang=en", user, role)
        assert "Users & audit" not in text and "Audit log" not in text and "Upload history" not in text, text[:800]
        assert page.get_by_role("button", name=re.compile("^(Load|Save)")).count() == 0


def test_member_sees_only_their_own_card_and_tampering_is_not_allowed(team, start_server, page,
                                                                        artifacts_dir: Path) -> None:
    url, plan_id = team
    server = start_server(url, demo=False)
    own = open_as(page, card_url(server.url, plan_id, "p2"), "bob", "member")
    assert page.locator("[data-testid='stMetric']").count() > 0 and "Bob" in own
    assert "Cat (p3)" not in own and "Ann" not in own.split("360")[-1]  # no other card offered, no rater named
    page.screenshot(path=str(artifacts_dir / "browser_roles_member_own.png"), full_page=True)

    refused = open_as(page, card_url(server.url, plan_id, "p3"), "bob", "member")  # ?card=p2 edited to p3
    assert_refused(page, refused, "Cat")
    page.screenshot(path=str(artifacts_dir / "browser_roles_member_tampered.png"), full_page=True)

    drill = open_as(page, f"{server.url}/team?lang=en&person=p3&asof=2026-11-01&period=month&date=2026-10-15", "bob", "member")
    assert_refused(page, drill, "Cat", tables=2)  # the team table and its compare-to table
    assert_no_admin_pages(page, server.url, "bob", "member")


def test_manager_sees_their_tree_and_nobody_else(team, start_server, page, artifacts_dir: Path) -> None:
    url, plan_id = team
    server = start_server(url, demo=False)
    report = open_as(page, card_url(server.url, plan_id, "p3"), "ann", "manager")  # Cat reports to Ann
    assert page.locator("[data-testid='stMetric']").count() > 0 and "Cat" in report
    page.screenshot(path=str(artifacts_dir / "browser_roles_manager_tree.png"), full_page=True)

    refused = open_as(page, card_url(server.url, plan_id, "p2"), "cat", "manager")  # Bob is not in Cat's tree
    assert_refused(page, refused, "Bob")
    drill = open_as(page, f"{server.url}/team?lang=en&person=p2&asof=2026-11-01&period=month&date=2026-10-15", "cat", "manager")
    assert_refused(page, drill, "Bob", tables=2)  # the team table and its compare-to table
    assert_no_admin_pages(page, server.url, "ann", "manager")


def test_admin_sees_every_card_and_the_audit_log(team, start_server, page, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    url, plan_id = team
    server = start_server(url, demo=False)
    text = open_as(page, card_url(server.url, plan_id, "p3"), "root", "admin")
    assert page.locator("[data-testid='stMetric']").count() > 0 and "Cat" in text and not NOT_ALLOWED.search(text)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Users & audit" in nav and "Settings" in nav

    open_as(page, f"{server.url}/users?lang=en", "root", "admin")
    expect(page.get_by_role("heading", name="Users & audit")).to_be_visible()
    page.get_by_role("tab", name="Audit log").click()
    settle(page, page.get_by_role("button", name=re.compile("CSV")).first)
    page.screenshot(path=str(artifacts_dir / "browser_roles_admin_audit.png"), full_page=True)


def test_the_demo_admin_is_off_behind_a_reverse_proxy(team, start_server, browser) -> None:
    """A proxy on the same computer hands everyone's requests to 127.0.0.1: its forwarding header turns the demo off."""
    from playwright.sync_api import expect

    server = start_server(team[0])  # KPI_DEMO_LOGIN=1, bound to 127.0.0.1
    proxy = ForwardingProxy(server.url)  # as nginx on the same computer: from 127.0.0.1, with X-Forwarded-For
    contexts = [browser.new_context(locale="en-US"), browser.new_context(locale="en-US")]
    try:
        direct, through_proxy = (c.new_page() for c in contexts)
        direct.goto(f"{server.url}/?lang=en")
        expect(direct.get_by_text(re.compile("Demo: signed in as an admin"))).to_be_visible()
        through_proxy.goto(f"{proxy.url}/?lang=en")
        expect(through_proxy.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(through_proxy.get_by_text(re.compile(r"demo sign-in without a password is off .*X-Forwarded-For"))
               ).to_be_visible()
        expect(through_proxy.locator("[data-testid='stMetric']")).to_have_count(0)
    finally:
        for c in contexts:
            c.close()
        proxy.stop()
