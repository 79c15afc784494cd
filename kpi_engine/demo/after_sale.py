"""What follows a won lead: customers (some churn), orders (first order = deal value, then repeats), NPS answers.

Vectorised like ``facts``; times are int64 seconds (-1 = none), dates int64 days since the epoch.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kpi_engine.demo import shape
from kpi_engine.demo.facts import DAY, HOUR

DIRECT_CUSTOMERS_PM = 30.0  # customers a month not sourced by marketing (sales, walk-ins), at scale 1
CHURN_MEAN_DAYS = 1200.0  # ~2.5% monthly churn
REPEAT_EVERY_DAYS = 60.0
REPEAT_MEDIAN = 1200.0
NPS_HAPPY = np.array([1, 1, 1, 1, 2, 3, 6, 12, 18, 26, 29], dtype=float)  # score 0..10 weights
NPS_CHURNING = np.array([4, 4, 5, 7, 9, 11, 12, 14, 13, 11, 10], dtype=float)


def customers(cal: shape.Calendar, leads: dict[str, np.ndarray], scale: float,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Won leads become customers; direct customers (no lead, no channel) come on top. Sorted by acquisition."""
    won = np.flatnonzero(leads["won_at"] >= 0)
    start_sec = int(np.datetime64(cal.start, "s").astype(np.int64))
    end_ts = int(np.datetime64(cal.end + dt.timedelta(days=1), "s").astype(np.int64)) - 1
    n_direct = int(rng.poisson(DIRECT_CUSTOMERS_PM * 12.0 / 365.0 * cal.n * scale))
    direct_at = np.sort(rng.integers(start_sec, end_ts, n_direct))
    acquired = np.concatenate([leads["won_at"][won], direct_at])
    lead_index = np.concatenate([won, np.full(n_direct, -1)])
    channel = np.concatenate([leads["channel"][won], np.full(n_direct, -1)])
    first_amount = np.concatenate([leads["deal_value"][won],
                                   np.round(np.exp(rng.normal(np.log(2600.0), 0.6, n_direct)), -1)])
    order = np.argsort(acquired, kind="stable")
    acquired, lead_index, channel, first_amount = acquired[order], lead_index[order], channel[order], first_amount[order]
    n = len(acquired)
    churn = acquired + (rng.exponential(CHURN_MEAN_DAYS, n) * DAY).astype(np.int64)
    churn = (churn // DAY) * DAY + 10 * HOUR
    churned_at = np.where((churn <= end_ts) & (churn > acquired), churn, -1)
    return {"acquired_at": acquired, "lead": lead_index, "channel": channel, "churned_at": churned_at,
            "first_amount": first_amount}


def orders(cal: shape.Calendar, cust: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """First orders on the acquisition day, then repeat orders until churn or the end date."""
    end_day = int(np.datetime64(cal.end, "D").astype(np.int64))
    acq_day = cust["acquired_at"] // DAY
    stop_day = np.where(cust["churned_at"] >= 0, cust["churned_at"] // DAY, end_day)
    span = np.maximum(stop_day - acq_day, 0)
    propensity = rng.gamma(1.5, 1.0 / 1.5, len(span))
    n_repeat = rng.poisson(span / REPEAT_EVERY_DAYS * propensity)
    who = np.repeat(np.arange(len(span)), n_repeat)
    repeat_day = acq_day[who] + 1 + (rng.random(len(who)) * np.maximum(span[who] - 1, 0)).astype(np.int64)
    repeat_amount = np.round(np.exp(rng.normal(np.log(REPEAT_MEDIAN), 0.6, len(who))), -1)
    customer = np.concatenate([np.arange(len(span)), who])
    day = np.concatenate([acq_day, repeat_day])
    amount = np.concatenate([cust["first_amount"], repeat_amount])
    order = np.lexsort((customer, day))
    return {"customer": customer[order], "order_day": day[order], "amount": amount[order]}


def survey(cal: shape.Calendar, cust: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """NPS answers about a month after acquisition (55%) and half a year after (35%); churners score lower."""
    end_day = int(np.datetime64(cal.end, "D").astype(np.int64))
    acq_day = cust["acquired_at"] // DAY
    n = len(acq_day)
    first = acq_day + 30 + rng.integers(-10, 11, n)
    second = acq_day + 180 + rng.integers(-20, 21, n)
    ask1 = (rng.random(n) < 0.55) & (first <= end_day)
    ask2 = (rng.random(n) < 0.35) & (second <= end_day)
    who = np.concatenate([np.flatnonzero(ask1), np.flatnonzero(ask2)])
    day = np.concatenate([first[ask1], second[ask2]])
    churning = cust["churned_at"][who] >= 0
    happy = rng.choice(11, size=len(who), p=NPS_HAPPY / NPS_HAPPY.sum())
    unhappy = rng.choice(11, size=len(who), p=NPS_CHURNING / NPS_CHURNING.sum())
    score = np.where(churning, unhappy, happy).astype(float)
    order = np.lexsort((who, day))
    return {"customer": who[order], "day": day[order], "score": score[order]}
