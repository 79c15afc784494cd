"""Your own metrics (issue 16.5) in the real browser: the Analytics page's 4th tab defines, previews and saves one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi_engine import demo, store
from kpi_engine.metrics import custom
from tests.browser.waits import main_text_longer_than, settle

pytestmark = pytest.mark.browser


def test_define_preview_and_save(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=3, seed=7, end=dt.date(2026, 11, 22))
    store.dispose_engine(url)
    server = start_server(url)
    page.goto(f"{server.url}/analytics?lang=en&asof=2026-11-23")
    main_text_longer_than(page, 80)
    page.get_by_role("tab", name="Your metrics").click()
    settle(page)
    fields = {"Formula": "(revenue - spend) / spend", "ID (used in plans and the command line)": "net_return",
              "Name (English)": "Net return", "Name (Chinese)": "净回报"}
    for label, value in fields.items():
        box = page.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
        settle(page)
    main = page.locator("[data-testid='stMain']")
    assert "(Won revenue − Marketing spend) ÷ Marketing spend" in main.inner_text()
    page.get_by_role("button", name="Save metric").click()
    settle(page)
    assert "Saved Net return." in main.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(artifacts_dir / "browser_custom_metrics_en.png"), full_page=True)
    assert [d.id for d in custom.load(store.get_engine(url))] == ["net_return"]
    store.dispose_engine(url)
