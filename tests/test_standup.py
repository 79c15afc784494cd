"""The standup engine (kpi_engine.standup) on a small hand-checked fixture, on DuckDB and PostgreSQL.

The meeting is on Thu 2026-11-12, so yesterday is Wed 2026-11-11, the week to date Mon 09 .. Wed 11 Nov
(3 days), the month to date 01 .. 11 Nov (11 of 30 days), the day before Tue 10 Nov and the same weekday
last week Wed 04 Nov. Response SLA: 2 hours (default setting).

Leads (created, channel, campaign, owner, stages, first response):

====  ================  =====  ====  =====  ===========================================  ==============
lead  created_at        chan   camp  owner  stages                                       response
====  ================  =====  ====  =====  ===========================================  ==============
L0    2026-10-31 10:00  ch_a   c1    ann    -                                            0.5 h
L1    2026-11-02 10:00  ch_a   c1    ann    mql 11-03 10:00                              1 h
L2    2026-11-04 10:00  ch_a   c1    ann    mql 11-04 12:00, sql 11-06 10:00             0.5 h
L3    2026-11-05 09:00  ch_a   c1    ann    -                                            10 min
L4    2026-11-06 09:00  ch_b   c2    bob    -                                            1 h
L5    2026-11-09 09:00  ch_a   c1    ann    mql 11-10 09:00                              1 h
L6    2026-11-10 09:00  ch_a   c1    bob    mql 11-11 10:00, sql 11-11 15:00             5 h (late)
L7    2026-11-11 09:00  ch_a   c1    ann    won 11-11 17:00 (deal 1000)                  0.5 h
L8    2026-11-11 10:00  ch_b   c2    bob    -                                            none (late)
====  ================  =====  ====  =====  ===========================================  ==============

Spend: campaign c1 (ch_a) 100 a day from 2026-10-14 to 11-10 and 300 on 11-11 (a spike: 3× its median);
campaign c2 (ch_b) 50 a day from 10-14 to 11-11.

November targets (team): leads 30, mqls 15, sqls 6, wins 2, spend 4500, cpl 150, response_sla 0.8;
channel leads: ch_a 15, ch_b 15.
"""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import fmt, schema, standup
from kpi_engine.i18n import catalog

D = dt.date
AS_OF = D(2026, 11, 12)
NOV = D(2026, 11, 1)


def _ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


_LEADS = [  # id, created, channel, campaign, owner, mql, sql, won, deal, response
    ("L0", "2026-10-31 10:00", "ch_a", "c1", "ann", None, None, None, None, "2026-10-31 10:30"),
    ("L1", "2026-11-02 10:00", "ch_a", "c1", "ann", "2026-11-03 10:00", None, None, None, "2026-11-02 11:00"),
    ("L2", "2026-11-04 10:00", "ch_a", "c1", "ann", "2026-11-04 12:00", "2026-11-06 10:00", None, None,
     "2026-11-04 10:30"),
    ("L3", "2026-11-05 09:00", "ch_a", "c1", "ann", None, None, None, None, "2026-11-05 09:10"),
    ("L4", "2026-11-06 09:00", "ch_b", "c2", "bob", None, None, None, None, "2026-11-06 10:00"),
    ("L5", "2026-11-09 09:00", "ch_a", "c1", "ann", "2026-11-10 09:00", None, None, None, "2026-11-09 10:00"),
    ("L6", "2026-11-10 09:00", "ch_a", "c1", "bob", "2026-11-11 10:00", "2026-11-11 15:00", None, None,
     "2026-11-10 14:00"),
    ("L7", "2026-11-11 09:00", "ch_a", "c1", "ann", None, None, "2026-11-11 17:00", 1000.0, "2026-11-11 09:30"),
    ("L8", "2026-11-11 10:00", "ch_b", "c2", "bob", None, None, None, None, None),
]
TEAM_TARGETS = {"leads": 30.0, "mqls": 15.0, "sqls": 6.0, "wins": 2.0, "spend": 4500.0, "cpl": 150.0,
                "response_sla": 0.8}


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def load_fixture(engine: Engine) -> None:
    leads = [dict(lead_id=i, created_at=_ts(c), channel_id=ch, campaign_id=cp, owner_id=o, mql_at=_ts(m), sql_at=_ts(s),
                  won_at=_ts(w), deal_value=v, first_response_at=_ts(r))
             for i, c, ch, cp, o, m, s, w, v, r in _LEADS]
    spend = [dict(date=d, channel_id="ch_a", campaign_id="c1", ad_id="", cost=300.0 if d == D(2026, 11, 11) else 100.0)
             for d in _days(D(2026, 10, 14), D(2026, 11, 11))]
    spend += [dict(date=d, channel_id="ch_b", campaign_id="c2", ad_id="", cost=50.0)
              for d in _days(D(2026, 10, 14), D(2026, 11, 11))]
    targets = [dict(metric_id=m, scope_type="team", scope_id="", period_start=NOV, base=v, source="test")
               for m, v in TEAM_TARGETS.items()]
    targets += [dict(metric_id="leads", scope_type="channel", scope_id=c, period_start=NOV, base=15.0, source="test")
                for c in ("ch_a", "ch_b")]
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.people), [dict(person_id="ann", name="Ann"), dict(person_id="bob", name="Bob")])
        conn.execute(sa.insert(schema.channels), [dict(channel_id="ch_a", name="Alpha", kind="paid"),
                                                  dict(channel_id="ch_b", name="Beta", kind="social")])
        conn.execute(sa.insert(schema.campaigns), [
            dict(campaign_id="c1", name="Camp One", channel_id="ch_a", owner_id="ann"),
            dict(campaign_id="c2", name="Camp Two", channel_id="ch_b", owner_id="bob")])
        conn.execute(sa.insert(schema.leads), leads)
        conn.execute(sa.insert(schema.spend), spend)
        conn.execute(sa.insert(schema.targets), targets)


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    load_fixture(engine)
    return engine


def test_windows_are_anchored_on_yesterday() -> None:
    w = standup.windows(AS_OF)
    assert (w.yesterday, w.day_before, w.last_week) == (D(2026, 11, 11), D(2026, 11, 10), D(2026, 11, 4))
    assert w.week == (D(2026, 11, 9), D(2026, 11, 11))
    assert w.month == (NOV, D(2026, 11, 11)) and w.month_period == (NOV, D(2026, 11, 30))
    assert w.trend_weeks == tuple(D(2026, 9, 14) + dt.timedelta(days=7 * k) for k in range(8))  # ..Mon 2 Nov
    # A Monday meeting: yesterday is a Sunday, its week is complete and is the last point of the trend.
    sunday = standup.windows(D(2026, 11, 16))
    assert sunday.week == (D(2026, 11, 9), D(2026, 11, 15)) and sunday.trend_weeks[-1] == D(2026, 11, 9)
    # On the 1st, yesterday closes the previous month; a week across the new year starts in December.
    first = standup.windows(D(2027, 1, 1))
    assert first.month == (D(2026, 12, 1), D(2026, 12, 31)) and first.week == (D(2026, 12, 28), D(2026, 12, 31))


def test_cards_by_hand(loaded: Engine) -> None:
    s = standup.build(loaded, AS_OF)
    assert s.has_data and s.stale_days == 0
    assert [c.metric for c in s.cards] == list(standup.METRICS)
    expected = {  # metric: (yesterday, day before, same day last week, week to date, month to date)
        "leads": (2, 1, 1, 4, 8),
        "mqls": (1, 1, 1, 2, 4),
        "sqls": (1, 0, 0, 1, 2),
        "wins": (1, 0, 0, 1, 1),
        "spend": (350, 150, 150, 650, 1850),
        "cpl": (175, 150, 150, 162.5, 231.25),
        "response_sla": (0.5, 0.0, 1.0, 0.5, 0.75),
    }
    for metric, (yday, before, last_week, wtd, mtd) in expected.items():
        c = s.card(metric)
        assert (c.yesterday, c.day_before, c.last_week) == pytest.approx((yday, before, last_week)), metric
        assert (c.wtd, c.mtd) == pytest.approx((wtd, mtd)), metric
    # Pro-rated targets: a count or a budget by calendar days (1/30 a day, 3/30 for Mon..Wed); a rate as it is.
    leads, spend, cpl = s.card("leads"), s.card("spend"), s.card("cpl")
    assert (leads.yesterday_target, leads.wtd_target, leads.month_target) == pytest.approx((1, 3, 30))
    assert (spend.yesterday_target, spend.wtd_target) == pytest.approx((150, 450))
    assert (cpl.yesterday_target, cpl.wtd_target, cpl.month_target) == pytest.approx((150, 150, 150))


def test_pacing_to_the_month_end_by_hand(loaded: Engine) -> None:
    s = standup.build(loaded, AS_OF)
    # 11 of 30 days elapsed: a count projects to actual × 30 / 11.
    leads = s.card("leads")
    assert leads.projected == pytest.approx(8 * 30 / 11) and leads.expected_to_date == pytest.approx(11)
    assert leads.achievement == pytest.approx(8 / 11) and leads.status == "at_risk"  # 72.7%: between 50% and 100%
    assert s.card("sqls").achievement == pytest.approx(2 * 30 / 11 / 6) and s.card("sqls").status == "at_risk"
    assert s.card("wins").achievement == pytest.approx(30 / 11 / 2) and s.card("wins").status == "on_track"
    # Spend is a budget: 1,850 against 4,500 × 11/30 = 1,650 planned by now, 112% > 110%.
    spend = s.card("spend")
    assert spend.expected_to_date == pytest.approx(1650) and spend.achievement == pytest.approx(1850 / 1650)
    assert spend.status == "overspending"
    # Rates as they are: CPL 231.25 against 150 (lower is better) -> 64.9%; SLA 75% against 80% -> 93.75%.
    assert s.card("cpl").achievement == pytest.approx(150 / 231.25) and s.card("cpl").status == "at_risk"
    assert s.card("response_sla").achievement == pytest.approx(0.75 / 0.8)
    # The day before (month to date through 10 Nov): no win yet (off track), spend 1,500 = plan, SLA 5/6.
    assert (s.card("wins").prev_status, s.card("spend").prev_status) == ("off_track", "on_track")
    assert (s.card("response_sla").prev_status, s.card("leads").prev_status) == ("on_track", "at_risk")
    changed = [ch.metric for ch in s.changes() if ch.status_changed]
    assert changed == ["wins", "spend", "response_sla"]  # status changes come first, in board order
    wins = next(ch for ch in s.changes() if ch.metric == "wins")
    assert wins.vs_day_before is None  # 1 against 0: no relative change
    assert next(ch for ch in s.changes() if ch.metric == "spend").vs_day_before == pytest.approx(350 / 150 - 1)


def test_trend_is_the_last_eight_complete_weeks(loaded: Engine) -> None:
    s = standup.build(loaded, AS_OF)
    assert s.card("leads").trend == (0, 0, 0, 0, 0, 0, 1, 4)  # L0 in W44, L1..L4 in W45
    assert s.card("spend").trend == pytest.approx((0, 0, 0, 0, 750, 1050, 1050, 1050))  # from Wed 14 Oct
    cpl = s.card("cpl").trend
    assert cpl[:6] == (None,) * 6 and cpl[6:] == pytest.approx((1050, 262.5))  # no leads: no value


def test_alerts_ranked_by_severity(loaded: Engine) -> None:
    s = standup.build(loaded, AS_OF)
    assert [(a.kind, a.scope_type, a.scope_id) for a in s.alerts] == [
        ("spend", "campaign", "c1"), ("pace", "channel", "ch_b"), ("sla", "team", "")]
    spike, pace, sla = s.alerts
    # c1 spent 300 against a median of 100: 200 above usual, over a daily budget of 4,500 / 30 = 150.
    assert spike.severity == pytest.approx(200 / 150)
    assert (spike.fact("spent"), spike.fact("usual"), spike.fact("ratio")) == pytest.approx((300, 100, 3))
    assert (spike.channel_id, spike.campaign_id) == ("ch_a", "c1")  # ch_a's own spike is c1's: not repeated
    # ch_b: 2 leads against 15 × 11/30 = 5.5 expected; the shortfall 3.5 over the team's 30 × 11/30 = 11.
    assert pace.severity == pytest.approx(3.5 / 11) and pace.fact("achievement") == pytest.approx(2 * 30 / 11 / 15)
    assert pace.fact("share") == pytest.approx(0.5) and pace.channel_id == "ch_b"
    # This week: 4 leads, L6 (5 h) and L8 (no answer) late, both Bob's: 50% against 80%.
    assert sla.severity == pytest.approx(0.3)
    assert (sla.fact("late"), sla.fact("leads"), sla.fact("late_yesterday")) == (2, 4, 1)
    assert (sla.person_ids, sla.person_names, sla.person_counts) == (("bob",), ("Bob",), (2,))
    assert s.top_alerts == s.alerts[:3]


def test_alert_sentences_in_both_languages(loaded: Engine) -> None:
    spike, pace, sla = standup.build(loaded, AS_OF).alerts
    assert spike.text("en") == ("The campaign Camp One spent ¥300 yesterday, 3.0× its usual ¥100 a day (median "
                                "of the 28 days before): ¥200 above usual, 133.3% of the team's daily budget.")
    assert spike.text("zh").startswith("活动「Camp One」昨天花费 ¥300，是平时每天 ¥100")
    assert pace.title("en") == "Behind pace: Beta" and pace.title("zh") == "进度落后：Beta"
    assert "2 leads this month against 5.5 expected by now (monthly target 15)" in pace.text("en")  # 15 × 11/30
    assert "ends the month at 5.5 (36.4% of target)" in pace.text("en")  # 2 / (11/30) = 5.45 of 15 = 36.4%
    assert sla.text("en") == ("2 of 4 leads created this week (1 yesterday) were not answered within 2 h: 50.0% "
                              "answered in time, target 80.0%. Most late leads: Bob (2).")
    assert "超时最多：Bob (2)" in sla.text("zh")


def test_channel_spike_without_campaign(loaded: Engine) -> None:
    # A channel whose spend carries no campaign: 40 a day, then 200 yesterday (160 above usual).
    rows = [dict(date=d, channel_id="ch_c", campaign_id="", ad_id="", cost=200.0 if d == D(2026, 11, 11) else 40.0)
            for d in _days(D(2026, 10, 14), D(2026, 11, 11))]
    with loaded.begin() as conn:
        conn.execute(sa.insert(schema.channels), [dict(channel_id="ch_c", name="Gamma", kind="email")])
        conn.execute(sa.insert(schema.spend), rows)
    spikes = [a for a in standup.build(loaded, AS_OF).alerts if a.kind == "spend"]
    assert [(a.scope_type, a.scope_id) for a in spikes] == [("campaign", "c1"), ("channel", "ch_c")]
    assert spikes[1].severity == pytest.approx(160 / 150) and spikes[1].campaign_id == ""


def test_stale_data_shows_no_value_and_paces_on_the_data(loaded: Engine) -> None:
    s = standup.build(loaded, D(2026, 11, 20))  # yesterday 19 Nov; the data ends on 11 Nov
    assert s.stale_days == 8 and s.freshness.data_as_of == D(2026, 11, 11)
    leads = s.card("leads")
    assert leads.yesterday is None and leads.wtd is None and leads.day_before is None  # the week starts 16 Nov
    assert leads.mtd == 8 and leads.last_week is None  # 12 Nov is after the data too
    assert leads.projected == pytest.approx(8 * 30 / 11)  # paced as of the last day with data
    assert [a.kind for a in s.alerts] == ["pace"]  # no lead this week, no spend yesterday


def test_empty_database(engine: Engine) -> None:
    s = standup.build(engine, AS_OF)
    assert not s.has_data and s.stale_days is None and s.alerts == ()
    for c in s.cards:
        assert (c.yesterday, c.wtd, c.mtd, c.status, c.projected) == (None, None, None, None, None)
        assert set(c.trend) == {None}
    assert s.freshness.last_upload_at is None


def test_every_standup_string_in_both_languages() -> None:
    strings = {k: v for k, v in catalog().items() if k.startswith("standup_")}
    assert len(strings) > 50
    for key, entry in strings.items():
        en, zh = entry.get("en", ""), entry.get("zh", "")
        assert en.strip() and zh.strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (en, zh)]
        assert fields[0] == fields[1], key
        assert re.search(r"[\u3000-\u9fff\uff00-\uffef]", zh), key  # Chinese text or full-width punctuation
    for kind in standup.KINDS:  # every alert kind has a title and a sentence
        assert f"standup_alert_{kind}_title" in strings and f"standup_alert_{kind}_text" in strings


def test_formatting() -> None:
    # The standup formats with kpi_engine.fmt (one rule: money 2 decimals below ¥100, percents one decimal).
    assert fmt.value(None, "count") == fmt.value(float("nan"), "ratio") == "—"
    # a whole count is whole, a fractional one (a pro-rated target, an average) keeps one decimal
    assert (fmt.value(1234.0, "count"), fmt.value(1234.4, "count"), fmt.value(0.8125, "ratio")) == (
        "1,234", "1,234.4", "81.3%")
    assert (fmt.value(12345.6, "money"), fmt.value(55.25, "money")) == ("¥12,346", "¥55.25")
    assert fmt.change(fmt.relative(20, 33)) == "-39.4%" and fmt.relative(5, 0) is None


def test_changes_of_rates_are_in_points(loaded: Engine) -> None:
    # SLA yesterday 50% (1 of 2), the day before 0% (0 of 1), the same day last week 100%: +50 pp and -50 pp,
    # never a percent change (which would be undefined against 0%).
    changes = {ch.metric: ch for ch in standup.build(loaded, AS_OF).changes()}
    sla = changes["response_sla"]
    assert (sla.vs_day_before, sla.vs_last_week) == pytest.approx((0.5, -0.5))
    assert (fmt.points(sla.vs_day_before, "en"), fmt.points(sla.vs_last_week, "zh")) == ("+50.0 pp", "-50.0 个百分点")
    assert changes["cpl"].vs_day_before == pytest.approx(175 / 150 - 1)  # money: a relative change


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Los_Angeles"])
def test_what_is_written_is_stamped_in_the_stores_time_zone(engine: Engine, zone: str) -> None:
    """The setting ``timezone`` decides every stamp written to the store: the board's "last upload" and
    "data changed", the settings history, review notes (they once used the server's or the default zone)."""
    from zoneinfo import ZoneInfo

    from kpi_engine.ingest.pipeline import ingest
    from kpi_engine.reviews.notes import add_note, notes_for
    from kpi_engine.settings_store import set_setting, setting_history

    def now() -> dt.datetime:
        return dt.datetime.now(ZoneInfo(zone)).replace(tzinfo=None)

    assert set_setting(engine, "timezone", zone)
    before = now().replace(microsecond=0)
    assert ingest(engine, b"channel_id,name,kind\nch_z,Zeta,paid\n", "channels.csv", table="channels").ok
    add_note(engine, period="2026-11", cause="stamp check", created_by="ann")
    assert set_setting(engine, "currency_symbol", "$")
    after = now()
    f = standup.build(engine, AS_OF).freshness
    stamps = [f.last_upload_at, f.changed_at, notes_for(engine, "2026-11")["created_at"].iloc[0],
              setting_history(engine, "currency_symbol")["changed_at"].iloc[0]]
    for stamp in stamps:
        assert stamp is not None and before <= stamp <= after, (stamp, before, after)
