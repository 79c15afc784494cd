"""The upload pipeline, read -> map -> validate -> load: the one entry point for the Data page and the CLI.

Outcomes (``IngestResult.status``):

- ``loaded``: written in one transaction (staging, merge, people/channels
  created, undo twins, audit record, data version), ``upload_id`` set;
- ``refused``: unreadable file, no table, a missing key/required column, or
  errors with ``on_error="abort"``: nothing written, no audit record;
- ``empty``: nothing valid to load (empty file, header only, every row
  rejected): nothing written;
- ``dry_run``: read, map and validate only (plus, for leads, the preview of changes to existing leads'
  owner/channel/created date, computed in a transaction that is rolled back);
- ``unconfirmed``: the upload would change existing leads' owner, channel or created date (``history``) and
  ``accept_changes`` was not given: rolled back, nothing written.

Numeric dates that read both day-first and month-first (``ambiguous_dates``) are never guessed: without a
``date_order`` (given, or saved with the mapping) the upload is refused with a ``date_order_needed`` issue.
An order given for a file whose mapping is saved is remembered with it.

Raises ValueError only for bad arguments (unknown table, on_error value,
an override naming a header the file lacks, an unknown canonical column, an unknown date order).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Connection

from kpi_engine import access, rollups, schema, store
from kpi_engine.ingest import audit
from kpi_engine.ingest.history import ChangesNotAccepted, preview_history
from kpi_engine.ingest.issues import Record, sort_by_row
from kpi_engine.ingest.load import LoadOutcome, RowsCollide, fetch_existing, load, pause_point, preview_collisions
from kpi_engine.ingest.mapping import build_mapping, find_saved_mapping, remember_date_order
from kpi_engine.ingest.mapping import save_mapping as store_mapping
from kpi_engine.ingest.model import (
    DATE_ORDERS,
    ISSUE_COLUMNS,
    IngestResult,
    Mapping,
    Progress,
    RawFile,
    Validated,
)
from kpi_engine.ingest.read import read_upload
from kpi_engine.ingest.validate import existing_columns_needed, key_table, validate
from kpi_engine.settings import get_settings
from kpi_engine.settings_store import load_settings

ON_ERROR = ("abort", "skip")
# File problems that leave nothing to map or validate.
UNREADABLE = {"file_not_text", "file_bad_xlsx", "file_sheet_choice", "file_sheet_unknown",
              "file_merged_cells"}  # (merged cells would read as blanks: refused whatever on_error says)
NOTHING_IN_IT = {"file_empty", "file_header_only"}


def _progress(progress: Progress | None, fraction: float, stage: str) -> None:
    if progress is not None:
        progress(fraction, stage)


def merge_issues(*parts: list[Record] | None) -> list[Record]:
    """File and validation issue records together, sorted by row (file-level ones first); no pandas."""
    merged = [{c: r.get(c) for c in ISSUE_COLUMNS} for part in parts if part for r in part]
    return sort_by_row(merged)


def _file_error_rows(raw: RawFile) -> set[int]:
    """Rows the reader rejected (e.g. wrong number of fields): reported and counted, never loaded."""
    return {int(r["row"]) for r in raw.issue_rows
            if r["severity"] == "error" and r["row"] is not None and r["code"] not in NOTHING_IN_IT}


def _map(engine, raw: RawFile, table: str | None, overrides: dict[str, str], constants: dict[str, str],
         use_saved: bool, date_order: str | None) -> Mapping:
    saved = find_saved_mapping(engine, raw.headers) if use_saved and raw.headers else None
    if saved is not None and table and saved.table != table:
        saved = None
    mapping = build_mapping(raw.headers, table, overrides=overrides or None, constants=constants or None, saved=saved)
    return replace(mapping, date_order=date_order) if date_order else mapping  # a given order wins over a saved one


def _validate(engine, raw: RawFile, mapping: Mapping, lang: str) -> Validated:
    existing = None
    settings = load_settings(engine)
    if mapping.table in schema.UPLOAD_TABLES:
        needed = existing_columns_needed(mapping)
        if needed is not None and raw.rows:
            existing = fetch_existing(engine, mapping.table, key_table(raw, mapping, settings), needed)
    return validate(raw, mapping, existing=existing, lang=lang, settings=settings)


def ingest(engine, source: bytes | str | Path | RawFile, file_name: str | None = None, *, table: str | None = None,
           map_overrides: dict[str, str] | None = None, constants: dict[str, str] | None = None,
           on_error: str = "abort", dry_run: bool = False, use_saved_mapping: bool = True,
           save_mapping: bool = False, user: str | None = None, lang: str = "en",
           progress: Progress | None = None, sheet: str | None = None, date_order: str | None = None,
           accept_changes: bool = False) -> IngestResult:
    """Read, map, validate and (unless refused or a dry run) load one upload atomically.

    ``source`` is the file (bytes, a path, or CSV text), or a RawFile already read from it by ``read_upload``
    (the command line reads while the store opens). ``date_order`` (dmy, mdy, ymd) reads numeric dates in that
    order; ``accept_changes`` lets the upload change existing leads' owner, channel or created date (see the
    module docstring).
    """
    access.require("upload")  # admins only (the command line runs as the local operator)
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, got {on_error!r}")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, got {date_order!r}")
    if table is not None and table not in schema.UPLOAD_TABLES:
        raise ValueError(f"unknown table {table!r}; one of: {', '.join(schema.UPLOAD_TABLES)}")
    overrides, consts = dict(map_overrides or {}), dict(constants or {})

    _progress(progress, 0.0, "read")
    raw = source if isinstance(source, RawFile) else read_upload(source, file_name, sheet=sheet)
    bad_rows = _file_error_rows(raw)
    rows_read = raw.rows + len(bad_rows)
    codes = {r["code"] for r in raw.issue_rows}

    def result(status: str, issues: list[Record], *, tbl: str | None = table, mapping: Mapping | None = None,
               rejected: int = 0, **counts: object) -> IngestResult:
        _progress(progress, 1.0, "done")
        return IngestResult(status=status, table=tbl or None, file_name=raw.name, rows_read=rows_read, rejected=rejected,
                            issues=issues, mapping=mapping, **counts)  # type: ignore[arg-type]

    if codes & UNREADABLE:
        return result("refused", merge_issues(raw.issue_rows))
    if raw.rows == 0:
        status = "refused" if bad_rows or not (codes & NOTHING_IN_IT) else "empty"
        return result(status, merge_issues(raw.issue_rows), rejected=len(bad_rows))

    _progress(progress, 0.1, "map")
    mapping = _map(engine, raw, table, overrides, consts, use_saved_mapping, date_order)
    _progress(progress, 0.2, "validate")
    validated = _validate(engine, raw, mapping, lang)
    issues = merge_issues(raw.issue_rows, validated.issue_rows)
    rejected = validated.rejected_rows + len(bad_rows)
    tbl = mapping.table or table
    dates = {"ambiguous_dates": validated.ambiguous_dates, "date_order": validated.date_order}
    if any(r["severity"] == "error" and r["row"] is None for r in validated.issue_rows):  # about the whole file
        return result("refused", issues, tbl=tbl, mapping=mapping, rejected=rejected, **dates)
    if dry_run:
        if save_mapping:
            store_mapping(engine, raw.headers, mapping)
        _progress(progress, 0.5, "ingest_stage_compare")
        history = preview_history(engine, validated, lang)
        collide = preview_collisions(engine, validated, lang)  # rows that repeat a key once names are ids
        if collide:
            issues, rejected = merge_issues(issues, collide), rejected + len(collide)
        return result("dry_run", issues, tbl=tbl, mapping=mapping, rejected=rejected, history=history, **dates)
    has_errors = any(r["severity"] == "error" for r in issues)
    if has_errors and on_error == "abort":
        return result("refused", issues, tbl=tbl, mapping=mapping, rejected=rejected, **dates)
    if validated.clean.num_rows == 0:
        return result("empty", issues, tbl=tbl, mapping=mapping, rejected=rejected, **dates)

    _progress(progress, 0.6, "load")
    warnings = sum(1 for r in issues if r["severity"] == "warning")
    try:
        with store.transaction(engine) as conn:
            audit.lock_uploads(conn)
            upload_id = audit.next_upload_id(conn)
            outcome = load(conn, validated, upload_id, lang=lang, accept_changes=accept_changes,
                           skip_collisions=on_error == "skip")
            rejected += len(outcome.collisions)
            _record(conn, upload_id, raw, validated, mapping, outcome, rows_read, rejected, warnings, on_error,
                    user or get_settings().upload_user)
    except ChangesNotAccepted as refused:  # rolled back: nothing written
        return result("unconfirmed", issues, tbl=validated.table, mapping=mapping, rejected=rejected,
                      history=refused.history, **dates)
    except RowsCollide as collide:  # rolled back: nothing written; reported like any duplicate key
        return result("refused", merge_issues(issues, collide.issues), tbl=validated.table, mapping=mapping,
                      rejected=rejected + len(collide.issues), **dates)
    if outcome.collisions:
        issues = merge_issues(issues, outcome.collisions)
    if save_mapping:
        store_mapping(engine, raw.headers, mapping)
    elif date_order:
        remember_date_order(engine, raw.headers, date_order)  # a saved mapping for this source keeps the choice
    return result("loaded", issues, tbl=validated.table, mapping=mapping, rejected=rejected, upload_id=upload_id,
                  inserted=outcome.inserted, updated=outcome.updated, created=outcome.created,
                  history=outcome.history, **dates)


def _record(conn: Connection, upload_id: int, raw: RawFile, validated: Validated, mapping: Mapping,
            outcome: LoadOutcome, rows_read: int,
            rejected: int, warnings: int, on_error: str, who: str | None) -> None:
    """The audit record, the data version and the test pause point, inside the loading transaction."""
    audit.record_upload(
        conn, upload_id=upload_id, file_name=raw.name, sha256=raw.sha256, table=validated.table, rows_read=rows_read,
        inserted=outcome.inserted, updated=outcome.updated, rejected=rejected, warnings=warnings, on_error=on_error,
        mapping_json=mapping.to_json(), user=who,
    )
    store.analyze(conn, [validated.table], outcome.inserted + outcome.updated)  # PostgreSQL, after a bulk load
    store.bump_data_version(conn)
    rollups.after_upload(conn, upload_id, validated.table)  # the daily rollups of the days it touched
    pause_point("commit")
