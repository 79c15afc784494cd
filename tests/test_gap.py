"""Gap breakdowns against hand-computed examples, on DuckDB and PostgreSQL.

The small set (channels a, b, c, d; September vs October 2026):

=======  ============================  ===========================
channel  September: leads (spend)      October: leads (spend)
=======  ============================  ===========================
a        4, campaign ca (400)          2: 1 in ca, 1 without (300)
b        2, no campaign (100)          3, no campaign (300)
c        -                             1, no campaign (60)
d        1, no campaign (70)           -
total    7 (570)                       6 (660)
=======  ============================  ===========================

Targets for October: team leads 10, channel a 5, channel b 2; team CPL 100.
CPL: September 570/7, October 660/6 = 110. Worked by hand in the tests below.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction as F

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import demo, schema, store
from kpi_engine.metrics import registry
from kpi_engine.reviews.gap import NO_TARGET, UNASSIGNED, can_explain, comparison_range, explain_gap

# (month, channel, campaign or None, number of leads, spend of the channel that month)
_CELLS = [
    (9, "a", "ca", 4, 400), (9, "b", None, 2, 100), (9, "d", None, 1, 70),
    (10, "a", "ca", 1, 300), (10, "a", None, 1, 0), (10, "b", None, 3, 300), (10, "c", None, 1, 60),
]


def seed(engine: Engine) -> None:
    leads, spend = [], []
    for month, channel, campaign, n, cost in _CELLS:
        for i in range(n):
            leads.append({"lead_id": f"L{month}{channel}{campaign}{i}", "created_at": dt.datetime(2026, month, 3 + i, 10),
                          "channel_id": channel, "campaign_id": campaign, "owner_id": "p1"})
        if cost:
            spend.append({"date": dt.date(2026, month, 2), "channel_id": channel, "campaign_id": "", "ad_id": "",
                          "cost": float(cost)})
    target_rows = [("leads", "team", "", 10.0), ("leads", "channel", "a", 5.0), ("leads", "channel", "b", 2.0),
                   ("cpl", "team", "", 100.0)]
    with store.transaction(engine) as conn:
        conn.execute(schema.channels.insert(), [{"channel_id": c, "name": c.upper()} for c in "abcd"])
        conn.execute(schema.campaigns.insert(), [{"campaign_id": "ca", "name": "CA", "channel_id": "a"}])
        conn.execute(schema.people.insert(), [{"person_id": "p1", "name": "P1"}])
        conn.execute(schema.leads.insert(), leads)
        conn.execute(schema.spend.insert(), spend)
        conn.execute(schema.targets.insert(), [
            {"metric_id": m, "scope_type": st, "scope_id": sid, "period_start": dt.date(2026, 10, 1), "base": v}
            for m, st, sid, v in target_rows])
        store.bump_data_version(conn)


def as_dict(frame, key: str = "channel_id") -> dict[str, dict[str, float]]:
    return {r[key]: r for r in frame.to_dict(orient="records")}


def test_additive_vs_previous_parts_add_up_exactly(engine: Engine) -> None:
    seed(engine)
    gap = explain_gap(engine, "leads", "2026-10", vs="previous", by="channel")
    assert gap.method == "additive" and (gap.comparison_start, gap.comparison_end) == (dt.date(2026, 9, 1),
                                                                                         dt.date(2026, 9, 30))
    # a 2-4, then b 3-2, c 1-0, d 0-1 (ties by key); c only now, d only before
    assert list(gap.rows["channel_id"]) == ["a", "b", "c", "d"]
    assert list(gap.rows["contribution"]) == [-2.0, 1.0, 1.0, -1.0]
    assert list(gap.rows["actual"]) == [2.0, 3.0, 1.0, 0.0] and list(gap.rows["comparison"]) == [4.0, 2.0, 0.0, 1.0]
    assert gap.total == {"actual": 6.0, "comparison": 7.0, "contribution": -1.0}
    assert gap.rows["contribution"].sum() == gap.total["contribution"]
    table = gap.table()
    assert list(table.iloc[-1]) == ["total", 6.0, 7.0, -1.0]


def test_additive_by_campaign_has_an_unassigned_row(engine: Engine) -> None:
    seed(engine)
    gap = explain_gap(engine, "leads", "2026-10", vs="previous", by="campaign")
    rows = as_dict(gap.rows, "campaign_id")
    assert rows["ca"]["contribution"] == 1 - 4  # 1 lead in ca now, 4 before
    assert rows[UNASSIGNED]["actual"] == 5 and rows[UNASSIGNED]["comparison"] == 3
    assert gap.rows["contribution"].sum() == gap.total["contribution"] == -1


def test_additive_vs_target_groups_scopes_without_a_target(engine: Engine) -> None:
    seed(engine)
    gap = explain_gap(engine, "leads", "2026-10", vs="target", by="channel")
    assert gap.method == "additive-target"
    rows = as_dict(gap.rows)
    assert (rows["a"]["actual"], rows["a"]["comparison"], rows["a"]["contribution"]) == (2, 5, -3)
    assert (rows["b"]["actual"], rows["b"]["comparison"], rows["b"]["contribution"]) == (3, 2, 1)
    # c has no target: its 1 lead against the rest of the team target, 10 - 5 - 2 = 3
    assert (rows[NO_TARGET]["actual"], rows[NO_TARGET]["comparison"], rows[NO_TARGET]["contribution"]) == (1, 3, -2)
    assert list(gap.rows["channel_id"]) == ["a", NO_TARGET, "b"]
    assert gap.total == {"actual": 6, "comparison": 10, "contribution": -4}
    assert gap.rows["contribution"].sum() == -4
    assert "(no target)" in gap.method_text("en") and gap.method_text("zh") != gap.method_text("en")


def test_ratio_mix_rate_split_reproduces_the_total_change(engine: Engine) -> None:
    seed(engine)
    gap = explain_gap(engine, "cpl", "2026-10", vs="previous", by="channel")
    assert gap.method == "mix-rate" and "mix" in gap.method_text()
    r0, r1 = F(570, 7), F(660, 6)
    expected = {  # channel: (actual, comparison, rate part, mix part)
        "a": (150, 100, (F(150) - 100) * F(2, 6), (F(2, 6) - F(4, 7)) * 100),
        "b": (100, 50, (F(100) - 50) * F(3, 6), (F(3, 6) - F(2, 7)) * 50),
        "c": (60, None, (F(60) - r0) * F(1, 6), F(1, 6) * r0),  # new now: rated against the old overall CPL
        "d": (None, 70, F(0), -F(1, 7) * 70),  # gone now: mix part only
    }
    rows = as_dict(gap.rows)
    for channel, (actual, comparison, rate, mix) in expected.items():
        row = rows[channel]
        for col, value in (("actual", actual), ("comparison", comparison)):
            if value is None:
                assert math.isnan(row[col])  # no leads in that period: no CPL
            else:
                assert row[col] == pytest.approx(value)
        assert row["rate_part"] == pytest.approx(float(rate))
        assert row["mix_part"] == pytest.approx(float(mix))
        assert row["contribution"] == pytest.approx(float(rate + mix))
    assert gap.total["actual"] == pytest.approx(110) and gap.total["comparison"] == pytest.approx(float(r0))
    assert gap.total["contribution"] == pytest.approx(float(r1 - r0))
    assert gap.rows["contribution"].sum() == pytest.approx(float(r1 - r0), abs=1e-9)
    assert gap.rows["rate_part"].sum() + gap.rows["mix_part"].sum() == pytest.approx(float(r1 - r0), abs=1e-9)
    assert list(gap.rows["channel_id"])[0] == "b"  # 35.71 is the largest |contribution|


def test_ratio_vs_target_is_rate_only(engine: Engine) -> None:
    seed(engine)
    gap = explain_gap(engine, "cpl", "2026-10", vs="target", by="channel")
    assert gap.method == "rate-target" and "rate part only" in gap.method_text()
    rows = as_dict(gap.rows)
    assert rows["a"]["contribution"] == pytest.approx((150 - 100) * 2 / 6)
    assert rows["b"]["contribution"] == pytest.approx(0.0)
    assert rows["c"]["contribution"] == pytest.approx((60 - 100) / 6)
    assert (gap.rows["mix_part"] == 0).all()
    assert gap.rows["contribution"].sum() == pytest.approx(110 - 100)
    assert gap.total["contribution"] == pytest.approx(10)


def test_periods_without_data_have_no_value(engine: Engine) -> None:
    seed(engine)
    empty = explain_gap(engine, "leads", "2026-07", vs="previous", by="channel")
    assert empty.rows.empty and empty.total == {"actual": None, "comparison": None, "contribution": None}
    assert list(empty.table()["channel_id"]) == ["total"]
    last_year = explain_gap(engine, "leads", "2026-10", vs="last-year", by="channel")
    assert (last_year.comparison_start, last_year.comparison_end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert last_year.total["comparison"] is None and last_year.total["contribution"] is None
    assert last_year.rows["actual"].sum() == 6 and last_year.rows["contribution"].isna().all()
    ratio = explain_gap(engine, "cpl", "2026-08", vs="previous", by="person")
    assert ratio.total["actual"] is None and ratio.total["contribution"] is None
    # W40 = Sep 28..Oct 4: all October spend (660, on the 2nd) and 5 leads (4 on the 3rd, 1 on the 4th);
    # W39 = Sep 21..27 has no facts at all
    week = explain_gap(engine, "cpl", "2026-W40", vs="previous", by="channel")
    assert week.total["comparison"] is None and week.total["actual"] == pytest.approx(660 / 5)


def test_comparison_ranges_and_bad_input() -> None:
    assert comparison_range("2026-W44", "previous")[3:] == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    assert comparison_range("2026-W44", "last-year")[3:] == (dt.date(2025, 10, 27), dt.date(2025, 11, 2))
    assert comparison_range("2026-Q4", "previous")[3:] == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert comparison_range("2026-02", "last-year")[3:] == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    with pytest.raises(ValueError, match="comparison"):
        comparison_range("2026-10", "budget")


def test_unsupported_metric_and_scope(duck_engine: Engine) -> None:
    with pytest.raises(ValueError, match="cannot be broken down"):
        explain_gap(duck_engine, "roi", "2026-10", vs="previous")
    with pytest.raises(ValueError, match="breakdown"):
        explain_gap(duck_engine, "leads", "2026-10", by="team")


def test_demo_sliding_channel_leads_the_shortfall(engine: Engine) -> None:
    demo.generate(engine, months=6, end=dt.date(2026, 11, 22))
    gap = explain_gap(engine, "leads", "2026-10", vs="previous", by="channel")
    negative = gap.rows[gap.rows["contribution"] < 0]
    assert "xiaohongshu" in list(negative["channel_id"])[:2]
    assert gap.rows["contribution"].sum() == gap.total["contribution"]
    cpl = explain_gap(engine, "cpl", "2026-10", vs="previous", by="campaign")
    assert cpl.rows["contribution"].sum() == pytest.approx(cpl.total["contribution"], abs=1e-9)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.leads)).scalar() > 0


def test_can_explain_is_exactly_what_explain_gap_accepts(duck_engine: Engine) -> None:
    """Over every registry metric: can_explain(m) is True iff explain_gap(m) does not raise ValueError."""
    seed(duck_engine)
    accepted, refused = set(), set()
    for metric in registry.metric_ids(include_helpers=True):
        try:
            explain_gap(duck_engine, metric, "2026-10", vs="previous", by="channel")
        except ValueError as exc:
            assert "cannot be broken down" in str(exc)
            refused.add(metric)
        else:
            accepted.add(metric)
        assert can_explain(metric) is (metric in accepted), metric
    # hand-checked anchors: counts and sums add up; CPL and conversion rates are ratios of those;
    # ROI (a derived expression) and NPS (a score over responses) are neither
    assert {"leads", "spend", "revenue", "cpl", "lead_to_mql", "ctr"} <= accepted
    assert {"roi", "nps", "ltv"} <= refused
    assert can_explain("no_such_metric") is False
    with pytest.raises(ValueError):
        explain_gap(duck_engine, "no_such_metric", "2026-10")
