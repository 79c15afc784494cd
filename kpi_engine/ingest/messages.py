"""Turn issue rows (codes) into what a person reads: a reason and how to fix it, in English or Chinese.

Each code has two strings in kpi_engine/i18n/ingest.py, ``ingest_issue_<code>``
(the reason) and ``ingest_fix_<code>`` (the fix, phrased for the command line: ``--set``, ``--map`` ...); the Data
page (``surface="page"``) reads ``ingest_pagefix_<code>`` instead where the fix names an option (what to choose or
type where on the page, kpi_engine/i18n/ingest_page.py). ``detail`` carries small
facts as ``key=value;key=value`` (``min=0``, ``choices=a|b``,
``created_at=2026-10-01 09:30``, ``missing=created_at``) or a plain value
(the first row of a duplicate key); they become template parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kpi_engine.i18n import catalog, normalize_lang, t
from kpi_engine.ingest.issues import blank, to_records

if TYPE_CHECKING:
    import pandas as pd

_MAX_VALUE_CHARS = 200
SURFACES = ("cli", "page")  # where a fix is read: the command line (and HTTP/inbox answers) or the Data page


def _row(value: Any) -> int | None:  # a pandas cell: an int, a numpy int or float, or NaN / None
    return None if blank(value) else int(value)


def _text(value: object) -> str | None:
    return None if blank(value) else str(value)


def _short(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= _MAX_VALUE_CHARS else value[:_MAX_VALUE_CHARS] + "…"


def _detail_params(detail: str | None) -> dict[str, str]:
    params: dict[str, str] = {"detail": detail or ""}
    if not detail:
        return params
    for part in detail.split(";"):
        key, sep, val = part.partition("=")
        if sep:
            params[key.strip()] = val.strip()
    if "choices" in params:
        params["choices"] = ", ".join(params["choices"].split("|"))
    if "missing" in params:
        params["missing"] = ", ".join(params["missing"].split(","))
    return params


def _range(params: dict[str, str], lang: str) -> str:
    lo, hi = params.get("min"), params.get("max")
    if lo is not None and hi is not None:
        return t("ingest_range_between", lang, min=lo, max=hi)
    if lo is not None:
        return t("ingest_range_min", lang, min=lo)
    if hi is not None:
        return t("ingest_range_max", lang, max=hi)
    return ""


def _column_label(column: str | None, source: str | None) -> str:
    if not column:
        return source or ""
    if source and source != column:
        return f"{column} ({source})"
    return column


def issue_text(code: str, lang: str, *, row: int | None = None, column: str | None = None, source: str | None = None,
               value: str | None = None, detail: str | None = None, surface: str = "cli") -> tuple[str, str]:
    """(reason, fix) for one issue; ``surface`` "page" phrases the fix for the Data page."""
    lang = normalize_lang(lang)
    params: dict[str, Any] = _detail_params(detail)
    other = next(((k, v) for k, v in params.items()
                  if k not in ("detail", "min", "max", "choices", "missing", "channel", "order")), None)
    if params.get("order"):  # a date order code (dmy ...) -> its name in the user's language
        params["order"] = t(f"ingest_date_order_{params['order']}", lang)
    params.update({
        "row": "" if row is None else row,
        "column": _column_label(column, source),
        "canonical": column or "",
        "source": source or "",
        "value": _short(value),
        "range": _range(params, lang),
        "other": other[0] if other else "",
        "other_value": other[1] if other else "",
    })
    params.setdefault("choices", "")
    params.setdefault("missing", "")
    # the only channel an issue names is the one rows without a channel go to: shown by its name, never its id
    params["channel"] = t("ingest_unattributed_name", lang)
    params.setdefault("min", "")
    params.setdefault("max", "")
    params.setdefault("order", "")
    strings = catalog()
    reason_key, fix_key = f"ingest_issue_{code}", f"ingest_fix_{code}"
    if reason_key not in strings:
        reason = t("ingest_issue_generic", lang, code=code, **{k: v for k, v in params.items() if k != "code"})
        return reason, t("ingest_fix_generic", lang)
    if surface == "page" and f"ingest_pagefix_{code}" in strings:
        fix_key = f"ingest_pagefix_{code}"
    return t(reason_key, lang, **params), t(fix_key, lang, **params)


def issue_records(issues: pd.DataFrame | list[dict] | None, lang: str, surface: str = "cli") -> list[dict]:
    """Each issue as {severity, code, row, column, value, reason, fix, source, detail} with plain JSON types.

    ``issues`` is a DataFrame of ISSUE_COLUMNS or the same as records (``IngestResult.issue_rows``).
    """
    out = []
    for rec in to_records(issues):
        row, column, source = _row(rec["row"]), _text(rec["column"]), _text(rec["source"])
        value, detail = _text(rec["value"]), _text(rec["detail"])
        reason, fix = issue_text(str(rec["code"]), lang, row=row, column=column, source=source, value=value, detail=detail,
                                 surface=surface)
        out.append({"severity": str(rec["severity"]), "code": str(rec["code"]), "row": row, "column": column,
                    "value": value, "reason": reason, "fix": fix, "source": source, "detail": detail})
    return out


def issues_table(issues: pd.DataFrame, lang: str, surface: str = "cli") -> pd.DataFrame:
    """The report for display or download: localized headers, one row per issue."""
    import pandas as pd

    records = issue_records(issues, lang, surface)
    keys = ["severity", "row", "column", "source", "value", "reason", "fix", "code"]
    headers = {k: t(f"ingest_col_{k}", lang) for k in keys}
    frame = pd.DataFrame([{k: r[k] for k in keys} for r in records], columns=keys)
    frame["severity"] = frame["severity"].map(lambda s: t(f"ingest_severity_{s}", lang))
    frame["row"] = frame["row"].astype("Int64")
    return frame.rename(columns=headers)
