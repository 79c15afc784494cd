"""The real server in headless Chromium: click from the Channels table into a channel, then a campaign, then
see its leads; pick a person on the Team page in Chinese.

The tables are glide-data-grid canvases, so rows are clicked by coordinates: the row-selection checkbox sits in
the first column, rows are 35 px high under a 35 px header. Screenshots (kept in artifacts/): the ranked
table, a channel, a campaign, its leads list, and a person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi_engine import demo, drill, store
from tests.browser.waits import TIMEOUT, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 10, 31)
VIEW = "date=2026-10-15&asof=2026-11-01&period=month"
ROW, HEADER, MARKER = 35, 35, 16  # grid geometry in CSS pixels: row height, header height, checkbox x


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, end=END)
    store.dispose_engine(url)
    return url


def _click_row(page, table: int, row: int) -> None:  # page: a playwright Page
    grid = page.locator("[data-testid='stDataFrame']").nth(table)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box, "table not on screen"
    page.mouse.click(box["x"] + MARKER, box["y"] + HEADER + ROW * row + ROW / 2)


def _main_text(page) -> str:  # page: a playwright Page
    return page.locator("[data-testid='stMain']").inner_text()


def test_click_from_channels_to_campaign_leads(tmp_path: Path, start_server, browser, artifacts_dir: Path) -> None:
    url = _demo_db(tmp_path)
    engine = store.get_engine(url)
    ranked = drill.channel_overview(engine, dt.date(2026, 10, 1), END)
    first = ranked.iloc[0]
    assert first["channel_id"] == demo.SLIDING_CHANNEL
    campaigns = drill.campaign_overview(engine, dt.date(2026, 10, 1), END, channel=first["channel_id"])
    top_campaign = campaigns.iloc[0]
    store.dispose_engine(url)
    server = start_server(url)

    context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/channels?lang=en&{VIEW}")
    settle(page, page.get_by_text("Every channel against its lead target"), page.locator("[data-testid='stDataFrame']").first)
    page.screenshot(path=str(artifacts_dir / "browser_channels_table_en.png"))

    _click_row(page, 0, 0)  # the top row: the channel furthest behind its target
    settle(page, page.get_by_role("heading", name=f"Campaigns of {first['name']}"),
           page.get_by_role("heading", name="Costs"))
    body = _main_text(page)
    assert first["name"] in body and f"({first['channel_id']})" not in body  # by name, never the id
    assert "Trend against target" in body and "Funnel (cohort)" in body and "Costs" in body
    assert f"channel={first['channel_id']}" in page.url  # the view is in the address bar
    page.screenshot(path=str(artifacts_dir / "browser_channels_channel_en.png"))

    _click_row(page, 2, 0)  # the channel's top campaign (below the channels table and the channel's compare-to table)
    settle(page, page.get_by_role("heading", name=top_campaign["name"]),
           page.get_by_text("created 2026-10-01 to 2026-10-31, newest first"))
    body = _main_text(page)
    assert f"of {int(top_campaign['leads']):,} created 2026-10-01 to 2026-10-31" in body  # its leads list
    assert f"campaign={top_campaign['campaign_id']}" in page.url
    page.screenshot(path=str(artifacts_dir / "browser_channels_campaign_en.png"))
    page.get_by_role("heading", name="Leads", exact=True).scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=str(artifacts_dir / "browser_channels_leads_en.png"))

    page.reload()  # the copied link opens the same view
    settle(page, page.get_by_role("heading", name=top_campaign["name"]))
    context.close()


def test_team_page_pick_a_person_in_chinese(tmp_path: Path, start_server, browser, artifacts_dir: Path) -> None:
    url = _demo_db(tmp_path)
    server = start_server(url)
    context = browser.new_context(viewport={"width": 1440, "height": 2600}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/team?lang=zh&{VIEW}")
    settle(page, page.get_by_role("heading", name="团队 KPI 达成"))
    page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()  # the one next to the table
    page.get_by_role("option", name="李娜", exact=True).click()
    settle(page, page.get_by_role("heading", name="李娜", exact=True),
           page.get_by_role("heading", name="李娜负责的渠道"))
    body = _main_text(page)
    assert "李娜负责的渠道" in body and "转化漏斗（同期群）" in body
    assert f"person={demo.RISING_PERSON}" in page.url
    page.screenshot(path=str(artifacts_dir / "browser_team_person_zh.png"))
    context.close()
