"""The long-lived push process: APScheduler cron triggers in the business time zone.

At ``KPI_PUSH_AT`` (default 09:00) every day: the standup digest and the alerts; on ``KPI_PUSH_WEEKLY_DAY``
(default Monday) also the weekly review, on day ``KPI_PUSH_MONTHLY_DAY`` (default the 1st) the monthly review.
The zone is the setting ``timezone`` (default Asia/Shanghai), whatever the server's own zone is.

A job that could not run on time (the process was down at 09:00) runs when the process is back, within
:data:`GRACE_SECONDS`; runs that piled up are merged into one (``coalesce``). Sending twice is impossible anyway:
each send claims its idempotency key first (:mod:`kpi_engine.push.delivery`).

:func:`next_runs` computes when jobs fire from a given ``now``, and :func:`run_scheduled` is the job itself
(``now`` injectable): tests drive a whole morning with a fixed clock, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from kpi_engine import clock, store
from kpi_engine.push import jobs
from kpi_engine.push.config import PushConfig, push_config
from kpi_engine.push.delivery import Outcome, Retry
from kpi_engine.settings_store import load_settings

log = logging.getLogger("kpi_engine.push")
GRACE_SECONDS = 6 * 3600
ORDER = ("standup", "alerts", "weekly", "monthly")  # at the same minute, in this order


def business_zone(url: str | None = None) -> ZoneInfo:
    """The time zone of the store's setting ``timezone``."""
    return clock.zone(load_settings(store.get_engine(url)))


def triggers(cfg: PushConfig, tz: ZoneInfo) -> dict[str, CronTrigger]:
    hour, minute = cfg.hour_minute
    return {
        "standup": CronTrigger(hour=hour, minute=minute, timezone=tz),
        "alerts": CronTrigger(hour=hour, minute=minute, timezone=tz),
        "weekly": CronTrigger(day_of_week=cfg.push_weekly_day, hour=hour, minute=minute, timezone=tz),
        "monthly": CronTrigger(day=cfg.push_monthly_day, hour=hour, minute=minute, timezone=tz),
    }


def next_runs(cfg: PushConfig, tz: ZoneInfo, now: dt.datetime, count: int = 10) -> list[tuple[dt.datetime, str]]:
    """The next ``count`` (time, kind) runs after ``now`` (an aware datetime), in firing order."""
    out: list[tuple[dt.datetime, str]] = []
    for kind, trigger in triggers(cfg, tz).items():
        previous, cursor = None, now
        for _ in range(count):
            fire = trigger.get_next_fire_time(previous, cursor)
            if fire is None:
                break
            out.append((fire, kind))
            previous, cursor = fire, fire + dt.timedelta(seconds=1)
    return sorted(out, key=lambda r: (r[0], ORDER.index(r[1])))[:count]


def run_scheduled(url: str | None, kind: str, now: dt.datetime | None = None, retry: Retry | None = None,
                  cfg: PushConfig | None = None) -> list[Outcome]:
    """The scheduled job: the ``kind`` push for the business day of ``now`` (default: the clock)."""
    engine = store.get_engine(url)
    as_of = now.astimezone(clock.zone(load_settings(engine))).date() if now is not None else None
    try:
        outcomes = jobs.run(engine, kind, as_of, retry=retry, cfg=cfg)
    except Exception:  # a broken job must not stop the scheduler; the error is in the log
        log.exception("push %s failed", kind)
        return []
    for o in outcomes:
        log.info("push %s -> %s: %s%s", kind, o.destination, o.status, f" ({o.error})" if o.error else "")
    return outcomes


def build_scheduler(url: str | None, cfg: PushConfig | None = None, scheduler: BaseScheduler | None = None,
                    ) -> BaseScheduler:
    """A scheduler with the four push jobs (not started)."""
    cfg = cfg or push_config()
    tz = business_zone(url)
    scheduler = scheduler or BlockingScheduler(timezone=tz)
    scheduler.configure(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                   "misfire_grace_time": GRACE_SECONDS})
    for kind, trigger in triggers(cfg, tz).items():
        scheduler.add_job(run_scheduled, trigger, args=(url, kind), kwargs={"cfg": cfg}, id=f"push-{kind}",
                          name=f"push {kind}", replace_existing=True)
    return scheduler
