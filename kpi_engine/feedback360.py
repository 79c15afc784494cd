"""The 360 score (SPEC section 5): a person's role-weighted mean of their ratings, and a team's mean.

The mean per reviewer role is weighted by the role weights (settings); roles without ratings or without a weight
are left out and the weights of the others re-normalised. Steps are explained by :func:`kpi_engine.scoring.explain`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpi_engine import fmt
from kpi_engine.scoring import Rules, Step, format_pct, format_score


@dataclass(frozen=True)
class Feedback:
    """A 360-degree score and its parts: (role, mean, ratings, weight) per role."""

    score: float | None
    roles: tuple[tuple[str, float, int, float], ...] = ()
    steps: tuple[Step, ...] = ()


def feedback_score(by_role: Iterable[tuple[str, float, int]], rules: Rules | None = None) -> Feedback:
    """Role-weighted mean of (role, mean score, number of ratings); roles without a weight are left out."""
    r = rules or Rules.from_settings()
    rows = [(role, float(mean), int(n), float(r.role_weights.get(role, 0.0))) for role, mean, n in by_role if n > 0]
    used = [row for row in rows if row[3] > 0]
    if not used:
        return Feedback(None, tuple(rows), (("plans_calc_360_none", {}),))
    total = sum(w for *_, w in used)
    score = sum(m * w for _, m, _, w in used) / total
    steps: list[Step] = [("plans_calc_360_role", {"role_key": f"plans_role_{role}", "mean": fmt.number(m, 1), "count": str(n),
                                                   "weight": format_pct(w / total)}) for role, m, n, w in used]
    steps.append(("plans_calc_360", {"score": format_score(score)}))
    return Feedback(score, tuple(rows), tuple(steps))


def team_feedback(people: Sequence[tuple[str, Feedback]]) -> Feedback:
    """A team's 360 score: the mean of its people's 360 scores (people without ratings left out)."""
    scored = [(p, f.score) for p, f in people if f.score is not None]
    if not scored:
        return Feedback(None, (), (("plans_calc_360_none", {}),))
    score = sum(s for _, s in scored) / len(scored)
    return Feedback(score, (), (("plans_calc_360_team", {"people": str(len(scored)), "score": format_score(score)}),))
