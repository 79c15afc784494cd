"""Uploads as the README promises (issue 11.4), through the Data page's own uploader (AppTest, a real DuckDB file).

- a file with only some columns of its table (a deals export: lead id, stage, close date, amount) is a partial update
  of stored leads and loads from the page exactly as ``python -m kpi_engine ingest`` loads it; on an empty store the
  same file is refused on both;
- rows without a channel follow one rule, said on the page: the unattributed channel, as on the command line;
- the summary's counts and the lists' counts agree (several errors of several kinds, lists cut at N rows), fixes
  are phrased for the page in English and Chinese while the command line keeps its options;
- a mapping adjusted on the page is remembered: next month's file with the same headers is mapped without asking.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import schema, store
from kpi_engine.cli.ingest import render
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.pipeline import ingest
from tests.apptest_support import assert_ok, keyed, texts
from tests.apptest_support import upload_csv as upload
from tests.test_page_upload_checks import open_data, url  # noqa: F401  (the fixtures, shared)

T = dt.datetime
PAGE = "app_pages/data.py"
FIRST = b"Lead ID,Created,Lead Source,Lead Owner\nA1,2026-10-01 09:00,douyin,Ann\nA2,2026-10-02,douyin,Ann\nA3,2026-10-03,baidu,Bob\n"
DEALS = b"Deal ID,Deal Stage,Close Date,Amount\nA1,closed won,2026-10-20,5000\nA2,closed lost,2026-10-21,\n"
# 5 impossible dates (rows 2-6), 4 negative values (rows 7-10) on rows whose channel is also blank (4 warnings).
BAD = "\n".join(["Lead ID,Created,Lead Source,Expected value",
                 *[f"X{i},2026-13-0{i},douyin,5" for i in range(1, 6)],
                 *[f"Y{i},2026-10-0{i},,-{i}" for i in range(1, 5)]]).encode()


def load_button(at: AppTest):
    return keyed(at.button, "load_")[0]


def leads(url: str) -> dict[str, tuple]:
    t = schema.leads
    with store.get_engine(url).connect() as conn:
        rows = conn.execute(sa.select(t.c.lead_id, t.c.channel_id, t.c.owner_id, t.c.won_at, t.c.lost_at, t.c.deal_value))
        return {r[0]: tuple(r[1:]) for r in rows}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_deals_only_file_updates_stored_leads_from_the_page(open_data, url) -> None:
    at = upload(open_data(url), "first.csv", FIRST)
    load_button(at).click().run()
    assert_ok(at)

    at = upload(open_data(url), "deals.csv", DEALS)
    assert keyed(at.selectbox, "table_")[0].value == "leads"
    note = " ".join(texts(at.info))
    assert "Partial update: the file has no Created at, Channel." in note, note
    assert "matched by Lead ID" in note
    assert not any("Required columns without" in w for w in texts(at.warning))
    assert not load_button(at).disabled
    load_button(at).click().run()
    assert_ok(at)
    assert any("Loaded into Leads as upload #2" in s for s in texts(at.success))
    assert metrics(at) == {"Upload": "#2", "Rows read": "2", "Inserted": "0", "Updated": "2", "Rejected": "0"}
    assert ("Partial update: only the file's columns (Deal value, Stage, Close date) were used; every other column "
            "of the stored rows kept its value.") in texts(at.caption)
    got = leads(url)
    assert got["A1"] == ("douyin", "Ann", T(2026, 10, 20), None, 5000.0)  # won: stage + close date; channel kept
    assert got["A2"] == ("douyin", "Ann", None, T(2026, 10, 21), None)  # lost
    assert got["A3"] == ("baidu", "Bob", None, None, None)  # not in the file: unchanged


def test_the_page_and_the_cli_agree_on_a_partial_file(open_data, url, tmp_path: Path) -> None:
    at = upload(open_data(url), "deals.csv", DEALS)  # nothing stored yet: the leads can't be created from it
    warning = " ".join(texts(at.warning))
    assert "Required columns without a header or a value: Created at." in warning  # a channel has its default
    assert load_button(at).disabled
    cli = ingest(store.get_engine(url), DEALS, "deals.csv", dry_run=True)
    assert set(cli.errors["code"]) == {"missing_column"}  # the command line refuses it for the same reason

    other = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    try:
        engine = store.get_engine(other)
        assert ingest(engine, FIRST, "first.csv").status == "loaded"
        res = ingest(engine, DEALS, "deals.csv")
        assert (res.status, res.inserted, res.updated) == ("loaded", 0, 2)  # the same numbers as the page
    finally:
        store.dispose_engine(other)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_counts_agree_and_fixes_speak_of_the_page(open_data, url, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    import ui.load_report as report

    monkeypatch.setattr(report, "SHOWN_ISSUES", 3)  # lists cut at 3 rows: more errors and warnings than that
    at = upload(open_data(url, lang=lang), "bad.csv", BAD)
    m = metrics(at)
    if lang == "en":
        assert (m["Errors"], m["Warnings"], m["Rows with errors"], m["Rows read"]) == ("9", "4", "9", "9")
        assert [t.label for t in at.tabs] == ["Errors (9)", "Warnings (4)"]
        assert "Showing the first 3 of 9 errors; the downloads hold every problem." in texts(at.caption)
        assert "Showing the first 3 of 4 warnings; the downloads hold every problem." in texts(at.caption)
        assert "9 errors in 9 rows." in " ".join(texts(at.error))
        rule = " ".join(texts(at.info))
        assert "4 rows have no channel. As on the command line, they load into the channel “Unattributed”" in rule
    else:
        assert (m["错误"], m["警告"], m["有错误的行"]) == ("9", "4", "9")
        assert [t.label for t in at.tabs] == ["错误（9）", "警告（4）"]
        assert "显示 9 个错误中的前 3 个；下载文件包含全部问题。" in texts(at.caption)
        assert "9 行中有 9 个错误" in " ".join(texts(at.error))
        assert "4 行没有渠道。与命令行相同，这些行会加载到渠道“未归因”" in " ".join(texts(at.info))
    lists = [d.value for d in at.dataframe if len(d.value.columns) == 8]
    assert [len(x) for x in lists] == [3, 3]
    fixes = [f for x in lists for f in x.iloc[:, 6]]
    assert not any("--" in f for f in fixes), fixes  # no command-line option on the page
    blank = lists[1].iloc[0, 6]
    assert ("mapping table above" if lang == "en" else "上方字段对应表") in blank

    res = ingest(store.get_engine(url), BAD, "bad.csv", dry_run=True, lang=lang)
    out = render(res, lang)
    assert len(res.errors) == 9 and len(res.warnings) == 4 and res.rejected == 9  # the same counts as the page
    cli_fixes = [r["fix"] for r in issue_records(res.warnings, lang)]
    assert all("--set channel_id=" in f for f in cli_fixes)  # the command line keeps its own phrasing
    assert ("Unattributed" if lang == "en" else "未归因") in out and "'unattributed'" not in out


def test_a_mapping_adjusted_on_the_page_is_used_next_month(open_data, url) -> None:
    october = b"Lead No,Signed up,Heard of us via,Rep\nK1,2026-10-01,douyin,Ann\nK2,2026-10-02,baidu,Bob\n"
    november = b"Lead No,Signed up,Heard of us via,Rep\nK3,2026-11-03,baidu,Ann\n"
    at = upload(open_data(url), "october.csv", october)
    table = keyed(at.selectbox, "table_")[0]
    table.set_value("leads").run()  # headers no synonym knows: the table is chosen by hand ...
    assert_ok(at)
    editor = keyed(at.data_editor, "map_")[0]
    rows = list(editor.value["column"])
    at.session_state[editor.key] = {  # ... and the mapping adjusted in the editor
        "edited_rows": {rows.index("lead_id"): {"source": "Lead No"}, rows.index("created_at"): {"source": "Signed up"},
                        rows.index("channel_id"): {"source": "Heard of us via"}, rows.index("owner_id"): {"source": "Rep"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    assert_ok(at)
    assert keyed(at.checkbox, "save_")[0].value  # remembered unless the user says otherwise
    load_button(at).click().run()
    assert_ok(at)
    assert any("Loaded into Leads as upload #1" in s for s in texts(at.success))

    at = upload(open_data(url), "november.csv", november)  # same headers: nothing to choose or map
    assert keyed(at.selectbox, "table_")[0].value == "leads"
    assert "A mapping saved earlier for files with these headers is used (Leads)." in texts(at.caption)
    sources = dict(zip(keyed(at.data_editor, "map_")[0].value["column"], keyed(at.data_editor, "map_")[0].value["source"],
                       strict=True))
    assert (sources["lead_id"], sources["created_at"], sources["channel_id"], sources["owner_id"]) == (
        "Lead No", "Signed up", "Heard of us via", "Rep")
    load_button(at).click().run()
    assert_ok(at)
    assert set(leads(url)) == {"K1", "K2", "K3"} and leads(url)["K3"][:2] == ("baidu", "Ann")
