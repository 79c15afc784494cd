"""Multi-touch attribution (issue 16.4) on a tiny fixture, every credit worked out by hand.

Channels a (spend ¥1,000 in January 2026), b (¥500), c (no spend). Half-life 7 days.

====  ==================  =====  ======================  ================================================
lead  created             chan   won (deal)              touches (time: channel)
====  ==================  =====  ======================  ================================================
L1    2026-01-10 10:00    a      2026-01-20 (1000)       01-01 a, 01-08 b, 01-15 c, 01-25 b (after the win)
L2    2026-01-12 10:00    b      -                       01-05 b, 01-12 a
L3    2026-01-15 10:00    c      2026-01-16 (500)        none: one touch on c at creation
L4    2025-12-20 10:00    a      2026-01-05 (2000)       2025-12-06 b, 2025-12-20 a
====  ==================  =====  ======================  ================================================

L1's path is a, b, c (the touch after the win does not count); days before the last touch 14, 7, 0, time-decay
weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7. L2: b 7 days before a -> 1/3, 2/3. L4: b 14 days before a -> 1/5, 4/5.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.analytics import attribution as attr

JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def lead(lead_id: str, created: str, channel: str, won: str | None = None, deal: float | None = None) -> dict:
    return {"lead_id": lead_id, "created_at": ts(created), "channel_id": channel, "campaign_id": None,
            "won_at": ts(won) if won else None, "deal_value": deal}


LEADS = [lead("L1", "2026-01-10 10:00", "a", "2026-01-20 10:00", 1000.0), lead("L2", "2026-01-12 10:00", "b"),
         lead("L3", "2026-01-15 10:00", "c", "2026-01-16 10:00", 500.0),
         lead("L4", "2025-12-20 10:00", "a", "2026-01-05 10:00", 2000.0)]
TOUCHES = [("L1", "2026-01-01 00:00", "a"), ("L1", "2026-01-08 00:00", "b"), ("L1", "2026-01-15 00:00", "c"),
           ("L1", "2026-01-25 00:00", "b"), ("L2", "2026-01-05 10:00", "b"), ("L2", "2026-01-12 10:00", "a"),
           ("L4", "2025-12-06 10:00", "b"), ("L4", "2025-12-20 10:00", "a")]


def load(engine, *, touches: bool = True) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.channels), [{"channel_id": c, "name": c.upper()} for c in "abc"])
        conn.execute(sa.insert(schema.leads), LEADS)
        conn.execute(sa.insert(schema.spend), [{"date": dt.date(2026, 1, 10), "channel_id": "a", "cost": 1000.0},
                                               {"date": dt.date(2026, 1, 11), "channel_id": "b", "cost": 500.0}])
        if touches:
            conn.execute(sa.insert(schema.touches), [{"lead_id": lid, "touched_at": ts(t), "channel_id": ch,
                                                      "campaign_id": None} for lid, t, ch in TOUCHES])


def table(frame, value: str) -> dict[tuple[str, str], float]:
    return {(r.channel_id, r.model): getattr(r, value) for r in frame.itertuples()}


def test_touch_credits_by_hand(engine) -> None:
    load(engine)
    credits = attr.touch_credits(engine, *JAN)
    l1 = credits[credits["lead_id"] == "L1"]
    assert list(l1["channel_id"]) == ["a", "b", "c"]  # the touch after the win is left out
    assert list(l1["first_touch"]) == [1, 0, 0] and list(l1["last_touch"]) == [0, 0, 1]
    assert list(l1["linear"]) == pytest.approx([1 / 3] * 3)
    assert list(l1["time_decay"]) == pytest.approx([1 / 7, 2 / 7, 4 / 7])
    assert list(l1["position"]) == pytest.approx([0.4, 0.2, 0.4])
    l2 = credits[credits["lead_id"] == "L2"]
    assert list(l2["time_decay"]) == pytest.approx([1 / 3, 2 / 3]) and list(l2["position"]) == [0.5, 0.5]
    l3 = credits[credits["lead_id"] == "L3"]  # no touches: one on its own channel
    assert list(l3["channel_id"]) == ["c"] and all(float(l3[m].iloc[0]) == 1.0 for m in attr.MODELS)
    assert set(credits["lead_id"]) == {"L1", "L2", "L3"}  # L4 was created in December
    for m in attr.MODELS:  # every lead hands out exactly 1
        assert credits.groupby("lead_id")[m].sum().tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_channel_credit_and_cac_by_hand(engine) -> None:
    load(engine)
    out = attr.channel_credit(engine, *JAN)
    leads, wins, revenue, cac = table(out, "leads"), table(out, "wins"), table(out, "revenue"), table(out, "cac")
    expected_leads = {
        "first_touch": (1, 1, 1), "last_touch": (1, 0, 2), "linear": (5 / 6, 5 / 6, 4 / 3),
        "time_decay": (1 / 7 + 2 / 3, 2 / 7 + 1 / 3, 4 / 7 + 1), "position": (0.9, 0.7, 1.4),
    }
    expected_wins = {  # L1, L3 and L4 were won in January
        "first_touch": (1, 1, 1), "last_touch": (1, 0, 2), "linear": (5 / 6, 5 / 6, 4 / 3),
        "time_decay": (1 / 7 + 0.8, 2 / 7 + 0.2, 4 / 7 + 1), "position": (0.9, 0.7, 1.4),
    }
    for model in attr.MODELS:
        for ch, want_leads, want_wins in zip("abc", expected_leads[model], expected_wins[model], strict=True):
            assert leads[(ch, model)] == pytest.approx(want_leads), (ch, model)
            assert wins[(ch, model)] == pytest.approx(want_wins), (ch, model)
    assert revenue[("b", "first_touch")] == pytest.approx(2000.0)  # L4's deal, first touched on b
    assert revenue[("a", "time_decay")] == pytest.approx(1000 / 7 + 2000 * 0.8)
    assert cac[("a", "first_touch")] == pytest.approx(1000.0) and cac[("b", "first_touch")] == pytest.approx(500.0)
    assert cac[("a", "time_decay")] == pytest.approx(1000 / (1 / 7 + 0.8))
    assert cac[("b", "last_touch")] != cac[("b", "last_touch")]  # no credited win: no value (NaN)
    assert cac[("c", "linear")] != cac[("c", "linear")]  # no spend: no CAC
    assert table(out, "cpl")[("b", "position")] == pytest.approx(500 / 0.7)


def test_empty_touches_table_gives_each_lead_to_its_channel(engine) -> None:
    load(engine, touches=False)
    assert attr.touches_source(engine) == "derived"
    out = attr.channel_credit(engine, *JAN)
    for model in attr.MODELS:  # first touch = last touch = every model
        assert table(out, "leads")[("a", model)] == 1.0 and table(out, "leads")[("b", model)] == 1.0
        assert table(out, "wins")[("a", model)] == 2.0  # L1 and L4, both on a
        assert table(out, "cac")[("a", model)] == pytest.approx(500.0)


def test_half_life_and_event_are_checked(duck_engine) -> None:
    load(duck_engine)
    assert attr.touches_source(duck_engine) == "touches"
    longer = attr.touch_credits(duck_engine, *JAN, half_life_days=14)
    l1 = longer[longer["lead_id"] == "L1"]
    weights = [0.5, 2 ** -0.5, 1.0]  # 14, 7 and 0 days before the last touch, half-life 14 days
    assert list(l1["time_decay"]) == pytest.approx([w / sum(weights) for w in weights])
    with pytest.raises(ValueError, match="half-life"):
        attr.credit_query(*JAN, half_life_days=0)
    with pytest.raises(ValueError, match="event"):
        attr.credit_query(*JAN, event="mql_at")
