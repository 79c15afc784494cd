"""Step 2 of read -> map -> validate -> load: which table a file fills and which header feeds which column.

Headers are compared after ``normalize_header`` (case, full width, spaces, punctuation and trailing unit
annotations ignored), first against the canonical column names, then against the synonyms of
``kpi_engine.ingest.synonyms``. Detection scores every upload table by how much of the file's header
evidence it explains, each header weighted by how specific it is (a header that fits one table only, like
"展现量", counts more than one that fits six, like "渠道"), together with the share of the table's required
columns the file carries. A confirmed mapping can be saved under a signature of the file's headers and is
found again for next month's export from the same source.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema, store
from kpi_engine.ingest.model import DATE_ORDERS, Mapping
from kpi_engine.ingest.synonyms import COLUMN_SYNONYMS, FALLBACK_SYNONYMS, TABLE_SYNONYMS

EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {"leads": ("stage", "close_date")}  # mappable, not stored
# Key of the date order inside a saved mapping's ``mapping_json`` (not a column name, so older readers skip it).
DATE_ORDER_KEY = "__date_order"

_TRAILING_GROUP = re.compile(r"\s*[(\[{【〔]([^()\[\]{}【】〔〕]*)[)\]}】〕]\s*$")
_UNITS = frozenset({
    "元", "万元", "千元", "百元", "亿元", "万", "千", "亿", "¥", "$", "€", "£", "%", "‰", "次", "个", "人", "条", "天", "日",
    "小时", "分钟", "秒", "rmb", "人民币", "美元", "港元", "港币", "欧元", "currency", "含税", "不含税", "utc", "gmt",
    "北京时间", "min", "mins", "sec", "secs", "s", "h", "hr", "hrs", "day", "days", "hour", "hours", "minutes", "seconds",
    "pcs", "units", "cny", "usd", "hkd", "eur", "gbp", "jpy", "twd", "sgd", "aud", "cad", "krw", "local currency",
})
_FORMAT = re.compile(r"[ymdhs:/\-. ]+|(utc|gmt)[+-]\d{1,2}(:?00)?|单位.*")
_DROP_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls (incl. BOM, zero-width)
_MIN_HEADERS_FIT = 2  # a table fits only if at least this many headers map to it


def _is_unit(content: str) -> bool:
    """'元', 'CNY', '¥', '万元/次', 'yyyy-mm-dd', '单位：元' ... (``content`` still in its original case)."""
    content = content.strip()
    if re.fullmatch(r"[A-Z]{3}", content):  # a currency code
        return True
    low = content.casefold()
    parts = [p for p in re.split(r"[/、,，;；\s]+", low) if p]
    return bool(parts) and (all(p in _UNITS for p in parts) or bool(_FORMAT.fullmatch(low)))


def normalize_header(h: str) -> str:
    """Comparable form of a header: NFKC (full width -> half width), casefold, no trailing unit annotation
    ("(元)", "（CNY）", "(¥)", "[USD]", "(%)"), no spaces, underscores, hyphens, dots, brackets or other punctuation."""
    text = unicodedata.normalize("NFKC", str(h)).strip()
    while (m := _TRAILING_GROUP.search(text)) and m.start() > 0 and _is_unit(m.group(1)):
        text = text[: m.start()]
    text = text.casefold()
    return "".join(c for c in text if not unicodedata.category(c).startswith(_DROP_CATEGORIES))


def _upload_table(table: str) -> sa.Table:
    try:
        return schema.UPLOAD_TABLES[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(schema.UPLOAD_TABLES)}") from None


def canonical_columns(table: str) -> list[str]:
    """Columns a file may fill for ``table``: the table's user columns plus mappable extras (leads: stage, close_date)."""
    return schema.user_columns(_upload_table(table)) + list(EXTRA_COLUMNS.get(table, ()))


@cache
def _index(table: str) -> dict[str, tuple[str, int]]:
    """normalised name -> (canonical column, rank; lower is preferred) for one table.

    Precedence when two columns claim a name: exact canonical name, then the table's own synonyms, then the
    shared ones. Rank (used when several headers fit one column): exact name, shared synonyms in list order,
    then table synonyms (mostly generic words).
    """
    cols = canonical_columns(table)
    specific = TABLE_SYNONYMS.get(table, {})
    index: dict[str, tuple[str, int]] = {normalize_header(c): (c, 0) for c in cols}
    for c in cols:
        offset = 1 + len(COLUMN_SYNONYMS.get(c, ()))
        for rank, syn in enumerate(specific.get(c, ()), offset):
            index.setdefault(normalize_header(syn), (c, rank))
    for c in cols:
        for rank, syn in enumerate(COLUMN_SYNONYMS.get(c, ()), 1):
            index.setdefault(normalize_header(syn), (c, rank))
    index.pop("", None)
    return index


@cache
def _fallbacks(table: str) -> dict[str, frozenset[str]]:
    """column -> normalised headers that fill it when no header names it directly (``FALLBACK_SYNONYMS``)."""
    return {c: frozenset(normalize_header(h) for h in hs) for c, hs in FALLBACK_SYNONYMS.get(table, {}).items()}


def _auto(headers: list[str], table: str) -> dict[str, str]:
    """canonical -> header by names and synonyms; a header feeds at most one column, the best-ranked header wins.

    A column no header names may take a fallback header (``FALLBACK_SYNONYMS``) from the column it fills otherwise.
    """
    index = _index(table)
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for pos, h in enumerate(headers):
        hit = index.get(normalize_header(h))
        if hit and (hit[0] not in best or (hit[1], pos) < best[hit[0]][0]):
            best[hit[0]] = ((hit[1], pos), h)
    out = {c: h for c, (_, h) in best.items()}
    for col, wanted in _fallbacks(table).items():
        found = next((h for h in headers if normalize_header(h) in wanted), None) if col not in out else None
        if found is not None:
            out = {c: h for c, h in out.items() if h != found}
            out[col] = found
    return out


def _fit(headers: list[str]) -> list[tuple[str, float, bool]]:
    """(table, score, fits) for every upload table, best first."""
    keys = [normalize_header(h) for h in headers]
    tables_per_key = {k: sum(1 for t in schema.UPLOAD_TABLES if k in _index(t)) for k in set(keys) if k}
    weight = [1 / tables_per_key[k] if tables_per_key.get(k) else 0.0 for k in keys]
    total = sum(weight)
    ranked = []
    for order, table in enumerate(schema.UPLOAD_TABLES):
        mapped = _auto(headers, table)
        used = {headers.index(h) for h in mapped.values()}
        required = schema.required_columns(schema.UPLOAD_TABLES[table])
        req_share = sum(1 for c in required if c in mapped) / len(required)
        share = sum(weight[i] for i in used) / total if total else 0.0
        fits = len(used) >= _MIN_HEADERS_FIT and req_share > 0
        score = (0.65 * share + 0.35 * req_share) * (1.0 if fits else 0.3) if used else 0.0
        ranked.append((table, round(score, 4), fits, order))
    ranked.sort(key=lambda r: (-r[1], r[3]))
    return [(t, s, f) for t, s, f, _ in ranked]


def detect_table(headers: list[str]) -> dict[str, float]:
    """Score (0..1) per upload table for a file with these headers, best first.

    A table that cannot be the file's table (fewer than two headers map to it, or none of its required
    columns) has its score scaled down by 0.3.
    """
    return {t: s for t, s, _ in _fit(list(headers))}


def _resolve(source: str, headers: list[str], canonical: str) -> str:
    """The file header an override names: exact, else ignoring spaces/case, else by normalised form."""
    if source in headers:
        return source
    for key in (lambda h: h.strip(), lambda h: h.strip().casefold(), normalize_header):
        hits = [h for h in headers if key(h) == key(source)]
        if len(hits) == 1:
            return hits[0]
    raise ValueError(f"mapping {canonical}={source!r}: the file has no column {source!r}; "
                     f"its columns are: {', '.join(repr(h) for h in headers)}")


def build_mapping(headers: list[str], table: str | None = None, *, overrides: dict[str, str] | None = None,
                  constants: dict[str, str] | None = None, saved: Mapping | None = None) -> Mapping:
    """Map a file's headers to ``table``'s canonical columns (``table`` None: detected; "" when none fits).

    ``overrides`` (canonical -> header; "" unmaps) win over synonyms and may make one header feed several
    columns; a header not in the file raises ValueError. ``constants`` (canonical -> value) fill a column for
    every row and win over a mapped header. ``saved`` (a stored mapping for the same headers) replaces the
    automatic mapping. ``missing_required`` lists required columns with neither a header nor a constant.
    """
    headers = list(headers)
    overrides, constants = dict(overrides or {}), dict(constants or {})
    chosen = {c: _resolve(src, headers, c) for c, src in overrides.items() if src}
    detect_on = headers + [c for c in (*overrides, *constants) if c not in headers]
    fitted = _fit(detect_on)
    scores = {t: s for t, s, _ in fitted}
    if table is None:
        table = saved.table if saved is not None else next((t for t, _, fits in fitted if fits), "")
    if not table:
        return Mapping(table="", columns={}, unmapped=headers, table_scores=scores)
    cols = canonical_columns(table)
    unknown = [c for c in (*overrides, *constants) if c not in cols]
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not a column of {table}; its columns are: {', '.join(cols)}")
    from_saved = saved is not None and saved.table == table
    if from_saved and saved is not None:
        columns = {}
        for c, src in saved.columns.items():
            hits = [h for h in headers if normalize_header(h) == normalize_header(src)] if c in cols else []
            if hits:
                columns[c] = src if src in hits else hits[0]
        constants = {**{c: v for c, v in saved.constants.items() if c in cols}, **constants}
    else:
        columns = _auto(headers, table)
    for c, src in overrides.items():
        if src:
            columns[c] = chosen[c]
        else:
            columns.pop(c, None)
    for c in constants:
        columns.pop(c, None)
    columns = {c: columns[c] for c in cols if c in columns}
    used = set(columns.values())
    required = schema.required_columns(schema.UPLOAD_TABLES[table])
    return Mapping(
        table=table,
        columns=columns,
        constants={c: constants[c] for c in cols if c in constants},
        unmapped=[h for h in headers if h not in used],
        missing_required=[c for c in required if c not in columns and c not in constants],
        table_scores=scores,
        from_saved=from_saved,
        date_order=saved.date_order if from_saved and saved is not None else None,
    )


def header_signature(headers: list[str]) -> str:
    """Stable hash of the sorted set of normalised headers (same export layout -> same signature)."""
    keys = sorted({k for k in (normalize_header(h) for h in headers) if k})
    return hashlib.sha256(("v1\x1f" + "\x1f".join(keys)).encode("utf-8")).hexdigest()


def find_saved_mapping(engine: Engine, headers: list[str]) -> Mapping | None:
    """The mapping saved for files with these headers, applied to them (``from_saved=True``), or None."""
    t = schema.saved_mappings
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(t.c.table_name, t.c.mapping_json, t.c.constants_json).where(t.c.signature == header_signature(headers))
        ).first()
    if row is None or row.table_name not in schema.UPLOAD_TABLES:
        return None
    try:
        columns = dict(json.loads(row.mapping_json))
        constants = json.loads(row.constants_json) if row.constants_json else {}
    except ValueError:
        return None
    order = columns.pop(DATE_ORDER_KEY, None)
    saved = Mapping(table=row.table_name, columns=columns, constants=dict(constants), from_saved=True,
                    date_order=order if order in DATE_ORDERS else None)
    return build_mapping(headers, row.table_name, saved=saved)


def save_mapping(engine: Engine, headers: list[str], mapping: Mapping, name: str | None = None) -> None:
    """Save (or replace) the mapping for files with these headers, keyed by ``header_signature``."""
    if not mapping.table:
        raise ValueError("a mapping without a table cannot be saved")
    t = schema.saved_mappings
    signature = header_signature(headers)
    columns: dict[str, str] = dict(mapping.columns)
    if mapping.date_order:
        columns[DATE_ORDER_KEY] = mapping.date_order
    values: dict[str, object] = {
        "table_name": mapping.table,
        "mapping_json": json.dumps(columns, ensure_ascii=False, sort_keys=True),
        "constants_json": json.dumps(mapping.constants, ensure_ascii=False, sort_keys=True),
        "saved_at": clock.stamp(engine),
    }
    if name is not None:
        values["name"] = name
    with store.transaction(engine) as conn:
        done = conn.execute(sa.update(t).where(t.c.signature == signature).values(**values)).rowcount
        if not done:
            conn.execute(sa.insert(t).values(signature=signature, **values))


def remember_date_order(engine: Engine, headers: list[str], order: str) -> bool:
    """Store ``order`` as the date order of the mapping saved for these headers; False when none is saved."""
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, got {order!r}")
    t = schema.saved_mappings
    signature = header_signature(headers)
    with store.transaction(engine) as conn:
        current = conn.execute(sa.select(t.c.mapping_json).where(t.c.signature == signature)).scalar()
        if current is None:
            return False
        try:
            columns = dict(json.loads(current))
        except ValueError:
            return False
        if columns.get(DATE_ORDER_KEY) == order:
            return True
        columns[DATE_ORDER_KEY] = order
        conn.execute(sa.update(t).where(t.c.signature == signature).values(
            mapping_json=json.dumps(columns, ensure_ascii=False, sort_keys=True)))
    return True
