"""``python -m kpi_engine metric add|list|remove``: a store's own metrics (issue 16.5).

A metric is a formula over registry metric ids (``python -m kpi_engine metrics --list``), numbers,
``+ - * /``, brackets, ``min(a, b)`` and ``max(a, b)``; ``/`` by zero gives no value. Saved, it is computed,
listed, planned and scored like any other metric. The command line acts as the local operator (an admin);
every change is in the audit log.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from kpi_engine import store
from kpi_engine.cli import add_db_option
from kpi_engine.cli.metrics import FORMATS, _write
from kpi_engine.metrics import custom, registry
from kpi_engine.metrics.declarations import DIRECTIONS, UNITS
from kpi_engine.metrics.formula import FormulaError

_EPILOG = """\
Formula: metric ids, numbers, + - * /, brackets, min(a, b), max(a, b). Division by zero gives no value.
Examples:
  python -m kpi_engine metric add net_return --name-en "Net return" --name-zh 净回报 \\
      --formula "(revenue - spend) / spend" --unit ratio --direction higher
  python -m kpi_engine metric add sql_rate_pct --name-en "SQL rate (%)" --name-zh "SQL 率（%）" \\
      --formula "sqls / leads * 100" --unit score
  python -m kpi_engine metrics net_return --grain month
  python -m kpi_engine metric list
  python -m kpi_engine metric remove net_return
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("metric", help="your own metrics: add, list, remove (a formula over registry metrics)",
                              description="A store's own metrics: a formula over the registry's metrics.",
                              epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="add a metric (or change one with --replace)")
    add.add_argument("id", help="2-40 lower-case letters, digits or _ (used in plans and `metrics`)")
    add.add_argument("--name-en", required=True)
    add.add_argument("--name-zh", required=True)
    add.add_argument("--formula", required=True)
    add.add_argument("--unit", choices=UNITS, default="ratio")
    add.add_argument("--direction", choices=DIRECTIONS, default="higher", help="higher or lower is better")
    add.add_argument("--description-en", default="")
    add.add_argument("--description-zh", default="")
    add.add_argument("--replace", action="store_true", help="change the metric ID that exists")
    add.add_argument("--lang", choices=("en", "zh"), default="en", help="language of error messages")
    listing = sub.add_parser("list", help="list the store's own metrics")
    listing.add_argument("--format", choices=FORMATS, default="table")
    remove = sub.add_parser("remove", help="delete a metric no plan, alert rule or other metric uses")
    remove.add_argument("id")
    remove.add_argument("--lang", choices=("en", "zh"), default="en")
    for parser in (add, listing, remove):
        add_db_option(parser)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine(args.db)
    custom.activate(engine)
    if args.action == "list":
        rows = [(d.id, d.name_en, d.name_zh, d.formula, d.unit, d.direction, registry.METRICS[d.id].additive
                 if d.id in registry.METRICS else None, d.created_by) for d in custom.load(engine)]
        _write(pd.DataFrame(rows, columns=["id", "name_en", "name_zh", "formula", "unit", "direction", "additive",
                                           "created_by"]), args.format, sys.stdout)
        return 0
    try:
        if args.action == "add":
            decl = custom.UserMetric(args.id, args.name_en, args.name_zh, args.formula, args.unit, args.direction,
                                     args.description_en, args.description_zh)
            m = custom.save(engine, decl, new=not args.replace)
            print(f"saved {m.id}: {m.formula('en')} ({m.unit}, {m.direction} is better)")
        else:
            custom.delete(engine, args.id)
            print(f"removed {args.id}")
    except FormulaError as exc:
        for message in exc.messages(args.lang):
            print(f"error: {message}", file=sys.stderr)
        return 2
    return 0
