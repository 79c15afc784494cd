"""A KPI projected to the end of its period, with an 80% band, and a backtest that measures its error.

The model (a weekday-seasonal level model, the "seasonal naive with a smoothed level" family):

- **weekday profile**: over the last ``season_days`` (8 weeks) each weekday's mean divided by the overall mean
  (all 1 when the window is empty), so Mondays can run high and Sundays low;
- **level**: an exponentially weighted mean of the last ``season_days`` values after dividing each by its weekday's
  factor, weights halving every ``half_life`` days (14): recent weeks count more, one odd day counts little;
- **path**: each future day = level × its weekday's factor; the period's projection = actual so far + the sum
  of the path over the days left.

The band is **empirical**, not a normal-distribution formula: the same model is run from every earlier day of the
trailing ``history_days`` (rolling origins, no look-ahead), and its relative error on the next *h* days is
recorded (``actual / forecast − 1``). The 10th and 90th percentiles of those errors at the horizon that is
left, applied to the forecast of the rest of the period, give the 80% band. A ratio KPI (CPL = spend / leads) is
projected from its two parts; its band comes from the paired errors of both parts on the same origins.

Why not statsforecast/ETS: statsforecast pulls numba (slow first call, heavy install) and an ETS fit per KPI adds
little on daily marketing counts whose signal is a level and a weekday shape; this model needs numpy only, runs
in milliseconds, and its band is calibrated on the store's own history. ``bench/bench_forecast.py`` reports the
backtest error (MAPE) against the run-rate projection that pacing uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.metrics import registry
from kpi_engine.metrics.registry import Ratio, Simple

COVERAGE = 0.8
SEASON_DAYS = 56
HALF_LIFE = 14.0
HISTORY_DAYS = 182
MIN_ORIGINS = 14  # fewer error samples than this: no band (too little history to say how wrong we can be)


@dataclass(frozen=True)
class Forecast:
    """A KPI's projection for ``[start, end]`` from the data through ``as_of``.

    ``actual``: the value so far (None before the period starts); ``projected``: the value expected at the
    period end; ``low``/``high``: the 80% band (None without enough history); ``daily``: one row per day of
    the period with ``date``, ``actual`` (cumulative, observed days), ``projected``, ``low``, ``high``
    (cumulative; on observed days equal to the actual) — for a ratio KPI the running ratio.
    """

    metric: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    actual: float | None
    projected: float | None
    low: float | None
    high: float | None
    samples: int
    daily: pd.DataFrame


def forecastable(metric_id: str) -> bool:
    """Whether ``metric_id`` can be projected: a count or sum, or a ratio of two of them."""
    calc = registry.get(metric_id).calc
    if isinstance(calc, Simple):
        return True
    return isinstance(calc, Ratio) and all(isinstance(registry.get(p).calc, Simple)
                                           for p in (calc.numerator, calc.denominator))


def parts(metric_id: str) -> tuple[str, ...]:
    """The additive series a metric is projected from: itself, or a ratio's numerator and denominator."""
    calc = registry.get(metric_id).calc
    return (calc.numerator, calc.denominator) if isinstance(calc, Ratio) else (metric_id,)


def weekday_factors(values: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Seven factors (Monday first): each weekday's mean over the overall mean; 1 where unknown."""
    factors = np.ones(7)
    overall = float(values.mean()) if len(values) else 0.0
    if overall <= 0:
        return factors
    for day in range(7):
        sel = values[weekdays == day]
        if len(sel):
            factors[day] = float(sel.mean()) / overall
    return factors


def path(values: np.ndarray, weekdays: np.ndarray, future_weekdays: np.ndarray, *,
         season_days: int = SEASON_DAYS, half_life: float = HALF_LIFE) -> np.ndarray:
    """The model's daily forecast for days with ``future_weekdays``, from past ``values`` (oldest first)."""
    if not len(future_weekdays):
        return np.zeros(0)
    if not len(values):
        return np.zeros(len(future_weekdays))
    y, wd = values[-season_days:], weekdays[-season_days:]
    factors = weekday_factors(y, wd)
    f = factors[wd]
    deseason = np.divide(y, f, out=np.zeros_like(y, dtype=float), where=f > 0)
    age = np.arange(len(y))[::-1]
    weights = 0.5 ** (age / half_life)
    level = float((deseason * weights).sum() / weights.sum())
    return level * factors[future_weekdays]


def error_matrix(values: np.ndarray, weekdays: np.ndarray, horizon: int, *, min_history: int = 28,
                 **model: float) -> np.ndarray:
    """Relative errors of the cumulative forecast, ``actual / forecast − 1``, from rolling origins.

    One row per origin t (forecasting values[t:t+horizon] from values[:t]), one column per horizon 1..horizon;
    NaN where the forecast is 0. Origins need ``min_history`` days before them and ``horizon`` days after.
    """
    rows = []
    for t in range(min_history, len(values) - horizon + 1):
        fc = np.cumsum(path(values[:t], weekdays[:t], weekdays[t:t + horizon], **model))  # type: ignore[arg-type]
        act = np.cumsum(values[t:t + horizon])
        rows.append(np.divide(act, fc, out=np.full(horizon, np.nan), where=fc > 0) - 1.0)
    return np.array(rows).reshape(len(rows), horizon)


def project(series: Mapping[str, Sequence[float]], days: Sequence[dt.date], start: dt.date, end: dt.date, *,
            metric: str | None = None, coverage: float = COVERAGE) -> Forecast:
    """Project the period ``[start, end]`` from daily ``series`` ({part: values}) observed on ``days``.

    ``days`` are consecutive, the last one is the as-of day. One part: an additive KPI (the projection is a sum);
    two parts: a ratio (numerator, denominator). Pure: no database.
    """
    names = list(series)
    as_of = days[-1]
    all_days = np.array([d.weekday() for d in days])
    frame = {n: np.asarray(series[n], dtype=float) for n in names}
    observed = [i for i, d in enumerate(days) if start <= d <= end]
    first = max(start, as_of + dt.timedelta(days=1))
    future = [first + dt.timedelta(days=k) for k in range(periods.days_in(first, end))]
    fwd = np.array([d.weekday() for d in future], dtype=int)
    so_far = {n: float(frame[n][observed].sum()) for n in names}
    fc_path = {n: path(frame[n], all_days, fwd) for n in names}
    h = len(future)
    errors = {n: error_matrix(frame[n], all_days, h) if h else np.zeros((0, 0)) for n in names}
    lo_q, hi_q = (1 - coverage) / 2, 1 - (1 - coverage) / 2

    def combine(num: np.ndarray | float, den: np.ndarray | float | None) -> np.ndarray | float:
        if den is None:
            return num
        den_arr = np.asarray(den, dtype=float)
        return np.divide(num, den_arr, out=np.full(np.shape(den_arr), np.nan), where=den_arr > 0)

    def total(cum: Mapping[str, np.ndarray | float]) -> np.ndarray:
        return np.asarray(combine(cum[names[0]], cum[names[1]] if len(names) > 1 else None), dtype=float)

    # cumulative observed and projected paths per part
    obs_cum = {n: np.cumsum(frame[n][observed]) for n in names}
    fc_cum = {n: so_far[n] + np.cumsum(fc_path[n]) for n in names}
    actual_line = total(obs_cum) if observed else np.zeros(0)
    proj_line = total(fc_cum) if h else np.zeros(0)
    low_line = np.full(h, np.nan)
    high_line = np.full(h, np.nan)
    samples = 0
    if h:
        ok = np.all([np.isfinite(errors[n][:, :]) for n in names], axis=0) if len(errors[names[0]]) else None
        for k in range(h):
            valid = ok[:, k] if ok is not None else np.zeros(0, dtype=bool)
            if valid.sum() < MIN_ORIGINS:
                continue
            sims = {n: so_far[n] + np.cumsum(fc_path[n])[k] * (1.0 + errors[n][valid, k]) for n in names}
            draws = np.asarray(total(sims), dtype=float)
            draws = draws[np.isfinite(draws)]
            if len(draws) >= MIN_ORIGINS:
                low_line[k], high_line[k] = np.quantile(draws, [lo_q, hi_q])
                samples = len(draws)
    if h:  # the band always holds the point: errors skewed one way (a burst, a lagging stage) must not leave the
        low_line = np.minimum(low_line, proj_line)  # projection outside its own band; NaN (no band) stays NaN
        high_line = np.maximum(high_line, proj_line)
    actual = float(actual_line[-1]) if observed and np.isfinite(actual_line[-1]) else None
    projected = float(proj_line[-1]) if h and np.isfinite(proj_line[-1]) else actual
    low = float(low_line[-1]) if h and np.isfinite(low_line[-1]) else (actual if not h else None)
    high = float(high_line[-1]) if h and np.isfinite(high_line[-1]) else (actual if not h else None)
    obs_days = [days[i] for i in observed]
    daily = pd.DataFrame({
        "date": obs_days + future,
        "actual": list(np.asarray(actual_line, dtype=float)) + [np.nan] * h,
        "projected": [np.nan] * len(obs_days) + list(np.asarray(proj_line, dtype=float)),
        "low": [np.nan] * len(obs_days) + list(low_line),
        "high": [np.nan] * len(obs_days) + list(high_line),
    })
    return Forecast(metric or names[0], start, end, as_of, actual, projected, low, high, samples, daily)


def daily_histories(engine: Engine, metrics: Sequence[str], *, as_of: dt.date, history_days: int = HISTORY_DAYS,
                    where: Mapping[str, str | Sequence[str]] | None = None
                    ) -> tuple[list[dt.date], dict[str, list[float]]]:
    """Daily values of every part of ``metrics`` over the ``history_days`` through ``as_of``: one metric query for
    all of them (a board of KPIs reads its history once; :func:`forecast_series` projects each from it)."""
    from kpi_engine.metrics.query import compute

    lo = as_of - dt.timedelta(days=history_days - 1)
    names = list(dict.fromkeys(n for m in metrics for n in parts(m)))
    days = [lo + dt.timedelta(days=i) for i in range(history_days)]
    if not names:
        return days, {}
    frame = compute(engine, names, grain="day", start=lo, end=as_of, where=where, dense=True)
    frame = frame.set_index("period_start").reindex(days)
    return days, {n: [float(v) if v == v else 0.0 for v in frame[n]] for n in names}


def daily_history(engine: Engine, metric: str, *, as_of: dt.date, history_days: int = HISTORY_DAYS,
                  where: Mapping[str, str | Sequence[str]] | None = None) -> tuple[list[dt.date], dict[str, list[float]]]:
    """Daily values of ``metric``'s parts over the ``history_days`` through ``as_of``, one query (metric layer)."""
    return daily_histories(engine, [metric], as_of=as_of, history_days=history_days, where=where)


def forecast_series(history: Mapping[str, Sequence[float]], days: Sequence[dt.date], metric: str, *,
                    start: dt.date, end: dt.date) -> Forecast:
    """Project ``metric`` over ``[start, end]`` from a prefetched history (:func:`daily_histories`) holding its parts."""
    if not forecastable(metric):
        raise ValueError(f"{metric} cannot be projected: only counts, sums and ratios of them can")
    return project({n: history[n] for n in parts(metric)}, days, start, end, metric=metric)


def forecast_metric(engine: Engine, metric: str, *, start: dt.date, end: dt.date, as_of: dt.date,
                    where: Mapping[str, str | Sequence[str]] | None = None,
                    history_days: int = HISTORY_DAYS) -> Forecast:
    """Project ``metric`` over ``[start, end]`` from the data through ``as_of`` (the last day with data)."""
    if not forecastable(metric):
        raise ValueError(f"{metric} cannot be projected: only counts, sums and ratios of them can")
    days, series = daily_history(engine, metric, as_of=as_of, history_days=history_days, where=where)
    return project(series, days, start, end, metric=metric)


@dataclass(frozen=True)
class BacktestRow:
    """One backtest case: the month, the cut-off day, the actual month total and both projections."""

    metric: str
    month: dt.date
    cut: int
    actual: float
    model: float
    run_rate: float
    low: float | None
    high: float | None


def backtest(engine: Engine, metric: str, months: Sequence[dt.date], *, cut_days: Sequence[int] = (7, 14, 21),
             history_days: int = HISTORY_DAYS) -> list[BacktestRow]:
    """Project each of ``months`` (first days) from data through day ``cut`` of it and compare with the outcome.

    The run-rate projection (pacing's: total so far / days elapsed × days in the month) is the baseline.
    """
    rows: list[BacktestRow] = []
    for month in months:
        start, end = periods.period_range(month, "month")
        days, series = daily_history(engine, metric, as_of=end, history_days=history_days + 31)
        outcome = project(series, days, start, end, metric=metric).actual
        for cut in cut_days:
            as_of = start + dt.timedelta(days=cut - 1)
            keep = [i for i, d in enumerate(days) if d <= as_of]
            fc = project({n: [v[i] for i in keep] for n, v in series.items()}, [days[i] for i in keep], start, end,
                         metric=metric)
            n_days = periods.days_in(start, end)
            if len(series) == 1:
                rate = (fc.actual or 0.0) / cut * n_days
            else:
                rate = fc.actual if fc.actual is not None else float("nan")
            if outcome is not None and fc.projected is not None:
                rows.append(BacktestRow(metric, start, cut, outcome, fc.projected, rate, fc.low, fc.high))
    return rows


def mape(rows: Sequence[BacktestRow], field: str = "model") -> float:
    """Mean absolute percentage error of ``field`` over rows with a non-zero actual (NaN without any)."""
    errs = [abs(getattr(r, field) - r.actual) / abs(r.actual) for r in rows if r.actual]
    return float(np.mean(errs)) if errs else float("nan")


def coverage(rows: Sequence[BacktestRow]) -> float:
    """Share of rows whose actual fell inside the band (NaN without any band)."""
    inside = [r.low <= r.actual <= r.high for r in rows if r.low is not None and r.high is not None]
    return float(np.mean(inside)) if inside else float("nan")
