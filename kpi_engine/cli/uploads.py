"""``python -m kpi_engine uploads`` (the audit list) and ``python -m kpi_engine undo UPLOAD_ID``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import pandas as pd

from kpi_engine import store
from kpi_engine.cli import add_db_option
from kpi_engine.cli.ingest import text_table
from kpi_engine.i18n import normalize_lang, t
from kpi_engine.ingest.audit import list_uploads
from kpi_engine.ingest.undo import undo_upload


def _iso(value: object) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().isoformat(timespec="seconds")
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def upload_records(frame: pd.DataFrame) -> list[dict]:
    """The audit list as JSON-ready objects (ISO timestamps, plain ints and bools)."""
    out = []
    for rec in frame.to_dict("records"):
        out.append({
            "upload_id": int(rec["upload_id"]), "file": rec["file"], "table": rec["table"],
            "uploaded_at": _iso(rec["uploaded_at"]), "uploaded_by": rec["uploaded_by"],
            "rows_read": int(rec["rows_read"]), "inserted": int(rec["inserted"]), "updated": int(rec["updated"]),
            "rejected": int(rec["rejected"]), "warnings": int(rec["warnings"]), "undone": bool(rec["undone"]),
            "undone_at": _iso(rec["undone_at"]),
        })
    return out


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("uploads", help="list uploads (the audit), newest first",
                              description="List every upload with its counts, newest first.")
    add_db_option(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=run_uploads)

    u = subparsers.add_parser("undo", help="undo an upload, restoring exactly what it replaced",
                              description="Undo one upload: delete the rows it inserted and restore the rows it replaced.")
    u.add_argument("upload_id", metavar="UPLOAD_ID", type=int)
    add_db_option(u)
    u.add_argument("--user", help="name recorded as the person who undid it")
    u.add_argument("--format", choices=["table", "json"], default="table")
    u.add_argument("--lang", choices=["en", "zh"], default="en")
    u.set_defaults(func=run_undo)


def run_uploads(args: argparse.Namespace) -> int:
    lang = normalize_lang(args.lang)
    records = upload_records(list_uploads(store.get_engine(args.db)))
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if not records:
        print(t("ingest_uploads_none", lang))
        return 0
    headers = ["upload_id", "uploaded_at", "table", "file", "rows_read", "inserted", "updated", "rejected", "undone"]
    rows = [[r[h] if h != "undone" else ("yes" if r["undone"] else "") for h in headers] for r in records]
    print(text_table(headers, rows))
    return 0


def run_undo(args: argparse.Namespace) -> int:
    lang = normalize_lang(args.lang)
    res = undo_upload(store.get_engine(args.db), args.upload_id, user=args.user)
    message = res.message(lang)
    if args.format == "json":
        print(json.dumps({"upload_id": res.upload_id, "ok": res.ok, "deleted": res.deleted, "restored": res.restored,
                          "code": res.message_code, "message": message, "blocking_uploads": res.blocking_uploads},
                         ensure_ascii=False, indent=2))
    else:
        print(message, file=sys.stdout if res.ok else sys.stderr)
    return 0 if res.ok else 1
