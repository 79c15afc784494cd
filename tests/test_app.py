"""The app shell, the home page and the Data page, driven headless by AppTest on real DuckDB files.

Uploads go through the page's own ``st.file_uploader`` (AppTest can feed it bytes), so the
tests exercise exactly the path a user's file takes: read, detect, map, dry-run report, load,
history, undo. Expected numbers are worked out by hand from the small files below.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import string
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from kpi_engine import clock, demo, schema, store
from kpi_engine.i18n import catalog
from kpi_engine.ingest.mapping import canonical_columns, find_saved_mapping
from kpi_engine.ingest.pipeline import ingest
from tests.apptest_support import ServerLikePages
from ui.load_report import report_csv, report_xlsx
from ui.period import Period, make_period
from ui.tables import neutralize_formulas, to_csv_bytes, to_excel_bytes

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
HOME = "pages/home.py"  # Standup is the default page; these tests look at the home page
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
TIMEOUT = 60

# Four rows, three of them bad, hand-checked: row 3 deal value "abc" (bad_number); row 4 an unparseable
# creation date (bad_date), a negative deal value (negative) and a blank channel (warning); row 5 repeats
# lead L1 of row 2 (duplicate_key, the first one is kept). Only row 2 is valid.
BAD_LEADS = (
    "线索ID,创建时间,渠道,成交金额\n"
    "L1,2026-10-01 09:00,douyin,1200\n"
    "L2,2026/10/02,baidu,abc\n"
    "L3,notadate,,-5\n"
    "L1,2026-10-04,douyin,10\n"
).encode()

# Three clean leads; owners given by name and channels that do not exist yet (created on the fly).
GOOD_LEADS = (
    b"Lead ID,Created,Lead Source,Lead Owner,Amount\n"
    b"A1,2026-10-01 09:00,douyin,Ann,100\n"
    b"A2,2026-10-02 10:30,baidu,Bob,\n"
    b"A3,2026-10-03,douyin,Ann,250.5\n"
)

# A later export that changes A1's deal value: undoing the first upload must then be refused.
LATER_LEADS = (
    b"Lead ID,Created,Lead Source,Lead Owner,Amount\n"
    b"A1,2026-10-01 09:00,douyin,Ann,999\n"
)

# An ad export without a date or channel column (one known day, one platform).
AD_NO_DATE = (
    b"Campaign ID,Ad ID,Amount spent (CNY),Impressions,Clicks\n"
    b"dv_brand,ad1,100.5,1000,20\n"
    b"dv_brand,ad2,50,400,8\n"
)


# --- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Factory: run app.py on a database URL (injected through session state), optionally on a page."""
    monkeypatch.setattr(app_test_module, "PagesManager", ServerLikePages)

    def run(url: str, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.session_state["db_url"] = url
        if query:
            at.query_params = dict(query)
        at.run()
        if page:
            at.switch_page(page).run()
        assert_ok(at)
        return at

    return run


def _url(path: Path) -> str:
    return f"duckdb:///{path}"


@pytest.fixture
def empty_url(tmp_path: Path):
    url = _url(tmp_path / "app.duckdb")
    yield url
    store.dispose_engine(url)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = _url(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.generate(store.get_engine(url), months=2, end=dt.date(2026, 10, 31))
    yield url
    store.dispose_engine(url)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, "text/csv") for name, data in files]).run()
    assert_ok(at)
    return at


def keyed(widgets, prefix: str) -> list:
    return [w for w in widgets if (w.key or "").startswith(prefix)]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def counts(url: str) -> dict[str, int]:
    return store.table_counts(store.get_engine(url))


def report_frame(at: AppTest) -> pd.DataFrame:
    """The validation report table on the page (the dataframe with a "Code" column)."""
    frames = [d.value for d in at.dataframe if "Code" in d.value.columns]
    assert frames, "no validation report on the page"
    return frames[0]


# --- home page and shell -------------------------------------------------------------------------------------


def test_home_on_empty_database_says_what_to_do_first(open_app, empty_url) -> None:
    at = open_app(empty_url, HOME)
    assert texts(at.title) == ["Marketing KPI dashboard"]
    assert any("The database is empty" in t for t in texts(at.info))
    assert at.button(key="load_demo").label == "Load demo data"
    assert [p.label for p in at.page_link] == ["Go to the Data page"]
    assert not at.metric  # no numbers for an empty store


def test_load_demo_button_fills_the_database(open_app, empty_url, monkeypatch) -> None:
    # Same generator, fewer months to keep the test fast.
    monkeypatch.setattr(demo, "generate", functools.partial(demo.generate, months=1, end=dt.date(2026, 10, 31)))
    at = open_app(empty_url, HOME)
    at.button(key="load_demo").click().run()
    assert_ok(at)
    assert "Demo data loaded." in texts(at.success)
    stored = counts(empty_url)
    assert stored["leads"] > 0 and stored["spend"] > 0
    shown = metrics(at)
    assert shown["Leads"] == f"{stored['leads']:,}"
    assert shown["Spend rows"] == f"{stored['spend']:,}"
    assert not at.info  # the empty-state call to action is gone


def test_home_on_demo_database_shows_counts_and_freshness(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME)
    stored = counts(demo_url)
    shown = metrics(at)
    for label, table in [("Leads", "leads"), ("Campaigns", "campaigns"), ("Channels", "channels"),
                         ("People", "people"), ("Orders", "orders")]:
        assert shown[label] == f"{stored[table]:,}"
    fresh = at.dataframe[0].value.set_index("Table")
    assert fresh.loc["Leads", "Rows"] == stored["leads"]
    assert fresh.loc["Survey responses (NPS)", "Rows"] == stored["survey_responses"]
    with store.get_engine(demo_url).connect() as conn:
        latest = conn.execute(sa.select(sa.func.max(schema.leads.c.created_at))).scalar()
    assert fresh.loc["Leads", "Latest date"] == latest.date().isoformat()
    assert fresh.loc["People", "Latest date"] == "—"  # people have no event date


def test_language_switch_changes_labels(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME)
    at.segmented_control(key="lang").set_value("zh").run()
    assert_ok(at)
    assert texts(at.title) == ["营销 KPI 看板"]
    assert "数据概况" in texts(at.subheader)
    assert "线索" in metrics(at)
    assert at.segmented_control(key="period").options == ["日", "周", "月", "季度", "自定义"]
    assert at.query_params["lang"] == "zh"
    at.segmented_control(key="period").set_value("week").run()  # widgets keep working in Chinese
    assert at.session_state["_period"].grain == "week"
    at.switch_page("pages/data.py").run()
    assert_ok(at)
    assert texts(at.title) == ["数据"]
    assert texts(at.header) == ["上传文件", "上传记录", "数据新鲜度"]
    at.segmented_control(key="lang").set_value("en").run()
    assert texts(at.header) == ["Upload files", "Upload history", "Data freshness"]
    assert at.query_params["lang"] == "en"


def test_url_opens_the_same_view(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME, lang="zh", period="week", date="2026-02-04")
    assert texts(at.title) == ["营销 KPI 看板"]
    assert at.session_state["_period"] == Period("week", dt.date(2026, 2, 2), dt.date(2026, 2, 8))
    assert "2026-W06：2026-02-02 至 2026-02-08（7 天）" in texts(at.sidebar.caption)
    assert (at.query_params["period"], at.query_params["date"]) == ("week", "2026-02-04")

    at = open_app(demo_url, HOME, period="custom", range="2026-01-05..2026-02-10")
    assert at.date_input(key="range").value == (dt.date(2026, 1, 5), dt.date(2026, 2, 10))
    assert at.session_state["_period"] == Period("custom", dt.date(2026, 1, 5), dt.date(2026, 2, 10))
    assert "date" not in at.query_params  # the anchor day does not apply to a custom range

    at.segmented_control(key="period").set_value("quarter").run()
    assert at.session_state["_period"] == make_period("quarter", dt.date.today())  # the anchor defaults to today
    assert at.query_params["period"] == "quarter" and "range" not in at.query_params


def test_bad_url_values_fall_back_to_defaults(open_app, demo_url) -> None:
    at = open_app(demo_url, HOME, lang="xx", period="fortnight", date="not-a-date")
    assert texts(at.title) == ["Marketing KPI dashboard"]
    today = clock.business_today()  # the business day (Asia/Shanghai), not the server's
    assert at.session_state["_period"] == make_period("month", today)
    assert at.query_params["period"] == "month" and at.query_params["date"] == today.isoformat()


def test_period_rules() -> None:
    assert make_period("day", dt.date(2026, 3, 4)) == Period("day", dt.date(2026, 3, 4), dt.date(2026, 3, 4))
    # ISO week across a year end: Thursday 2026-01-01 is in the week Monday 2025-12-29 .. Sunday 2026-01-04.
    assert make_period("week", dt.date(2026, 1, 1)) == Period("week", dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert make_period("month", dt.date(2024, 2, 10)).end == dt.date(2024, 2, 29)
    assert make_period("quarter", dt.date(2026, 11, 23)) == Period("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert make_period("quarter", dt.date(2026, 11, 23)).label == "2026-Q4"
    assert make_period("custom", dt.date(2026, 1, 1), (dt.date(2026, 2, 9), dt.date(2026, 2, 1))) == \
        Period("custom", dt.date(2026, 2, 1), dt.date(2026, 2, 9))
    half = make_period("custom", dt.date(2026, 1, 1), (dt.date(2026, 2, 9),))
    assert (half.start, half.end, half.days) == (dt.date(2026, 2, 9), dt.date(2026, 2, 9), 1)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("which", ["empty", "demo"])
def test_every_page_runs(open_app, page, which, request) -> None:
    url = request.getfixturevalue(f"{which}_url")
    for lang in ("en", "zh"):
        at = open_app(url, page, lang=lang)
        assert at.title and at.title[0].value
        assert at.segmented_control(key="lang").value == lang  # the shared sidebar is there


def test_page_started_by_legacy_pages_mode_reruns_through_app(empty_url) -> None:
    """Without the server-like patch, AppTest starts pages/data.py by itself on the second run; the page
    must rerun through app.py (sidebar, language) instead of rendering without the shell."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["db_url"] = empty_url
    at.query_params = {"lang": "zh"}
    at.run()
    at.switch_page("pages/data.py").run()
    at.run()
    assert_ok(at)
    assert texts(at.title) == ["数据"]
    assert at.segmented_control(key="lang").value == "zh"
    assert texts(at.sidebar.subheader) == ["周期"]


# --- Data page -----------------------------------------------------------------------------------------------


def test_bad_file_shows_the_report_and_blocks_the_load(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "pages/data.py"), ("bad_leads.csv", BAD_LEADS))
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
    at = upload(open_app(empty_url, "pages/data.py", lang="zh"), ("bad_leads.csv", BAD_LEADS))
    assert any("3 行中有 4 个错误" in e for e in texts(at.error))
    assert "错误" in metrics(at)
    frames = [d.value for d in at.dataframe if len(d.value) == 5 and "Code" not in d.value.columns]
    assert frames  # the report with localized headers
    assert keyed(at.button, "load_")[0].label == "加载"


def test_good_file_loads_then_undo_restores(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "pages/data.py"), ("leads_ok.csv", GOOD_LEADS))
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
    at = upload(open_app(empty_url, "pages/data.py"), ("first.csv", GOOD_LEADS), ("later.csv", LATER_LEADS))
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
    at = upload(open_app(empty_url, "pages/data.py"), ("ads.csv", AD_NO_DATE))
    assert keyed(at.selectbox, "table_")[0].value == "spend"
    assert any("date" in w and "channel_id" in w for w in texts(at.warning))  # required, neither header nor value
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
    at = upload(open_app(empty_url, "pages/data.py"), ("odd.csv", b"foo,bar\n1,2\n"))
    select = keyed(at.selectbox, "table_")[0]
    assert select.value == ""
    assert any("No table matches these headers" in w for w in texts(at.warning))
    assert not keyed(at.button, "load_")
    select.set_value("people").run()
    assert_ok(at)
    assert list(at.data_editor[0].value["column"]) == canonical_columns("people")
    assert keyed(at.button, "load_")[0].disabled


def test_unreadable_file_says_why(open_app, empty_url) -> None:
    at = upload(open_app(empty_url, "pages/data.py"), ("empty.csv", b""))
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
    return [APP, *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


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


def test_pages_are_thin_safe_and_inside_the_shell() -> None:
    for path in _ui_sources():
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        assert len(text.splitlines()) < 150, page
        assert "ensure_app_shell()" in text, page
        assert "sqlalchemy" not in text and "select(" not in text, page
    # every page script is in app.py's navigation, and app.py lists no page that does not exist
    listed = re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert sorted(listed) == PAGES

