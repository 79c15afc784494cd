"""Strings of target splitting (issue 16.2): the "Split target" section of the KPI plan page."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "split_title": {"en": "Split target", "zh": "拆分目标"},
    "split_intro": {
        "en": "Split a quarter's or a year's target into months, weeks and days. The split is saved with the plan "
              "and drives pacing: the Standup, the weekly review and the scorecards expect each day's share of it. "
              "How each method works: docs/prorating.md.",
        "zh": "把季度或年度目标拆到月、周和天。拆分随计划保存，并用于进度判断：站会、周复盘和评分卡按拆分后每天的份额"
              "计算应完成量。各方法说明见 docs/prorating.md。"},
    "split_rates": {
        "en": "Rates (cost per lead, conversion rates) and growth KPIs are not split: their target is the same rate "
              "every day, week and month.",
        "zh": "比率类指标（单条线索成本、转化率）和增长类 KPI 不拆分：每天、每周、每月的目标都是同一个比率。"},
    "split_only_long": {
        "en": "Target splitting is for quarter and year plans; a month plan spreads its targets by its pro-rating.",
        "zh": "目标拆分适用于季度和年度计划；月度计划按其分摊方式分摊目标。"},
    "split_none": {
        "en": "No KPI here can be split: it needs a KPI of a count or an amount (leads, wins, revenue, spend) "
              "with a base target.",
        "zh": "没有可拆分的 KPI：需要一个带基础目标的计数或金额类 KPI（线索、赢单、收入、花费）。"},
    "split_kpi": {"en": "KPI to split", "zh": "要拆分的 KPI"},
    "split_method": {"en": "Method", "zh": "拆分方式"},
    "split_method_even": {"en": "Even (calendar days)", "zh": "平均（按自然日）"},
    "split_method_workdays": {"en": "Working days (Chinese holidays)", "zh": "工作日（含法定节假日与调休）"},
    "split_method_last_year": {"en": "Last year's shape", "zh": "按去年走势"},
    "split_method_promo": {"en": "Promotion calendar", "zh": "大促日历"},
    "split_method_help": {
        "en": "Even: every day alike. Working days: public holidays off, make-up working days on. Last year's "
              "shape: each day weighs what this metric did on the same date last year. Promotion calendar: a base "
              "method with promotion days multiplied by their uplift.",
        "zh": "平均：每天相同。工作日：法定节假日不计，调休上班日计入。按去年走势：每天的权重等于该指标去年同日的数值。"
              "大促日历：在基础方式上，大促期间的日子乘以其提升系数。"},
    "split_base": {"en": "Base for ordinary days", "zh": "平日的基础方式"},
    "split_events": {
        "en": "Promotion calendar (uplift 2 = a promotion day counts double; a day in two events takes the larger)",
        "zh": "大促日历（提升系数 2 = 大促日按两天计；同属两个活动的日子取较大值）"},
    "split_col_name": {"en": "Event", "zh": "活动"},
    "split_col_start": {"en": "From", "zh": "开始"},
    "split_col_end": {"en": "To", "zh": "结束"},
    "split_col_weight": {"en": "Uplift", "zh": "提升系数"},
    "split_events_bad": {"en": "Fix the promotion calendar: {problems}", "zh": "请修正大促日历：{problems}"},
    "split_by_month": {"en": "By month", "zh": "按月"},
    "split_by_week": {"en": "By ISO week", "zh": "按 ISO 周"},
    "split_axis_month": {"en": "Month", "zh": "月份"},
    "split_axis_week": {"en": "Week", "zh": "周"},
    "split_axis_target": {"en": "Target", "zh": "目标"},
    "split_total": {
        "en": "Total {total}: the months add up to it exactly; a day's share may be fractional.",
        "zh": "合计 {total}：各月相加正好等于合计；单日份额可以是小数。"},
    "split_apply": {"en": "Use this split", "zh": "采用此拆分"},
    "split_applied": {
        "en": "Split set for {kpi}. Save the plan to keep it (and activate it to publish the months).",
        "zh": "已为 {kpi} 设置拆分。请保存计划以保留它（激活后按月发布目标）。"},
    "split_remove": {"en": "Remove the split", "zh": "移除拆分"},
    "split_removed": {
        "en": "Split removed from {kpi}: it follows the plan's pro-rating again. Save the plan to keep this.",
        "zh": "已移除 {kpi} 的拆分：重新按计划的分摊方式。请保存计划以保留此更改。"},
    "split_current": {"en": "Saved with this KPI: {method}.", "zh": "该 KPI 已保存的拆分：{method}。"},
    "split_current_none": {
        "en": "This KPI has no split yet: it follows the plan's pro-rating.",
        "zh": "该 KPI 尚未拆分：按计划的分摊方式。"},
    "split_stale": {
        "en": "The saved split was made for other dates than this plan's period: make it again.",
        "zh": "已保存的拆分日期与本计划周期不一致：请重新拆分。"},
    "split_note_no_history": {
        "en": "Last year has no data for this metric here, so the target is split evenly over calendar days.",
        "zh": "该指标去年同期没有数据，因此按自然日平均拆分。"},
    "split_note_gaps": {
        "en": "Last year has no data in {months}; those months weigh last year's average day.",
        "zh": "去年 {months} 没有数据；这些月份按去年的日均值计。"},
    "split_note_uncovered": {
        "en": "Chinese public holidays are not known yet for part of this period; working days there are Monday "
              "to Friday.",
        "zh": "本期部分年份的法定节假日尚未公布；这些日期的工作日按周一至周五计。"},
    "split_note_all_zero": {
        "en": "Every day weighed 0 under this method, so the target is split evenly over calendar days.",
        "zh": "按此方式每天权重都为 0，因此按自然日平均拆分。"},
    "split_why_growth": {"en": "a growth KPI is not split", "zh": "增长类 KPI 不拆分"},
    "split_why_rate": {"en": "a rate is not split", "zh": "比率不拆分"},
    "split_why_unknown": {"en": "not a known metric", "zh": "未知指标"},
    "split_why_no_base": {"en": "no base target to split", "zh": "没有可拆分的基础目标"},
}
