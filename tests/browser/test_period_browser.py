"""The shared period and compare-to on the real server in headless Chromium (issue 11, point 1).

The demo ends on Sun 2026-11-22 and every view is seen from the morning after (``asof``). The period control is the
sidebar's: changing the grain and the day moves the Standup's meeting, survives a page switch and a reload, and
stays in the URL. Compare-to: the Channels page's comparison table shows a channel's
KPIs against the previous period and last year, numbers checked against the engine over the windows of
``kpi_engine.compare``. Screenshots (artifacts/): the period control and the comparison tables, 1440 and 390 px.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kpi_engine import compare, demo, drill, fmt, store
from kpi_engine.metrics import registry
from tests.browser.waits import DRAWN, TIMEOUT, idle, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"
CHANNEL = "xiaohongshu"


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=14, seed=7, end=END)  # October 2025 too: last year has data
    store.dispose_engine(url)  # the server opens the file
    return url


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _title(page, text: str) -> None:
    settle(page, page.locator("[data-testid='stMain'] h1").filter(has_text=text))


def _pick_day(page, day: dt.date) -> None:
    """Open the sidebar's calendar (Alt+ArrowDown on the date field) and click ``day`` (in the month it shows)."""
    field = page.locator("[data-testid='stSidebar'] [data-testid='stDateInputField']").first
    field.locator("[data-type='day']").click()
    page.keyboard.press("Alt+ArrowDown")
    calendar = page.locator("[role='application'][aria-label^='Choose date']")
    calendar.locator("[role='gridcell']").get_by_text(str(day.day), exact=True).first.click()


def _grain(page, label: str) -> None:
    buttons = page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup'] button")
    buttons.filter(has_text=re.compile(rf"^\s*{label}\s*$")).first.click()


def _cells(page, key: str) -> list[list[str]]:
    """The rows of a table (glide's accessible grid) as texts, without the header."""
    grid = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=TIMEOUT)
    rows = []
    for row in grid.locator("[role='row']").all():
        cells = [(c.text_content() or "").strip() for c in row.locator("[role='gridcell']").all()]
        if cells:
            rows.append(cells)
    return rows


def _headers(page, key: str) -> list[str]:
    """The header texts of a table (glide fills its accessible grid after the canvas: waited for, as in _cells)."""
    grid = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
    grid.locator("[role='columnheader']").first.wait_for(state="attached", timeout=TIMEOUT)
    return [(h.text_content() or "").strip() for h in grid.locator("[role='columnheader']").all()]


def test_the_period_is_one_control_kept_in_the_url(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    server = start_server(_demo_db(tmp_path))
    page.goto(f"{server.url}/standup?asof={AS_OF}&lang=en")  # the Standup's public address opens it too
    _title(page, "Standup · Mon 23 Nov 2026")
    assert not page.get_by_text("Page not found").count()
    assert page.locator("[data-testid='stMain'] [data-testid='stDateInput']").count() == 0  # no second control
    # a past day: the standup held the morning after it
    _grain(page, "Day")
    _title(page, "Standup")
    _pick_day(page, dt.date(2026, 11, 9))
    _title(page, "Standup · Tue 10 Nov 2026")
    page.wait_for_function("() => location.search.includes('date=2026-11-09')", timeout=TIMEOUT)
    assert _query(page)["period"] == "day" and _query(page)["asof"] == AS_OF
    page.screenshot(path=str(artifacts_dir / "period_standup_day_en.png"))
    # another page keeps the period
    page.locator("[data-testid='stSidebarNav']").get_by_text("Channels", exact=True).click()
    page.wait_for_url(re.compile(r"/channels\?"), timeout=TIMEOUT)
    settle(page, page.get_by_text("2026-11-09 to 2026-11-09").first)
    assert _query(page)["period"] == "day" and _query(page)["date"] == "2026-11-09"
    # a reload keeps it (the URL holds it)
    page.reload()
    settle(page, page.get_by_text("2026-11-09 to 2026-11-09").first)
    day_field = page.locator("[data-testid='stSidebar'] [data-testid='stDateInputField'] [data-type='day']").first
    assert day_field.get_attribute("aria-valuenow") == "9"
    # another grain on this page: the URL follows
    _grain(page, "Week")
    settle(page, page.get_by_text("2026-11-09 to 2026-11-15").first)
    assert _query(page)["period"] == "week"


def _actual(url: str, window: compare.Window, metric: str) -> float | None:
    frame = drill.scope_kpis(store.get_engine(url), "channel", CHANNEL, window[0], window[1], (metric,))
    value = frame.loc[frame["metric_id"] == metric, "actual"].iloc[0]
    return None if fmt.no_value(value) else float(value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_to_shows_previous_and_last_year_side_by_side(tmp_path: Path, start_server, page, artifacts_dir: Path,
                                                              lang: str) -> None:
    url = _demo_db(tmp_path)
    # October 2026 is closed: against all of September 2026 and all of October 2025 (kpi_engine.compare)
    c = compare.compare(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "month", dt.date.fromisoformat(AS_OF))
    assert c.previous == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert c.last_year == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    expected = {}
    for metric in ("leads", "cpl"):
        m = registry.get(metric)
        now, prev, year = (_actual(url, w, metric) for w in (c.current, c.previous, c.last_year))
        assert prev is not None and year is not None  # both comparisons have data on this demo
        expected[m.name(lang)] = [fmt.value(now, m.unit, lang), fmt.value(prev, m.unit, lang),
                                  fmt.change(compare.change(now, prev, m.unit), lang), fmt.value(year, m.unit, lang),
                                  fmt.change(compare.change(now, year, m.unit), lang)]
    store.dispose_engine(url)
    server = start_server(url)
    page.goto(f"{server.url}/channels?asof={AS_OF}&lang={lang}&period=month&date=2026-10-15&channel={CHANNEL}")
    settle(page, page.locator(".st-key-cmp_channel [data-testid='stDataFrame']"))
    headers = _headers(page, "cmp_channel")
    words = (["This period", "Previous", "vs previous", "Last year", "vs last year"] if lang == "en"
             else ["本期", "上期", "较上期", "去年同期", "较去年"])
    assert all(w in headers for w in words), headers
    rows = {r[0]: r for r in _cells(page, "cmp_channel")}
    for name, values in expected.items():
        assert rows[name][1:6] == values, (name, rows[name])
    page.screenshot(path=str(artifacts_dir / f"compare_channels_1440_{lang}.png"), full_page=True)
    # "Compare to: previous period" drops the last-year columns, and the URL says so
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has_text="Compare to" if lang == "en" else "对比").locator("input").click()
    page.get_by_role("option", name="Previous period" if lang == "en" else "上期", exact=True).click()
    page.wait_for_function("() => location.search.includes('compare=previous')", timeout=TIMEOUT)
    settle(page, page.locator(".st-key-cmp_channel [data-testid='stDataFrame']"))
    page.wait_for_function("k => document.querySelectorAll(`.st-key-${k} [role='columnheader']`).length === 4",
                           arg="cmp_channel", timeout=TIMEOUT)
    # a phone: the KPI column pinned, the numbers scroll under it
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => window.innerWidth === 390", timeout=TIMEOUT)
    idle(page)  # the sidebar folds away on a phone: wait on the app and the grids, not on it
    page.wait_for_function(DRAWN, timeout=TIMEOUT)
    page.locator(".st-key-cmp_channel").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / f"compare_channels_390_{lang}.png"))
