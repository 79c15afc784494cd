"""Delivery you can rely on: bounded exponential backoff, every attempt logged, and never the same send twice."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.push import destinations
from kpi_engine.push.delivery import Retry, attempts_log, deliver, recent_sends, send_key, send_message
from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message
from tests.push_servers import DingTalk, Feishu, running


class Waits(list):
    """Records the backoff waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _msg(lang: str) -> Message:
    return Message("standup", "2026-10-20", f"Standup ({lang})", ("Leads: 624",), lang=lang)


def test_a_server_that_fails_twice_then_succeeds(duck_engine) -> None:
    waits = Waits()
    with running(Feishu("sig", fail_first=2)) as server:
        destinations.save(duck_engine, Destination("fs", "feishu", server.hook, {"sign": "sig"}, lang="zh"))
        (out,) = deliver(duck_engine, _msg, kind="standup", period="2026-10-20",
                         retry=Retry(attempts=4, base=2.0, sleep=waits))
        seen = server.wait_for(3)
    assert (out.status, out.attempts) == ("sent", 3)
    assert waits == [2.0, 4.0]  # doubling
    assert [s.answer.get("code") for s in seen] == [None, None, 0]
    log = attempts_log(duck_engine).sort_values("attempt")
    assert list(log["ok"]) == [False, False, True] and list(log["detail"])[:2] == ["HTTP 503 Service Unavailable"] * 2
    sends = recent_sends(duck_engine)
    assert list(sends["status"]) == ["sent"] and list(sends["title"]) == ["Standup (zh)"]


def test_retries_are_bounded_and_the_failure_is_visible_then_retried_next_run(duck_engine) -> None:
    waits = Waits()
    with running(DingTalk("s", fail_first=10)) as server:
        destinations.save(duck_engine, Destination("dd", "dingtalk", server.hook, {"sign": "s"}, lang="en"))
        retry = Retry(attempts=3, base=1.0, cap=1.5, sleep=waits)
        (out,) = deliver(duck_engine, _msg, kind="standup", period="p1", retry=retry)
        assert (out.status, out.attempts, waits) == ("failed", 3, [1.0, 1.5])  # capped
        assert server.wait_for(3) and len(server.seen) == 3
        row = recent_sends(duck_engine).iloc[0]
        assert row["status"] == "failed" and row["error"] == "HTTP 503 Service Unavailable"
        server.fail_first = 0
        (again,) = deliver(duck_engine, _msg, kind="standup", period="p1", retry=retry)  # a failed key is retried
        assert again.status == "sent" and len(server.accepted()) == 1


def test_a_restart_never_sends_twice(duck_engine) -> None:
    with running(Feishu("sig")) as server:
        destinations.save(duck_engine, Destination("fs", "feishu", server.hook, {"sign": "sig"}))
        first = deliver(duck_engine, _msg, kind="standup", period="2026-10-20")
        second = deliver(duck_engine, _msg, kind="standup", period="2026-10-20")  # the process came back
        other_day = deliver(duck_engine, _msg, kind="standup", period="2026-10-21")
        assert server.wait_for(2) and len(server.seen) == 2
        assert [o.status for o in first + second + other_day] == ["sent", "skipped", "sent"]
        assert second[0].previous == "sent"
        # a send interrupted mid-way (status left "sending") may have arrived: not sent again without --force
        key = send_key("standup", "2026-10-22", "fs")
        with duck_engine.begin() as conn:
            conn.execute(sa.insert(schema.push_sends).values(send_key=key, kind="standup", period="2026-10-22",
                                                             destination="fs", status="sending", attempts=1,
                                                             started_at=sa.func.now()))
        (stuck,) = deliver(duck_engine, _msg, kind="standup", period="2026-10-22")
        assert (stuck.status, stuck.previous) == ("skipped", "sending") and len(server.seen) == 2
        (forced,) = deliver(duck_engine, _msg, kind="standup", period="2026-10-22", force=True)
        assert forced.status == "sent" and server.wait_for(3)


def test_two_processes_racing_for_one_send_send_once(duck_engine) -> None:
    with running(Feishu("sig")) as server:
        destinations.save(duck_engine, Destination("fs", "feishu", server.hook, {"sign": "sig"}))
        results: list = []
        start = threading.Barrier(2)

        def go() -> None:
            start.wait()
            # two threads opening one DuckDB file at the same instant (the dashboard's sessions do) can meet
            # DuckDB's file-handle conflict: the store waits it out, so neither thread fails
            results.extend(deliver(duck_engine, _msg, kind="standup", period="race"))

        threads = [threading.Thread(target=go) for _ in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        server.wait_for(1)
    assert sorted(o.status for o in results) == ["sent", "skipped"] and len(server.seen) == 1


def test_send_message_per_language_and_subscriptions(duck_engine) -> None:
    with running(DingTalk("a")) as zh_bot, running(Feishu("b")) as en_bot:
        destinations.save(duck_engine, Destination("zh", "dingtalk", zh_bot.hook, {"sign": "a"}, lang="zh",
                                                   kinds=("inbox",)))
        destinations.save(duck_engine, Destination("en", "feishu", en_bot.hook, {"sign": "b"}, lang="en",
                                                   kinds=("inbox", "standup")))
        destinations.save(duck_engine, Destination("daily", "feishu", en_bot.hook, {"sign": "b"}, kinds=("standup",)))
        title = {"en": "leads.csv loaded", "zh": "leads.csv 已导入"}
        lines = {"en": ["3 rows loaded"], "zh": ["已导入 3 行"]}
        outs = send_message(duck_engine, title, lines, period="sha-1")
        repeat = send_message(duck_engine, title, lines, period="sha-1")
        zh, en = zh_bot.wait_for(1)[0].json(), en_bot.wait_for(1)[0].json()
    assert sorted(o.destination for o in outs) == ["en", "zh"]  # "daily" does not receive inbox messages
    assert [o.status for o in repeat] == ["skipped", "skipped"]
    assert zh["markdown"]["title"] == "leads.csv 已导入" and "已导入 3 行" in zh["markdown"]["text"]
    assert en["content"]["post"]["en_us"]["content"] == [[{"tag": "text", "text": "3 rows loaded"}]]


def test_a_digest_that_cannot_be_composed_is_logged_as_failed(duck_engine) -> None:
    destinations.save(duck_engine, Destination("fs", "feishu", "http://127.0.0.1:9/hook"))

    def broken(lang: str) -> Message:
        raise ValueError("no plan")

    (out,) = deliver(duck_engine, broken, kind="standup", period="x")
    assert out.status == "failed" and "no plan" in out.error
    assert recent_sends(duck_engine).iloc[0]["status"] == "failed"
