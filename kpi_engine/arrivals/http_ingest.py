"""HTTP ingest for systems that push rows: ``POST /ingest/{table}`` with CSV or JSON, a token per source.

- Authentication: ``Authorization: Bearer TOKEN`` (``python -m kpi_engine ingest-token add NAME``); no, a
  wrong or a revoked token: 401; a token limited to another table: 403.
- Body: ``text/csv`` (any encoding the upload reader knows), or ``application/json`` as a list of objects
  or ``{"rows": [...]}`` (keys are the headers; values plain strings, numbers, booleans or null).
- Limits: a body over ``max_bytes`` or more than ``max_rows`` rows: 413 with a JSON message.
- The rows go through ``kpi_engine.ingest.pipeline.ingest`` (saved mapping for the headers, the same
  validation, the same upload record, so the Data page's history shows it and undo works). Loaded: 200 with
  the counts; refused: 422 with every problem (row, column, value, reason, fix). ``row`` is the spreadsheet
  row for CSV (header = 1) and the 1-based position in the array for JSON.
- Query options: ``on_error=abort|skip`` (default abort), ``lang=en|zh``, ``date_order=dmy|mdy|ymd`` (numeric
  dates that read both ways; default: the saved mapping's, else asked for as a problem), ``accept_changes=true``
  (let the rows change existing leads' owner, channel or created date; refused by default, as on the Data page).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kpi_engine import schema
from kpi_engine.arrivals.limits import DB_UNAVAILABLE, MAX_BYTES, MAX_ROWS
from kpi_engine.arrivals.messages import Lines, Notify, Text, both_languages, result_message, safe_notify
from kpi_engine.arrivals.tokens import TokenInfo, check_token
from kpi_engine.i18n import normalize_lang, t
from kpi_engine.ingest.model import DATE_ORDERS, IngestResult
from kpi_engine.ingest.pipeline import ON_ERROR, ingest
from kpi_engine.ingest.read import read_upload

log = logging.getLogger("kpi_engine.arrivals")
RETRY_AFTER = 5  # seconds, with 503 when the database is busy
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "text/tab-separated-values")


class BodyError(Exception):
    """A request that can't be ingested: HTTP status, i18n key suffix and its values."""

    def __init__(self, status: int, code: str, **params: object) -> None:
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


def _cell(value: object, row: int, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise BodyError(400, "json_nested", row=row, column=key)


def json_rows_to_csv(doc: Any, max_rows: int) -> tuple[bytes, int]:
    """A JSON list of objects (or {"rows": [...]}) as UTF-8 CSV, headers in order of first appearance."""
    rows = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(rows, list):
        raise BodyError(400, "json_shape")
    if len(rows) > max_rows:
        raise BodyError(413, "too_many_rows", rows=len(rows), max_rows=max_rows)
    headers: dict[str, None] = {}
    for n, item in enumerate(rows, 1):
        if not isinstance(item, dict):
            raise BodyError(400, "json_item", row=n)
        headers.update(dict.fromkeys(str(k) for k in item))
    if not rows or not headers:
        raise BodyError(400, "empty")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(headers))
    for n, item in enumerate(rows, 1):
        values = {str(k): v for k, v in item.items()}
        writer.writerow([_cell(values.get(h), n, h) for h in headers])
    return buf.getvalue().encode("utf-8"), len(rows)


def _token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


async def _read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyError(413, "too_big", size=int(declared), max_bytes=max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyError(413, "too_big", size=f"> {max_bytes}", max_bytes=max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _json(doc: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """JSON with plain types only (dates and numpy values as text)."""
    return JSONResponse(json.loads(json.dumps(doc, ensure_ascii=False, default=str)), status_code=status, headers=headers)


def _error(status: int, code: str, lang: str, **params: object) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="kpi-ingest"'} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": str(RETRY_AFTER)}
    return _json({"status": "error", "error": code, "message": t(f"arrivals_http_{code}", lang, **params)}, status, headers)


def as_json_positions(res: IngestResult) -> IngestResult:
    """The result with CSV row numbers (header = 1) turned into positions in the posted JSON array (first = 1)."""
    issues = res.issues.copy()
    issues["row"] = pd.to_numeric(issues["row"], errors="coerce").astype("Int64") - 1
    return replace(res, issues=issues)


def create_app(engine: Engine, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS, lang: str = "en",
               notify: Notify | None = None) -> Starlette:
    """The ASGI app. ``notify`` (optional) gets every push's result as a message, like the inbox."""
    default_lang = normalize_lang(lang)
    write_lock = threading.Lock()  # one writer at a time (DuckDB has a single writer; PostgreSQL locks uploads)

    def authenticate(token: str | None) -> TokenInfo | None:
        with write_lock:  # the check records the use: one writer at a time
            return check_token(engine, token)

    def send_locked(title: Text, lines: Lines) -> None:
        with write_lock:  # the push records its sends in the same database
            safe_notify(notify, title, lines)  # type: ignore[arg-type]

    def run_ingest(body: bytes, table: str, source: TokenInfo, options: dict[str, Any], counted: bool) -> IngestResult:
        if not counted:
            rows = read_upload(body, f"{table}.csv").rows
            if rows > max_rows:
                raise BodyError(413, "too_many_rows", rows=rows, max_rows=max_rows)
        with write_lock:
            return ingest(engine, body, f"POST /ingest/{table} ({source.name})", table=table, use_saved_mapping=True,
                          user=source.name, **options)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def post_ingest(request: Request) -> JSONResponse:
        lang = normalize_lang(request.query_params.get("lang") or default_lang)
        table = request.path_params["table"]
        try:
            source = await run_in_threadpool(authenticate, _token(request))
        except DB_UNAVAILABLE as exc:
            log.warning("HTTP ingest: database unavailable for the token check: %s", exc)
            return _error(503, "busy", lang, retry_after=RETRY_AFTER)
        if source is None:
            return _error(401, "unauthorized", lang)
        if table not in schema.UPLOAD_TABLES:
            return _error(404, "unknown_table", lang, table=table, tables=", ".join(schema.UPLOAD_TABLES))
        if not source.allows(table):
            return _error(403, "wrong_table", lang, name=source.name, table=table, allowed=source.table)
        query = request.query_params
        on_error, date_order = query.get("on_error", "abort"), query.get("date_order") or None
        if on_error not in ON_ERROR:
            return _error(400, "bad_on_error", lang, value=on_error)
        if date_order is not None and date_order not in DATE_ORDERS:
            return _error(400, "bad_date_order", lang, value=date_order)
        options = {"on_error": on_error, "date_order": date_order, "lang": lang,
                   "accept_changes": query.get("accept_changes", "").lower() in ("1", "true", "yes")}
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        is_json = ctype == "application/json" or ctype.endswith("+json")
        if not is_json and ctype not in CSV_TYPES:
            return _error(415, "media_type", lang, content_type=ctype or "-")
        try:
            body = await _read_body(request, max_bytes)
            if is_json:
                try:
                    doc = json.loads(body.decode("utf-8-sig"))
                except (UnicodeDecodeError, ValueError) as exc:
                    raise BodyError(400, "bad_json", error=str(exc)[:200]) from None
                body, _ = json_rows_to_csv(doc, max_rows)
            elif not body.strip():
                raise BodyError(400, "empty")
            res = await run_in_threadpool(run_ingest, body, table, source, options, is_json)
        except BodyError as exc:
            return _error(exc.status, exc.code, lang, **exc.params)
        except ValueError as exc:  # e.g. a saved mapping naming a column the rows lack
            return _error(400, "bad_request", lang, error=str(exc)[:300])
        except DB_UNAVAILABLE as exc:  # the database is busy (another process writes the DuckDB file) or gone: rolled back
            log.warning("HTTP ingest into %s from %s: database unavailable: %s", table, source.name, exc)
            return _error(503, "busy", lang, retry_after=RETRY_AFTER)
        except Exception as exc:  # a bug: the upload's transaction was rolled back
            log.exception("HTTP ingest into %s from %s failed", table, source.name)
            return _error(500, "internal", lang, error=type(exc).__name__)
        if is_json:
            res = as_json_positions(res)
        doc = res.to_dict(lang)
        doc["source"] = source.name
        if notify is not None:
            label = f"{source.name} → {table}"
            title, lines = both_languages(lambda lg: result_message(res, label, lg))
            await run_in_threadpool(send_locked, title, lines)
        if res.status == "loaded":
            doc["message"] = t("arrivals_http_loaded", lang, upload_id=res.upload_id, inserted=res.inserted,
                               updated=res.updated, rejected=res.rejected)
            return _json(doc, 200)
        doc["problems"] = doc["errors"]
        doc["message"] = t("arrivals_http_refused", lang, problems=len(doc["errors"]), rows_read=res.rows_read)
        return _json(doc, 422)

    routes = [Route("/health", health, methods=["GET"]), Route("/ingest/{table}", post_ingest, methods=["POST"])]
    return Starlette(routes=routes)
