"""drill strings (en, zh): the Channels and Team & people pages, their tables and charts."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # pages
    "drill_channels_title": {"en": "Channels", "zh": "渠道"},
    "drill_channels_intro": {
        "en": "Every channel against its lead target, biggest shortfall first. Click a row (or pick a channel) "
              "to see its campaigns, trend, funnel, costs and leads.",
        "zh": "各渠道对照线索目标，差距最大的排在最前。点击一行（或在下拉框中选择渠道）查看其活动、趋势、漏斗、成本和线索。"},
    "drill_team_title": {"en": "Team & people", "zh": "团队与成员"},
    "drill_team_intro": {
        "en": "The team's KPIs against target, then each person: click a row (or pick a person) to see their "
              "KPIs, trend, the channels and campaigns they own, and their leads.",
        "zh": "先看团队 KPI 达成，再看每位成员：点击一行（或在下拉框中选择成员）查看其 KPI、趋势、负责的渠道和活动以及线索。"},
    "drill_range": {"en": "{start} to {end} ({days} days)", "zh": "{start} 至 {end}（{days} 天）"},
    "drill_range_clipped": {
        "en": "{start} to {end} ({days} days, the period up to the as-of date; targets pro-rated to the same days)",
        "zh": "{start} 至 {end}（{days} 天，截至基准日期；目标按相同天数折算）"},
    "drill_future": {
        "en": "This period starts after the as-of date ({asof}): nothing has happened in it yet. Pick an "
              "earlier period in the sidebar.",
        "zh": "该周期开始于基准日期（{asof}）之后，尚无数据。请在侧边栏选择更早的周期。"},
    "drill_asof": {"en": "As of {asof} · data up to {latest}", "zh": "基准日期 {asof} · 数据截至 {latest}"},
    "drill_stale": {
        "en": "The leads data ends on {latest}, before {yesterday}: the latest days are missing. Upload newer "
              "exports on the Data page.",
        "zh": "线索数据截至 {latest}，早于 {yesterday}：最近几天的数据缺失。请在“数据”页面上传最新导出文件。"},
    "drill_empty": {
        "en": "The database is empty: nothing to rank yet. Load the demo data on the Home page, or upload your "
              "CRM and ad-platform exports on the Data page.",
        "zh": "数据库为空，暂无可排名的数据。可在首页加载演示数据，或在“数据”页面上传 CRM 和广告平台导出文件。"},
    "drill_to_home": {"en": "Home: load demo data", "zh": "首页：加载演示数据"},
    "drill_to_data": {"en": "Data: upload exports", "zh": "数据：上传文件"},
    "drill_no_channels": {"en": "No channels in the database yet.", "zh": "数据库中还没有渠道。"},
    "drill_no_people": {"en": "No people in the database yet.", "zh": "数据库中还没有人员。"},
    "drill_no_campaigns": {"en": "No campaign ran or had leads or spend in this period.",
                           "zh": "该周期内没有进行中或有线索/花费的活动。"},
    "drill_unknown": {"en": "“{id}” is not in this list: showing none.", "zh": "“{id}”不在列表中，未选择任何项。"},
    # pickers and tables
    "drill_pick_channel": {"en": "Channel", "zh": "渠道"},
    "drill_pick_campaign": {"en": "Campaign", "zh": "活动"},
    "drill_pick_person": {"en": "Person", "zh": "成员"},
    "drill_pick_none": {"en": "— none selected —", "zh": "— 未选择 —"},
    "drill_pick_help": {"en": "Same as clicking a row in the table; the choice is kept in the page's link.",
                        "zh": "与点击表格中的一行相同；选择会保存在页面链接中。"},
    "drill_clear": {"en": "Back to all", "zh": "返回全部"},
    "drill_none_campaign": {"en": "(no campaign)", "zh": "（无活动）"},
    "drill_none_owner": {"en": "(no owner)", "zh": "（无负责人）"},
    "drill_col_name": {"en": "Name", "zh": "名称"},
    "drill_col_id": {"en": "ID", "zh": "ID"},
    "drill_col_owner": {"en": "Owner", "zh": "负责人"},
    "drill_col_role": {"en": "Role", "zh": "岗位"},
    "drill_col_team": {"en": "Team", "zh": "团队"},
    "drill_col_runs": {"en": "Runs", "zh": "起止日期"},
    "drill_col_budget": {"en": "Budget", "zh": "预算"},
    "drill_col_achievement": {"en": "Achievement", "zh": "达成率"},
    "drill_col_gap": {"en": "Gap", "zh": "差距"},
    "drill_col_target": {"en": "Target", "zh": "目标"},
    "drill_col_trend": {"en": "12-week trend", "zh": "近 12 周趋势"},
    # short column labels of the ranked tables (the full name and the definition are in the column's help)
    "drill_short_leads": {"en": "Leads", "zh": "线索"},
    "drill_short_spend": {"en": "Spend", "zh": "花费"},
    "drill_short_cpl": {"en": "CPL", "zh": "线索成本"},
    "drill_short_mql_to_sql": {"en": "MQL→SQL", "zh": "MQL→SQL 率"},
    "drill_short_cac": {"en": "CAC", "zh": "获客成本"},
    "drill_short_roi": {"en": "ROI", "zh": "ROI"},
    "drill_short_mqls": {"en": "MQLs", "zh": "MQL"},
    "drill_short_sqls": {"en": "SQLs", "zh": "SQL"},
    "drill_short_wins": {"en": "Wins", "zh": "赢单"},
    "drill_short_revenue": {"en": "Revenue", "zh": "赢单额"},
    "drill_short_response_sla": {"en": "In SLA", "zh": "及时响应"},
    "drill_more_columns": {"en": "More columns", "zh": "更多列"},
    "drill_more_columns_help": {"en": "Also show: {names}. The choice is kept in the page's link.",
                                "zh": "同时显示：{names}。选择会保存在页面链接中。"},
    "drill_col_targets_met": {"en": "Targets met", "zh": "达标目标数"},
    "drill_help_achievement": {
        "en": "Leads ÷ lead target for the same days (each month's target pro-rated by calendar days). "
              "100% = on target; the bar is green from 100%.",
        "zh": "线索数 ÷ 同期线索目标（每月目标按日历天数折算）。100% 即达标；达到 100% 起进度条为绿色。"},
    "drill_help_gap": {
        "en": "Gap to the lead target: leads − lead target for the same days. Negative = behind. The table is sorted "
              "by it, the biggest shortfall first; rows without a target come last.",
        "zh": "与线索目标的差距：线索数 − 同期线索目标。负数表示落后。表格按此排序，差距最大者在前；无目标的行排在最后。"},
    "drill_help_target": {
        "en": "Lead target: the monthly lead target pro-rated by calendar days to the selected period (up to the "
              "as-of date).",
        "zh": "线索目标：月度线索目标按日历天数折算到所选周期（截至基准日期）。"},
    "drill_help_trend": {
        "en": "Leads per 7 days over the last 12 weeks, up to {end}. Green when rising, red when falling.",
        "zh": "截至 {end} 的近 12 周每 7 天线索数。上升为绿色，下降为红色。"},
    "drill_help_targets_met": {
        "en": "How many of the person's targets (any metric) are at 100% or more for the period.",
        "zh": "该成员在本周期内达成率达到 100% 及以上的目标个数（任意指标）。"},
    "drill_help_formula": {"en": "{description}\n\nFormula: {formula}", "zh": "{description}\n\n公式：{formula}"},
    # detail sections
    "drill_kpis": {"en": "Key numbers", "zh": "关键指标"},
    "drill_campaigns_of": {"en": "Campaigns of {name}", "zh": "{name}的活动"},
    "drill_trend": {"en": "Trend against target", "zh": "趋势与目标"},
    "drill_trend_of": {"en": "{metric} of {name}", "zh": "{name}的{metric}"},
    "drill_trend_no_target": {"en": "No target is set for {metric} here: the chart shows the actual only.",
                              "zh": "此处未设置{metric}目标：图中只显示实际值。"},
    "drill_grain": {"en": "Trend by", "zh": "趋势粒度"},
    "drill_grain_week": {"en": "Week", "zh": "周"},
    "drill_grain_month": {"en": "Month", "zh": "月"},
    "drill_metric": {"en": "Metric", "zh": "指标"},
    "drill_funnel": {"en": "Funnel (cohort)", "zh": "转化漏斗（同期群）"},
    "drill_funnel_caption": {
        "en": "Of the {leads} leads created {start} to {end}, how many reached each stage by {asof}. A lead that "
              "skipped a stage counts as having passed it. ↓ % = conversion from the stage above.",
        "zh": "在 {start} 至 {end} 创建的 {leads} 条线索中，截至 {asof} 到达各阶段的数量。跳过某阶段的线索视为已通过该阶段。"
              "↓ % 为相对上一阶段的转化率。"},
    "drill_funnel_empty": {"en": "No leads were created in this period.", "zh": "该周期内没有新建线索。"},
    "drill_funnel_share": {"en": "{share} of leads", "zh": "占线索 {share}"},
    "drill_funnel_stage": {"en": "Stage", "zh": "阶段"},
    "drill_costs": {"en": "Costs", "zh": "成本"},
    "drill_costs_caption": {"en": "Spend (bars) and cost per lead (line) per {grain}.",
                            "zh": "每{grain}花费（柱）与单条线索成本（线）。"},
    "drill_leads": {"en": "Leads", "zh": "线索"},
    "drill_leads_caption": {"en": "Leads {first}–{last} of {total} created {start} to {end}, newest first.",
                            "zh": "{start} 至 {end} 创建的 {total} 条线索中的第 {first}–{last} 条，最新在前。"},
    "drill_leads_none": {"en": "No leads were created in this period.", "zh": "该周期内没有新建线索。"},
    "drill_page": {"en": "Page (of {pages})", "zh": "页码（共 {pages} 页）"},
    "drill_vs_target": {"en": "{gap} ({achievement})", "zh": "{gap}（达成{achievement}）"},
    "drill_target_desc": {"en": "target {target}", "zh": "目标 {target}"},
    "drill_pp": {"en": "{value} pp", "zh": "{value} 个百分点"},
    "drill_definitions": {"en": "Definitions", "zh": "指标定义"},
    "drill_no_target": {"en": "no target", "zh": "无目标"},
    "drill_partial": {"en": "(so far)", "zh": "（截至目前）"},
    # stages
    "drill_stage_lead": {"en": "Lead", "zh": "线索"},
    "drill_stage_mql": {"en": "MQL", "zh": "MQL"},
    "drill_stage_sql": {"en": "SQL", "zh": "SQL"},
    "drill_stage_won": {"en": "Won", "zh": "赢单"},
    "drill_stage_lost": {"en": "Lost", "zh": "输单"},
    # charts
    "drill_axis_period": {"en": "Period", "zh": "周期"},
    "drill_axis_achievement": {"en": "Achievement", "zh": "达成率"},
    "drill_axis_spend": {"en": "Spend", "zh": "花费"},
    "drill_axis_cpl": {"en": "Cost per lead", "zh": "单条线索成本"},
    "drill_series_actual": {"en": "Actual", "zh": "实际"},
    "drill_series_target": {"en": "Target", "zh": "目标"},
    # team page
    "drill_team_kpis": {"en": "Team KPIs against target", "zh": "团队 KPI 达成"},
    "drill_team_kpis_caption": {
        "en": "Achievement of every team target for the period: green at 100% or more; the dashed line is the "
              "target. Lower-is-better KPIs (cost, spend) count as achieved when at or under target.",
        "zh": "本周期各团队目标的达成率：达到 100% 及以上为绿色；虚线为目标。越低越好的指标（成本、花费）低于或等于目标即为达成。"},
    "drill_people": {"en": "People", "zh": "成员"},
    "drill_person_kpis": {"en": "Targets of {name}", "zh": "{name}的目标"},
    "drill_person_channels": {"en": "Channels {name} owns", "zh": "{name}负责的渠道"},
    "drill_person_campaigns": {"en": "Campaigns {name} owns", "zh": "{name}负责的活动"},
    "drill_person_no_channels": {"en": "{name} owns no channel.", "zh": "{name}没有负责的渠道。"},
    "drill_person_no_campaigns": {"en": "{name} owns no campaign that ran in this period.",
                                  "zh": "{name}在本周期内没有负责的活动。"},
    "drill_person_no_targets": {"en": "No target is set for {name} in this period.", "zh": "本周期未给{name}设置目标。"},
    "drill_open_channels": {"en": "Open {name} on the Channels page", "zh": "在渠道页面打开{name}"},
    "drill_scores_title": {"en": "Plan scores", "zh": "考核得分"},
    "drill_scores_card": {"en": "Card", "zh": "考核卡"},
    "drill_scores_name": {"en": "Who", "zh": "对象"},
    "drill_scores_period": {"en": "Plan period", "zh": "计划周期"},
    "drill_scores_final": {"en": "Final score", "zh": "最终得分"},
    "drill_scores_grade": {"en": "Grade", "zh": "等级"},
    "drill_scores_bonus": {"en": "Bonus", "zh": "奖金"},
    "drill_scores_caption": {"en": "Scores of the active KPI plans as of {asof}.",
                             "zh": "截至{asof}的生效KPI计划得分。"},
    "drill_scores_caption_running": {
        "en": "Scores of the active KPI plans as of {asof}; the period is still running: data so far against the "
              "targets pro-rated to the days so far, provisional (grades and bonuses when the period closes).",
        "zh": "截至{asof}的生效KPI计划得分；周期尚未结束：以目前数据对比按已过天数分摊的目标，为暂定结果（周期结束后确定等级和奖金）。"},
    "drill_scores_open": {"en": "Scorecard: {name}", "zh": "考核卡：{name}"},
}
