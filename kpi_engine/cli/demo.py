"""``python -m kpi_engine init-demo``: fill the store with the deterministic demo department."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from kpi_engine import store
from kpi_engine.cli import add_db_option, stage_printer
from kpi_engine.i18n import t


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "init-demo", help="fill an empty store with the demo marketing department",
        description="Generate the demo department (8 people, 9 channels, ~1,000 leads a month at scale 1) and write "
                    "it into the store, in one transaction. Same --seed and --end give the same rows. "
                    "Then activates the example team plan for the latest full month and the running month "
                    "(a month that already has an active team plan is left alone). A store that already holds data "
                    "(facts, uploads, mappings, targets, plans, notes, settings) is never changed unless --replace "
                    "is given; with --if-empty it is left as it is.")
    add_db_option(p)
    p.add_argument("--months", type=int, default=18, help="calendar months of history, ending with --end's month (18)")
    p.add_argument("--seed", type=int, default=7, help="random seed (7)")
    p.add_argument("--scale", type=_positive, default=1.0, help="volume multiplier: leads, spend, customers (1.0)")
    p.add_argument("--leads", type=int, default=None, metavar="N", help="choose the scale that gives about N leads")
    p.add_argument("--end", type=_date, default=None, metavar="YYYY-MM-DD", help="last day of data (default: yesterday)")
    p.add_argument("--if-empty", action="store_true",
                   help="do nothing (exit 0) when the store already holds any data; `make run` uses this")
    p.add_argument("--replace", action="store_true",
                   help="on a store that holds data: replace every fact table's rows and the upload history with "
                        "the demo (plans, notes, mappings and settings stay)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kpi_engine import demo
    from kpi_engine.demo import guard
    from kpi_engine.demo.plans import activate_demo_plans

    if args.months < 1:
        print("--months must be at least 1", file=sys.stderr)
        return 2
    try:
        engine = store.get_engine(args.db)
        held = guard.user_data(engine)
        if held and args.if_empty:
            if args.format == "json":
                print(json.dumps({"skipped": True, "tables": held}))
            else:
                print(t("demo_store_kept", "en", tables=guard.describe(held)))
            return 0
        if held and not args.replace:
            print(t("demo_store_refused", "en", tables=guard.describe(held)), file=sys.stderr)
            return 1
        scale = args.scale
        if args.leads:
            scale = demo.scale_for_leads(args.leads, end=args.end, months=args.months, seed=args.seed)
        summary = demo.generate(engine, months=args.months, seed=args.seed, scale=scale, end=args.end,
                                progress=stage_printer("en"))
        plan_ids = activate_demo_plans(engine, summary.end)
    except Exception as exc:  # a database that can't be opened or written: say so, no traceback
        print(f"init-demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps({"skipped": False, **summary.to_dict(), "plans_activated": plan_ids}, ensure_ascii=False))
        return 0
    print(f"Demo data {summary.start} .. {summary.end} (seed {summary.seed}, scale {summary.scale:g}) "
          f"written to {engine.url.render_as_string(hide_password=True)}")
    width = max(len(name) for name in summary.counts)
    for name, count in summary.counts.items():
        print(f"  {name:<{width}}  {count:>10,}")
    print(f"Built in {summary.build_seconds:.1f} s, written in {summary.write_seconds:.1f} s.")
    if plan_ids:
        print(f"Activated the example team plan: {', '.join(plan_ids)}")
    else:
        print("The demo months already have active team plans; none activated.")
    story = summary.story
    print(t("demo_story", "en", channel=story["sliding_channel"], month=story["latest_full_month"],
            person=story["rising_person"], campaign=story["burst_campaign"], burst=story["burst_start"]))
    return 0
