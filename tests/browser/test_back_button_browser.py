"""The browser's back button and the period control (issue 11.1): the period lives in the URL, so going back shows
the earlier period, in the URL and on the page, and forward shows the later one again.

The demo ends on Sun 2026-11-22, seen from the morning after (``asof``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kpi_engine import demo, store
from tests.browser.waits import TIMEOUT, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"
MONTH, WEEK, QUARTER = "2026-11-01 to 2026-11-22", "2026-11-16 to 2026-11-22", "2026-10-01 to 2026-11-22"


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _grain(page, label: str) -> None:
    buttons = page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup'] button")
    buttons.filter(has_text=re.compile(rf"^\s*{label}\s*$")).first.click()


def _shows(page, text: str) -> None:
    settle(page, page.locator("[data-testid='stMain']").get_by_text(text).first)


def _url_has(page, period: str) -> None:
    page.wait_for_function("p => new URLSearchParams(location.search).get('period') === p", arg=period,
                           timeout=TIMEOUT)


def test_back_and_forward_follow_the_period(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=2, seed=7, end=END)
    store.dispose_engine(url)
    server = start_server(url)
    page.goto(f"{server.url}/channels?asof={AS_OF}&lang=en&period=month&date=2026-11-22")
    _shows(page, MONTH)
    _grain(page, "Week")
    _shows(page, WEEK)
    _url_has(page, "week")
    _grain(page, "Quarter")
    _shows(page, QUARTER)
    _url_has(page, "quarter")
    page.go_back()  # the week again: in the URL and on the page
    _url_has(page, "week")
    _shows(page, WEEK)
    assert page.locator("[data-testid='stMain']").get_by_text(QUARTER).count() == 0
    page.go_back()  # and the month
    _url_has(page, "month")
    _shows(page, MONTH)
    assert _query(page)["asof"] == AS_OF and _query(page)["lang"] == "en"
    page.screenshot(path=str(artifacts_dir / "back_button_month_en.png"))
    page.go_forward()  # forward: the week once more
    _url_has(page, "week")
    _shows(page, WEEK)
