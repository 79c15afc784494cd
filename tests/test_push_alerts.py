"""Alert rules on real databases with known anomalies; each alert logged once, sent once, acknowledged or muted."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.push import alerts, destinations, rules
from kpi_engine.push.delivery import Retry
from kpi_engine.push.destinations import Destination
from tests.push_servers import WeCom, running

AS_OF = dt.date(2026, 10, 20)  # the morning; the data day is Monday 2026-10-19
DAY = dt.date(2026, 10, 19)
FAST = Retry(attempts=2, base=0.0, sleep=lambda s: None)


def _load(engine) -> None:
    """Channel a: 10 leads a day, 3 MQL (4 on odd days) — 0 MQLs on the data day (a rate drop).
    Channel b: 10 leads a day, 3 MQL every day (steady). Channel c: 2 leads every day, none on the data day.
    Channel d: a lead every fifth day only (not "most days"), none on the data day."""
    leads, n = [], 0
    for back in range(0, 70):
        day = DAY - dt.timedelta(days=back)
        plan = {"a": (10, 0 if back == 0 else 3 + back % 2), "b": (10, 3), "c": (0 if back == 0 else 2, 0),
                "d": (1 if back % 5 == 3 else 0, 0)}
        for ch, (count, mqls) in plan.items():
            for i in range(count):
                n += 1
                at = dt.datetime.combine(day, dt.time(10, i))
                leads.append({"lead_id": f"L{n}", "created_at": at, "channel_id": ch,
                              "mql_at": at + dt.timedelta(hours=1) if i < mqls else None})
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": c, "name": f"Channel {c.upper()}"} for c in "abcd"])
        conn.execute(sa.insert(schema.leads), leads)


@pytest.fixture
def loaded(engine):
    _load(engine)
    return engine


def test_leads_zero_and_rate_drop_find_exactly_the_planted_anomalies(loaded) -> None:
    rules.save(loaded, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    rules.save(loaded, rules.Rule("mql-drop", "rate_drop", "lead_to_mql", "channel"))
    rules.save(loaded, rules.Rule("mql-drop-team", "rate_drop", "lead_to_mql", "team"))
    found = rules.evaluate(loaded, rules.load(loaded), AS_OF)
    by_rule = {(f.rule_id, f.scope_id) for f in found}
    assert by_rule == {("quiet", "c"), ("mql-drop", "a"), ("mql-drop-team", "")}
    quiet = next(f for f in found if f.rule_id == "quiet")
    assert quiet.text_en == "Channel C had no leads yesterday, after leads on 28 of the 28 days before."
    assert "Channel C" in quiet.text_zh and "c" not in quiet.text_zh.replace("Channel C", "")
    drop = next(f for f in found if f.rule_id == "mql-drop")
    assert drop.value == 0.0 and drop.day == DAY and drop.key == "mql-drop|channel:a|2026-10-19"
    # Mondays of channel a: 0.3 or 0.4 alternating weeks -> median 0.35, robust z very negative; text by name
    assert "Channel A" in drop.text_en and "Monday" in drop.text_en and "35.0%" in drop.text_en
    team = next(f for f in found if f.rule_id == "mql-drop-team")
    assert team.value == pytest.approx(3 / 20)  # MQLs a 0 + b 3, over leads a 10 + b 10 (c and d had none)

def test_alerts_are_logged_once_sent_once_and_acknowledged(loaded) -> None:
    rules.save(loaded, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    with running(WeCom()) as server:
        destinations.save(loaded, Destination("wc", "wecom", server.hook, lang="en", kinds=("alerts",)))
        first = alerts.run_alerts(loaded, AS_OF, retry=FAST)
        again = alerts.run_alerts(loaded, AS_OF, retry=FAST)  # the job runs twice (a restart): nothing new
        seen = server.wait_for(1)
    assert [o.status for o in first] == ["sent"] and again == []
    assert len(seen) == 1
    content = seen[0].json()["markdown"]["content"]
    assert "1 new alert(s)" in content and "Channel C had no leads yesterday" in content
    log = alerts.events(loaded)
    assert list(log["status"]) == ["sent"] and list(log["alert_key"]) == ["quiet|channel:c|2026-10-19"]
    assert alerts.acknowledge(loaded, "quiet|channel:c|2026-10-19", "lead")
    assert not alerts.acknowledge(loaded, "quiet|channel:c|2026-10-19", "lead")  # once
    log = alerts.events(loaded)
    assert list(log["status"]) == ["acknowledged"] and list(log["acknowledged_by"]) == ["lead"]


def test_acknowledged_before_sending_is_never_sent(loaded) -> None:
    rules.save(loaded, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    assert alerts.raise_alerts(loaded, AS_OF) == ["quiet|channel:c|2026-10-19"]
    assert alerts.raise_alerts(loaded, AS_OF) == []  # deduplicated by key
    alerts.acknowledge(loaded, "quiet|channel:c|2026-10-19")
    with running(WeCom()) as server:
        destinations.save(loaded, Destination("wc", "wecom", server.hook, lang="en", kinds=("alerts",)))
        assert alerts.run_alerts(loaded, AS_OF, retry=FAST) == []
    assert server.seen == []


def test_a_mute_logs_but_does_not_send_until_its_date(loaded) -> None:
    rules.save(loaded, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    alerts.mute(loaded, "quiet", until=DAY, scope="channel:c", user="lead")
    with running(WeCom()) as server:
        destinations.save(loaded, Destination("wc", "wecom", server.hook, lang="zh", kinds=("alerts",)))
        assert alerts.run_alerts(loaded, AS_OF, retry=FAST) == []
        assert list(alerts.events(loaded)["status"]) == ["muted"]
        # the next day the mute has ended: the same condition on the new data day is sent
        with loaded.begin() as conn:
            conn.execute(sa.insert(schema.leads), [{"lead_id": f"N{i}", "channel_id": "a",
                                                   "created_at": dt.datetime(2026, 10, 20, 11, i)} for i in range(10)])
        out = alerts.run_alerts(loaded, AS_OF + dt.timedelta(days=1), retry=FAST)
        seen = server.wait_for(1)
    assert [o.status for o in out] == ["sent"]
    assert "Channel C 昨天没有线索" in seen[0].json()["markdown"]["content"]
    statuses = dict(zip(alerts.events(loaded)["day"], alerts.events(loaded)["status"], strict=True))
    assert statuses == {DAY: "muted", DAY + dt.timedelta(days=1): "sent"}
    assert alerts.unmute(loaded, "quiet", "channel:c") and alerts.mutes(loaded).empty


def test_rule_checks_name_the_fix(duck_engine) -> None:
    with pytest.raises(ValueError, match="ratio metric"):
        rules.save(duck_engine, rules.Rule("x", "rate_drop", "leads"))
    with pytest.raises(ValueError, match="over_budget"):
        rules.save(duck_engine, rules.Rule("x", "behind_pace", "spend"))
    assert rules.check(rules.Rule("Bad Id", "leads_zero")) == [
        "rule id 'Bad Id': use 1 to 48 lower-case letters, digits, '_' or '-'",
        "leads_zero watches channels: use --scope channel"]
