"""Single sign-on through Streamlit's OIDC login (st.login), against a local mock OpenID provider.

No test reaches the internet: oidc-provider-mock runs on a loopback port in this process; the dashboard runs as a
real server with an ``[auth]`` secrets section pointing at it. An identity whose e-mail has an account is signed
in with that account's role; one without an account is refused. Every wait is on a condition.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kpi_engine import store
from kpi_engine.access import audit, users
from tests.browser.conftest import ROOT, _free_port
from tests.browser.waits import TIMEOUT, idle
from tests.plans_fixture import seed

pytestmark = pytest.mark.browser


def _start(db_url: str, secrets: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "KPI_DB_URL": db_url, "PYTHONPATH": str(ROOT), "KPI_RAISE_ERRORS": "1"}
    env.pop("KPI_DEMO_LOGIN", None)  # a real sign-in, no demo admin
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            try:  # returns at once if streamlit exits; otherwise this paces the probe
                proc.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                pass
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy; see {log}")


def test_sign_in_with_the_company_account(page, tmp_path: Path, artifacts_dir: Path) -> None:
    from oidc_provider_mock import User, run_server_in_thread
    from playwright.sync_api import expect

    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    users.add_user(engine, "cat@example.com", role="member", person_id="p3", name="Cat")
    store.dispose_engine(url)
    claims = [User(sub="cat", claims={"email": "cat@example.com", "name": "Cat"}),
              User(sub="eve", claims={"email": "eve@example.com", "name": "Eve"})]
    with run_server_in_thread(user_claims=claims) as idp:
        port = _free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-some-length"\n'
            'client_id = "kpi-dashboard"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{idp.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8")
        proc = _start(url, secrets, port, tmp_path / "streamlit.log")
        try:
            page.goto(f"http://localhost:{port}/")
            button = page.get_by_role("button", name="Sign in with the company account")
            expect(button).to_be_visible()
            expect(page.get_by_text("Leads", exact=True)).to_have_count(0)  # no number before sign-in
            button.click()
            page.locator('input[name="sub"]').fill("cat")  # the provider's own sign-in form
            page.get_by_role("button", name="Authorize").click()
            expect(page.get_by_text("Signed in as Cat (member)")).to_be_visible()
            idle(page)
            page.screenshot(path=str(artifacts_dir / "sso_signed_in.png"), full_page=True)
            # an identity without an account is refused, and told what to do
            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="End session").click()  # the provider ends its session too
            button = page.get_by_role("button", name="Sign in with the company account")
            expect(button).to_be_visible()
            button.click()
            page.locator('input[name="sub"]').fill("eve")
            page.get_by_role("button", name="Authorize").click()
            expect(page.get_by_text("eve@example.com signed in with the company account, but has no account here")
                   ).to_be_visible()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    events = audit.list_events(store.get_engine(url))
    assert {("sign_in", "cat@example.com"), ("sign_in_failed", "eve@example.com")} <= set(
        zip(events["action"], events["target"], strict=True))
    store.dispose_engine(url)
