"""Response curves: how a channel's weekly leads (or wins) answer its weekly spend, with diminishing returns.

Two models, both concave (every extra yuan brings no more than the one before it):

- **Hill** (saturation): ``leads(x) = top · x^s / (x^s + half^s)``. ``top`` is the most the channel could
  give at any spend, ``half`` the spend at which it gives half of that, ``s`` (0.3 .. 1) how fast it bends.
  ``s`` is capped at 1 so the curve never has an S-shaped start: weekly history rarely covers a threshold, and
  a concave curve makes the optimiser's answer unique.
- **Log**: ``leads(x) = scale · ln(1 + x / k)``; no ceiling, but each doubling of spend adds about the same.

Both are fitted by least squares (``scipy.optimize.curve_fit``, bounded parameters) to one point per week
(the week's spend, the week's leads) of a channel; ``model="auto"`` keeps the one with the lower AIC
(n · ln(SSE / n) + 2 · number of parameters). Neither has an intercept: no spend, no paid leads (organic
channels without spend have no curve).

The band is a **residual bootstrap**: the fitted curve plus the week residuals drawn again with replacement,
refitted ``boot`` times (100); a prediction's 80% band is the 10th..90th percentile of the refitted curves at
that spend. It widens outside the spend range seen in history (``Curve.in_range`` says when that happens).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit
from sqlalchemy.engine import Engine

MODELS = ("hill", "log")
BOOT = 100
MIN_WEEKS = 8
SHAPE_BOUNDS = (0.3, 1.0)


def hill(x: np.ndarray | float, top: float, half: float, shape: float) -> np.ndarray:
    """``top · x^shape / (x^shape + half^shape)`` (0 at no spend)."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    xs = x ** shape
    return top * xs / (xs + half ** shape)


def hill_slope(x: np.ndarray | float, top: float, half: float, shape: float) -> np.ndarray:
    """d hill / dx: extra leads per extra yuan at spend ``x`` (very large near 0 when shape < 1)."""
    x = np.maximum(np.asarray(x, dtype=float), 1e-9)
    xs, hs = x ** shape, half ** shape
    return top * shape * hs * x ** (shape - 1) / (xs + hs) ** 2


def log_curve(x: np.ndarray | float, scale: float, k: float) -> np.ndarray:
    """``scale · ln(1 + x / k)`` (0 at no spend)."""
    return scale * np.log1p(np.maximum(np.asarray(x, dtype=float), 0.0) / k)


def log_slope(x: np.ndarray | float, scale: float, k: float) -> np.ndarray:
    """d log_curve / dx = scale / (k + x)."""
    return scale / (k + np.maximum(np.asarray(x, dtype=float), 0.0))


_FUNCS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "hill": (hill, hill_slope), "log": (log_curve, log_slope)}


@dataclass(frozen=True)
class Curve:
    """A fitted response curve of one channel: ``model``, its ``params``, and ``boot`` (bootstrap parameter sets).

    ``spend_range``: the lowest and highest weekly spend in the history; ``weeks``: points fitted; ``r2``: the
    share of the week-to-week variation the curve explains; ``win_rate``: the channel's wins / leads over the
    same weeks (to turn predicted leads into wins); ``mean_spend``: the average weekly spend (today's level).
    """

    channel: str
    model: str
    params: tuple[float, ...]
    spend_range: tuple[float, float]
    weeks: int
    r2: float
    win_rate: float = 0.0
    mean_spend: float = 0.0
    boot: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False, compare=False)

    def predict(self, x: np.ndarray | float) -> np.ndarray:
        return _FUNCS[self.model][0](x, *self.params)

    def slope(self, x: np.ndarray | float) -> np.ndarray:
        return _FUNCS[self.model][1](x, *self.params)

    def draws(self, x: float) -> np.ndarray:
        """The bootstrap curves' values at spend ``x`` (one per draw; the fitted value when there are none)."""
        if not len(self.boot):
            return np.atleast_1d(self.predict(x))
        f = _FUNCS[self.model][0]
        return np.array([float(f(x, *p)) for p in self.boot])

    def in_range(self, x: float) -> bool:
        lo, hi = self.spend_range
        return lo * 0.9 <= x <= hi * 1.1


def _fit_one(model: str, x: np.ndarray, y: np.ndarray, p0: Sequence[float] | None = None) -> tuple[float, ...]:
    x_pos = x[x > 0]
    med = float(np.median(x_pos)) if len(x_pos) else 1.0
    top_y = max(float(y.max()), 1e-6)
    if model == "hill":
        lower, upper = [1e-9, 0.05 * med, SHAPE_BOUNDS[0]], [100.0 * top_y, 50.0 * float(x.max()), SHAPE_BOUNDS[1]]
        start = list(p0) if p0 is not None else [2.0 * top_y, med, 0.8]
    else:
        lower, upper = [1e-9, 0.01 * med], [np.inf, 50.0 * float(x.max())]
        start = list(p0) if p0 is not None else [top_y, med]
    start = [min(max(s, lo * 1.0001 + 1e-12), hi * 0.9999 if np.isfinite(hi) else s) for s, lo, hi in
             zip(start, lower, upper, strict=True)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        params, _ = curve_fit(_FUNCS[model][0], x, y, p0=start, bounds=(lower, upper), maxfev=5000)
    return tuple(float(p) for p in params)


def fit_curve(spend: Sequence[float], outcome: Sequence[float], *, channel: str = "", model: str = "auto",
              boot: int = BOOT, seed: int = 0, win_rate: float = 0.0) -> Curve:
    """Fit a response curve to weekly (spend, outcome) points; see the module docstring for the models."""
    x, y = np.asarray(spend, dtype=float), np.asarray(outcome, dtype=float)
    if len(x) < 3 or not (x > 0).any():
        raise ValueError(f"{channel or 'the channel'}: a curve needs at least 3 weeks with spend")
    candidates = MODELS if model == "auto" else (model,)
    best: tuple[float, str, tuple[float, ...]] | None = None
    for name in candidates:
        try:
            params = _fit_one(name, x, y)
        except (RuntimeError, ValueError):  # this model does not fit the points: the next is tried; none raises below
            continue
        sse = float(((y - _FUNCS[name][0](x, *params)) ** 2).sum())
        aic = len(x) * np.log(max(sse, 1e-12) / len(x)) + 2 * len(params)
        if best is None or aic < best[0]:
            best = (aic, name, params)
    if best is None:
        raise ValueError(f"{channel or 'the channel'}: no curve could be fitted")
    _, name, params = best
    fitted = _FUNCS[name][0](x, *params)
    resid = y - fitted
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid ** 2).sum()) / total if total > 0 else 0.0
    rng = np.random.default_rng(seed)
    sets = []
    for _ in range(boot):
        y_star = np.maximum(fitted + rng.choice(resid, size=len(resid), replace=True), 0.0)
        try:
            sets.append(_fit_one(name, x, y_star, p0=params))
        except (RuntimeError, ValueError):  # a resample that does not fit adds nothing to the band (the rest do)
            continue
    return Curve(channel, name, params, (float(x.min()), float(x.max())), len(x), r2, win_rate, float(x.mean()),
                 np.array(sets) if sets else np.zeros((0, len(params))))


def weekly_history(engine: Engine, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per channel and ISO week: spend, leads and wins (the metric layer, one query)."""
    from kpi_engine.metrics.query import compute

    return compute(engine, ["spend", "leads", "wins"], by="channel", grain="week", start=start, end=end,
                   dense=True)


def fit_channels(engine: Engine, *, start: dt.date, end: dt.date, outcome: str = "leads", model: str = "auto",
                 min_weeks: int = MIN_WEEKS, boot: int = BOOT) -> dict[str, Curve]:
    """A curve per channel with spend in at least ``min_weeks`` full weeks of ``[start, end]``.

    Only whole ISO weeks inside the range count (a cut week would look like a week of low spend).
    """
    frame = weekly_history(engine, start=start, end=end)
    full = frame[(frame["period_start"] >= start) & (frame["period_start"] + dt.timedelta(days=6) <= end)]
    curves: dict[str, Curve] = {}
    for channel, group in full.groupby("channel_id", sort=True):
        paid = group[group["spend"] > 0]
        if len(paid) < min_weeks or not str(channel):
            continue
        leads = float(paid["leads"].sum())
        rate = float(paid["wins"].sum()) / leads if leads else 0.0
        curves[str(channel)] = fit_curve(paid["spend"].to_numpy(), paid[outcome].to_numpy(dtype=float),
                                         channel=str(channel), model=model, boot=boot, win_rate=rate)
    return curves
