"""Every page of app.py opens in headless Chromium on the demo data, in English and Chinese, without an error."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kpi_engine import demo, store
from tests.browser.waits import main_text_longer_than, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SPECS = re.findall(r'\("app_pages/([a-z_]+)\.py", "[a-z_]+", "[^"]+", "([a-z_]+)"\)', (ROOT / "app.py").read_text("utf-8"))


def test_every_page_opens(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=3, seed=7, end=dt.date(2026, 11, 22))
    store.dispose_engine(url)
    server = start_server(url)
    assert len(SPECS) >= 5, SPECS
    for i, (script, path) in enumerate(SPECS):
        for lang in ("en", "zh"):
            # the first page is the default one and lives at the root URL
            page.goto(f"{server.url}/{'' if i == 0 else path}?lang={lang}&asof=2026-11-23")
            main_text_longer_than(page, 80)
            settle(page)
            text = page.locator("[data-testid='stMain']").inner_text()
            errors = page.locator("[data-testid='stException']")
            assert errors.count() == 0, f"{script} ({lang}) shows an exception: {errors.first.inner_text()[:2000]}"
            assert "Page not found" not in text, f"{script} ({lang})"
            assert len(text.strip()) > 80, f"{script} ({lang}) is nearly empty: {text!r}"
            if lang == "zh":  # the language switch reached the page body
                assert re.search(r"[\u4e00-\u9fff]", text), f"{script} shows no Chinese"
            page.screenshot(path=str(artifacts_dir / f"browser_page_{script}_{lang}.png"))
