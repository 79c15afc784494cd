"""``python -m kpi_engine report``: write the weekly or monthly review as an Excel workbook or a printable HTML page."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from kpi_engine import clock, periods, store
from kpi_engine.cli import add_db_option, database_error
from kpi_engine.reviews.build import KINDS, build_review
from kpi_engine.reviews.gap import BY_CHOICES, VS_CHOICES
from kpi_engine.settings import settings_in_force
from kpi_engine.settings_store import load_settings

FORMATS = {".xlsx": "xlsx", ".html": "html", ".htm": "html"}

_EPILOG = """\
The file type follows the name: .xlsx (one sheet per section, with charts) or .html (prints on A4,
charts inline, no network needed; use the browser's "Save as PDF" for a PDF).
--period takes a week (2026-W47) for --kind weekly and a month (2026-10) for --kind monthly, or
"last": the last complete week / the month of yesterday, as of --as-of (default today); a cron job
every Monday morning can run:
  python -m kpi_engine report --period last --kind weekly --out /reports/weekly.xlsx
Examples:
  python -m kpi_engine report --period 2026-W47 --kind weekly --out weekly.xlsx
  python -m kpi_engine report --period 2026-10 --kind monthly --out october.html --lang zh
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write the weekly or monthly review as .xlsx or printable .html",
        description="Write a review (the Reviews page's content) to a file.", epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", required=True, metavar="P", help='2026-W47, 2026-10, or "last"')
    parser.add_argument("--kind", required=True, choices=KINDS, help="weekly or monthly")
    parser.add_argument("--out", required=True, metavar="FILE", help="the file to write: .xlsx or .html")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report (default: en)")
    parser.add_argument("--as-of", metavar="DATE", help="the review day (default: today); data through the day before")
    parser.add_argument("--gap-metric", default="leads", metavar="METRIC", help="the KPI whose gap is explained")
    parser.add_argument("--vs", choices=VS_CHOICES, default="target", help="gap against (default: target)")
    parser.add_argument("--by", choices=BY_CHOICES, default="channel", help="gap contributors (default: channel)")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        print(f"error: --out must end in .xlsx or .html, not {out.name!r}", file=sys.stderr)
        return 2
    try:
        engine = store.get_engine(args.db)
        settings = load_settings(engine)
        as_of = periods.to_date(args.as_of) if args.as_of else clock.business_today(settings)
        with settings_in_force(settings):  # the store's settings (money's symbol ...) for whatever is called
            doc = build_review(engine, args.kind, args.period, as_of=as_of, lang=args.lang,
                               gap_metric=args.gap_metric, vs=args.vs, by=args.by)
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with settings_in_force(settings):
        if fmt == "xlsx":
            from kpi_engine.reviews.export_excel import review_to_xlsx

            data = review_to_xlsx(doc)
        else:
            from kpi_engine.reviews.export_html import review_to_html

            data = review_to_html(doc).encode("utf-8")
    try:
        _write_atomically(out, data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({doc.title}; {len(doc.sections)} sections, {len(data):,} bytes)")
    return 0


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to ``path`` then rename, so a reader (or a failed run) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
