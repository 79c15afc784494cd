"""Strings of the Analytics page (issue 16): forecast, budget what-if, attribution."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "analytics_title": {"en": "Analytics", "zh": "分析"},
    "analytics_intro": {
        "en": "Where the period will end, what moving budget between channels would do, and which channels earn "
              "the credit for leads and wins. Every method is explained in docs/analytics.md.",
        "zh": "本期会在哪里收尾、在渠道间调整预算会带来什么、线索和赢单应归功于哪些渠道。各方法的说明见 docs/analytics.md。"},
    "analytics_tab_forecast": {"en": "Forecast", "zh": "预测"},
    "analytics_tab_budget": {"en": "Budget what-if", "zh": "预算推演"},
    "analytics_tab_attribution": {"en": "Attribution", "zh": "归因"},
    "analytics_data_through": {"en": "Data through {day}.", "zh": "数据截至 {day}。"},
    # forecast
    "analytics_fc_metric": {"en": "KPI", "zh": "指标"},
    "analytics_fc_grain": {"en": "Period", "zh": "周期"},
    "analytics_fc_grain_month": {"en": "This month", "zh": "本月"},
    "analytics_fc_grain_quarter": {"en": "This quarter", "zh": "本季度"},
    "analytics_fc_actual": {"en": "So far", "zh": "截至目前"},
    "analytics_fc_projected": {"en": "Projected at period end", "zh": "期末预测"},
    "analytics_fc_band": {"en": "80% band", "zh": "80% 区间"},
    "analytics_fc_target": {"en": "Target", "zh": "目标"},
    "analytics_fc_no_target": {"en": "no target set", "zh": "未设目标"},
    "analytics_fc_no_band": {
        "en": "Too little history for a band (it needs about six weeks of daily data before the period).",
        "zh": "历史数据太少，无法给出区间（需要本期之前约六周的每日数据）。"},
    "analytics_fc_how": {
        "en": "Projection: recent level × weekday pattern for the days left. The band is how far the same "
              "projection missed from every earlier day of the last six months: 8 times in 10 the outcome lands "
              "inside it.",
        "zh": "预测：剩余天数按近期水平 × 星期规律推算。区间来自过去六个月每一天用同样方法预测时的实际偏差："
              "十次中约有八次结果落在区间内。"},
    "analytics_fc_chart": {"en": "{metric}: cumulative actual, projection and 80% band",
                           "zh": "{metric}：累计实际、预测与 80% 区间"},
    "analytics_series_actual": {"en": "Actual", "zh": "实际"},
    "analytics_series_projected": {"en": "Projected", "zh": "预测"},
    "analytics_axis_date": {"en": "Date", "zh": "日期"},
    # budget
    "analytics_bw_none": {
        "en": "No channel has enough history for a response curve: upload weekly spend and leads of at least "
              "8 weeks per paid channel on the Data page.",
        "zh": "没有渠道的历史足以拟合响应曲线：请在数据页上传每个付费渠道至少 8 周的花费和线索。"},
    "analytics_bw_fitted": {
        "en": "Response curves fitted on {weeks} weeks of spend and leads per channel ({start} – {end}); "
              "amounts are per week. Channels without spend (organic) have no curve.",
        "zh": "按渠道用 {weeks} 周的花费与线索拟合响应曲线（{start} – {end}）；金额均为每周。无花费的渠道（自然流量）没有曲线。"},
    "analytics_bw_curves": {"en": "Weekly leads by weekly spend (dots: past weeks)",
                            "zh": "每周线索 vs 每周花费（点：历史周）"},
    "analytics_bw_spend": {"en": "Weekly spend", "zh": "每周花费"},
    "analytics_bw_leads": {"en": "Leads per week", "zh": "每周线索"},
    "analytics_bw_channel": {"en": "Channel", "zh": "渠道"},
    "analytics_bw_model": {"en": "Model", "zh": "模型"},
    "analytics_bw_fit": {"en": "Fit (R²)", "zh": "拟合度（R²）"},
    "analytics_bw_win_rate": {"en": "Win rate", "zh": "赢单率"},
    "analytics_bw_now": {"en": "Spend now", "zh": "当前花费"},
    "analytics_bw_move": {"en": "Move budget", "zh": "调整预算"},
    "analytics_bw_from": {"en": "From", "zh": "从"},
    "analytics_bw_to": {"en": "To", "zh": "到"},
    "analytics_bw_amount": {"en": "Amount per week", "zh": "每周金额"},
    "analytics_bw_leads_metric": {"en": "Leads per week", "zh": "每周线索"},
    "analytics_bw_cac_metric": {"en": "CAC", "zh": "获客成本"},
    "analytics_bw_band": {"en": "80% band {low} – {high}", "zh": "80% 区间 {low} – {high}"},
    "analytics_bw_outside": {
        "en": "Spend on {channels} would leave the range history has seen: the prediction is an extrapolation.",
        "zh": "{channels} 的花费将超出历史范围：预测属于外推。"},
    "analytics_bw_optimise": {"en": "Propose a split", "zh": "建议分配"},
    "analytics_bw_budget": {"en": "Weekly budget", "zh": "每周预算"},
    "analytics_bw_objective": {"en": "Maximise", "zh": "最大化"},
    "analytics_bw_obj_leads": {"en": "Leads", "zh": "线索"},
    "analytics_bw_obj_wins": {"en": "Won deals", "zh": "赢单"},
    "analytics_bw_limits": {"en": "Each channel between (% of its spend now)", "zh": "各渠道范围（占当前花费的 %）"},
    "analytics_bw_current": {"en": "Now", "zh": "当前"},
    "analytics_bw_proposed": {"en": "Proposed", "zh": "建议"},
    "analytics_bw_even": {"en": "Even split", "zh": "平均分配"},
    "analytics_bw_split": {"en": "Split", "zh": "分配"},
    "analytics_bw_infeasible": {"en": "No split fits these limits: {reason}", "zh": "在这些限制下无法分配：{reason}"},
    # attribution
    "analytics_at_source_touches": {
        "en": "Credit from the touches table ({start} – {end}); leads without touches count as one touch on "
              "their own channel.",
        "zh": "按触点表分配功劳（{start} – {end}）；没有触点的线索按其自身渠道计为一次触点。"},
    "analytics_at_source_derived": {
        "en": "The touches table is empty, so every lead counts as one touch on its own channel (first touch = "
              "last touch) and all models agree. Upload a touches export (lead, channel, campaign, time) on the Data "
              "page to compare them.",
        "zh": "触点表为空，每条线索按其自身渠道计为一次触点（首次触点 = 末次触点），各模型结果相同。"
              "在数据页面上传触点导出文件（线索、渠道、活动、时间）后即可比较。"},
    "analytics_at_none": {"en": "No leads or wins in {start} – {end}.", "zh": "{start} – {end} 没有线索或赢单。"},
    "analytics_at_chart": {"en": "CAC by channel under each model", "zh": "各归因模型下的渠道获客成本"},
    "analytics_at_table": {"en": "Credited wins and CAC by channel", "zh": "各渠道的归因赢单与获客成本"},
    "analytics_at_window": {"en": "Window", "zh": "时间范围"},
    "analytics_at_days": {"en": "Last {days} days", "zh": "最近 {days} 天"},
    "analytics_at_model_first_touch": {"en": "First touch", "zh": "首次触点"},
    "analytics_at_model_last_touch": {"en": "Last touch", "zh": "末次触点"},
    "analytics_at_model_linear": {"en": "Linear", "zh": "线性"},
    "analytics_at_model_time_decay": {"en": "Time decay (7-day half-life)", "zh": "时间衰减（半衰期 7 天）"},
    "analytics_at_model_position": {"en": "Position-based 40/20/40", "zh": "位置加权 40/20/40"},
    "analytics_at_wins": {"en": "Wins", "zh": "赢单"},
    "analytics_at_model": {"en": "Model", "zh": "归因模型"},
    "analytics_at_leads": {"en": "Leads", "zh": "线索"},
    "analytics_at_spend": {"en": "Spend", "zh": "花费"},
    "analytics_at_cac": {"en": "CAC", "zh": "获客成本"},
    # the forecast line of the metric cards (ui/cards.py): the value at the period end and its 80% band
    "cards_forecast_month": {"en": "Forecast end of month: {value}", "zh": "月末预测：{value}"},
    "cards_forecast_week": {"en": "Forecast end of week: {value}", "zh": "本周结束时预测：{value}"},
    "cards_forecast_quarter": {"en": "Forecast end of quarter: {value}", "zh": "季末预测：{value}"},
    "cards_forecast_year": {"en": "Forecast end of year: {value}", "zh": "年末预测：{value}"},
    "cards_forecast_day": {"en": "Forecast for the day: {value}", "zh": "当日预测：{value}"},
    "cards_forecast_custom": {"en": "Forecast end of period: {value}", "zh": "期末预测：{value}"},
    "cards_forecast_help": {
        "en": "Where the metric is expected to end the period, and in brackets its 80% range (8 in 10 past "
              "projections of this store ended inside it), from up to 26 weeks of daily data. “—”: too little "
              "history, a period not begun or already over, or a metric that is not a count, a sum or a ratio of them.",
        "zh": "指标预计在期末达到的值，括号内为 80% 区间（本库过去的预测有八成落在其中），基于最多 26 周的每日数据。"
              "“—”表示历史数据不足、周期尚未开始或已经结束，或该指标不是计数、求和或它们的比率。",
    },
}
