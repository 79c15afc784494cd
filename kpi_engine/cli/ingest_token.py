"""``python -m kpi_engine ingest-token add NAME [--table T] | list | revoke NAME``: tokens for HTTP ingest."""

from __future__ import annotations

import argparse
import json
import sys

from kpi_engine import schema, store
from kpi_engine.arrivals.tokens import TokenError, add_token, list_tokens, revoke_token
from kpi_engine.cli import add_db_option
from kpi_engine.cli.ingest import text_table
from kpi_engine.i18n import normalize_lang, t


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ingest-token", help="create, list or revoke tokens for HTTP ingest",
                              description="One token per source system; shown once, stored hashed.")
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="create a token (printed once)")
    add.add_argument("name", metavar="NAME", help="the source, recorded as the uploader (e.g. crm_sync)")
    add.add_argument("--table", choices=list(schema.UPLOAD_TABLES), help="limit the token to one table")
    add.add_argument("--user", help="who created it")
    ls = sub.add_parser("list", help="list tokens (never the tokens themselves)")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    rv = sub.add_parser("revoke", help="revoke a token: it stops working at once")
    rv.add_argument("name", metavar="NAME")
    for q in (add, ls, rv):
        add_db_option(q)
        q.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=run)


def _stamp(value: object) -> str:
    return "" if value is None else str(value)


def run(args: argparse.Namespace) -> int:
    lang = normalize_lang(args.lang)
    engine = store.get_engine(args.db)
    try:
        if args.action == "add":
            token = add_token(engine, args.name, args.table, user=args.user)
            table = args.table or t("arrivals_token_any_table", lang)
            print(t("arrivals_token_created", lang, name=args.name, table=table))
            print(token)
            print(t("arrivals_token_show_once", lang), file=sys.stderr)
            return 0
        if args.action == "revoke":
            revoke_token(engine, args.name)
            print(t("arrivals_token_revoked", lang, name=args.name))
            return 0
    except TokenError as exc:
        print(f"error: {t(f'arrivals_token_err_{exc.code}', lang, **exc.params)}", file=sys.stderr)
        return 1
    tokens = list_tokens(engine)
    if args.format == "json":
        print(json.dumps([{"name": k.name, "table": k.table, "created_at": _stamp(k.created_at),
                           "created_by": k.created_by, "last_used_at": k.last_used_at and _stamp(k.last_used_at),
                           "revoked_at": k.revoked_at and _stamp(k.revoked_at), "active": k.active} for k in tokens],
                         ensure_ascii=False, indent=2))
        return 0
    if not tokens:
        print(t("arrivals_token_none", lang))
        return 0
    headers = ["name", "table", "created_at", "last_used_at", "revoked_at"]
    rows = [[k.name, k.table or t("arrivals_token_any_table", lang), _stamp(k.created_at), _stamp(k.last_used_at),
             _stamp(k.revoked_at)] for k in tokens]
    print(text_table(headers, rows))
    return 0
