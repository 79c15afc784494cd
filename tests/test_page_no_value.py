"""No value is never zero (issue 10, point 10): a channel with leads but no spend has no cost per lead.

The Channels page runs headless on a small store (a paid channel with spend, an organic one without); every
rendered metric and every table cell (the text people see: a Styler's display values where there is one) is
scanned for "None", "nan" and a ¥0 standing in for a missing cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import schema, store
from tests.apptest_support import opener

PAGE = "app_pages/channels.py"
VIEW = {"period": "month", "date": "2026-10-15", "asof": "2026-11-01"}
BAD = ("None", "nan", "NaN", "<NA>", "NaT", "inf")


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, PAGE, 60)


@pytest.fixture
def organic_url(tmp_path: Path) -> Iterator[str]:
    url = f"duckdb:///{tmp_path / 'organic.duckdb'}"
    engine = store.get_engine(url)
    leads = [dict(lead_id=f"P{i}", created_at=dt.datetime(2026, 10, 2 + i, 10), channel_id="paid", campaign_id="c1")
             for i in range(4)]
    leads += [dict(lead_id=f"S{i}", created_at=dt.datetime(2026, 10, 3 + i, 11), channel_id="seo",
                  campaign_id=None) for i in range(3)]
    spend = [dict(date=dt.date(2026, 10, d), channel_id="paid", campaign_id="c1", ad_id="", cost=125.5)
             for d in range(1, 11)]
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [dict(channel_id="paid", name="Paid search", kind="paid"),
                                                  dict(channel_id="seo", name="Organic search", kind="organic")])
        conn.execute(sa.insert(schema.campaigns), [dict(campaign_id="c1", name="Brand terms", channel_id="paid")])
        conn.execute(sa.insert(schema.leads), leads)
        conn.execute(sa.insert(schema.spend), spend)
    yield url
    store.dispose_engine(url)


def shown_cells(at: AppTest) -> list[pd.DataFrame]:
    """Each table as people read it: the Styler's display values where the page gave one, else the values."""
    out = []
    for d in at.dataframe:
        frame = d.value.astype("object")
        arrow = d.proto.arrow_data
        if arrow.HasField("styler") and arrow.styler.display_values:
            display = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
            display.columns = frame.columns
            frame = display.astype("object")
        out.append(frame)
    return out


def assert_no_missing_as_text(at: AppTest) -> None:
    for m in at.metric:
        for text in (m.value, m.delta or ""):
            assert not any(bad in str(text).split() for bad in BAD), (m.label, text)
    for frame in shown_cells(at):
        for col in frame.columns:
            for cell in frame[col]:
                assert not isinstance(cell, str) or cell.strip() not in BAD, (col, cell)


def test_a_channel_without_spend_has_no_cpl_anywhere(open_page, organic_url) -> None:
    at = open_page(organic_url, **VIEW)
    assert_no_missing_as_text(at)
    table = next(f for f in shown_cells(at) if "channel_id" in f.columns)
    rows = table.set_index("channel_id")
    assert rows.loc["seo", "cpl"] == "—" and rows.loc["seo", "spend"] == "¥0.00"  # no spend is a real ¥0
    assert rows.loc["paid", "cpl"] == "¥314" and rows.loc["paid", "spend"] == "¥1,255"  # 1,255 / 4 leads = 313.75
    assert rows.loc["seo", "leads"] == "3"
    assert rows.loc["seo", "cpl"] != "¥0.00" and "¥0" not in set(table["cpl"])

    at = open_page(organic_url, channel="seo", **VIEW)
    assert_no_missing_as_text(at)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Cost per lead"] == "—" and cards["Leads"] == "3"
    costs = [f for f in shown_cells(at) if "cpl" in f.columns and "channel_id" not in f.columns]
    assert len(costs) == 2  # the channel's campaigns and its costs by week: no CPL, never ¥0
    assert all(set(f["cpl"]) == {"—"} for f in costs)


def test_the_chinese_view_reads_the_same(open_page, organic_url) -> None:
    at = open_page(organic_url, channel="seo", lang="zh", **VIEW)
    assert_no_missing_as_text(at)
    assert {m.label: m.value for m in at.metric}["单条线索成本"] == "—"
