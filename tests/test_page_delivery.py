"""The Delivery page on a real DuckDB file: destinations without secrets, failures first, ack and mute."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_engine import schema, store
from kpi_engine.push import alerts, destinations, rules
from kpi_engine.push.delivery import Retry, send_message
from kpi_engine.push.destinations import Destination
from kpi_engine.push.rules import Found
from tests.apptest_support import opener
from tests.push_servers import WeCom, running

PAGE = "app_pages/delivery.py"


@pytest.fixture
def url(tmp_path):
    url = f"duckdb:///{tmp_path / 'delivery.duckdb'}"
    yield url
    store.dispose_engine(url)


def test_empty_store_says_how_to_add_a_destination(monkeypatch, url) -> None:
    at = opener(monkeypatch, PAGE)(url)
    assert [t.value for t in at.title] == ["Delivery"]
    assert any("No destination yet" in i.value for i in at.info)
    assert any("push dest add" in c.value for c in at.code)


def test_failures_show_first_secrets_never_and_alerts_can_be_acknowledged(monkeypatch, url) -> None:
    engine = store.get_engine(url)
    with running(WeCom("good-key-1")) as server:
        destinations.save(engine, Destination("ok", "wecom", server.hook, lang="en"))
        destinations.save(engine, Destination("broken", "wecom", server.hook.replace("good-key-1", "secret-key-2"),
                                              lang="en"))
        send_message(engine, "Hello", ["line"], retry=Retry(attempts=1, sleep=lambda s: None))
    rules.save(engine, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    alerts.record(engine, [Found("quiet", "channel", "c", dt.date(2026, 10, 19), 0.0, "Channel C had no leads.",
                                 "渠道 C 没有线索。")])
    at = opener(monkeypatch, PAGE)(url)
    shown = " ".join(str(d.value.to_csv()) for d in at.dataframe)
    assert "secret-key-2" not in shown and "good-key-1" not in shown and f"{server.url}/…" in shown
    assert any("1 send(s) failed" in e.value for e in at.error)
    sends = next(d.value for d in at.dataframe if "Last error" in d.value.columns)
    assert list(sends["Status"]) == ["failed", "sent"] and "93000" in sends["Last error"].iloc[0]
    at.button(key="push_ack").click().run()
    assert not at.exception
    assert list(alerts.events(engine)["status"]) == ["acknowledged"]
    at.button(key="push_mute").click().run()
    assert any("quiet is muted through" in s.value for s in at.success)
    assert len(alerts.mutes(engine)) == 1


def test_mute_list_names_the_scope(monkeypatch, url) -> None:
    engine = store.get_engine(url)
    with store.transaction(engine) as conn:
        conn.execute(schema.channels.insert(), [{"channel_id": "baidu_search", "name": "百度搜索"}])
    rules.save(engine, rules.Rule("quiet", "leads_zero", scope_type="channel"))
    alerts.mute(engine, "quiet", dt.date(2026, 11, 30), scope="channel:baidu_search")
    at = opener(monkeypatch, PAGE)(url)
    muted = next(c.value for c in at.caption if c.value.startswith("Muted:"))
    assert "quiet 百度搜索 → 2026-11-30" in muted and "baidu_search" not in muted  # the name, never the id


def test_in_chinese(monkeypatch, url) -> None:
    at = opener(monkeypatch, PAGE)(url, lang="zh")
    assert [t.value for t in at.title] == ["推送"]
