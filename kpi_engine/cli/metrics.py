"""``python -m kpi_engine metrics``: compute registry metrics by scope and period, or list the registry."""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from decimal import Decimal
from typing import TextIO

import pandas as pd
import sqlalchemy as sa

from kpi_engine import exports, periods, store
from kpi_engine.cli import add_db_option, database_error
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import normalize_by
from kpi_engine.metrics.growth import compute_any, parse_ref

FORMATS = ("table", "csv", "json")

_EPILOG = """\
Scopes (--by):
  (none)    one row for the whole department: only period_start (with --grain) and the metrics
  team      the team (people.team) of the lead's owner and, for spend, of the campaign's owner
  channel   the lead's channel (first touch); spend by its own channel
  campaign  the lead's campaign; spend by its own campaign
  person    the lead's owner; spend of the campaigns the person owns
  Several at once: --by person,channel. Facts without that key are grouped under an empty id.
  Customers, orders and NPS answers belong to the customer's channel (else its lead's) and,
  through its lead, to the lead's campaign, owner and team. Manual metrics (metric_values)
  show the values reported for that scope; without --by, the department's own value.

Periods: --grain week uses ISO weeks (Monday start); period_start is the first day of each period.
Without --by, every period in the range is listed (zeros where nothing happened).
--grain range: the whole --from..--to range as one period (a custom date range).
--from/--to take a day (2026-10-05) or a period label (2026-W05, 2026-10, 2026-Q4, 2026):
--from uses its first day, --to its last day; both ends are included. Without them, all the data.

Growth of any metric: growth:METRIC (period over period) and yoy:METRIC (year over year),
e.g. growth:leads; (this - previous) / previous, empty when previous is 0 or has no value.
"all" stands for every metric of the registry. Manual metrics are empty where nothing was reported.

Output: ratios as fractions (0.125 = 12.5%), money as plain numbers, no value as an empty
cell (csv, table) or null (json). Exit status 2 for a bad metric, scope, grain or date.
Examples:
  python -m kpi_engine metrics leads,mqls,cpl --by channel --grain month --from 2026-01 --to 2026-03
  python -m kpi_engine metrics revenue,growth:revenue,yoy:revenue --grain month
  python -m kpi_engine metrics all --by person --grain range --from 2026-09-01 --to 2026-09-16
  python -m kpi_engine metrics --list --lang zh
"""


def _scopes_arg(text: str) -> tuple[str, ...]:
    try:
        return normalize_by(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics", help="compute metrics by scope and period (or --list the registry)",
        description="Compute metrics from the registry, one row per scope and period.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("metrics", nargs="?", metavar="METRIC[,METRIC...]",
                        help="metric ids, comma-separated (see --list)")
    parser.add_argument("--list", action="store_true", help="print the metric registry (id, names, unit, direction, formula), "
                        "the store's own metrics (type custom) included")
    parser.add_argument("--by", type=_scopes_arg, default=(), metavar="|".join(("channel", "person", "campaign", "team")),
                        help="break down by scope (default: the whole department)")
    parser.add_argument("--grain", choices=periods.QUERY_GRAINS, default=None,
                        help="one row per period of this grain (range: --from..--to as one period)")
    parser.add_argument("--from", dest="start", metavar="DATE", default=None, help="first day (inclusive)")
    parser.add_argument("--to", dest="end", metavar="DATE", default=None, help="last day (inclusive)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--lang", choices=("en", "zh"), default=None,
                        help="with --list: names, units, directions and formulas in this language only")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.list:
        _write(_registry_frame(args.lang), args.format, out)
        return 0
    if not args.metrics:
        print(f"error: give METRIC[,METRIC...] or --list; valid metrics: {', '.join(registry.metric_ids())}",
              file=sys.stderr)
        return 2
    ids = [m.strip() for m in args.metrics.split(",") if m.strip()]
    ids = [mid for item in ids for mid in (registry.metric_ids() if item == "all" else [item])]
    try:
        bad = [i for i in ids if ":" not in i and i not in registry.METRICS]
        if bad:
            registry.validate_ids(bad)
        for ref in ids:
            parse_ref(ref)
        ids = list(dict.fromkeys(ids))
        start = periods.parse_period(args.start)[1] if args.start else None
        end = periods.parse_period(args.end)[2] if args.end else None
        if start and end and end < start:
            raise ValueError(f"--to ({end}) is before --from ({start})")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        engine = store.get_engine(args.db)
        frame = compute_any(engine, ids, by=args.by, grain=args.grain, start=start, end=end)
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _write(frame, args.format, out)
    return 0


# --- Output --------------------------------------------------------------------------


def clean_number(value: object) -> int | float | None:
    """A value for output: None for no value; integral numbers as int; floats rounded (6 decimals, 6 significant digits below 1)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if number == 0:
        return 0
    digits = min(15, max(6, 5 - math.floor(math.log10(abs(number)))))
    rounded = round(number, digits)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return int(rounded)
    return rounded


def format_cell(value: object) -> str:
    """Text of one cell: '' for no value, plain digits for numbers (never an exponent or a %), ISO dates."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = clean_number(value)
    if number is None:
        return ""
    if isinstance(number, int):
        return str(number)
    return format(Decimal(repr(number)), "f")


def _json_value(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, bool)):
        return value
    return clean_number(value)


def _registry_frame(lang: str | None = None) -> pd.DataFrame:
    """The registry as rows: both languages side by side, or one language (``lang``) with localised units."""
    if lang is None:
        rows = [{"id": m.id, "name_en": m.name_en, "name_zh": m.name_zh, "type": m.type, "unit": m.unit,
                 "direction": m.direction, "additive": m.additive,
                 "formula_en": m.formula("en"), "formula_zh": m.formula("zh")} for m in registry.listed()]
        return pd.DataFrame(rows, columns=["id", "name_en", "name_zh", "type", "unit", "direction", "additive",
                                           "formula_en", "formula_zh"])
    rows = [{"id": m.id, "name": m.name(lang), "type": m.type, "unit": registry.UNIT_NAMES[m.unit][lang],
             "direction": registry.DIRECTION_NAMES[m.direction][lang], "additive": m.additive,
             "formula": m.formula(lang)} for m in registry.listed()]
    return pd.DataFrame(rows, columns=["id", "name", "type", "unit", "direction", "additive", "formula"])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _write(frame: pd.DataFrame, fmt: str, out: TextIO) -> None:
    columns = [str(c) for c in frame.columns]
    records = frame.to_dict(orient="records")
    if fmt == "json":
        data = [{c: _json_value(r[c]) for c in columns} for r in records]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    cells = [[format_cell(r[c]) for c in columns] for r in records]
    if fmt == "csv":
        writer = exports.SafeWriter(out)  # a stored "=HYPERLINK(...)" never runs in a spreadsheet
        writer.writerow(columns)
        writer.writerows(cells)
        return
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in columns]
    widths = [max([_width(c)] + [_width(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            parts.append(pad + v if numeric[i] else v + pad)
        return "  ".join(parts).rstrip()

    out.write(line(columns) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row) + "\n")

