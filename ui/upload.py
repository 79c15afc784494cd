"""The upload flow of the Data page, one panel per file: table, mapping, preview, check, load.

Every step calls the same ingest code as ``python -m kpi_engine ingest``; this
module only draws widgets and keeps per-file results in session state so that a
rerun (any click) does not read or validate a file again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kpi_engine import access, faults, schema
from kpi_engine.ingest.mapping import build_mapping, canonical_columns, find_saved_mapping
from kpi_engine.ingest.model import ROW_COL, IngestResult, Mapping, Progress, RawFile
from kpi_engine.ingest.pipeline import ingest
from kpi_engine.ingest.read import read_upload
from kpi_engine.settings import get_settings
from ui import db, load_report, upload_checks
from ui.i18n import lang, stage_label, tr
from ui.tables import column_label, table_label

FILE_TYPES = ["csv", "txt", "tsv", "xlsx"]
NONE = "—"  # "no source column" in the mapping editor
PREVIEW_ROWS = 10
_CACHE = "_upload_cache"  # session key: {file key: {"raw": RawFile, "dry": (params, result), "loaded": result}}


def uploader() -> list[UploadedFile]:
    """The file picker (several files at once)."""
    files = st.file_uploader(tr("ui_up_label"), type=FILE_TYPES, accept_multiple_files=True,
                             key="upload_files", help=tr("ui_up_help"))
    return list(files or [])


def file_key(uploaded: UploadedFile) -> str:
    """A short stable id for one uploaded file (prefix of its widgets' keys)."""
    return hashlib.sha256(f"{uploaded.file_id}:{uploaded.name}".encode()).hexdigest()[:10]


def _slot(key: str) -> dict[str, Any]:
    return st.session_state.setdefault(_CACHE, {}).setdefault(key, {})


def forget_missing(files: list[UploadedFile]) -> None:
    """Drop cached results of files no longer in the uploader."""
    keep = {file_key(f) for f in files}
    cache = st.session_state.get(_CACHE, {})
    for key in [k for k in cache if k not in keep]:
        del cache[key]


def progress_callback(bar: Any) -> Progress:
    """An ingest ``progress`` callback that moves a Streamlit progress bar."""
    def update(fraction: float, stage: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=stage_label(stage) if stage else None)
    return update


def read_file(key: str, name: str, data: bytes, sheet: str | None = None) -> RawFile:
    """``read_upload`` once per file (and sheet) and session."""
    cache = _slot(key).setdefault("raws", {})
    if sheet not in cache:
        cache[sheet] = read_upload(data, name, sheet=sheet)
    return cache[sheet]


def pick_sheet(key: str, raw: RawFile) -> str | None:
    """A workbook with several sheets: the sheet to read (preselected: the one the reader chose), else None."""
    if len(raw.sheets) < 2:
        return None
    if f"sheet_{key}" not in st.session_state:
        st.session_state[f"sheet_{key}"] = raw.sheet or ""
    chosen = st.selectbox(tr("ui_up_sheet"), ["", *raw.sheets], key=f"sheet_{key}", help=tr("ui_up_sheet_help"),
                          format_func=lambda s: s or tr("ui_up_sheet_ask"))
    return chosen or None


def pick_table(key: str, raw: RawFile, saved: Mapping | None) -> str:
    """The detected table (or the saved mapping's), which the user may override."""
    detected = build_mapping(raw.headers, None, saved=saved)
    guess, scores = detected.table, detected.table_scores
    options = ["", *schema.UPLOAD_TABLES]
    if f"table_{key}" not in st.session_state:
        st.session_state[f"table_{key}"] = guess if guess in options else ""

    labels = {name: f"{table_label(name)} ({scores[name]:.0%})" if scores.get(name) else table_label(name)
              for name in options if name}
    labels[""] = tr("ui_map_no_table")
    table = st.selectbox(tr("ui_map_table"), options, key=f"table_{key}", format_func=labels.__getitem__,
                         help=tr("ui_map_table_help"))
    if guess and saved:
        st.caption(tr("ui_map_saved_used", table=table_label(saved.table)))
    elif guess:
        st.caption(tr("ui_map_detected", table=table_label(guess), score=f"{scores.get(guess, 0):.0%}"))
    return table


def _editor_frame(raw: RawFile, table: str, saved: Mapping | None) -> pd.DataFrame:
    base = build_mapping(raw.headers, table, saved=saved if saved and saved.table == table else None)
    required = set(schema.required_columns(schema.UPLOAD_TABLES[table]))
    cols = canonical_columns(table)
    return pd.DataFrame({
        "column": cols,
        "label": [f"{column_label(c)} *" if c in required else column_label(c) for c in cols],
        "required": [c in required for c in cols],
        "source": [base.columns.get(c, NONE) for c in cols],
        "constant": [base.constants.get(c, "") for c in cols],
    })


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def edit_mapping(key: str, raw: RawFile, table: str, saved: Mapping | None) -> tuple[dict[str, str], dict[str, str], Mapping]:
    """The mapping as an editable table.

    Returns the overrides for ingest (every canonical column -> its header, "" for none), the constants,
    and the resulting Mapping (a constant wins over a header, as in the engine).
    """
    frame = _editor_frame(raw, table, saved)
    edited = st.data_editor(
        frame, key=f"map_{key}_{table}", hide_index=True, num_rows="fixed", width="stretch",
        height=35 * (len(frame) + 1) + 3,
        disabled=["column", "label", "required"],
        column_config={
            # three columns fit a phone (390 px): the field's meaning (* required), the header, one value;
            # the canonical name and the required flag stay in the frame, not on screen
            "column": None, "required": None,
            "label": st.column_config.TextColumn(tr("ui_map_col_label"), help=tr("ui_map_col_label_help"), width=130,
                                                 pinned=True),
            "source": st.column_config.SelectboxColumn(tr("ui_map_col_source"), options=[NONE, *raw.headers],
                                                       help=tr("ui_map_col_source_help"), width=130),
            "constant": st.column_config.TextColumn(tr("ui_map_col_constant"), help=tr("ui_map_col_constant_help"),
                                                    width=110),
        },
    )
    records = edited.to_dict("records")
    overrides = {r["column"]: ("" if _text(r["source"]) in ("", NONE) else _text(r["source"])) for r in records}
    constants = {r["column"]: _text(r["constant"]) for r in records if _text(r["constant"])}
    return overrides, constants, build_mapping(raw.headers, table, overrides=overrides, constants=constants)


def mapped_preview(raw: RawFile, mapping: Mapping, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first rows as they will be read: spreadsheet row number, then each provided canonical column."""
    head = raw.data.slice(0, rows).to_pandas()
    out = pd.DataFrame({tr("ui_col_row"): head[ROW_COL]}) if ROW_COL in head else pd.DataFrame(index=head.index)
    for col in canonical_columns(mapping.table):
        if col in mapping.constants:
            out[col] = mapping.constants[col]
        elif col in mapping.columns and mapping.columns[col] in head:
            out[col] = head[mapping.columns[col]]
    return out


def _ingest(data: bytes, name: str, table: str, sources: dict[str, str], constants: dict[str, str],
            on_error: str, *, dry_run: bool, save: bool = False, progress: Progress | None = None,
            date_order: str | None = None, accept_changes: bool = False, sheet: str | None = None) -> IngestResult:
    return ingest(
        db.get_engine(), data, name, table=table, map_overrides=sources, constants=constants,
        on_error=on_error, dry_run=dry_run, use_saved_mapping=False, save_mapping=save,
        user=access.actor_name() or get_settings().upload_user, lang=lang(), progress=progress, date_order=date_order,
        accept_changes=accept_changes, sheet=sheet,
    )


def dry_run(key: str, data: bytes, name: str, table: str, sources: dict[str, str], constants: dict[str, str],
            on_error: str, date_order: str | None = None, sheet: str | None = None) -> IngestResult:
    """Validate without writing; cached per file until the sheet, table, mapping, error choice or date order changes."""
    slot = _slot(key)
    params = json.dumps([table, sources, constants, on_error, date_order, sheet], sort_keys=True, ensure_ascii=False)
    cached = slot.get("dry")
    if cached and cached[0] == params:
        return cached[1]
    with st.status(tr("ui_check_running", file=name), expanded=False) as status:
        bar = st.progress(0.0)
        result = _ingest(data, name, table, sources, constants, on_error, dry_run=True, progress=progress_callback(bar),
                         date_order=date_order, sheet=sheet)
        status.update(label=tr("ui_check_done", rows=f"{result.rows_read:,}"), state="complete")
    slot["dry"] = (params, result)
    return result


def load(key: str, data: bytes, name: str, table: str, sources: dict[str, str], constants: dict[str, str],
         on_error: str, save: bool, date_order: str | None = None, accept_changes: bool = False,
         sheet: str | None = None) -> IngestResult:
    """Write the file (atomically, in the engine) and remember the outcome for this file."""
    with st.status(tr("ui_load_running", file=name), expanded=True) as status:
        bar = st.progress(0.0)
        result = _ingest(data, name, table, sources, constants, on_error, dry_run=False, save=save,
                         progress=progress_callback(bar), date_order=date_order, accept_changes=accept_changes,
                         sheet=sheet)
        status.update(label=tr("ui_load_done"), state="complete" if result.status == "loaded" else "error")
    _slot(key)["loaded"] = result
    return result


def file_panel(uploaded: UploadedFile) -> None:
    """Everything about one uploaded file, in a bordered box."""
    key = file_key(uploaded)
    data = uploaded.getvalue()
    with st.container(border=True):
        st.subheader(f"{uploaded.name}", anchor=False)
        raw = read_file(key, uploaded.name, data)
        sheet = pick_sheet(key, raw)
        if sheet is not None:
            raw = read_file(key, uploaded.name, data, sheet)
        st.caption(tr("ui_file_facts", size=f"{len(data):,}", rows=f"{raw.rows:,}", cols=len(raw.headers),
                      encoding=raw.encoding or "—", kind=raw.kind))
        loaded = _slot(key).get("loaded")
        if loaded is not None:
            load_report.load_summary(loaded, key)
            if loaded.upload_id is not None and loaded.upload_id in db.undone_uploads():
                st.info(tr("ui_sum_was_undone", id=loaded.upload_id), icon=":material/undo:")
            return
        if not raw.headers or raw.rows == 0:
            load_report.file_problems(raw, key)
            return
        saved = find_saved_mapping(db.get_engine(), raw.headers)
        table = pick_table(key, raw, saved)
        if not table:
            st.warning(tr("ui_map_pick_table"))
            return
        st.markdown(f"**{tr('ui_map_title')}**")
        st.caption(tr("ui_map_help"))
        sources, constants, mapping = edit_mapping(key, raw, table, saved)
        note = st.empty()  # what the missing required columns mean: filled once the check has run
        st.markdown(f"**{tr('ui_preview_title')}**")
        st.dataframe(mapped_preview(raw, mapping), hide_index=True, width="stretch")
        choices = {v: tr(f"ui_on_error_{v}") for v in ("abort", "skip")}
        on_error = st.radio(tr("ui_on_error"), list(choices), key=f"onerr_{key}", horizontal=True,
                            format_func=choices.__getitem__)
        same_source = saved if saved is not None and saved.table == table else None
        order = upload_checks.chosen_date_order(key, same_source)
        try:
            result = dry_run(key, data, uploaded.name, table, sources, constants, on_error, order, sheet)
        except ValueError as exc:  # a mapping the engine rejects: say why, never a traceback
            st.error(str(exc), icon=":material/error:")
            return
        except faults.STORE_ERRORS as exc:  # the database, not the file: one sentence, details in the log
            st.error(faults.explain(exc, lang(), context=f"check {uploaded.name}").message, icon=":material/error:")
            return
        missing = lacking(result)
        _missing_note(note, mapping, missing)
        upload_checks.date_order_choice(key, result, same_source)
        load_report.validation_report(result, uploaded.name, key)
        confirmed = upload_checks.history_confirmation(key, result, uploaded.name)
        save = st.checkbox(tr("ui_save_mapping"), value=True, key=f"save_{key}", help=tr("ui_save_mapping_help"))
        blocked = _blocker(result, on_error, missing, confirmed)
        if blocked:
            st.caption(blocked)
        if st.button(tr("ui_load_button"), key=f"load_{key}", type="primary", disabled=bool(blocked),
                     icon=":material/database_upload:"):
            try:
                load(key, data, uploaded.name, table, sources, constants, on_error, save, order,
                     accept_changes=confirmed, sheet=sheet)
            except faults.STORE_ERRORS as exc:  # nothing stored (rolled back): say so, the button stays
                st.error(faults.explain(exc, lang(), context=f"load {uploaded.name}").message, icon=":material/error:")
                return
            st.rerun()


def lacking(result: IngestResult) -> list[str]:
    """Required columns the engine says this file must carry: a partial update of stored rows needs none of them,
    so only the check (which knows whether the file's keys are stored) decides, exactly as on the command line."""
    errors = result.errors
    found = errors[(errors["code"] == "missing_column") & errors["row"].isna()]["column"]
    return [str(c) for c in dict.fromkeys(found.dropna())]


def _missing_note(note: Any, mapping: Mapping, missing: list[str]) -> None:
    """A file without some required columns: refused (say which), or a partial update of stored rows (say what)."""
    if missing:
        note.warning(tr("ui_map_missing", cols=", ".join(column_label(c) for c in missing)))
    elif mapping.missing_required:
        keys = schema.key_columns(schema.UPLOAD_TABLES[mapping.table])
        note.info(tr("ui_map_partial", cols=", ".join(column_label(c) for c in mapping.missing_required),
                     present=", ".join(load_report.partial_columns(mapping)),
                     table=table_label(mapping.table), keys=", ".join(column_label(c) for c in keys)),
                  icon=":material/edit_note:")


def _blocker(result: IngestResult, on_error: str, missing: list[str], confirmed: bool) -> str | None:
    """Why "Load" is disabled: the date order to choose, changes to confirm, or the report's reasons."""
    if not missing and result.needs_date_order:
        return tr("ui_load_blocked_date_order")
    blocked = load_report.load_blocker(result, on_error, missing)
    if blocked is None and not confirmed:
        return tr("ui_load_blocked_changes")
    return blocked
