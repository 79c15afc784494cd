"""Works inside China's networks (issue 11, point 8): every page of app.py, opened in headless Chromium, requests
nothing outside the server (no font CDN, no favicon host), and no page shows the database URL or file path.
The Standup is checked on the way: the pacing board has one row per team KPI of the active plan, and the page fits one
1440×900 screen and at most two 390×844 phone screens.

Requests that would leave 127.0.0.1/localhost are recorded and aborted (the test never waits on the network).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kpi_engine import demo, store
from kpi_engine.demo.plans import activate_demo_plans
from tests.browser.waits import DRAWN, idle, main_text_longer_than, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SPECS = re.findall(r'\("app_pages/([a-z_]+)\.py", "[a-z_]+", "[^"]+", "([a-z_]+)"\)', (ROOT / "app.py").read_text("utf-8"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
END = dt.date(2026, 11, 22)
TEAM_KPIS_EN = ["Leads", "Lead → SQL rate (lead conversion)", "High-value lead share", "Lead → customer rate",
                "First-order value", "Brand search volume growth (year over year)", "UGC count"]


def _outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOCAL_HOSTS


def _grid_rows(page) -> list[str]:  # the first column of the Standup's first table (glide's accessible grid)
    grid = page.locator("[data-testid='stDataFrame']").first
    cells = grid.locator("[role='gridcell'][aria-colindex='1']")
    cells.first.wait_for(state="attached")  # the grid fills its accessible table after the frame is drawn
    return [c.text_content().strip() for c in cells.all() if (c.text_content() or "").strip()]


def _content_height(page) -> float:
    """The height of the main area's content (its scroll height without Streamlit's bottom padding), px."""
    return page.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]');
      const block = document.querySelector('[data-testid="stMainBlockContainer"]');
      return main.scrollHeight - parseFloat(getComputedStyle(block).paddingBottom);
    }""")


def test_no_request_leaves_the_server_and_no_page_shows_the_database(tmp_path: Path, start_server, page,
                                                                      artifacts_dir: Path) -> None:
    db_file = tmp_path / "demo.duckdb"
    url = f"duckdb:///{db_file}"
    engine = store.get_engine(url)
    demo.generate(engine, months=3, seed=7, end=END)
    activate_demo_plans(engine, END)
    store.dispose_engine(url)
    server = start_server(url)

    outside: list[str] = []

    def guard(route) -> None:
        if _outside(route.request.url):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.context.route("**/*", guard)
    page.on("request", lambda r: outside.append(r.url) if _outside(r.url) else None)  # anything routing misses
    page.set_viewport_size({"width": 1440, "height": 900})
    for i, (script, path) in enumerate(SPECS):
        for lang in ("en", "zh") if i == 0 else ("en",):
            page.goto(f"{server.url}/{'' if i == 0 else path}?lang={lang}&asof=2026-11-23")
            main_text_longer_than(page, 80)
            settle(page)
            html = page.content()
            assert str(db_file) not in html and "duckdb:///" not in html, f"{script} shows the database URL"
            if i == 0 and lang == "en":
                text = page.locator("[data-testid='stMain']").inner_text()
                assert "Pacing board" in text and "Team plan 2026-11" in text and "Database: DuckDB" in text
                board = page.locator("[data-testid='stDataFrame']").first
                box = board.bounding_box()
                assert box and box["y"] + box["height"] <= 900, f"the pacing board is not on the first screen: {box}"
                rows = _grid_rows(page)  # glide's accessible grid holds the cell texts: one row per team KPI
                assert [r for r in rows if r in TEAM_KPIS_EN] == TEAM_KPIS_EN, rows
                page.screenshot(path=str(artifacts_dir / "offline_standup_1440x900_en.png"))
                assert _content_height(page) <= 900, "the Standup does not fit one 1440x900 screen"
                page.set_viewport_size({"width": 390, "height": 844})  # a phone: at most two screens
                page.wait_for_function("() => window.innerWidth === 390")
                idle(page)
                page.wait_for_function(DRAWN)
                assert _content_height(page) <= 2 * 844, "the Standup takes more than two phone screens"
                page.screenshot(path=str(artifacts_dir / "offline_standup_390x844_en.png"))
                page.set_viewport_size({"width": 1440, "height": 900})
    favicon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\")?.href || ''")
    assert favicon and not _outside(favicon), favicon
    assert not sorted(set(outside)), f"requests outside the server: {sorted(set(outside))}"
