"""Strings of the shared period model: the sidebar's compare-to control, the comparison columns, and what the
Standup and the Reviews page show for the selected period (issue 11, point 1)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "period_compare": {"en": "Compare to", "zh": "对比"},
    "period_compare_previous": {"en": "Previous period", "zh": "上期"},
    "period_compare_last_year": {"en": "Same period last year", "zh": "去年同期"},
    "period_compare_both": {"en": "Both", "zh": "上期和去年同期"},
    "period_compare_none": {"en": "None", "zh": "不对比"},
    "period_compare_help": {
        "en": "Numbers side by side with the previous period and the same period a year earlier, over the same "
              "elapsed days: while a period runs, its days 1 to k against days 1 to k of the other (never past its "
              "end); a closed period against the whole other one. A week's last year is 52 weeks earlier.",
        "zh": "与上期及去年同期并排对比，按相同的已过天数：周期进行中时，以本期第 1 至 k 天对比对方的第 1 至 k 天（不超过其结束日）；"
              "已结束的周期对比对方整个周期。周的去年同期为 52 周前。",
    },
    "period_morning_pinned": {"en": "Viewed as on the morning of {day} (set by the link)",
                              "zh": "按 {day} 早上的视角查看（由链接指定）"},
    # comparison columns (short: they must fit at 1440 and 390 px in both languages)
    "cmp_title": {"en": "Compared with", "zh": "对比"},
    "cmp_col_kpi": {"en": "KPI", "zh": "指标"},
    "cmp_col_this": {"en": "This period", "zh": "本期"},
    "cmp_col_previous": {"en": "Previous", "zh": "上期"},
    "cmp_col_vs_previous": {"en": "vs previous", "zh": "较上期"},
    "cmp_col_last_year": {"en": "Last year", "zh": "去年同期"},
    "cmp_col_vs_last_year": {"en": "vs last year", "zh": "较去年"},
    "cmp_col_window_help": {"en": "{what}: {start} to {end}", "zh": "{what}：{start} 至 {end}"},
    "cmp_col_change_help": {
        "en": "Change against {what} ({start} to {end}): relative for counts and amounts, in percentage points "
              "(pp) for rates.",
        "zh": "相对{what}（{start} 至 {end}）的变化：数量和金额为相对变化，比率为百分点（pp）差。",
    },
    "cmp_this_help": {"en": "{start} to {end}", "zh": "{start} 至 {end}"},
    "cmp_not_begun": {"en": "Nothing to compare yet: the period has not begun.", "zh": "周期尚未开始，暂无对比。"},
    # the Standup and the Reviews page under the shared period
    "standup_period_caption": {
        "en": "Numbers through {through}. The sidebar's period picks the meeting: a running period opens today's "
              "standup; a past day, week, month or quarter opens the standup held the morning after it ended, with "
              "its final numbers. The pacing board covers the KPI plan's period.",
        "zh": "数据截至 {through}。侧边栏的周期决定晨会日期：进行中的周期显示今天的晨会；已结束的日、周、月或季度显示其结束后次日早上的晨会"
              "（数据完整）。进度看板按 KPI 计划的周期统计。",
    },
    "standup_period_future": {"en": "{label} has not begun yet: this is the standup of {day}.",
                              "zh": "{label} 尚未开始：以下为 {day} 的晨会。"},
    "reviews_shown_weekly": {
        "en": "Reviews are weekly or monthly. For the period {label} this is the weekly review of {review} "
              "({start} to {end}), the week that holds it; pick a week or a month in the sidebar to choose directly.",
        "zh": "复盘按周或按月进行。所选周期 {label} 对应包含它的周复盘 {review}（{start} 至 {end}）；在侧边栏选择周或月可直接指定。",
    },
    "reviews_shown_monthly": {
        "en": "Reviews are weekly or monthly. For the period {label} this is the monthly review of {review} "
              "({start} to {end}), the month of its last day with data; pick a week or a month in the sidebar to "
              "choose directly.",
        "zh": "复盘按周或按月进行。所选周期 {label} 对应其最后一个有数据日期所在月份的月度复盘 {review}（{start} 至 {end}）；"
              "在侧边栏选择周或月可直接指定。",
    },
}
