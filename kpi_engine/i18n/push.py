"""push strings (en, zh): the 9:00 digests, alerts and the Delivery page (kpi_engine.push, ui/delivery.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # Digests (kpi_engine.push.compose)
    "push_title_standup": {"en": "Standup {day} · data through {through}", "zh": "站会 {day} · 数据截至 {through}"},
    "push_sec_pacing": {"en": "Pacing", "zh": "进度"},
    "push_sec_off_track": {"en": "Off track", "zh": "落后的 KPI"},
    "push_sec_alerts": {"en": "Alerts", "zh": "提醒"},
    "push_card_additive": {
        "en": "{name}: yesterday {yesterday} (target {yesterday_target}) · week {wtd} of {wtd_target} · month {mtd} of "
              "{month_target}, heading for {projected} ({achievement}) · {status}",
        "zh": "{name}：昨天 {yesterday}（目标 {yesterday_target}）· 本周 {wtd} / {wtd_target} · 本月 {mtd} / "
              "{month_target}，预计 {projected}（{achievement}）· {status}",
    },
    "push_card_rate": {
        "en": "{name}: yesterday {yesterday} · week {wtd} · month {mtd} (target {month_target}, {achievement}) · {status}",
        "zh": "{name}：昨天 {yesterday} · 本周 {wtd} · 本月 {mtd}（目标 {month_target}，{achievement}）· {status}",
    },
    "push_off_track_card": {"en": "{name}: {status}, {achievement} of target at this pace",
                            "zh": "{name}：{status}，按当前进度完成 {achievement}"},
    "push_none_off_track": {"en": "Nothing is off track.", "zh": "没有落后的 KPI。"},
    "push_stale": {"en": "The data is {days} day(s) behind: the last day with data is {day}.",
                   "zh": "数据滞后 {days} 天：最后有数据的日期为 {day}。"},
    "push_no_data": {"en": "No data yet: upload exports on the Data page.", "zh": "还没有数据：请在“数据”页面上传导出文件。"},
    "push_chart_standup": {"en": "Month to date: projected achievement", "zh": "本月至今：预计完成率"},
    "push_chart_review": {"en": "Achievement by KPI", "zh": "各 KPI 完成率"},
    "push_link_standup": {"en": "Open the Standup", "zh": "打开站会看板"},
    "push_link_review": {"en": "Open the review", "zh": "打开复盘"},
    "push_review_row": {"en": "{kpi}: {actual} of {target} ({achievement}) · {pace}",
                        "zh": "{kpi}：{actual} / {target}（{achievement}）· {pace}"},
    "push_review_week_row": {"en": "{kpi}: week {actual} of {target} · period {period_actual} of {period_target} · {pace}",
                             "zh": "{kpi}：本周 {actual} / {target} · 本期 {period_actual} / {period_target} · {pace}"},
    "push_more": {"en": "… and {n} more on the page.", "zh": "…… 另有 {n} 项，见页面。"},
    "push_scope_team": {"en": "Team", "zh": "团队"},
    "push_scope_person": {"en": "person", "zh": "成员"},
    "push_scope_channel": {"en": "channel", "zh": "渠道"},
    "push_scope_campaign": {"en": "campaign", "zh": "活动"},
    "push_scope_unnamed": {"en": "a {kind} without a name", "zh": "未命名{kind}"},
    "push_test_title": {"en": "Test message from the KPI dashboard", "zh": "KPI 看板测试消息"},
    "push_test_line": {"en": "If you can read this, {name} is set up.", "zh": "看到这条消息，说明 {name} 已配置好。"},
    # Alerts (kpi_engine.push.rules, kpi_engine.push.alerts)
    "push_title_alerts": {"en": "{n} new alert(s) · data of {day}", "zh": "{n} 条新提醒 · {day} 的数据"},
    "push_alert_behind_pace": {
        "en": "{name} is behind pace: {mtd} this month against {expected} expected by now (target {target}); at this "
              "pace it ends at {projected}, {achievement} of target (the rule fires below {limit}).",
        "zh": "{name} 进度落后：本月至今 {mtd}，按进度应为 {expected}（目标 {target}）；按当前速度月底约 {projected}，"
              "完成 {achievement}（规则：低于 {limit} 提醒）。",
    },
    "push_alert_over_budget": {
        "en": "Spend is above budget pace: {spent} this month against {planned} planned by now ({ratio}; monthly budget "
              "{budget}; the rule fires above {limit}).",
        "zh": "花费超出预算进度：本月至今 {spent}，按进度计划 {planned}（{ratio}；月预算 {budget}；规则：高于 {limit} 提醒）。",
    },
    "push_alert_leads_zero": {
        "en": "{name} had no leads yesterday, after leads on {days} of the {window} days before.",
        "zh": "{name} 昨天没有线索，而此前 {window} 天中有 {days} 天都有线索。",
    },
    "push_alert_rate_drop": {
        "en": "{name} ({where}) fell to {value}, below its usual range for a {weekday}: median {median} over the last "
              "{weeks} {weekday}s, lower bound {low} (robust z {z}).",
        "zh": "{name}（{where}）降至 {value}，低于{weekday}的正常范围：过去 {weeks} 个{weekday}的中位数为 {median}，"
              "下限 {low}（稳健 z 值 {z}）。",
    },
    "push_weekday_0": {"en": "Monday", "zh": "周一"},
    "push_weekday_1": {"en": "Tuesday", "zh": "周二"},
    "push_weekday_2": {"en": "Wednesday", "zh": "周三"},
    "push_weekday_3": {"en": "Thursday", "zh": "周四"},
    "push_weekday_4": {"en": "Friday", "zh": "周五"},
    "push_weekday_5": {"en": "Saturday", "zh": "周六"},
    "push_weekday_6": {"en": "Sunday", "zh": "周日"},
}
