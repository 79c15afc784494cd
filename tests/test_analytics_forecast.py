"""Forecast with an 80% band (issue 16.1): the model on hand-computable series, and through the metric layer."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.analytics import forecast as fc

START = dt.date(2026, 1, 5)  # a Monday


def days(n: int, start: dt.date = START) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_weekday_factors_by_hand() -> None:
    # two weeks of Mon..Sun = 1..7: mean 4, Monday's factor 1/4, Sunday's 7/4
    values = np.array(list(range(1, 8)) * 2, dtype=float)
    weekdays = np.array([d.weekday() for d in days(14)])
    assert fc.weekday_factors(values, weekdays) == pytest.approx([i / 4 for i in range(1, 8)])
    assert list(fc.weekday_factors(np.zeros(14), weekdays)) == [1.0] * 7  # nothing happened: no shape


def test_path_repeats_a_weekly_pattern_and_a_constant() -> None:
    values = np.array([10, 20, 30, 40, 50, 60, 70] * 8, dtype=float)
    wd = np.array([d.weekday() for d in days(56)])
    # deseasonalised every day is 40 (the mean), so the level is 40 and the path is the pattern itself
    assert fc.path(values, wd, np.array([0, 1, 6])) == pytest.approx([10, 20, 70])
    assert fc.path(np.full(30, 5.0), wd[:30], np.array([2, 3])) == pytest.approx([5, 5])


def test_level_weighs_recent_days_more() -> None:
    # 28 days at 0 then 28 days at 10 (no weekday shape): weights halve every 14 days, ages 0..55.
    values = np.array([0.0] * 28 + [10.0] * 28)
    wd = np.array([d.weekday() for d in days(56)])
    w = 0.5 ** (np.arange(56)[::-1] / 14)
    expected = 10 * w[28:].sum() / w.sum()  # = 10 × 1/(1 + 2^-2) = 8
    assert expected == pytest.approx(8.0)
    assert fc.path(values, wd, np.array([0]))[0] == pytest.approx(8.0)


def test_constant_series_projects_exactly_with_a_zero_width_band() -> None:
    d = days(120)  # 2026-01-05 .. 2026-05-04
    start, end = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    cut = d.index(dt.date(2026, 4, 10))
    f = fc.project({"leads": [3.0] * (cut + 1)}, d[: cut + 1], start, end)
    assert f.actual == 30.0  # 10 days × 3
    assert f.projected == pytest.approx(90.0)  # + 20 days × 3
    assert f.low == pytest.approx(90.0) and f.high == pytest.approx(90.0)  # never wrong in the past
    assert f.samples >= fc.MIN_ORIGINS
    assert len(f.daily) == 30 and f.daily["actual"].notna().sum() == 10
    assert f.daily["projected"].iloc[-1] == pytest.approx(90.0)


def test_band_covers_noise_and_is_ordered() -> None:
    rng = np.random.default_rng(1)
    d = days(200)
    values = rng.poisson(20, size=200).astype(float)
    start, end = dt.date(2026, 7, 1), dt.date(2026, 7, 31)
    f = fc.project({"leads": values[: d.index(dt.date(2026, 7, 12)) + 1]}, d[: d.index(dt.date(2026, 7, 12)) + 1],
                   start, end)
    assert f.low < f.projected < f.high
    assert 20 * 31 * 0.9 < f.projected < 20 * 31 * 1.1
    band = f.daily.dropna(subset=["low"])
    assert (band["high"].diff().dropna() > 0).all()  # the band's upper edge grows with the days left


def test_ratio_projects_from_its_parts() -> None:
    d = days(100)
    spend, leads = [200.0] * 100, [4.0] * 100  # CPL 50 every day
    f = fc.project({"spend": spend, "leads": leads}, d, dt.date(2026, 4, 1), dt.date(2026, 4, 30), metric="cpl")
    assert f.actual == pytest.approx(50.0) and f.projected == pytest.approx(50.0)
    assert f.low == pytest.approx(50.0) and f.high == pytest.approx(50.0)


def test_closed_period_is_its_actual() -> None:
    d = days(60)
    f = fc.project({"leads": [2.0] * 60}, d, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert f.actual == f.projected == f.low == f.high == 56.0
    assert f.daily["projected"].isna().all()


def test_short_history_has_no_band() -> None:
    d = days(20)
    f = fc.project({"leads": [1.0] * 20}, d, dt.date(2026, 1, 19), dt.date(2026, 2, 15))
    assert f.projected == pytest.approx(28.0) and f.low is None and f.high is None


def test_forecastable_metrics() -> None:
    assert fc.forecastable("leads") and fc.forecastable("cpl") and fc.forecastable("spend")
    assert not fc.forecastable("ltv")
    assert fc.parts("cac") == ("spend", "wins")


def _load_constant(engine, n_days: int, per_day: int) -> None:
    rows = []
    for i, day in enumerate(days(n_days)):
        for k in range(per_day):
            rows.append({"lead_id": f"L{i}_{k}", "created_at": dt.datetime.combine(day, dt.time(10)),
                         "channel_id": "ch_a"})
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": "ch_a", "name": "A"}])
        conn.execute(sa.insert(schema.leads), rows)
        conn.execute(sa.insert(schema.spend), [{"date": day, "channel_id": "ch_a", "cost": 100.0}
                                               for day in days(n_days)])


def test_forecast_metric_reads_the_metric_layer(engine) -> None:
    _load_constant(engine, 150, 2)  # 2026-01-05 .. 2026-06-03, 2 leads and ¥100 a day
    f = fc.forecast_metric(engine, "leads", start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31),
                           as_of=dt.date(2026, 5, 20))
    assert f.actual == 40.0 and f.projected == pytest.approx(62.0)
    cpl = fc.forecast_metric(engine, "cpl", start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31),
                             as_of=dt.date(2026, 5, 20))
    assert cpl.projected == pytest.approx(50.0)
    with pytest.raises(ValueError, match="cannot be projected"):
        fc.forecast_metric(engine, "ltv", start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31),
                           as_of=dt.date(2026, 5, 20))


def test_backtest_on_a_constant_series_is_exact(duck_engine) -> None:
    _load_constant(duck_engine, 150, 2)
    rows = fc.backtest(duck_engine, "leads", [dt.date(2026, 4, 1), dt.date(2026, 5, 1)], cut_days=(10, 20),
                       history_days=90)
    assert len(rows) == 4
    assert [r.actual for r in rows] == [60.0, 60.0, 62.0, 62.0]
    assert fc.mape(rows) == pytest.approx(0.0) and fc.mape(rows, "run_rate") == pytest.approx(0.0)
    assert fc.coverage(rows) == 1.0


def test_the_band_always_holds_the_projection_even_when_past_misses_lean_one_way() -> None:
    """A steadily rising series: the level model under-forecasts at every past origin, so every miss is above it and
    the raw 80% range (3,481-3,805 here) lies above the projection (3,211); the band is widened to reach it."""
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(110)]  # through 2026-04-20
    out = fc.project({"leads": [10.0 + i for i in range(110)]}, days, dt.date(2026, 4, 1), dt.date(2026, 4, 30),
                     metric="leads")
    assert out.projected == pytest.approx(3211.4, abs=0.1)
    assert out.low == pytest.approx(out.projected) and out.high == pytest.approx(3804.6, abs=0.1)
    band = out.daily.dropna(subset=["low"])
    assert ((band["low"] <= band["projected"] + 1e-9) & (band["projected"] <= band["high"] + 1e-9)).all()
