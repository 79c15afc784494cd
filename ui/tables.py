"""Table helpers: localized labels, display frames, and safe CSV / Excel exports."""

from __future__ import annotations

import pandas as pd

from kpi_engine import exports
from kpi_engine.i18n import catalog
from ui.i18n import tr

# The one writer of downloads (formulas neutralised): kpi_engine.exports.
FORMULA_PREFIXES = exports.FORMULA_PREFIXES
neutralize_formulas = exports.neutralize_formulas
to_csv_bytes = exports.to_csv_bytes
to_excel_bytes = exports.to_excel_bytes


def table_label(name: str) -> str:
    """Human name of a table in the current language ("leads" -> "Leads" / "线索")."""
    key = f"ui_table_{name}"
    return tr(key) if key in catalog() else name


def column_label(name: str) -> str:
    """Human name of a canonical column ("created_at" -> "Created at" / "创建时间"); the id when unknown."""
    key = f"ui_col_{name}"
    return tr(key) if key in catalog() else name


def _when(value: object) -> str:
    """A date or timestamp as text ("2026-10-05" / "2026-10-05 09:30"), "—" when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, str):
        return value
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")


def freshness_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``data_freshness`` for display: localized table names and headers, "—" for no date."""
    return pd.DataFrame({
        tr("ui_fresh_table"): df["table"].map(table_label),
        tr("ui_fresh_rows"): df["rows"].astype("int64"),
        tr("ui_fresh_latest"): df["latest_date"].map(_when),
        tr("ui_fresh_last_upload"): df["last_upload_at"].map(_when),
    })


def uploads_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``list_uploads`` for display: localized headers, a status word instead of the undone flag."""
    status = df["undone"].map(lambda u: tr("ui_hist_undone") if bool(u) else tr("ui_hist_active"))
    return pd.DataFrame({
        tr("ui_hist_id"): df["upload_id"],
        tr("ui_hist_file"): df["file"],
        tr("ui_hist_table"): df["table"].map(table_label),
        tr("ui_hist_when"): df["uploaded_at"].map(_when),
        tr("ui_hist_who"): df["uploaded_by"],
        tr("ui_sum_read"): df["rows_read"],
        tr("ui_sum_inserted"): df["inserted"],
        tr("ui_sum_updated"): df["updated"],
        tr("ui_sum_rejected"): df["rejected"],
        tr("ui_hist_warnings"): df["warnings"],
        tr("ui_hist_status"): status,
        tr("ui_hist_undone_at"): df["undone_at"].map(_when),
    })
