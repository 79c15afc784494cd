"""One push, as cron or the scheduler runs it: ``run(engine, "standup", as_of)``.

``as_of`` is the morning (default ``clock.business_today`` in the store's time zone); the standup digest carries
data through the day before, the weekly review the last complete week, the monthly review the month of the data
day, the alerts the data day. Nothing is composed when no destination receives the kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from kpi_engine import access, clock
from kpi_engine.i18n import t
from kpi_engine.push import alerts, compose, destinations
from kpi_engine.push.config import PushConfig
from kpi_engine.push.delivery import Outcome, Retry, deliver
from kpi_engine.push.message import Message
from kpi_engine.settings import settings_in_force
from kpi_engine.settings_store import load_settings

KINDS: tuple[str, ...] = ("standup", "weekly", "monthly", "alerts")


def morning(engine: Engine, as_of: dt.date | None = None) -> dt.date:
    return as_of or clock.business_today(load_settings(engine))


def run(engine: Engine, kind: str, as_of: dt.date | None = None, *, to: Sequence[str] | None = None,
        force: bool = False, retry: Retry | None = None, cfg: PushConfig | None = None) -> list[Outcome]:
    """Send the ``kind`` digest (or the alerts) of the morning ``as_of`` to its destinations (or to ``to``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown push kind {kind!r}; use one of: {', '.join(KINDS)}")
    with settings_in_force(load_settings(engine)):  # the store's settings for whatever is called without them
        return _run(engine, kind, morning(engine, as_of), to, force, retry, cfg)


def _run(engine: Engine, kind: str, day: dt.date, to: Sequence[str] | None, force: bool, retry: Retry | None,
         cfg: PushConfig | None) -> list[Outcome]:
    if kind == "alerts":
        return alerts.run_alerts(engine, day, to=to, retry=retry, cfg=cfg)
    if not (destinations.load(engine, names=list(to)) if to else destinations.load(engine, kind=kind)):
        return []
    if kind == "standup":
        period, build = compose.standup_digest(engine, day, cfg)
    else:
        period, build = compose.review_digest(engine, kind, day, cfg)
    return deliver(engine, build, kind=kind, period=period, to=to, retry=retry, force=force)


def test_destination(engine: Engine, name: str, retry: Retry | None = None) -> Outcome:
    """Send a short test message to the destination ``name`` now (always a new send; admins)."""
    access.require("push")
    (dest,) = destinations.load(engine, names=[name])
    period = clock.stamp(engine).isoformat()

    def build(lang: str) -> Message:
        return Message("test", period, t("push_test_title", lang), (t("push_test_line", lang, name=dest.name),),
                       lang=lang)

    return deliver(engine, build, kind="test", period=period, to=[name], retry=retry)[0]
