"""Validation reports and load summaries, in the user's language, downloadable as CSV and Excel."""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from kpi_engine import schema
from kpi_engine.i18n import t
from kpi_engine.ingest.mapping import canonical_columns
from kpi_engine.ingest.messages import issues_table
from kpi_engine.ingest.model import IngestResult, Mapping, RawFile
from ui import db
from ui.i18n import lang, tr
from ui.tables import column_label, table_label, to_csv_bytes, to_excel_bytes
from ui.upload_checks import history_list

SHOWN_ISSUES = 1000  # rows of each list (errors, warnings) drawn on the page; downloads hold all of them
PAGE = "page"  # fixes phrased for this page ("choose the date order above"), not the command line's options


def _count(issues: pd.DataFrame, severity: str) -> int:
    return int((issues["severity"] == severity).sum()) if len(issues) else 0


def report_csv(issues: pd.DataFrame, lang_code: str) -> bytes:
    """The whole report as CSV (UTF-8 with BOM), headers in ``lang_code``, fixes phrased for the page."""
    return to_csv_bytes(issues_table(issues, lang_code, PAGE))


def report_xlsx(issues: pd.DataFrame, lang_code: str) -> bytes:
    """The whole report as an Excel workbook, headers in ``lang_code``, fixes phrased for the page."""
    return to_excel_bytes(issues_table(issues, lang_code, PAGE), sheet="report")


def _issue_list(issues: pd.DataFrame, severity: str) -> None:
    """The first ``SHOWN_ISSUES`` problems of one severity, and how many there are in all (the summary's count)."""
    st.dataframe(issues_table(issues.head(SHOWN_ISSUES), lang(), PAGE), hide_index=True, width="stretch")
    if len(issues) > SHOWN_ISSUES:
        st.caption(tr(f"ui_report_shown_{severity}s", shown=f"{SHOWN_ISSUES:,}", total=f"{len(issues):,}"))


def issues_view(issues: pd.DataFrame, file_name: str, key: str) -> None:
    """Errors and warnings as two lists (first rows; tabs when there are both, titled with the same counts as the
    summary) plus CSV and Excel downloads of all of them (built on click)."""
    code = lang()
    groups = [(sev, issues[issues["severity"] == sev]) for sev in ("error", "warning")]
    groups = [(sev, frame) for sev, frame in groups if len(frame)]
    if len(groups) > 1:
        tabs = st.tabs([tr(f"ui_report_tab_{sev}s", n=f"{len(frame):,}") for sev, frame in groups])
        for tab, (sev, frame) in zip(tabs, groups, strict=True):
            with tab:
                _issue_list(frame, sev)
    elif groups:
        _issue_list(groups[0][1], groups[0][0])
    stem = PurePath(file_name).stem or "upload"
    buttons = st.container(horizontal=True)
    buttons.download_button(tr("ui_report_csv"), lambda: report_csv(issues, code), file_name=f"{stem}_report.csv",
                         mime="text/csv", key=f"dl_csv_{key}", icon=":material/download:", on_click="ignore")
    buttons.download_button(tr("ui_report_xlsx"), lambda: report_xlsx(issues, code), file_name=f"{stem}_report.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"dl_xlsx_{key}", icon=":material/download:", on_click="ignore")


def file_problems(raw: RawFile, key: str) -> None:
    """A file that could not be read into rows: say why."""
    st.error(tr("ui_file_unreadable"), icon=":material/error:")
    if len(raw.issues):
        issues_view(raw.issues, raw.name, f"raw_{key}")


def validation_report(result: IngestResult, file_name: str, key: str) -> None:
    """The dry-run check: counts, then every problem with row, column, value, reason and fix."""
    st.markdown(f"**{tr('ui_report_title')}**")
    errors, warnings = _count(result.issues, "error"), _count(result.issues, "warning")
    cols = st.columns(4)
    cols[0].metric(tr("ui_sum_read"), f"{result.rows_read:,}")
    cols[1].metric(tr("ui_report_errors"), f"{errors:,}")
    cols[2].metric(tr("ui_report_warnings"), f"{warnings:,}")
    cols[3].metric(tr("ui_report_bad_rows"), f"{result.rejected:,}")
    if not errors and not warnings:
        st.success(tr("ui_report_clean"), icon=":material/check_circle:")
        return
    if errors:
        st.error(tr("ui_report_has_errors", n=f"{errors:,}", rows=f"{result.rejected:,}"), icon=":material/error:")
    else:
        st.warning(tr("ui_report_has_warnings", n=f"{warnings:,}"), icon=":material/warning:")
    cap = db.settings().max_reported_issues
    if len(result.issues) >= cap:  # the engine kept the first ``cap`` problems: say so, never a count that looks whole
        st.caption(tr("ui_report_capped", cap=f"{cap:,}"))
    channel_rule(result)
    issues_view(result.issues, file_name, key)


def channel_rule(result: IngestResult) -> None:
    """Rows without a channel: the one rule (the unattributed channel, as on the command line) and how to change it."""
    codes = result.warnings["code"] if len(result.issues) else pd.Series(dtype="object")
    name = t("ingest_unattributed_name", lang())
    blank = int((codes == "channel_blank").sum())
    if blank:
        st.info(tr("ui_channel_rule", n=f"{blank:,}", channel=name), icon=":material/call_split:")
    elif (codes == "channel_missing").any():
        st.info(tr("ui_channel_rule_all", channel=name), icon=":material/call_split:")


def load_blocker(result: IngestResult, on_error: str, missing: list[str]) -> str | None:
    """Why "Load" is disabled, or None when the file can be loaded."""
    if missing:
        return tr("ui_load_blocked_missing")
    errors = _count(result.issues, "error")
    if errors and on_error == "abort":
        return tr("ui_load_blocked_errors")
    if result.status == "refused":
        return tr("ui_load_blocked_fatal")
    if result.rows_read and result.rejected >= result.rows_read:
        return tr("ui_load_blocked_nothing")
    return None


def partial_columns(mapping: Mapping) -> list[str]:
    """The names of the columns a partial update takes from the file (its key aside), in the table's order."""
    keys = set(schema.key_columns(schema.UPLOAD_TABLES[mapping.table]))
    return [column_label(c) for c in canonical_columns(mapping.table) if c in mapping.present and c not in keys]


def load_summary(result: IngestResult, key: str) -> None:
    """What a load did: upload id, rows read / inserted / updated / rejected, what was created on the fly."""
    if result.status == "loaded":
        st.success(tr("ui_sum_loaded", id=result.upload_id, table=table_label(result.table or "")),
                   icon=":material/check_circle:")
        cols = st.columns(5)
        cols[0].metric(tr("ui_sum_upload_id"), f"#{result.upload_id}")
        cols[1].metric(tr("ui_sum_read"), f"{result.rows_read:,}")
        cols[2].metric(tr("ui_sum_inserted"), f"{result.inserted:,}")
        cols[3].metric(tr("ui_sum_updated"), f"{result.updated:,}")
        cols[4].metric(tr("ui_sum_rejected"), f"{result.rejected:,}")
        if result.mapping is not None and result.mapping.missing_required:  # a partial update: what it used
            st.caption(tr("ui_sum_partial", present=", ".join(partial_columns(result.mapping))))
        for kind in ("channels", "people"):
            made = result.created.get(kind) or []
            if made:
                shown = ", ".join(made[:30]) + (" …" if len(made) > 30 else "")
                st.warning(tr(f"ui_sum_created_{kind}", n=len(made), ids=shown), icon=":material/person_add:")
    elif result.status == "empty":
        st.warning(tr("ui_sum_empty"), icon=":material/warning:")
    elif result.status == "unconfirmed":
        st.error(tr("ui_sum_unconfirmed"), icon=":material/block:")
    else:
        st.error(tr("ui_sum_refused"), icon=":material/block:")
    if result.history is not None:
        history_list(result.history, result.file_name, f"sum_{key}", applied=result.status == "loaded")
    if len(result.issues):
        st.markdown(f"**{tr('ui_report_title')}**")
        issues_view(result.issues, result.file_name, f"sum_{key}")
