"""``python -m kpi_engine schedule``: the long-lived push process (APScheduler, cron in the business time zone)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys

from kpi_engine.cli import add_db_option
from kpi_engine.push import schedule
from kpi_engine.push.config import push_config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schedule", help="run the 9:00 push: standup digest and alerts daily, weekly and monthly reviews",
        description=schedule.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--at", metavar="HH:MM", help="push time in the business time zone (default $KPI_PUSH_AT or 09:00)")
    parser.add_argument("--next", type=int, metavar="N", help="print the next N runs and exit")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        cfg = push_config(push_at=args.at)
        tz = schedule.business_zone(args.db)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    upcoming = schedule.next_runs(cfg, tz, dt.datetime.now(tz), args.next or 6)
    for when, kind in upcoming:
        print(f"{when:%Y-%m-%d %H:%M %Z}\t{kind}")
    if args.next:
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = schedule.build_scheduler(args.db, cfg)
    try:  # the handler is set inside the try: a SIGTERM at any moment from here on ends in the same place
        signal.signal(signal.SIGTERM, _interrupt)  # systemd / docker stop: like Ctrl-C
        print(f"push scheduler running ({tz.key}); Ctrl-C to stop", flush=True)
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or SIGTERM via _interrupt: how the scheduler is stopped
        pass
    finally:
        if scheduler.running:  # let a send in progress finish (and close its key) rather than cut it off
            scheduler.shutdown(wait=True)
    print("push scheduler stopped", flush=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
