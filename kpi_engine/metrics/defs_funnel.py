"""Declarations: the lead funnel, spend and efficiency metrics (SPEC section 4, first part).

Counting is by event date (leads by ``created_at``, MQLs by ``mql_at``, SQLs by
``sql_at``, wins and revenue by ``won_at``, spend by ``date``). Attribution is
first-touch: a lead's MQL, SQL, win and revenue belong to the lead's channel,
campaign and owner. Spend belongs to its own channel and campaign; by person (and
team), spend is that of the campaigns the person owns.
"""

from __future__ import annotations

from kpi_engine.metrics.declarations import Col, Cond, DaysBetween, Derived, HoursBetween, Metric, Op, Ratio, Ref, Simple
from kpi_engine.metrics.declarations import metric as _m

_FIRST_TOUCH_EN = " Attributed first-touch to the lead's channel, campaign and owner."
_FIRST_TOUCH_ZH = "按首次触达归因到线索的渠道、活动和负责人。"
_SPEND_SCOPE_EN = (" Spend belongs to its own channel and campaign; by person (and team) it is the spend of the"
                   " campaigns the person owns (campaigns.owner_id), spend without a campaign has no person.")
_SPEND_SCOPE_ZH = "花费归属其自身的渠道和活动；按人员（及团队）统计时，为该人员负责的活动（campaigns.owner_id）的花费，未关联活动的花费不归属任何人。"


def _lead_count(event: str, *where: Cond) -> Simple:
    return Simple("leads", event, "count", None, tuple(where))


def _spend_sum(column: str) -> Simple:
    return Simple("spend", "date", "sum", Col(column))


_SLA = Cond(HoursBetween("created_at", "first_response_at"), "<=", setting="response_sla_hours")

METRICS: tuple[Metric, ...] = (
    # --- Counts and sums (simple) -----------------------------------------------------
    _m("leads", "Leads", "线索数",
       "Leads created in the period (by created_at)." + _FIRST_TOUCH_EN,
       "期间内创建的线索数（按创建时间）。" + _FIRST_TOUCH_ZH,
       "count of leads by created_at", "按 created_at 统计的线索数",
       "count", "higher", _lead_count("created_at")),
    _m("mqls", "MQLs", "MQL 数",
       "Leads that became marketing-qualified in the period (by mql_at)." + _FIRST_TOUCH_EN,
       "期间内成为市场认可线索（MQL）的线索数（按 mql_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by mql_at", "按 mql_at 统计的线索数",
       "count", "higher", _lead_count("mql_at")),
    _m("sqls", "SQLs", "SQL 数",
       "Leads that became sales-qualified in the period (by sql_at)." + _FIRST_TOUCH_EN,
       "期间内成为销售认可线索（SQL）的线索数（按 sql_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by sql_at", "按 sql_at 统计的线索数",
       "count", "higher", _lead_count("sql_at")),
    _m("wins", "New customers (won deals)", "新客户数（赢单）",
       "Leads won in the period (by won_at)." + _FIRST_TOUCH_EN,
       "期间内赢单的线索数（按 won_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by won_at", "按 won_at 统计的赢单线索数",
       "count", "higher", _lead_count("won_at")),
    _m("revenue", "Won revenue", "赢单金额",
       "Sum of deal_value of leads won in the period (by won_at)." + _FIRST_TOUCH_EN,
       "期间内赢单线索的成交金额之和（按 won_at）。" + _FIRST_TOUCH_ZH,
       "sum of deal_value by won_at", "按 won_at 汇总的 deal_value",
       "money", "higher", Simple("leads", "won_at", "sum", Col("deal_value"))),
    _m("spend", "Marketing spend", "营销花费",
       "Sum of spend.cost by spend date (lower is better as a budget)." + _SPEND_SCOPE_EN,
       "按花费日期汇总的 spend.cost（作为预算，越低越好）。" + _SPEND_SCOPE_ZH,
       "sum of spend.cost by date", "按日期汇总的 spend.cost",
       "money", "lower", _spend_sum("cost")),
    _m("impressions", "Impressions", "展现量",
       "Sum of impressions reported by the ad platforms, by spend date." + _SPEND_SCOPE_EN,
       "广告平台报告的展现量之和（按花费日期）。" + _SPEND_SCOPE_ZH,
       "sum of spend.impressions by date", "按日期汇总的 spend.impressions",
       "count", "higher", _spend_sum("impressions")),
    _m("clicks", "Clicks", "点击量",
       "Sum of clicks reported by the ad platforms, by spend date." + _SPEND_SCOPE_EN,
       "广告平台报告的点击量之和（按花费日期）。" + _SPEND_SCOPE_ZH,
       "sum of spend.clicks by date", "按日期汇总的 spend.clicks",
       "count", "higher", _spend_sum("clicks")),
    _m("high_value_leads", "High-value leads", "高价值线索数",
       "Leads created in the period with expected_value ≥ {high_value_threshold:g} (setting high_value_threshold)."
       + _FIRST_TOUCH_EN,
       "期间内创建且预计价值 ≥ {high_value_threshold:g} 的线索数（设置 high_value_threshold）。" + _FIRST_TOUCH_ZH,
       "count of leads with expected_value ≥ {high_value_threshold:g}, by created_at",
       "预计价值 ≥ {high_value_threshold:g} 的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", Cond(Col("expected_value"), ">=", setting="high_value_threshold"))),
    _m("responded_leads", "Responded leads", "已响应线索数",
       "Leads created in the period that have a first response." + _FIRST_TOUCH_EN,
       "期间内创建且已有首次响应的线索数。" + _FIRST_TOUCH_ZH,
       "count of leads with first_response_at, by created_at", "有 first_response_at 的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", Cond(Col("first_response_at"), "not_null"))),
    _m("leads_within_sla", "Leads answered within SLA (count)", "SLA 内响应线索数",
       "Leads created in the period first answered within {response_sla_hours:g} hours (setting response_sla_hours)."
       + _FIRST_TOUCH_EN,
       "期间内创建且在 {response_sla_hours:g} 小时内首次响应的线索数（设置 response_sla_hours）。" + _FIRST_TOUCH_ZH,
       "count of leads with first_response_at − created_at ≤ {response_sla_hours:g} h, by created_at",
       "first_response_at − created_at ≤ {response_sla_hours:g} 小时的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", _SLA)),
    _m("response_hours_total", "Total response hours", "响应时长合计",
       "Sum over responded leads created in the period of the hours from created_at to first_response_at.",
       "期间内创建并已响应线索从创建到首次响应的小时数之和。",
       "sum of (first_response_at − created_at) in hours, by created_at",
       "按 created_at 汇总的（first_response_at − created_at）小时数",
       "hours", "lower", Simple("leads", "created_at", "sum", HoursBetween("created_at", "first_response_at")),
       helper=True),
    # --- Ratios ------------------------------------------------------------------------
    _m("lead_to_mql", "Lead → MQL rate", "线索→MQL 转化率",
       "MQLs in the period divided by leads created in the period.",
       "期间内 MQL 数除以期间内创建的线索数。",
       "mqls / leads", "mqls / leads（MQL 数 / 线索数）", "ratio", "higher", Ratio("mqls", "leads")),
    _m("mql_to_sql", "MQL → SQL rate", "MQL→SQL 转化率",
       "SQLs in the period divided by MQLs in the period.", "期间内 SQL 数除以期间内 MQL 数。",
       "sqls / mqls", "sqls / mqls（SQL 数 / MQL 数）", "ratio", "higher", Ratio("sqls", "mqls")),
    _m("lead_to_customer", "Lead → customer rate", "线索→客户转化率",
       "Wins in the period divided by leads created in the period.", "期间内赢单数除以期间内创建的线索数。",
       "wins / leads", "wins / leads（赢单数 / 线索数）", "ratio", "higher", Ratio("wins", "leads")),
    _m("lead_to_sql", "Lead → SQL rate (lead conversion)", "线索→SQL 转化率（线索转化率）",
       "SQLs in the period divided by leads created in the period.", "期间内 SQL 数除以期间内创建的线索数。",
       "sqls / leads", "sqls / leads（SQL 数 / 线索数）", "ratio", "higher", Ratio("sqls", "leads")),
    _m("click_to_lead", "Lead capture rate", "留资率",
       "Leads created in the period divided by ad clicks in the period.", "期间内创建的线索数除以期间内的广告点击数。",
       "leads / clicks", "leads / clicks（线索数 / 点击数）", "ratio", "higher", Ratio("leads", "clicks")),
    _m("high_value_share", "High-value lead share", "高价值线索占比",
       "Share of leads created in the period with expected_value ≥ {high_value_threshold:g}.",
       "期间内创建的线索中预计价值 ≥ {high_value_threshold:g} 的占比。",
       "high_value_leads / leads", "high_value_leads / leads（高价值线索数 / 线索数）",
       "ratio", "higher", Ratio("high_value_leads", "leads")),
    _m("cpl", "Cost per lead", "单条线索成本",
       "Spend divided by leads created, in the same scope and period; no value without spend (never 0).",
       "同一范围和期间内的花费除以线索数；没有花费时无值（不是 0）。",
       "spend / leads", "spend / leads（花费 / 线索数）", "money", "lower", Ratio("spend", "leads", numerator_required=True)),
    _m("cost_per_mql", "Cost per MQL", "单个 MQL 成本",
       "Spend divided by MQLs, in the same scope and period; no value without spend.",
       "同一范围和期间内的花费除以 MQL 数；没有花费时无值。",
       "spend / mqls", "spend / mqls（花费 / MQL 数）", "money", "lower", Ratio("spend", "mqls", numerator_required=True)),
    _m("cac", "Customer acquisition cost", "获客成本",
       "Spend divided by wins, in the same scope and period; no value without spend.",
       "同一范围和期间内的花费除以赢单数；没有花费时无值。",
       "spend / wins", "spend / wins（花费 / 赢单数）", "money", "lower", Ratio("spend", "wins", numerator_required=True)),
    _m("roi", "Marketing ROI", "营销投资回报率",
       "Won revenue minus spend, divided by spend (0.5 means 50% return).",
       "赢单金额减去花费后除以花费（0.5 表示 50% 回报）。",
       "(revenue − spend) / spend", "(revenue − spend) / spend（（赢单金额 − 花费）/ 花费）", "ratio", "higher",
       Derived(Op("/", Op("-", Ref("revenue"), Ref("spend")), Ref("spend")))),
    _m("roas", "Return on ad spend", "广告支出回报率",
       "Won revenue divided by spend.", "赢单金额除以花费。",
       "revenue / spend", "revenue / spend（赢单金额 / 花费）", "ratio", "higher", Ratio("revenue", "spend")),
    _m("expense_ratio", "Marketing expense ratio", "营销费用率",
       "Spend divided by won revenue.", "花费除以赢单金额。",
       "spend / revenue", "spend / revenue（花费 / 赢单金额）", "ratio", "lower", Ratio("spend", "revenue")),
    _m("aov_new", "First-order value", "首单金额",
       "Won revenue divided by wins: the average value of a new customer's deal.", "赢单金额除以赢单数：新客户的平均成交金额。",
       "revenue / wins", "revenue / wins（赢单金额 / 赢单数）", "money", "higher", Ratio("revenue", "wins")),
    _m("ctr", "Click-through rate", "点击率",
       "Clicks divided by impressions.", "点击量除以展现量。",
       "clicks / impressions", "clicks / impressions（点击量 / 展现量）", "ratio", "higher", Ratio("clicks", "impressions")),
    _m("cpc", "Cost per click", "单次点击成本",
       "Spend divided by clicks; no value without spend.", "花费除以点击量；没有花费时无值。",
       "spend / clicks", "spend / clicks（花费 / 点击量）", "money", "lower", Ratio("spend", "clicks", numerator_required=True)),
    _m("cpm", "Cost per thousand impressions", "千次展现成本",
       "Spend divided by impressions, times 1000; no value without spend.", "花费除以展现量再乘以 1000；没有花费时无值。",
       "spend / impressions × 1000", "spend / impressions × 1000（花费 / 展现量 × 1000）", "money", "lower",
       Ratio("spend", "impressions", 1000.0, numerator_required=True)),
    _m("response_hours", "Lead response time", "线索响应时长",
       "Mean hours from created_at to first_response_at over leads created in the period that got a response.",
       "期间内创建并已响应的线索，从创建到首次响应的平均小时数。",
       "response_hours_total / responded_leads: mean hours from created_at to first_response_at",
       "response_hours_total / responded_leads：从 created_at 到 first_response_at 的平均小时数",
       "hours", "lower", Ratio("response_hours_total", "responded_leads")),
    _m("response_sla", "Leads answered within SLA", "SLA 内响应率",
       "Share of leads created in the period first answered within {response_sla_hours:g} hours; "
       "a lead never answered counts as a breach.",
       "期间内创建的线索中在 {response_sla_hours:g} 小时内首次响应的占比；未响应的线索计为超时。",
       "leads_within_sla / leads", "leads_within_sla / leads（SLA 内响应线索数 / 线索数）",
       "ratio", "higher", Ratio("leads_within_sla", "leads")),
    # --- Sales cycle ---------------------------------------------------------------------
    _m("cycle_days_total", "Total sales-cycle days", "销售周期天数合计",
       "Sum over leads won in the period (by won_at) of the days from created_at to won_at.",
       "期间内赢单（按 won_at）的线索从创建到赢单的天数之和。",
       "sum of (won_at − created_at) in days, by won_at", "按 won_at 汇总的（won_at − created_at）天数",
       "days", "lower", Simple("leads", "won_at", "sum", DaysBetween("created_at", "won_at")), helper=True),
    _m("cycle_days", "Sales cycle", "销售周期",
       "Mean days from a lead's creation to its win, over the leads won in the period (by won_at), counting "
       "fractions of a day (36 hours = 1.5 days)." + _FIRST_TOUCH_EN,
       "期间内赢单（按 won_at）的线索，从创建到赢单的平均天数（按小时折算，36 小时 = 1.5 天）。" + _FIRST_TOUCH_ZH,
       "cycle_days_total / wins: mean days from created_at to won_at over wins",
       "cycle_days_total / wins：赢单线索从 created_at 到 won_at 的平均天数",
       "days", "lower", Ratio("cycle_days_total", "wins")),
)
