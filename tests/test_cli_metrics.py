"""``python -m kpi_engine metrics``: output formats, registry listing, errors (DuckDB file with the small fixture)."""

from __future__ import annotations

import argparse
import json
import math

import pytest
from sqlalchemy.engine import Engine

from kpi_engine.cli import metrics as cli_metrics
from kpi_engine.metrics import registry
from tests.metrics_fixture import load_small


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="python -m kpi_engine")
    cli_metrics.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["metrics", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(duck_engine: Engine) -> str:
    load_small(duck_engine)
    return str(duck_engine.url)


def test_csv_header_order_empty_cells_and_plain_numbers(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # rows for the scopes and periods where leads or spend happened (ch_a's win week is not one of them)
    code, out, _ = run_cli(["cpl,leads,spend", "--by", "channel", "--grain", "week", "--format", "csv", "--db", db], capsys)
    assert code == 0
    assert out.splitlines() == [
        "channel_id,period_start,cpl,leads,spend",
        "ch_a,2026-11-30,90,2,180",
        "ch_a,2026-12-28,60,1,60",
        "ch_b,2026-12-28,150,2,300",
        "ch_c,2027-01-04,,1,0",  # no spend: no cost per lead (never ¥0)
        "ch_d,2027-01-04,,0,40",
    ]


def test_ratios_are_fractions_rounded(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["lead_to_mql,mql_to_sql,ctr,cpm,roi,cpc", "--format", "csv", "--db", db], capsys)
    assert code == 0
    # 5/6, 3/5, 470/47000, 580/47000*1000, 11420/580, 580/470
    assert out.splitlines() == ["lead_to_mql,mql_to_sql,ctr,cpm,roi,cpc",
                                "0.833333,0.6,0.01,12.340426,19.689655,1.234043"]
    assert "%" not in out


def test_json_nulls_and_key_order(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["leads,cac,roi,lead_to_mql", "--by", "channel", "--format", "json", "--db", db], capsys)
    assert code == 0
    data = json.loads(out)
    assert [list(row) for row in data] == [["channel_id", "leads", "cac", "roi", "lead_to_mql"]] * 4
    assert data[2] == {"channel_id": "ch_c", "leads": 1, "cac": None, "roi": None, "lead_to_mql": 1}
    assert data[3] == {"channel_id": "ch_d", "leads": 0, "cac": None, "roi": -1, "lead_to_mql": None}
    assert data[0]["channel_id"] == "ch_a" and math.isclose(data[0]["roi"], 15.666667)


def test_department_rows_per_period_without_key_column(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["leads,spend", "--grain", "month", "--format", "csv", "--db", db], capsys)
    assert code == 0
    assert out.splitlines() == ["period_start,leads,spend", "2026-11-01,1,150", "2026-12-01,3,290", "2027-01-01,2,140"]


def test_from_to_accept_days_and_period_labels(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected = ["leads,mqls,spend", "3,3,290"]  # December 2026, both ends included
    for bounds in (["--from", "2026-12-01", "--to", "2026-12-31"], ["--from", "2026-12", "--to", "2026-12"]):
        code, out, _ = run_cli(["leads,mqls,spend", *bounds, "--format", "csv", "--db", db], capsys)
        assert code == 0 and out.splitlines() == expected
    code, out, _ = run_cli(["leads", "--by", "team", "--from", "2026-W53", "--to", "2026-W53", "--format", "csv",
                            "--db", db], capsys)
    assert out.splitlines() == ["team,leads", ",1", "brand,1", "growth,1"]


def test_table_format(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["leads,cpl,lead_to_customer", "--by", "person", "--db", db], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["person_id", "leads", "cpl", "lead_to_customer"]
    assert set(lines[1]) <= {"-", " "}
    # the person "" (no owner) first, then ann, bob, cat; numbers right-aligned, no value blank
    assert [line.split() for line in lines[2:]] == [["1", "130", "0"], ["ann", "3", "50", "0.333333"],
                                                   ["bob", "1", "300", "1"], ["cat", "1", "0"]]  # cat: no spend, no CPL
    assert lines[3].endswith("0.333333") and lines[4].endswith("       1")


def test_list_prints_the_registry_without_a_metric(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--list", "--format", "json"], capsys)
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert list(rows) == registry.metric_ids()
    assert rows["cpl"] == {"id": "cpl", "name_en": "Cost per lead", "name_zh": "单条线索成本", "type": "ratio", "unit": "money",
                           "direction": "lower", "additive": False, "formula_en": "spend / leads",
                           "formula_zh": "spend / leads（花费 / 线索数）"}
    code, out, _ = run_cli(["--list"], capsys)
    assert code == 0 and out.splitlines()[0].split()[:3] == ["id", "name_en", "name_zh"]
    assert any(line.startswith("roi ") and "(revenue − spend) / spend" in line for line in out.splitlines())
    leads_line = next(line for line in out.splitlines() if line.startswith("leads "))
    assert leads_line.split()[:7] == ["leads", "Leads", "线索数", "simple", "count", "higher", "yes"]


def test_bad_input_exits_2_with_the_valid_ids(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["leads,bogus", "--db", db], capsys)
    assert code == 2 and out == ""
    assert "unknown metric(s): bogus" in err and "valid metrics: leads, mqls" in err and "cpm" in err
    code, _, err = run_cli(["--db", db], capsys)
    assert code == 2 and "--list" in err
    code, _, err = run_cli(["leads", "--from", "yesterday", "--db", db], capsys)
    assert code == 2 and "not a period" in err
    code, _, err = run_cli(["leads", "--from", "2027-01", "--to", "2026-12", "--db", db], capsys)
    assert code == 2 and "before" in err
    with pytest.raises(SystemExit) as exc:
        run_cli(["leads", "--by", "region"], capsys)
    assert exc.value.code == 2 and "unknown scope region" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run_cli(["leads", "--grain", "fortnight"], capsys)
    assert exc.value.code == 2


def test_empty_database_gives_zero_counts_and_blank_ratios(duck_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["leads,spend,cpl", "--format", "csv", "--db", str(duck_engine.url)], capsys)
    assert code == 0 and out.splitlines() == ["leads,spend,cpl", "0,0,"]
    code, out, _ = run_cli(["leads", "--by", "channel", "--format", "json", "--db", str(duck_engine.url)], capsys)
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(("value", "text"), [
    (0.125, "0.125"), (1500.0, "1500"), (12.5, "12.5"), (1 / 3, "0.333333"), (2 / 3, "0.666667"),
    (0.000123456789, "0.000123457"), (1234567.875, "1234567.875"), (-1.0, "-1"), (float("nan"), ""), (None, ""),
    (float("inf"), ""), (7, "7"), (1e16, "10000000000000000"),
])
def test_number_formatting(value: object, text: str) -> None:
    assert cli_metrics.format_cell(value) == text


# --- The full registry, growth, custom ranges ------------------------------------------------------


def test_list_covers_the_whole_registry_in_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--list", "--format", "json", "--lang", "zh"], capsys)
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert list(rows) == registry.metric_ids()
    assert {"cycle_days", "ltv", "ltv_cac", "retention", "nps", "marketing_sourced_share", "followers", "ugc_count",
            "core_talent_retention", "content_published"} <= set(rows)
    assert rows["ltv"] == {"id": "ltv", "name": "客户生命周期价值", "type": "derived", "unit": "金额", "direction": "越高越好",
                           "additive": False, "formula": "gross_margin × ltv_monthly_revenue_per_customer × ltv_lifetime_months"
                           "（毛利率 × 每活跃客户月均收入 × 预期生命周期）"}
    assert rows["followers"]["type"] == "manual" and rows["followers"]["additive"] is True
    code, out, _ = run_cli(["--list", "--lang", "en"], capsys)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name", "type", "unit", "direction", "additive", "formula"]
    cpl = next(line for line in lines if line.startswith("cpl "))
    assert "Cost per lead" in cpl and "lower is better" in cpl and "spend / leads" in cpl


def test_growth_ids_beside_metrics(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # leads by month: Nov 1, Dec 3, Jan 2 -> growth: none before November, (3 − 1) / 1, (2 − 3) / 3
    code, out, _ = run_cli(["leads,growth:leads", "--grain", "month", "--format", "csv", "--db", db], capsys)
    assert code == 0
    assert out.splitlines() == ["period_start,leads,growth:leads", "2026-11-01,1,", "2026-12-01,3,2",
                                "2027-01-01,2,-0.333333"]
    code, out, _ = run_cli(["yoy:leads", "--grain", "month", "--from", "2026-12", "--to", "2026-12", "--format", "csv",
                            "--db", db], capsys)
    assert code == 0 and out.splitlines() == ["period_start,yoy:leads", "2026-12-01,"]  # nothing a year earlier


def test_custom_range_grain(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # December: ch_a L2, L6 and spend S3 30 + S7 60; ch_b L3 and S4 200
    code, out, _ = run_cli(["leads,spend", "--by", "channel", "--grain", "range", "--from", "2026-12-01", "--to",
                            "2026-12-31", "--format", "csv", "--db", db], capsys)
    assert code == 0
    assert out.splitlines() == ["channel_id,period_start,leads,spend", "ch_a,2026-12-01,2,90", "ch_b,2026-12-01,1,200"]


def test_all_metrics_at_once(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["all", "--by", "person", "--grain", "week", "--format", "json", "--db", db], capsys)
    assert code == 0
    data = json.loads(out)
    assert data and all(list(row) == ["person_id", "period_start", *registry.metric_ids()] for row in data)
    assert all(row["ugc_count"] is None for row in data)  # nothing reported: no value, not 0


def test_bad_growth_ids_exit_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["grow:leads", "--db", db], capsys)
    assert code == 2 and out == "" and "growth:METRIC or yoy:METRIC" in err
    code, _, err = run_cli(["growth:nope", "--db", db], capsys)
    assert code == 2 and "unknown metric" in err
