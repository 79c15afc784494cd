"""Scoring rules of SPEC section 5 against hand-computed examples, and their invariants (Hypothesis)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_engine.feedback360 import feedback_score, team_feedback
from kpi_engine.scoring import (
    Entry,
    Rules,
    dimension_subtotals,
    explain,
    grade_of,
    score_kpi,
    totals,
    weighted_score,
)
from kpi_engine.settings import Settings

R = Rules()  # the SPEC defaults: cap 120, floor 0.5, S 110 / A 100 / B 85 / C 70


# --- one KPI, every branch ---------------------------------------------------------------


def test_below_the_floor_scores_zero() -> None:
    s = score_kpi(40, 100, challenge=120, rules=R)  # achievement 0.4 < 0.5
    assert (s.achievement, s.score, s.tier) == (0.4, 0.0, "below_floor")
    assert "40.0% is below the floor of 50.0%: score 0." in s.explain("en")
    assert "低于保底线" in s.explain("zh")


def test_the_floor_itself_is_not_below_the_floor_and_a_kpi_floor_overrides_the_setting() -> None:
    assert score_kpi(50, 100, rules=R).score == pytest.approx(50.0)
    assert score_kpi(40, 100, floor=0.3, rules=R).score == pytest.approx(40.0)
    assert score_kpi(80, 100, floor=0.9, rules=R).score == 0.0
    assert score_kpi(40, 100, rules=dataclasses.replace(R, floor=0.3)).score == pytest.approx(40.0)


def test_below_base_scores_100_times_achievement() -> None:
    s = score_kpi(865, 1000, challenge=1200, rules=R)
    assert s.tier == "below_base" and s.score == pytest.approx(86.5)
    assert "Below base: score = 100 × 0.8650 = 86.5." in s.explain("en")


def test_between_base_and_challenge_interpolates_to_the_cap() -> None:
    s = score_kpi(1092, 1000, challenge=1200, rules=R)  # 100 + 20 × 92 / 200
    assert s.tier == "between" and s.score == pytest.approx(109.2) and s.achievement == pytest.approx(1.092)
    assert "100 + 20.0 × (1,092 − 1,000) / (1,200 − 1,000) = 109.2" in s.explain("en")
    assert "介于基础与挑战目标之间" in s.explain("zh")
    assert score_kpi(1000, 1000, challenge=1200, rules=R).score == pytest.approx(100.0)


@pytest.mark.parametrize("actual", [1200, 1201, 5000])
def test_at_or_above_the_challenge_scores_the_cap(actual: float) -> None:
    s = score_kpi(actual, 1000, challenge=1200, rules=R)
    assert s.tier == "at_challenge" and s.score == 120.0


def test_without_a_challenge_100_times_achievement_up_to_the_cap() -> None:
    assert score_kpi(1150, 1000, rules=R).score == pytest.approx(115.0)
    capped = score_kpi(1300, 1000, rules=R)
    assert capped.score == 120.0 and capped.tier == "above_base"
    assert "100 × 1.3000 = 130.0, capped at 120.0: score 120.0" in capped.explain("en")


def test_a_challenge_on_the_wrong_side_is_ignored_and_said_so() -> None:
    s = score_kpi(110, 100, challenge=90, rules=R)
    assert s.score == pytest.approx(110.0)
    assert "is ignored" in s.explain("en")


def test_lower_is_better_every_branch() -> None:
    # cost per lead: base ¥200, challenge ¥160
    between = score_kpi(180, 200, challenge=160, direction="lower", unit="money", rules=R)
    assert between.achievement == pytest.approx(200 / 180)
    assert between.score == pytest.approx(110.0)  # 100 + 20 × (180 − 200) / (160 − 200)
    assert "base / actual = ¥200 / ¥180 = 111.1%" in between.explain("en")
    assert score_kpi(250, 200, challenge=160, direction="lower", rules=R).score == pytest.approx(80.0)
    assert score_kpi(160, 200, challenge=160, direction="lower", rules=R).score == 120.0
    assert score_kpi(150, 200, challenge=160, direction="lower", rules=R).score == 120.0
    assert score_kpi(500, 200, challenge=160, direction="lower", rules=R).score == 0.0  # achievement 0.4
    assert score_kpi(190, 200, direction="lower", rules=R).score == pytest.approx(100 * 200 / 190)


def test_zero_actual_lower_is_better_scores_the_cap_higher_is_better_scores_zero() -> None:
    lower = score_kpi(0, 200, direction="lower", rules=R)
    assert (lower.score, lower.tier, lower.achievement) == (120.0, "zero_lower", 1.2)
    assert "scores the cap, 120.0" in lower.explain("en")
    higher = score_kpi(0, 200, rules=R)
    assert higher.score == 0.0 and higher.tier == "below_floor"


@pytest.mark.parametrize("actual", [None, float("nan")])
def test_no_data_is_not_measurable_never_zero_or_100(actual: float | None) -> None:
    s = score_kpi(actual, 1000, challenge=1200, rules=R)
    assert s.score is None and s.achievement is None and not s.measurable and s.tier == "no_data"
    assert "not measurable" in s.explain("en") and "无法衡量" in s.explain("zh")


@pytest.mark.parametrize("base", [None, 0, -5])
def test_no_positive_base_is_not_measurable(base: float | None) -> None:
    s = score_kpi(10, base, rules=R)
    assert s.score is None and s.tier == "no_target"


def test_the_cap_is_a_setting_and_the_interpolation_follows_it() -> None:
    rules = Rules.from_settings(dataclasses.replace(Settings(), score_cap=150.0, score_floor=0.6))
    assert rules.cap == 150.0 and rules.floor == 0.6
    assert score_kpi(1100, 1000, challenge=1200, rules=rules).score == pytest.approx(125.0)  # 100 + 50 × 0.5
    assert score_kpi(55, 100, rules=rules).score == 0.0


# --- a card ---------------------------------------------------------------------------------


def test_weighted_score_leaves_out_not_measurable_kpis_with_a_note() -> None:
    entries = [Entry("a", 50, 100.0, "d1"), Entry("b", 30, None, "d1"), Entry("c", 20, 120.0, "d2")]
    assert weighted_score(entries) == pytest.approx((50 * 100 + 20 * 120) / 70)
    tot = totals(entries, qualitative=None, share=0.8, rules=R)
    assert tot.not_measurable == ("b",)
    assert "Not measurable, left out of the weighted score: b (weight 30)." in tot.explain("en")
    d1, d2 = dimension_subtotals(entries)
    assert (d1.dimension, d1.weight, d1.measured_weight, d1.score, d1.not_measurable) == ("d1", 80, 50, 100.0, 1)
    assert (d2.dimension, d2.score) == ("d2", 120.0)


def test_nothing_measurable_gives_no_score_no_grade_no_bonus() -> None:
    tot = totals([Entry("a", 100, None)], qualitative=90.0, share=0.8, base_bonus=1000, rules=R)
    assert (tot.weighted, tot.final, tot.grade, tot.bonus) == (None, None, None, None)


def test_a_breached_guardrail_deducts_its_penalty_from_the_weighted_score() -> None:
    entries = [Entry("a", 60, 100.0), Entry("b", 40, 80.0),
               Entry("brand spend", 0, 90.0, guardrail=True, penalty=5, achievement=0.9)]
    tot = totals(entries, qualitative=None, share=1.0, rules=R)
    assert tot.weighted_before == pytest.approx(92.0) and tot.deductions == 5
    assert tot.weighted == pytest.approx(87.0) and tot.final == pytest.approx(87.0)
    assert "Guardrail brand spend breached (achievement 90.0%): −5 points." in tot.explain("en")
    kept = totals(entries[:2] + [Entry("g", 0, 100.0, guardrail=True, penalty=5, achievement=1.0),
                                 Entry("h", 0, None, guardrail=True, penalty=5, achievement=None)],
                  qualitative=None, share=1.0, rules=R)
    assert kept.deductions == 0 and kept.weighted == pytest.approx(92.0)
    floor = totals([Entry("a", 1, 3.0), Entry("g", 0, 0.0, guardrail=True, penalty=10, achievement=0.2)],
                   qualitative=None, share=1.0, rules=R)
    assert floor.weighted == 0.0


def test_360_mix_uses_role_weights_and_renormalises_over_roles_present() -> None:
    fb = feedback_score([("manager", 80.0, 5), ("peer", 90.0, 10), ("self", 100.0, 5)], R)
    # (80 × 0.35 + 90 × 0.25 + 100 × 0.10) / 0.70
    assert fb.score == pytest.approx(60.5 / 0.7)
    assert [r[0] for r in fb.roles] == ["manager", "peer", "self"]
    tot = totals([Entry("a", 100, 110.0)], qualitative=fb.score, share=0.8, base_bonus=10000, rules=R)
    assert tot.final == pytest.approx(0.8 * 110 + 0.2 * 60.5 / 0.7)  # 105.29
    assert (tot.grade, tot.multiplier, tot.bonus) == ("A", 1.2, pytest.approx(12000.0))
    text = " ".join(tot.explain("en"))
    assert "Final score = 0.8 × 110.0 + 0.2 × 86.4 = 105.3." in text and "¥10,000 × 1.2 = ¥12,000" in text
    zh = " ".join(explain(fb.steps, "zh"))
    assert "上级平均评分 80.0" in zh and "权重 50.0%" in zh  # 0.35 / 0.70


def test_360_role_weights_are_settings_and_missing_ratings_leave_the_kpi_score() -> None:
    rules = Rules.from_settings(dataclasses.replace(Settings(), feedback_weight_manager=1.0, feedback_weight_peer=0.0))
    assert feedback_score([("manager", 70.0, 3), ("peer", 100.0, 3)], rules).score == pytest.approx(70.0)
    assert feedback_score([], R).score is None
    tot = totals([Entry("a", 100, 90.0)], qualitative=None, share=0.8, rules=R)
    assert tot.final == pytest.approx(90.0)
    assert "No 360-degree ratings: final score = weighted score = 90.0." in tot.explain("en")
    team = team_feedback([("p1", feedback_score([("peer", 80.0, 2)], R)), ("p2", feedback_score([("peer", 90.0, 2)], R)),
                          ("p3", feedback_score([], R))])
    assert team.score == pytest.approx(85.0)


@pytest.mark.parametrize(("final", "grade"), [
    (110.0, "S"), (109.999, "A"), (100.0, "A"), (99.99, "B"), (85.0, "B"), (84.99, "C"), (70.0, "C"), (69.99, "D"),
    (0.0, "D"), (None, None)])
def test_grade_boundaries_exactly_on_the_threshold(final: float | None, grade: str | None) -> None:
    assert grade_of(final, R) == grade


def test_a_final_score_computed_onto_a_bound_gets_the_higher_grade_and_each_multiplier() -> None:
    # 0.8 × 110 + 0.2 × 110 is 110.00000000000001 or 109.99999999999999 in floating point: still S
    tot = totals([Entry("a", 3, 110.0)], qualitative=110.0, share=0.8, base_bonus=2000, rules=R)
    assert tot.grade == "S" and tot.bonus == pytest.approx(3000.0)
    for score, grade, bonus in ((100, "A", 2400), (85, "B", 2000), (70, "C", 1200), (50, "D", 0)):
        t = totals([Entry("a", 1, float(score))], qualitative=None, share=1.0, base_bonus=2000, rules=R)
        assert (t.grade, t.bonus) == (grade, pytest.approx(bonus))
    assert totals([Entry("a", 1, 90.0)], qualitative=None, share=1.0, rules=R).bonus is None


# --- invariants ------------------------------------------------------------------------------

finite = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(actual=finite, base=positive, ratio=st.one_of(st.none(), st.floats(min_value=0.01, max_value=10)),
       floor=st.one_of(st.none(), st.floats(min_value=0, max_value=1)), direction=st.sampled_from(["higher", "lower"]))
def test_scores_stay_within_zero_and_the_cap(actual: float, base: float, ratio: float | None, floor: float | None,
                                             direction: str) -> None:
    challenge = None if ratio is None else base * ratio
    s = score_kpi(actual, base, challenge=challenge, floor=floor, direction=direction, rules=R)
    assert s.score is not None and 0.0 <= s.score <= R.cap
    assert s.achievement is not None and s.achievement >= 0


weights = st.one_of(st.just(0.0), st.floats(min_value=0.001, max_value=100))
entry = st.builds(Entry, label=st.text(min_size=1, max_size=4), weight=weights,
                  score=st.one_of(st.none(), st.floats(min_value=0, max_value=120)),
                  dimension=st.sampled_from(["d1", "d2", "d3"]), guardrail=st.booleans(),
                  penalty=st.floats(min_value=0, max_value=10), achievement=st.floats(min_value=0, max_value=2))


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(entry, min_size=1, max_size=8), data=st.data(),
       qualitative=st.one_of(st.none(), st.floats(min_value=0, max_value=100)))
def test_permuting_kpis_does_not_change_totals(entries: list[Entry], data: st.DataObject, qualitative: float | None) -> None:
    shuffled = data.draw(st.permutations(entries))
    a = totals(entries, qualitative=qualitative, share=0.8, base_bonus=1000, rules=R)
    b = totals(shuffled, qualitative=qualitative, share=0.8, base_bonus=1000, rules=R)
    for x, y in ((a.weighted, b.weighted), (a.final, b.final), (a.bonus, b.bonus)):
        assert (x is None and y is None) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]
    assert a.deductions == pytest.approx(b.deductions)
    assert {d.dimension: d.weight for d in a.dimensions} == pytest.approx({d.dimension: d.weight for d in b.dimensions})


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(entry, min_size=1, max_size=8), factor=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_all_weights_does_not_change_the_weighted_score(entries: list[Entry], factor: float) -> None:
    scaled = [dataclasses.replace(e, weight=e.weight * factor) for e in entries]
    a, b = weighted_score(entries), weighted_score(scaled)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-7)


def test_every_plans_string_has_both_languages_with_the_same_fields() -> None:
    import re
    import string

    from kpi_engine.i18n import catalog

    strings = {k: v for k, v in catalog().items() if k.startswith("plans_")}
    assert len(strings) > 100
    for key, entry in strings.items():
        fields = [{name for _, name, _, _ in string.Formatter().parse(entry[lang]) if name} for lang in ("en", "zh")]
        assert fields[0] == fields[1], key
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]) and not re.search(r"[\u4e00-\u9fff]", entry["en"]), key
