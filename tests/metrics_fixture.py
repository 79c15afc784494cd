"""A small, hand-checkable dataset for metric tests, and a seeded random one.

The small set straddles a month (ISO week 2026-W49: Mon 2026-11-30 .. Sun 2026-12-06)
and a year (2026-W53: Mon 2026-12-28 .. Sun 2027-01-03). Every number in the metric
tests is worked out by hand from the tables below.

Leads (created, channel, campaign, owner -> team, expected value, stages, response):

====  ================  =====  =====  ==============  ======  ================  ================  ======================  ========
lead  created_at        chan   camp   owner (team)    EV      mql_at            sql_at            won_at (deal)           resp (h)
====  ================  =====  =====  ==============  ======  ================  ================  ======================  ========
L1    2026-11-30 09:00  ch_a   c1     ann (growth)    6000    2026-12-01 10:00  2026-12-03 10:00  2026-12-20 12:00 (4000)  1
L2    2026-12-02 14:00  ch_a   c1     ann (growth)    1000    2026-12-02 15:00  -                 -                        3
L3    2026-12-29 09:00  ch_b   c2     bob (brand)     5000    2027-01-02 10:00  2027-01-04 10:00  2027-01-05 16:00 (8000)  2
L4    2027-01-01 10:00  ch_b   -      cat (no team)   -       -                 -                 -                        -
L5    2027-01-04 08:00  ch_c   -      -               9000    2027-01-04 09:00  -                 -                        0.5
L6    2026-12-31 23:00  ch_a   c3     ann (growth)    2000    2026-12-31 23:30  2027-01-01 00:30  - (lost 2027-01-10)      1
====  ================  =====  =====  ==============  ======  ================  ================  ======================  ========

Spend (campaign owner -> team; c3 has no owner; "" = no campaign):

====  ==========  =====  =====  ===========  ====  ===========  ======
row   date        chan   camp   owner        cost  impressions  clicks
====  ==========  =====  =====  ===========  ====  ===========  ======
S1    2026-11-30  ch_a   c1     ann          100   10000        200
S2    2026-11-30  ch_a   c1     ann (ad2)    50    5000         50
S3    2026-12-02  ch_a   ""     -            30    -            -
S4    2026-12-29  ch_b   c2     bob          200   20000        100
S5    2027-01-02  ch_b   c2     bob          100   10000        100
S6    2027-01-04  ch_d   ""     -            40    -            -
S7    2026-12-31  ch_a   c3     -            60    2000         20
====  ==========  =====  =====  ===========  ====  ===========  ======

Settings are the defaults: high-value threshold 5000, SLA 2 hours.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema


def _ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


PEOPLE = [
    {"person_id": "ann", "name": "Ann", "team": "growth"},
    {"person_id": "bob", "name": "Bob", "team": "brand"},
    {"person_id": "cat", "name": "Cat", "team": None},
]
CHANNELS = [
    {"channel_id": "ch_a", "name": "A", "kind": "paid"},
    {"channel_id": "ch_b", "name": "B", "kind": "social"},
    {"channel_id": "ch_c", "name": "C", "kind": "organic"},
    {"channel_id": "ch_d", "name": "D", "kind": "email"},
]
CAMPAIGNS = [
    {"campaign_id": "c1", "name": "C1", "channel_id": "ch_a", "owner_id": "ann"},
    {"campaign_id": "c2", "name": "C2", "channel_id": "ch_b", "owner_id": "bob"},
    {"campaign_id": "c3", "name": "C3", "channel_id": "ch_a", "owner_id": None},
]
_LEAD_ROWS = [
    # id, created, channel, campaign, owner, ev, mql, sql, won, deal, lost, response
    ("L1", "2026-11-30 09:00", "ch_a", "c1", "ann", 6000, "2026-12-01 10:00", "2026-12-03 10:00", "2026-12-20 12:00", 4000,
     None, "2026-11-30 10:00"),
    ("L2", "2026-12-02 14:00", "ch_a", "c1", "ann", 1000, "2026-12-02 15:00", None, None, None, None, "2026-12-02 17:00"),
    ("L3", "2026-12-29 09:00", "ch_b", "c2", "bob", 5000, "2027-01-02 10:00", "2027-01-04 10:00", "2027-01-05 16:00", 8000,
     None, "2026-12-29 11:00"),
    ("L4", "2027-01-01 10:00", "ch_b", None, "cat", None, None, None, None, None, None, None),
    ("L5", "2027-01-04 08:00", "ch_c", None, None, 9000, "2027-01-04 09:00", None, None, None, None, "2027-01-04 08:30"),
    ("L6", "2026-12-31 23:00", "ch_a", "c3", "ann", 2000, "2026-12-31 23:30", "2027-01-01 00:30", None, None,
     "2027-01-10 09:00", "2027-01-01 00:00"),
]
LEADS = [
    {"lead_id": r[0], "created_at": _ts(r[1]), "channel_id": r[2], "campaign_id": r[3], "owner_id": r[4],
     "expected_value": r[5], "mql_at": _ts(r[6]), "sql_at": _ts(r[7]), "won_at": _ts(r[8]), "deal_value": r[9],
     "lost_at": _ts(r[10]), "first_response_at": _ts(r[11])}
    for r in _LEAD_ROWS
]
_SPEND_ROWS = [
    ("2026-11-30", "ch_a", "c1", "ad1", 100, 10000, 200),
    ("2026-11-30", "ch_a", "c1", "ad2", 50, 5000, 50),
    ("2026-12-02", "ch_a", "", "", 30, None, None),
    ("2026-12-29", "ch_b", "c2", "", 200, 20000, 100),
    ("2027-01-02", "ch_b", "c2", "", 100, 10000, 100),
    ("2027-01-04", "ch_d", "", "", 40, None, None),
    ("2026-12-31", "ch_a", "c3", "", 60, 2000, 20),
]
SPEND = [
    {"date": dt.date.fromisoformat(r[0]), "channel_id": r[1], "campaign_id": r[2], "ad_id": r[3], "cost": r[4],
     "impressions": r[5], "clicks": r[6]}
    for r in _SPEND_ROWS
]


def load_small(engine: Engine) -> None:
    """Insert the hand-checkable dataset above."""
    _insert(engine, {"people": PEOPLE, "channels": CHANNELS, "campaigns": CAMPAIGNS, "leads": LEADS, "spend": SPEND})


def _insert(engine: Engine, tables: dict[str, list[dict]]) -> None:
    with engine.begin() as conn:
        for name, rows in tables.items():
            if rows:
                table = schema.UPLOAD_TABLES[name]
                full = [{c.name: row.get(c.name) for c in table.columns if c.name in row} for row in rows]
                conn.execute(sa.insert(table), full)


def load_random(engine: Engine, *, seed: int = 42, n_leads: int = 400, n_spend: int = 500) -> None:
    """A seeded random department over Nov 2025 .. Feb 2026 (crosses a year), with gaps and blanks.

    Values are multiples of 0.25 so that DuckDB's 4-byte FLOAT columns hold them exactly.
    """
    rnd = random.Random(seed)
    teams = ["growth", "brand", None, ""]
    people = [{"person_id": f"p{i}", "name": f"P{i}", "team": teams[i % len(teams)]} for i in range(6)]
    channels = [{"channel_id": f"ch{i}", "name": f"Ch{i}"} for i in range(5)]
    owners = [p["person_id"] for p in people] + [None, "ghost"]  # "ghost": an owner missing from people
    campaigns = [{"campaign_id": f"cmp{i}", "name": f"Cmp{i}", "channel_id": f"ch{i % 5}", "owner_id": rnd.choice(owners)}
                 for i in range(9)]
    base = dt.datetime(2025, 11, 1)
    leads = []
    for i in range(n_leads):
        created = base + dt.timedelta(minutes=rnd.randrange(0, 110 * 24 * 60))
        stage = rnd.random()

        def later(hours: float, created: dt.datetime = created) -> dt.datetime:
            return created + dt.timedelta(minutes=rnd.randrange(1, int(hours * 60) + 2))

        mql = later(24 * 10) if stage < 0.6 else None
        sql_ = later(24 * 20) if stage < 0.35 else None
        won = later(24 * 40) if stage < 0.15 else None
        leads.append({
            "lead_id": f"L{i}", "created_at": created, "channel_id": f"ch{rnd.randrange(5)}",
            "campaign_id": rnd.choice([f"cmp{rnd.randrange(9)}", None, "cmp_unknown"]),
            "owner_id": rnd.choice(owners), "expected_value": rnd.choice([None, rnd.randrange(0, 40) * 250.0]),
            "mql_at": mql, "sql_at": sql_, "won_at": won,
            "deal_value": rnd.randrange(1, 200) * 50.0 if won and rnd.random() < 0.9 else None,
            "first_response_at": later(rnd.choice([1, 3, 48])) if rnd.random() < 0.8 else None,
        })
    spend = {}
    for _ in range(n_spend):
        key = (dt.date(2025, 11, 1) + dt.timedelta(days=rnd.randrange(0, 105)), f"ch{rnd.randrange(5)}",
               rnd.choice(["", f"cmp{rnd.randrange(9)}"]), rnd.choice(["", "ad1", "ad2"]))
        impressions = rnd.choice([None, float(rnd.randrange(0, 5000))])
        spend[key] = {"date": key[0], "channel_id": key[1], "campaign_id": key[2], "ad_id": key[3],
                      "cost": rnd.randrange(0, 4000) * 0.25, "impressions": impressions,
                      "clicks": float(rnd.randrange(0, 100)) if impressions else None}
    _insert(engine, {"people": people, "channels": channels, "campaigns": campaigns, "leads": leads,
                     "spend": list(spend.values())})


# --- Customers, orders, NPS answers and manual values (tests/test_metrics_full.py) ------------------
#
# Customers (acquired, channel, lead -> campaign/owner/team, churned):
#
# ====  ================  ==========================  ====================  ================
# cust  acquired_at       channel                     lead (camp, owner)    churned_at
# ====  ================  ==========================  ====================  ================
# K1    2025-12-15 09:00  ch_a                        L6 (c3, ann/growth)   2026-12-10 12:00
# K2    2026-02-01 00:00  - (lead L3's: ch_b)         L3 (c2, bob/brand)    -
# K3    2026-06-30 18:00  ch_b                        -                     2027-01-02 08:00
# K4    2026-12-20 12:00  ch_a                        L1 (c1, ann/growth)   -
# K5    2026-12-05 10:00  ch_c                        -                     2026-12-28 09:00
# K6    2027-01-04 10:00  - (no lead: "")             -                     -
# ====  ================  ==========================  ====================  ================
#
# Orders: O1 K1 2026-01-20 1000; O2 K1 2026-07-01 500; O3 K2 2026-03-15 2000; O4 K3 2026-12-01 300;
#         O5 K4 2026-12-21 4000; O6 K5 2026-12-06 100; O7 K2 2027-01-03 700; O8 K6 2027-01-04 50.
# NPS answers (date, score, channel, customer): R1 2026-12-01 10 ch_a K1; R2 2026-12-03 9 - K2 (-> K2 -> L3 -> ch_b);
#         R3 2026-12-15 7 ch_b K3; R4 2026-12-31 3 ch_c K5; R5 2027-01-02 6 ch_a -; R6 2027-01-04 8 ch_b K3.
# Manual values: see MANUAL_VALUES below (metric, period_start, grain, scope_type, scope_id, value).

_CUSTOMER_ROWS = [
    ("K1", "2025-12-15 09:00", "ch_a", "L6", "2026-12-10 12:00"),
    ("K2", "2026-02-01 00:00", None, "L3", None),
    ("K3", "2026-06-30 18:00", "ch_b", None, "2027-01-02 08:00"),
    ("K4", "2026-12-20 12:00", "ch_a", "L1", None),
    ("K5", "2026-12-05 10:00", "ch_c", None, "2026-12-28 09:00"),
    ("K6", "2027-01-04 10:00", None, None, None),
]
CUSTOMERS = [{"customer_id": r[0], "acquired_at": _ts(r[1]), "channel_id": r[2], "lead_id": r[3], "churned_at": _ts(r[4])}
             for r in _CUSTOMER_ROWS]
_ORDER_ROWS = [("O1", "K1", "2026-01-20", 1000), ("O2", "K1", "2026-07-01", 500), ("O3", "K2", "2026-03-15", 2000),
               ("O4", "K3", "2026-12-01", 300), ("O5", "K4", "2026-12-21", 4000), ("O6", "K5", "2026-12-06", 100),
               ("O7", "K2", "2027-01-03", 700), ("O8", "K6", "2027-01-04", 50)]
ORDERS = [{"order_id": r[0], "customer_id": r[1], "order_date": dt.date.fromisoformat(r[2]), "amount": float(r[3])}
          for r in _ORDER_ROWS]
_SURVEY_ROWS = [("R1", "2026-12-01", 10, "ch_a", "K1"), ("R2", "2026-12-03", 9, None, "K2"),
                ("R3", "2026-12-15", 7, "ch_b", "K3"), ("R4", "2026-12-31", 3, "ch_c", "K5"),
                ("R5", "2027-01-02", 6, "ch_a", None), ("R6", "2027-01-04", 8, "ch_b", "K3")]
SURVEYS = [{"response_id": r[0], "date": dt.date.fromisoformat(r[1]), "score": float(r[2]), "channel_id": r[3],
            "customer_id": r[4]} for r in _SURVEY_ROWS]
MANUAL_VALUES = [
    # ugc_count (sum, additive): department months, a week across a month end (W49), a week across
    # the year end (W53), a day inside December; channels, a person, a team and campaigns in December
    ("ugc_count", "2026-11-01", "month", "team", "", 100), ("ugc_count", "2026-12-01", "month", "team", "", 150),
    ("ugc_count", "2027-01-01", "month", "team", "", 80), ("ugc_count", "2026-11-30", "week", "team", "", 40),
    ("ugc_count", "2026-12-28", "week", "team", "", 25), ("ugc_count", "2026-12-29", "day", "team", "", 7),
    ("ugc_count", "2026-12-01", "month", "channel", "ch_a", 60), ("ugc_count", "2026-12-01", "month", "channel", "ch_b", 30),
    ("ugc_count", "2026-12-01", "month", "person", "ann", 45), ("ugc_count", "2026-12-01", "month", "team", "growth", 70),
    ("ugc_count", "2026-12-01", "month", "campaign", "c1", 20), ("ugc_count", "2026-12-01", "month", "campaign", "c3", 5),
    # followers (last, additive): department months and the quarter Q4; channels
    ("followers", "2026-11-01", "month", "team", "", 1000), ("followers", "2026-12-01", "month", "team", "", 1200),
    ("followers", "2027-01-01", "month", "team", "", 1300), ("followers", "2026-10-01", "quarter", "team", "", 1150),
    ("followers", "2026-11-01", "month", "channel", "ch_a", 600), ("followers", "2026-12-01", "month", "channel", "ch_a", 700),
    ("followers", "2026-12-01", "month", "channel", "ch_b", 500),
    ("social_interactions", "2026-12-01", "month", "team", "", 240),
    # cross_dept_satisfaction (average, not additive)
    ("cross_dept_satisfaction", "2026-10-01", "quarter", "team", "", 86),
    ("cross_dept_satisfaction", "2027-01-01", "quarter", "team", "", 90),
    ("cross_dept_satisfaction", "2026-12-01", "month", "team", "", 80),
    ("cross_dept_satisfaction", "2026-11-01", "month", "person", "ann", 82),
    ("cross_dept_satisfaction", "2026-12-01", "month", "person", "ann", 88),
    ("cross_dept_satisfaction", "2026-12-01", "month", "person", "bob", 84),
]
MANUAL = [{"metric_id": r[0], "period_start": dt.date.fromisoformat(r[1]), "grain": r[2], "scope_type": r[3],
           "scope_id": r[4], "value": float(r[5])} for r in MANUAL_VALUES]


def load_customers(engine: Engine) -> None:
    """Insert the customers, orders, NPS answers and manual values above (load_small first: they refer to its leads)."""
    _insert(engine, {"customers": CUSTOMERS, "orders": ORDERS, "survey_responses": SURVEYS, "metric_values": MANUAL})


def load_random_customers(engine: Engine, *, seed: int = 7, n_customers: int = 120) -> None:
    """Seeded random customers, orders, NPS answers and monthly manual values over 2025 .. Feb 2026 (load_random first).

    Manual values are monthly only (one grain), at the department, channel and person scopes.
    Amounts are multiples of 0.25 (exact in DuckDB's FLOAT).
    """
    rnd = random.Random(seed)
    base = dt.datetime(2025, 1, 1)
    customers, orders, surveys = [], [], []
    for i in range(n_customers):
        acquired = base + dt.timedelta(minutes=rnd.randrange(0, 420 * 24 * 60))
        churned = acquired + dt.timedelta(minutes=rnd.randrange(60, 300 * 24 * 60)) if rnd.random() < 0.4 else None
        customers.append({"customer_id": f"K{i}", "acquired_at": acquired,
                          "channel_id": rnd.choice([None, f"ch{rnd.randrange(5)}"]),
                          "lead_id": rnd.choice([None, f"L{rnd.randrange(400)}", "L_unknown", ""]), "churned_at": churned})
        for j in range(rnd.randrange(0, 5)):
            day = (acquired + dt.timedelta(days=rnd.randrange(0, 200))).date()
            orders.append({"order_id": f"O{i}_{j}", "customer_id": f"K{i}", "order_date": day,
                           "amount": rnd.randrange(0, 4000) * 0.25})
        if rnd.random() < 0.7:
            surveys.append({"response_id": f"R{i}", "date": (acquired + dt.timedelta(days=rnd.randrange(0, 90))).date(),
                            "score": float(rnd.randrange(0, 11)), "channel_id": rnd.choice([None, f"ch{rnd.randrange(5)}"]),
                            "customer_id": rnd.choice([f"K{i}", None])})
    manual = []
    months = [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    for metric_id in ("ugc_count", "followers", "cross_dept_satisfaction"):
        for month in months:
            scopes = [("team", "")] + [("channel", f"ch{k}") for k in range(3)] + [("person", f"p{k}") for k in range(3)]
            for scope_type, scope_id in scopes:
                if rnd.random() < 0.75:
                    manual.append({"metric_id": metric_id, "period_start": month, "grain": "month", "scope_type": scope_type,
                                   "scope_id": scope_id, "value": float(rnd.randrange(0, 400))})
    _insert(engine, {"customers": customers, "orders": orders, "survey_responses": surveys, "metric_values": manual})
