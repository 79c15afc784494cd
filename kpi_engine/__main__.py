"""Command line: ``python -m kpi_engine COMMAND ...``.

Each command lives in its own module under ``kpi_engine/cli/`` exposing
``register(subparsers)`` (adds its parser and sets ``func``) and a
``run(args) -> int`` function that returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from kpi_engine.access import NotAllowed
from kpi_engine.i18n import t
from kpi_engine.store import DatabaseBusy

COMMAND_MODULES = ("demo", "ingest", "uploads", "metrics", "plan", "scorecard", "explain", "report", "settings",
                   "inbox", "ingest_token", "serve_ingest", "user", "push", "schedule")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi_engine", description="Marketing KPI engine: data, metrics, plans.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"kpi_engine.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Windows consoles and pipes: make sure Chinese text prints.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DatabaseBusy:  # another process holds the DuckDB file: say so in one sentence, change nothing
        print(f"error: {t('auth_db_busy', getattr(args, 'lang', None) or 'en')}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: a cron job may simply try again
    except NotAllowed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
