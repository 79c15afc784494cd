"""A later upload never silently rewrites history (issue 10, point 4).

A re-upload that changes an existing lead's channel, owner or created date is listed (grouped, counted, with
the names from the channels and people tables) and applied only when accepted; without ``accept_changes``
(CLI ``--accept-changes``) nothing is written at all. Undo of an accepted upload restores the old values.
The seed (tests/ingest_db.py) has channels 百度搜索 (baidu_search) and 抖音短视频 (douyin_video) and people
Ann Lee (p_ann) and 王博 (p_bo); expected groups and counts below are worked out by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.__main__ import main
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.undo import undo_upload
from tests import ingest_db as db

T = dt.datetime
HEAD = ["lead_id", "created_at", "channel_id", "owner_id", "expected_value"]
# Six leads on top of the seed's three: B1-B4 from Baidu search owned by Ann, B5-B6 from Douyin owned by 王博.
BASE = [HEAD,
        ["B1", "2026-02-01 09:00", "baidu_search", "p_ann", "100"],
        ["B2", "2026-02-02 09:00", "baidu_search", "p_ann", "200"],
        ["B3", "2026-02-03 09:00", "baidu_search", "p_ann", "300"],
        ["B4", "2026-02-04 09:00", "baidu_search", "p_ann", "400"],
        ["B5", "2026-02-05 09:00", "douyin_video", "p_bo", "500"],
        ["B6", "2026-02-06 09:00", "douyin_video", "", "600"]]
# The re-upload: B1-B3 move to Douyin; B4 changes owner to 王博 (given by name); B5's created date moves a day;
# B6 only gets an owner (filling a blank is not a change of history) and a new value; N1 is new.
REUPLOAD = [HEAD,
            ["B1", "2026-02-01 09:00", "douyin_video", "p_ann", "100"],
            ["B2", "2026-02-02 09:00", "抖音短视频", "p_ann", "200"],
            ["B3", "2026-02-03 09:00", "douyin_video", "p_ann", "333"],
            ["B4", "2026-02-04 09:00", "baidu_search", "王博", "400"],
            ["B5", "2026-02-06 09:00", "douyin_video", "p_bo", "500"],
            ["B6", "2026-02-06 09:00", "douyin_video", "p_bo", "666"],
            ["N1", "2026-02-07 09:00", "baidu_search", "p_ann", "700"]]
EN_LINES = ["3 leads would move from channel 百度搜索 to channel 抖音短视频",
            "1 lead would change owner from Ann Lee to 王博",
            "Created date would change for 1 lead"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def based(engine: Engine) -> None:
    db.seed(engine)
    res = ingest(engine, csv_bytes(BASE), "base.csv")
    assert res.status == "loaded" and res.inserted == 6 and res.history is None


def lead_rows(engine: Engine) -> dict[str, tuple]:
    t = schema.leads
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.lead_id, t.c.channel_id, t.c.owner_id, t.c.created_at, t.c.expected_value))
        return {r[0]: tuple(r[1:]) for r in rows}


def test_reupload_lists_changes_grouped_with_names_and_writes_nothing(engine: Engine) -> None:
    based(engine)
    before = db.dump(engine)
    res = ingest(engine, csv_bytes(REUPLOAD), "crm_again.csv")
    assert res.status == "unconfirmed" and res.upload_id is None and (res.inserted, res.updated) == (0, 0)
    assert db.dump(engine) == before  # every table, audit and undo records included
    hist = res.history
    assert hist.total == 5 and hist.counts() == {"channel_id": 3, "owner_id": 1, "created_at": 1}
    assert [(g.column, g.old, g.new, g.old_name, g.new_name, g.leads) for g in hist.groups] == [
        ("channel_id", "baidu_search", "douyin_video", "百度搜索", "抖音短视频", 3),
        ("owner_id", "p_ann", "p_bo", "Ann Lee", "王博", 1),
        ("created_at", None, None, None, None, 1)]
    assert hist.lines("en") == EN_LINES
    assert hist.lines("zh") == ["3 条线索的渠道将从百度搜索改为抖音短视频", "1 条线索的负责人将从 Ann Lee 改为王博",
                                "1 条线索的创建时间将改变"]
    listed = hist.leads.set_index("lead_id")
    assert list(listed.index) == ["B1", "B2", "B3", "B4", "B5"]  # B6 (a blank owner filled) and N1 (new) are not
    assert listed.loc["B1", "channel_before"] == "百度搜索 (baidu_search)"
    assert listed.loc["B1", "channel_after"] == "抖音短视频 (douyin_video)"
    assert (listed.loc["B4", "owner_before"], listed.loc["B4", "owner_after"]) == ("Ann Lee (p_ann)", "王博 (p_bo)")
    assert (listed.loc["B5", "created_before"], listed.loc["B5", "created_after"]) == (T(2026, 2, 5, 9), T(2026, 2, 6, 9))
    table = hist.leads_table("en")
    assert list(table.columns[:2]) == ["Lead", "Changed"] and list(table["Changed"][:1]) == ["channel"]
    assert hist.leads_table("zh").columns[0] == "线索"


def test_accepted_changes_are_applied_and_undo_restores_them_exactly(engine: Engine) -> None:
    based(engine)
    before = db.dump(engine, db.FACT_TABLES)
    old = lead_rows(engine)
    res = ingest(engine, csv_bytes(REUPLOAD), "crm_again.csv", accept_changes=True)
    assert res.status == "loaded" and (res.inserted, res.updated) == (1, 6)  # B1-B6 differ in something
    assert res.history is not None and res.history.lines("en", applied=True)[0] == \
        "3 leads moved from channel 百度搜索 to channel 抖音短视频"
    new = lead_rows(engine)
    assert [new[k][0] for k in ("B1", "B2", "B3")] == ["douyin_video"] * 3
    assert (new["B4"][1], new["B5"][2], new["B6"][1], new["B6"][3]) == ("p_bo", T(2026, 2, 6, 9), "p_bo", 666.0)
    assert new["N1"] == ("baidu_search", "p_ann", T(2026, 2, 7, 9), 700.0)
    assert undo_upload(engine, res.upload_id).ok
    assert lead_rows(engine) == old
    assert db.dump(engine, db.FACT_TABLES) == before


def test_other_column_updates_go_through_without_asking(engine: Engine) -> None:
    based(engine)
    values = [HEAD, ["B1", "2026-02-01 09:00", "baidu_search", "p_ann", "150"],
              ["B6", "2026-02-06 09:00", "douyin_video", "", "650"]]
    res = ingest(engine, csv_bytes(values), "values.csv")
    assert res.status == "loaded" and res.updated == 2 and res.history is None
    stages = [["lead_id", "mql_at", "owner_id"], ["B2", "2026-02-10", "Ann Lee"]]  # the owner is the same person
    res = ingest(engine, csv_bytes(stages), "stages.csv", table="leads")
    assert res.status == "loaded" and res.updated == 1 and res.history is None


def test_dry_run_previews_the_changes_without_writing(engine: Engine) -> None:
    based(engine)
    before = db.dump(engine)
    moved = [HEAD, ["B1", "2026-02-01 09:00", "brand_new_channel", "赵六", "100"]]  # both created on the fly
    res = ingest(engine, csv_bytes(moved), "moved.csv", dry_run=True)
    assert res.status == "dry_run"
    assert [(g.column, g.old, g.new, g.old_name, g.new_name) for g in res.history.groups] == [
        ("channel_id", "baidu_search", "brand_new_channel", "百度搜索", "brand_new_channel"),
        ("owner_id", "p_ann", "赵六", "Ann Lee", "赵六")]
    assert db.dump(engine) == before  # the people and channel made for the comparison were rolled back


def test_names_fall_back_to_ids(engine: Engine) -> None:
    based(engine)
    with store.transaction(engine) as conn:  # a lead whose owner is in no people table
        conn.execute(schema.leads.insert().values(lead_id="G1", created_at=T(2026, 2, 1), channel_id="baidu_search",
                                                  owner_id="p_gone", campaign_id="", inserted_by=None))
    res = ingest(engine, csv_bytes([HEAD, ["G1", "2026-02-01", "baidu_search", "p_bo", ""]]), "g.csv")
    assert res.status == "unconfirmed"
    assert res.history.lines("en") == ["1 lead would change owner from p_gone to 王博"]
    assert res.history.leads.loc[0, "owner_before"] == "p_gone"


def test_changes_are_found_over_many_rows_in_one_query(engine: Engine) -> None:
    db.seed(engine)
    n = 5000
    first = [HEAD] + [[f"M{i}", "2026-03-01", "baidu_search", "p_ann", ""] for i in range(n)]
    assert ingest(engine, csv_bytes(first), "many.csv").inserted == n
    second = [HEAD] + [[f"M{i}", "2026-03-01", "douyin_video" if i % 2 else "baidu_search", "p_ann", ""]
                       for i in range(n)]
    res = ingest(engine, csv_bytes(second), "many2.csv")
    assert res.status == "unconfirmed" and res.history.counts() == {"channel_id": n // 2}
    assert len(res.history.leads) == n // 2
    with engine.connect() as conn:  # independent check: nothing moved
        moved = conn.execute(sa.text("SELECT count(*) FROM leads WHERE lead_id LIKE 'M%' AND channel_id <> 'baidu_search'"))
        assert moved.scalar() == 0


def test_cli_refuses_without_accept_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    engine = store.get_engine(url)
    try:
        based(engine)
        path = tmp_path / "crm_again.csv"
        path.write_bytes(csv_bytes(REUPLOAD))
        before = db.dump(engine)
        assert main(["ingest", str(path), "--db", url]) == 1
        out = capsys.readouterr().out
        assert "Nothing was loaded: this upload would change the history of existing leads" in out
        assert all(line in out for line in EN_LINES)
        assert "rerun with --accept-changes" in out
        assert db.dump(engine) == before and db.count(engine, "leads") == 9  # nothing loaded, not even N1

        assert main(["ingest", str(path), "--db", url, "--lang", "zh", "--format", "json"]) == 1
        doc = json.loads(capsys.readouterr().out)
        assert (doc["status"], doc["history_changes"]["leads"]) == ("unconfirmed", 5)
        assert doc["history_changes"]["summary"][0] == "3 条线索的渠道将从百度搜索改为抖音短视频"
        assert main(["ingest", str(path), "--db", url, "--dry-run"]) == 1  # a dry run says it would be refused
        assert db.dump(engine) == before

        assert main(["ingest", str(path), "--db", url, "--accept-changes"]) == 0
        out = capsys.readouterr().out
        assert "Changes applied to existing leads (5 leads):" in out
        assert lead_rows(engine)["B1"][0] == "douyin_video" and db.count(engine, "leads") == 10
    finally:
        store.dispose_engine(url)
