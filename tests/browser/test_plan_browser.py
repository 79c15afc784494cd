"""The real server in headless Chromium: build the 2026-10 plan from the team example template on the KPI plan
page, acknowledge every warning, activate it, then open the Scorecards page and read the final score and grade.

The demo ends on 2026-11-22 and the pages look from 2026-11-23 (``asof``): October is closed, so its score is
final, with a grade (a running month's is provisional, without one). Screenshots (kept in artifacts/): the
new draft with its checks, the activated plan, the team's scorecard and the leading person's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpi_engine import demo, store
from kpi_engine.i18n import t
from kpi_engine.plans import store as plans
from kpi_engine.plans import templates
from kpi_engine.plans.evaluate import score_plan
from kpi_engine.scoring import format_score
from tests.browser.waits import TIMEOUT, settle

pytestmark = pytest.mark.browser

END = dt.date(2026, 11, 22)
ASOF = dt.date(2026, 11, 23)
PERIOD = "2026-10"  # a closed month: a final score and grade


def _metric(page, label: str):  # page: a playwright Page; the value of the metric with this label
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']")


def test_build_activate_and_score_a_plan(tmp_path: Path, start_server, browser, artifacts_dir: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=4, seed=7, end=END)
    store.dispose_engine(url)
    server = start_server(url)
    template = templates.TEMPLATES["team_example"].name("en")

    context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/plan?lang=en&asof={ASOF.isoformat()}")
    create = page.get_by_role("button", name=t("plans_ui_create", "en"))
    settle(page, create)
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("plans_ui_template", "en"))
    picker.click()
    page.get_by_role("option", name=template).click()
    expect(picker.get_by_role("combobox")).to_have_value(template)
    settle(page, create)
    period = page.get_by_label(t("plans_ui_period", "en"))
    period.fill(PERIOD)
    period.press("Enter")
    expect(period).to_have_value(PERIOD)
    settle(page, create)
    create.click()
    ack_all = page.get_by_text(t("plans_ui_ack_all", "en"))
    activate = page.get_by_role("button", name=t("plans_ui_activate", "en"), exact=True)
    settle(page, ack_all, activate)
    page.screenshot(path=str(artifacts_dir / "browser_plan_draft_en.png"))
    expect(activate).to_be_disabled()  # warnings not yet acknowledged

    ack_all.click()
    expect(activate).to_be_enabled()  # the rerun with every warning acknowledged has reached the page
    settle(page, activate)
    activate.click()
    settle(page, page.get_by_text("Activated "))
    page.screenshot(path=str(artifacts_dir / "browser_plan_activated_en.png"))

    engine = store.get_engine(url)
    listed = plans.list_plans(engine)
    assert len(listed) == 1
    row = listed.iloc[0]
    assert row["status"] == "active" and row["period"] == PERIOD and row["active_version"] == 1
    plan = plans.load_plan(engine, row["plan_id"], "active")
    assert len(plan.kpis) == len(templates.from_template("team_example", PERIOD).kpis)
    assert set(plan.acknowledged)  # the acknowledged warnings were stored with the plan
    scored = score_plan(engine, plan, as_of=ASOF)
    expected = scored.main.totals
    ahead = max(scored.cards, key=lambda c: c.totals.final or 0)  # the person ahead (p02 in the demo's story)
    store.dispose_engine(url)
    assert expected.final is not None and expected.grade

    page.goto(f"{server.url}/scorecards?lang=en&asof={ASOF.isoformat()}")
    final = _metric(page, t("plans_ui_sc_final", "en"))
    settle(page, final)
    expect(final).to_have_text(format_score(expected.final))
    expect(_metric(page, t("plans_ui_sc_grade", "en"))).to_have_text(expected.grade)
    page.screenshot(path=str(artifacts_dir / "browser_scorecard_team_en.png"), full_page=True)

    page.get_by_text(ahead.label, exact=True).first.click()  # the scorecard's segmented control, by name only
    page.wait_for_url(f"**card={ahead.card}**")
    expect(final).to_have_text(format_score(ahead.totals.final))  # the person's card, not the team's any more
    settle(page, final)
    assert ahead.totals.final is not None and ahead.totals.final > expected.final
    page.screenshot(path=str(artifacts_dir / "browser_scorecard_person_en.png"), full_page=True)
    context.close()
