"""The ``ingest``, ``uploads`` and ``undo`` commands: through a real subprocess and through ``main(argv)``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_engine import store
from kpi_engine.__main__ import main
from kpi_engine.cli.ingest import parse_pairs
from tests import ingest_db as db
from tests.terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent

GOOD = "线索编号,创建时间,渠道,负责人,预计金额\r\nC1,2026-03-01 10:00,douyin_video,p_ann,1200\r\nC2,2026/3/2,,Carol,300\r\n"
BAD = "lead_id,created_at,channel_id,expected_value\nB1,2026-03-01,web,1\nB2,someday,web,2\nB3,2026-03-03,web,-5\n"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KPI_USER": "cron"}
    return subprocess.run([sys.executable, "-m", "kpi_engine", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "crm_leads.csv"
    good.write_bytes(GOOD.encode("utf-8-sig"))
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    return {"good": good, "bad": bad}


def db_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'cli.duckdb'}"


def test_a_terminal_sees_each_stage_a_pipe_only_the_summary(tmp_path: Path, files: dict[str, Path],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A big file is not silence: on a terminal each stage is said as it starts, with the seconds so far, on stderr
    (stdout keeps the summary); a pipe or cron job gets the summary alone."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["ingest", str(files["good"]), "--db", db_url(tmp_path), "--lang", "zh"]) == 0
    lines = terminal.getvalue().splitlines()
    assert all(re.match(r"^ *\d+\.\d s  ", line) for line in lines), lines  # the seconds so far, then the stage
    assert [re.sub(r"^ *\d+\.\d s  ", "", line) for line in lines] == [
        "正在读取文件…", "正在对应字段…", "正在检查每一行…", "正在写入数据库…", "完成"]
    assert "已导入上传 #1" in capsys.readouterr().out
    out = run_cli("ingest", str(files["good"]), "--db", db_url(tmp_path))  # stderr is a pipe here
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_subprocess_ingest_uploads_undo(tmp_path: Path, files: dict[str, Path]) -> None:
    url = db_url(tmp_path)
    out = run_cli("ingest", str(files["good"]), "--db", url)
    assert out.returncode == 0, out.stderr
    assert "Loaded upload #1 into leads." in out.stdout
    assert "rows read 2 · inserted 2 · updated 0 · rejected 0 · warnings 1" in out.stdout
    assert "Created people (marked for review): Carol" in out.stdout
    assert "The channel is blank" in out.stdout

    out = run_cli("ingest", str(files["bad"]), "--db", url, "--format", "json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert {"upload_id", "table", "rows_read", "inserted", "updated", "rejected", "warnings", "errors"} <= set(doc)
    assert (doc["upload_id"], doc["table"], doc["rows_read"], doc["inserted"], doc["rejected"]) == (None, "leads", 3, 0, 2)
    assert [(e["row"], e["column"], e["value"]) for e in doc["errors"]] == [(3, "created_at", "someday"), (4, "expected_value", "-5")]
    assert doc["errors"][1]["reason"] == "expected_value must be a number ≥ 0 (row 4: '-5')."

    out = run_cli("ingest", str(files["bad"]), "--db", url, "--on-error", "skip", "--format", "json")
    assert out.returncode == 0
    doc = json.loads(out.stdout)
    assert (doc["upload_id"], doc["inserted"], doc["rejected"]) == (2, 1, 2)

    out = run_cli("uploads", "--db", url, "--format", "json")
    assert out.returncode == 0
    listed = json.loads(out.stdout)
    assert [(u["upload_id"], u["file"], u["table"], u["rows_read"], u["inserted"], u["updated"], u["rejected"], u["undone"])
            for u in listed] == [(2, "bad.csv", "leads", 3, 1, 0, 2, False), (1, "crm_leads.csv", "leads", 2, 2, 0, 0, False)]
    assert listed[0]["uploaded_at"][:2] == "20" and "T" in listed[0]["uploaded_at"] and listed[0]["uploaded_by"] == "cron"

    out = run_cli("undo", "2", "--db", url)
    assert out.returncode == 0 and "Undid upload #2" in out.stdout
    out = run_cli("undo", "2", "--db", url)
    assert out.returncode == 1 and "already undone" in out.stderr
    out = run_cli("uploads", "--db", url)
    assert out.returncode == 0 and "bad.csv" in out.stdout and "yes" in out.stdout


def test_subprocess_usage_errors_exit_2(tmp_path: Path, files: dict[str, Path]) -> None:
    url = db_url(tmp_path)
    assert run_cli("ingest", str(tmp_path / "missing.csv"), "--db", url).returncode == 2
    assert run_cli("ingest", str(files["good"]), "--db", url, "--table", "nonsense").returncode == 2
    out = run_cli("ingest", str(files["good"]), "--db", url, "--map", "lead_id")
    assert out.returncode == 2 and "CANONICAL=VALUE" in out.stderr
    out = run_cli("ingest", str(files["good"]), "--db", url, "--map", "lead_id=No Such Header")
    assert out.returncode == 2 and "No Such Header" in out.stderr
    assert run_cli("undo", "x", "--db", url).returncode == 2


def test_main_map_set_and_chinese_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = db_url(tmp_path)
    data = tmp_path / "ads.csv"
    data.write_text("Campaign,Ad,Amount spent (CNY),Impr.\nK1,A1,\"1,200.5\",1000\nK1,A2,-3,10\n", encoding="utf-8")
    code = main(["ingest", str(data), "--db", url, "--table", "spend", "--map", "campaign_id=Campaign,ad_id=Ad",
                 "--set", "date=2026-02-01", "--set", "channel_id=meta_ads", "--on-error", "skip", "--lang", "zh"])
    out = capsys.readouterr().out
    assert code == 0
    assert "已导入上传 #1（数据表 spend）。" in out and "读取 2 行 · 新增 1 · 更新 0 · 拒绝 1" in out
    assert "cost (Amount spent (CNY)) 必须是不小于 0 的数字（第 3 行：'-3'）。" in out
    rows = db.rows_where(store.get_engine(url), "spend", {"ad_id": "A1"})
    assert [(r["date"].isoformat(), r["channel_id"], r["campaign_id"], r["cost"], r["impressions"]) for r in rows] == [
        ("2026-02-01", "meta_ads", "K1", 1200.5, 1000.0)]


def test_main_dry_run_and_json(tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    url = db_url(tmp_path)
    assert main(["ingest", str(files["good"]), "--db", url, "--dry-run", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["status"], doc["upload_id"], doc["table"], doc["inserted"]) == ("dry_run", None, "leads", 0)
    assert main(["ingest", str(files["bad"]), "--db", url, "--dry-run"]) == 1
    assert "Dry run" in capsys.readouterr().out
    assert main(["uploads", "--db", url, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["undo", "1", "--db", url, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["code"] == "ingest_undo_unknown"


def test_main_one_header_feeds_two_columns_and_abort_shows_first_rows(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = db_url(tmp_path)
    data = tmp_path / "people.csv"
    data.write_text("Staff\nann\nbo\n", encoding="utf-8")
    assert main(["ingest", str(data), "--db", url, "--table", "people", "--map", "person_id=Staff", "--map", "name=Staff"]) == 0
    assert [r["name"] for r in db.rows_where(store.get_engine(url), "people", {"person_id": "bo"})] == ["bo"]
    capsys.readouterr()
    many = tmp_path / "many.csv"
    many.write_text("lead_id,created_at,channel_id\n" + "".join(f"M{i},bad{i},web\n" for i in range(30)), encoding="utf-8")
    assert main(["ingest", str(many), "--db", url]) == 1
    out = capsys.readouterr().out
    assert "Rejected rows (first 20 of 30 problems):" in out
    assert "bad19" in out and "bad20" not in out


def test_parse_pairs() -> None:
    assert parse_pairs(["lead_id=ID", "created_at=Date, time"]) == {"lead_id": "ID", "created_at": "Date, time"}
    assert parse_pairs(["lead_id=ID,created_at=Created"]) == {"lead_id": "ID", "created_at": "Created"}
    assert parse_pairs(["name=Smith, J=r"]) == {"name": "Smith, J=r"}  # "J" is not a column: one header
    assert parse_pairs(["cost=", "cost=花费"]) == {"cost": "花费"}
    with pytest.raises(ValueError):
        parse_pairs(["=x"])
