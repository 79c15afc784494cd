"""``python -m kpi_engine settings show|set|reset|history``: the business settings stored in the database.

``show`` lists every setting (key, name, value, default, changed, description; name and description in
``--lang``); ``set KEY VALUE`` validates and stores one (an invalid value changes nothing, exit status 2);
``reset KEY`` puts it back to its default; ``history`` lists every change (when, who, key, old, new), newest first.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd
import sqlalchemy as sa

from kpi_engine import store
from kpi_engine.cli import add_db_option, database_error
from kpi_engine.cli.metrics import _write as write_frame
from kpi_engine.i18n import t
from kpi_engine.settings import SecretsFileError
from kpi_engine.settings_rules import SettingError, format_value, require_key
from kpi_engine.settings_store import load_settings, overview, reset_setting, set_setting, setting_history

_EPILOG = """\
Values: numbers as plain decimals (shares as fractions, 0.6 = 60%, or as 60%), text as typed.
Rules: shares between 0 and 1, grade bounds S > A > B > C, bonus multipliers >= 0, an IANA time
zone (Asia/Shanghai), an ISO 4217 currency code (CNY), default_prorate calendar|working|seasonal.
Examples:
  python -m kpi_engine settings show --lang zh
  python -m kpi_engine settings set grade_a_from 105
  python -m kpi_engine settings reset grade_a_from
  python -m kpi_engine settings history --format json
"""

SHOW_COLUMNS = ("key", "name", "value", "default", "changed", "description")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("settings", help="show, change or reset the business settings; their change history",
                              description="The business settings stored in the database.", epilog=_EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="every setting: value, default, whether changed, description")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the names and descriptions")
    put = sub.add_parser("set", help="change one setting (validated; an invalid value changes nothing)")
    put.add_argument("key")
    put.add_argument("value")
    reset = sub.add_parser("reset", help="put one setting back to its default")
    reset.add_argument("key")
    hist = sub.add_parser("history", help="every change: when, who, key, old, new (newest first)")
    hist.add_argument("--format", choices=("table", "json"), default="table")
    hist.add_argument("--key", default=None, help="only the changes of this setting")
    for q in (put, reset):
        q.add_argument("--user", default=None, help="who makes the change (default: $KPI_USER / $USER)")
        q.add_argument("--lang", choices=("en", "zh"), default="en", help="language of messages")
    for q in (show, put, reset, hist):
        add_db_option(q)
        q.set_defaults(func=run)


def _show(engine, args: argparse.Namespace) -> None:
    frame = overview(engine, args.lang)
    if args.format == "json":
        rows = [{c: r[c] for c in SHOW_COLUMNS} for r in frame.to_dict(orient="records")]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    shown = pd.DataFrame({"key": frame["key"], "name": frame["name"], "value": [format_value(v) for v in frame["value"]],
                          "default": [format_value(v) for v in frame["default"]],
                          "changed": ["*" if c else "" for c in frame["changed"]], "description": frame["description"]})
    write_frame(shown, "table", sys.stdout)


def _history(engine, args: argparse.Namespace) -> None:
    if args.key:
        require_key(args.key)
    frame = setting_history(engine, args.key)
    if frame.empty and args.format == "table":
        print(t("settings_cli_no_history"))
        return
    frame["changed_at"] = [v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v) for v in frame["changed_at"]]
    if args.format == "json":
        sys.stdout.write(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n")
        return
    write_frame(frame.fillna(""), "table", sys.stdout)


def _change(engine, args: argparse.Namespace) -> None:
    require_key(args.key)
    before = format_value(getattr(load_settings(engine), args.key))
    if args.action == "set":
        changed = set_setting(engine, args.key, args.value, args.user)
    else:
        changed = reset_setting(engine, args.key, args.user)
    after = format_value(getattr(load_settings(engine), args.key))
    if changed:
        print(t("settings_cli_set", args.lang, setting=args.key, old=before, new=after))
    else:
        print(t("settings_cli_unchanged", args.lang, setting=args.key, value=after))


def run(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "en")
    try:
        engine = store.get_engine(args.db)
        {"show": _show, "history": _history, "set": _change, "reset": _change}[args.action](engine, args)
    except SettingError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    except SecretsFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc)
    return 0
