"""The Data page with hostile files (issue 17): the reason on the page, Load blocked, the store unchanged.

Driven headless by AppTest through the page's own file uploader on a seeded DuckDB file; the files are the
bad-input corpus's (tests/data/bad). A workbook with several sheets gets a sheet picker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_engine import store
from tests import ingest_db as db
from tests.apptest_support import assert_ok, opener
from tests.bad_corpus_model import BAD_DIR

PAGE = "app_pages/data.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def open_data(monkeypatch: pytest.MonkeyPatch):
    return opener(monkeypatch, PAGE)


@pytest.fixture
def url(tmp_path: Path):
    value = f"duckdb:///{tmp_path / 'page.duckdb'}"
    db.seed(store.get_engine(value))
    yield value
    store.dispose_engine(value)


def upload(at: AppTest, name: str) -> AppTest:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    at.file_uploader(key="upload_files").set_value([(name, (BAD_DIR / name).read_bytes(), kind)]).run()
    assert_ok(at)
    return at


def reasons(at: AppTest) -> list[str]:
    return [r for d in at.dataframe if "Reason" in d.value.columns for r in d.value["Reason"]]


def keyed(widgets, prefix: str) -> list:
    return [w for w in widgets if (w.key or "").startswith(prefix)]


@pytest.mark.parametrize(("name", "reason"), [
    ("number_not_finite.csv", "cost must be a finite number no larger than 1,000,000,000,000 (row 3: '1e309')."),
    ("dates_out_of_range.csv", "created_at must be a date from 1900-01-01 to 2200-12-31 (row 3: '1800-01-01')."),
    ("channel_name_and_id.csv", "Row 3 repeats the key date+channel_id+campaign_id+ad_id '2026-01-20 | baidu_search | "
                                "C100 | ' of row 2 once names are matched to ids"),
    ("formula_no_value.xlsx", "Row 3, expected_value: the cell holds a formula (=B2*2) without a saved result"),
    ("merged_cells.xlsx", "The data has 1 merged cell ranges (C2:C3)"),
])
def test_reason_shown_and_load_blocked(open_data, url, name: str, reason: str) -> None:
    before = db.dump(store.get_engine(url))
    at = upload(open_data(url), name)
    assert any(r.startswith(reason) for r in reasons(at)), reasons(at)
    assert keyed(at.button, "load_")[0].disabled
    assert db.dump(store.get_engine(url)) == before


def test_sheet_picker_asks_then_reads_the_chosen_sheet(open_data, url) -> None:
    at = upload(open_data(url), "sheets_ask.xlsx")
    picker = keyed(at.selectbox, "sheet_")[0]
    assert picker.options == ["— choose a sheet —", "Leads", "Spend"] and picker.value == ""
    assert any(r.startswith("The workbook has several sheets (Leads, Spend) and none clearly holds the data")
               for r in reasons(at))
    picker.set_value("Spend").run()
    assert_ok(at)
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    assert any("Loaded into Spend" in s.value for s in at.success)
    assert db.rows_where(store.get_engine(url), "spend", {"date": "2026-03-01", "campaign_id": "C100"})[0]["cost"] == 5.0
