"""Chinese spacing in formatted messages: a value is set apart from Chinese text by a space only when its own edge
is not Chinese (a Latin word, a number), so "线索数的个人目标" but "MQL 数的", "crm 的令牌", "合计 600"; English is
formatted as written."""

from __future__ import annotations

import string

from kpi_engine.i18n import catalog, format_zh, t

CASCADE = {"level": "个人", "covered": "600", "share": "60%", "team": "1,000"}


def test_a_chinese_value_takes_no_space_before_chinese_text() -> None:
    assert t("plans_check_cascade_coverage", "zh", metric="线索数", **CASCADE) == \
        "线索数的个人目标合计 600，仅为团队目标 1,000 的 60%。"
    assert t("arrivals_token_err_unknown", "zh", name="客户系统") == "没有名为客户系统的令牌。"  # both sides


def test_latin_words_and_numbers_keep_their_space() -> None:
    assert t("plans_check_cascade_coverage", "zh", metric="MQL 数", **CASCADE).startswith("MQL 数的个人目标合计 600，")
    assert t("arrivals_token_err_unknown", "zh", name="crm") == "没有名为 crm 的令牌。"
    assert t("plans_check_cascade_coverage", "en", metric="Leads", **{**CASCADE, "level": "people's"}) == \
        "The people's targets of Leads add up to 600, 60% of the team's 1,000."


def test_spaces_between_values_and_inside_values_stay() -> None:
    assert format_zh("{a} {b} 的", {"a": "线索", "b": "团队 计划"}) == "线索 团队 计划的"
    assert format_zh("{x:.1%} 的{y!r}", {"x": 0.5, "y": "甲"}) == "50.0% 的'甲'"  # specs and conversions as format()


def test_every_chinese_template_formats_like_str_format_apart_from_those_spaces() -> None:
    for key, entry in catalog().items():
        text = entry.get("zh", "")
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        if not fields or any(not f.isidentifier() for f in fields):
            continue
        latin = {f: "x" for f in fields}  # a Latin value: the template's spaces are kept, as str.format keeps them
        assert t(key, "zh", **latin) == text.format(**latin), key
