"""The forecast with its 80% band on the metric cards (issue 16.1): Channels, Team and Standup cards.

Each card's line must be exactly the engine's forecast (kpi_engine.analytics.forecast, the pacing board's model,
tested against hand-computed values in tests/test_analytics_forecast.py) for the card's scope and period, through
the day before the morning the page is seen from; "—" when the store has too little history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import demo, fmt, schema, store
from kpi_engine.analytics import forecast as forecast_
from kpi_engine.metrics import registry
from tests.apptest_support import opener
from ui.standup import CARDS_KEY

END = dt.date(2026, 11, 22)
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
VIEW = {"period": "month", "date": "2026-11-10", "asof": "2026-11-16"}  # data through 2026-11-15
THROUGH = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"duckdb:///{tmp_path_factory.mktemp('cards') / 'demo.duckdb'}"
    demo.generate(store.get_engine(url), months=8, end=END)
    yield url
    store.dispose_engine(url)


def page(monkeypatch: pytest.MonkeyPatch, path: str) -> Callable[..., AppTest]:
    return opener(monkeypatch, path, 120)


def expected(url: str, metric: str, where: dict[str, str] | None, lang: str = "en") -> str:
    fc = forecast_.forecast_metric(store.get_engine(url), metric, start=NOV[0], end=NOV[1], as_of=THROUGH, where=where)
    value = fmt.band(fc.projected, fc.low, fc.high, registry.get(metric).unit, lang, whole=True)
    assert value != fmt.NO_VALUE, "eight months of demo history give a band"
    return ("Forecast end of month: " if lang == "en" else "月末预测：") + value


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_channel_cards_show_the_channel_forecast(monkeypatch, demo_url) -> None:
    at = page(monkeypatch, "app_pages/channels.py")(demo_url, channel="baidu_sem", **VIEW)
    lines = [c for c in captions(at) if c.startswith("Forecast end of month: ")]
    for metric in ("leads", "spend", "cpl"):
        assert expected(demo_url, metric, {"channel": "baidu_sem"}) in lines, (metric, lines)


def test_person_cards_and_chinese(monkeypatch, demo_url) -> None:
    at = page(monkeypatch, "app_pages/team.py")(demo_url, person="p02", lang="zh", **VIEW)
    assert expected(demo_url, "wins", {"person": "p02"}, "zh") in captions(at)


def test_standup_cards_show_the_team_forecast(monkeypatch, demo_url) -> None:
    at = page(monkeypatch, "app_pages/standup.py")(demo_url, lang="en", **VIEW)
    at.session_state[CARDS_KEY] = True  # open the folded cards (they run only when open)
    lines = captions(at.run())
    for metric in ("leads", "wins", "spend", "cpl"):
        assert expected(demo_url, metric, None) in lines, (metric, [c for c in lines if "Forecast" in c])
    assert not any(c.startswith("Forecast end of month: ") and "response" in c for c in lines)


def test_too_little_history_shows_a_dash(monkeypatch, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'short.duckdb'}"
    try:
        engine = store.get_engine(url)
        with engine.begin() as conn:  # ten days of leads on one channel: no error history for a band
            conn.execute(sa.insert(schema.channels), [{"channel_id": "web", "name": "Website"}])
            conn.execute(sa.insert(schema.leads), [
                {"lead_id": f"L{d}", "created_at": dt.datetime(2026, 11, d, 10), "channel_id": "web"}
                for d in range(6, 16)])
            store.bump_data_version(conn)
        at = page(monkeypatch, "app_pages/channels.py")(url, channel="web", **VIEW)
        assert "Forecast end of month: —" in captions(at)
    finally:
        store.dispose_engine(url)
