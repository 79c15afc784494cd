"""Scoring (SPEC section 5): achievement, tiers, weighted scores, guardrails, the 360 mix, grades and bonus.

Pure functions, no database (``kpi_engine.plans.evaluate`` feeds them actuals and ratings).

One KPI. Achievement ``a`` is ``actual / base`` when higher is better and ``base / actual``
when lower is better (an actual of 0 or less with lower-is-better scores the cap; its
achievement is shown as cap / 100). Then, with ``floor`` the KPI's own or the setting
``score_floor`` and ``cap`` the setting ``score_cap`` (120):

- ``a < floor``: 0;
- ``a < 1`` (below base): ``100 × a``;
- base reached, with a challenge target beyond the base: ``100 + (cap − 100) × (actual − base) /
  (challenge − base)`` until the challenge, ``cap`` at or beyond it (with lower-is-better the
  challenge lies below the base and the same formula holds: both differences are negative);
- base reached, no challenge target (or one on the wrong side of the base, which is ignored
  and said so): ``100 × a`` up to the cap;
- no actual: not measurable (never 0 or 100); no positive base: not measurable either.

A card. Weighted score = Σ weight × score / Σ weight over the measurable KPIs that are not
guardrails (not measurable ones are listed in a note), with a subtotal per dimension; every
breached guardrail (achievement below 1) deducts its penalty points from it (not below 0).
Final = share × weighted + (1 − share) × 360 score; without any 360 rating, final = weighted
(said so). Grades: S ≥ 110, A ≥ 100, B ≥ 85, C ≥ 70, else D (settings; a score exactly on a
bound gets the higher grade). Bonus = base bonus × the grade's multiplier.

The 360 score (role-weighted ratings) is in :mod:`kpi_engine.feedback360`. Every result carries its calculation as steps
(an i18n key and formatted numbers) that :func:`explain` writes out in English or Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kpi_engine import fmt
from kpi_engine.i18n import t
from kpi_engine.settings import Settings, in_force

Step = tuple[str, dict[str, str]]
TIERS: tuple[str, ...] = ("no_data", "no_target", "below_floor", "below_base", "between", "at_challenge",
                          "above_base", "zero_lower")
GRADES: tuple[str, ...] = ("S", "A", "B", "C", "D")
# A card's status: final (closed period, enough evidence: graded), provisional (the period runs: no grade or
# bonus yet), insufficient (measured weight below the minimum: "not enough data to grade"), none (nothing measured)
STATUSES: tuple[str, ...] = ("final", "provisional", "insufficient", "none")
ROLES: tuple[str, ...] = ("manager", "peer", "subordinate", "cross-department", "self")
_EPS = 1e-9


@dataclass(frozen=True)
class Rules:
    """The scoring settings in one value (see :meth:`from_settings`)."""

    cap: float = 120.0
    floor: float = 0.5
    grades: tuple[tuple[str, float], ...] = (("S", 110.0), ("A", 100.0), ("B", 85.0), ("C", 70.0))
    multipliers: dict[str, float] = field(default_factory=lambda: {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.6, "D": 0.0})
    role_weights: dict[str, float] = field(default_factory=lambda: {
        "manager": 0.35, "peer": 0.25, "subordinate": 0.15, "cross-department": 0.15, "self": 0.10})
    share: float = 0.8
    currency_symbol: str = "¥"
    min_measured_weight: float = 0.6

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Rules:
        s = in_force(settings)
        return cls(cap=s.score_cap, floor=s.score_floor,
                   grades=(("S", s.grade_s_from), ("A", s.grade_a_from), ("B", s.grade_b_from), ("C", s.grade_c_from)),
                   multipliers={"S": s.bonus_multiplier_s, "A": s.bonus_multiplier_a, "B": s.bonus_multiplier_b,
                                "C": s.bonus_multiplier_c, "D": s.bonus_multiplier_d},
                   role_weights={"manager": s.feedback_weight_manager, "peer": s.feedback_weight_peer,
                                 "subordinate": s.feedback_weight_subordinate,
                                 "cross-department": s.feedback_weight_cross_department, "self": s.feedback_weight_self},
                   share=s.quantitative_share, currency_symbol=s.currency_symbol,
                   min_measured_weight=s.min_measured_weight)


# --- Formatting numbers for the written calculation ----------------------------------


def format_value(value: float | None, unit: str = "count", symbol: str | None = None) -> str:
    """A value as people read it (``kpi_engine.fmt.value``): 12.3%, ¥3,000, ¥12.46, 1,092, — for none."""
    return fmt.value(value, unit, symbol=symbol)


def format_pct(fraction: float | None) -> str:
    """A ratio as a percent with one decimal (``kpi_engine.fmt.percent``)."""
    return fmt.percent(fraction)


def format_score(score: float | None) -> str:
    """A score with one decimal (``kpi_engine.fmt.score``)."""
    return fmt.score(score)


def explain(steps: Iterable[Step], lang: str = "en") -> list[str]:
    """The calculation steps written out in ``lang`` (a parameter ``NAME_key`` is an i18n key, filled in as ``NAME``;
    ``NAME__en`` / ``NAME__zh`` are the text of ``NAME`` in each language, e.g. KPIs by name)."""
    out = []
    suffix = f"__{'zh' if (lang or '').startswith('zh') else 'en'}"
    for key, params in steps:
        filled = {(k[:-4] if k.endswith("_key") else k): (t(v, lang) if k.endswith("_key") else v) for k, v in params.items()
                  if k[-4:] not in ("__en", "__zh")}
        filled.update({k[:-4]: v for k, v in params.items() if k.endswith(suffix)})
        out.append(t(key, lang, **filled))
    return out


# --- One KPI -------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiScore:
    """The score of one KPI and how it was reached (``steps``)."""

    actual: float | None
    base: float | None
    challenge: float | None
    floor: float
    direction: str
    achievement: float | None
    score: float | None
    tier: str
    steps: tuple[Step, ...] = ()

    @property
    def measurable(self) -> bool:
        return self.score is not None

    @property
    def breached(self) -> bool:
        """For a guardrail: the actual is worse than the base target."""
        return self.achievement is not None and self.achievement < 1 - _EPS

    def explain(self, lang: str = "en") -> str:
        return " ".join(explain(self.steps, lang))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def achievement(actual: float, base: float, direction: str = "higher", cap: float = 120.0) -> float:
    """:func:`kpi_engine.fmt.achievement_ratio` (the one definition); a lower-is-better actual ≤ 0 gives cap / 100."""
    a = fmt.achievement_ratio(actual, base, direction)
    if a is None:
        raise ValueError(f"achievement needs an actual and a base above 0 (got {actual!r} / {base!r})")
    return cap / 100 if math.isinf(a) else a


def score_kpi(actual: float | None, base: float | None, *, challenge: float | None = None, floor: float | None = None,
              direction: str = "higher", unit: str = "count", rules: Rules | None = None) -> KpiScore:
    """Score one KPI on the 0..cap scale (see the module docstring)."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    r = rules or Rules.from_settings()
    fl = r.floor if floor is None else float(floor)
    sym = r.currency_symbol

    def v(x: float | None) -> str:
        return format_value(x, unit, sym)

    def result(a: float | None, score: float | None, tier: str, steps: list[Step]) -> KpiScore:
        return KpiScore(None if actual is None or _missing(actual) else float(actual), base, challenge, fl, direction, a, score, tier,
                        tuple(steps))

    if _missing(actual):
        return result(None, None, "no_data", [("plans_calc_no_data", {})])
    assert actual is not None
    if _missing(base) or base is None or base <= 0:
        return result(None, None, "no_target", [("plans_calc_no_target", {"base": v(base)})])
    actual = float(actual)
    steps: list[Step] = []
    if direction == "lower" and actual <= 0:
        a = r.cap / 100
        return result(a, r.cap, "zero_lower", [("plans_calc_zero_lower", {"actual": v(actual), "cap": format_score(r.cap)})])
    a = achievement(actual, base, direction, r.cap)
    key = "plans_calc_achievement_higher" if direction == "higher" else "plans_calc_achievement_lower"
    steps.append((key, {"actual": v(actual), "base": v(base), "achievement": format_pct(a)}))
    if a < fl - _EPS:
        steps.append(("plans_calc_below_floor", {"achievement": format_pct(a), "floor": format_pct(fl)}))
        return result(a, 0.0, "below_floor", steps)
    if a < 1 - _EPS:
        score = 100 * a
        steps.append(("plans_calc_below_base", {"achievement": f"{a:.4f}", "score": format_score(score)}))
        return result(a, score, "below_base", steps)
    usable = challenge is not None and not _missing(challenge) and (
        challenge > base if direction == "higher" else challenge < base)
    if challenge is not None and not _missing(challenge) and not usable:
        steps.append(("plans_calc_challenge_ignored", {"challenge": v(challenge), "base": v(base)}))
    if usable:
        assert challenge is not None
        beyond = actual >= challenge if direction == "higher" else actual <= challenge
        if beyond:
            steps.append(("plans_calc_at_challenge", {"challenge": v(challenge), "cap": format_score(r.cap)}))
            return result(a, r.cap, "at_challenge", steps)
        score = 100 + (r.cap - 100) * (actual - base) / (challenge - base)
        steps.append(("plans_calc_between", {"span": format_score(r.cap - 100), "actual": v(actual), "base": v(base),
                                             "challenge": v(challenge), "score": format_score(score)}))
        return result(a, score, "between", steps)
    raw = 100 * a
    score = min(r.cap, raw)
    key = "plans_calc_no_challenge_capped" if raw > r.cap else "plans_calc_no_challenge"
    steps.append((key, {"achievement": f"{a:.4f}", "raw": format_score(raw), "cap": format_score(r.cap),
                        "score": format_score(score)}))
    return result(a, score, "above_base", steps)


# --- A card --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One KPI as a card sees it."""

    label: str
    weight: float
    score: float | None
    dimension: str = ""
    guardrail: bool = False
    penalty: float = 0.0
    achievement: float | None = None
    shown: tuple[tuple[str, str], ...] = ()  # (lang, the KPI by name) for the calculation steps; else ``label``

    def names(self, param: str) -> dict[str, str]:
        """A step parameter naming this KPI: by name in each language when known (``param__en`` ...)."""
        return {f"{param}__{lang}": text for lang, text in self.shown} if self.shown else {param: self.label}

    @property
    def breached(self) -> bool:
        return self.guardrail and self.achievement is not None and self.achievement < 1 - _EPS


@dataclass(frozen=True)
class DimensionTotal:
    dimension: str
    weight: float  # all KPIs of the dimension
    measured_weight: float
    score: float | None  # weighted score of its measurable KPIs
    kpis: int
    not_measurable: int


def weighted_score(entries: Sequence[Entry]) -> float | None:
    """Σ weight × score / Σ weight over measurable, weighted, non-guardrail entries (None when there are none)."""
    used = [(e.weight, e.score) for e in entries if not e.guardrail and e.score is not None and e.weight > 0]
    total = sum(w for w, _ in used)
    if total <= 0:
        return None
    return sum(w * s for w, s in used) / total


def dimension_subtotals(entries: Sequence[Entry]) -> tuple[DimensionTotal, ...]:
    """One subtotal per dimension, in order of first appearance (guardrails left out)."""
    out: list[DimensionTotal] = []
    for dim in dict.fromkeys(e.dimension for e in entries if not e.guardrail):
        mine = [e for e in entries if e.dimension == dim and not e.guardrail]
        measured = [e for e in mine if e.score is not None]
        out.append(DimensionTotal(dim, sum(e.weight for e in mine), sum(e.weight for e in measured),
                                  weighted_score(mine), len(mine), len(mine) - len(measured)))
    return tuple(out)


def grade_of(final: float | None, rules: Rules | None = None) -> str | None:
    """S, A, B, C or D for a final score (a score on a bound gets the higher grade)."""
    if final is None:
        return None
    for grade, bound in (rules or Rules.from_settings()).grades:
        if final >= bound - _EPS:
            return grade
    return "D"


@dataclass(frozen=True)
class Totals:
    """A card's totals and how they were reached."""

    weighted_before: float | None
    deductions: float
    weighted: float | None
    dimensions: tuple[DimensionTotal, ...]
    not_measurable: tuple[str, ...]
    qualitative: float | None
    share: float
    final: float | None
    grade: str | None
    multiplier: float | None
    base_bonus: float | None
    bonus: float | None
    steps: tuple[Step, ...] = ()
    measured_share: float | None = None  # measured weight / total weight of the scored (non-guardrail) KPIs
    status: str = "final"  # see STATUSES

    def explain(self, lang: str = "en") -> list[str]:
        return explain(self.steps, lang)

    @property
    def graded(self) -> bool:
        return self.status == "final" and self.grade is not None


def totals(entries: Sequence[Entry], *, qualitative: float | None, share: float | None = None,
           base_bonus: float | None = None, rules: Rules | None = None, provisional: bool = False,
           closes: str = "") -> Totals:
    """Weighted score, dimension subtotals, guardrail deductions, final score, grade and bonus of one card.

    A grade and a bonus are given only on enough evidence and only for a closed period: when the
    measured KPIs carry less than ``rules.min_measured_weight`` of the weight the status is
    ``insufficient`` ("not enough data to grade"); while the period runs (``provisional``, closing on
    ``closes``) the score is provisional and the grade and bonus wait for the close.
    """
    r = rules or Rules.from_settings()
    share = r.share if share is None else float(share)
    sym = r.currency_symbol
    steps: list[Step] = []
    scored = [e for e in entries if not e.guardrail and e.weight > 0]
    used = [e for e in scored if e.score is not None]
    missing = tuple(e.label for e in scored if e.score is None)
    before = weighted_score(entries)
    if before is None:
        steps.append(("plans_calc_weighted_none", {}))
    else:
        num = sum(e.weight * e.score for e in used if e.score is not None)
        steps.append(("plans_calc_weighted", {"numerator": f"{num:,.1f}", "weights": f"{sum(e.weight for e in used):g}",
                                              "weighted": format_score(before)}))
    if missing:
        unmeasured = [e for e in scored if e.score is None]
        named = {k: ", ".join(e.names("kpis").get(k, e.label) for e in unmeasured) for k in unmeasured[0].names("kpis")}
        steps.append(("plans_calc_weighted_excluded", {**named,
                                                       "weight": f"{sum(e.weight for e in scored if e.score is None):g}"}))
    deductions = 0.0
    for e in entries:
        if e.breached and e.penalty:
            deductions += e.penalty
            steps.append(("plans_calc_guardrail", {**e.names("kpi"), "achievement": format_pct(e.achievement),
                                                   "penalty": f"{e.penalty:g}"}))
    weighted = before
    if before is not None and deductions:
        weighted = max(0.0, before - deductions)
        steps.append(("plans_calc_after_deductions", {"before": format_score(before), "deductions": f"{deductions:g}",
                                                      "weighted": format_score(weighted)}))
    final: float | None = None
    if weighted is not None:
        if qualitative is None or share >= 1:
            final = weighted
            if share < 1:
                steps.append(("plans_calc_final_no_360", {"final": format_score(final)}))
        else:
            final = share * weighted + (1 - share) * qualitative
            steps.append(("plans_calc_final", {"share": f"{share:g}", "weighted": format_score(weighted),
                                               "rest": f"{1 - share:g}", "qualitative": format_score(qualitative),
                                               "final": format_score(final)}))
    weight_all = sum(e.weight for e in scored)
    measured_share = sum(e.weight for e in used) / weight_all if weight_all > 0 else None
    status = "final"
    if final is None:
        status = "none"
    elif measured_share is None or measured_share < r.min_measured_weight - _EPS:
        status = "insufficient"
        steps.append(("scores_not_enough_data", {"measured": format_pct(measured_share),
                                                 "minimum": format_pct(r.min_measured_weight)}))
    elif provisional:
        status = "provisional"
        steps.append(("scores_provisional", {"closes": closes or "—"}))
    grade = grade_of(final, r) if status == "final" else None
    if grade is not None:
        bounds = dict(r.grades)
        rule = f"≥ {bounds[grade]:g}" if grade in bounds else f"< {r.grades[-1][1]:g}"
        steps.append(("plans_calc_grade", {"grade": grade, "final": format_score(final), "rule": rule}))
    multiplier = None if grade is None else float(r.multipliers.get(grade, 0.0))
    bonus = None
    if multiplier is not None and base_bonus is not None:
        bonus = base_bonus * multiplier
        steps.append(("plans_calc_bonus", {"base_bonus": format_value(base_bonus, "money", sym),
                                           "multiplier": f"{multiplier:g}", "bonus": format_value(bonus, "money", sym)}))
    elif multiplier is not None:
        steps.append(("plans_calc_no_bonus", {}))
    return Totals(before, deductions, weighted, dimension_subtotals(entries), missing, qualitative, share, final, grade,
                  multiplier, base_bonus, bonus, tuple(steps), measured_share, status)
