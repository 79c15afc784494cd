"""Strings of scores, grades and running periods (en, zh)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "scores_not_enough_data": {
        "en": "Not enough data to grade: the measured KPIs carry {measured} of the weight, below the minimum of "
              "{minimum}. No grade or bonus until more KPIs can be measured.",
        "zh": "数据不足，暂不评级：可衡量的 KPI 仅占权重的 {measured}，低于最低要求 {minimum}。在更多 KPI 可衡量之前不评定等级和奖金。"},
    "scores_provisional": {
        "en": "Provisional: the period is still running, so each KPI is compared with its target pro-rated to the days "
              "so far. The grade and bonus are set when the period closes ({closes}).",
        "zh": "暂定：考核期尚未结束，每个 KPI 与按已过天数分摊的目标比较。等级和奖金在考核期结束（{closes}）后确定。"},
    "scores_status_final": {"en": "Final", "zh": "最终"},
    "scores_status_provisional": {"en": "Provisional", "zh": "暂定"},
    "scores_status_insufficient": {"en": "Not enough data to grade", "zh": "数据不足，暂不评级"},
    "scores_status_none": {"en": "Nothing measured", "zh": "无可衡量数据"},
    # the same, short enough for the grade card on the Scorecards page
    "scores_short_provisional": {"en": "Pending", "zh": "待定"},
    "scores_short_insufficient": {"en": "No grade", "zh": "不评级"},
    "scores_short_none": {"en": "—", "zh": "—"},
    "scores_target_to_date": {
        "en": "Target to date: {base} for the whole period × {share} of it elapsed ({method}) = {target}.",
        "zh": "截至目前的目标：全期目标 {base} × 已过进度 {share}（{method}）= {target}。"},
    "scores_reduction": {
        "en": "The metric is better lower, so this growth KPI scores the reduction: (previous − this) / previous = {value}.",
        "zh": "该指标越低越好，因此这个增长类 KPI 按降幅计分：（上期 − 本期）/ 上期 = {value}。"},
    "scores_method_calendar": {"en": "by calendar days", "zh": "按自然日"},
    "scores_method_working": {"en": "by Chinese working days", "zh": "按中国工作日"},
    "scores_method_seasonal": {"en": "by last year's shape", "zh": "按去年同期走势"},
    "scores_method_custom": {"en": "by the plan's own profile", "zh": "按计划自定义分布"},
    "scores_reduction_name_pop": {"en": "{name} reduction (period over period)", "zh": "{name}环比降幅"},
    "scores_reduction_name_yoy": {"en": "{name} reduction (year over year)", "zh": "{name}同比降幅"},
    # A closed period is never "at risk": it reached its target or missed it (kpi_engine.pacing.pace)
    "plans_pace_achieved": {"en": "target reached", "zh": "已达成"},
    "plans_pace_missed": {"en": "target missed", "zh": "未达成"},
    "standup_status_achieved": {"en": "Target reached", "zh": "已达成"},
    "standup_status_missed": {"en": "Target missed", "zh": "未达成"},
}
