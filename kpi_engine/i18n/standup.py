"""standup strings (en, zh): the Standup page and the standup engine's alert sentences."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # Alerts (kpi_engine.standup.alerts)
    "standup_alert_pace_title": {"en": "Behind pace: {name}", "zh": "进度落后：{name}"},
    "standup_alert_pace_text": {
        "en": "{name} has {actual} leads this month against {expected} expected by now (monthly target {target}). "
              "At this pace it ends the month at {projected} ({achievement} of target). "
              "It carries {share} of the team's lead target.",
        "zh": "{name} 本月至今 {actual} 条线索，按进度应有 {expected} 条（月目标 {target}）。"
              "按当前速度月底约 {projected} 条（完成 {achievement}）。该渠道占团队线索目标的 {share}。",
    },
    "standup_alert_sla_title": {"en": "Response SLA missed", "zh": "线索响应超时"},
    "standup_alert_sla_text": {
        "en": "{late} of {leads} leads created this week ({late_yesterday} yesterday) were not answered within "
              "{hours} h: {rate} answered in time, target {target}. Most late leads: {owners}.",
        "zh": "本周新建的 {leads} 条线索中有 {late} 条未在 {hours} 小时内响应（昨天 {late_yesterday} 条）："
              "及时响应率 {rate}，目标 {target}。超时最多：{owners}。",
    },
    "standup_alert_sla_text_noowner": {
        "en": "{late} of {leads} leads created this week ({late_yesterday} yesterday) were not answered within "
              "{hours} h: {rate} answered in time, target {target}. They have no owner.{owners}",
        "zh": "本周新建的 {leads} 条线索中有 {late} 条未在 {hours} 小时内响应（昨天 {late_yesterday} 条）："
              "及时响应率 {rate}，目标 {target}。这些线索没有负责人。{owners}",
    },
    "standup_alert_spend_title": {"en": "Unusual spend: {name}", "zh": "花费异常：{name}"},
    "standup_alert_spend_text": {
        "en": "The {kind} {name} spent {spent} yesterday, {ratio}× its usual {usual} a day (median of the {days} "
              "days before): {excess} above usual, {share} of the team's daily budget.",
        "zh": "{kind}「{name}」昨天花费 {spent}，是平时每天 {usual}（前 {days} 天中位数）的 {ratio} 倍："
              "多花 {excess}，相当于团队日预算的 {share}。",
    },
    "standup_scope_channel": {"en": "channel", "zh": "渠道"},
    "standup_scope_campaign": {"en": "campaign", "zh": "活动"},
    "standup_scope_team": {"en": "team", "zh": "团队"},
    # The Standup page (app_pages/standup.py, ui/standup.py)
    "standup_title": {"en": "Standup · {day}", "zh": "晨会 · {day}"},
    "standup_asof": {"en": "Meeting day", "zh": "晨会日期"},
    "standup_asof_help": {
        "en": "The standup shows the numbers up to the day before this date. Kept in the link (?asof=YYYY-MM-DD).",
        "zh": "晨会显示截至该日期前一天的数据。会保存在链接中（?asof=YYYY-MM-DD）。",
    },
    "standup_windows": {
        "en": "Yesterday: {yesterday} · week to date: {week} → {end} · month to date: {month} → {end}",
        "zh": "昨天：{yesterday} · 本周至今：{week} → {end} · 本月至今：{month} → {end}",
    },
    "standup_fresh": {
        "en": ":material/database: **Data as of {last}** · last upload: {upload} · data last changed {changed}",
        "zh": ":material/database: **数据截至 {last}** · 最近上传：{upload} · 数据最近更新 {changed}",
    },
    "standup_upload": {"en": "{file} ({table}), {when}", "zh": "{file}（{table}），{when}"},
    "standup_no_upload": {"en": "none yet (demo or imported data)", "zh": "暂无（演示或导入的数据）"},
    "standup_stale": {
        "en": "The data ends on {last}, {days} day(s) before yesterday: the latest numbers are not loaded yet, so "
              "yesterday and this week show no value. Upload the latest exports, or look at the standup of the day "
              "after the data ends.",
        "zh": "数据截至 {last}，比昨天早 {days} 天：最新数据尚未上传，因此昨天和本周显示为无数据。"
              "请上传最新导出文件，或查看数据截止日次日的晨会。",
    },
    "standup_stale_jump": {"en": "Show the standup of {day}", "zh": "查看 {day} 的晨会"},
    "standup_stale_upload": {"en": "Upload the latest exports", "zh": "上传最新导出文件"},
    "standup_empty": {
        "en": "No data yet, so there is nothing to stand up about. Load the demo department to look around, or "
              "upload your CRM and ad-platform exports on the Data page.",
        "zh": "还没有数据，晨会无内容可看。可以先加载演示数据体验，或在“数据”页上传 CRM 和广告平台的导出文件。",
    },
    "standup_metric_help": {
        "en": "**{name}**: {description}\n\nFormula: {formula}\n\nTarget: the month's target pro-rated by calendar "
              "days (yesterday = 1 day of it, week to date = the days from Monday).",
        "zh": "**{name}**：{description}\n\n公式：{formula}\n\n目标：月目标按日历天数分摊（昨天为 1 天，"
              "本周至今为周一起的天数）。",
    },
    "standup_vs_target": {"en": "{change} vs {target}", "zh": "{change}（目标 {target}）"},
    "standup_yesterday": {"en": "Yesterday", "zh": "昨天"},
    "standup_wtd": {"en": "Week to date", "zh": "本周至今"},
    "standup_trend_help": {"en": "The line: the last {weeks} complete weeks.", "zh": "折线/柱：最近 {weeks} 个完整周。"},
    "standup_card_month": {
        "en": "Month to date {mtd} → projected {projected} of {target} ({achievement})",
        "zh": "本月至今 {mtd} → 预计 {projected} / 目标 {target}（{achievement}）",
    },
    "standup_card_ratio": {"en": "Month to date {mtd} · target {target}", "zh": "本月至今 {mtd} · 目标 {target}"},
    "standup_card_budget": {
        "en": "Month to date {mtd}: {ratio} of the {planned} planned by now (budget {target})",
        "zh": "本月至今 {mtd}：为按进度计划 {planned} 的 {ratio}（月预算 {target}）",
    },
    "standup_card_notarget": {"en": "Month to date {mtd} · no target", "zh": "本月至今 {mtd} · 无目标"},
    "standup_card_nodata": {"en": "No data this month yet", "zh": "本月暂无数据"},
    "standup_status_on_track": {"en": "On track", "zh": "正常"},
    "standup_status_at_risk": {"en": "At risk", "zh": "有风险"},
    "standup_status_off_track": {"en": "Off track", "zh": "落后"},
    "standup_status_underspending": {"en": "Underspending", "zh": "花费不足"},
    "standup_status_overspending": {"en": "Overspending", "zh": "超支"},
    "standup_status_none": {"en": "No target", "zh": "无目标"},
    "standup_board_help": {
        "en": "Colours: pacing of the month to date to the month end. Arrows: against the pro-rated target.",
        "zh": "颜色：本月至今按进度推算到月底的状态。箭头：与分摊目标相比。",
    },
    "standup_pacing_help": {
        "en": "Counts are projected to the month end from the run rate (month to date ÷ share of the month "
              "elapsed): on track at 100% of the target or more, at risk from 50%, off track below. Rates (CPL, "
              "response SLA) are compared as they are. Spend is a budget, paced both ways: under 70% of the plan "
              "to date is underspending, 70–90% at risk, 90–110% on track, above 110% overspending.",
        "zh": "数量类指标按当前速度推算到月底（本月至今 ÷ 已过天数占比）：达到目标 100% 及以上为正常，50% 及以上为有风险，"
              "低于 50% 为落后。比率（获客成本、响应达标率）直接与目标比较。花费按预算双向监控：低于按进度计划的 70% 为"
              "花费不足，70–90% 有风险，90–110% 正常，超过 110% 为超支。",
    },
    "standup_alerts": {"en": "Most urgent", "zh": "最紧急事项"},
    "standup_alerts_help": {
        "en": "Ranked by severity: the share of a team target at stake. Behind pace: a channel's lead shortfall "
              "against its pro-rated target, as a share of the team's lead target to date. Response SLA: the SLA "
              "target minus the share of this week's leads answered in time. Unusual spend: yesterday's spend "
              "above {factor}× the median daily spend of the {days} days before, the excess as a share of the "
              "team's daily budget.",
        "zh": "按严重度排序：受影响的团队目标占比。进度落后：渠道线索相对分摊目标的缺口占团队至今线索目标的比例。"
              "响应超时：响应达标率目标减去本周线索的及时响应率。花费异常：昨天花费超过前 {days} 天日花费中位数的 "
              "{factor} 倍，超出部分占团队日预算的比例。",
    },
    "standup_severity": {"en": "severity {score}", "zh": "严重度 {score}"},
    "standup_no_alerts": {"en": "No alerts: every channel is on pace, leads are answered in time and spend is as "
                                "usual.", "zh": "没有警报：各渠道进度正常，线索响应及时，花费正常。"},
    "standup_more_alerts": {"en": "{n} more alert(s)", "zh": "另外 {n} 条警报"},
    "standup_open_channel": {"en": "Open the channel in Channels", "zh": "在渠道页查看该渠道"},
    "standup_open_campaign": {"en": "Open the campaign in Channels", "zh": "在渠道页查看该活动"},
    "standup_open_person": {"en": "Open {name} in Team & people", "zh": "在团队页查看 {name}"},
    "standup_open_people": {"en": "Open in Team & people:", "zh": "在团队页查看："},
    "standup_changes": {"en": "What changed since yesterday", "zh": "与前一天相比"},
    "standup_changes_help": {
        "en": "Yesterday against the day before and against the same weekday last week (weekday patterns cancel "
              "out). Green: better, red: worse, by the metric's direction.",
        "zh": "昨天与前一天、与上周同一天相比（后者可抵消星期规律）。绿色为变好，红色为变差（按指标方向）。",
    },
    "standup_status_change": {"en": "**{name}**: {before} → {after}", "zh": "**{name}**：{before} → {after}"},
    "standup_col_metric": {"en": "Metric", "zh": "指标"},
    "standup_col_yesterday": {"en": "Yesterday", "zh": "昨天"},
    "standup_col_day_before": {"en": "Day before", "zh": "前一天"},
    "standup_col_vs_day_before": {"en": "vs day before", "zh": "较前一天"},
    "standup_col_last_week": {"en": "Same day last week", "zh": "上周同日"},
    "standup_col_vs_last_week": {"en": "vs last week", "zh": "较上周同日"},
    "standup_col_vs_help": {"en": "Relative change: (yesterday − reference) / reference, — when the reference is 0 "
                                  "or missing; rates change in percentage points (yesterday − reference).",
                            "zh": "相对变化：（昨天 − 参照）/ 参照，参照为 0 或缺失时为 —；比率按百分点变化（昨天 − 参照）。"},
}
