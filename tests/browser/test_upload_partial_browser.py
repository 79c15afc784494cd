"""A one-table file loads from the Data page in the real server (issue 11.4), and a card shows its forecast (16.1).

A deals export (lead id, stage, close date, amount: no creation date, no channel) for leads the demo holds is
uploaded through the page's file input: the page says it is a partial update, Load is enabled, loading updates
exactly those leads (won date, deal value) and the summary says so. Screenshots (artifacts/) at 1440 and 390 px in
English and Chinese: the Data page with the partial upload and its checks, and a Channels card with its forecast.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import demo, schema, store
from tests.browser.waits import DRAWN, idle, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 11, 22)
VIEW = "period=month&date=2026-11-10&asof=2026-11-16"


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=6, seed=7, end=END)
    store.dispose_engine(url)
    return url


def _open_leads(url: str, n: int) -> list[str]:
    """Leads of November still open (neither won nor lost), oldest first."""
    engine = sa.create_engine(url)
    try:
        t = schema.leads
        with engine.connect() as conn:
            return list(conn.execute(sa.select(t.c.lead_id).where(t.c.won_at.is_(None), t.c.lost_at.is_(None),
                                                                   t.c.created_at >= dt.datetime(2026, 11, 1))
                                     .order_by(t.c.created_at).limit(n)).scalars())
    finally:
        engine.dispose()


def _won(url: str, ids: list[str]) -> dict[str, tuple]:
    engine = sa.create_engine(url)
    try:
        t = schema.leads
        with engine.connect() as conn:
            rows = conn.execute(sa.select(t.c.lead_id, t.c.won_at, t.c.deal_value, t.c.channel_id)
                                .where(t.c.lead_id.in_(ids)))
            return {r[0]: tuple(r[1:]) for r in rows}
    finally:
        engine.dispose()


def _resize(page, width: int, height: int | None = None) -> None:
    """A window of ``width``; ``height`` tall enough to show the whole main area (it scrolls inside the page)."""
    page.set_viewport_size({"width": width, "height": height or (900 if width > 500 else 844)})
    page.wait_for_function(f"() => window.innerWidth === {width}")


def _narrow_settle(page, locator) -> None:
    """``settle`` without its sidebar check: at a phone's width the sidebar folds away."""
    locator.wait_for(state="visible")
    idle(page)
    page.wait_for_function(DRAWN)
    idle(page)


def test_a_deals_file_alone_loads_from_the_data_page(tmp_path: Path, start_server, page, artifacts_dir: Path) -> None:
    url = _demo_db(tmp_path)
    ids = _open_leads(url, 3)
    assert len(ids) == 3
    before = _won(url, ids)
    deals = tmp_path / "deals.csv"
    deals.write_text("商机编号,商机阶段,关闭日期,成交金额\n" + "".join(
        f"{lid},赢单,2026-11-1{i},{(i + 1) * 1000}\n" for i, lid in enumerate(ids)), encoding="utf-8")
    server = start_server(url)

    for lang, partial, summary in (("zh", "部分更新：文件中没有", "部分更新：只使用了文件中的列"),
                                   ("en", "Partial update: the file has no", "Partial update: only the file's columns")):
        _resize(page, 1440)
        page.goto(f"{server.url}/data?lang={lang}")
        settle(page, page.get_by_role("heading", name="上传记录" if lang == "zh" else "Upload history"))
        page.locator("input[type='file']").set_input_files(str(deals))
        load = page.get_by_role("button", name="加载" if lang == "zh" else "Load", exact=True)
        settle(page, page.get_by_text(partial).first, load)
        assert load.is_enabled()
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "Required columns without" not in body and "必填列既没有" not in body
        _resize(page, 1440, 2300)
        settle(page, page.get_by_text(partial).first)
        page.screenshot(path=str(artifacts_dir / f"upload_partial_checks_1440_{lang}.png"))
        _resize(page, 390, 3600)
        _narrow_settle(page, page.get_by_text(partial).first)
        page.screenshot(path=str(artifacts_dir / f"upload_partial_checks_390_{lang}.png"))
        if lang == "zh":
            continue  # the Chinese page is looked at; the English one loads the file
        _resize(page, 1440, 1400)
        load.click()
        settle(page, page.get_by_text(re.compile(r"as upload #\d+")), page.get_by_text(summary).first)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "Leads" in body and "Updated" in body
        page.screenshot(path=str(artifacts_dir / "upload_partial_loaded_1440_en.png"))

    after = _won(url, ids)
    for i, lid in enumerate(ids):
        assert after[lid][0] == dt.datetime(2026, 11, 10 + i)  # stage 赢单 + close date -> won_at
        assert after[lid][1] == (i + 1) * 1000.0
        assert after[lid][2] == before[lid][2]  # the channel the file did not carry is kept

    for lang, line in (("en", "Forecast end of month: "), ("zh", "月末预测：")):
        _resize(page, 1440)  # opened wide (the sidebar shown), then narrowed to a phone's width
        page.goto(f"{server.url}/channels?lang={lang}&channel=baidu_sem&{VIEW}")
        forecast = page.get_by_text(line).first
        settle(page, forecast)
        assert re.search(r"\d[\d,]* \(\d[\d,]*–\d[\d,]*\)", forecast.inner_text()), forecast.inner_text()
        for width in (1440, 390):
            _resize(page, width)
            _narrow_settle(page, forecast)
            forecast.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts_dir / f"card_forecast_{width}_{lang}.png"))
