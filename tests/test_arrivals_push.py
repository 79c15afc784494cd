"""The inbox's results go out through the push package: a local Feishu-style server receives them, signed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kpi_engine.__main__ import main
from kpi_engine.push import destinations
from kpi_engine.push.delivery import recent_sends
from kpi_engine.push.destinations import Destination
from tests.push_servers import Feishu, running

GOOD = "lead_id,created_at,channel_id\nP1,2026-06-01,web\n"
BAD = "lead_id,created_at,channel_id\nP2,never,web\n"


def _post_text(body: dict, lang_key: str) -> tuple[str, str]:
    post = body["content"]["post"][lang_key]
    return post["title"], "\n".join(piece.get("text", "") for line in post["content"] for piece in line)


def test_inbox_results_are_sent_to_the_destinations_receiving_inbox(duck_engine: Engine, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a_good.csv").write_text(GOOD, encoding="utf-8")
    with running(Feishu("inbox-s3cret")) as server:
        destinations.save(duck_engine, Destination("ops", "feishu", server.hook, {"sign": "inbox-s3cret"}, lang="zh",
                                                   kinds=("inbox",)))
        destinations.save(duck_engine, Destination("board", "feishu", server.hook, {"sign": "inbox-s3cret"}, lang="en",
                                                   kinds=("standup",)))  # does not receive inbox results
        assert main(["inbox", "--dir", str(inbox), "--once", "--db", str(duck_engine.url), "--settle", "0.05"]) == 0
        (inbox / "b_bad.csv").write_text(BAD, encoding="utf-8")
        assert main(["inbox", "--dir", str(inbox), "--once", "--db", str(duck_engine.url), "--settle", "0.05"]) == 1
        seen = server.wait_for(2)
    capsys.readouterr()
    assert len(seen) == 2 and len(server.accepted()) == 2  # the server checked each signature
    bodies = [s.json() for s in seen]
    assert all(b["sign"] == Feishu.expected_sign(b["timestamp"], "inbox-s3cret") for b in bodies)
    title, text = _post_text(bodies[0], "zh_cn")
    assert title == "已导入 a_good.csv（数据表 leads）"
    assert "上传 #1：读取 1 行 · 新增 1" in text and "收件箱记录 #1 · 文件已移至 done/a_good.csv" in text
    title, text = _post_text(bodies[1], "zh_cn")
    assert title == "未导入：b_bad.csv" and "第 2 行 · created_at" in text and "failed/b_bad.csv" in text
    sends = recent_sends(duck_engine)
    assert set(sends["destination"]) == {"ops"} and set(sends["status"]) == {"sent"} and set(sends["kind"]) == {"inbox"}
