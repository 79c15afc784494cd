"""A tiny hand-checkable department for plan and scorecard tests (October 2026, with a little September).

People: p1 Ann (growth, the lead), p2 Bob (growth, manager p1), p3 Cat (brand, manager p1).
Channels: ch_a (paid, run by p2), ch_b (social, run by p3). Campaigns: c1 (ch_a, p2, October 2026),
c_old (ch_b, p3, January 2025 only).

==== ================ ===== ===== ===== ====== ================ ================ =======
lead created_at       chan  camp  owner EV     mql_at           won_at           deal
==== ================ ===== ===== ===== ====== ================ ================ =======
L0   2026-09-12 10:00 ch_b  -     p3    500    -                -                -
L1   2026-10-03 09:00 ch_a  c1    p2    6000   2026-10-04 09:00 2026-10-20 09:00 3000
L2   2026-10-10 11:00 ch_a  c1    p2    1000   -                -                -
L3   2026-10-15 15:00 ch_b  -     p3    8000   2026-10-16 10:00 -                -
==== ================ ===== ===== ===== ====== ================ ================ =======

Spend: 2026-09-10 ch_a (no campaign) 200; 2026-10-05 ch_a c1 300 (10,000 impressions, 100 clicks);
2026-10-06 ch_b (no campaign) 100 (5,000 impressions, 20 clicks). October: leads 3, spend 400,
ch_a CPL 300 / 2 = 150. Manual: ugc_count (team) October 40; followers ch_b October 1,000.

360 ratings, 2026-10: p2 manager 80, peers 85 and 95; p3 self 90. Also a 2026-Q4 rating of p2
(10) that a monthly plan must not use. p2's 360 = (80 × 0.35 + 90 × 0.25) / 0.6 = 84.1667;
p3's = 90; the team's = their mean, 87.0833.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from kpi_engine import schema, store

D = dt.date
T = dt.datetime


def seed(engine: sa.Engine) -> None:
    people = [{"person_id": "p1", "name": "Ann", "team": "growth", "manager_id": None},
              {"person_id": "p2", "name": "Bob", "team": "growth", "manager_id": "p1"},
              {"person_id": "p3", "name": "Cat", "team": "brand", "manager_id": "p1"}]
    channels = [{"channel_id": "ch_a", "name": "A", "kind": "paid", "owner_id": "p2"},
                {"channel_id": "ch_b", "name": "B", "kind": "social", "owner_id": "p3"}]
    campaigns = [{"campaign_id": "c1", "name": "C1", "channel_id": "ch_a", "owner_id": "p2", "start_date": D(2026, 10, 1),
                  "end_date": D(2026, 10, 31)},
                 {"campaign_id": "c_old", "name": "Old", "channel_id": "ch_b", "owner_id": "p3",
                  "start_date": D(2025, 1, 1), "end_date": D(2025, 2, 1)}]
    lead = {"campaign_id": None, "mql_at": None, "sql_at": None, "won_at": None, "lost_at": None, "deal_value": None,
            "first_response_at": None}
    leads = [
        {**lead, "lead_id": "L0", "created_at": T(2026, 9, 12, 10), "channel_id": "ch_b", "owner_id": "p3",
         "expected_value": 500.0},
        {**lead, "lead_id": "L1", "created_at": T(2026, 10, 3, 9), "channel_id": "ch_a", "campaign_id": "c1",
         "owner_id": "p2", "expected_value": 6000.0, "mql_at": T(2026, 10, 4, 9), "won_at": T(2026, 10, 20, 9),
         "deal_value": 3000.0},
        {**lead, "lead_id": "L2", "created_at": T(2026, 10, 10, 11), "channel_id": "ch_a", "campaign_id": "c1",
         "owner_id": "p2", "expected_value": 1000.0},
        {**lead, "lead_id": "L3", "created_at": T(2026, 10, 15, 15), "channel_id": "ch_b", "owner_id": "p3",
         "expected_value": 8000.0, "mql_at": T(2026, 10, 16, 10)},
    ]
    spend = [{"date": D(2026, 9, 10), "channel_id": "ch_a", "campaign_id": "", "ad_id": "", "cost": 200.0,
              "impressions": None, "clicks": None},
             {"date": D(2026, 10, 5), "channel_id": "ch_a", "campaign_id": "c1", "ad_id": "", "cost": 300.0,
              "impressions": 10000.0, "clicks": 100.0},
             {"date": D(2026, 10, 6), "channel_id": "ch_b", "campaign_id": "", "ad_id": "", "cost": 100.0,
              "impressions": 5000.0, "clicks": 20.0}]
    values = [{"metric_id": "ugc_count", "period_start": D(2026, 10, 1), "grain": "month", "scope_type": "team",
               "scope_id": "", "value": 40.0},
              {"metric_id": "followers", "period_start": D(2026, 10, 1), "grain": "month", "scope_type": "channel",
               "scope_id": "ch_b", "value": 1000.0}]
    fb = [("2026-10", "p2", "manager", "p1", 80.0), ("2026-10", "p2", "peer", "p3", 85.0),
          ("2026-10", "p2", "peer", "p1", 95.0), ("2026-10", "p3", "self", "p3", 90.0),
          ("2026-Q4", "p2", "manager", "p1", 10.0)]
    feedback = [{"period": p, "person_id": who, "reviewer_role": role, "reviewer_id": rid, "dimension": "overall",
                 "score": score} for p, who, role, rid, score in fb]
    with store.transaction(engine) as conn:
        for table, rows in ((schema.people, people), (schema.channels, channels), (schema.campaigns, campaigns),
                            (schema.leads, leads), (schema.spend, spend), (schema.metric_values, values),
                            (schema.feedback_360, feedback)):
            conn.execute(table.insert(), rows)
        store.bump_data_version(conn)


PLAN_YAML = """\
name: October plan
period: 2026-10
framework: department
quantitative_share: 0.8
base_bonus: 1000
kpis:
  - {metric: leads, scope: team, dimension: campaign_effectiveness, weight: 60, base: 4, challenge: 5, owner: p1}
  - {metric: ugc_count, scope: team, dimension: brand_building, weight: 40, base: 50, owner: p1}
  - {metric: spend, scope: team, dimension: campaign_effectiveness, weight: 0, base: 350, owner: p1, guardrail: true,
     penalty: 5}
  - {metric: cpl, scope: "channel:ch_a", dimension: campaign_effectiveness, weight: 40, base: 200, challenge: 100,
     owner: p2}
  - {metric: leads, scope: "person:p2", dimension: campaign_effectiveness, weight: 40, base: 2, owner: p2}
  - {metric: followers, scope: "channel:ch_a", dimension: brand_building, weight: 20, base: 500, owner: p2}
  - {metric: lead_to_mql, scope: "person:p3", dimension: customer_growth, weight: 100, base: 0.5, owner: p3}
"""
