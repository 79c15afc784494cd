"""Strings of the reviews area: gap breakdown methods, special rows, notes."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reviews_method_additive": {
        "en": "Additive: each contributor's contribution = its actual − its {vs_name}; the parts add up exactly "
              "to the total change.",
        "zh": "可加指标：每个贡献项的贡献 = 实际值 − {vs_name}；各部分之和恰好等于总差异。",
    },
    "reviews_method_additive_target": {
        "en": "Additive vs target: each contributor with its own pro-rated target: actual − target; contributors "
              "without a target are grouped in \"(no target)\" against the rest of the team target, so the parts "
              "add up exactly to team actual − team target.",
        "zh": "可加指标对比目标：有分项目标的贡献项 = 实际值 − 按天折算的目标；没有目标的归入“（无目标）”，"
              "与团队目标的剩余部分比较，各部分之和恰好等于团队实际值 − 团队目标。",
    },
    "reviews_method_mix_rate": {
        "en": "Mix/rate decomposition of the ratio R = N/D against the {vs_name}: with w = D_i/D (share of the "
              "denominator) and r = N_i/D_i, each contributor's change r1·w1 − r0·w0 = rate part (r1 − r0)·w1 + "
              "mix part (w1 − w0)·r0. A contributor absent from the comparison period is rated against the overall "
              "comparison ratio; one absent now has only a mix part. The parts add up exactly to the total change.",
        "zh": "比率 R = N/D 相对{vs_name}的结构/比率分解：w = D_i/D（分母占比），r = N_i/D_i；每个贡献项的变化 "
              "r1·w1 − r0·w0 = 比率部分 (r1 − r0)·w1 + 结构部分 (w1 − w0)·r0。对比期没有的贡献项以对比期整体比率为基准，"
              "本期没有的只有结构部分。各部分之和恰好等于总变化。",
    },
    "reviews_method_rate_target": {
        "en": "Ratio vs target, rate part only: each contributor's (own ratio − team target ratio) × its share of "
              "the denominator; the parts add up exactly to team ratio − team target (no mix part: targets "
              "have no mix).",
        "zh": "比率对比目标，仅比率部分：每个贡献项的（自身比率 − 团队目标比率）× 分母占比；各部分之和恰好等于"
              "团队比率 − 团队目标（目标没有结构，故无结构部分）。",
    },
    "reviews_vs_target": {"en": "target", "zh": "目标"},
    "reviews_vs_previous": {"en": "previous period", "zh": "上一期"},
    "reviews_vs_last_year": {"en": "same period last year", "zh": "去年同期"},
    "reviews_row_total": {"en": "total", "zh": "合计"},
    "reviews_row_no_target": {"en": "(no target)", "zh": "（无目标）"},
    "reviews_row_unassigned": {"en": "(unassigned)", "zh": "（未归属）"},
    "reviews_no_value": {"en": "no value: the period has no data", "zh": "无数值：该期间没有数据"},
    "reviews_note_status_open": {"en": "open", "zh": "进行中"},
    "reviews_note_status_done": {"en": "done", "zh": "已完成"},
    "reviews_note_status_dropped": {"en": "dropped", "zh": "已放弃"},
    "reviews_note_carried": {"en": "carried over from {period}", "zh": "从 {period} 延续"},
}
