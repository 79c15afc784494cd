"""workdays strings (en, zh): Chinese working days (kpi_engine.workdays) and the pro-rating method of a plan."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # kpi_engine.workdays.note: a range reaching a year the holiday calendar does not cover
    "workdays_uncovered": {
        "en": "Chinese public holidays for {years} are not known yet; working days there are Monday to Friday "
              "(weekends only, no holidays or make-up days).",
        "zh": "{years} 年的中国法定节假日尚未公布；该年按周一至周五计算工作日（仅扣除周末，未计节假日与调休）。"},
    # How a target is spread over the days (kpi_engine.pacing.METHODS), for help texts and notes
    "workdays_method_calendar": {"en": "pro-rated by calendar days", "zh": "按自然日分摊"},
    "workdays_method_working": {"en": "pro-rated by Chinese working days (public holidays and make-up days included)",
                                "zh": "按中国工作日分摊（已计法定节假日与调休）"},
    "workdays_method_seasonal": {"en": "pro-rated by last year's daily shape of the metric",
                                 "zh": "按该指标去年同期的每日走势分摊"},
    "workdays_method_custom": {"en": "pro-rated by the plan's own day profile", "zh": "按计划自定义的每日权重分摊"},
    # Plan checks (kpi_engine.plans.prorating): a custom profile that cannot spread a target
    "plans_check_profile_missing": {
        "en": "{what} is pro-rated by a custom profile, but no profile is given.",
        "zh": "{what}设为按自定义权重分摊，但没有填写权重（profile）。"},
    "plans_fix_profile_missing": {
        "en": "Add a profile (weights per weekday such as mon: 1.2 … sun: 0.5, or per date such as 2026-10-01: 0), "
              "or choose calendar or working days.",
        "zh": "请填写 profile（按星期，如 mon: 1.2 … sun: 0.5；或按日期，如 2026-10-01: 0），或改为按自然日或工作日分摊。"},
    "plans_check_profile_zero": {
        "en": "{what} has a custom profile whose weights are all 0 in {period}: no day would get any of the target.",
        "zh": "{what}的自定义权重在 {period} 内全部为 0：目标无法分摊到任何一天。"},
    "plans_fix_profile_zero": {
        "en": "Give the days that count a weight above 0 (a weekday without a weight counts 1).",
        "zh": "请给需要计入的日子设置大于 0 的权重（未填写的星期默认为 1）。"},
    "plans_prorate_what_plan": {"en": "The plan", "zh": "本计划"},
}
