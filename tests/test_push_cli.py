"""``push`` and ``schedule`` on the command line: destinations without secrets in the output, test, rules, --now."""

from __future__ import annotations

from kpi_engine.__main__ import main
from kpi_engine.push.delivery import recent_sends
from tests.push_servers import Feishu, running


def test_destinations_rules_and_push_now(duck_engine, capsys, monkeypatch) -> None:
    db = ["--db", str(duck_engine.url)]
    with running(Feishu("cli-secret-1")) as server:
        monkeypatch.setenv("FS_SECRET", "cli-secret-1")
        assert main(["push", "dest", "add", "group", "--kind", "feishu", "--url", server.hook, "--secret-env",
                     "FS_SECRET", "--lang", "en", "--receives", "standup,alerts", *db]) == 0
        assert main(["push", "dest", "list", *db]) == 0
        assert main(["push", "dest", "test", "group", *db]) == 0
        body = server.wait_for(1)[0].json()
    out = capsys.readouterr().out
    assert "cli-secret-1" not in out and "7f1c-test" not in out and f"{server.url}/…" in out
    assert "test -> group: sent" in out
    assert body["sign"] == Feishu.expected_sign(body["timestamp"], "cli-secret-1")
    assert body["content"]["post"]["en_us"]["title"] == "Test message from the KPI dashboard"
    assert main(["push", "--now", "--kind", "weekly", *db]) == 0  # nobody receives weekly
    assert "nothing to send" in capsys.readouterr().out
    assert main(["push", "rule", "add", "drop", "--kind", "rate_drop", "--metric", "leads", *db]) == 2
    assert "needs a ratio metric" in capsys.readouterr().err
    assert main(["push", "rule", "add", "drop", "--kind", "rate_drop", "--metric", "lead_to_mql", *db]) == 0
    assert main(["push", "alerts", "mute", "drop", "--until", "2026-12-31", *db]) == 0
    assert "muted drop through 2026-12-31" in capsys.readouterr().out
    assert list(recent_sends(duck_engine)["kind"]) == ["test"]
    assert main(["push", "dest", "add", "x", "--kind", "feishu", "--url-env", "NOT_SET_ANYWHERE", *db]) == 2


def test_schedule_prints_the_next_runs(duck_engine, capsys) -> None:
    assert main(["schedule", "--at", "08:30", "--next", "3", "--db", str(duck_engine.url)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all(" 08:30 CST\t" in line for line in lines)
    assert main(["schedule", "--at", "25:00", "--next", "1", "--db", str(duck_engine.url)]) == 2


def test_the_schedule_command_runs_until_sigterm_and_stops_cleanly(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "kpi_engine", "schedule", "--db", f"duckdb:///{tmp_path / 's.duckdb'}"],
                            cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(7)]
        assert " 09:00 CST\tstandup" in lines[0] and lines[-1].startswith("push scheduler running (Asia/Shanghai)")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "push scheduler stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
