"""The real server in headless Chromium: upload a sample export on the Data page, load it, check the database.

Screenshots (kept in artifacts/): the Data page with demo data, a rejected file, a loaded sample.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import demo, schema, store
from tests.browser.waits import settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "crm_leads_zh_gbk.csv"


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=3, seed=7, end=dt.date(2026, 11, 22))
    store.dispose_engine(url)
    return url


def _leads(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(schema.leads)).scalar() or 0)
    finally:
        engine.dispose()


def test_upload_sample_and_rejected_file(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    url = _demo_db(tmp_path)
    before = _leads(url)
    server = start_server(url)

    page.goto(f"{server.url}/data?lang=en")
    settle(page, page.get_by_role("heading", name="Upload history"))
    page.screenshot(path=str(artifacts_dir / "browser_data_demo_en.png"), full_page=True)

    # A rejected file: every row has an unparseable date; Load stays disabled, nothing is written.
    bad = tmp_path / "bad_leads.csv"
    bad.write_text("Lead ID,Created,Channel\nB1,not a date,douyin_video\nB2,2026-13-45,douyin_video\n", encoding="utf-8")
    page.locator("input[type='file']").set_input_files(str(bad))
    settle(page, page.get_by_text("2 errors in 2 rows").first)
    body = page.locator("[data-testid='stMain']").inner_text()
    # The report table is a canvas grid; its summary line is plain text.
    assert "2 errors in 2 rows" in body, body
    assert "Load is disabled" in body
    assert page.get_by_role("button", name="Load", exact=True).is_disabled()
    page.screenshot(path=str(artifacts_dir / "browser_data_rejected_en.png"), full_page=True)
    assert _leads(url) == before

    # A fresh session with the GBK CRM sample: detected as leads, loads, summary shows the upload id.
    page.goto(f"{server.url}/data?lang=en")
    settle(page, page.get_by_role("heading", name="Upload history"))
    page.locator("input[type='file']").set_input_files(str(SAMPLE))
    load = page.get_by_role("button", name="Load", exact=True)
    settle(page, page.get_by_text("crm_leads_zh_gbk.csv").first, load)
    load.click()
    settle(page, page.get_by_text(re.compile(r"as upload #\d+")))
    page.screenshot(path=str(artifacts_dir / "browser_data_loaded_en.png"), full_page=True)

    after = _leads(url)
    assert after > before, "the sample's leads were not loaded"
    page.get_by_text("Upload history").first.wait_for()
    assert "crm_leads_zh_gbk.csv" in page.locator("[data-testid='stMain']").inner_text()
