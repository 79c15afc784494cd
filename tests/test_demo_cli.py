"""The demo from outside: the init-demo command, the sample export files and the demo's KPI plans."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from kpi_engine import demo
from kpi_engine.demo import roster, samples
from tests.terminal import Terminal
from tests.test_demo import END, LATEST, MTD

ROOT = Path(__file__).resolve().parent.parent


# --- command line --------------------------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kpi_engine", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_cli_init_demo(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    out = run_cli("init-demo", "--db", db, "--months", "2", "--seed", "3", "--end", END.isoformat(), "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["skipped"] is False and report["end"] == END.isoformat() and report["seed"] == 3
    assert report["counts"]["leads"] > 1000 and report["counts"]["people"] == 8
    skipped = run_cli("init-demo", "--db", db, "--if-empty", "--format", "json")
    kept = json.loads(skipped.stdout)
    assert skipped.returncode == 0 and kept["skipped"] is True and kept["tables"]["leads"] == report["counts"]["leads"]
    table = run_cli("init-demo", "--db", db, "--months", "1", "--scale", "0.5", "--end", END.isoformat(), "--replace")
    assert table.returncode == 0, table.stderr
    assert "leads" in table.stdout and "xiaohongshu" in table.stdout
    bad = run_cli("init-demo", "--db", db, "--end", "2026-13-01")
    assert bad.returncode != 0 and "not a date" in bad.stderr


def test_init_demo_on_a_terminal_says_each_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Making a big demo takes minutes: on a terminal each stage is said once as it starts, on stderr."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    from kpi_engine.__main__ import main

    assert main(["init-demo", "--db", f"duckdb:///{tmp_path / 't.duckdb'}", "--months", "1", "--end", END.isoformat()]) == 0
    stages = [line.split(" s  ", 1)[1] for line in terminal.getvalue().splitlines()]
    assert stages == ["Creating people, channels and campaigns", "Generating daily ad spend",
                      "Generating leads and their funnel", "Generating customers, orders and NPS answers",
                      "Generating manual metrics and 360 feedback", "Writing to the database", "Demo data ready"]
    assert "Demo data" in capsys.readouterr().out


# --- sample export files -------------------------------------------------------------------------------------------

SAMPLES = ROOT / "data" / "samples"


def test_samples_are_committed_and_reproducible(tmp_path: Path) -> None:
    written = samples.write_samples(tmp_path)
    for path in written:
        committed = SAMPLES / path.name
        if path.suffix == ".csv":
            assert committed.read_bytes() == path.read_bytes(), path.name
        else:
            old = [list(r) for r in openpyxl.load_workbook(committed).active.iter_rows(values_only=True)]
            new = [list(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
            assert old == new


def test_samples_look_like_real_exports() -> None:
    crm_bytes = (SAMPLES / "crm_leads_zh_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        crm_bytes.decode("utf-8")
    assert b"\r\n" in crm_bytes and crm_bytes.count(b"\r\n") == crm_bytes.count(b"\n")
    crm = pd.read_csv(io.BytesIO(crm_bytes), encoding="gbk", dtype=str)
    assert list(crm.columns[:8]) == ["线索编号", "创建时间", "来源渠道", "营销活动", "负责人", "预计金额", "阶段", "成交日期"]
    assert 200 <= len(crm) <= 500 and crm["线索编号"].is_unique
    assert set(crm["负责人"]) <= {p[1] for p in roster.PEOPLE}  # names, not ids
    assert set(crm["来源渠道"].dropna()) <= set(roster.CHANNEL_INDEX) and crm["来源渠道"].isna().sum() == 2
    assert {"赢单", "输单"} <= set(crm["阶段"]) and crm.loc[crm["阶段"] == "赢单", "成交日期"].notna().all()

    spend_bytes = (SAMPLES / "ad_spend_en.csv").read_bytes()
    assert spend_bytes.startswith(b"\xef\xbb\xbf")
    spend = pd.read_csv(io.BytesIO(spend_bytes), encoding="utf-8-sig")
    assert list(spend.columns) == ["Date", "Campaign ID", "Ad ID", "Ad name", "Impressions", "Clicks",
                                   "Amount spent (CNY)", "Conversions"]
    assert spend.groupby(["Date", "Campaign ID"]).size().min() >= 2  # ad-level rows
    assert not spend.duplicated(["Date", "Campaign ID", "Ad ID"]).any() and 100 <= len(spend) <= 500

    no_date = pd.read_csv(SAMPLES / "ad_spend_no_date.csv")
    assert "Date" not in no_date.columns and len(no_date) >= 5 and not no_date["Ad ID"].duplicated().any()

    opp = pd.read_excel(SAMPLES / "opportunities_zh.xlsx")
    assert list(opp.columns) == ["线索编号", "商机阶段", "关闭日期", "成交金额", "负责人"]
    assert set(opp["线索编号"]) <= set(crm["线索编号"]) and set(opp["商机阶段"]) == {"赢单", "输单", "跟进中"}
    won = opp[opp["商机阶段"] == "赢单"]
    assert won["关闭日期"].notna().all() and (won["成交金额"] > 0).all()


def test_samples_match_demo_ids_and_readme() -> None:
    data = demo.build(end=samples.SAMPLE_END, months=3)
    campaigns = set(data.tables["campaigns"]["campaign_id"].to_pylist())
    ads = set(data.tables["spend"]["ad_id"].to_pylist())
    spend = pd.read_csv(SAMPLES / "ad_spend_en.csv", encoding="utf-8-sig")
    no_date = pd.read_csv(SAMPLES / "ad_spend_no_date.csv")
    crm = pd.read_csv(SAMPLES / "crm_leads_zh_gbk.csv", encoding="gbk", dtype=str)
    assert set(spend["Campaign ID"]) | set(no_date["Campaign ID"]) | set(crm["营销活动"].dropna()) <= campaigns
    assert set(spend["Ad ID"]) | set(no_date["Ad ID"]) <= ads
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name in samples.FILES:
        assert name in readme
    assert f"--set date={samples.NO_DATE_DAY} --set channel_id={samples.NO_DATE_CHANNEL}" in readme
    assert f"--set channel_id={samples.AD_SPEND_CHANNEL}" in readme


# --- the demo's KPI plans (init-demo only) -------------------------------------------------------------------------


def test_demo_plan_months() -> None:
    from kpi_engine.demo.plans import demo_plan_months

    assert demo_plan_months(END) == ["2026-08", "2026-09"]  # data to 16 Sep: August is full, September runs
    assert demo_plan_months(dt.date(2026, 11, 22)) == ["2026-10", "2026-11"]
    assert demo_plan_months(dt.date(2026, 10, 31)) == ["2026-10", "2026-11"]  # a new month starts today
    assert demo_plan_months(dt.date(2026, 12, 31)) == ["2026-12", "2027-01"]
    assert demo_plan_months(dt.date(2027, 1, 5)) == ["2026-12", "2027-01"]


def test_demo_plans_are_activated_once_and_publish_targets(engine: Engine) -> None:
    from kpi_engine import targets
    from kpi_engine.demo.plans import activate_demo_plans
    from kpi_engine.plans import store as plan_store

    demo.generate(engine, months=2, seed=3, end=END)
    assert plan_store.list_plans(engine).empty  # generate itself writes no plan
    before = targets.target_value(engine, "cpl", start=MTD, end=dt.date(2026, 9, 30), scope_type="channel",
                                  scope_id="douyin_live")
    ids = activate_demo_plans(engine, END)
    assert len(ids) == 2 and len(set(ids)) == 2
    for plan_id, first_day in zip(ids, (LATEST, MTD), strict=True):
        (plan,) = plan_store.active_plans(engine, first_day)
        assert plan.plan_id == plan_id and plan.start == first_day and plan.grain == "month" and not plan.subject
        assert {k.metric for k in plan.kpis} >= {"leads", "lead_to_customer", "cpl"}
    # the plan's targets are published: team leads 1,000 a month (the demo's own at scale 1), and the
    # new-media lead's 400; the live-stream CPL becomes the plan's ¥200 instead of the demo's history-based one
    month = (MTD, dt.date(2026, 9, 30))
    assert targets.target_value(engine, "leads", start=month[0], end=month[1]) == 1000.0
    assert targets.target_value(engine, "leads", start=month[0], end=month[1], scope_type="person",
                                scope_id="p02") == 400.0
    assert targets.target_value(engine, "cpl", start=month[0], end=month[1], scope_type="channel",
                                scope_id="douyin_live") == 200.0 != before
    assert activate_demo_plans(engine, END) == []  # both months have an active plan now
    assert len(plan_store.list_plans(engine)) == 2
    demo.generate(engine, months=2, seed=3, end=END)  # a new demo run keeps the plans and their targets
    assert targets.target_value(engine, "cpl", start=month[0], end=month[1], scope_type="channel",
                                scope_id="douyin_live") == 200.0
    # September has its plan; October's is blocked by the checks (its trade show ts_202610 is not in the
    # data, which ends in September) and is not left behind as a draft
    assert activate_demo_plans(engine, dt.date(2026, 10, 3)) == []
    assert sorted(plan_store.list_plans(engine)["plan_id"]) == sorted(ids)


def test_cli_init_demo_activates_the_plans(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'plans.duckdb'}"
    first = run_cli("init-demo", "--db", db, "--months", "2", "--end", END.isoformat(), "--if-empty", "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["skipped"] is False and len(report["plans_activated"]) == 2  # an empty store: --if-empty fills it
    again = run_cli("init-demo", "--db", db, "--months", "2", "--end", END.isoformat(), "--replace")
    assert again.returncode == 0, again.stderr
    assert "already have active team plans" in again.stdout
    skipped = run_cli("init-demo", "--db", db, "--if-empty", "--format", "json")
    assert json.loads(skipped.stdout)["skipped"] is True
    listed = run_cli("plan", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert all(plan_id in listed.stdout for plan_id in report["plans_activated"])
