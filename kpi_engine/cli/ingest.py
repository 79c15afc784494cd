"""``python -m kpi_engine ingest FILE``: upload a CSV/Excel export (same code as the Data page).

Exit status: 0 when it loaded (or a dry run found nothing blocking), 1 when it
was refused or loaded nothing (ambiguous dates without ``--date-order``, changes
to existing leads' owner/channel/created date without ``--accept-changes``),
2 for a usage error (bad option, missing file), 75 when the database is busy or its disk full (try again),
1 with one sentence for any other database error (details in the error log, see kpi_engine.faults).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kpi_engine import faults, schema, store
from kpi_engine.cli import add_db_option, stage_printer
from kpi_engine.i18n import normalize_lang, t
from kpi_engine.ingest.mapping import canonical_columns
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.model import DATE_ORDERS, IngestResult
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.read import read_upload
from kpi_engine.store import DatabaseBusy

SHOWN = 20
REASON_CHARS = 240  # a reason is one sentence: shown whole
_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _known_columns() -> set[str]:
    return {c for name in schema.UPLOAD_TABLES for c in canonical_columns(name)}


def parse_pairs(values: list[str] | None) -> dict[str, str]:
    """``CANONICAL=VALUE`` options into a dict (later ones win).

    One option may carry several pairs separated by commas (``a=X,b=Y``) only when every piece starts
    with a known canonical column name and ``=``; otherwise the whole text after the first ``=`` is the
    value (headers may contain commas).
    """
    known = _known_columns()
    out: dict[str, str] = {}
    for item in values or []:
        pieces = item.split(",")
        if len(pieces) > 1 and all((m := _NAME.match(p)) and m.group(1) in known for p in pieces):
            parts = pieces
        else:
            parts = [item]
        for part in parts:
            name, sep, value = part.partition("=")
            if not sep or not name.strip():
                raise ValueError(t("ingest_usage_pair", "en", value=item))
            out[name.strip()] = value.strip()
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cell(value: object, limit: int = 60) -> str:
    text = "" if value is None else str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], last_limit: int = 60) -> str:
    """A plain fixed-width table (wide CJK characters count double); the last column is cut at ``last_limit``."""
    n = len(headers)
    cells = [[_cell(h) for h in headers]] + [[_cell(v, last_limit if i == n - 1 else 60) for i, v in enumerate(r)]
                                             for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _issue_rows(records: list[dict]) -> list[list[object]]:
    return [["-" if r["row"] is None else r["row"], r["column"] or "-", r["value"] or "", r["reason"]] for r in records]


def render(res: IngestResult, lang: str, shown: int = SHOWN) -> str:
    """The human summary: status, counts, people/channels created, first rejected rows and warnings."""
    out = []
    if res.status == "loaded":
        out.append(t("ingest_status_loaded", lang, upload_id=res.upload_id, table=res.table))
    else:
        out.append(t(f"ingest_status_{res.status}", lang))
        if res.table:
            out.append(t("ingest_summary_table", lang, table=res.table))
    out.append(t("ingest_summary_counts", lang, rows_read=res.rows_read, inserted=res.inserted, updated=res.updated,
                 rejected=res.rejected, warnings=len(res.warning_rows)))
    for kind, names in res.created.items():
        listed = ", ".join(_cell(n) for n in names[:shown]) + (" …" if len(names) > shown else "")
        out.append(t("ingest_summary_created", lang, kind=t(f"ingest_kind_{kind}", lang), names=listed))
    headers = [t("ingest_col_row", lang), t("ingest_col_column", lang), t("ingest_col_value", lang), t("ingest_col_reason", lang)]
    errors, warnings = res.error_rows, res.warning_rows  # records: a clean upload never imports pandas
    for title, found in (("ingest_summary_errors", errors), ("ingest_summary_warnings", warnings)):
        if not found:
            continue
        out += ["", t(title, lang, shown=min(shown, len(found)), total=len(found))]
        records = issue_records(found[:shown], lang)
        whole = [r for r in records if r["row"] is None]  # about the whole file: the full sentence and the fix
        out += [f"- {r['reason']} {r['fix']}" for r in whole]
        rows = [r for r in records if r["row"] is not None]
        if rows:
            out.append(text_table(headers, _issue_rows(rows), last_limit=REASON_CHARS))
    if res.status == "refused" and any(r["row"] is not None for r in errors):
        out += ["", t("ingest_hint_skip", lang)]
    out += _dates_block(res, lang) + _history_block(res, lang, shown)
    return "\n".join(out)


def _dates_block(res: IngestResult, lang: str) -> list[str]:
    """Each ambiguous date column with its examples read both ways, and how to choose (or the order used)."""
    if not res.ambiguous_dates:
        return []
    out = [""]
    for amb in res.ambiguous_dates:
        column = amb.column if not amb.source or amb.source == amb.column else f"{amb.column} ({amb.source})"
        readings = []
        for i, value in enumerate(amb.examples):
            dates = " · ".join(f"{t(f'ingest_date_order_{o}', lang)} {amb.readings[o][i] or t('ingest_date_not_a_date', lang)}"
                               for o in ("dmy", "mdy"))
            readings.append(f"{value} → {dates}")
        out.append(t("ingest_date_ambiguous", lang, column=column, readings="; ".join(readings)))
    if res.needs_date_order:
        out.append(t("ingest_hint_date_order", lang))
    else:
        out.append(t("ingest_date_order_used", lang, order=t(f"ingest_date_order_{res.date_order}", lang)))
    return out


def _history_block(res: IngestResult, lang: str, shown: int) -> list[str]:
    """What the upload changes (or would change) in existing leads: the groups, the first leads, how to accept."""
    hist = res.history
    if hist is None:
        return []
    title = "ingest_hist_applied" if res.status == "loaded" else "ingest_hist_title"
    lines = hist.lines(lang, applied=res.status == "loaded")
    out = ["", t(title, lang, total=f"{hist.total:,}")] + [f"  {line}" for line in lines]
    table = hist.leads_table(lang, limit=shown)
    rows = [["" if v is None or v != v else v for v in r] for r in table.itertuples(index=False)]
    out += ["", text_table(list(table.columns), rows)]
    if hist.total > shown:
        out.append(f"… {hist.total - shown:,}")
    if res.status in ("unconfirmed", "dry_run"):
        out += ["", t("ingest_hist_hint", lang)]
    return out


def exit_status(res: IngestResult, on_error: str, accept_changes: bool = False) -> int:
    if res.status == "loaded":
        return 0
    if res.status == "dry_run":
        blocked = len(res.error_rows) > 0 and on_error == "abort"
        unconfirmed = res.history is not None and not accept_changes
        return 1 if blocked or unconfirmed or res.rejected >= res.rows_read else 0
    return 1


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest", help="upload a CSV or Excel export into the store",
        description="Read, map, validate and load one export file atomically (the same code as the Data page).",
    )
    p.add_argument("file", metavar="FILE", help="a .csv (UTF-8, GBK ...) or .xlsx file")
    add_db_option(p)
    p.add_argument("--table", choices=list(schema.UPLOAD_TABLES), help="the table to fill (default: detected)")
    p.add_argument("--map", action="append", default=[], metavar="CANONICAL=SOURCE_HEADER",
                   help="map a file header to a canonical column (repeatable; one header may feed several columns)")
    p.add_argument("--set", action="append", default=[], dest="constants", metavar="CANONICAL=VALUE",
                   help="one value for a column in every row, e.g. --set channel_id=douyin_video (repeatable)")
    p.add_argument("--on-error", choices=["abort", "skip"], default="abort",
                   help="abort: any error refuses the upload (default); skip: load valid rows, report the others")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--dry-run", action="store_true", help="read, map and validate only; write nothing")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the report")
    p.add_argument("--sheet", help="Excel sheet name (default: the first non-empty sheet)")
    p.add_argument("--save-mapping", action="store_true", help="remember this mapping for files with the same headers")
    p.add_argument("--no-saved-mapping", action="store_true", help="ignore a saved mapping for these headers")
    p.add_argument("--user", help="name recorded as the uploader (default: $KPI_USER / $USER)")
    p.add_argument("--date-order", choices=list(DATE_ORDERS),
                   help="order of numeric dates like 03/04/2026: dmy (day/month/year), mdy or ymd; needed when a "
                        "date column reads both ways, and remembered with the saved mapping")
    p.add_argument("--accept-changes", action="store_true",
                   help="apply changes to existing leads' owner, channel or created date (listed first otherwise, "
                        "and nothing is loaded)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = normalize_lang(args.lang)
    path = Path(args.file)
    if not path.is_file():
        print(f"error: {t('ingest_usage_no_file', lang, path=path)}", file=sys.stderr)
        return 2
    try:
        overrides, constants = parse_pairs(args.map), parse_pairs(args.constants)
        progress = stage_printer(lang)
        if progress is not None:
            progress(0.0, "read")
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The file is read (pyarrow, without the GIL) while this thread opens and migrates the store.
            reading = pool.submit(read_upload, path, path.name, sheet=args.sheet)
            engine = store.get_engine(args.db)
            raw = reading.result()
        with store.kept_open(engine):  # a DuckDB file opened once for the upload's dozen connections
            res = ingest(engine, raw, path.name, table=args.table, map_overrides=overrides, constants=constants,
                         on_error=args.on_error, dry_run=args.dry_run, use_saved_mapping=not args.no_saved_mapping,
                         save_mapping=args.save_mapping, user=args.user, lang=lang, sheet=args.sheet,
                         date_order=args.date_order, accept_changes=args.accept_changes, progress=progress)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DatabaseBusy:
        raise  # kpi_engine.__main__ says so (exit 75)
    except faults.STORE_ERRORS as exc:  # a full disk, a conflict, any database error: one sentence, details logged
        if isinstance(exc, OSError) and faults.classify(exc) == "other":
            raise
        fault = faults.explain(exc, lang, context=f"ingest {path.name}")
        print(f"error: {faults.sentence(fault, lang)}", file=sys.stderr)
        return fault.exit_code
    if args.format == "json":
        print(json.dumps(res.to_dict(lang), ensure_ascii=False, indent=2, default=str))
    else:
        print(render(res, lang))
    return exit_status(res, args.on_error, args.accept_changes)
