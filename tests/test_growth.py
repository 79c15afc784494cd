"""Growth of any metric: period over period and year over year, at every grain and over custom ranges.

Fixture (spend, hand-checkable): channel x costs 1 a day every day of 2025 and 2 a day every day of 2026;
channel y costs 10 once, on 2025-12-15. So a month's spend is its days × 1 (2025) or × 2 (2026), plus 10
in December 2025. The department UGC is reported by hand for January (100) and February 2026 (150) only.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.metrics.growth import compute_any, compute_growth, parse_ref, previous_range
from tests.test_metrics import assert_rows

D = dt.date
N = None
G = ["this", "previous", "growth"]


@pytest.fixture
def spend_db(engine: Engine) -> Engine:
    days = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(730)]  # 2025-01-01 .. 2026-12-31
    rows = [{"date": d, "channel_id": "x", "campaign_id": "", "ad_id": "", "cost": 1.0 if d.year == 2025 else 2.0}
            for d in days]
    rows.append({"date": D(2025, 12, 15), "channel_id": "y", "campaign_id": "", "ad_id": "", "cost": 10.0})
    manual = [{"metric_id": "ugc_count", "period_start": D(2026, m, 1), "grain": "month", "scope_type": "team",
               "scope_id": "", "value": v} for m, v in ((1, 100.0), (2, 150.0))]
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.spend), rows)
        conn.execute(sa.insert(schema.metric_values), manual)
    return engine


def test_month_over_month(spend_db: Engine) -> None:
    frame = compute_growth(spend_db, "spend", grain="month", start=D(2026, 1, 1), end=D(2026, 3, 31))
    assert list(frame.columns) == ["period_start", *G]
    assert_rows(frame, ["period_start"], G, {
        D(2026, 1, 1): [62, 41, (62 - 41) / 41],  # Dec 2025: 31 × 1 + 10
        D(2026, 2, 1): [56, 62, (56 - 62) / 62],
        D(2026, 3, 1): [62, 56, (62 - 56) / 56]})


@pytest.mark.parametrize(("grain", "kind", "start", "end", "expected"), [
    # Feb 2026 (28 × 2) against Feb 2025 (28 × 1)
    ("month", "yoy", D(2026, 2, 1), D(2026, 2, 28), {D(2026, 2, 1): [56, 28, 1.0]}),
    # month to date: 1–16 September against 1–16 August
    ("month", "pop", D(2026, 9, 1), D(2026, 9, 16), {D(2026, 9, 1): [32, 32, 0.0]}),
    # ISO week 2026-W01 crosses the year: Mon 2025-12-29 .. Sun 2026-01-04 = 3 × 1 + 4 × 2, against Dec 22..28 = 7
    ("week", "pop", D(2025, 12, 29), D(2026, 1, 4), {D(2025, 12, 29): [11, 7, 4 / 7]}),
    # a week against the same weekdays 52 weeks earlier: 2026-01-05.. against 2025-01-06..
    ("week", "yoy", D(2026, 1, 5), D(2026, 1, 11), {D(2026, 1, 5): [14, 7, 1.0]}),
    # Q1 2026 (90 × 2) against Q4 2025 (92 + 10)
    ("quarter", "pop", D(2026, 1, 1), D(2026, 3, 31), {D(2026, 1, 1): [180, 102, 78 / 102]}),
    ("year", "yoy", D(2026, 1, 1), D(2026, 12, 31), {D(2026, 1, 1): [730, 375, 355 / 375]}),
    ("day", "pop", D(2026, 1, 1), D(2026, 1, 1), {D(2026, 1, 1): [2, 1, 1.0]}),
    # against a period with no data: Jan 2027 has none (-100%); Feb 2027 against an empty Jan: no value
    ("month", "pop", D(2027, 1, 1), D(2027, 2, 28), {D(2027, 1, 1): [0, 62, -1.0], D(2027, 2, 1): [0, 0, N]}),
    ("month", "pop", D(2024, 11, 1), D(2024, 12, 31), {D(2024, 11, 1): [0, 0, N], D(2024, 12, 1): [0, 0, N]}),
])
def test_growth_by_grain(spend_db: Engine, grain: str, kind: str, start: dt.date, end: dt.date, expected: dict) -> None:
    frame = compute_growth(spend_db, "spend", kind=kind, grain=grain, start=start, end=end)
    assert_rows(frame, ["period_start"], G, expected)


@pytest.mark.parametrize(("kind", "start", "end", "expected"), [
    ("pop", D(2026, 4, 1), D(2026, 4, 30), [60, 62, -2 / 62]),  # a calendar month: against March
    ("yoy", D(2026, 4, 1), D(2026, 4, 30), [60, 30, 1.0]),
    ("pop", D(2026, 4, 1), D(2026, 4, 10), [20, 20, 0.0]),  # 10 days against the 10 days before
    ("pop", D(2026, 1, 1), D(2026, 1, 10), [20, 10, 1.0]),  # ... across the year end: Dec 22..31
])
def test_growth_over_a_custom_range(spend_db: Engine, kind: str, start: dt.date, end: dt.date, expected: list) -> None:
    frame = compute_growth(spend_db, "spend", kind=kind, start=start, end=end)
    assert list(frame.columns) == G
    assert_rows(frame.assign(k=1), ["k"], G, {1: expected})
    ranged = compute_growth(spend_db, "spend", kind=kind, grain="range", start=start, end=end)
    assert_rows(ranged, ["period_start"], G, {start: expected})


def test_growth_by_scope_keeps_a_scope_that_stopped(spend_db: Engine) -> None:
    # January 2026: x 62 against 31; y spent nothing against 10 in December: -100%
    frame = compute_growth(spend_db, "spend", by="channel", grain="month", start=D(2026, 1, 1), end=D(2026, 1, 31))
    assert list(frame.columns) == ["channel_id", "period_start", *G]
    assert_rows(frame, ["channel_id", "period_start"], G, {
        ("x", D(2026, 1, 1)): [62, 31, 1.0], ("y", D(2026, 1, 1)): [0, 10, -1.0]})


def test_growth_of_manual_and_ratio_metrics_without_values(spend_db: Engine) -> None:
    # UGC: December 2025 not reported -> no growth for January; March not reported -> no value, never -100%
    ugc = compute_growth(spend_db, "ugc_count", grain="month", start=D(2026, 1, 1), end=D(2026, 3, 31))
    assert_rows(ugc, ["period_start"], G, {
        D(2026, 1, 1): [100, N, N], D(2026, 2, 1): [150, 100, 0.5], D(2026, 3, 1): [N, 150, N]})
    cpc = compute_growth(spend_db, "cpc", grain="month", start=D(2026, 1, 1), end=D(2026, 1, 31))  # no clicks
    assert_rows(cpc, ["period_start"], G, {D(2026, 1, 1): [N, N, N]})


def test_growth_without_a_range_uses_the_data(spend_db: Engine) -> None:
    monthly = compute_growth(spend_db, "spend", grain="month")
    assert len(monthly) == 24 and monthly["period_start"].iloc[0] == D(2025, 1, 1)
    assert monthly["growth"].isna().iloc[0]  # nothing before January 2025
    assert monthly.set_index("period_start").loc[D(2026, 12, 1), "growth"] == pytest.approx(2 / 60)  # 62 against 60
    whole = compute_growth(spend_db, "spend")  # two years against the two years before: nothing then
    assert_rows(whole.assign(k=1), ["k"], G, {1: [1105, 0, N]})


def test_growth_on_an_empty_database(engine: Engine) -> None:
    frame = compute_growth(engine, "leads", grain="week")
    assert frame.empty and list(frame.columns) == ["period_start", *G]


def test_compute_any_mixes_metrics_and_growth(spend_db: Engine) -> None:
    frame = compute_any(spend_db, ["spend", "growth:spend", "yoy:spend"], grain="month", start=D(2026, 1, 1),
                        end=D(2026, 2, 28))
    assert list(frame.columns) == ["period_start", "spend", "growth:spend", "yoy:spend"]
    assert_rows(frame, ["period_start"], ["spend", "growth:spend", "yoy:spend"], {
        D(2026, 1, 1): [62, 21 / 41, 1.0], D(2026, 2, 1): [56, -6 / 62, 1.0]})
    by_channel = compute_any(spend_db, ["spend", "growth:spend"], by="channel", start=D(2026, 1, 1), end=D(2026, 1, 31))
    assert_rows(by_channel, ["channel_id"], ["spend", "growth:spend"], {"x": [62, 1.0], "y": [0, -1.0]})


def test_parse_refs_and_previous_ranges() -> None:
    assert parse_ref("growth:leads") == ("pop", "leads") and parse_ref("yoy:revenue") == ("yoy", "revenue")
    assert parse_ref(" leads ") == (None, "leads")
    with pytest.raises(ValueError, match="use growth:METRIC or yoy:METRIC"):
        parse_ref("grow:leads")
    with pytest.raises(ValueError, match="unknown metric"):
        parse_ref("growth:nope")
    assert previous_range(D(2026, 4, 1), D(2026, 4, 30)) == (D(2026, 3, 1), D(2026, 3, 31))
    assert previous_range(D(2026, 3, 1), D(2026, 3, 31)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert previous_range(D(2026, 1, 1), D(2026, 3, 31)) == (D(2025, 10, 1), D(2025, 12, 31))
    assert previous_range(D(2026, 1, 1), D(2026, 12, 31)) == (D(2025, 1, 1), D(2025, 12, 31))
    assert previous_range(D(2026, 11, 30), D(2026, 12, 6)) == (D(2026, 11, 23), D(2026, 11, 29))  # an ISO week
    assert previous_range(D(2026, 1, 5), D(2026, 1, 20)) == (D(2025, 12, 20), D(2026, 1, 4))  # 16 days
    assert previous_range(D(2024, 2, 1), D(2024, 2, 29), "yoy") == (D(2023, 2, 1), D(2023, 2, 28))
    with pytest.raises(ValueError, match="unknown growth kind"):
        previous_range(D(2026, 1, 1), D(2026, 1, 2), "qoq")


def test_growth_references_have_names_in_both_languages() -> None:
    from kpi_engine.metrics.growth import ref_text

    assert ref_text("growth:revenue") == ("Won revenue growth (period over period)",
                                          "(this − previous) / previous of revenue, previous = the period before")
    assert ref_text("yoy:revenue", "zh")[0] == "赢单金额同比增长"
    assert ref_text("leads", "zh") == ("线索数", "按 created_at 统计的线索数")
