"""The robust weekday baseline on synthetic series whose anomalies are known, checked against hand computation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi_engine.push.baseline import MAD_SCALE, drops, history_days, weekday_baseline

DAY = dt.date(2026, 10, 19)  # a Monday


def _series(values_by_day: dict[dt.date, float], key: str = "") -> pd.DataFrame:
    frame = pd.DataFrame({"period_start": list(values_by_day), "rate": list(values_by_day.values())})
    return frame.assign(channel_id=key) if key else frame


def test_history_is_the_same_weekday_of_the_eight_weeks_before() -> None:
    days = history_days(DAY)
    assert len(days) == 8 and all(d.weekday() == DAY.weekday() for d in days)
    assert days[0] == dt.date(2026, 10, 12) and days[-1] == dt.date(2026, 8, 24)


def test_median_and_mad_by_hand_and_other_weekdays_do_not_count() -> None:
    # Mondays: 0.30 0.32 0.28 0.31 0.29 0.30 0.33 0.27 -> median 0.30; |dev| 0 .02 .02 .01 .01 0 .03 .03 -> MAD 0.015
    mondays = [0.30, 0.32, 0.28, 0.31, 0.29, 0.30, 0.33, 0.27]
    values = {d: v for d, v in zip(history_days(DAY), mondays, strict=True)}
    values |= {d - dt.timedelta(days=1): 0.9 for d in history_days(DAY)}  # Sundays: far off, must be ignored
    values[DAY] = 0.20
    (row,) = weekday_baseline(_series(values), "rate", DAY).to_dict("records")
    assert row["median"] == pytest.approx(0.30) and row["mad"] == pytest.approx(0.015)
    assert row["sigma"] == pytest.approx(MAD_SCALE * 0.015) and row["points"] == 8
    assert row["z"] == pytest.approx((0.20 - 0.30) / (MAD_SCALE * 0.015))


def test_known_anomalies_are_found_and_normal_noise_is_not() -> None:
    rng = np.random.default_rng(42)
    frames = []
    for key, today in (("normal", None), ("dropped", 0.05), ("spiked", 0.9)):
        days = [DAY - dt.timedelta(days=i) for i in range(1, 60)]
        values = {d: float(0.3 + rng.normal(0, 0.02)) for d in days}
        values[DAY] = today if today is not None else float(0.3 + rng.normal(0, 0.02))
        frames.append(_series(values, key))
    # one wild week in the history of "dropped" must not widen its range (robust to outliers)
    frame = pd.concat(frames, ignore_index=True)
    frame.loc[(frame["channel_id"] == "dropped") & (frame["period_start"] == history_days(DAY)[2]), "rate"] = 0.95
    base = weekday_baseline(frame, "rate", DAY, ["channel_id"]).set_index("channel_id")
    assert list(drops(base.reset_index(), 3.0)["channel_id"]) == ["dropped"]  # a spike up is not a drop
    assert base.loc["spiked", "z"] > 3 and abs(base.loc["normal", "z"]) < 3
    assert base.loc["dropped", "sigma"] < 0.05  # the outlier week did not inflate the spread


def test_flat_history_mad_zero_and_too_little_history() -> None:
    flat = {d: 0.25 for d in history_days(DAY)} | {DAY: 0.20}
    (row,) = weekday_baseline(_series(flat), "rate", DAY).to_dict("records")
    assert row["mad"] == 0 and row["sigma"] == 0 and row["z"] == -np.inf  # any drop from a flat line is unusual
    same = {d: 0.25 for d in history_days(DAY)} | {DAY: 0.25}
    assert weekday_baseline(_series(same), "rate", DAY)["z"].iloc[0] == 0
    # MAD 0 but not flat: 5 of 8 equal -> 1.2533 x mean absolute deviation
    mostly = dict(zip(history_days(DAY), [0.3] * 5 + [0.1, 0.5, 0.3], strict=True)) | {DAY: 0.0}
    (row,) = weekday_baseline(_series(mostly), "rate", DAY).to_dict("records")
    assert row["mad"] == 0 and row["sigma"] == pytest.approx(1.2533 * (0.2 + 0.2) / 8)
    few = {d: 0.3 for d in history_days(DAY)[:4]} | {DAY: 0.0}  # 4 points < 5
    (row,) = weekday_baseline(_series(few), "rate", DAY).to_dict("records")
    assert np.isnan(row["z"]) and row["points"] == 4
    gaps = {d: (np.nan if i % 2 else 0.3) for i, d in enumerate(history_days(DAY))} | {DAY: 0.0}
    assert weekday_baseline(_series(gaps), "rate", DAY)["points"].iloc[0] == 4  # days without a value left out


def test_no_value_today_gives_no_row() -> None:
    values = {d: 0.3 for d in history_days(DAY)}
    assert weekday_baseline(_series(values), "rate", DAY).empty
