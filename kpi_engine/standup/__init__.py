"""The daily standup: where the team stands, in five seconds (issue 3, SPEC section 7).

``build(engine, as_of)`` returns a :class:`Standup` for a meeting held on ``as_of`` (data through yesterday):

- ``cards``: leads, MQLs, SQLs, wins, spend, CPL and response SLA — yesterday and week to date against
  pro-rated targets, month to date paced to the month end, the day before, the same weekday last week and
  the last 8 weeks (``board``);
- ``alerts``: channels behind pace, response-SLA breaches and unusual spend, most urgent first (``alerts``);
- ``freshness``: the last day with data and the last upload.

Pure Python over SQL (``kpi_engine.metrics.query.compute``); no Streamlit. Texts in English and Chinese
come from ``kpi_engine.i18n`` (area ``standup``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from kpi_engine import fmt
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings
from kpi_engine.standup.alerts import KINDS, SPIKE_DAYS, SPIKE_FACTOR, TOP, Alert, find_alerts, rank
from kpi_engine.standup.board import METRICS, TREND_WEEKS, Card, Freshness, Windows, cards, freshness, prorating, windows

__all__ = ["KINDS", "METRICS", "SPIKE_DAYS", "SPIKE_FACTOR", "TOP", "TREND_WEEKS", "Alert", "Card", "Change",
           "Freshness", "Standup", "Windows", "build", "cards", "changes", "find_alerts", "freshness", "rank",
           "windows"]


@dataclass(frozen=True)
class Change:
    """What changed for one metric: yesterday against the day before and the same weekday last week."""

    metric: str
    unit: str
    direction: str
    yesterday: float | None
    day_before: float | None
    last_week: float | None
    # Relative change (0.25 = +25%), None without a positive reference; for a ratio the difference
    # (0.02 = +2 percentage points), None without both values.
    vs_day_before: float | None
    vs_last_week: float | None
    status: str | None
    prev_status: str | None

    @property
    def status_changed(self) -> bool:
        return self.status is not None and self.prev_status is not None and self.status != self.prev_status


@dataclass(frozen=True)
class Standup:
    """Everything the Standup page shows for one day."""

    windows: Windows
    cards: tuple[Card, ...]
    alerts: tuple[Alert, ...]
    freshness: Freshness

    @property
    def has_data(self) -> bool:
        return self.freshness.data_as_of is not None

    @property
    def top_alerts(self) -> tuple[Alert, ...]:
        return self.alerts[:TOP]

    @property
    def stale_days(self) -> int | None:
        """Days the data lags behind yesterday (0 when fresh, None without data)."""
        return self.freshness.days_behind(self.windows.yesterday)

    def card(self, metric: str) -> Card:
        return next(c for c in self.cards if c.metric == metric)

    def changes(self) -> tuple[Change, ...]:
        return changes(self.cards)


def changes(board: tuple[Card, ...]) -> tuple[Change, ...]:
    """Yesterday against the day before and the same weekday last week, per card; status changes first."""
    out = [Change(c.metric, c.unit, c.direction, c.yesterday, c.day_before, c.last_week,
                  _change(c.yesterday, c.day_before, c.unit), _change(c.yesterday, c.last_week, c.unit),
                  c.status, c.prev_status) for c in board]
    return tuple(sorted(out, key=lambda ch: not ch.status_changed))


def _change(actual: float | None, reference: float | None, unit: str) -> float | None:
    """A relative change; for a ratio the difference (shown in percentage points, never as a percent change)."""
    if unit == "ratio":
        return None if fmt.no_value(actual) or fmt.no_value(reference) else float(actual) - float(reference)  # type: ignore[arg-type]
    return fmt.relative(actual, reference)


def build(engine: Engine, as_of: dt.date, settings: Settings | None = None) -> Standup:
    """The standup for a meeting on ``as_of`` (numbers through ``as_of`` − 1 day)."""
    w = windows(as_of)
    # One connection held open for the whole build: an embedded DuckDB engine (no pool) would otherwise
    # open and close the database file around each of the ~20 small queries below.
    with engine.connect():
        settings = settings or load_settings(engine)
        fresh = freshness(engine)
        spreads = prorating(engine, w, settings)  # how each metric's targets are spread (the plan's method)
        board = cards(engine, w, fresh, settings, spreads)
        last = fresh.data_as_of
        found: tuple[Alert, ...] = ()
        if last is not None:
            found = find_alerts(engine, w, min(w.yesterday, last), settings, spreads)
    return Standup(windows=w, cards=board, alerts=found, freshness=fresh)
