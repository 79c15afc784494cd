"""Drill-down engine (kpi_engine.drill, kpi_engine.metrics.funnel) on a hand-checked fixture, on DuckDB and PostgreSQL,
and against independent SQL on the demo data.

Fixture (March 2026 is the range; as of 2026-03-31 unless said):

====  ==========  =====  =====  =====  ==========  ==========  ==========  ==========  ======
lead  created     chan   camp   owner  mql_at      sql_at      won_at      lost_at     deal
====  ==========  =====  =====  =====  ==========  ==========  ==========  ==========  ======
L1    03-02 09:00 ch_a   ca1    pa     03-03       03-05       03-10       -           1000
L2    03-03 10:00 ch_a   ca1    pa     03-04       -           -           -           -
L3    03-05 11:00 ch_a   ca1    pa     -           -           -           -           -
L4    03-10 12:00 ch_a   -      pa     -           03-12       -           03-20       -      (skipped MQL)
L5    03-15 13:00 ch_b   -      pb     03-16       -           -           -           -
L6    03-20 14:00 ch_b   -      pb     -           -           -           -           -
L7    03-25 15:00 ch_b   -      pb     -           -           04-05       -           500    (won after as-of)
L8    02-27 16:00 ch_a   ca1    pa     03-02       -           -           -           -      (created in February)
L9    03-28 17:00 ch_b   -      -      -           -           -           -           -      (no owner)
====  ==========  =====  =====  =====  ==========  ==========  ==========  ==========  ======

Spend: ch_a/ca1 03-01 300 (10,000 impressions, 100 clicks) and 03-15 300 (20,000, 200); ch_a without campaign
03-02 100; ch_b without campaign 03-10 200 (5,000, 50). Campaigns: ca1 (ch_a, owner pa, from 2026-01-01),
ca2 (ch_a, owner pb, all of 2025: did not run in March), cb1 (ch_b, owner pb, March only, no facts).
People: pa, pb active; pc inactive. Channels: ch_a (owner pa), ch_b (owner pb), ch_c (owner pa, no facts).
Monthly targets: leads ch_a 28 (Feb) and 10 (Mar), ch_b 4 (Mar); spend ch_a 500 (Mar); leads pa 8, pb 2 (Mar);
team leads 14 (Mar).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import demo, drill, periods, schema, store
from kpi_engine.i18n import catalog
from kpi_engine.i18n.drill import STRINGS
from kpi_engine.metrics import funnel

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _t(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(f"2026-{text}") if text else None


LEADS = [  # id, created, channel, campaign, owner, mql, sql, won, lost, deal
    ("L1", "03-02 09:00", "ch_a", "ca1", "pa", "03-03 09:00", "03-05 09:00", "03-10 09:00", None, 1000.0),
    ("L2", "03-03 10:00", "ch_a", "ca1", "pa", "03-04 09:00", None, None, None, None),
    ("L3", "03-05 11:00", "ch_a", "ca1", "pa", None, None, None, None, None),
    ("L4", "03-10 12:00", "ch_a", None, "pa", None, "03-12 09:00", None, "03-20 09:00", None),
    ("L5", "03-15 13:00", "ch_b", None, "pb", "03-16 09:00", None, None, None, None),
    ("L6", "03-20 14:00", "ch_b", None, "pb", None, None, None, None, None),
    ("L7", "03-25 15:00", "ch_b", None, "pb", None, None, "04-05 09:00", None, 500.0),
    ("L8", "02-27 16:00", "ch_a", "ca1", "pa", "03-02 09:00", None, None, None, None),
    ("L9", "03-28 17:00", "ch_b", None, None, None, None, None, None, None),
]
SPEND = [  # date, channel, campaign, cost, impressions, clicks
    ("2026-03-01", "ch_a", "ca1", 300.0, 10000.0, 100.0),
    ("2026-03-15", "ch_a", "ca1", 300.0, 20000.0, 200.0),
    ("2026-03-02", "ch_a", "", 100.0, None, None),
    ("2026-03-10", "ch_b", "", 200.0, 5000.0, 50.0),
]
TARGETS = [  # metric, scope type, scope id, month, base
    ("leads", "channel", "ch_a", "2026-02-01", 28.0), ("leads", "channel", "ch_a", "2026-03-01", 10.0),
    ("leads", "channel", "ch_b", "2026-03-01", 4.0), ("spend", "channel", "ch_a", "2026-03-01", 500.0),
    ("leads", "person", "pa", "2026-03-01", 8.0), ("leads", "person", "pb", "2026-03-01", 2.0),
    ("leads", "team", "", "2026-03-01", 14.0),
]


def load_fixture(engine: Engine) -> None:
    d = dt.date.fromisoformat
    with store.transaction(engine) as conn:
        conn.execute(sa.insert(schema.people), [
            {"person_id": "pa", "name": "Ann", "team": "growth", "active": True},
            {"person_id": "pb", "name": "Bob", "team": "brand", "active": True},
            {"person_id": "pc", "name": "Cat", "team": "brand", "active": False}])
        conn.execute(sa.insert(schema.channels), [
            {"channel_id": "ch_a", "name": "Alpha", "kind": "paid", "owner_id": "pa"},
            {"channel_id": "ch_b", "name": "Beta", "kind": "social", "owner_id": "pb"},
            {"channel_id": "ch_c", "name": "Gamma", "kind": "organic", "owner_id": "pa"}])
        conn.execute(sa.insert(schema.campaigns), [  # every row names every column (one executemany)
            {"campaign_id": "ca1", "name": "A one", "channel_id": "ch_a", "owner_id": "pa",
             "start_date": d("2026-01-01"), "end_date": None, "budget": None},
            {"campaign_id": "ca2", "name": "A two", "channel_id": "ch_a", "owner_id": "pb",
             "start_date": d("2025-01-01"), "end_date": d("2025-12-31"), "budget": None},
            {"campaign_id": "cb1", "name": "B one", "channel_id": "ch_b", "owner_id": "pb",
             "start_date": d("2026-03-01"), "end_date": d("2026-03-31"), "budget": 1000.0}])
        conn.execute(sa.insert(schema.leads), [
            {"lead_id": i, "created_at": _t(c), "channel_id": ch, "campaign_id": cp, "owner_id": o, "mql_at": _t(m),
             "sql_at": _t(s), "won_at": _t(w), "lost_at": _t(lo), "deal_value": v}
            for i, c, ch, cp, o, m, s, w, lo, v in LEADS])
        conn.execute(sa.insert(schema.spend), [
            {"date": d(day), "channel_id": ch, "campaign_id": cp, "ad_id": "", "cost": cost, "impressions": imp,
             "clicks": clk} for day, ch, cp, cost, imp, clk in SPEND])
        conn.execute(sa.insert(schema.targets), [
            {"metric_id": m, "scope_type": st, "scope_id": sid, "period_start": d(month), "base": base}
            for m, st, sid, month, base in TARGETS])
        store.bump_data_version(conn)


@pytest.fixture
def fx(engine: Engine) -> Engine:
    load_fixture(engine)
    return engine


def _row(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    hit = frame[frame[key] == value]
    assert len(hit) == 1, (value, list(frame[key]))
    return hit.iloc[0]


# --- ranges ---------------------------------------------------------------------------------------------------


def test_clip_range_and_achievement() -> None:
    start, end = MARCH
    assert drill.clip_range(start, end, dt.date(2026, 3, 10)) == (start, dt.date(2026, 3, 9))
    assert drill.clip_range(start, end, start) == (start, start)  # a period beginning on the as-of day
    assert drill.clip_range(start, end, dt.date(2026, 4, 2)) == (start, end)
    assert drill.clip_range(start, end, dt.date(2026, 2, 28)) is None
    assert drill.clip_range(start, end, None) == (start, end)
    assert drill.achievement(4, 10) == 0.4
    assert drill.achievement(700, 500, "lower") == pytest.approx(500 / 700)
    assert drill.achievement(0, 500, "lower") == math.inf
    assert math.isnan(drill.achievement(4, 0)) and math.isnan(drill.achievement(None, 10))
    assert math.isnan(drill.achievement(float("nan"), 10))
    assert drill.spark_buckets(dt.date(2026, 3, 31), 2) == [(dt.date(2026, 3, 18), dt.date(2026, 3, 24)),
                                                            (dt.date(2026, 3, 25), dt.date(2026, 3, 31))]


# --- overviews ------------------------------------------------------------------------------------------------


def test_channel_overview_ranks_by_gap_to_target(fx: Engine) -> None:
    frame = drill.channel_overview(fx, *MARCH)
    assert list(frame["channel_id"]) == ["ch_a", "ch_b", "ch_c"]  # gap -6, gap 0, no target
    a, b, c = (_row(frame, "channel_id", x) for x in ("ch_a", "ch_b", "ch_c"))
    assert (a["leads"], a["mqls"], a["sqls"], a["wins"]) == (4, 3, 2, 1)  # L8's MQL is a March event
    assert (a["spend"], a["revenue"], a["target"], a["gap"], a["achievement"]) == (700.0, 1000.0, 10.0, -6.0, 0.4)
    assert a["cpl"] == 175.0 and a["cac"] == 700.0 and a["mql_to_sql"] == pytest.approx(2 / 3)
    assert a["roi"] == pytest.approx(300 / 700)
    assert (a["name"], a["owner_name"]) == ("Alpha", "Ann")
    assert (b["leads"], b["spend"], b["gap"], b["achievement"], b["cpl"], b["roi"]) == (4, 200.0, 0.0, 1.0, 50.0, -1.0)
    assert math.isnan(b["cac"])  # no win: no value, not 0
    assert b["mql_to_sql"] == 0.0
    assert (c["leads"], c["spend"]) == (0, 0.0) and math.isnan(c["target"]) and math.isnan(c["gap"])
    assert math.isnan(c["cpl"])
    owned = drill.channel_overview(fx, *MARCH, owner="pa")
    assert list(owned["channel_id"]) == ["ch_a", "ch_c"]
    assert drill.channel_overview(fx, *MARCH, owner="nobody").empty


def test_sparklines_are_leads_per_7_days_up_to_the_end(fx: Engine) -> None:
    spark = drill.sparklines(fx, "channel", dt.date(2026, 3, 31), weeks=2)
    assert spark["ch_b"] == [1.0, 2.0]  # L6 (03-20); L7 (03-25) and L9 (03-28)
    assert spark.get("ch_a", [0.0, 0.0]) == [0.0, 0.0]
    frame = drill.channel_overview(fx, *MARCH)
    assert len(_row(frame, "channel_id", "ch_b")["trend"]) == drill.SPARK_WEEKS
    assert _row(frame, "channel_id", "ch_b")["trend"][-2:] == [1.0, 2.0]
    assert sum(_row(frame, "channel_id", "ch_a")["trend"]) == 5.0  # L8 (02-27) and L1..L4 in the last 12 weeks


def test_campaigns_of_a_channel(fx: Engine) -> None:
    a = drill.campaign_overview(fx, *MARCH, channel="ch_a")
    assert list(a["campaign_id"]) == ["ca1", ""]  # ca2 ran in 2025 only; "" = the channel's leads without a campaign
    ca1, none = _row(a, "campaign_id", "ca1"), _row(a, "campaign_id", "")
    assert (ca1["leads"], ca1["spend"], ca1["mqls"], ca1["wins"], ca1["cpl"]) == (3, 600.0, 3, 1, 200.0)
    assert (none["leads"], none["spend"], none["sqls"], none["channel_id"]) == (1, 100.0, 1, "ch_a")
    assert a["leads"].sum() == 4 and a["spend"].sum() == 700.0  # adds up to the channel
    b = drill.campaign_overview(fx, *MARCH, channel="ch_b")
    assert list(b["campaign_id"]) == ["", "cb1"]  # cb1 ran in March without facts: listed with zeros
    cb1 = _row(b, "campaign_id", "cb1")
    assert (cb1["leads"], cb1["spend"], cb1["budget"], cb1["name"]) == (0, 0.0, 1000.0, "B one")
    owned = drill.campaign_overview(fx, *MARCH, owner="pb")
    assert list(owned["campaign_id"]) == ["cb1"]  # ca2 is pb's but did not run in March
    with pytest.raises(ValueError):
        drill.campaign_overview(fx, *MARCH)


def test_person_overview(fx: Engine) -> None:
    frame = drill.person_overview(fx, *MARCH)
    assert list(frame["person_id"]) == ["pa", "pb", ""]  # gap -4, +1, then the leads without an owner; pc inactive
    pa, pb, nobody = (_row(frame, "person_id", x) for x in ("pa", "pb", ""))
    assert (pa["leads"], pa["mqls"], pa["sqls"], pa["wins"], pa["revenue"], pa["spend"]) == (4, 3, 2, 1, 1000.0, 600.0)
    assert (pa["target"], pa["gap"], pa["achievement"], pa["targets_met"], pa["targets_total"]) == (8.0, -4.0, 0.5, 0, 1)
    assert (pb["leads"], pb["gap"], pb["achievement"], pb["targets_met"], pb["spend"]) == (3, 1.0, 1.5, 1, 0.0)
    assert (nobody["leads"], nobody["spend"]) == (1, 300.0)  # spend without a campaign has no owner


def test_scorecards_and_scope_kpis(fx: Engine) -> None:
    team = drill.scorecards(fx, "team", *MARCH)
    assert team.to_dict("records") == [{"scope_id": "", "metric_id": "leads", "actual": 8.0, "target": 14.0,
                                        "achievement": pytest.approx(8 / 14), "gap": -6.0, "direction": "higher",
                                        "unit": "count"}]
    cards = drill.scorecards(fx, "channel", *MARCH, scope_id="ch_a").set_index("metric_id")
    assert cards.loc["spend", "achievement"] == pytest.approx(500 / 700)  # lower is better
    assert cards.loc["spend", "gap"] == 200.0 and cards.loc["leads", "achievement"] == 0.4
    kpis = drill.scope_kpis(fx, "channel", "ch_a", *MARCH, ["leads", "cpl"]).set_index("metric_id")
    assert list(kpis.index) == ["leads", "cpl", "spend"]  # asked, then the other targeted metrics
    assert kpis.loc["cpl", "actual"] == 175.0 and math.isnan(kpis.loc["cpl", "target"])
    assert kpis.loc["spend", "target"] == 500.0
    none = drill.scope_kpis(fx, "campaign", "", *MARCH, ["leads", "spend"], where={"channel": "ch_a", "campaign": ""})
    assert list(none["actual"]) == [1.0, 100.0]
    assert drill.scope_kpis(fx, "team", "", dt.date(2026, 5, 1), dt.date(2026, 5, 31), []).empty  # no target, no ask
    half = drill.scope_kpis(fx, "person", "pa", MARCH[0], dt.date(2026, 3, 15), ["leads"]).iloc[0]
    assert half["actual"] == 4 and half["target"] == pytest.approx(8 * 15 / 31)  # pro-rated by calendar days


# --- trends and costs -----------------------------------------------------------------------------------------


def test_trend_against_target_by_month_and_week(fx: Engine) -> None:
    months = drill.trend(fx, "leads", grain="month", end=dt.date(2026, 3, 15), where={"channel": "ch_a"},
                         target_scope=("channel", "ch_a"), count=3)
    assert list(months["period_start"]) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert list(months["actual"]) == [0.0, 1.0, 4.0]
    assert math.isnan(months["target"].iloc[0]) and months["target"].iloc[1] == 28.0
    assert months["target"].iloc[2] == pytest.approx(10 * 15 / 31)  # the month so far, pro-rated
    assert list(months["partial"]) == [False, False, True]
    assert months["period_end"].iloc[2] == dt.date(2026, 3, 15)
    # ISO week Mon 2026-02-23 .. Sun 03-01 crosses the month: 6 days of February's 28 and 1 day of March's 10.
    week = drill.trend(fx, "leads", grain="week", end=dt.date(2026, 3, 1), where={"channel": "ch_a"},
                       target_scope=("channel", "ch_a"), count=1).iloc[0]
    assert (week["period_start"], week["actual"]) == (dt.date(2026, 2, 23), 1.0)
    assert week["target"] == pytest.approx(28 * 6 / 28 + 10 * 1 / 31)
    no_target = drill.trend(fx, "cpl", grain="month", end=MARCH[1], where={"channel": "ch_a"}, count=1)
    assert no_target["actual"].iloc[0] == 175.0 and no_target["target"].isna().all()
    with pytest.raises(ValueError):
        drill.trend(fx, "leads", grain="day", end=MARCH[1])


def test_costs_by_period(fx: Engine) -> None:
    row = drill.costs(fx, grain="month", end=MARCH[1], where={"channel": "ch_a"}, count=1).iloc[0]
    assert (row["spend"], row["cpl"], row["cac"]) == (700.0, 175.0, 700.0)
    assert row["cpc"] == pytest.approx(700 / 300) and row["cpm"] == pytest.approx(700 / 30000 * 1000)
    weeks = drill.costs(fx, grain="week", end=MARCH[1], where={"channel": "ch_b"}, count=5)
    assert len(weeks) == 5 and weeks["spend"].sum() == 200.0
    by_week = weeks.set_index("period_start")
    assert pd.isna(by_week.loc[dt.date(2026, 3, 23), "cpl"])  # L7 and L9 without spend that week: no CPL, not ¥0
    assert math.isnan(by_week.loc[dt.date(2026, 3, 30), "cpl"])  # no spend, no lead: no value


# --- funnel and leads list --------------------------------------------------------------------------------------


def test_cohort_funnel(fx: Engine) -> None:
    a = funnel.funnel(fx, *MARCH, where={"channel": "ch_a"}, as_of=MARCH[1])
    # Created in March: L1..L4 (not L8). MQL: L1, L2 and L4 (an SQL that skipped MQL); SQL: L1, L4; won: L1.
    assert list(a["stage"]) == ["lead", "mql", "sql", "won"]
    assert list(a["count"]) == [4, 3, 2, 1]
    assert list(a["share"]) == [1.0, 0.75, 0.5, 0.25]
    assert math.isnan(a["step"].iloc[0]) and list(a["step"].iloc[1:]) == [0.75, pytest.approx(2 / 3), 0.5]
    b = funnel.funnel(fx, *MARCH, where={"channel": "ch_b"}, as_of=MARCH[1])
    assert list(b["count"]) == [4, 1, 0, 0]  # L7 is won on 04-05, after the as-of date
    assert math.isnan(b["step"].iloc[3])  # nothing to convert from: no value, not 0
    assert list(funnel.funnel(fx, *MARCH, where={"channel": "ch_b"})["count"]) == [4, 2, 1, 1]  # no cut-off
    assert list(funnel.funnel(fx, *MARCH, where={"campaign": "ca1"}, as_of=MARCH[1])["count"]) == [3, 2, 1, 1]
    assert list(funnel.funnel(fx, *MARCH, where={"person": ""}, as_of=MARCH[1])["count"]) == [1, 0, 0, 0]
    empty = funnel.funnel(fx, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert list(empty["count"]) == [0, 0, 0, 0] and empty["share"].isna().all()
    with pytest.raises(ValueError):
        funnel.funnel(fx, *MARCH, where={"team": "growth"})


def test_leads_list_pages_newest_first(fx: Engine) -> None:
    first = funnel.leads_page(fx, *MARCH, where={"channel": "ch_a"}, page=0, page_size=3, as_of=MARCH[1])
    assert (first.total, first.pages, first.page) == (4, 2, 0)
    assert list(first.rows["lead_id"]) == ["L4", "L3", "L2"]
    assert list(first.rows["stage"]) == ["lost", "lead", "mql"]
    assert first.rows["campaign_name"].iloc[1] == "A one" and first.rows["owner_name"].iloc[0] == "Ann"
    assert first.rows["channel_name"].iloc[0] == "Alpha"
    second = funnel.leads_page(fx, *MARCH, where={"channel": "ch_a"}, page=1, page_size=3, as_of=MARCH[1])
    assert list(second.rows["lead_id"]) == ["L1"] and list(second.rows["stage"]) == ["won"]
    assert second.rows["deal_value"].iloc[0] == 1000.0
    assert second.rows["won_at"].iloc[0] == pd.Timestamp("2026-03-10 09:00")
    beyond = funnel.leads_page(fx, *MARCH, where={"channel": "ch_a"}, page=9, page_size=3)
    assert beyond.page == 1 and list(beyond.rows["lead_id"]) == ["L1"]  # clamped to the last page
    assert list(funnel.leads_page(fx, *MARCH, where={"campaign": "ca1"}).rows["lead_id"]) == ["L3", "L2", "L1"]
    assert list(funnel.leads_page(fx, *MARCH, where={"channel": "ch_a", "campaign": ""}).rows["lead_id"]) == ["L4"]
    assert list(funnel.leads_page(fx, *MARCH, where={"person": ""}).rows["lead_id"]) == ["L9"]
    b = funnel.leads_page(fx, *MARCH, where={"channel": "ch_b"}, as_of=MARCH[1])
    assert dict(zip(b.rows["lead_id"], b.rows["stage"], strict=True))["L7"] == "lead"  # won only after the as-of date
    none = funnel.leads_page(fx, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (none.total, none.pages, len(none.rows)) == (0, 1, 0)
    with pytest.raises(ValueError):
        funnel.leads_page(fx, *MARCH, page_size=0)


# --- demo data against independent SQL ------------------------------------------------------------------------

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('drill') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=6, end=OCT[1])
    yield engine
    store.dispose_engine(url)


def _sql(engine: Engine, text: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(text), params).all()]


def test_demo_channels_against_independent_sql(demo_engine: Engine) -> None:
    frame = drill.channel_overview(demo_engine, *OCT).set_index("channel_id")
    lo, hi = dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1)
    leads = dict(_sql(demo_engine, "SELECT channel_id, COUNT(*) FROM leads WHERE created_at >= :lo AND created_at < :hi "
                                   "GROUP BY channel_id", lo=lo, hi=hi))
    spend = {ch: float(v) for ch, v in _sql(demo_engine, "SELECT channel_id, SUM(cost) FROM spend WHERE date BETWEEN :a AND :b "
                                                        "GROUP BY channel_id", a=OCT[0], b=OCT[1])}  # DECIMAL sums
    goal = dict(_sql(demo_engine, "SELECT scope_id, base FROM targets WHERE metric_id = 'leads' AND scope_type = 'channel' "
                                  "AND period_start = :m", m=OCT[0]))
    channels = {r[0] for r in _sql(demo_engine, "SELECT channel_id FROM channels")}
    assert set(frame.index) == channels
    for ch in channels:
        assert frame.loc[ch, "leads"] == leads.get(ch, 0), ch
        assert frame.loc[ch, "spend"] == pytest.approx(spend.get(ch, 0.0)), ch
        if ch in goal:  # a full month: the target is the month's base
            assert frame.loc[ch, "gap"] == pytest.approx(leads.get(ch, 0) - goal[ch]), ch
    expected = sorted(goal, key=lambda c: (leads.get(c, 0) - goal[c], -leads.get(c, 0)))
    assert list(frame.index[: len(expected)]) == expected
    assert frame.index[0] == demo.SLIDING_CHANNEL  # the story: xiaohongshu is furthest behind
    assert frame.loc[demo.SLIDING_CHANNEL, "achievement"] < 0.8


def test_demo_people_and_campaigns_against_independent_sql(demo_engine: Engine) -> None:
    people = drill.person_overview(demo_engine, *OCT).set_index("person_id")
    assert people.loc[demo.RISING_PERSON, "achievement"] > 1.1  # the story: p02 ahead of target
    lo, hi = dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1)
    owned = dict(_sql(demo_engine, "SELECT owner_id, COUNT(*) FROM leads WHERE created_at >= :lo AND created_at < :hi "
                                   "AND owner_id IS NOT NULL GROUP BY owner_id", lo=lo, hi=hi))
    for person, n in owned.items():
        assert people.loc[person, "leads"] == n
    camp = drill.campaign_overview(demo_engine, *OCT, channel=demo.SLIDING_CHANNEL).set_index("campaign_id")
    by_campaign = dict(_sql(demo_engine, "SELECT COALESCE(campaign_id, ''), COUNT(*) FROM leads WHERE channel_id = :c "
                                         "AND created_at >= :lo AND created_at < :hi GROUP BY 1",
                            c=demo.SLIDING_CHANNEL, lo=lo, hi=hi))
    for cid, n in by_campaign.items():
        assert camp.loc[cid, "leads"] == n


def test_demo_funnel_and_leads_list_against_independent_sql(demo_engine: Engine) -> None:
    ch = demo.SLIDING_CHANNEL
    lo, hi, cut = dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1), dt.datetime(2026, 10, 21)
    stages = funnel.funnel(demo_engine, *OCT, where={"channel": ch}, as_of=dt.date(2026, 10, 20))
    expected = _sql(demo_engine, """
        SELECT COUNT(*),
               SUM(CASE WHEN mql_at < :cut OR sql_at < :cut OR won_at < :cut THEN 1 ELSE 0 END),
               SUM(CASE WHEN sql_at < :cut OR won_at < :cut THEN 1 ELSE 0 END),
               SUM(CASE WHEN won_at < :cut THEN 1 ELSE 0 END)
        FROM leads WHERE channel_id = :ch AND created_at >= :lo AND created_at < :hi""", ch=ch, lo=lo, hi=hi, cut=cut)[0]
    assert list(stages["count"]) == [int(v or 0) for v in expected]
    page = funnel.leads_page(demo_engine, *OCT, where={"channel": ch}, page=1, page_size=20)
    ids = [r[0] for r in _sql(demo_engine, "SELECT lead_id FROM leads WHERE channel_id = :ch AND created_at >= :lo "
                                           "AND created_at < :hi ORDER BY created_at DESC, lead_id DESC LIMIT 20 OFFSET 20",
                              ch=ch, lo=lo, hi=hi)]
    assert list(page.rows["lead_id"]) == ids and page.total == expected[0]


def test_demo_trend_falls_under_the_target_line(demo_engine: Engine) -> None:
    ch = demo.SLIDING_CHANNEL
    weeks = drill.trend(demo_engine, "leads", grain="week", end=OCT[1], where={"channel": ch},
                        target_scope=("channel", ch), count=8)
    assert weeks["target"].notna().all()
    last4 = weeks.tail(4)
    assert (last4["actual"] < last4["target"]).sum() >= 3  # the slide: under the target line in October
    monthly = drill.trend(demo_engine, "leads", grain="month", end=OCT[1], where={"channel": ch},
                          target_scope=("channel", ch), count=2)
    with demo_engine.connect() as conn:
        sept = conn.execute(sa.select(sa.func.count()).select_from(schema.leads).where(
            schema.leads.c.channel_id == ch, schema.leads.c.created_at >= dt.datetime(2026, 9, 1),
            schema.leads.c.created_at < dt.datetime(2026, 10, 1))).scalar()
    assert monthly["actual"].iloc[0] == sept
    assert monthly["period_start"].iloc[1] == periods.period_start(OCT[1], "month")


def test_drill_strings_exist_in_both_languages() -> None:
    root = Path(__file__).resolve().parent.parent
    used = set()
    for path in ("ui/drill.py", "ui/ranked.py", "ui/drill_detail.py", "ui/charts.py", "app_pages/channels.py",
                 "app_pages/team.py"):
        used |= set(re.findall(r"""["'](drill_[a-z0-9_]+)["']""", (root / path).read_text(encoding="utf-8")))
    used |= {f"drill_stage_{s}" for s in (*funnel.STAGES, "lost")} | {f"drill_grain_{g}" for g in drill.TREND_GRAINS}
    assert not sorted(k for k in used if k not in catalog())
    for key, text in STRINGS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(text[lang]) if f} for lang in ("en", "zh")]
        assert text["en"].strip() and re.search(r"[\u4e00-\u9fff]|^[A-Z]+$|^ID$", text["zh"]), key
        assert fields[0] == fields[1], key
