"""Declarations: customers, orders and surveys (SPEC section 4: LTV, LTV:CAC, retention, NPS, sales contribution).

Scopes: a customer (and its orders and survey answers) belongs to ``customers.channel_id``
(else its lead's channel) and, through ``customers.lead_id``, to the lead's campaign, owner
and the owner's team. A survey answer's channel is its own ``channel_id``, else its customer's.

Points in time are day boundaries: "at the period start" is the first moment of its
first day, "at the period end" the first moment after its last day. A customer is active
at a point when acquired before it and not churned before it.
"""

from __future__ import annotations

from kpi_engine.metrics.declarations import Col, Cond, Const, Derived, Lookup, Metric, Op, Ratio, Ref, Setting, Simple, Window
from kpi_engine.metrics.declarations import metric as _m

_SCOPE_EN = (" A customer belongs to its channel (customers.channel_id, else its lead's) and, through its lead,"
             " to the lead's campaign, owner and team.")
_SCOPE_ZH = "客户归属其渠道（customers.channel_id，缺失时取其线索的渠道），并通过其线索归属线索的活动、负责人和团队。"


def _active(anchor: str, skip_months: int = 0) -> Op:
    """Customers active at the anchor (moved back ``skip_months``): acquired before it minus churned before it."""
    return Op("-", Window("customers_acquired", anchor, None, skip_months),  # type: ignore[arg-type]
              Window("customers_churned", anchor, None, skip_months))  # type: ignore[arg-type]


_AVG = Op("*", Const(12.0), Ref("ltv_avg_customers"))

METRICS: tuple[Metric, ...] = (
    # --- Customer stock and flows (helpers) ----------------------------------------------
    _m("customers_acquired", "Customers acquired", "新增客户数",
       "Customers acquired in the period (by customers.acquired_at)." + _SCOPE_EN,
       "期间内获得的客户数（按 customers.acquired_at）。" + _SCOPE_ZH,
       "count of customers by acquired_at", "按 acquired_at 统计的客户数",
       "count", "higher", Simple("customers", "acquired_at"), helper=True),
    _m("customers_churned", "Customers churned", "流失客户数",
       "Customers churned in the period (by customers.churned_at)." + _SCOPE_EN,
       "期间内流失的客户数（按 customers.churned_at）。" + _SCOPE_ZH,
       "count of customers by churned_at", "按 churned_at 统计的客户数",
       "count", "lower", Simple("customers", "churned_at"), helper=True),
    _m("customers_at_start", "Customers at period start", "期初客户数",
       "Customers active at the first moment of the period: acquired before it and not churned before it.",
       "期间开始时刻的活跃客户数：在此之前获得且在此之前未流失。",
       "customers_acquired before the period start − customers_churned before the period start",
       "期初之前的 customers_acquired − 期初之前的 customers_churned",
       "count", "higher", Derived(_active("start")), helper=True),
    _m("customers_at_end", "Customers at period end", "期末客户数",
       "Customers active right after the last day of the period: acquired before then and not churned before then.",
       "期间最后一天结束时的活跃客户数：在此之前获得且在此之前未流失。",
       "customers_acquired before the period end − customers_churned before the period end",
       "期末之前的 customers_acquired − 期末之前的 customers_churned",
       "count", "higher", Derived(_active("end")), helper=True),
    # --- Retention ---------------------------------------------------------------------------
    _m("retention", "Customer retention rate", "客户留存率",
       "(Customers at period end − customers acquired in the period) / customers at period start: the share of "
       "the customers the period started with that are still active at its end (customers acquired and churned "
       "inside the period lower it). No value when the period starts with no customer; without a start date "
       "(all the data) there is none." + _SCOPE_EN,
       "（期末客户数 − 期间新增客户数）/ 期初客户数：期初客户中到期末仍活跃的比例（期间内新增又流失的客户会拉低该值）。"
       "期初没有客户时无值；不指定开始日期（全部数据）时无值。" + _SCOPE_ZH,
       "(customers_at_end − customers_acquired) / customers_at_start",
       "(customers_at_end − customers_acquired) / customers_at_start（（期末客户数 − 新增客户数）/ 期初客户数）",
       "ratio", "higher",
       Derived(Op("/", Op("-", Ref("customers_at_end"), Ref("customers_acquired")), Ref("customers_at_start")))),
    # --- Orders ----------------------------------------------------------------------------------
    _m("order_revenue", "Order revenue", "订单收入",
       "Sum of orders.amount by order_date." + _SCOPE_EN,
       "按 order_date 汇总的 orders.amount。" + _SCOPE_ZH,
       "sum of orders.amount by order_date", "按 order_date 汇总的 orders.amount",
       "money", "higher", Simple("orders", "order_date", "sum", Col("amount")), helper=True),
    _m("sourced_order_revenue", "Marketing-sourced order revenue", "营销来源订单收入",
       "Sum of orders.amount by order_date, of customers whose lead_id is set (they came from a marketing lead).",
       "按 order_date 汇总的、lead_id 不为空（来自营销线索）的客户的 orders.amount。",
       "sum of orders.amount by order_date where customers.lead_id is set",
       "按 order_date 汇总的 orders.amount（customers.lead_id 不为空）",
       "money", "higher",
       Simple("orders", "order_date", "sum", Col("amount"),
              (Cond(Lookup("customer_id", (("customers", "lead_id"),)), "not_blank"),)), helper=True),
    _m("marketing_sourced_share", "Sales contribution", "营销销售贡献率",
       "Share of all order revenue in the period (orders.amount by order_date) that comes from customers with a "
       "marketing lead (customers.lead_id set)." + _SCOPE_EN,
       "期间内全部订单收入（按 order_date 的 orders.amount）中来自有营销线索（customers.lead_id 不为空）的客户的占比。"
       + _SCOPE_ZH,
       "sourced_order_revenue / order_revenue",
       "sourced_order_revenue / order_revenue（营销来源订单收入 / 全部订单收入）",
       "ratio", "higher", Ratio("sourced_order_revenue", "order_revenue")),
    # --- Lifetime value ------------------------------------------------------------------------
    _m("ltv_order_revenue_12m", "Order revenue, trailing 12 months", "近 12 个月订单收入",
       "Order revenue (orders.amount by order_date) in the 12 months up to the period end.",
       "截至期末的 12 个月内的订单收入（按 order_date 的 orders.amount）。",
       "order_revenue over [period end − 12 months, period end)", "order_revenue，区间为 [期末 − 12 个月, 期末)",
       "money", "higher", Derived(Window("order_revenue", "end", 12)), helper=True),
    _m("ltv_churned_12m", "Customers churned, trailing 12 months", "近 12 个月流失客户数",
       "Customers churned in the 12 months up to the period end.", "截至期末的 12 个月内流失的客户数。",
       "customers_churned over [period end − 12 months, period end)", "customers_churned，区间为 [期末 − 12 个月, 期末)",
       "count", "lower", Derived(Window("customers_churned", "end", 12)), helper=True),
    _m("ltv_customers_12m_ago", "Customers 12 months before the period end", "期末前 12 个月时的客户数",
       "Customers active 12 months before the period end.", "期末前 12 个月那一时刻的活跃客户数。",
       "customers_acquired − customers_churned before (period end − 12 months)",
       "(期末 − 12 个月) 之前的 customers_acquired − customers_churned",
       "count", "higher", Derived(_active("end", 12)), helper=True),
    _m("ltv_avg_customers", "Average customers, trailing 12 months", "近 12 个月平均客户数",
       "Mean of the customers active at the start and at the end of the 12 months up to the period end.",
       "截至期末的 12 个月区间起点与终点活跃客户数的平均值。",
       "(ltv_customers_12m_ago + customers_at_end) / 2", "(ltv_customers_12m_ago + customers_at_end) / 2",
       "count", "higher",
       Derived(Op("*", Op("+", Ref("ltv_customers_12m_ago"), Ref("customers_at_end")), Const(0.5))), helper=True),
    _m("ltv_monthly_revenue_per_customer", "Monthly revenue per active customer", "每活跃客户月均收入",
       "Order revenue of the trailing 12 months divided by 12 and by the average active customers.",
       "近 12 个月订单收入除以 12，再除以平均活跃客户数。",
       "ltv_order_revenue_12m / (12 × ltv_avg_customers)", "ltv_order_revenue_12m / (12 × ltv_avg_customers)",
       "money", "higher", Derived(Op("/", Ref("ltv_order_revenue_12m"), _AVG)), helper=True),
    _m("ltv_lifetime_months", "Expected customer lifetime", "预期客户生命周期",
       "1 / monthly churn rate, where monthly churn rate = customers churned in the trailing 12 months / 12 / "
       "average active customers; capped at {ltv_churn_cap_months:g} months (setting ltv_churn_cap_months), "
       "which is also the value when nobody churned.",
       "1 / 月流失率，月流失率 = 近 12 个月流失客户数 / 12 / 平均活跃客户数；上限 {ltv_churn_cap_months:g} 个月"
       "（设置 ltv_churn_cap_months），无人流失时取上限。",
       "min(12 × ltv_avg_customers / ltv_churned_12m, {ltv_churn_cap_months:g})",
       "min(12 × ltv_avg_customers / ltv_churned_12m, {ltv_churn_cap_months:g})",
       "count", "higher",
       Derived(Op("least", Op("coalesce", Op("/", _AVG, Ref("ltv_churned_12m")), Setting("ltv_churn_cap_months")),
                  Setting("ltv_churn_cap_months"))), helper=True),
    _m("ltv", "Customer lifetime value", "客户生命周期价值",
       "Gross margin ({gross_margin:g}, setting gross_margin) × monthly revenue per active customer × expected "
       "lifetime in months, over the 12 months up to the period end: monthly revenue per active customer = order "
       "revenue of those 12 months / 12 / average active customers (mean of the customers active 12 months before "
       "the period end and at the period end; active = acquired before that moment and not churned before it); "
       "expected lifetime = 1 / monthly churn rate, monthly churn rate = customers churned in those 12 months / 12 "
       "/ average active customers, capped at {ltv_churn_cap_months:g} months (setting ltv_churn_cap_months, also "
       "used when nobody churned). No value when the average active customers is 0. Without an end date: as of "
       "the last day with data." + _SCOPE_EN,
       "毛利率（{gross_margin:g}，设置 gross_margin）× 每活跃客户月均收入 × 预期生命周期（月），基于截至期末的 12 个月："
       "每活跃客户月均收入 = 这 12 个月的订单收入 / 12 / 平均活跃客户数（期末前 12 个月时与期末时活跃客户数的平均；"
       "活跃 = 在该时刻之前获得且未在该时刻之前流失）；预期生命周期 = 1 / 月流失率，月流失率 = 这 12 个月流失客户数 / 12 "
       "/ 平均活跃客户数，上限 {ltv_churn_cap_months:g} 个月（设置 ltv_churn_cap_months，无人流失时亦取上限）。"
       "平均活跃客户数为 0 时无值。不指定结束日期时，以有数据的最后一天为期末。" + _SCOPE_ZH,
       "gross_margin × ltv_monthly_revenue_per_customer × ltv_lifetime_months",
       "gross_margin × ltv_monthly_revenue_per_customer × ltv_lifetime_months（毛利率 × 每活跃客户月均收入 × 预期生命周期）",
       "money", "higher",
       Derived(Op("*", Op("*", Setting("gross_margin"), Ref("ltv_monthly_revenue_per_customer")),
                  Ref("ltv_lifetime_months")))),
    _m("ltv_cac", "LTV : CAC", "LTV : CAC",
       "Customer lifetime value divided by customer acquisition cost in the same scope and period; healthy at 3 "
       "or more. No value when either has none (e.g. no win in the period).",
       "同一范围和期间内的客户生命周期价值除以获客成本；3 及以上为健康。任一方无值（如期间内无赢单）时无值。",
       "ltv / cac", "ltv / cac（客户生命周期价值 / 获客成本）",
       "ratio", "higher", Derived(Op("/", Ref("ltv"), Ref("cac")))),
    # --- NPS ---------------------------------------------------------------------------------------
    _m("nps_responses", "NPS answers", "NPS 答卷数",
       "Survey answers in the period (survey_responses by date).", "期间内的调查答卷数（按 survey_responses.date）。",
       "count of survey_responses by date", "按 date 统计的 survey_responses",
       "count", "higher", Simple("survey_responses", "date"), helper=True),
    _m("nps_promoters", "Promoters", "推荐者数",
       "Answers scoring 9 or 10.", "评分为 9 或 10 的答卷数。",
       "count of survey_responses with score ≥ 9", "评分 ≥ 9 的答卷数",
       "count", "higher", Simple("survey_responses", "date", "count", None, (Cond(Col("score"), ">=", 9.0),)),
       helper=True),
    _m("nps_detractors", "Detractors", "贬损者数",
       "Answers scoring 0 to 6.", "评分为 0 到 6 的答卷数。",
       "count of survey_responses with score ≤ 6", "评分 ≤ 6 的答卷数",
       "count", "lower", Simple("survey_responses", "date", "count", None, (Cond(Col("score"), "<=", 6.0),)),
       helper=True),
    _m("nps", "Net Promoter Score", "净推荐值",
       "Percentage of answers scoring 9–10 minus percentage scoring 0–6, over the survey answers of the period "
       "(by date): a score from −100 to 100. A survey answer belongs to its channel_id, else its customer's "
       "channel, and through the customer's lead to a campaign, owner and team.",
       "期间内（按 date）评分 9–10 的答卷占比减去评分 0–6 的占比，取值 −100 到 100。答卷归属其 channel_id，"
       "缺失时取其客户的渠道，并通过客户的线索归属活动、负责人和团队。",
       "(nps_promoters − nps_detractors) / nps_responses × 100",
       "(nps_promoters − nps_detractors) / nps_responses × 100（（推荐者 − 贬损者）/ 答卷数 × 100）",
       "score", "higher",
       Derived(Op("*", Op("/", Op("-", Ref("nps_promoters"), Ref("nps_detractors")), Ref("nps_responses")),
                  Const(100.0)))),
)
