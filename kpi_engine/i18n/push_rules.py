"""What is wrong with an alert rule (``kpi_engine.push.rules.Problem``), in two wordings.

``push_rule_err_<code>`` is the command line's (``push rule add``): it names the options to change.
``push_rule_err_<code>_form`` is the Delivery page form's: it names the form fields (Rule name, When, Metric,
Scope, Threshold: the labels ``push_ui_rule_*``) and the choices as the form shows them.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # the command line
    "push_rule_err_bad_id": {"en": "rule id {value}: use 1 to 48 lower-case letters, digits, '_' or '-'",
                             "zh": "规则 ID {value}：请用 1 到 48 个小写字母、数字、'_' 或 '-'"},
    "push_rule_err_bad_kind": {"en": "--kind {value}: use one of {choices}",
                               "zh": "--kind {value}：请用其中之一：{choices}"},
    "push_rule_err_bad_scope": {"en": "--scope {value}: use --scope team or --scope channel",
                                "zh": "--scope {value}：请用 --scope team 或 --scope channel"},
    "push_rule_err_channel_pace_metric": {
        "en": "channel pace is measured on leads: leave out --metric or use --metric leads",
        "zh": "渠道进度按线索计算：请省略 --metric，或用 --metric leads"},
    "push_rule_err_pace_metric": {"en": "--metric {value}: use one of the standup metrics {choices}",
                                  "zh": "--metric {value}：请用站会指标之一：{choices}"},
    "push_rule_err_spend_is_budget": {"en": "spend is a budget: use --kind over_budget",
                                      "zh": "花费是预算：请用 --kind over_budget"},
    "push_rule_err_ratio_metric": {"en": "--metric {value}: a rate_drop rule needs a ratio metric, e.g. {choices}",
                                   "zh": "--metric {value}：rate_drop 规则需要比率指标，例如 {choices}"},
    "push_rule_err_leads_zero_scope": {"en": "leads_zero watches channels: use --scope channel",
                                       "zh": "leads_zero 监测的是渠道：请用 --scope channel"},
    "push_rule_err_negative_threshold": {"en": "--threshold must be 0 or more",
                                         "zh": "--threshold 须为 0 或更大的数"},
    # the Delivery page form
    "push_rule_err_bad_id_form": {"en": "Rule name {value}: use 1 to 48 lower-case letters, digits, '_' or '-'",
                                  "zh": "规则名 {value}：请用 1 到 48 个小写字母、数字、'_' 或 '-'"},
    "push_rule_err_bad_kind_form": {"en": "When: choose one of {choices}",
                                    "zh": "触发条件：请选择其中之一：{choices}"},
    "push_rule_err_bad_scope_form": {"en": "Scope: choose {team} or {channel}",
                                     "zh": "范围：请选择“{team}”或“{channel}”"},
    "push_rule_err_channel_pace_metric_form": {
        "en": "channel pace is measured on leads: set Metric to — or to {leads}",
        "zh": "渠道进度按线索计算：请将“指标”设为“—”或“{leads}”"},
    "push_rule_err_pace_metric_form": {"en": "Metric {value}: for this rule choose one of {choices}",
                                       "zh": "指标 {value}：此规则请选择其中之一：{choices}"},
    "push_rule_err_spend_is_budget_form": {"en": "spend is a budget: under When, choose “{over_budget}”",
                                           "zh": "花费是预算：请在“触发条件”中选择“{over_budget}”"},
    "push_rule_err_ratio_metric_form": {"en": "Metric {value}: “{rate_drop}” needs a rate, e.g. {choices}",
                                        "zh": "指标 {value}：“{rate_drop}”需要比率指标，例如 {choices}"},
    "push_rule_err_leads_zero_scope_form": {"en": "“{leads_zero}” watches channels: set Scope to “{channel}”",
                                            "zh": "“{leads_zero}”监测的是渠道：请将“范围”设为“{channel}”"},
    "push_rule_err_negative_threshold_form": {"en": "Threshold: enter 0 or more",
                                              "zh": "阈值：请填写 0 或更大的数"},
}
