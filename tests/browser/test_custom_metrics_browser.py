"""Your own metrics (issue 16.5) in the real browser: the Analytics page's 4th tab defines, previews and saves one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpi_engine import demo, store
from kpi_engine.metrics import custom
from tests.browser.waits import TIMEOUT, main_text_longer_than, settle

pytestmark = pytest.mark.browser


def _enter(page, label: str, value: str) -> None:  # page: a playwright Page
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    expect(box).to_have_value(value)
    settle(page)


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
        _enter(page, label, value)
    # Playwright types faster than a person: a field filled while the previous field's rerun is starting can come
    # back empty from that rerun. Each field is checked after the page has settled and typed again if so.
    for _ in range(3):
        lost = [label for label, value in fields.items()
                if page.get_by_role("textbox", name=label, exact=True).input_value() != value]
        for label in lost:
            _enter(page, label, fields[label])
        if not lost:
            break
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("(Won revenue − Marketing spend) ÷ Marketing spend", timeout=TIMEOUT)
    page.get_by_role("button", name="Save metric").click()
    settle(page)
    expect(main).to_contain_text("Saved Net return.", timeout=TIMEOUT)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(artifacts_dir / "browser_custom_metrics_en.png"), full_page=True)
    assert [d.id for d in custom.load(store.get_engine(url))] == ["net_return"]
    store.dispose_engine(url)
