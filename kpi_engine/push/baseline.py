"""The "usual range" of a daily metric: a robust baseline from its own history on the same weekday.

For a day ``d`` and each scope, the history is the metric on ``d − 7``, ``d − 14`` … ``d − 7·weeks`` (the same
weekday over the trailing :data:`WEEKS` weeks; days without a value are left out). With at least
:data:`MIN_POINTS` values:

- centre ``m`` = the median of the history;
- spread ``σ`` = 1.4826 × MAD, the median absolute deviation from ``m`` (1.4826 makes it estimate the standard
  deviation of normally distributed data, while one or two wild days cannot move it);
- when the MAD is 0 (more than half the days identical), ``σ`` = 1.2533 × the mean absolute deviation (the
  same consistency for normal data); when that is 0 too (a perfectly flat history), ``σ`` = 0;
- the robust z-score ``z = (value − m) / σ``; with ``σ = 0`` it is 0 at the centre and ±∞ anywhere else.

A value is outside its usual range when ``z < −k`` (a drop; the rule's threshold ``k``, default 3). Every step is a
vectorised group-by over the frame ``kpi_engine.metrics.query.compute`` returns at grain day: no row loops.
See docs/alerts.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

WEEKS = 8
MIN_POINTS = 5
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533
_KEY = "_all"


def history_days(day: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The same weekday in each of the ``weeks`` weeks before ``day``, newest first."""
    return [day - dt.timedelta(days=7 * k) for k in range(1, weeks + 1)]


def weekday_baseline(frame: pd.DataFrame, value: str, day: dt.date, keys: Sequence[str] = (), *,
                     weeks: int = WEEKS, min_points: int = MIN_POINTS) -> pd.DataFrame:
    """One row per scope (``keys``) with a value on ``day``: value, median, mad, sigma, points, z.

    ``frame`` has ``period_start`` (dates), the ``keys`` columns and ``value``. Scopes with fewer than
    ``min_points`` history values get NaN median, sigma and z (no baseline, no alert).
    """
    keys = list(keys)
    data = frame.assign(**{_KEY: ""}) if not keys else frame
    group = keys or [_KEY]
    data = data[[*group, "period_start", value]].dropna(subset=[value])
    past = data[data["period_start"].isin(history_days(day, weeks))]
    today = data[data["period_start"] == day].set_index(group)[value].rename("value")
    by = past.groupby(group)[value]
    median = by.median().rename("median")
    dev = (past[value] - past[group].merge(median.reset_index(), on=group, how="left")["median"].to_numpy()).abs()
    dev_by = dev.groupby([past[g] for g in group])
    stats = pd.concat([median, dev_by.median().rename("mad"), dev_by.mean().rename("mean_ad"),
                       by.count().rename("points")], axis=1)
    out = pd.concat([today, stats], axis=1, join="inner") if len(stats) else today.to_frame().assign(
        median=np.nan, mad=np.nan, mean_ad=np.nan, points=0)
    enough = out["points"] >= min_points
    sigma = np.where(out["mad"] > 0, MAD_SCALE * out["mad"], MEAN_AD_SCALE * out["mean_ad"])
    out["sigma"] = np.where(enough, sigma, np.nan)
    out.loc[~enough, ["median"]] = np.nan
    diff = out["value"] - out["median"]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(out["sigma"] > 0, diff / out["sigma"], np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    out["z"] = np.where(enough, z, np.nan)
    out = out.drop(columns=["mean_ad"]).reset_index()
    return out.drop(columns=[_KEY]) if not keys else out


def drops(baseline: pd.DataFrame, k: float) -> pd.DataFrame:
    """The rows whose value is more than ``k`` robust standard deviations below the median."""
    return baseline[baseline["z"] < -k]
