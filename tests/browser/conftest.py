"""Browser tests: the real Streamlit server, driven by Playwright in headless Chromium.

Chromium comes from the system (``make test`` installs Debian's package); the path
can be given in $KPI_CHROMIUM. Without a browser the tests fail with a message
saying how to get one: they never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.waits import TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("KPI_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Browser tests need Chromium: run `make test` (installs it with apt-get) or "
                "`apt-get install -y chromium`, or set KPI_CHROMIUM=/path/to/chromium.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `streamlit run app.py` on a loopback port, against one database.

    ``demo``: every session is the passwordless demo admin; without it, the sign-in page asks for an account.
    """

    def __init__(self, db_url: str, log: Path, *, demo: bool = True) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KPI_DB_URL": db_url, "PYTHONPATH": str(ROOT), "KPI_DEMO_LOGIN": "1" if demo else "0",
               "KPI_RAISE_ERRORS": "1"}
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self._wait_healthy(log)

    def _wait_healthy(self, log: Path, seconds: float = 120) -> None:
        """Until /_stcore/health answers 200 (a busy machine may take a while); between polls, watch the process."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            try:  # returns at once if streamlit exits; otherwise the poll interval
                self.proc.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"streamlit exited early; see {log}")
        raise RuntimeError(f"streamlit did not become healthy in {seconds:.0f} s; see {log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT)  # expect(...) assertions wait as long as every other wait
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    yield pg
    context.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[object]:
    """Factory: start_server(db_url, demo=True) -> Server; all servers stopped after the test."""
    servers: list[Server] = []

    def start(db_url: str, *, demo: bool = True) -> Server:
        server = Server(db_url, tmp_path / f"streamlit-{len(servers)}.log", demo=demo)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()
