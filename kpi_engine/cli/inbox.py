"""``python -m kpi_engine inbox --dir PATH [--once]``: import files dropped into a folder.

``--once`` processes what is there and exits (for cron): status 0 when nothing failed, 1 when a file
failed. Without it, a long-lived watcher (stop with Ctrl+C).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from kpi_engine import schema, store
from kpi_engine.arrivals.inbox import DONE, FAILED, InboxOptions, process_once
from kpi_engine.arrivals.messages import default_notify, log_notify
from kpi_engine.cli import add_db_option
from kpi_engine.i18n import normalize_lang, t


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "inbox", help="import CSV/XLSX files dropped into a folder (once, or watching)",
        description=(f"Import files dropped into DIR with the saved mapping for their headers and the same validation "
                     f"as the Data page; loaded files go to DIR/{DONE}/, the others to DIR/{FAILED}/ with a report. "
                     f"A subfolder named after a table (DIR/leads/ ...: one of {', '.join(schema.UPLOAD_TABLES)}) "
                     f"names the table of the files in it."),
    )
    p.add_argument("--dir", required=True, metavar="PATH", help="the inbox folder")
    p.add_argument("--once", action="store_true", help="process what is there and exit (for cron)")
    add_db_option(p)
    p.add_argument("--on-error", choices=["abort", "skip"], default="abort",
                   help="abort: a file with any error is refused (default); skip: load its valid rows")
    p.add_argument("--accept-changes", action="store_true",
                   help="let files change existing leads' owner, channel or created date (default: refuse them)")
    p.add_argument("--settle", type=float, default=1.0, metavar="SECONDS",
                   help="a file is read once its size has not changed for this long (default 1)")
    p.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                   help="longest wait for a file still being written before leaving it for the next pass (default 60)")
    p.add_argument("--rescan", type=float, default=30.0, metavar="SECONDS",
                   help="watcher: look again at least this often, events or not (default 30)")
    p.add_argument("--polling", action="store_true", help="watcher: poll the folder instead of file-system events")
    p.add_argument("--no-notify", action="store_true", help="print the results only, send no messages")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--user", default="inbox", help="name recorded as the uploader (default: inbox)")
    p.set_defaults(func=run)


def _print(title: str, lines: Sequence[str]) -> None:
    print(title)
    for line in lines:
        print(f"  {line}")
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    lang = normalize_lang(args.lang)
    inbox = Path(args.dir)
    if not inbox.is_dir():
        print(f"error: {t('arrivals_no_dir', lang, path=inbox)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = store.get_engine(args.db)
    options = InboxOptions(lang=lang, on_error=args.on_error, accept_changes=args.accept_changes, user=args.user,
                           settle=args.settle, stable_timeout=args.wait)
    notify = log_notify if args.no_notify else default_notify(engine)
    if not args.once:
        from kpi_engine.arrivals.watch import watch  # watchdog only for the long-lived watcher

        print(t("arrivals_inbox_watching", lang, path=inbox.resolve()), flush=True)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C, or a service manager stopping it: finish the file, exit
            signal.signal(sig, lambda *_: stop.set())
        watch(engine, inbox, options=options, notify=notify, stop=stop, rescan=args.rescan, polling=args.polling,
              on_arrival=_print)
        return 0
    arrivals = process_once(engine, inbox, options=options, notify=notify)
    if not arrivals:
        print(t("arrivals_inbox_nothing", lang))
        return 0
    counts = dict.fromkeys(("loaded", "failed", "duplicate", "waiting", "retry"), 0)
    for a in arrivals:
        counts[a.outcome] += 1
        if a.outcome == "waiting":
            print(t("arrivals_inbox_waiting", lang, source=a.source))
        else:
            _print(a.title or a.source, a.lines)
    print(t("arrivals_inbox_summary", lang, **counts))
    return 1 if counts["failed"] or counts["retry"] else 0
