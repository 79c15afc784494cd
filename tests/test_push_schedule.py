"""The schedule on a fake clock (computed fire times, the job run with a fixed now; no sleeping), and a whole
morning: files dropped overnight are imported, the 09:00 digest reaches a local Feishu-style server with a valid
signature and a PNG, an alert fires once and is acknowledged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from kpi_engine import demo, schema, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.push import alerts, destinations, rules, schedule
from kpi_engine.push.config import push_config
from kpi_engine.push.delivery import Retry, recent_sends
from kpi_engine.push.destinations import Destination
from tests.push_servers import Feishu, running

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def test_fire_times_are_in_the_business_time_zone() -> None:
    cfg = push_config(push_at="09:00")
    # 2026-10-18 23:30 UTC is already Monday 07:30 in Shanghai: the next runs are that Monday at 09:00 CST
    runs = schedule.next_runs(cfg, SHANGHAI, dt.datetime(2026, 10, 18, 23, 30, tzinfo=UTC), count=6)
    first = dt.datetime(2026, 10, 19, 9, 0, tzinfo=SHANGHAI)
    assert runs[:3] == [(first, "standup"), (first, "alerts"), (first, "weekly")]
    assert runs[0][0].astimezone(UTC) == dt.datetime(2026, 10, 19, 1, 0, tzinfo=UTC)
    assert [k for _, k in runs[3:]] == ["standup", "alerts", "standup"]
    monthly = [w for w, k in schedule.next_runs(cfg, SHANGHAI, dt.datetime(2026, 10, 19, tzinfo=UTC), 80)
               if k == "monthly"]
    assert monthly[0] == dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    later = push_config(push_at="07:45", push_weekly_day="fri", push_monthly_day=3)
    runs = schedule.next_runs(later, SHANGHAI, dt.datetime(2026, 10, 19, 1, 0, tzinfo=UTC), 40)
    assert runs[0] == (dt.datetime(2026, 10, 20, 7, 45, tzinfo=SHANGHAI), "standup")
    assert next(w for w, k in runs if k == "weekly") == dt.datetime(2026, 10, 23, 7, 45, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="HH:MM"):
        push_config(push_at="9am")


def test_the_scheduler_registers_four_cron_jobs(duck_engine) -> None:
    sched = schedule.build_scheduler(str(duck_engine.url), push_config(), BackgroundScheduler())
    jobs = {j.id: j for j in sched.get_jobs()}
    assert set(jobs) == {"push-standup", "push-alerts", "push-weekly", "push-monthly"}
    assert str(jobs["push-weekly"].trigger.timezone) == "Asia/Shanghai"
    assert jobs["push-standup"].func is schedule.run_scheduled and jobs["push-standup"].args[1] == "standup"


@pytest.fixture(scope="module")
def morning_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('morning') / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=2, end=dt.date(2026, 10, 19))
    activate_demo_plans(engine, dt.date(2026, 10, 19))
    yield url
    store.dispose_engine(url)


def _overnight_file(inbox: Path) -> None:
    inbox.mkdir()
    (inbox / "crm_2026-10-19.csv").write_text(
        "lead_id,created_at,channel_id\nNIGHT-1,2026-10-19 21:10,website\nNIGHT-2,2026-10-19 22:40,website\n",
        encoding="utf-8")


def test_a_whole_morning(morning_url, tmp_path) -> None:
    from kpi_engine.arrivals.inbox import InboxOptions, process_once

    engine = store.get_engine(morning_url)
    rules.save(engine, rules.Rule("wins-pace", "behind_pace", "wins", "team", 0.2))
    waits: list[float] = []
    retry = Retry(attempts=3, base=0.5, sleep=waits.append)
    with running(Feishu("feishu-sign", app_id="cli_x", app_secret="app-secret")) as server:
        destinations.save(engine, Destination(
            "team-group", "feishu", server.hook, {"sign": "feishu-sign", "app_secret": "app-secret"}, lang="zh",
            kinds=("standup", "alerts", "inbox"), options={"app_id": "cli_x", "api_base": server.url}))
        # overnight: a file dropped in the inbox is imported and its result sent as a message
        inbox = tmp_path / "inbox"
        _overnight_file(inbox)
        arrived = process_once(engine, inbox, options=InboxOptions(settle=0.0), sleep=lambda s: None)
        assert len(arrived) == 1
        with engine.connect() as conn:
            night = conn.execute(sa.select(schema.leads.c.lead_id).where(schema.leads.c.lead_id.like("NIGHT-%"))
                                 .order_by(schema.leads.c.lead_id)).scalars().all()
        assert night == ["NIGHT-1", "NIGHT-2"]
        assert (inbox / "done" / "crm_2026-10-19.csv").exists()
        posts = [s for s in server.wait_for(1) if s.path.startswith("/open-apis/bot/")]
        assert len(posts) == 1 and posts[0].answer["code"] == 0
        # the fake clock: 09:00 in Shanghai on Tuesday 2026-10-20 is 01:00 UTC
        now = dt.datetime(2026, 10, 20, 0, 59, tzinfo=UTC)
        due = [(w, k) for w, k in schedule.next_runs(push_config(), SHANGHAI, now, 4) if w == now.replace(minute=0)
               + dt.timedelta(hours=1)]
        assert [k for _, k in due] == ["standup", "alerts"]
        for when, kind in due:
            outcomes = schedule.run_scheduled(morning_url, kind, now=when, retry=retry)
            assert [o.status for o in outcomes] == ["sent"], outcomes
        # a restart at 09:05 runs the missed jobs again: nothing is sent twice
        for _, kind in due:
            again = schedule.run_scheduled(morning_url, kind, now=now + dt.timedelta(minutes=6), retry=retry)
            assert all(o.status == "skipped" for o in again)
        hooks = [s for s in server.seen if s.path.startswith("/open-apis/bot/")]
    assert len(hooks) == 3 and waits == []  # inbox message, digest, alerts
    digest, alert = hooks[1].json(), hooks[2].json()
    for body in (digest, alert):
        assert body["sign"] == Feishu.expected_sign(body["timestamp"], "feishu-sign")
    post = digest["content"]["post"]["zh_cn"]
    assert post["title"] == "站会 2026-10-20 · 数据截至 2026-10-19"
    texts = [cell.get("text", "") for row in post["content"] for cell in row]
    assert any(x.startswith("线索数：昨天 ") for x in texts) and any("新客户数（赢单）" in x for x in texts)
    image_keys = [cell["image_key"] for row in post["content"] for cell in row if cell["tag"] == "img"]
    assert len(image_keys) == 1 and server.images[image_keys[0]].startswith(b"\x89PNG")
    link = post["content"][-1][0]
    assert link["href"] == "http://localhost:8501/standup?asof=2026-10-20&lang=zh"
    alert_post = alert["content"]["post"]["zh_cn"]
    assert alert_post["title"].startswith("1 条新提醒")
    assert "新客户数（赢单）进度落后" in alert_post["content"][0][0]["text"]
    log = alerts.events(engine)
    assert list(log["status"]) == ["sent"]
    assert alerts.acknowledge(engine, log["alert_key"].iloc[0], "marketing lead")
    assert list(alerts.events(engine)["status"]) == ["acknowledged"]
    assert set(recent_sends(engine)["status"]) == {"sent"}
