"""Strings of the Standup's pacing board (issue 11, point 2)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "pace_title": {"en": "Pacing board", "zh": "进度看板"},
    "pace_help": {
        "en": "Every team KPI of the active team plan, over the period's days so far. Target to date: the period "
              "target pro-rated to the days so far by the plan's method (a rate's target stays as it is). Progress: "
              "the actual against the target to date (a full bar = on the pro-rated target). Pace: the projected "
              "achievement at the period end (counts projected from the run rate; rates as they are; spend is a "
              "budget: spent against planned to date). Forecast: the period end projected from the daily history, with "
              "the range that 8 in 10 past projections ended inside. The comparisons use the same number of days of "
              "the previous period and of the same period last year; rates change in percentage points.",
        "zh": "当前生效团队方案的每个团队 KPI，统计本周期至今的天数。至今目标：按方案的分摊方式把周期目标分摊到已过天数"
              "（比率类目标不变）。进度条：实际值与至今目标之比（满格即达到分摊目标）。节奏：按当前速度推算到周期末的达成率"
              "（数量按日均推算，比率按当前值；花费为预算：已花费与至今计划之比）。预测：按每日历史推算的期末值及 80% 区间。"
              "对比均取上一周期和去年同期相同的天数；比率按百分点变化。",
    },
    "pace_caption_plan": {
        "en": "{plan} · {start} to {end} · day {days} of {total}",
        "zh": "{plan} · {start} 至 {end} · 第 {days} 天 / 共 {total} 天",
    },
    "pace_caption_targets": {
        "en": "No active team plan for {period}: the month's stored team targets · day {days} of {total}",
        "zh": "{period} 没有生效的团队方案：使用本月已存的团队目标 · 第 {days} 天 / 共 {total} 天",
    },
    "pace_not_started": {"en": "The period starts on {start}: nothing to pace yet.",
                         "zh": "周期从 {start} 开始，暂无可推算的数据。"},
    "pace_no_kpis": {"en": "The plan has no team KPI: add one on the Plan page.",
                     "zh": "该方案没有团队 KPI：请在方案页添加。"},
    "pace_col_kpi": {"en": "KPI", "zh": "KPI"},
    "pace_col_actual": {"en": "Actual", "zh": "实际"},
    "pace_col_target": {"en": "Target to date", "zh": "至今目标"},
    "pace_col_progress": {"en": "Progress", "zh": "进度"},
    "pace_col_pace": {"en": "Pace", "zh": "节奏"},
    "pace_col_projected": {"en": "Proj. end", "zh": "预计期末"},
    "pace_col_forecast": {"en": "Forecast (80%)", "zh": "预测（80%）"},
    "pace_col_forecast_help": {
        "en": "The forecast's value at the period end and, in brackets, its 80% range: 8 in 10 past projections "
              "ended inside it. Learned from up to 26 weeks of daily data (recent weeks and each weekday's shape "
              "count); empty when there is too little history. Projected end uses the run rate instead.",
        "zh": "预测的期末值，括号内为 80% 区间：过去的预测有八成落在其中。基于最多 26 周的每日数据（近几周与星期规律权重更高）；"
              "历史数据不足时留空。“预计期末”则按当前速度推算。",
    },
    "pace_col_vs_previous": {"en": "vs previous", "zh": "较上期"},
    "pace_col_vs_last_year": {"en": "vs last year", "zh": "较去年同期"},
    "pace_col_owner": {"en": "Owner", "zh": "负责人"},
    "pace_col_target_help": {"en": "The period target pro-rated to the days so far; the whole period's in brackets.",
                             "zh": "按已过天数分摊的周期目标；括号内为整个周期的目标。"},
    "pace_col_progress_help": {"en": "Actual against the target to date (100% = exactly on the pro-rated target).",
                               "zh": "实际值与至今目标之比（100% 即恰好达到分摊目标）。"},
    "pace_col_pace_help": {"en": "Projected achievement at the period end, and its status.",
                           "zh": "推算到周期末的达成率及状态。"},
    "pace_col_projected_help": {"en": "Projected end: where the KPI ends the period at the current run rate (a rate: as it is).",
                                "zh": "按当前速度推算的期末值（比率：当前值）。"},
    "pace_col_vs_help": {"en": "Against {start} to {end}: the same elapsed days of the {what} (all of it once the "
                               "period is over). Relative change; rates in percentage points (pp). Green: better, "
                               "red: worse, by the KPI's direction.",
                         "zh": "与 {start} 至 {end}（{what}的相同已过天数，周期结束后为整个周期）相比：相对变化；比率按百分点（pp）。"
                               "绿色为变好，红色为变差（按 KPI 方向）。"},
    "pace_previous_period": {"en": "previous period", "zh": "上一周期"},
    "pace_last_year": {"en": "same period last year", "zh": "去年同期"},
    "standup_more_title": {"en": "Yesterday and week to date, per metric", "zh": "各指标：昨天与本周至今"},
}
