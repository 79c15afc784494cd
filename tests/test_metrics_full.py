"""The rest of the registry: sales cycle, LTV, LTV:CAC, retention, NPS, sales contribution and manual metrics.

Expected numbers are worked out by hand from tests/metrics_fixture.py (its comments list every
customer, order, answer and manual value; the leads and spend are those of the small fixture),
with the arithmetic in comments. None means "no value". Every test runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute, total
from kpi_engine.settings import Settings
from tests.metrics_fixture import load_customers, load_small
from tests.test_metrics import assert_rows, same

D = dt.date
N = None
CUST = ["retention", "ltv", "ltv_cac", "nps", "marketing_sourced_share", "cycle_days"]


@pytest.fixture
def full(engine: Engine) -> Engine:
    load_small(engine)
    load_customers(engine)
    return engine


# --- Declarations ------------------------------------------------------------------------------


def test_every_spec_metric_is_declared_with_its_unit_and_direction() -> None:
    m = registry.METRICS
    expected = {  # id: (type, unit, direction, additive, facts)
        "cycle_days": ("ratio", "days", "lower", False, ("leads",)),
        "ltv": ("derived", "money", "higher", False, ("orders", "customers")),
        "ltv_cac": ("derived", "ratio", "higher", False, ("orders", "customers", "spend", "leads")),
        "retention": ("derived", "ratio", "higher", False, ("customers",)),
        "nps": ("derived", "score", "higher", False, ("survey_responses",)),
        "marketing_sourced_share": ("ratio", "ratio", "higher", False, ("orders",)),
        "brand_awareness": ("manual", "ratio", "higher", False, ("metric_values",)),
        "followers": ("manual", "count", "higher", True, ("metric_values",)),
        "negative_response_hours": ("manual", "hours", "lower", False, ("metric_values",)),
        "cross_dept_satisfaction": ("manual", "score", "higher", False, ("metric_values",)),
        "engagement_rate": ("ratio", "ratio", "higher", False, ("metric_values",)),
    }
    for mid, (kind, unit, direction, additive, facts) in expected.items():
        got = m[mid]
        assert (got.type, got.unit, got.direction, got.additive, got.facts) == (kind, unit, direction, additive, facts), mid
    manual = ["brand_awareness", "brand_search_volume", "ugc_count", "social_interactions", "followers", "media_mentions",
              "negative_response_hours", "report_adoption_rate", "info_completeness", "project_on_time_rate",
              "cross_dept_satisfaction", "core_talent_retention", "innovation_projects", "content_published"]
    listed = registry.metric_ids()
    assert set(manual) <= set(listed) and all(m[i].type == "manual" for i in manual)
    assert {m[i].calc.agg for i in manual} == {"sum", "average", "last"}
    assert (m["followers"].calc.agg, m["ugc_count"].calc.agg, m["cross_dept_satisfaction"].calc.agg) == ("last", "sum", "average")
    assert set(CUST) | {"ltv_cac"} <= set(listed)
    # adds up across scopes / over time / is 0 without facts
    flags = {mid: (m[mid].additive, m[mid].cumulative, m[mid].empty_is_zero)
             for mid in ("leads", "cpl", "ugc_count", "followers", "cross_dept_satisfaction", "retention")}
    assert flags == {"leads": (True, True, True), "cpl": (False, False, False), "ugc_count": (True, True, False),
                     "followers": (True, False, False), "cross_dept_satisfaction": (False, False, False),
                     "retention": (False, False, False)}
    assert "ltv_order_revenue_12m" not in listed and m["ltv_order_revenue_12m"].helper
    # the LTV definition, with its settings, is in the description
    assert "0.6" in m["ltv"].description("en") and "60 months" in m["ltv"].description("en")
    assert "0.5" in m["ltv"].description("zh", Settings(gross_margin=0.5))


# --- Customers, orders, answers: hand-computed --------------------------------------------------

# Department by month, 2026-11-01 .. 2027-01-31 (CUST order).
# retention = (customers at end − acquired in period) / customers at start:
#   Nov: start K1,K2,K3 = 3; end 3; new 0            -> 3/3
#   Dec: start 3; end = acquired K1..K5 (5) − churned K1, K5 (2) = 3; new K4, K5 = 2 -> (3 − 2) / 3
#   Jan: start 3; end = 6 − 3 (K1, K5, K3) = 3; new K6 -> (3 − 1) / 3
# ltv = 0.6 × rev12 / (12 × avg) × min(12 × avg / churned12, 60), window = the 12 months before the period end:
#   Nov: [2025-12-01, 2026-12-01): rev O1+O2+O3 = 3500; churned 0 (cap 60); active 0 then 3, avg 1.5
#        -> 0.6 × 3500 / 18 × 60 = 7000
#   Dec: [2026-01-01, 2027-01-01): rev 1000+500+2000+300+4000+100 = 7900; churned K1, K5 = 2; active 1 (K1) then 3, avg 2
#        -> 0.6 × 7900 / 24 × min(24 / 2, 60) = 2370
#   Jan: [2026-02-01, 2027-02-01): rev 500+2000+300+4000+100+700+50 = 7650; churned 3; active K1 (K2 acquired at
#        exactly 2026-02-01 00:00 is not before) = 1, then 3, avg 2 -> 0.6 × 7650 / 24 × min(24 / 3, 60) = 1530
# ltv_cac = ltv / cac: Nov no win; Dec cac = 290 / 1; Jan cac = 140 / 1
# nps: Nov none; Dec R1 10, R2 9, R3 7, R4 3 -> (2 − 1) / 4 × 100 = 25; Jan R5 6, R6 8 -> (0 − 1) / 2 × 100 = −50
# marketing_sourced_share: Nov no order; Dec O5 4000 sourced of 300+4000+100; Jan O7 700 of 700+50
# cycle_days: Dec L1 11-30 09:00 -> 12-20 12:00 = 20 d 3 h = 20.125; Jan L3 12-29 09:00 -> 01-05 16:00 = 7 + 7/24
DEPT_MONTHS = {
    D(2026, 11, 1): [1, 7000, N, N, N, N],
    D(2026, 12, 1): [1 / 3, 2370, 2370 / 290, 25, 4000 / 4400, 20.125],
    D(2027, 1, 1): [2 / 3, 1530, 1530 / 140, -50, 700 / 750, 7 + 7 / 24],
}


def test_customer_metrics_by_month(full: Engine) -> None:
    frame = compute(full, CUST, grain="month", start=D(2026, 11, 1), end=D(2027, 1, 31))
    assert list(frame.columns) == ["period_start", *CUST]
    assert_rows(frame, ["period_start"], CUST, DEPT_MONTHS)


def test_customer_metrics_by_channel_all_data(full: Engine) -> None:
    # No end: as of the last day with data (L3 won 2027-01-05) -> the window is [2026-01-06, 2027-01-06).
    # No start: no customers "at the start" -> retention has no value.
    # ch_a: K1, K4; orders O1, O2, O5 = 5500 (all sourced); churned K1; active 1 then 1 (K4), avg 1
    #       ltv = 0.6 × 5500 / 12 × min(12 / 1, 60) = 3300; nps R1 10, R5 6 -> 0; cycle L1 20.125
    # ch_b: K2 (its lead's channel), K3; orders O3 2000 + O7 700 sourced, O4 300 not -> 2700 / 3000;
    #       churned K3 (2027-01-02); active 0 then 1 (K2), avg 0.5 -> 0.6 × 3000 / 6 × min(6 / 1, 60) = 1800;
    #       nps R2 9 (no channel: K2 -> L3 -> ch_b), R3 7, R6 8 -> 1 / 3 × 100; cycle L3 7 + 7/24
    # ch_c: K5 acquired and churned in Dec: avg 0 -> no ltv; O6 100 not sourced -> 0; nps R4 3 -> −100
    # "":   K6 (no channel, no lead): O8 50 not sourced -> 0; active 0 then 1, avg 0.5, no churn: 0.6 × 50 / 6 × 60 = 300
    metrics = ["retention", "ltv", "nps", "marketing_sourced_share", "cycle_days"]
    frame = compute(full, metrics, by="channel")
    assert_rows(frame, ["channel_id"], metrics, {
        "": [N, 300, N, 0, N],
        "ch_a": [N, 3300, 0, 1, 20.125],
        "ch_b": [N, 1800, 100 / 3, 0.9, 7 + 7 / 24],
        "ch_c": [N, N, -100, 0, N],
    })


@pytest.mark.parametrize(("scope", "key", "expected"), [
    # R1 -> K1 -> L6 (c3, ann, growth); R2 -> K2 -> L3 (c2, bob, brand); R3, R4, R5, R6 have no lead:
    # "" gets 7, 3, 6, 8 -> (0 promoters − 2 detractors) / 4 × 100
    ("person", "person_id", {"": -50, "ann": 100, "bob": 100}),
    ("team", "team", {"": -50, "brand": 100, "growth": 100}),
    ("campaign", "campaign_id", {"": -50, "c2": 100, "c3": 100}),
])
def test_nps_reaches_people_through_the_customer_and_lead(full: Engine, scope: str, key: str, expected: dict) -> None:
    frame = compute(full, ["nps"], by=scope)
    assert_rows(frame, [key], ["nps"], {k: [v] for k, v in expected.items()})


def test_retention_by_week_across_months_and_the_year_end(full: Engine) -> None:
    metrics = ["customers_at_start", "customers_at_end", "customers_acquired", "retention"]
    frame = compute(full, metrics, grain="week", start=D(2026, 11, 30), end=D(2027, 1, 10))
    assert_rows(frame, ["period_start"], metrics, {
        D(2026, 11, 30): [3, 4, 1, 1.0],  # W49 (across Nov/Dec): K5 acquired 12-05 -> (4 − 1) / 3
        D(2026, 12, 7): [4, 3, 0, 0.75],  # K1 churned 12-10 -> 3 / 4
        D(2026, 12, 14): [3, 4, 1, 1.0],  # K4 acquired 12-20 -> (4 − 1) / 3
        D(2026, 12, 21): [4, 4, 0, 1.0],  # K5 churned 12-28 09:00: still active at 12-28 00:00
        D(2026, 12, 28): [4, 2, 0, 0.5],  # W53 (across the year): K5 and K3 (01-02) churned -> 2 / 4
        D(2027, 1, 4): [2, 3, 1, 1.0],    # K6 acquired 01-04 10:00 -> (3 − 1) / 2
    })


def test_a_custom_range_is_one_period(full: Engine) -> None:
    # 2026-12-15 .. 2027-01-03: start = K1..K5 acquired before 12-15 except K4 = 4, minus K1 churned = 3;
    # end (01-04 00:00) = 5 acquired − 3 churned = 2; new K4 -> (2 − 1) / 3.
    # ltv window [2026-01-04, 2027-01-04): rev O1..O7 = 8600, churned 3, active 1 then 2 (avg 1.5)
    #   -> 0.6 × 8600 / 18 × min(18 / 3, 60) = 1720
    # nps R3 7, R4 3, R5 6 -> −2 / 3 × 100; share: O5 4000 and O7 700, both sourced (O4, O6 are before) -> 1
    metrics = ["retention", "ltv", "nps", "marketing_sourced_share"]
    expected = [1 / 3, 1720, -200 / 3, 1]
    frame = compute(full, metrics, start=D(2026, 12, 15), end=D(2027, 1, 3))
    assert_rows(frame.assign(k=1), ["k"], metrics, {1: expected})
    ranged = compute(full, metrics, grain="range", start=D(2026, 12, 15), end=D(2027, 1, 3))
    assert list(ranged.columns) == ["period_start", *metrics]
    assert_rows(ranged, ["period_start"], metrics, {D(2026, 12, 15): expected})


def test_ltv_without_an_end_is_as_of_the_last_day_with_data(full: Engine) -> None:
    # ltv alone reads customers and orders: last event K6 / O8 on 2027-01-04 -> window [2026-01-05, 2027-01-05):
    # rev O1..O8 = 8650, churned K1, K5, K3 = 3, active 1 (K1) then 3, avg 2 -> 0.6 × 8650 / 24 × 8 = 1730
    assert total(full, "ltv") == pytest.approx(1730)
    # ltv_cac also reads leads: last event L3 won 2027-01-05 -> same window content; cac = 580 / 2
    assert total(full, "ltv_cac") == pytest.approx(1730 / 290)


def test_ltv_follows_its_settings(full: Engine) -> None:
    settings = Settings(gross_margin=0.5, ltv_churn_cap_months=6)
    frame = compute(full, ["ltv", "ltv_lifetime_months"], grain="month", start=D(2026, 11, 1), end=D(2026, 12, 31),
                    settings=settings)
    assert_rows(frame, ["period_start"], ["ltv", "ltv_lifetime_months"], {
        D(2026, 11, 1): [0.5 * 3500 / 18 * 6, 6],  # nobody churned: the cap
        D(2026, 12, 1): [0.5 * 7900 / 24 * 6, 6],  # min(24 / 2, 6)
    })


def test_zero_denominators_give_no_value(full: Engine) -> None:
    # November: no answer, no order, no win; no start -> no customers at the start
    nov = compute(full, ["nps", "marketing_sourced_share", "cycle_days", "ltv_cac"], start=D(2026, 11, 1), end=D(2026, 11, 30))
    assert_rows(nov.assign(k=1), ["k"], list(nov.columns[:-1]), {1: [N, N, N, N]})
    assert total(full, "retention") is None
    # before the first customer: nobody active -> no ltv (not 0)
    assert total(full, "ltv", end=D(2025, 12, 1)) is None


def test_empty_database(engine: Engine) -> None:
    frame = compute(engine, ["customers_acquired", *CUST, "ugc_count", "followers"])
    assert_rows(frame.assign(k=1), ["k"], list(frame.columns[:-1]), {1: [0, N, N, N, N, N, N, N, N]})
    assert compute(engine, CUST, grain="month").empty


# --- Manual metrics: hand-computed --------------------------------------------------------------

MANUAL = ["ugc_count", "followers", "cross_dept_satisfaction", "engagement_rate", "core_talent_retention"]


@pytest.mark.parametrize(("grain", "start", "end", "expected"), [
    # A month takes the values reported for it; the weeks W49 (across Nov/Dec) and W53 (across the year) fit no
    # month; the day 12-29 is inside December's own report, which replaces it. Nov: no department satisfaction;
    # Jan: the Q1 satisfaction does not fit a month. engagement Dec = 240 / 1200. Nothing is ever 0.
    ("month", D(2026, 11, 1), D(2027, 1, 31), {
        D(2026, 11, 1): [100, 1000, N, N, N],
        D(2026, 12, 1): [150, 1200, 80, 0.2, N],
        D(2027, 1, 1): [80, 1300, N, N, N]}),
    # Q4: ugc Nov + Dec = 250 (W49 and the day overlap a month report: replaced); followers: the quarter's own
    # value replaces the months; satisfaction 86 (the quarter replaces December's 80); engagement 240 / 1150
    ("quarter", D(2026, 10, 1), D(2027, 3, 31), {
        D(2026, 10, 1): [250, 1150, 86, 240 / 1150, N],
        D(2027, 1, 1): [80, 1300, 90, N, N]}),
    ("week", D(2026, 11, 23), D(2027, 1, 10), {
        D(2026, 11, 23): [N, N, N, N, N], D(2026, 11, 30): [40, N, N, N, N], D(2026, 12, 7): [N, N, N, N, N],
        D(2026, 12, 14): [N, N, N, N, N], D(2026, 12, 21): [N, N, N, N, N],
        D(2026, 12, 28): [25, N, N, N, N],  # the day 12-29 is inside the week's own report
        D(2027, 1, 4): [N, N, N, N, N]}),
    ("day", D(2026, 12, 28), D(2026, 12, 30), {
        D(2026, 12, 28): [N, N, N, N, N], D(2026, 12, 29): [7, N, N, N, N], D(2026, 12, 30): [N, N, N, N, N]}),
    ("year", D(2026, 1, 1), D(2027, 12, 31), {
        D(2026, 1, 1): [250, 1150, 86, 240 / 1150, N],
        D(2027, 1, 1): [80, 1300, 90, N, N]}),
])
def test_manual_metrics_by_grain(full: Engine, grain: str, start: dt.date, end: dt.date, expected: dict) -> None:
    frame = compute(full, MANUAL, grain=grain, start=start, end=end)
    assert list(frame.columns) == ["period_start", *MANUAL]
    assert_rows(frame, ["period_start"], MANUAL, expected)
    assert frame["ugc_count"].dtype == "float64"


def test_manual_metrics_over_a_range(full: Engine) -> None:
    # all data: ugc months 100 + 150 + 80 (the weeks and the day overlap them); followers: the latest report
    # (January; Q4 replaced November and December); satisfaction: mean of Q4 86 and Q1 90 (December replaced)
    frame = compute(full, MANUAL)
    assert_rows(frame.assign(k=1), ["k"], MANUAL, {1: [330, 1300, 88, 240 / 1300, N]})
    # December: reports whose period starts in it: the month (150), W53 (12-28) and the day 12-29, replaced by it
    dec = compute(full, MANUAL, start=D(2026, 12, 1), end=D(2026, 12, 31))
    assert_rows(dec.assign(k=1), ["k"], MANUAL, {1: [150, 1200, 80, 0.2, N]})


@pytest.mark.parametrize(("by", "where", "keys", "metrics", "expected"), [
    ("channel", None, ["channel_id"], ["ugc_count", "followers"], {"ch_a": [60, 700], "ch_b": [30, 500]}),
    ("person", None, ["person_id"], ["ugc_count", "cross_dept_satisfaction"],
     {"ann": [45, (82 + 88) / 2], "bob": [N, 84]}),
    ("team", None, ["team"], ["ugc_count", "cross_dept_satisfaction"], {"growth": [70, N]}),
    ("campaign", None, ["campaign_id"], ["ugc_count"], {"c1": [20], "c3": [5]}),
    # two scopes at once: the campaigns' reports, which reach both (c3 has no owner)
    (("person", "channel"), None, ["person_id", "channel_id"], ["ugc_count"], {("", "ch_a"): [5], ("ann", "ch_a"): [20]}),
    # a team filtered to a person: that person's reports, under their team
    ("team", {"person": "ann"}, ["team"], ["ugc_count"], {"growth": [45]}),
])
def test_manual_metrics_by_scope(full: Engine, by: object, where: dict | None, keys: list[str], metrics: list[str],
                                 expected: dict) -> None:
    frame = compute(full, metrics, by=by, where=where)  # type: ignore[arg-type]
    assert_rows(frame, keys, metrics, expected)


def test_manual_metrics_filtered_to_scopes(full: Engine) -> None:
    one = compute(full, ["ugc_count", "followers"], where={"channel": "ch_a"})
    assert_rows(one.assign(k=1), ["k"], ["ugc_count", "followers"], {1: [60, 700]})
    # several channels: additive metrics add up (ugc 60 + 30, followers 700 + 500)
    two = compute(full, ["ugc_count", "followers"], where={"channel": ["ch_a", "ch_b"]})
    assert_rows(two.assign(k=1), ["k"], ["ugc_count", "followers"], {1: [90, 1200]})
    monthly = compute(full, ["followers"], grain="month", where={"channel": ["ch_a", "ch_b"]}, start=D(2026, 11, 1),
                      end=D(2026, 12, 31))
    assert_rows(monthly, ["period_start"], ["followers"], {D(2026, 11, 1): [600], D(2026, 12, 1): [1200]})
    # a non-additive metric is averaged across the people: ann (82 + 88) / 2 = 85 and bob 84
    people = compute(full, ["cross_dept_satisfaction"], where={"person": ["ann", "bob"]})
    assert same(people.loc[0, "cross_dept_satisfaction"], 84.5)


def test_manual_metrics_beside_event_metrics(full: Engine) -> None:
    # ch_c has leads but no UGC report: no value, not 0; ch_a/ch_b both
    frame = compute(full, ["leads", "ugc_count"], by="channel")
    assert_rows(frame, ["channel_id"], ["leads", "ugc_count"], {"ch_a": [3, 60], "ch_b": [2, 30], "ch_c": [1, N]})
    by_month = compute(full, ["leads", "ugc_count"], by="channel", grain="month")
    # leads: ch_a L1 (Nov), L2 and L6 (Dec); ch_b L3 (Dec), L4 (Jan); ch_c L5 (Jan)
    assert_rows(by_month, ["channel_id", "period_start"], ["leads", "ugc_count"], {
        ("ch_a", D(2026, 11, 1)): [1, N], ("ch_a", D(2026, 12, 1)): [2, 60], ("ch_b", D(2026, 12, 1)): [1, 30],
        ("ch_b", D(2027, 1, 1)): [1, N], ("ch_c", D(2027, 1, 1)): [1, N]})


# --- An independent computation (pandas over the raw tables) on a seeded random dataset ------------


# --- Every metric by every scope and grain ------------------------------------------------------------
