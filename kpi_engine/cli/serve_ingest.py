"""``python -m kpi_engine serve-ingest [--host 127.0.0.1] [--port 8502]``: the HTTP ingest endpoint (uvicorn)."""

from __future__ import annotations

import argparse

from kpi_engine import store
from kpi_engine.arrivals.limits import MAX_BYTES, MAX_ROWS
from kpi_engine.arrivals.messages import default_notify
from kpi_engine.arrivals.tokens import list_tokens
from kpi_engine.cli import add_db_option
from kpi_engine.i18n import normalize_lang, t


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve-ingest", help="serve POST /ingest/TABLE for systems that push rows",
        description="HTTP ingest: POST /ingest/TABLE with CSV or JSON rows and 'Authorization: Bearer TOKEN' "
                    "(python -m kpi_engine ingest-token add NAME). Same validation, upload record and undo as the Data page.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8502)
    add_db_option(p)
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help=f"request body limit (default {MAX_BYTES})")
    p.add_argument("--max-rows", type=int, default=MAX_ROWS, help=f"rows per request limit (default {MAX_ROWS})")
    p.add_argument("--notify", action="store_true", help="send each push's result as a message, like the inbox")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="default language of the responses")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn  # imported here: the other commands start without the web stack

    from kpi_engine.arrivals.http_ingest import create_app

    lang = normalize_lang(args.lang)
    engine = store.get_engine(args.db)
    if not any(k.active for k in list_tokens(engine)):
        print(t("arrivals_serve_no_tokens", lang), flush=True)
    app = create_app(engine, max_bytes=args.max_bytes, max_rows=args.max_rows, lang=lang,
                     notify=default_notify(engine) if args.notify else None)
    print(t("arrivals_serve_listening", lang, url=f"http://{args.host}:{args.port}"), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
