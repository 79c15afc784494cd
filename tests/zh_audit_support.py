"""Every text a page shows, collected from an AppTest run: labels, helps, placeholders, options, bodies, table
columns and cells, chart titles, axes, legends and tooltips, download file names. Used by tests/test_zh_audit.py
to find English words left in the Chinese interface."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

# proto fields that hold text a user reads
TEXT_KEYS = {"label", "body", "help", "placeholder", "options", "caption", "text", "title", "fileName",
             "acceptMultipleFilesLabel", "delta", "value", "formattedValue", "default", "name", "tooltip"}
SPEC_TEXT_KEYS = {"title", "text", "subtitle", "description"}
# Words a Chinese user reads as they are: units and abbreviations of the trade, file types, product names.
ALLOWED = {
    "KPI", "KPIs", "PNG", "CSV", "XLSX", "Excel", "CPL", "CAC", "ROI", "ROAS", "MQL", "MQLs", "SQL", "SQLs", "SEM",
    "GMV", "OKR", "OKRs", "ISO", "UTC", "URL", "ID", "CTR", "CPM", "CPC", "ARPU", "LTV", "AB", "PDF", "HTML", "JSON",
    "UTF", "GBK", "GB", "MB", "KB", "API", "HTTP", "HTTPS", "SMTP", "Webhook", "webhook", "DuckDB", "PostgreSQL",
    "WeCom", "Feishu", "DingTalk", "Q1", "Q2", "Q3", "Q4", "W", "H1", "H2", "vs", "pp", "AM", "PM", "IP", "SSO",
    "Token", "token", "Streamlit", "Markdown", "ok", "OK", "YoY", "MoM", "P50", "P80", "R2", "CRM", "SaaS", "App",
    "H5", "Language", "py", "kpi_engine", "python", "xlsx", "csv", "png", "html", "txt", "md", "Ctrl", "Enter", "Esc",
}
WORD = re.compile(r"(?<![\w.@/%-])[A-Za-z][A-Za-z_]+(?![\w@/-])")


def _walk(node: Any) -> Iterator[Any]:
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield proto
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _strings(value: Any, keys: set[str], under: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, keys, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, keys, under)
    elif isinstance(value, str) and under in keys:
        yield value


def _spec_strings(spec: Any, under: str = "") -> Iterator[str]:
    """Titles, texts and tooltip titles of a Vega-Lite spec (field names are not shown when a title is set)."""
    if isinstance(spec, dict):
        if ("field" in spec and "title" not in spec and under in {"tooltip", "color", "x", "y", "theta", "size"}
                and not ("legend" in spec and spec["legend"] is None)):  # a channel without a legend says nothing
            yield f"<untitled field {spec['field']}>"
        for k, v in spec.items():
            if k in {"datasets", "data", "config", "$schema", "usermeta"}:
                continue
            yield from _spec_strings(v, k if k != "encoding" else under)
    elif isinstance(spec, list):
        for v in spec:
            yield from _spec_strings(v, under)
    elif isinstance(spec, str) and under in SPEC_TEXT_KEYS:
        yield spec


def _table_strings(data: bytes) -> Iterator[str]:
    try:
        table = pa.ipc.open_stream(io.BytesIO(data)).read_all()
    except (pa.ArrowInvalid, OSError):
        return
    for name in table.column_names:
        if not name.startswith("__index_level"):
            yield name
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            yield from (v for v in column.to_pylist() if isinstance(v, str))


def page_strings(at: AppTest) -> list[str]:
    """Every visible text of the last run (main area and sidebar)."""
    out: list[str] = []
    for proto in _walk(at._tree):
        kind = proto.DESCRIPTOR.name
        if kind in {"ArrowVegaLiteChart", "VegaLiteChart"}:
            out.extend(_spec_strings(json.loads(proto.spec or "{}")))
            continue
        if kind in {"Arrow", "ArrowTable", "ArrowDataFrame"}:
            out.extend(_table_strings(proto.data))
            columns = json.loads(getattr(proto, "columns", "") or "{}")
            out.extend(_strings(columns, {"label", "help"}))
            continue
        as_dict = MessageToDict(proto)
        if as_dict.get("labelVisibility", {}).get("value") in {"COLLAPSED", "HIDDEN"}:
            as_dict.pop("label", None)  # a label the page does not show
        out.extend(_strings(as_dict, TEXT_KEYS))
    return [s for s in out if s and s.strip()]


def english_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words in ``text`` that are not allowed (units, trade abbreviations, demo names)."""
    if text.startswith("<untitled field"):
        return [text]
    if text.startswith(("http://", "https://", ":material/", "<style")):
        return []
    text = re.sub(r"`[^`]*`", "", text)  # code: a setting, command or column the user types as it is
    return [w for w in WORD.findall(text) if w not in ALLOWED and w not in allowed and not w.isupper()]
