"""Budget what-if over fitted response curves: "move ¥X from A to B", and the optimiser that splits a budget.

Everything is per week, like the curves (:mod:`kpi_engine.analytics.response`). For a split of spend over
channels, predicted leads are the sum of each channel's curve at its spend; predicted wins are each channel's
leads × its historical win rate (wins / leads over the fitted weeks: spend moves leads, the sales funnel after
them is assumed unchanged); CAC = total spend / predicted wins, CPL = total spend / predicted leads. The 80% band
comes from the curves' bootstrap draws: draw *i* of every channel is summed, and the 10th..90th percentiles of
those sums are the band (channels' errors are treated as independent).

The optimiser maximises predicted leads (or wins: each channel's curve weighted by its win rate) subject to the
budget being spent exactly and each channel staying within its minimum and maximum
(``scipy.optimize.minimize``, SLSQP, with the curves' exact slopes). The curves are concave, so the optimum it
finds is the optimum: every channel that is not at a limit ends with the same return on its last yuan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from kpi_engine.analytics.response import Curve

COVERAGE = 0.8


@dataclass(frozen=True)
class Outcome:
    """What a split of weekly spend is predicted to give, with its 80% band."""

    spend: dict[str, float]
    leads: float
    leads_low: float
    leads_high: float
    wins: float
    wins_low: float
    wins_high: float
    outside: tuple[str, ...]  # channels whose spend lies outside what history covers (extrapolation)

    @property
    def total_spend(self) -> float:
        return float(sum(self.spend.values()))

    @property
    def cpl(self) -> float | None:
        return self.total_spend / self.leads if self.leads > 0 else None

    @property
    def cac(self) -> float | None:
        return self.total_spend / self.wins if self.wins > 0 else None

    @property
    def cac_band(self) -> tuple[float | None, float | None]:
        """CAC's band: the spend over the high and the low end of the wins band (more wins, lower CAC)."""
        lo = self.total_spend / self.wins_high if self.wins_high > 0 else None
        hi = self.total_spend / self.wins_low if self.wins_low > 0 else None
        return lo, hi


def evaluate(curves: Mapping[str, Curve], spend: Mapping[str, float], *, coverage: float = COVERAGE) -> Outcome:
    """Predicted leads and wins (with bands) of weekly ``spend`` per channel; unknown channels raise."""
    unknown = sorted(set(spend) - set(curves))
    if unknown:
        raise ValueError(f"no response curve for {', '.join(unknown)}")
    leads = sum(float(curves[c].predict(x)) for c, x in spend.items())
    wins = sum(float(curves[c].predict(x)) * curves[c].win_rate for c, x in spend.items())
    draws = {c: curves[c].draws(x) for c, x in spend.items()}
    n = min((len(d) for d in draws.values()), default=0)
    q = [(1 - coverage) / 2, 1 - (1 - coverage) / 2]
    if n:
        lead_sums = np.sum([draws[c][:n] for c in spend], axis=0)
        win_sums = np.sum([draws[c][:n] * curves[c].win_rate for c in spend], axis=0)
        (l_lo, l_hi), (w_lo, w_hi) = np.quantile(lead_sums, q), np.quantile(win_sums, q)
    else:
        l_lo = l_hi = leads
        w_lo = w_hi = wins
    outside = tuple(c for c, x in spend.items() if not curves[c].in_range(x))
    return Outcome({c: float(x) for c, x in spend.items()}, leads, float(min(l_lo, leads)), float(max(l_hi, leads)),
                   wins, float(min(w_lo, wins)), float(max(w_hi, wins)), outside)


def move(curves: Mapping[str, Curve], spend: Mapping[str, float], amount: float, source: str,
         target: str) -> tuple[Outcome, Outcome]:
    """The outcome of ``spend`` and of the same split with ``amount`` moved from ``source`` to ``target``.

    The amount moved is capped at what ``source`` spends (spend never goes below 0).
    """
    if source == target:
        raise ValueError("move money between two different channels")
    moved = min(max(float(amount), 0.0), float(spend.get(source, 0.0)))
    after = dict(spend)
    after[source] = float(spend.get(source, 0.0)) - moved
    after[target] = float(spend.get(target, 0.0)) + moved
    return evaluate(curves, spend), evaluate(curves, after)


def current_spend(curves: Mapping[str, Curve]) -> dict[str, float]:
    """Each channel at its average weekly spend over the fitted weeks (today's split)."""
    return {c: curves[c].mean_spend for c in sorted(curves)}


def default_limits(spend: Mapping[str, float], *, low: float = 0.5, high: float = 1.5
                   ) -> dict[str, tuple[float, float]]:
    """Each channel kept between ``low`` and ``high`` times its current spend (50% .. 150%): the optimiser then
    stays near the spend levels history has seen, where the curves are backed by data."""
    return {c: (low * x, high * x) for c, x in spend.items()}


def even_split(channels: list[str], budget: float) -> dict[str, float]:
    """The budget shared equally (before limits; used as the baseline the optimiser must beat)."""
    return dict.fromkeys(channels, budget / len(channels)) if channels else {}


def optimise(curves: Mapping[str, Curve], budget: float, limits: Mapping[str, tuple[float, float]] | None = None,
             *, objective: str = "leads") -> dict[str, float]:
    """Weekly spend per channel that maximises predicted ``objective`` (leads or wins) for ``budget``.

    ``limits``: {channel: (minimum, maximum)}; a channel without limits may get 0 .. the whole budget.
    Raises ``ValueError`` when the minimums exceed the budget or the maximums cannot absorb it.
    """
    if objective not in ("leads", "wins"):
        raise ValueError("objective must be leads or wins")
    names = sorted(curves)
    if not names:
        return {}
    limits = limits or {}
    bounds = [(float(limits.get(c, (0.0, budget))[0]), float(limits.get(c, (0.0, budget))[1])) for c in names]
    if any(lo > hi for lo, hi in bounds):
        raise ValueError("a channel's minimum is above its maximum")
    if sum(lo for lo, _ in bounds) > budget + 1e-6:
        raise ValueError(f"the channels' minimums add up to {sum(lo for lo, _ in bounds):,.0f}, more than the budget")
    if sum(hi for _, hi in bounds) < budget - 1e-6:
        raise ValueError(f"the channels' maximums add up to {sum(hi for _, hi in bounds):,.0f}, less than the budget")
    weight = np.array([curves[c].win_rate if objective == "wins" else 1.0 for c in names])
    scale = max(budget, 1.0)  # work in budget shares: well-conditioned whatever the currency

    def neg(z: np.ndarray) -> float:
        return -float(sum(w * curves[c].predict(v * scale) for c, w, v in zip(names, weight, z, strict=True)))

    def grad(z: np.ndarray) -> np.ndarray:
        return -np.array([w * float(curves[c].slope(v * scale)) * scale
                          for c, w, v in zip(names, weight, z, strict=True)])

    lo = np.array([b[0] for b in bounds]) / scale
    hi = np.array([b[1] for b in bounds]) / scale
    share = 1.0 if scale == budget else budget / scale
    start = lo + (hi - lo) * (share - lo.sum()) / max((hi - lo).sum(), 1e-12)
    result = minimize(neg, start, jac=grad, method="SLSQP", bounds=list(zip(lo, hi, strict=True)),
                      constraints=[{"type": "eq", "fun": lambda z: z.sum() - share,
                                    "jac": lambda z: np.ones_like(z)}],
                      options={"maxiter": 500, "ftol": 1e-12})
    z = np.clip(result.x, lo, hi)
    best = z if (-neg(z) >= -neg(start)) else start
    return {c: float(v * scale) for c, v in zip(names, best, strict=True)}
