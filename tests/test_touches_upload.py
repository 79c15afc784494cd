"""The optional touches table (issue 16.4) is uploaded like any fact, and tables are told from their key columns'
English and Chinese synonyms as real CRM and ad-platform exports write them (issue 11.4).

Touches: detected from their headers, loaded by ``python -m kpi_engine ingest``, a re-upload changes nothing, undo
removes them; the attribution then reads exactly what a hand-inserted touches table gives (the hand-computed
fixture of test_analytics_attribution). The demo's touches make the models disagree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import demo, schema, store
from kpi_engine.__main__ import main
from kpi_engine.analytics import attribution as attr
from kpi_engine.ingest.mapping import build_mapping
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests.test_analytics_attribution import JAN, LEADS, TOUCHES

# The fixture's touches as a marketing-automation export: Chinese lead id, English utm column, its own time header.
CSV = "线索ID,触点时间,utm_source,utm_campaign\n" + "".join(f"{lid},{t},{ch},\n" for lid, t, ch in TOUCHES)


def _fixture(engine, *, touches: bool) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": c, "name": c.upper()} for c in "abc"])
        conn.execute(sa.insert(schema.leads), LEADS)
        conn.execute(sa.insert(schema.spend), [{"date": dt.date(2026, 1, 10), "channel_id": "a", "cost": 1000.0},
                                               {"date": dt.date(2026, 1, 11), "channel_id": "b", "cost": 500.0}])
        if touches:
            conn.execute(sa.insert(schema.touches), [{"lead_id": lid, "touched_at": dt.datetime.fromisoformat(t),
                                                      "channel_id": ch} for lid, t, ch in TOUCHES])


def _count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.touches)).scalar() or 0)


def test_touches_upload_feeds_the_attribution_like_the_hand_computed_table(engine, tmp_path: Path) -> None:
    _fixture(engine, touches=False)
    assert attr.touches_source(engine) == "derived"
    first = ingest(engine, CSV.encode(), "touches.csv")
    assert (first.status, first.table, first.inserted, first.rejected) == ("loaded", "touches", len(TOUCHES), 0)
    assert first.mapping is not None and first.mapping.columns == {
        "lead_id": "线索ID", "touched_at": "触点时间", "channel_id": "utm_source", "campaign_id": "utm_campaign"}
    again = ingest(engine, CSV.encode(), "touches.csv")  # the same export again: nothing changes
    assert (again.status, again.inserted, again.updated) == ("loaded", 0, 0) and _count(engine) == len(TOUCHES)

    assert attr.touches_source(engine) == "touches"
    uploaded = attr.channel_credit(engine, *JAN)
    undo_upload(engine, again.upload_id)
    undo_upload(engine, first.upload_id)
    assert _count(engine) == 0 and attr.touches_source(engine) == "derived"

    with engine.begin() as conn:  # the same touches inserted by hand: the figures the attribution tests check
        conn.execute(sa.insert(schema.touches), [{"lead_id": lid, "touched_at": dt.datetime.fromisoformat(t),
                                                  "channel_id": ch} for lid, t, ch in TOUCHES])
    by_hand = attr.channel_credit(engine, *JAN)
    assert uploaded.reset_index(drop=True).equals(by_hand.reset_index(drop=True))
    assert uploaded.set_index(["channel_id", "model"]).loc[("a", "time_decay"), "wins"] == pytest.approx(
        1 / 7 + 4 / 5)  # L1's first touch (1/7) and L4's last (4/5), worked out in test_analytics_attribution


def test_the_ingest_command_loads_touches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    try:
        _fixture(store.get_engine(url), touches=False)
        path = tmp_path / "touches.csv"
        path.write_text(CSV, encoding="utf-8")
        assert main(["ingest", str(path), "--db", url]) == 0
        assert "Loaded upload #1 into touches." in capsys.readouterr().out
        blank = tmp_path / "blank.csv"
        blank.write_text("lead_id,touch_time,utm_source\nL2,2026-01-06 09:00,\n", encoding="utf-8")
        assert main(["ingest", str(blank), "--db", url, "--table", "touches"]) == 0
        out = capsys.readouterr().out  # a touch without a channel: the one rule, said in the channel's name
        assert "counted under the channel 'Unattributed'" in out
        assert _count(store.get_engine(url)) == len(TOUCHES) + 1
    finally:
        store.dispose_engine(url)


@pytest.mark.parametrize(("headers", "table", "expected"), [
    # leads whose id and date have other names (issue 11.4's own examples)
    (["mql_id", "first_contact_date", "lead_source"], "leads",
     {"lead_id": "mql_id", "created_at": "first_contact_date", "channel_id": "lead_source"}),
    (["线索编号", "首次接触时间", "来源渠道", "负责人"], "leads",
     {"lead_id": "线索编号", "created_at": "首次接触时间", "channel_id": "来源渠道", "owner_id": "负责人"}),
    # HubSpot contacts and deals, Salesforce opportunities, Zoho leads
    (["Record ID", "Create Date", "Original Source", "Contact owner", "Lifecycle Stage",
      "Became a Marketing Qualified Lead Date"], "leads",
     {"lead_id": "Record ID", "created_at": "Create Date", "channel_id": "Original Source", "owner_id": "Contact owner",
      "stage": "Lifecycle Stage", "mql_at": "Became a Marketing Qualified Lead Date"}),
    (["Record ID", "Deal Name", "Deal Stage", "Close Date", "Amount", "Deal owner"], "leads",
     {"lead_id": "Record ID", "stage": "Deal Stage", "close_date": "Close Date", "deal_value": "Amount",
      "owner_id": "Deal owner"}),
    (["Opportunity ID", "Stage", "Close Date", "Amount", "Opportunity Owner", "Lead Source", "Created Date"], "leads",
     {"lead_id": "Opportunity ID", "stage": "Stage", "close_date": "Close Date", "deal_value": "Amount",
      "owner_id": "Opportunity Owner", "channel_id": "Lead Source", "created_at": "Created Date"}),
    (["Lead Id", "Lead Source", "Created Time", "Lead Owner", "Lead Status"], "leads",
     {"lead_id": "Lead Id", "channel_id": "Lead Source", "created_at": "Created Time", "owner_id": "Lead Owner",
      "stage": "Lead Status"}),
    (["Deal Id", "Stage", "Closing Date", "Amount", "Deal Owner", "Campaign Source"], "leads",
     {"lead_id": "Deal Id", "stage": "Stage", "close_date": "Closing Date", "deal_value": "Amount",
      "owner_id": "Deal Owner", "campaign_id": "Campaign Source"}),
    # 纷享销客 leads (转换时间: converted to an opportunity), 销售易 opportunities
    (["线索ID", "线索来源", "创建时间", "负责人", "线索状态", "转换时间", "市场活动名称"], "leads",
     {"lead_id": "线索ID", "channel_id": "线索来源", "created_at": "创建时间", "owner_id": "负责人", "stage": "线索状态",
      "sql_at": "转换时间", "campaign_id": "市场活动名称"}),
    (["商机ID", "销售阶段", "结单日期", "成交金额", "负责人"], "leads",
     {"lead_id": "商机ID", "stage": "销售阶段", "close_date": "结单日期", "deal_value": "成交金额", "owner_id": "负责人"}),
    # 百度营销, 巨量引擎, 腾讯广告 daily reports
    (["日期", "推广计划", "推广单元", "展现", "点击", "消费"], "spend",
     {"date": "日期", "campaign_id": "推广计划", "ad_id": "推广单元", "impressions": "展现", "clicks": "点击", "cost": "消费"}),
    (["日期", "广告计划ID", "广告ID", "消耗", "展示数", "点击数", "转化数"], "spend",
     {"date": "日期", "campaign_id": "广告计划ID", "ad_id": "广告ID", "cost": "消耗", "impressions": "展示数",
      "clicks": "点击数", "conversions": "转化数"}),
    (["日期", "推广计划ID", "广告ID", "花费(元)", "曝光次数", "点击次数", "目标转化量"], "spend",
     {"date": "日期", "campaign_id": "推广计划ID", "ad_id": "广告ID", "cost": "花费(元)", "impressions": "曝光次数",
      "clicks": "点击次数", "conversions": "目标转化量"}),
    # touches, in English and Chinese
    (["lead_id", "touch_time", "utm_source", "utm_campaign"], "touches",
     {"lead_id": "lead_id", "touched_at": "touch_time", "channel_id": "utm_source", "campaign_id": "utm_campaign"}),
    (["线索编号", "触达时间", "渠道", "活动"], "touches",
     {"lead_id": "线索编号", "touched_at": "触达时间", "channel_id": "渠道", "campaign_id": "活动"}),
    (["Contact ID", "Interaction Date", "Source", "Campaign"], "touches",
     {"lead_id": "Contact ID", "touched_at": "Interaction Date", "channel_id": "Source", "campaign_id": "Campaign"}),
])
def test_exports_are_recognised_from_their_headers(headers: list[str], table: str, expected: dict[str, str]) -> None:
    mapping = build_mapping(headers)
    assert mapping.table == table, mapping.table_scores
    assert mapping.columns == expected


def test_a_created_date_header_wins_over_first_contact() -> None:
    mapping = build_mapping(["Lead ID", "Created Date", "First Contact Date", "Lead Source"])
    assert mapping.columns["created_at"] == "Created Date"
    assert mapping.columns["first_response_at"] == "First Contact Date"


def test_the_demo_has_touches_that_make_the_models_disagree(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    try:
        engine = store.get_engine(url)
        summary = demo.generate(engine, months=3, seed=7, end=dt.date(2026, 11, 22))
        assert summary.counts["touches"] > summary.counts["leads"]  # every lead has its own touch, some more
        credit = attr.channel_credit(engine, dt.date(2026, 10, 1), dt.date(2026, 10, 31)).set_index(
            ["channel_id", "model"])["wins"]
        first, last = credit.xs("first_touch", level="model"), credit.xs("last_touch", level="model")
        assert (first - last).abs().max() > 1  # discovery channels gain first-touch credit, nurture last-touch
        assert first.sum() == pytest.approx(last.sum())  # the same wins, shared differently
    finally:
        store.dispose_engine(url)
