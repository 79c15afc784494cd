"""The Standup page on the real server in headless Chromium, in English and Chinese, as a shared screen shows it.

Screenshots (kept in artifacts/): the standup on a 1920×1080 screen and the whole page, in both languages; the
Channels page reached from the xiaohongshu alert.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kpi_engine import demo, store
from tests.browser.waits import TIMEOUT, settle

pytestmark = pytest.mark.browser

AS_OF = "2026-11-23"


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, seed=7, end=dt.date(2026, 11, 22))
    store.dispose_engine(url)
    return url


def _wait(page, text: str) -> None:  # page: a playwright Page; ``text``: shown once the page has run
    settle(page, page.locator("[data-testid='stMain'] h1"), page.get_by_text(text).first)


def _resize(page, width: int, height: int) -> None:
    """A new window size, then wait until the charts have drawn at it (vega redraws to the new width)."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("w => window.innerWidth === w", arg=width, timeout=TIMEOUT)
    settle(page)


def _shots(page, artifacts_dir: Path, name: str) -> None:
    _resize(page, 1920, 1080)
    page.screenshot(path=str(artifacts_dir / f"standup_screen_{name}.png"))
    _resize(page, 1600, 2400)  # the main area scrolls: a tall window shows it all
    page.screenshot(path=str(artifacts_dir / f"standup_full_{name}.png"), full_page=True)


def test_standup_page_in_the_browser(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    server = start_server(_demo_db(tmp_path))

    page.goto(f"{server.url}/?asof={AS_OF}&lang=en")  # Standup is the default page: its address is "/"
    _wait(page, "Most urgent")
    main = page.locator("[data-testid='stMain']")
    assert "Pacing board" in main.inner_text()  # the board first; the cards are folded below it
    page.get_by_text("Yesterday and week to date, per metric").click()  # open the cards
    settle(page, page.locator("[data-testid='stMetricValue']").first)
    body = main.inner_text()
    assert not page.get_by_text("Page not found").count()
    assert "Standup · Mon 23 Nov 2026" in body
    assert "Data as of 2026-11-22" in body
    for title in ("Leads", "MQLs", "SQLs", "Marketing spend", "Cost per lead", "Leads answered within SLA"):
        assert title in body, title
    assert "Unusual spend: 百度产品词" in body
    assert "Behind pace: 小红书笔记" in body
    assert "What changed since yesterday" in body
    assert len(page.locator("[data-testid='stMetricValue']").all()) == 14
    _shots(page, artifacts_dir, "en")

    page.goto(f"{server.url}/?asof={AS_OF}&lang=zh")
    _wait(page, "最紧急事项")
    body = main.inner_text()
    assert "晨会 · 11月23日 周一" in body and "数据截至 2026-11-22" in body
    assert "花费异常：百度产品词" in body and "进度落后：小红书笔记" in body
    _shots(page, artifacts_dir, "zh")

    # From the alert to the channel behind it: the Channels page opens with that channel selected.
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(f"{server.url}/?asof={AS_OF}&lang=en")
    _wait(page, "Most urgent")
    alert = page.locator("[class*='st-key-standup_alert_']").filter(has_text="小红书笔记")
    alert.get_by_text("Open the channel in Channels").click()
    page.wait_for_url(re.compile(r"/channels\?.*channel=xiaohongshu"), timeout=TIMEOUT)
    _wait(page, "Every channel against its lead target")  # the Channels page has run, not the standup still on screen
    page.screenshot(path=str(artifacts_dir / "standup_to_channels_en.png"), full_page=True)
