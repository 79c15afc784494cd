"""One module per command; see kpi_engine/__main__.py."""

from __future__ import annotations

import argparse


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=None,
                        help="SQLAlchemy database URL (default: $KPI_DB_URL, else duckdb:///data/kpi.duckdb)")
