"""Ambiguous numeric dates are asked, never guessed (issue 10, point 3).

03/04/2026 is 3 April (day first) or 4 March (month first). A column whose values all read both ways, with
different results, needs the order from the user: the CLI's ``--date-order`` (an error without it), the Data
page's choice, or the order saved with the mapping for that source. Expected dates are written by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.__main__ import main
from kpi_engine.ingest.mapping import find_saved_mapping, save_mapping
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.model import Mapping, RawFile
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.validate import validate
from tests import ingest_db as db

T = dt.datetime
D = dt.date

# Every value has both parts <= 12, and they differ: ambiguous.
AMBIGUOUS = "lead_id,created_at,channel_id\nD1,03/04/2026,web\nD2,05/06/2026 10:30,web\nD3,2026-01-15,web\n"
DMY = [T(2026, 4, 3), T(2026, 6, 5, 10, 30), T(2026, 1, 15)]
MDY = [T(2026, 3, 4), T(2026, 5, 6, 10, 30), T(2026, 1, 15)]
HEADERS = ["lead_id", "created_at", "channel_id"]


def raw_file(cols: dict[str, list[str | None]]) -> RawFile:
    n = len(next(iter(cols.values())))
    data = {k: pa.array(v, pa.string()) for k, v in cols.items()}
    data["__row"] = pa.array(list(range(2, n + 2)), pa.int64())
    return RawFile(name="f.csv", sha256="0" * 64, size=1, kind="csv", encoding="utf-8", delimiter=",", sheet=None,
                   headers=list(cols), data=pa.table(data))


def leads_mapping(cols: dict, order: str | None = None) -> Mapping:
    return Mapping(table="leads", columns={c: c for c in cols}, date_order=order)


def created(engine: Engine) -> dict[str, dt.datetime]:
    t = schema.leads
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(t.c.lead_id, t.c.created_at)).all())


def codes(res) -> set[tuple]:
    return {(None if r["row"] is None else r["row"], r["column"], r["code"]) for r in issue_records(res.issues, "en")}


# --- which columns are ambiguous -------------------------------------------------------------------------


def test_ambiguous_column_lists_examples_and_both_readings() -> None:
    cols = {"lead_id": ["A", "B", "C", "D"], "created_at": ["03/04/2026", "05/05/2026", "2026-02-01", "11/02/2026 09:15"],
            "channel_id": ["web"] * 4}
    v = validate(raw_file(cols), leads_mapping(cols))
    assert len(v.ambiguous_dates) == 1
    amb = v.ambiguous_dates[0]
    # 05/05/2026 reads the same both ways and ISO is never in doubt: not examples.
    assert (amb.column, amb.source, amb.examples) == ("created_at", "created_at", ["03/04/2026", "11/02/2026 09:15"])
    assert amb.readings == {"dmy": ["2026-04-03", "2026-02-11 09:15"], "mdy": ["2026-03-04", "2026-11-02 09:15"],
                            "ymd": [None, None]}
    assert codes_of(v) == {(None, "created_at", "date_order_needed")}
    issue = issue_records(v.issues, "en")[0]
    assert issue["value"] == "03/04/2026, 11/02/2026 09:15"
    assert "rerun with --date-order dmy or --date-order mdy" in issue["fix"]


def codes_of(v) -> set[tuple]:
    return {(None if r["row"] != r["row"] or r["row"] is None else int(r["row"]), r["column"], r["code"])
            for r in v.issues.to_dict("records")}


@pytest.mark.parametrize("values, want", [
    (["03/04/2026", "25/04/2026"], [T(2026, 4, 3), T(2026, 4, 25)]),  # a day > 12 settles day first
    (["03/04/2026", "04/25/2026"], [T(2026, 3, 4), T(2026, 4, 25)]),  # a second part > 12 settles month first
    (["2026-04-03", "2026/04/05"], [T(2026, 4, 3), T(2026, 4, 5)]),  # year first: never ambiguous
    (["05/05/2026", "12/12/2026"], [T(2026, 5, 5), T(2026, 12, 12)]),  # both readings give the same date
    (["20260403", "Apr 5, 2026"], [T(2026, 4, 3), T(2026, 4, 5)]),  # compact and month names
])
def test_unambiguous_columns_load_without_asking(values: list[str], want: list[dt.datetime]) -> None:
    cols = {"lead_id": ["A", "B"], "created_at": values, "channel_id": ["web", "web"]}
    v = validate(raw_file(cols), leads_mapping(cols))
    assert v.ambiguous_dates == [] and len(v.issues) == 0, v.issues
    assert [r["created_at"] for r in sorted(v.clean.to_pylist(), key=lambda r: r["__row"])] == want


def test_each_date_column_is_judged_on_its_own() -> None:
    cols = {"lead_id": ["A", "B"], "created_at": ["25/04/2026", "03/04/2026"], "mql_at": ["03/05/2026", "06/05/2026"],
            "channel_id": ["web", "web"]}
    v = validate(raw_file(cols), leads_mapping(cols))
    assert [a.column for a in v.ambiguous_dates] == ["mql_at"]  # created_at is settled by 25/04/2026


def test_a_whole_file_date_value_can_be_ambiguous_too() -> None:
    mapping = Mapping(table="spend", columns={"channel_id": "channel_id", "cost": "cost"}, constants={"date": "03/04/2026"})
    v = validate(raw_file({"channel_id": ["web"], "cost": ["12"]}), mapping)
    assert [(a.column, a.source, a.examples) for a in v.ambiguous_dates] == [("date", None, ["03/04/2026"])]
    v = validate(raw_file({"channel_id": ["web"], "cost": ["12"]}), replace(mapping, date_order="dmy"))
    assert [r["date"] for r in v.clean.to_pylist()] == [D(2026, 4, 3)]


def test_a_value_invalid_in_the_given_order_is_a_row_error_with_a_fix() -> None:
    cols = {"lead_id": ["A", "B", "C"], "created_at": ["03/04/2026", "04/13/2026", "yesterday"], "channel_id": ["web"] * 3}
    v = validate(raw_file(cols), leads_mapping(cols, "dmy"))
    assert codes_of(v) == {(3, "created_at", "bad_date_order"), (4, "created_at", "bad_date")}
    en = {r["code"]: r for r in issue_records(v.issues, "en")}["bad_date_order"]
    assert (en["row"], en["column"], en["value"]) == (3, "created_at", "04/13/2026")
    assert en["reason"] == "created_at '04/13/2026' is not a valid date read as day/month/year (row 3)."
    assert "--date-order" in en["fix"]
    zh = {r["code"]: r for r in issue_records(v.issues, "zh")}["bad_date_order"]
    assert "日/月/年" in zh["reason"] and "第 3 行" in zh["reason"]
    assert [r["created_at"] for r in v.clean.to_pylist()] == [T(2026, 4, 3)]


# --- the pipeline and the saved mapping ------------------------------------------------------------------


def test_ambiguous_upload_is_refused_until_an_order_is_given(engine: Engine) -> None:
    res = ingest(engine, AMBIGUOUS.encode(), "leads.csv")
    assert res.status == "refused" and res.needs_date_order and res.upload_id is None
    assert codes(res) == {(None, "created_at", "date_order_needed")}
    assert sum(store.table_counts(engine).values()) == 0  # nothing written
    dry = ingest(engine, AMBIGUOUS.encode(), "leads.csv", dry_run=True)
    assert dry.status == "refused" and dry.needs_date_order

    res = ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order="dmy")
    assert res.status == "loaded" and (res.inserted, res.date_order) == (3, "dmy")
    assert [created(engine)[k] for k in ("D1", "D2", "D3")] == DMY
    u = schema.uploads
    with engine.connect() as conn:
        recorded = conn.execute(sa.select(u.c.mapping_json).where(u.c.upload_id == res.upload_id)).scalar()
    assert json.loads(recorded)["date_order"] == "dmy"  # the audit record says how the dates were read


@pytest.mark.parametrize("order, want", [("dmy", DMY), ("mdy", MDY)])
def test_each_order_gives_its_dates(engine: Engine, order: str, want: list[dt.datetime]) -> None:
    res = ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order=order)
    assert res.status == "loaded", db.show(res.issues)
    assert [created(engine)[k] for k in ("D1", "D2", "D3")] == want


def test_year_first_order_rejects_day_month_values(engine: Engine) -> None:
    res = ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order="ymd", on_error="skip")
    assert res.status == "loaded" and (res.inserted, res.rejected) == (1, 2)
    assert codes(res) == {(2, "created_at", "bad_date_order"), (3, "created_at", "bad_date_order")}
    assert created(engine) == {"D3": T(2026, 1, 15)}


def test_unknown_order_is_a_usage_error(engine: Engine) -> None:
    with pytest.raises(ValueError, match="date order"):
        ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order="ydm")


def test_order_saved_with_the_mapping_is_used_next_month_and_a_later_choice_wins(engine: Engine) -> None:
    res = ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order="dmy", save_mapping=True)
    assert res.status == "loaded"
    assert find_saved_mapping(engine, HEADERS).date_order == "dmy"
    next_month = "lead_id,created_at,channel_id\nE1,07/08/2026,web\nE2,01/02/2026,web\n"
    res = ingest(engine, next_month.encode(), "leads_next.csv")  # no order given: the saved one
    assert res.status == "loaded" and res.date_order == "dmy"
    assert (created(engine)["E1"], created(engine)["E2"]) == (T(2026, 8, 7), T(2026, 2, 1))

    later = "lead_id,created_at,channel_id\nF1,07/08/2026,web\n"
    res = ingest(engine, later.encode(), "leads_later.csv", date_order="mdy")  # an explicit choice overrides
    assert res.status == "loaded" and created(engine)["F1"] == T(2026, 7, 8)
    assert find_saved_mapping(engine, HEADERS).date_order == "mdy"  # ... and is remembered
    res = ingest(engine, b"lead_id,created_at,channel_id\nG1,07/08/2026,web\n", "g.csv")
    assert res.status == "loaded" and created(engine)["G1"] == T(2026, 7, 8)
    res = ingest(engine, AMBIGUOUS.encode(), "again.csv", use_saved_mapping=False)
    assert res.status == "refused" and res.needs_date_order  # without the saved mapping: asked again


def test_order_is_remembered_for_a_mapping_saved_without_one(engine: Engine) -> None:
    save_mapping(engine, HEADERS, Mapping(table="leads", columns={c: c for c in HEADERS}))
    assert find_saved_mapping(engine, HEADERS).date_order is None
    assert ingest(engine, AMBIGUOUS.encode(), "leads.csv", date_order="dmy").status == "loaded"
    assert find_saved_mapping(engine, HEADERS).date_order == "dmy"


def test_ambiguous_date_in_a_key_column(engine: Engine) -> None:
    spend = "date,channel_id,cost\n03/04/2026,web,10\n04/03/2026,web,20\n"
    assert ingest(engine, spend.encode(), "spend.csv").needs_date_order
    res = ingest(engine, spend.encode(), "spend.csv", date_order="mdy")
    assert res.status == "loaded" and res.inserted == 2
    t = schema.spend
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(t.c.date, t.c.cost)).all())
    assert rows == {D(2026, 3, 4): 10.0, D(2026, 4, 3): 20.0}


# --- the command line ------------------------------------------------------------------------------------


def test_cli_asks_for_the_order_in_the_users_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    try:
        assert main(["ingest", str(path), "--db", url]) == 1
        out = capsys.readouterr().out
        assert "Nothing was loaded" in out and "created_at" in out and "03/04/2026" in out
        assert "03/04/2026 → day/month/year 2026-04-03 · month/day/year 2026-03-04" in out
        assert "rerun with --date-order dmy or --date-order mdy" in out
        assert store.table_counts(store.get_engine(url))["leads"] == 0

        assert main(["ingest", str(path), "--db", url, "--lang", "zh"]) == 1
        out = capsys.readouterr().out
        assert "无法猜测日期顺序：请使用 --date-order dmy 或 --date-order mdy 重新运行。" in out
        assert "日/月/年 2026-04-03" in out

        assert main(["ingest", str(path), "--db", url, "--format", "json"]) == 1
        doc = json.loads(capsys.readouterr().out)
        assert doc["ambiguous_dates"] == [{"column": "created_at", "source": "created_at",
                                           "examples": ["03/04/2026", "05/06/2026 10:30"],
                                           "readings": {"dmy": ["2026-04-03", "2026-06-05 10:30"],
                                                        "mdy": ["2026-03-04", "2026-05-06 10:30"], "ymd": [None, None]}}]

        assert main(["ingest", str(path), "--db", url, "--date-order", "dmy"]) == 0
        assert "Numeric dates read as day/month/year." in capsys.readouterr().out
        assert [created(store.get_engine(url))[k] for k in ("D1", "D2", "D3")] == DMY
        with pytest.raises(SystemExit) as bad:
            main(["ingest", str(path), "--db", url, "--date-order", "dym"])
        assert bad.value.code == 2
    finally:
        store.dispose_engine(url)
