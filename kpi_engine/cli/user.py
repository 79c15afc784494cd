"""``python -m kpi_engine user add|disable|enable|reset|role|list`` and ``python -m kpi_engine audit``.

The command line runs as the machine's operator (full access): whoever can run it can already read the
database file. Passwords are read from a prompt or standard input (``--password-stdin``), never from the
command line, where they would land in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

import pandas as pd
import sqlalchemy as sa

from kpi_engine import exports
from kpi_engine import store as db
from kpi_engine.access import audit, users
from kpi_engine.cli import add_db_option
from kpi_engine.cli.ingest import text_table
from kpi_engine.i18n import t
from kpi_engine.schema import USER_ROLES

_EPILOG = """\
Roles: admin (settings, users, plans, uploads, every scorecard), manager (their team tree), member (their own
scorecard, leads and feedback), viewer (team aggregates only). Examples:
  python -m kpi_engine user add ann --role manager --person p01 --name "Ann Li"
  python -m kpi_engine user add bob@example.com --role member --person p02 --sso   # signs in through the company IdP
  python -m kpi_engine user reset ann
  python -m kpi_engine audit --action sign_in_failed --format csv > failed.csv
"""


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise users.AccountError("access_password_mismatch")
    return first


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("user", help="accounts: add, disable, enable, reset a password, change a role, list",
                              description="Local accounts of the dashboard (argon2-hashed passwords) and single "
                                          "sign-on accounts matched by e-mail.",
                              epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="add an account")
    add.add_argument("username")
    add.add_argument("--role", choices=USER_ROLES, required=True)
    add.add_argument("--name", default="")
    add.add_argument("--email", default=None)
    add.add_argument("--person", default=None, help="the person id in the people table (members and managers)")
    add.add_argument("--sso", action="store_true", help="no password: signs in through single sign-on only")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, helptext in (("disable", "disable an account (it can no longer sign in)"), ("enable", "enable again"),
                           ("reset", "set a new password")):
        one = sub.add_parser(name, help=helptext)
        one.add_argument("username")
        if name == "reset":
            one.add_argument("--password-stdin", action="store_true")
    role = sub.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=USER_ROLES)
    listing = sub.add_parser("list", help="list the accounts (never their passwords)")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    for q in (add, listing, role, *(sub.choices[n] for n in ("disable", "enable", "reset"))):
        add_db_option(q)
        q.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=run)

    a = subparsers.add_parser("audit", help="the audit log: sign-ins, uploads, undo, plans, settings, users",
                              description="Print the append-only audit log, newest first.")
    add_db_option(a)
    a.add_argument("--action", default=None, help=f"only one kind: {', '.join(audit.ACTIONS)}")
    a.add_argument("--actor", default=None)
    a.add_argument("--limit", type=int, default=None)
    a.add_argument("--format", choices=["table", "json", "csv"], default="table")
    a.set_defaults(func=run_audit)


def run(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "en")
    try:
        engine = db.get_engine(args.db)
        cmd = args.user_command
        if cmd == "add":
            password = None if args.sso else _password(args)
            account = users.add_user(engine, args.username, role=args.role, name=args.name, email=args.email,
                                     person_id=args.person, password=password)
            print(t("access_cli_added", lang, username=account.username, role=account.role))
        elif cmd == "disable":
            users.disable_user(engine, args.username)
            print(t("access_cli_disabled", lang, username=args.username))
        elif cmd == "enable":
            users.enable_user(engine, args.username)
            print(t("access_cli_enabled", lang, username=args.username))
        elif cmd == "reset":
            users.reset_password(engine, args.username, _password(args))
            print(t("access_cli_reset", lang, username=args.username))
        elif cmd == "role":
            users.set_role(engine, args.username, args.role)
            print(t("access_cli_role", lang, username=args.username, role=args.role))
        else:
            _print(users.list_users(engine), args.format, "—")
    except users.AccountError as exc:
        print(f"error: {t(exc.key, lang, **exc.params)}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as exc:
        print(f"error: {t('access_cli_db_error', lang)} ({type(getattr(exc, 'orig', None) or exc).__name__})", file=sys.stderr)
        return 1
    return 0


def run_audit(args: argparse.Namespace) -> int:
    engine = db.get_engine(args.db)
    frame = audit.list_events(engine, actor=args.actor, action=args.action, limit=args.limit)
    _print(frame, args.format, "")
    return 0


def _print(frame: pd.DataFrame, fmt: str, blank: str) -> None:
    """A frame as a text table (``blank`` for no value), JSON records or formula-safe CSV."""
    if fmt == "csv":
        exports.frame_to_csv(frame, sys.stdout)
    elif fmt == "json":
        print(json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=2))
    else:
        print(text_table(list(frame.columns), frame.astype(object).where(frame.notna(), blank).values.tolist()))
