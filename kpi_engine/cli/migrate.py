"""``python -m kpi_engine migrate [--status]``: bring the store to today's schema, or list its migrations.

The dashboard and every command migrate a store when they open it; this command does it on purpose (before
a release goes live, for example) and says what it did. ``--status`` only reads: each step, applied or pending.
"""

from __future__ import annotations

import argparse

from kpi_engine import migrations, store
from kpi_engine.cli import add_db_option
from kpi_engine.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("migrate", help="bring the store to today's schema (numbered migrations)",
                              description="Apply the store's pending schema migrations, one transaction each.")
    p.add_argument("--status", action="store_true", help="only list the migrations, applied or pending")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of messages")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine(args.db, create=False)
    try:
        if args.status:
            done = migrations.applied(engine)
            for step in migrations.STEPS:
                state = t("migrate_applied" if step.version in done else "migrate_pending", args.lang)
                print(f"{step.version:04d}_{step.name}  {state}")
            return 0
        applied = migrations.migrate(engine)
    except migrations.StoreTooNew as exc:
        print(f"error: {t('migrate_too_new', args.lang)} ({exc})")
        return 2
    store.ensure_schema(engine)  # the rollups, as on every open
    if applied:
        names = ", ".join(f"{s.version:04d}_{s.name}" for s in applied)
        print(t("migrate_done", args.lang, n=len(applied), names=names, version=migrations.LATEST))
    else:
        print(t("migrate_up_to_date", args.lang, version=migrations.LATEST))
    return 0
