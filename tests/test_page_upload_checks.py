"""The Data page asks the date order of ambiguous dates and the confirmation of changes to existing leads.

Driven headless by AppTest through the page's own file uploader, on a real DuckDB file (issue 10, points 3
and 4): the Load button stays disabled until the question is answered, and the answer reaches the engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi_engine import schema, store
from kpi_engine.ingest.mapping import find_saved_mapping
from tests.apptest_support import assert_ok, keyed, opener, texts
from tests.apptest_support import upload_csv as upload

T = dt.datetime
PAGE = "app_pages/data.py"
AMBIGUOUS = b"Lead ID,Created,Lead Source\nD1,03/04/2026,douyin\nD2,05/06/2026,douyin\n"
NEXT_MONTH = b"Lead ID,Created,Lead Source\nE1,07/08/2026,douyin\n"
FIRST = b"Lead ID,Created,Lead Source,Lead Owner\nA1,2026-10-01 09:00,douyin,Ann\nA2,2026-10-02,douyin,Ann\nA3,2026-10-03,baidu,Bob\n"
# A1 and A2 move from douyin to baidu, A3 changes owner from Bob to Ann.
MOVED = b"Lead ID,Created,Lead Source,Lead Owner\nA1,2026-10-01 09:00,baidu,Ann\nA2,2026-10-02,baidu,Ann\nA3,2026-10-03,baidu,Ann\n"


@pytest.fixture
def open_data(monkeypatch: pytest.MonkeyPatch):
    return opener(monkeypatch, PAGE)


@pytest.fixture
def url(tmp_path: Path):
    value = f"duckdb:///{tmp_path / 'page.duckdb'}"
    yield value
    store.dispose_engine(value)


def leads(url: str) -> dict[str, tuple]:
    t = schema.leads
    with store.get_engine(url).connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(t.c.lead_id, t.c.created_at, t.c.channel_id, t.c.owner_id))}


def test_ambiguous_dates_ask_for_the_order_before_loading(open_data, url) -> None:
    at = upload(open_data(url), "crm.csv", AMBIGUOUS)
    order = keyed(at.radio, "dateorder_")[0]
    assert order.value is None and order.options == ["day/month/year", "month/day/year", "year/month/day"]
    readings = [d.value for d in at.dataframe if "Value in the file" in d.value.columns][0]
    assert readings.to_dict("records") == [
        {"Value in the file": "03/04/2026", "day/month/year": "2026-04-03", "month/day/year": "2026-03-04",
         "year/month/day": "not a date"},
        {"Value in the file": "05/06/2026", "day/month/year": "2026-06-05", "month/day/year": "2026-05-06",
         "year/month/day": "not a date"}]
    assert any("Choose the date order" in w for w in texts(at.warning))
    assert keyed(at.button, "load_")[0].disabled
    assert "Choose the date order above to load this file." in texts(at.caption)

    keyed(at.radio, "dateorder_")[0].set_value("dmy").run()
    assert_ok(at)
    load = keyed(at.button, "load_")[0]
    assert not load.disabled
    keyed(at.checkbox, "save_")[0].check().run()
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    assert any("Loaded into Leads as upload #1" in s for s in texts(at.success))
    assert {k: v[0] for k, v in leads(url).items()} == {"D1": T(2026, 4, 3), "D2": T(2026, 6, 5)}
    assert find_saved_mapping(store.get_engine(url), ["Lead ID", "Created", "Lead Source"]).date_order == "dmy"

    at = upload(open_data(url), "crm_next.csv", NEXT_MONTH)  # next month, same source: no question left open
    assert keyed(at.radio, "dateorder_")[0].value == "dmy"
    assert any("Saved with the mapping for this source: day/month/year." in c for c in texts(at.caption))
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    assert leads(url)["E1"][0] == T(2026, 8, 7)


def test_unambiguous_file_shows_no_date_question(open_data, url) -> None:
    at = upload(open_data(url), "first.csv", FIRST)
    assert not keyed(at.radio, "dateorder_") and not keyed(at.checkbox, "accept_")
    assert not keyed(at.button, "load_")[0].disabled


def test_changes_to_existing_leads_need_a_confirmation(open_data, url) -> None:
    at = upload(open_data(url), "first.csv", FIRST)
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    before = leads(url)

    at = upload(open_data(url), "moved.csv", MOVED)
    warning = " ".join(texts(at.warning))
    assert "changes the owner, channel or created date of 3 leads already stored" in warning
    assert "2 leads would move from channel douyin to channel baidu" in warning
    assert "1 lead would change owner from Bob to Ann" in warning
    listed = [d.value for d in at.dataframe if "Changed" in d.value.columns][0]
    assert list(listed["Lead"]) == ["A1", "A2", "A3"] and list(listed["Changed"]) == ["channel", "channel", "owner"]
    assert len(keyed(at.download_button, "dl_hist_csv_")) == 1 and len(keyed(at.download_button, "dl_hist_xlsx_")) == 1
    confirm = keyed(at.checkbox, "accept_")[0]
    assert not confirm.value and confirm.label == "I confirm these changes to 3 existing leads"
    assert keyed(at.button, "load_")[0].disabled
    assert "Confirm the changes to existing leads above to load this file." in texts(at.caption)
    assert leads(url) == before  # the preview wrote nothing

    confirm.check().run()
    assert_ok(at)
    assert not keyed(at.button, "load_")[0].disabled
    keyed(at.button, "load_")[0].click().run()
    assert_ok(at)
    assert any("Loaded into Leads as upload #2" in s for s in texts(at.success))
    assert any("2 leads moved from channel douyin to channel baidu" in i for i in texts(at.info))
    after = leads(url)
    assert [after[k][1] for k in ("A1", "A2", "A3")] == ["baidu"] * 3 and after["A3"][2] == "Ann"

    at.selectbox(key="undo_pick").set_value(2).run()
    at.button(key="undo_ask").click().run()
    at.button(key="undo_confirm").click().run()
    assert_ok(at)
    assert any(s.startswith("Undid upload #2") for s in texts(at.success))
    assert leads(url) == before  # undo restores the old channel and owner


def test_the_questions_in_chinese(open_data, url) -> None:
    at = upload(open_data(url, lang="zh"), "crm.csv", AMBIGUOUS)
    assert keyed(at.radio, "dateorder_")[0].options == ["日/月/年", "月/日/年", "年/月/日"]
    assert any("请选择日期顺序" in w for w in texts(at.warning))


def test_upload_history_names_the_uploader(open_data, url) -> None:
    engine = store.get_engine(url)
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert(), [{"person_id": "p03", "name": "王芳"}])
        conn.execute(schema.uploads.insert(), [{
            "upload_id": 1, "file_name": "leads.csv", "sha256": "x", "table_name": "leads", "rows_read": 1,
            "inserted": 1, "updated": 0, "rejected": 0, "warnings": 0, "on_error": "skip", "uploaded_by": "p03",
            "uploaded_at": T(2026, 10, 5, 9)}])
        store.bump_data_version(conn)
    at = open_data(url)
    assert_ok(at)
    history = next(d.value for d in at.dataframe if "By" in d.value.columns)
    assert list(history["By"]) == ["王芳"]  # the person by name, never "p03"
