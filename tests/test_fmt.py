"""The one formatter (kpi_engine.fmt): every function in English and Chinese, against hand-written strings."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from kpi_engine import fmt
from kpi_engine.settings import Settings, in_force, settings_in_force

NONES = (None, math.nan, math.inf, -math.inf, pd.NA, pd.NaT, float("nan"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("missing", NONES, ids=repr)
def test_no_value_is_a_dash_everywhere(lang: str, missing: object) -> None:
    for unit in fmt.UNITS:
        assert fmt.value(missing, unit, lang) == "—"
        assert fmt.delta(missing, unit, lang) == "—"
    assert fmt.money(missing, lang) == fmt.count(missing, lang) == fmt.percent(missing, lang) == "—"
    assert fmt.points(missing, lang) == fmt.change(missing, lang) == fmt.score(missing, lang) == "—"
    assert fmt.duration(missing, "hours", lang) == fmt.number(missing, 2, lang) == "—"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_money_two_decimals_below_100_whole_from_100(lang: str) -> None:
    cases = [(12.456, "¥12.46"), (12.5, "¥12.50"), (12.0, "¥12.00"), (99.99, "¥99.99"), (99.995, "¥100"),
             (100.0, "¥100"), (231.25, "¥231"), (1234.5, "¥1,235"), (12345.6, "¥12,346"), (-300.0, "-¥300"),
             (-12.4, "-¥12.40"), (0.0, "¥0.00"), (-0.004, "¥0.00"), (0.125, "¥0.13"), (1e7, "¥10,000,000")]
    for value, text in cases:
        assert fmt.money(value, lang) == text, value
        assert fmt.value(value, "money", lang) == text
    assert fmt.money(20, lang, signed=True) == "+¥20.00" and fmt.money(-2075, lang, signed=True) == "-¥2,075"
    assert fmt.money(0, lang, signed=True) == "¥0.00"


def test_money_symbol_from_settings_or_argument() -> None:
    usd = dataclasses.replace(Settings(), currency="USD", currency_symbol="$")
    assert fmt.money(1234.5, "en", settings=usd) == "$1,235" and fmt.money(5, "zh", settings=usd) == "$5.00"
    assert fmt.money(12.3, "en", symbol="€") == "€12.30"
    assert fmt.currency_symbol(usd) == "$" and fmt.currency_symbol() == "¥"


def test_the_settings_in_force_give_the_symbol_when_a_call_names_none() -> None:
    usd = dataclasses.replace(Settings(), currency_symbol="$")
    eur = dataclasses.replace(Settings(), currency_symbol="€")
    with settings_in_force(usd):
        assert fmt.money(12.5, "en") == "$12.50" and fmt.value(3000, "money", "zh") == "$3,000"
        assert fmt.money(12.5, "en", settings=eur) == "€12.50" and fmt.money(1, "en", symbol="£") == "£1.00"
        with settings_in_force(eur):
            assert fmt.currency_symbol() == "€" and in_force() is eur
        assert fmt.currency_symbol() == "$"
    assert fmt.money(12.5, "en") == "¥12.50" and in_force() == Settings()  # nothing left behind


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_counts_percents_scores(lang: str) -> None:
    assert [fmt.count(v, lang) for v in (0, 7, 1234.0, 366.67, 0.67, 29.96, 30.04, -1500)] == [
        "0", "7", "1,234", "366.7", "0.7", "30", "30", "-1,500"]
    assert fmt.score(1e300, lang).startswith("1,000,000") and fmt.count(3e-225, lang) == "0"
    assert fmt.count(12, lang, signed=True) == "+12" and fmt.count(-3.25, lang, signed=True) == "-3.3"
    assert [fmt.percent(v, lang) for v in (0.1234, 0.8125, 1.0, 0.0, 1.5)] == ["12.3%", "81.3%", "100.0%", "0.0%",
                                                                                "150.0%"]
    assert fmt.value(0.12, "ratio", lang) == "12.0%" and fmt.percent(0.9996, lang) == "99.9%"
    assert [fmt.score(v, lang) for v in (87.45, 100, 0, 105.25)] == ["87.5", "100.0", "0.0", "105.3"]
    assert fmt.score(-4.2, lang, signed=True) == "-4.2" and fmt.value(3, "score", lang, signed=True) == "+3.0"
    assert fmt.number(1234.5678, 2, lang) == "1,234.57"


def test_points_and_changes_in_both_languages() -> None:
    assert fmt.points(0.012, "en") == "+1.2 pp" and fmt.points(0.012, "zh") == "+1.2 个百分点"
    assert fmt.points(-0.029, "en") == "-2.9 pp" and fmt.points(-0.0004, "en") == "0.0 pp"
    # a difference of ratios is always in points, never a percent
    assert fmt.delta(0.029, "ratio", "en") == "+2.9 pp" and fmt.value(-0.05, "ratio", "zh", signed=True) == "-5.0 个百分点"
    assert fmt.value(0.05, "pp", "en") == "+5.0 pp"
    assert fmt.change(0.25, "en") == "+25.0%" and fmt.change(-0.39, "zh") == "-39.0%" and fmt.change(0, "en") == "0.0%"
    assert fmt.value(0.045, "pct", "en") == "+4.5%"


def test_durations_in_both_languages() -> None:
    assert fmt.duration(1.5, "hours", "en") == "1.5 h" and fmt.duration(1.5, "hours", "zh") == "1.5 小时"
    assert fmt.value(2, "days", "en") == "2.0 d" and fmt.value(2, "days", "zh") == "2.0 天"
    assert fmt.delta(-0.25, "hours", "en") == "-0.3 h"


def test_signed_differences() -> None:
    assert fmt.delta(12, "count", "en") == "+12" and fmt.delta(-2075, "money", "zh") == "-¥2,075"
    assert fmt.delta(0, "count", "en") == "0"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_achievement_defined_once(lang: str) -> None:
    assert fmt.achievement_ratio(80, 100) == pytest.approx(0.8)
    assert fmt.achievement_ratio(250, 200, "lower") == pytest.approx(0.8)  # CPL ¥250 against ¥200
    assert fmt.achievement_ratio(0, 200, "lower") == math.inf
    assert fmt.achievement_ratio(None, 100) is None and fmt.achievement_ratio(5, 0) is None
    assert fmt.achievement_ratio(5, None) is None and fmt.achievement_ratio(5, -1) is None
    assert [fmt.achievement(v, lang) for v in (0.996, 1.0, 0.8, 1.234, 0.0)] == ["99.6%", "100.0%", "80.0%", "123.4%",
                                                                                "0.0%"]
    assert fmt.achievement(0.9996, lang) == "99.9%" and fmt.achievement(1.00004, lang) == "100.0%"  # reached or not
    assert fmt.achievement(0.29, lang) == "29.0%" and fmt.achievement(8 / 11, lang) == "72.7%"
    assert fmt.achievement(14.0, lang) == "1,400.0%"
    assert fmt.achievement(math.inf, lang) == "∞" and fmt.achievement(None, lang) == "—"
    assert fmt.achievement(math.nan, lang) == "—"


def test_relative_change_needs_a_positive_reference() -> None:
    assert fmt.relative(20, 33) == pytest.approx(20 / 33 - 1)
    assert fmt.relative(5, 0) is None and fmt.relative(None, 3) is None and fmt.relative(4, math.nan) is None


def test_column_formats() -> None:
    assert fmt.column_format("count") == "%,.0f" and fmt.column_format("ratio") == "%.1f%%"
    assert fmt.column_format("pp", "zh") == "%+.1f 个百分点" and fmt.column_format("pp") == "%+.1f pp"
    assert fmt.column_format("score") == "%.1f" and fmt.column_format("achievement") == "%.1f%%"
    assert fmt.percent_value(0.12345) == 12.3 and fmt.percent_value(0.99996) == 99.9 and fmt.percent_value(None) is None
    assert fmt.column_format("count", signed=True) == "%+,.0f" and fmt.column_format("hours", "zh") == "%.1f 小时"
    with pytest.raises(ValueError, match="as text"):
        fmt.column_format("money")
    assert fmt.d3_format("ratio") == ".1%" and fmt.d3_format("money") == ",.0f"


@pytest.mark.parametrize(("actual", "base", "direction", "expected"), [
    (4, 10, "higher", 0.4), (12, 10, "higher", 1.2), (-3, 10, "higher", -0.3),
    (700, 500, "lower", 500 / 700), (250, 500, "lower", 2.0), (0, 500, "lower", math.inf)])
def test_achievement_is_defined_once_and_scoring_drill_and_pacing_use_it(actual: float, base: float, direction: str,
                                                                          expected: float) -> None:
    """Issue 10, point 11: the scorecard, the drill-down and pacing compute achievement with fmt.achievement_ratio."""
    from kpi_engine import drill, pacing, scoring

    assert fmt.achievement_ratio(actual, base, direction) == pytest.approx(expected)
    assert drill.achievement(actual, base, direction) == pytest.approx(expected)
    # scoring: a lower-is-better actual of 0 is worth the cap (120 -> 1.2), not infinity
    assert scoring.achievement(actual, base, direction) == pytest.approx(1.2 if math.isinf(expected) else expected)
    # pacing on a closed period: the projection is the actual, its achievement the same ratio
    closed = pacing.pace(actual, base, ("2026-10-01", "2026-10-31"), "2026-10-31", direction=direction)
    assert closed.achievement == pytest.approx(expected)
    for missing in (None, math.nan):
        assert fmt.achievement_ratio(missing, base) is None and math.isnan(drill.achievement(missing, base))
    assert fmt.achievement_ratio(actual, 0) is None and math.isnan(drill.achievement(actual, 0))
    with pytest.raises(ValueError, match="base above 0"):
        scoring.achievement(actual, 0)


def test_band_shows_a_value_with_its_range_or_nothing() -> None:
    assert fmt.band(1239.6, 1180.2, 1310.4, "count", "en", whole=True) == "1,240 (1,180–1,310)"
    assert fmt.band(0.166, 0.148, 0.182, "ratio", "en") == f"{fmt.percent(0.166)} ({fmt.percent(0.148)}–{fmt.percent(0.182)})"
    assert fmt.band(141722.4, 135599, 153169, "money", "en", symbol="¥") == "¥141,722 (135,599–153,169)"
    assert fmt.band(1000.0, None, 1100.0, "count", "en") == fmt.NO_VALUE  # no band: no value, never 0
    assert fmt.band(None, None, None, "money", "zh") == fmt.NO_VALUE
