"""Header mapping: normalisation, synonyms, table detection, overrides, constants, saved mappings."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.ingest.mapping import (
    EXTRA_COLUMNS,
    build_mapping,
    canonical_columns,
    detect_table,
    find_saved_mapping,
    header_signature,
    normalize_header,
    save_mapping,
)
from kpi_engine.ingest.model import Mapping
from kpi_engine.ingest.synonyms import COLUMN_SYNONYMS, TABLE_SYNONYMS

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("header", "normalized"),
    [
        ("消耗(元)", "消耗"),
        ("花费（元）", "花费"),
        ("Amount spent (CNY)", "amountspent"),
        ("Cost [USD]", "cost"),
        ("成本(¥)", "成本"),
        ("预算 (万元)", "预算"),
        ("金额（单位：元）", "金额"),
        ("点击率(%)", "点击率"),
        ("创建时间(yyyy-mm-dd)", "创建时间"),
        ("时间(UTC+8)", "时间"),
        ("ＬＥＡＤ＿ＩＤ", "leadid"),
        ("Lead-ID", "leadid"),
        ("lead.id", "leadid"),
        ("  Created   Date ", "createddate"),
        ("【线索ID】", "线索id"),
        ("*线索ID", "线索id"),
        ("\ufeffLead ID", "leadid"),
        ("Clicks (all)", "clicksall"),  # not a unit: kept
        ("Cost (per click)", "costperclick"),  # not a unit: kept, so it does not become "cost"
        ("x (2)", "x2"),
    ],
)
def test_normalize_header(header: str, normalized: str) -> None:
    assert normalize_header(header) == normalized


def test_canonical_columns_include_the_leads_extras() -> None:
    assert EXTRA_COLUMNS == {"leads": ("stage", "close_date")}
    cols = canonical_columns("leads")
    assert cols[:3] == ["lead_id", "created_at", "channel_id"]
    assert cols[-2:] == ["stage", "close_date"]
    assert "needs_review" not in canonical_columns("people")
    with pytest.raises(ValueError, match="unknown table 'deals'"):
        canonical_columns("deals")


def test_every_canonical_column_has_chinese_and_english_synonyms() -> None:
    for table in schema.UPLOAD_TABLES:
        for col in canonical_columns(table):
            names = COLUMN_SYNONYMS.get(col, ()) + TABLE_SYNONYMS.get(table, {}).get(col, ())
            assert any(CJK.search(n) for n in names), (table, col)
            assert any(n.isascii() and normalize_header(n) != normalize_header(col) for n in names), (table, col)


def test_synonyms_never_clash_within_a_table() -> None:
    """Within one table, a normalised synonym belongs to one column (per list), and never to another column's name."""
    assert set(COLUMN_SYNONYMS) <= {c for t in schema.UPLOAD_TABLES for c in canonical_columns(t)}
    for table in schema.UPLOAD_TABLES:
        cols = canonical_columns(table)
        assert set(TABLE_SYNONYMS.get(table, {})) <= set(cols)
        names = {normalize_header(c): c for c in cols}
        for lists in (COLUMN_SYNONYMS, TABLE_SYNONYMS.get(table, {})):
            owner: dict[str, str] = {}
            for col in cols:
                for syn in lists.get(col, ()):
                    key = normalize_header(syn)
                    assert key, syn
                    assert owner.setdefault(key, col) == col, (table, syn, owner[key], col)
                    assert names.get(key, col) == col, (table, syn)


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("leads", "线索ID", "lead_id"), ("leads", "线索编号", "lead_id"), ("leads", "Lead ID", "lead_id"),
        ("leads", "Record ID", "lead_id"), ("leads", "商机ID", "lead_id"),
        ("leads", "创建时间", "created_at"), ("leads", "创建日期", "created_at"), ("leads", "Create Time", "created_at"),
        ("leads", "Created", "created_at"), ("leads", "Date Created", "created_at"),
        ("leads", "Lead Created Date", "created_at"),
        ("leads", "渠道", "channel_id"), ("leads", "来源渠道", "channel_id"), ("leads", "Source", "channel_id"),
        ("leads", "Lead Source", "channel_id"), ("leads", "utm_source", "channel_id"),
        ("leads", "负责人", "owner_id"), ("leads", "跟进人", "owner_id"), ("leads", "销售", "owner_id"),
        ("leads", "Lead Owner", "owner_id"), ("leads", "Assigned To", "owner_id"),
        ("leads", "成交金额", "deal_value"), ("leads", "成交额", "deal_value"), ("leads", "Amount", "deal_value"),
        ("leads", "Deal Amount", "deal_value"),
        ("leads", "阶段", "stage"), ("leads", "商机阶段", "stage"), ("leads", "Deal Stage", "stage"),
        ("leads", "Status", "stage"),
        ("leads", "关闭日期", "close_date"), ("leads", "成交日期", "close_date"), ("leads", "Closed Date", "close_date"),
        ("spend", "花费", "cost"), ("spend", "消耗", "cost"), ("spend", "费用", "cost"), ("spend", "Spend", "cost"),
        ("spend", "Amount spent (CNY)", "cost"), ("spend", "消耗(元)", "cost"),
        ("spend", "展现", "impressions"), ("spend", "曝光", "impressions"), ("spend", "展示", "impressions"),
        ("spend", "Impr.", "impressions"),
        ("spend", "点击", "clicks"), ("spend", "Link clicks", "clicks"),
        ("spend", "日期", "date"), ("spend", "Day", "date"), ("spend", "广告ID", "ad_id"), ("spend", "Ad set name", "ad_id"),
        ("orders", "订单号", "order_id"), ("orders", "Amount", "amount"), ("orders", "日期", "order_date"),
        ("people", "姓名", "name"), ("channels", "渠道名称", "name"), ("campaigns", "活动名称", "name"),
        ("campaigns", "Type", "kind"), ("channels", "Type", "kind"),
        ("survey_responses", "Timestamp", "date"), ("survey_responses", "NPS", "score"),
        ("feedback_360", "被评人", "person_id"), ("feedback_360", "Relationship", "reviewer_role"),
        ("metric_values", "指标", "metric_id"), ("metric_values", "月份", "period_start"),
    ],
)
def test_synonym_maps_in_its_table(table: str, header: str, column: str) -> None:
    assert build_mapping(["zzz", header], table).columns == {column: header}


# --- detection -----------------------------------------------------------------------------------------------

DETECTION_CASES = {
    "leads": [
        ["线索ID", "客户姓名", "手机", "公司名称", "来源渠道", "创建时间", "负责人", "线索状态", "最后跟进时间"],
        ["线索名称", "公司名称", "手机", "线索来源", "线索状态", "负责人", "创建时间", "最近跟进时间", "所属部门"],
        ["Lead ID", "First Name", "Last Name", "Company", "Lead Source", "Lead Status", "Lead Owner", "Created Date"],
        ["Record ID", "First Name", "Last Name", "Email", "Contact owner", "Lifecycle Stage", "Create Date",
         "Original Source", "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date"],
        # opportunity exports: stage and close date, no channel column
        ["Opportunity ID", "Opportunity Name", "Account Name", "Amount", "Stage", "Close Date", "Opportunity Owner",
         "Created Date"],
        ["商机ID", "商机名称", "客户名称", "商机金额", "销售阶段", "结单日期", "负责人", "创建时间"],
    ],
    "spend": [
        ["时间", "广告组", "广告计划", "创意ID", "展示数", "点击数", "消耗(元)", "转化数", "平均点击单价(元)", "点击率(%)"],
        ["日期", "账户", "推广计划", "推广单元", "展现", "点击", "消费", "平均点击价格", "点击率"],
        ["日期", "推广计划名称", "广告ID", "广告名称", "曝光次数", "点击次数", "花费（元）", "目标转化量"],
        ["Day", "Campaign", "Campaign ID", "Ad group", "Impr.", "Clicks", "Cost (CNY)", "Conversions", "Avg. CPC"],
        ["Campaign name", "Ad set name", "Ad name", "Reach", "Impressions", "Link clicks", "Amount spent (CNY)",
         "Results", "Cost per result"],  # no date column
        ["date", "channel", "cost"],
    ],
    "orders": [["订单号", "客户ID", "下单时间", "订单金额", "支付状态", "商品名称"],
               ["Order ID", "Customer ID", "Order Date", "Amount", "Status"]],
    "customers": [["客户ID", "客户名称", "成为客户日期", "来源渠道", "线索ID", "流失日期"],
                  ["Customer ID", "Acquired At", "Channel", "Lead ID", "Churned At"]],
    "survey_responses": [["答卷编号", "提交答卷时间", "来源渠道", "客户ID", "NPS评分"],
                         ["Response ID", "Submitted At", "Score", "Channel", "Customer ID"],
                         ["date", "channel", "score"]],
    "feedback_360": [["考核周期", "被评人", "评价人", "评价关系", "维度", "得分"],
                     ["Period", "Employee", "Reviewer", "Relationship", "Competency", "Score"]],
    "campaigns": [["活动ID", "活动名称", "渠道", "负责人", "活动类型", "开始日期", "结束日期", "预算(元)"],
                  ["Campaign ID", "Campaign Name", "Channel", "Owner", "Type", "Start Date", "End Date", "Budget"],
                  ["活动名称", "渠道", "负责人", "类型", "开始日期", "结束日期", "预算"]],
    "channels": [["渠道ID", "渠道名称", "渠道类型", "负责人"], ["Channel ID", "Name", "Kind", "Owner"]],
    "people": [["工号", "姓名", "岗位", "部门", "直属上级", "邮箱", "在职"],
               ["Employee ID", "Name", "Title", "Department", "Manager", "Email", "Active"]],
    "metric_values": [["指标", "月份", "粒度", "范围类型", "对象", "数值", "数据来源", "备注"],
                      ["metric_id", "period_start", "grain", "value", "note"]],
}


@pytest.mark.parametrize(
    ("expected", "headers"),
    [(table, headers) for table, sets in DETECTION_CASES.items() for headers in sets],
    ids=[f"{table}-{i}" for table, sets in DETECTION_CASES.items() for i in range(len(sets))],
)
def test_detects_the_table_a_file_fills(expected: str, headers: list[str]) -> None:
    scores = detect_table(headers)
    assert list(scores) [0] == expected, scores
    assert set(scores) == set(schema.UPLOAD_TABLES)
    assert all(0 <= s <= 1 for s in scores.values())
    assert list(scores.values()) == sorted(scores.values(), reverse=True)
    mapping = build_mapping(headers)
    assert mapping.table == expected
    assert mapping.table_scores == scores


def test_opportunity_export_maps_stage_and_close_date_into_leads() -> None:
    headers = ["Opportunity ID", "Opportunity Name", "Account Name", "Amount", "Stage", "Close Date",
               "Opportunity Owner", "Created Date"]
    m = build_mapping(headers)
    assert m.columns == {"lead_id": "Opportunity ID", "created_at": "Created Date", "owner_id": "Opportunity Owner",
                         "deal_value": "Amount", "stage": "Stage", "close_date": "Close Date"}
    assert m.unmapped == ["Opportunity Name", "Account Name"]
    assert m.missing_required == ["channel_id"]  # a partial update is still possible; the loader decides


def test_ad_export_without_date_and_channel() -> None:
    headers = ["Campaign name", "Ad set name", "Ad name", "Impressions", "Link clicks", "Amount spent (CNY)"]
    m = build_mapping(headers)
    assert m.table == "spend"
    assert m.columns == {"campaign_id": "Campaign name", "ad_id": "Ad name", "cost": "Amount spent (CNY)",
                         "impressions": "Impressions", "clicks": "Link clicks"}
    assert m.missing_required == ["date", "channel_id"]
    filled = build_mapping(headers, constants={"date": "2026-10-01", "channel_id": "meta"})
    assert filled.missing_required == [] and filled.constants == {"date": "2026-10-01", "channel_id": "meta"}


def test_no_table_fits() -> None:
    for headers in (["foo", "bar", "baz"], ["name", "foo"], []):
        m = build_mapping(headers)
        assert (m.table, m.columns, m.unmapped, m.missing_required) == ("", {}, headers, [])


# --- build_mapping rules -------------------------------------------------------------------------------------


def test_exact_names_first_then_best_ranked_synonym() -> None:
    m = build_mapping(["创建时间", "created_at", "Campaign", "Campaign ID", "渠道"], "leads")
    assert m.columns == {"created_at": "created_at", "channel_id": "渠道", "campaign_id": "Campaign ID"}
    assert m.unmapped == ["创建时间", "Campaign"]


def test_a_header_feeds_one_column_by_synonyms() -> None:
    m = build_mapping(["Date", "Cost", "Channel"], "spend")
    assert m.columns == {"date": "Date", "channel_id": "Channel", "cost": "Cost"}
    assert sorted(m.columns.values()) == ["Channel", "Cost", "Date"]


def test_overrides_win_and_one_header_can_feed_two_columns() -> None:
    headers = ["ID", "Date", "Source", "Sales"]
    m = build_mapping(headers, "leads", overrides={"created_at": "Date", "mql_at": "Date", "owner_id": "Sales"})
    assert m.columns == {"lead_id": "ID", "created_at": "Date", "channel_id": "Source", "owner_id": "Sales",
                         "mql_at": "Date"}
    assert m.unmapped == [] and m.missing_required == []
    redirected = build_mapping(["线索ID", "创建时间", "渠道", "备用渠道"], "leads", overrides={"channel_id": "备用渠道"})
    assert redirected.columns["channel_id"] == "备用渠道" and redirected.unmapped == ["渠道"]


def test_override_matches_headers_loosely_and_can_unmap() -> None:
    m = build_mapping(["Lead ID", " Created Date ", "渠道"], "leads", overrides={"created_at": "created date", "channel_id": ""})
    assert m.columns == {"lead_id": "Lead ID", "created_at": " Created Date "}
    assert m.unmapped == ["渠道"] and m.missing_required == ["channel_id"]


def test_override_naming_a_missing_header_raises_with_the_file_headers() -> None:
    with pytest.raises(ValueError, match=r"no column '日期'.*'线索ID', '渠道'"):
        build_mapping(["线索ID", "渠道"], "leads", overrides={"created_at": "日期"})
    with pytest.raises(ValueError, match="no column 'Nope'"):
        build_mapping(["线索ID", "渠道"], overrides={"lead_id": "Nope"})  # also before detection


def test_unknown_canonical_column_or_table_raises() -> None:
    with pytest.raises(ValueError, match="colour: not a column of leads"):
        build_mapping(["线索ID"], "leads", overrides={"colour": "线索ID"})
    with pytest.raises(ValueError, match="budget: not a column of leads"):
        build_mapping(["线索ID"], "leads", constants={"budget": "5"})
    with pytest.raises(ValueError, match="unknown table"):
        build_mapping(["线索ID"], "deals")


def test_constants_fill_required_columns_and_win_over_a_header() -> None:
    m = build_mapping(["日期", "渠道", "消耗"], "spend", constants={"channel_id": "baidu"})
    assert m.columns == {"date": "日期", "cost": "消耗"}
    assert m.constants == {"channel_id": "baidu"}
    assert m.unmapped == ["渠道"] and m.missing_required == []
    assert m.present == ["channel_id", "cost", "date"]


def test_overrides_and_constants_help_detection() -> None:
    m = build_mapping(["编号", "时间", "来源X"], overrides={"lead_id": "编号", "created_at": "时间"},
                      constants={"channel_id": "web"})
    assert m.table == "leads"
    assert m.columns == {"lead_id": "编号", "created_at": "时间"} and m.missing_required == []


def test_missing_required_lists_only_required_columns() -> None:
    m = build_mapping(["订单号", "订单金额"], "orders")
    assert m.missing_required == ["customer_id", "order_date"]


# --- signatures and saved mappings ---------------------------------------------------------------------------


def test_header_signature_is_stable() -> None:
    sig = header_signature(["线索ID", "创建时间", "Lead Source"])
    assert sig == header_signature(["lead source", " 创建时间", "线索id"])  # order, case, spaces ignored
    assert sig == header_signature(["线索ID", "创建时间", "Lead Source", ""])
    assert sig != header_signature(["线索ID", "创建时间"])
    assert re.fullmatch(r"[0-9a-f]{64}", sig)


def _saved_rows(engine: sa.Engine) -> list[sa.Row]:
    t = schema.saved_mappings
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.c.signature, t.c.table_name, t.c.name, t.c.mapping_json,
                                           t.c.constants_json, t.c.saved_at)))


def test_saved_mapping_round_trip_and_upsert(engine: sa.Engine) -> None:
    headers = ["编号", "时间", "来源", "跟进"]
    assert find_saved_mapping(engine, headers) is None
    confirmed = build_mapping(headers, "leads", overrides={"lead_id": "编号", "created_at": "时间", "mql_at": "时间",
                                                           "owner_id": "跟进"}, constants={"campaign_id": "秋季"})
    save_mapping(engine, headers, confirmed, name="CRM 月度导出")
    [row] = _saved_rows(engine)
    assert row.signature == header_signature(headers) and row.table_name == "leads" and row.name == "CRM 月度导出"
    assert json.loads(row.mapping_json) == {"lead_id": "编号", "created_at": "时间", "channel_id": "来源",
                                            "owner_id": "跟进", "mql_at": "时间"}
    assert json.loads(row.constants_json) == {"campaign_id": "秋季"}
    assert row.saved_at is not None

    next_month = ["跟进 ", "来源", "时间", "编号"]  # same export, columns moved, a stray space
    found = find_saved_mapping(engine, next_month)
    assert isinstance(found, Mapping) and found.from_saved
    assert found.table == "leads"
    assert found.columns == {"lead_id": "编号", "created_at": "时间", "channel_id": "来源", "owner_id": "跟进 ",
                             "mql_at": "时间"}
    assert found.constants == {"campaign_id": "秋季"}
    assert found.unmapped == [] and found.missing_required == []

    changed = build_mapping(headers, "leads", overrides={"lead_id": "编号", "created_at": "时间"})
    save_mapping(engine, headers, changed)
    [row] = _saved_rows(engine)  # replaced, not duplicated; the name is kept
    assert row.name == "CRM 月度导出"
    assert json.loads(row.mapping_json) == {"lead_id": "编号", "created_at": "时间", "channel_id": "来源"}  # 跟进: no synonym
    assert json.loads(row.constants_json) == {}
    again = find_saved_mapping(engine, headers)
    assert again is not None and again.columns == changed.columns and again.constants == {}


def test_saved_mapping_is_used_as_given_and_overrides_still_apply(engine: sa.Engine) -> None:
    headers = ["Day", "Cost", "Clicks"]
    save_mapping(engine, headers, build_mapping(headers, "spend", overrides={"clicks": ""}, constants={"channel_id": "x"}))
    found = find_saved_mapping(engine, headers)
    assert found is not None
    assert found.columns == {"date": "Day", "cost": "Cost"} and found.unmapped == ["Clicks"]  # not re-added
    tweaked = build_mapping(headers, overrides={"clicks": "Clicks"}, saved=found)
    assert tweaked.from_saved and tweaked.table == "spend"
    assert tweaked.columns == {"date": "Day", "cost": "Cost", "clicks": "Clicks"}
    assert tweaked.constants == {"channel_id": "x"}
    other_table = build_mapping(headers, "survey_responses", saved=found)
    assert not other_table.from_saved and other_table.columns == {"date": "Day"}


def test_a_mapping_without_table_cannot_be_saved(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="without a table"):
        save_mapping(engine, ["foo"], build_mapping(["foo"]))
    assert _saved_rows(engine) == []
