"""``python -m kpi_engine explain``: break a KPI's gap down by channel, campaign or person."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import sqlalchemy as sa

from kpi_engine import clock, periods, store
from kpi_engine.cli import add_db_option, database_error
from kpi_engine.cli.metrics import FORMATS, _write
from kpi_engine.reviews.gap import BY_CHOICES, VS_CHOICES, explain_gap
from kpi_engine.settings_store import load_settings

_EPILOG = """\
Columns: the scope key (channel_id, campaign_id or person_id), actual, comparison (the target,
the previous period or the same period last year), contribution (actual - comparison for metrics
that add up; for ratios each contributor's part of the change, split into rate_part and mix_part),
then a final "total" row. Rows: largest |contribution| first. "(unassigned)": facts without that
key; "(no target)": contributors without their own target, against the rest of the team target.
The method used is printed on stderr. Exit status 2 for a bad metric, period or option.
Examples:
  python -m kpi_engine explain leads --period 2026-10 --vs previous --by channel
  python -m kpi_engine explain cpl --period 2026-W44 --vs last-year --format csv
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain", help="break a KPI's gap to target / previous period / last year down by contributor",
        description="Explain a KPI's gap: contributions by channel, campaign or person, largest first.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("metric", metavar="METRIC", help="a metric id (see `metrics --list`)")
    parser.add_argument("--period", required=True, metavar="P", help="2026-10, 2026-W44, 2026-Q4, 2026-10-05 ...")
    parser.add_argument("--vs", choices=VS_CHOICES, default="target", help="compare with (default: target)")
    parser.add_argument("--by", choices=BY_CHOICES, default="channel", help="contributors (default: channel)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the method text")
    parser.add_argument("--as-of", metavar="DATE", help="a period still running is cut at the day before (default: "
                        "today); its comparison is the same days of the earlier period")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        engine = store.get_engine(args.db)
        as_of = periods.to_date(args.as_of) if args.as_of else clock.business_today(load_settings(engine))
        breakdown = explain_gap(engine, args.metric, args.period, vs=args.vs, by=args.by,
                                through=as_of - dt.timedelta(days=1))
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _write(breakdown.table(), args.format, sys.stdout)
    print(f"method: {breakdown.method_text(args.lang)}", file=sys.stderr)
    return 0
