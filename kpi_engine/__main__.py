"""Command line: ``python -m kpi_engine COMMAND ...``.

Each command lives in its own module under ``kpi_engine/cli/`` exposing
``register(subparsers)`` (adds its parser and sets ``func``) and a
``run(args) -> int`` function that returns the exit status.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from importlib import import_module

import sqlalchemy as sa

from kpi_engine.access import NotAllowed
from kpi_engine.i18n import t
from kpi_engine.store import DatabaseBusy

log = logging.getLogger(__name__)

# command -> the module under kpi_engine/cli that registers it
COMMANDS = {"init-demo": "demo", "ingest": "ingest", "uploads": "uploads", "undo": "uploads", "metrics": "metrics", "plan": "plan",
            "scorecard": "scorecard", "explain": "explain", "report": "review_export", "settings": "settings",
            "inbox": "inbox", "ingest-token": "ingest_token", "serve-ingest": "serve_ingest", "user": "user",
            "audit": "user", "push": "push", "schedule": "schedule", "metric": "custom_metric",
            "migrate": "migrate"}
# commands that read metrics by id: the store's own metrics (issue 16.5) are put in the registry first, and its
# settings in force (the thresholds the formulas state)
_READ_METRICS = ("metrics", "plan", "scorecard", "explain", "report", "push", "schedule")


def _command_in(argv: list[str]) -> str | None:
    """The command named by ``argv`` (its first word that is not an option), when it is a known one."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a command, only that command's module is imported (a cron job's
    ``ingest`` does not pay for the chart and push libraries); otherwise every command, for help and errors."""
    parser = argparse.ArgumentParser(prog="python -m kpi_engine", description="Marketing KPI engine: data, metrics, plans.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = _command_in(argv) if argv is not None else None
    modules = [COMMANDS[command]] if command else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        import_module(f"kpi_engine.cli.{module}").register(sub)
    return parser


def _settings_in_force(engine: sa.Engine) -> AbstractContextManager[None]:
    """The store's settings in force for the command (``kpi_engine.settings.settings_in_force``)."""
    from kpi_engine.settings import settings_in_force
    from kpi_engine.settings_store import load_settings

    try:
        return settings_in_force(load_settings(engine))
    except sa.exc.SQLAlchemyError as exc:  # the command opens the store itself and reports what is wrong with it
        log.debug("settings not read: %s", exc)
        return nullcontext()


def main(argv: list[str] | None = None) -> int:
    # Windows consoles and pipes: make sure Chinese text prints.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    store_settings: AbstractContextManager[None] = nullcontext()
    if args.command in _READ_METRICS and hasattr(args, "db"):
        from kpi_engine.metrics import custom

        engine = custom.activate_url(args.db)  # the store's own metrics are in the registry
        if engine is not None:  # and its settings for whatever the command calls without them (formulas' thresholds)
            store_settings = _settings_in_force(engine)
    try:
        with store_settings:
            return int(args.func(args) or 0)
    except DatabaseBusy:  # another process holds the DuckDB file: say so in one sentence, change nothing
        print(f"error: {t('auth_db_busy', getattr(args, 'lang', None) or 'en')}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: a cron job may simply try again
    except NotAllowed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _quiet_when_the_reader_leaves() -> int:
    """``main`` for a shell: a reader that stops early (``... | head``) ends the command quietly, without a
    traceback, as other command-line tools do (Python's documented way: stdout pointed at devnull)."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush has nowhere to fail
        return 141  # 128 + SIGPIPE, what a shell reports for such a pipeline


if __name__ == "__main__":
    sys.exit(_quiet_when_the_reader_leaves())
