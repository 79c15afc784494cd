"""Table helpers: localized labels, display frames, and safe CSV / Excel exports."""

from __future__ import annotations

import io

import pandas as pd

from kpi_engine.i18n import catalog
from ui.i18n import tr

# A spreadsheet evaluates a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def table_label(name: str) -> str:
    """Human name of a table in the current language ("leads" -> "Leads" / "线索")."""
    key = f"ui_table_{name}"
    return tr(key) if key in catalog() else name


def column_label(name: str) -> str:
    """Human name of a canonical column ("created_at" -> "Created at" / "创建时间"); the id when unknown."""
    key = f"ui_col_{name}"
    return tr(key) if key in catalog() else name


def _neutralize_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell starting with = + - @ TAB or CR gets a leading apostrophe.

    Exports of user-supplied text must not run as formulas when opened in a spreadsheet.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype("object").map(_neutralize_cell)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel shows Chinese text), formulas neutralised.

    Lines end with CRLF, which also makes the writer quote any cell holding a bare CR.
    """
    return neutralize_formulas(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_excel_bytes(df: pd.DataFrame, sheet: str = "report") -> bytes:
    """An .xlsx workbook of ``df``, formulas neutralised (never written as formulas)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralize_formulas(df).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


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
