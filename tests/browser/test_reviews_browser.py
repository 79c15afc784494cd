"""The real server in headless Chromium: record a review note in the weekly review of 2026-W46, see it carried
over to the top of 2026-W47's review, mark it done there, and see it gone after a reload.

The demo ends on 2026-11-22 and the page looks from 2026-11-23 (``asof``), with the team example plan for
2026-11 active. Screenshots (kept in artifacts/): the filled form, the saved note, the carried-over action in
W47 (en and zh), and W47 after the action was marked done; the notes table of W46 on its own (the page is
taller than the window).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpi_engine import demo, store
from kpi_engine.i18n import t
from kpi_engine.plans import store as plans
from kpi_engine.plans.templates import from_template
from kpi_engine.reviews import notes
from tests.browser.waits import TIMEOUT, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 11, 22)
ASOF = dt.date(2026, 11, 23)
CAUSE = "Xiaohongshu notes were cut back in week 46"
ACTION = "Publish three KOL notes a week again"
OWNER = "p02"
OWNER_NAME = "李娜"  # the demo's p02: pickers show names, never ids
DUE = dt.date(2026, 11, 27)


def _review_url(base: str, week: str, lang: str = "en") -> str:
    return f"{base}/reviews?mode=weekly&review={week}&asof={ASOF.isoformat()}&lang={lang}"


def _open(page, url: str, lang: str = "en") -> None:  # page: a playwright Page
    page.goto(url)
    settle(page, page.get_by_role("heading", name=t("reviews_ui_carried", lang)))


def _carried_box(page, lang: str = "en"):  # page: a playwright Page; the carried-over section's note rows
    return page.locator("[data-testid='stHorizontalBlock'], [data-testid='stVerticalBlockBorderWrapper']").filter(
        has=page.get_by_role("button", name=t("reviews_ui_mark_done", lang))).filter(has_text=ACTION)


def _demo_db(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=6, end=END)
    draft = plans.save_plan(engine, from_template("team_example", "2026-11"))
    plans.activate_plan(engine, draft.plan_id, acknowledge=True, as_of=ASOF)
    store.dispose_engine(url)
    return url


def test_a_note_is_carried_over_until_done(tmp_path: Path, start_server, browser, artifacts_dir: Path) -> None:
    url = _demo_db(tmp_path)
    server = start_server(url)
    context = browser.new_context(viewport={"width": 1440, "height": 4200}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)

    # 1. the weekly review of W46: nothing carried over yet; fill in and save a note
    _open(page, _review_url(server.url, "2026-W46"))
    main = page.locator("[data-testid='stMain']")
    assert t("reviews_ui_carried_none", "en") in main.inner_text()
    form = page.locator("[data-testid='stForm']")
    form.get_by_label(t("reviews_ui_note_cause", "en")).fill(CAUSE)
    form.get_by_label(t("reviews_ui_note_action", "en")).fill(ACTION)
    form.locator("[data-testid='stSelectbox']").filter(has_text=t("reviews_ui_note_owner", "en")).click()
    page.get_by_role("option", name=OWNER_NAME, exact=True).click()
    due = form.get_by_role("group", name=t("reviews_ui_note_due", "en"))
    due.get_by_role("spinbutton").first.click()  # year, month, day segments: typing moves on by itself
    page.keyboard.type(DUE.strftime("%Y%m%d"))
    page.keyboard.press("Escape")  # close the calendar popup
    expect(page.locator("[data-baseweb='calendar']")).to_have_count(0)
    expect(due).to_contain_text(DUE.strftime("%Y"))
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "browser_reviews_w46_form_en.png"), full_page=True)
    form.get_by_role("button", name=t("reviews_ui_note_save", "en", metric="leads")).click()
    settle(page, page.get_by_text(t("reviews_ui_note_saved", "en")))
    page.screenshot(path=str(artifacts_dir / "browser_reviews_w46_saved_en.png"), full_page=True)

    engine = store.get_engine(url)
    saved = notes.notes_for(engine, "2026-W46", "week")
    store.dispose_engine(url)
    assert len(saved) == 1
    note = saved.iloc[0]
    assert (note["metric_id"], note["cause"], note["action"], note["owner_id"], note["status"]) == (
        "leads", CAUSE, ACTION, OWNER, "open")
    assert note["due_date"] == DUE and note["created_by"]
    listed = page.locator("[data-testid='stDataFrame']").filter(has_text=ACTION)
    expect(listed).to_have_count(1)  # this week's notes table lists it
    listed.scroll_into_view_if_needed()
    listed.screenshot(path=str(artifacts_dir / "browser_reviews_w46_notes_table_en.png"))
    assert t("reviews_ui_notes_none", "en") not in main.inner_text()

    # 2. W47's review: the open action is carried over, at the top (before the off-track table)
    _open(page, _review_url(server.url, "2026-W47"))
    box = _carried_box(page)
    assert box.count() >= 1
    text = box.first.inner_text()
    assert ACTION in text and CAUSE in text and OWNER_NAME in text and DUE.isoformat() in text and "2026-W46" in text
    assert OWNER not in text  # the owner by name, never the id
    carried_y = box.first.bounding_box()["y"]
    notes_y = page.get_by_role("heading", name=t("reviews_ui_notes", "en")).bounding_box()["y"]
    assert carried_y < notes_y
    page.screenshot(path=str(artifacts_dir / "browser_reviews_w47_carried_en.png"), full_page=True)

    _open(page, _review_url(server.url, "2026-W47", "zh"), "zh")
    assert _carried_box(page, "zh").count() >= 1
    page.screenshot(path=str(artifacts_dir / "browser_reviews_w47_carried_zh.png"), full_page=True)

    # 3. mark it done in W47; after a reload it is no longer carried over
    _open(page, _review_url(server.url, "2026-W47"))
    _carried_box(page).first.get_by_role("button", name=t("reviews_ui_mark_done", "en")).click()
    settle(page, page.get_by_text(t("reviews_ui_carried_none", "en")))  # the rerun after the click carries none
    page.reload()
    settle(page, page.get_by_role("heading", name=t("reviews_ui_carried", "en")))
    expect(_carried_box(page)).to_have_count(0)
    assert t("reviews_ui_carried_none", "en") in main.inner_text()
    page.screenshot(path=str(artifacts_dir / "browser_reviews_w47_done_en.png"), full_page=True)
    engine = store.get_engine(url)
    assert notes.notes_for(engine, "2026-W46").iloc[0]["status"] == "done"
    assert notes.open_carried_over(engine, "2026-W47").empty
    store.dispose_engine(url)
    context.close()
