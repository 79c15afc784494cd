"""Response curves and the budget what-if (issue 16.3) on simulated data with known curves, and by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.analytics import budget, response
from kpi_engine.analytics.response import Curve


def known(channel: str, model: str, params: tuple[float, ...], win_rate: float = 0.1,
          spend_range: tuple[float, float] = (0.0, 1e9)) -> Curve:
    """A curve with exactly these parameters (no bootstrap): the optimiser's answers can be worked out by hand."""
    return Curve(channel, model, params, spend_range, 52, 1.0, win_rate, 0.0)


def test_curves_by_hand() -> None:
    assert response.hill(1000.0, 200, 1000, 1.0) == pytest.approx(100.0)  # half the top at the half spend
    assert response.hill(0.0, 200, 1000, 0.5) == 0.0
    assert response.log_curve(1000.0, 50, 1000) == pytest.approx(50 * math.log(2))
    assert response.log_slope(1000.0, 50, 1000) == pytest.approx(50 / 2000)
    # d/dx of top·x/(x+h) = top·h/(x+h)^2
    assert response.hill_slope(1000.0, 200, 1000, 1.0) == pytest.approx(200 * 1000 / 2000 ** 2)


def test_hill_parameters_are_recovered_from_noisy_weeks() -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(500, 40000, 80)
    y = response.hill(x, 300, 8000, 0.8) + rng.normal(0, 3, 80)
    c = response.fit_curve(x, y, model="hill", boot=30)
    top, half, shape = c.params
    assert top == pytest.approx(300, rel=0.1) and half == pytest.approx(8000, rel=0.2)
    assert shape == pytest.approx(0.8, abs=0.08)
    assert c.r2 > 0.95 and c.weeks == 80 and c.spend_range == (x.min(), x.max())


def test_log_parameters_are_recovered_and_auto_predicts_the_truth() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(1000, 30000, 60)
    y = response.log_curve(x, 80, 3000) + rng.normal(0, 2, 60)
    c = response.fit_curve(x, y, model="log", boot=30)
    assert c.params[0] == pytest.approx(80, rel=0.05) and c.params[1] == pytest.approx(3000, rel=0.1)
    auto = response.fit_curve(x, y, boot=0)
    grid = np.linspace(1000, 30000, 20)
    assert np.allclose(auto.predict(grid), response.log_curve(grid, 80, 3000), rtol=0.03, atol=3)


def test_band_contains_the_truth_and_widens_outside_history() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(2000, 6000, 52)
    y = rng.poisson(response.log_curve(x, 60, 4000)).astype(float)
    c = response.fit_curve(x, y, model="log", boot=100, seed=1)
    inside = c.draws(4000.0)
    lo, hi = np.quantile(inside, [0.1, 0.9])
    assert lo <= response.log_curve(4000.0, 60, 4000) <= hi
    far = c.draws(20000.0)
    assert np.quantile(far, 0.9) - np.quantile(far, 0.1) > hi - lo
    assert c.in_range(4000.0) and not c.in_range(20000.0)


def test_fit_needs_spend() -> None:
    with pytest.raises(ValueError, match="at least 3 weeks"):
        response.fit_curve([0, 0, 0, 0], [1, 2, 3, 4])


def test_move_by_hand() -> None:
    curves = {"a": known("a", "log", (100, 1000), 0.1), "b": known("b", "log", (50, 1000), 0.2)}
    before, after = budget.move(curves, {"a": 1000.0, "b": 1000.0}, 500, "a", "b")
    assert before.leads == pytest.approx(150 * math.log(2))
    assert after.leads == pytest.approx(100 * math.log(1.5) + 50 * math.log(2.5))
    assert after.wins == pytest.approx(10 * math.log(1.5) + 10 * math.log(2.5))
    assert after.cac == pytest.approx(2000 / after.wins) and after.cpl == pytest.approx(2000 / after.leads)
    assert after.spend == {"a": 500.0, "b": 1500.0}
    # moving more than the source spends moves what it has
    _, capped = budget.move(curves, {"a": 1000.0, "b": 1000.0}, 5000, "a", "b")
    assert capped.spend == {"a": 0.0, "b": 2000.0}


def test_optimiser_matches_the_hand_solution() -> None:
    # a: 2·k·ln(1+x/k), b: k·ln(1+x/k), k = 1000. Equal slopes 2/(k+xa) = 1/(k+xb) with xa + xb = B
    # give xb = (B − k)/3, xa = B − xb. For B = 10,000: xb = 3,000, xa = 7,000.
    curves = {"a": known("a", "log", (2000, 1000)), "b": known("b", "log", (1000, 1000))}
    split = budget.optimise(curves, 10000)
    assert split["a"] == pytest.approx(7000, rel=1e-3) and split["b"] == pytest.approx(3000, rel=1e-3)
    assert sum(split.values()) == pytest.approx(10000)


def test_optimiser_respects_limits_and_objective() -> None:
    curves = {"a": known("a", "log", (2000, 1000), 0.01), "b": known("b", "log", (1000, 1000), 0.1)}
    capped = budget.optimise(curves, 10000, {"a": (0, 5000), "b": (0, 10000)})
    assert capped["a"] == pytest.approx(5000, rel=1e-4) and capped["b"] == pytest.approx(5000, rel=1e-4)
    # by wins, b's leads are worth 10× a's: slopes 20/(k+xa) = 100/(k+xb) -> k+xb = 5(k+xa), xa = (B−4k)/6 = 1000
    wins = budget.optimise(curves, 10000, objective="wins")
    assert wins["a"] == pytest.approx(1000, rel=1e-3) and wins["b"] == pytest.approx(9000, rel=1e-3)
    with pytest.raises(ValueError, match="minimums"):
        budget.optimise(curves, 1000, {"a": (800, 900), "b": (800, 900)})
    with pytest.raises(ValueError, match="maximums"):
        budget.optimise(curves, 10000, {"a": (0, 100), "b": (0, 100)})


def test_optimiser_beats_an_even_split_on_simulated_channels() -> None:
    rng = np.random.default_rng(7)
    truth = {"sem": (400, 9000, 0.9), "video": (250, 3000, 0.7), "notes": (120, 1500, 0.6), "live": (600, 30000, 1.0)}
    curves = {}
    for name, params in truth.items():
        x = rng.uniform(1000, 25000, 52)
        y = rng.poisson(response.hill(x, *params)).astype(float)
        curves[name] = response.fit_curve(x, y, channel=name, boot=20)
    total = 40000.0
    best = budget.optimise(curves, total, {c: (1000, 25000) for c in curves})
    even = budget.even_split(sorted(curves), total)

    def true_leads(split: dict[str, float]) -> float:
        return sum(float(response.hill(split[c], *truth[c])) for c in split)

    assert sum(best.values()) == pytest.approx(total)
    assert true_leads(best) > true_leads(even) * 1.03  # judged on the true curves, not the fitted ones
    assert budget.evaluate(curves, best).leads > budget.evaluate(curves, even).leads


def test_evaluate_band_and_unknown_channel() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(1000, 5000, 40)
    c = response.fit_curve(x, rng.poisson(response.log_curve(x, 30, 2000)).astype(float), channel="a", model="log",
                           boot=50, win_rate=0.2)
    out = budget.evaluate({"a": c}, {"a": 3000.0})
    assert out.leads_low <= out.leads <= out.leads_high and out.wins == pytest.approx(out.leads * 0.2)
    lo, hi = out.cac_band
    assert lo <= out.cac <= hi
    assert budget.evaluate({"a": c}, {"a": 50000.0}).outside == ("a",)
    with pytest.raises(ValueError, match="no response curve for z"):
        budget.evaluate({"a": c}, {"z": 1.0})


def test_fit_channels_from_the_store(duck_engine) -> None:
    """Weekly spend and leads come from the metric layer; a channel without spend has no curve."""
    rng = np.random.default_rng(4)
    monday = dt.date(2026, 1, 5)
    spend_rows, lead_rows = [], []
    for w in range(20):
        week = monday + dt.timedelta(weeks=w)
        cost = float(rng.uniform(1000, 8000))
        spend_rows.append({"date": week, "channel_id": "paid", "cost": cost})
        for k in range(int(round(float(response.log_curve(cost, 30, 2000))))):
            lead_rows.append({"lead_id": f"p{w}_{k}", "created_at": dt.datetime.combine(week, dt.time(9)),
                              "channel_id": "paid", "won_at": dt.datetime.combine(week, dt.time(12)) if k < 2 else None})
        lead_rows.append({"lead_id": f"o{w}", "created_at": dt.datetime.combine(week, dt.time(9)), "channel_id": "seo",
                          "won_at": None})
    with duck_engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": "paid", "name": "Paid"},
                                                  {"channel_id": "seo", "name": "SEO"}])
        conn.execute(sa.insert(schema.spend), spend_rows)
        conn.execute(sa.insert(schema.leads), lead_rows)
    curves = response.fit_channels(duck_engine, start=monday, end=monday + dt.timedelta(weeks=20, days=-1), boot=10)
    assert list(curves) == ["paid"]
    paid = curves["paid"]
    assert paid.weeks == 20 and paid.win_rate == pytest.approx(40 / sum(1 for r in lead_rows if r["lead_id"][0] == "p"))
    assert paid.predict(4000.0) == pytest.approx(response.log_curve(4000.0, 30, 2000), rel=0.05)
    assert budget.current_spend(curves)["paid"] == pytest.approx(sum(r["cost"] for r in spend_rows) / 20)
