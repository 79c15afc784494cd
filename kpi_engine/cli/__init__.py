"""One module per command; see kpi_engine/__main__.py."""

from __future__ import annotations

import argparse
import sys


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
