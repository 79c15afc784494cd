"""One module per command; see kpi_engine/__main__.py."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TextIO

from kpi_engine.i18n import catalog, t


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=None,
                        help="SQLAlchemy database URL (default: $KPI_DB_URL, else duckdb:///data/kpi.duckdb)")


def database_error(exc: BaseException, verb: str = "read") -> int:
    """Say on stderr that the database could not be read (or used): the driver's error class and the first line of
    its message. The exit code of a command that stops there: 1."""
    first = (str(exc).splitlines() or [""])[0]
    print(f"error: cannot {verb} the database: {exc.__class__.__name__}: {first}", file=sys.stderr)
    return 1


def plan_problems(exc: Exception) -> int:
    """Every problem of a plan that cannot be used (``PlanError.problems``, else the error's text) on stderr, one
    line each. The exit code of a command that stops there: 2."""
    problems = getattr(exc, "problems", None) or [str(exc).strip("'\"")]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 2


def stage_printer(lang: str, stream: TextIO | None = None) -> Callable[[float, str], None] | None:
    """A progress callback (fraction, stage key) for long work: on a terminal, each stage as it starts, on its own
    line of stderr with the seconds so far ("  3.2 s  Checking every row…"), so a big upload or demo is not
    silence. None for a pipe or cron, whose output stays the summary."""
    out = stream or sys.stderr
    if not out.isatty():
        return None
    start = time.monotonic()
    shown: set[str] = set()

    def show(fraction: float, stage: str) -> None:
        if stage in shown:
            return
        shown.add(stage)
        key = stage if stage in catalog() else f"ui_stage_{stage}"
        print(f"{time.monotonic() - start:5.1f} s  {t(key, lang) if key in catalog() else stage}", file=out, flush=True)

    return show
