"""The digests' content on a demo store: the standup and the weekly and monthly reviews carry the numbers by name,
the off-track KPIs, a PNG chart and a deep link to the page; the PNG comes from the page's own chart spec."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_engine import demo, store
from kpi_engine.demo.plans import activate_demo_plans
from kpi_engine.push import chart, compose
from kpi_engine.push.config import push_config
from kpi_engine.push.message import plain
from kpi_engine.reviews.build import resolve_period
from ui import charts

MORNING = dt.date(2026, 10, 20)
CFG = push_config(public_url="https://kpi.example.com/")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('digests') / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=2, end=dt.date(2026, 10, 19))
    activate_demo_plans(engine, dt.date(2026, 10, 19))
    yield engine
    store.dispose_engine(url)


def _png(data: bytes | None) -> None:
    assert data is not None and data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000


def test_standup_digest_by_name_with_off_track_chart_and_link(engine) -> None:
    period, build = compose.standup_digest(engine, MORNING, CFG)
    msg = build("en")
    assert period == "2026-10-20" and msg.title == "Standup 2026-10-20 · data through 2026-10-19"
    text = [plain(x) for x in msg.lines]
    assert text[0] == "Pacing" and "Off track" in text
    assert any(x.startswith("Leads: yesterday ") for x in text)
    assert not any("_" in x.split(":")[0] for x in text)  # names, never metric ids
    _png(msg.image)
    assert msg.link == "https://kpi.example.com/standup?asof=2026-10-20&lang=en"


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_review_digests_in_both_languages(engine, kind: str) -> None:
    label, _, _ = resolve_period(kind, "last", MORNING)
    period, build = compose.review_digest(engine, kind, MORNING, CFG)
    assert period == label
    for lang, off_track in (("en", "Off track"), ("zh", "落后的 KPI")):
        msg = build(lang)
        assert msg.kind == kind and msg.period == label and msg.lang == lang
        text = [plain(x) for x in msg.lines]
        assert off_track in text and len(text) > 3
        _png(msg.image)
        assert msg.link == (f"https://kpi.example.com/reviews?mode={kind}&review={label}&asof=2026-10-20"
                            f"&lang={lang}")


def test_the_message_chart_is_the_page_chart() -> None:
    frame = pd.DataFrame({"label": ["Leads", "CPL", "SLA"], "achievement": [0.8, math.nan, 1.3]})
    page = charts.achievement_chart(frame).to_dict()
    shared = chart.achievement_layers(frame, lang="en", axis_title="Achievement").to_dict()
    assert page["layer"] == shared["layer"]
    message = chart.message_chart([chart.Bar(r.label, r.achievement) for r in frame.itertuples()], "T", "en")
    assert message is not None and message.to_dict()["layer"] == chart.achievement_layers(
        frame.assign(status=None), lang="en").to_dict()["layer"] != []
    rows = [r for rows in message.to_dict()["datasets"].values() for r in rows if "tone" in r]
    assert {r["label"]: (r["shown"], r["tone"]) for r in rows} == {
        "Leads": (0.8, "bad"), "CPL": (None, "neutral"), "SLA": (1.3, "good")}  # no value: no bar, never 0
    assert chart.message_chart([chart.Bar("Leads", None)], "T", "en") is None
