"""The plan and scorecard commands on the demo department (through main(argv) and as a real subprocess)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import demo, store
from kpi_engine.__main__ import main
from kpi_engine.plans import store as plan_store
from kpi_engine.plans import yamlio
from kpi_engine.plans.scorecard_tables import KPI_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"  # the morning after the demo ends (END): data through END
MULTIPLIER = {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.6, "D": 0.0}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('plans_cli') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=8, end=END)
    store.dispose_engine(url)
    return url


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("KPI_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "kpi_engine", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=180, check=False)


def new_plan(capsys: pytest.CaptureFixture[str], db: str, template: str, period: str, name: str) -> str:
    code, out, err = run_main(capsys, "plan", "new", "--template", template, "--period", period, "--name", name, "--db", db)
    assert code == 0, err
    return out.split()[2]  # "saved plan ID version 1 (draft): ..."


def check_totals(doc: dict, share: float, base_bonus: float) -> None:
    """The totals follow from the rows: Σ weight × score / Σ weight, the 360 mix, the grade, the bonus."""
    rows = [r for r in doc["kpis"] if r["score"] is not None]
    weighted = sum(r["weight"] * r["score"] for r in rows) / sum(r["weight"] for r in rows)
    assert doc["weighted_score"] == pytest.approx(weighted, rel=1e-5)
    assert doc["final_score"] == pytest.approx(share * doc["weighted_score"] + (1 - share) * doc["qualitative_score"],
                                               rel=1e-5)
    bounds = [("S", 110), ("A", 100), ("B", 85), ("C", 70)]
    assert doc["grade"] == next((g for g, b in bounds if doc["final_score"] >= b), "D")
    assert doc["bonus"] == pytest.approx(base_bonus * MULTIPLIER[doc["grade"]])


def test_export_import_round_trip_as_a_subprocess(capsys: pytest.CaptureFixture[str], demo_db: str,
                                                  tmp_path: Path) -> None:
    plan_id = new_plan(capsys, demo_db, "team_example", "2026-10", "Round trip")
    exported = run_cli("plan", "export", plan_id, "--db", demo_db)
    assert exported.returncode == 0, exported.stderr
    engine = store.get_engine(demo_db)
    stored = plan_store.load_plan(engine, plan_id)
    assert yamlio.plan_from_yaml(exported.stdout) == stored
    assert "framework: directions" in exported.stdout and "scope: person:p02" in exported.stdout
    edited = exported.stdout.replace("base: 1000", "base: 1100", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(edited, encoding="utf-8")
    imported = run_cli("plan", "import", str(path), "--db", demo_db)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"imported plan {plan_id} version 1 (draft): 19 KPIs, 0 errors")
    again = run_cli("plan", "export", plan_id, "--db", demo_db).stdout
    assert again == edited and yamlio.plan_from_yaml(again).kpis[0].base == 1100
    code, out, _ = run_main(capsys, "plan", "import", str(path), "--id", "copy-of-it", "--db", demo_db)
    assert code == 0 and out.startswith("imported plan copy-of-it version 1")
    assert plan_store.load_plan(engine, "copy-of-it").same_content(plan_store.load_plan(engine, plan_id))


def test_check_activate_and_score_the_team_plan(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    plan_id = new_plan(capsys, demo_db, "team_example", "2026-10", "Team October")
    code, out, _ = run_main(capsys, "plan", "check", plan_id, "--as-of", AS_OF, "--db", demo_db)
    assert code == 0 and "warning [core_count:p04]" in out and "fix:" in out and "ERROR" not in out
    code, _, err = run_main(capsys, "plan", "activate", plan_id, "--as-of", AS_OF, "--db", demo_db)
    assert code == 1 and "activation blocked" in err and "core_count:p04" in err
    code, out, _ = run_main(capsys, "plan", "activate", plan_id, "--ack-all", "--as-of", AS_OF, "--db", demo_db)
    assert code == 0 and out.strip() == f"activated plan {plan_id} version 1"

    result = run_cli("scorecard", plan_id, "--as-of", AS_OF, "--format", "json", "--db", demo_db)
    assert result.returncode == 0, result.stderr
    team = json.loads(result.stdout)
    assert set(KPI_COLUMNS) <= set(team["kpis"][0]) and len(team["kpis"]) == 7
    assert {"weighted_score", "qualitative_score", "final_score", "grade", "bonus"} <= set(team)
    assert (team["plan_id"], team["version"], team["running"], team["card"]) == (plan_id, 1, False, "team")
    leads = team["kpis"][0]
    assert (leads["metric"], leads["scope"], leads["base"], leads["challenge"]) == ("leads", "team", 1000, 1200)
    assert leads["achievement"] == pytest.approx(leads["actual"] / 1000, rel=1e-5)
    check_totals(team, 0.8, 10000)

    # one person ahead, the sliding channel behind
    p02 = json.loads(run_cli("scorecard", plan_id, "--as-of", AS_OF, "--format", "json", "--card", "p02",
                             "--db", demo_db).stdout)
    code, out, _ = run_main(capsys, "scorecard", plan_id, "--as-of", AS_OF, "--format", "json", "--card", "p06",
                            "--db", demo_db)
    p06 = json.loads(out)
    check_totals(p02, 0.8, 10000)
    check_totals(p06, 0.8, 10000)
    assert p02["grade"] in ("S", "A") and p02["final_score"] > team["final_score"] > p06["final_score"]
    sliding = [r for r in p06["kpis"] if r["scope"] == "channel:xiaohongshu" and r["metric"] != "impressions"]
    assert sliding and all(r["achievement"] < 1 for r in sliding)
    assert {c["card"] for c in team["cards"]} == {"team", "p02", "p03", "p04", "p06"}


def test_scorecard_csv_and_table(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    plan_id = new_plan(capsys, demo_db, "team_example", "2026-10", "Team CSV")
    result = run_cli("scorecard", plan_id, "--as-of", AS_OF, "--format", "csv", "--db", demo_db)
    assert result.returncode == 0, result.stderr
    kpi_part, total_part = result.stdout.split("\n\n", 1)
    rows = list(csv.DictReader(io.StringIO(kpi_part)))
    assert list(rows[0]) == list(KPI_COLUMNS) and len(rows) == 7
    assert [r["metric"] for r in rows] == ["leads", rows[1]["metric"], "high_value_share", "lead_to_customer", "aov_new",
                                           "yoy:brand_search_volume", "ugc_count"]
    totals = {r[0]: r[1] for r in csv.reader(io.StringIO(total_part)) if r and r[0] != "note"}
    assert list(totals) == ["total", "weighted_score", "qualitative_score", "final_score", "grade", "bonus", "status",
                            "measured_share"]
    assert totals["status"] == "final"
    # eight months of demo data: no brand search a year before October, so its growth is not measurable
    growth = rows[5]
    assert (growth["actual"], growth["achievement"], growth["score"]) == ("", "", "")
    scored = [r for r in rows if r["score"]]
    weighted = sum(float(r["weight"]) * float(r["score"]) for r in scored) / sum(float(r["weight"]) for r in scored)
    assert len(scored) == 6 and float(totals["weighted_score"]) == pytest.approx(weighted, rel=1e-5)
    assert "draft" in total_part  # the note names the version scored
    assert "Not measurable for the team (left out of the weighted score): Brand search volume growth (year over year) @ Team" in total_part
    code, out, _ = run_main(capsys, "scorecard", plan_id, "--as-of", AS_OF, "--db", demo_db, "--lang", "zh")
    assert code == 0 and any(line.startswith("metric  ") for line in out.splitlines())
    assert "final score" in out and "达成率" in out and "团队无法衡量的 KPI" in out


def test_manager_appraisal_and_a_running_period_from_a_file(capsys: pytest.CaptureFixture[str], demo_db: str,
                                                            tmp_path: Path) -> None:
    plan_id = new_plan(capsys, demo_db, "manager_example", "2026-Q3", "Manager Q3")
    code, out, _ = run_main(capsys, "scorecard", plan_id, "--as-of", AS_OF, "--format", "json", "--db", demo_db)
    doc = json.loads(out)
    assert doc["card"] == "p01" and sum(r["weight"] for r in doc["kpis"]) == 83 and not doc["running"]
    check_totals(doc, 0.83, 30000)
    expense = next(r for r in doc["kpis"] if r["metric"] == "expense_ratio")
    assert expense["score"] == 0  # demo spend is about half of won revenue: far below an 8% ratio's floor

    path = tmp_path / "nov.yaml"
    code, _, _ = run_main(capsys, "plan", "new", "--template", "team_example", "--period", "2026-11", "-o", str(path))
    assert code == 0 and "period: 2026-11" in path.read_text(encoding="utf-8")
    result = run_cli("scorecard", str(path), "--as-of", AS_OF, "--format", "json", "--db", demo_db)
    doc = json.loads(result.stdout)
    assert doc["running"] and doc["plan_id"] is None and doc["data_to"] == END.isoformat()
    assert any("still running" in n and "22 of 30 days" in n for n in doc["notes"])
    assert doc["status"] == "provisional" and doc["grade"] is None and doc["bonus"] is None
    leads = doc["kpis"][0]
    assert leads["pace"] in ("on_track", "at_risk", "off_track")
    assert leads["projected"] == pytest.approx(leads["actual"] * 30 / 22, rel=1e-4)
    table = run_cli("scorecard", str(path), "--as-of", AS_OF, "--db", demo_db).stdout
    assert "still running" in table and "At this pace" in table


def test_list_versions_suggest_review_and_errors(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    plan_id = new_plan(capsys, demo_db, "growth", "2026-Q4", "Growth Q4")
    code, out, _ = run_main(capsys, "plan", "list", "--format", "json", "--db", demo_db)
    listed = {p["plan_id"]: p for p in json.loads(out)}
    assert listed[plan_id]["status"] == "draft" and listed[plan_id]["kpis"] == 10
    code, out, _ = run_main(capsys, "plan", "versions", plan_id, "--db", demo_db)
    assert code == 0 and "draft" in out
    code, out, _ = run_main(capsys, "plan", "suggest", plan_id, "--as-of", AS_OF, "--format", "json", "--db", demo_db)
    suggestions = json.loads(out)
    leads = next(s for s in suggestions if s["metric"] == "leads")
    assert leads["method"] == "history" and leads["base"] == pytest.approx(leads["history_average"], rel=0.01)
    code, out, _ = run_main(capsys, "plan", "review", plan_id, "--as-of", AS_OF, "--db", demo_db)
    assert code == 0 and ("review_" in out or "no problems found" in out)
    code, out, _ = run_main(capsys, "plan", "new", "--template", "growth", "--period", "2027-Q1", "--suggest",
                            "--as-of", AS_OF, "-o", "-", "--db", demo_db)
    suggested = yamlio.plan_from_yaml(out)
    leads_kpi = next(k for k in suggested.kpis if k.metric == "leads")
    engine = store.get_engine(demo_db)
    expected = compute_history_leads(engine)  # May to October, the six complete months before November (as of)
    base = math.floor(expected + 0.5)  # targets are rounded half up
    assert code == 0 and leads_kpi.base == base and leads_kpi.challenge == math.floor(base * 1.2 + 0.5)
    code, _, err = run_main(capsys, "scorecard", "no-such-plan", "--db", demo_db)
    assert code == 2 and "no plan 'no-such-plan'" in err
    code, _, err = run_main(capsys, "scorecard", plan_id, "--card", "p99", "--db", demo_db)
    assert code == 2 and "no card" in err
    code, _, err = run_main(capsys, "plan", "new", "--template", "team_example", "--period", "2026-Q4", "--db", demo_db)
    assert code == 2 and "for a month" in err
    with store.get_engine(demo_db).connect() as conn:
        assert conn.execute(sa.text("select count(*) from plans")).scalar() >= 1


def compute_history_leads(engine: sa.Engine) -> float:
    """Three times the mean monthly leads of May-October 2026, computed independently in SQL."""
    with engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from leads where created_at >= '2026-05-01' and created_at < '2026-11-01'"))
        return 3 * n.scalar() / 6
