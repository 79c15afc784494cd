"""The Data page in AppTest (bad files, loads and undo, the mapping editor), exports, and the conventions every page keeps (both languages, thin pages)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import string
from pathlib import Path

import openpyxl
import pandas as pd
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import schema, store
from kpi_engine.i18n import catalog
from kpi_engine.ingest.mapping import canonical_columns, find_saved_mapping
from kpi_engine.ingest.pipeline import ingest
from tests.test_app import (
    APP,
    PAGES,
    ROOT,
    assert_ok,
    counts,
    empty_url,  # noqa: F401  (the fixture, shared)
    metrics,
    open_app,  # noqa: F401  (the fixture, shared)
    texts,
)
from ui.load_report import report_csv, report_xlsx
from ui.tables import neutralize_formulas, to_csv_bytes, to_excel_bytes

BAD_LEADS = (
    "线索ID,创建时间,渠道,成交金额\n"
    "L1,2026-10-01 09:00,douyin,1200\n"
    "L2,2026/10/02,baidu,abc\n"
    "L3,notadate,,-5\n"
    "L1,2026-10-04,douyin,10\n"
).encode()


GOOD_LEADS = (
    b"Lead ID,Created,Lead Source,Lead Owner,Amount\n"
    b"A1,2026-10-01 09:00,douyin,Ann,100\n"
    b"A2,2026-10-02 10:30,baidu,Bob,\n"
    b"A3,2026-10-03,douyin,Ann,250.5\n"
)


LATER_LEADS = (
    b"Lead ID,Created,Lead Source,Lead Owner,Amount\n"
    b"A1,2026-10-01 09:00,douyin,Ann,999\n"
)


AD_NO_DATE = (
    b"Campaign ID,Ad ID,Amount spent (CNY),Impressions,Clicks\n"
    b"dv_brand,ad1,100.5,1000,20\n"
    b"dv_brand,ad2,50,400,8\n"
)


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, "text/csv") for name, data in files]).run()
    assert_ok(at)
    return at


def keyed(widgets, prefix: str) -> list:
    return [w for w in widgets if (w.key or "").startswith(prefix)]


def report_frame(at: AppTest) -> pd.DataFrame:
    """The validation report table on the page (the dataframe with a "Code" column)."""
    frames = [d.value for d in at.dataframe if "Code" in d.value.columns]
    assert frames, "no validation report on the page"
    return frames[0]


# --- Data page -----------------------------------------------------------------------------------------------


def test_bad_file_shows_the_report_and_blocks_the_load(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("bad_leads.csv", BAD_LEADS))
    assert keyed(at.selectbox, "table_")[0].value == "leads"
    report = report_frame(at)
    errors = report[report["Severity"] == "error"]
    assert sorted(zip(errors["Row"], errors["Code"], strict=True)) == [
        (3, "bad_number"), (4, "bad_date"), (4, "negative"), (5, "duplicate_key")]
    assert errors.set_index("Code").loc["bad_number", "Column"] == "deal_value"
    assert errors.set_index("Code").loc["bad_number", "Value"] == "abc"
    assert errors["Reason"].str.len().min() > 0 and errors["How to fix"].str.len().min() > 0
    shown = metrics(at)
    assert (shown["Rows read"], shown["Errors"], shown["Rows with errors"]) == ("4", "4", "3")
    assert any("4 errors in 3 rows" in e for e in texts(at.error))
    assert len(keyed(at.download_button, "dl_csv_")) == 1 and len(keyed(at.download_button, "dl_xlsx_")) == 1
    load = keyed(at.button, "load_")[0]
    assert load.disabled  # "block on errors" is the default
    assert sum(counts(empty_url).values()) == 0  # the dry run wrote nothing

    keyed(at.radio, "onerr_")[0].set_value("skip").run()
    load = keyed(at.button, "load_")[0]
    assert not load.disabled
    load.click().run()
    assert_ok(at)
    assert any("Loaded into Leads as upload #1" in s for s in texts(at.success))
    shown = metrics(at)
    assert (shown["Rows read"], shown["Inserted"], shown["Updated"], shown["Rejected"]) == ("4", "1", "0", "3")
    with store.get_engine(empty_url).connect() as conn:
        rows = conn.execute(sa.select(schema.leads.c.lead_id, schema.leads.c.deal_value)).all()
    assert [tuple(r) for r in rows] == [("L1", 1200.0)]


def test_bad_file_in_chinese(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py", lang="zh"), ("bad_leads.csv", BAD_LEADS))
    assert any("3 行中有 4 个错误" in e for e in texts(at.error))
    assert "错误" in metrics(at)
    frames = [d.value for d in at.dataframe if "代码" in d.value.columns]  # the report, headers in Chinese
    assert sum(len(f) for f in frames) == 5  # 4 errors and 1 warning, each in its own tab
    assert keyed(at.button, "load_")[0].label == "加载"


def test_good_file_loads_then_undo_restores(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("leads_ok.csv", GOOD_LEADS))
    assert "No problems found: every row can be loaded." in texts(at.success)
    preview = [d.value for d in at.dataframe if "lead_id" in d.value.columns][0]
    assert list(preview["lead_id"]) == ["A1", "A2", "A3"] and list(preview["Row"]) == [2, 3, 4]
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    shown = metrics(at)
    assert (shown["Upload"], shown["Rows read"], shown["Inserted"], shown["Rejected"]) == ("#1", "3", "3", "0")
    created = " ".join(texts(at.warning))
    assert "Channels created on the fly" in created and "baidu" in created and "douyin" in created
    assert "People created on the fly" in created and "Ann" in created
    assert counts(empty_url)["leads"] == 3
    history = [d.value for d in at.dataframe if "Status" in d.value.columns][0]
    assert list(history["Upload"]) == [1] and list(history["Status"]) == ["in effect"]
    assert list(history["Inserted"]) == [3]

    at.button(key="undo_ask").click().run()
    assert any("Undo #1 · leads_ok.csv · Leads?" in w for w in texts(at.warning))
    assert counts(empty_url)["leads"] == 3  # nothing happens before the confirmation
    at.button(key="undo_confirm").click().run()
    assert_ok(at)
    assert any(s.startswith("Undid upload #1") for s in texts(at.success))
    after = counts(empty_url)
    assert (after["leads"], after["people"], after["channels"]) == (0, 0, 0)
    history = [d.value for d in at.dataframe if "Status" in d.value.columns][0]
    assert list(history["Status"]) == ["undone"]
    assert "Upload #1 has since been undone (see the upload history)." in texts(at.info)
    assert "undo_ask" not in [b.key for b in at.button]  # nothing left to undo


def test_undo_is_refused_while_a_later_upload_changed_the_same_rows(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("first.csv", GOOD_LEADS), ("later.csv", LATER_LEADS))
    loads = keyed(at.button, "load_")
    assert len(loads) == 2  # one panel per file
    loads[0].click().run()
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    with store.get_engine(empty_url).connect() as conn:
        value = conn.execute(sa.select(schema.leads.c.deal_value).where(schema.leads.c.lead_id == "A1")).scalar()
    assert value == 999.0
    at.selectbox(key="undo_pick").set_value(1).run()
    at.button(key="undo_ask").click().run()
    at.button(key="undo_confirm").click().run()
    assert_ok(at)
    refused = " ".join(texts(at.error))
    assert "Can't undo upload #1" in refused and "#2" in refused
    assert counts(empty_url)["leads"] == 3
    at.selectbox(key="undo_pick").set_value(2).run()  # the newest upload first: allowed
    at.button(key="undo_ask").click().run()
    at.button(key="undo_confirm").click().run()
    assert any(s.startswith("Undid upload #2") for s in texts(at.success))
    with store.get_engine(empty_url).connect() as conn:
        value = conn.execute(sa.select(schema.leads.c.deal_value).where(schema.leads.c.lead_id == "A1")).scalar()
    assert value == 100.0  # restored exactly


def test_mapping_editor_constants_unmapping_and_saved_mapping(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("ads.csv", AD_NO_DATE))
    assert keyed(at.selectbox, "table_")[0].value == "spend"
    # required, neither header nor value (a missing channel has its default: the unattributed channel)
    assert any("Required columns" in w and "Date" in w and "Channel" not in w for w in texts(at.warning))
    assert keyed(at.button, "load_")[0].disabled
    editor = at.data_editor[0]
    cols = list(editor.value["column"])
    assert cols == canonical_columns("spend")
    assert editor.value.set_index("column").loc["cost", "source"] == "Amount spent (CNY)"
    assert editor.value.set_index("column").loc["date", "required"]
    at.session_state[editor.key] = {
        "edited_rows": {cols.index("date"): {"constant": "2026-10-31"},
                        cols.index("channel_id"): {"constant": "douyin_video"},
                        cols.index("clicks"): {"source": "—"}},
        "added_rows": [], "deleted_rows": [],
    }
    at.run()
    assert_ok(at)
    preview = [d.value for d in at.dataframe if "cost" in d.value.columns][0]
    assert list(preview["date"]) == ["2026-10-31", "2026-10-31"] and "clicks" not in preview.columns
    keyed(at.checkbox, "save_")[0].check().run()
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    assert metrics(at)["Inserted"] == "2"
    s = schema.spend
    with store.get_engine(empty_url).connect() as conn:
        rows = conn.execute(sa.select(s.c.date, s.c.channel_id, s.c.ad_id, s.c.cost, s.c.clicks).order_by(s.c.ad_id)).all()
    assert [tuple(r) for r in rows] == [(dt.date(2026, 10, 31), "douyin_video", "ad1", 100.5, None),
                                        (dt.date(2026, 10, 31), "douyin_video", "ad2", 50.0, None)]
    saved = find_saved_mapping(store.get_engine(empty_url), ["Campaign ID", "Ad ID", "Amount spent (CNY)",
                                                              "Impressions", "Clicks"])
    assert saved is not None and saved.table == "spend"
    assert saved.constants == {"date": "2026-10-31", "channel_id": "douyin_video"}
    assert "clicks" not in saved.columns and saved.columns["cost"] == "Amount spent (CNY)"


def test_unknown_headers_ask_for_a_table(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("odd.csv", b"foo,bar\n1,2\n"))
    select = keyed(at.selectbox, "table_")[0]
    assert select.value == ""
    assert any("No table matches these headers" in w for w in texts(at.warning))
    assert not keyed(at.button, "load_")
    select.set_value("people").run()
    assert_ok(at)
    assert list(at.data_editor[0].value["column"]) == canonical_columns("people")
    assert keyed(at.button, "load_")[0].disabled


def test_unreadable_file_says_why(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "app_pages/data.py"), ("empty.csv", b""))
    assert any("could not be read into rows" in e for e in texts(at.error))
    report = report_frame(at)
    assert list(report["Code"]) == ["file_empty"]
    assert not keyed(at.button, "load_")


# --- exports, strings, conventions --------------------------------------------------------------------------


def test_exports_neutralise_formula_cells() -> None:
    frame = pd.DataFrame({
        "value": ['=HYPERLINK("http://x","y")', "+1", "-5", "@SUM(A1)", "\tx", "\rx", "ok", None],
        "row": [2, 3, 4, 5, 6, 7, 8, 9],
    })
    safe = neutralize_formulas(frame)
    # "+1" and "-5" are plain numbers a spreadsheet reads as numbers, never formulas: left as they are
    assert list(safe["value"][:7]) == ["'=HYPERLINK(\"http://x\",\"y\")", "+1", "-5", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    assert pd.isna(safe["value"].iloc[7])
    assert list(safe["row"]) == list(frame["row"])  # numbers untouched
    raw = to_csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Chinese text correctly
    parsed = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert parsed[1][0] == "'=HYPERLINK(\"http://x\",\"y\")" and parsed[7][0] == "ok"
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame))).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 9)]
    # Excel: the text as it is, stored as a text cell (never a formula), no visible apostrophe
    assert [c.value for c in cells[:4]] == ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-5", "@SUM(A1)"]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula


def test_report_downloads_hold_every_issue_in_the_chosen_language(empty_url) -> None:
    data = ("线索ID,创建时间,渠道,负责人\n"
            "L1,2026-10-01,douyin,=HYPERLINK(\"http://evil\")\n"
            "L2,bad,douyin,Ann\n").encode()
    result = ingest(store.get_engine(empty_url), data, "x.csv", dry_run=True)
    assert set(result.issues["code"]) == {"formula_text", "bad_date"}
    rows = list(csv.reader(io.StringIO(report_csv(result.issues, "zh").decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + len(result.issues)
    assert rows[0][1] == "行号"  # Chinese headers
    assert "'=HYPERLINK(\"http://evil\")" in [cell for row in rows for cell in row]
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(result.issues, "en"))).active
    assert sheet.max_row == 1 + len(result.issues)
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://evil\")"]
    assert cells and all(c.data_type == "s" for c in cells)  # the text, stored as text: never a formula
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere


_KEY = re.compile(r"""\btr\(\s*["']([a-z0-9_]+)["']""")


def _ui_sources() -> list[Path]:
    return [APP, *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_ui_string_exists_in_both_languages() -> None:
    strings = catalog()
    used = {key for path in _ui_sources() for key in _KEY.findall(path.read_text(encoding="utf-8"))}
    used |= {f"ui_grain_{g}" for g in ("day", "week", "month", "quarter", "custom")}
    used |= {f"ui_on_error_{v}" for v in ("abort", "skip")} | {f"ui_sum_created_{k}" for k in ("channels", "people")}
    used |= {f"ui_head_{t}" for t in ("leads", "spend", "campaigns", "channels", "people", "orders")}
    used |= {f"ui_table_{t}" for t in schema.UPLOAD_TABLES}
    used |= {f"ui_col_{c}" for t in schema.UPLOAD_TABLES for c in canonical_columns(t)}
    assert len(used) > 150
    missing = sorted(k for k in used if k not in strings)
    assert not missing, missing
    for key in sorted(k for k in strings if k.startswith("ui_")):
        en, zh = strings[key].get("en", ""), strings[key].get("zh", "")
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: Chinese text expected"


def test_pages_are_thin_safe_and_in_the_navigation() -> None:
    for path in _ui_sources():
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        assert len(text.splitlines()) < 150, page
        assert "sqlalchemy" not in text and "select(" not in text, page
    # every page script is in app.py's navigation, and app.py lists no page that does not exist
    listed = re.findall(r'"(app_pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert sorted(listed) == PAGES
