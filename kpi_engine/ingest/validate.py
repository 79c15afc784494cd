"""Validate a mapped upload: parse every value, check every rule, collect every problem.

All the work is SQL in a private in-memory DuckDB over the file's arrow table
(no Python loop per row):

1. table ``p`` and view ``pv``: per canonical column ``<c>__raw`` (the file's
   text or the constant), ``<c>__v`` (parsed) and the final value ``<c>``
   (defaults: "" for text keys, "unattributed" for a blank channel,
   won_at/lost_at from stage + close date); ``p`` stores only what costs
   something to compute, ``pv`` adds the text by position (see ``_layer_sql``);
2. table ``bad``: the rows with some cell problem (flagged in ``p``; usually none);
3. table ``iss``: one row per problem (``UNION ALL`` of one ``SELECT`` per rule,
   see checks.py; cell rules over ``bad``, key and partial-update rules over
   ``pv``, joined with the stored rows the loader fetched, ``ex``, when given);
4. the clean rows: ``pv`` without the rows that have an error, typed, as arrow.

The SQL text holds only identifiers from kpi_engine.schema (plus our own
suffixes) and code-owned literals; source headers, constants and settings are
bound parameters.
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kpi_engine import schema
from kpi_engine.ingest import parse
from kpi_engine.ingest.checks import Plan, build_plan, issue_selects
from kpi_engine.ingest.dates import DEFAULT_ORDER, raw_expr, settle_orders
from kpi_engine.ingest.model import (
    FILL_ONLY_META,
    ISSUE_COLUMNS,
    ROW_COL,
    AmbiguousDates,
    Mapping,
    RawFile,
    Validated,
)
from kpi_engine.settings import Settings, in_force

UNUSED_SHOWN = 10  # unused headers named in the report (the count says how many in all)


def _q(name: str) -> str:
    """Quote an identifier we built from schema names (never user text)."""
    return '"' + name.replace('"', '""') + '"'


def bound(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``sql`` uses (DuckDB refuses unused named parameters)."""
    return {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}


def _file_issue(code: str, column: str | None = None, detail: str | None = None, severity: str = "error") -> dict:
    return {"severity": severity, "code": code, "row": None, "column": column, "source": None, "value": None, "detail": detail}


def _result(raw: RawFile, table: str, issues: list[dict], clean: pa.Table | None = None, present: list[str] | None = None,
            rejected: int | None = None) -> Validated:
    if clean is None:
        clean = pa.table({ROW_COL: pa.array([], pa.int64())})
    errors_rows = rejected if rejected is not None else raw.rows
    return Validated(table=table, rows_read=raw.rows, clean=clean, present=present or [], issues=issues,
                     rejected_rows=errors_rows)


def _issues_frame(records: list[dict]) -> list[dict]:
    """The issue records in ISSUE_COLUMNS order (``Validated.issues`` becomes a DataFrame when read)."""
    return [{c: r[c] for c in ISSUE_COLUMNS} for r in records]


def _source_table(raw: RawFile, plan: Plan) -> pa.Table:
    """The file's columns used by the plan, renamed ``<c>__src`` (text), plus ``__row``."""
    data = raw.data
    arrays, names = [], []
    for col in plan.columns:
        if col.source is not None:
            arr = data.column(col.source)
            if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = arr.cast(pa.string())
            arrays.append(arr)
            names.append(f"{col.name}__src")
    for col in plan.columns:
        if col.constant is not None:  # one value for every row, as a column (values never enter the SQL text)
            arrays.append(pc.fill_null(pa.nulls(data.num_rows, pa.string()), col.constant.strip()))
            names.append(f"{col.name}__const")
    if ROW_COL in data.column_names:
        rows = data.column(ROW_COL).cast(pa.int64())
    else:
        rows = pa.array(range(2, data.num_rows + 2), pa.int64())
    arrays.append(rows)
    names.append(ROW_COL)
    return pa.Table.from_arrays(arrays, names=names)


def _build_p(con: duckdb.DuckDBPyConnection, plan: Plan, any_problem: str | None) -> tuple[bool, list[AmbiguousDates]]:
    """Create table ``p``, view ``pv`` over it and table ``bad`` (the rows of ``pv`` with some cell problem).

    Returns whether any row has a cell problem, and the ambiguous date columns. Numeric dates like
    01/10/2026 are read in the order the user gave, else in the order the column's own values settle
    (dates.py); an ambiguous column is read month-first here, and the caller refuses the upload.
    The orders are settled first by one aggregate over ``src`` (no table written), so ``p`` is built once.
    """
    orders, ambiguous = settle_orders(con, plan)
    sql, view, params = _layer_sql(plan, orders, any_problem)
    con.execute(f"CREATE OR REPLACE TABLE p AS {sql}", bound(sql, params))
    con.execute(f"CREATE OR REPLACE VIEW pv AS {view}")
    flagged = bool(any_problem) and bool(con.execute("SELECT bool_or(__any) FROM p").fetchall()[0][0])
    con.execute(f"CREATE OR REPLACE TABLE bad AS SELECT * FROM pv {'WHERE __any' if flagged else 'LIMIT 0'}")  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    return flagged, ambiguous


def _parsed(col_name: str, kind: str, raw_sql: str, *, order: str, choices: tuple[str, ...] | None,
            percent: bool) -> str | None:
    """SQL of the parsed value of a non-text column (None for text: the value is the text itself)."""
    if kind == "number":
        return parse.number(raw_sql, percent=percent)
    if kind in ("datetime", "date"):
        return parse.timestamp(raw_sql, order=order)
    if kind == "bool":
        return parse.boolean(raw_sql)
    if kind == "choice":
        return parse.choice(raw_sql, choices or (), col_name)
    return None


def _value(kind: str, parsed: str) -> str:
    """``<c>__v`` from ``<c>__p``: dates get the plausible-year check (and lose the time for DATE columns)."""
    if kind == "datetime":
        return parse.year_in_range(parsed)
    if kind == "date":
        return f"CAST({parse.year_in_range(parsed)} AS DATE)"
    return parsed


def _layer_sql(plan: Plan, orders: dict[str, str], any_problem: str | None = None) -> tuple[str, str, dict[str, object]]:
    """(SELECT for the materialised table ``p``, SELECT for the view ``pv``, bound parameters of ``p``).

    ``p`` holds only what costs something to compute: ``__row``, parsed values of non-text columns
    (``<c>__v``) and final values that differ from those. ``pv`` puts the file's text next to it with a
    ``POSITIONAL JOIN`` (``p`` keeps the order of ``src``), so no text is copied, and adds the free aliases:
    ``<c>__v`` of text columns and final ``<c>`` values that are just the parsed ones. With ``any_problem``
    (the OR of every cell check), ``p`` also flags in ``__any`` the rows that have some cell problem.
    """
    params: dict[str, object] = {"tz": plan.timezone or in_force().timezone, "unattributed": plan.unattributed}
    raw_parts, parsed_parts, value_parts, oor_parts = [], [], [], []
    keep = [ROW_COL]
    alias_of: dict[str, str] = {}  # name in pv -> the column it repeats
    for col in plan.columns:
        raw_name, v_name = col.name + "__raw", col.name + "__v"
        raw_parts.append(f"{raw_expr(col)} AS {_q(raw_name)}")
        parsed = _parsed(col.name, col.kind, _q(raw_name), order=orders.get(col.name, DEFAULT_ORDER),
                         choices=col.choices, percent=col.percent)
        if parsed is None:
            alias_of[v_name] = raw_name
        else:
            parsed_parts.append(f"{parsed} AS {_q(col.name + '__p')}")
            value_parts.append(f"{_value(col.kind, _q(col.name + '__p'))} AS {_q(v_name)}")
            keep.append(v_name)
            if col.kind in ("date", "datetime"):  # a real date outside the years allowed: said with the range
                oor_parts.append(f"{parse.out_of_range_year(_q(col.name + '__p'), _q(v_name))} AS {_q(col.name + '__oor')}")
                keep.append(col.name + "__oor")
    final_parts = []
    for name, expr in plan.final_exprs().items():
        for v_name, raw_name in alias_of.items():
            expr = expr.replace(_q(v_name), _q(raw_name))
        bare = expr[1:-1] if expr.startswith('"') and expr.endswith('"') and expr.count('"') == 2 else None
        if bare is not None:
            alias_of[name] = bare  # a plain copy of another column: an alias in the view
        else:
            final_parts.append(f"{expr} AS {_q(name)}")
            keep.append(name)
    raw_select = f"SELECT {', '.join(raw_parts)} FROM src"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    sql = f"SELECT {ROW_COL}, {', '.join(raw_parts)} FROM src"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    if parsed_parts:
        sql = f"SELECT *, {', '.join(parsed_parts)} FROM ({sql})"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        sql = f"SELECT *, {', '.join(value_parts)} FROM ({sql})"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    if oor_parts:
        sql = f"SELECT *, {', '.join(oor_parts)} FROM ({sql})"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    if final_parts:
        sql = f"SELECT *, {', '.join(final_parts)} FROM ({sql})"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    aliases = "".join(f", {_q(src)} AS {_q(name)}" for name, src in alias_of.items())
    if any_problem:
        sql = f"SELECT *, COALESCE({any_problem}, FALSE) AS __any FROM (SELECT *{aliases} FROM ({sql}))"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        keep.append("__any")
    materialised = f"SELECT {', '.join(_q(c) for c in keep)} FROM ({sql})"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    return materialised, f"SELECT *{aliases} FROM p POSITIONAL JOIN ({raw_select})", params  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound


def _existing_table(existing: pa.Table, plan: Plan) -> pa.Table:
    """Existing rows renamed for the join: keys as-is, other columns ``<c>__ex``, plus ``__exists``."""
    names = [n if n in plan.keys else f"{n}__ex" for n in existing.column_names]
    table = existing.rename_columns(names)
    return table.append_column("__exists", pa.repeat(True, table.num_rows))


def existing_columns_needed(mapping: Mapping) -> list[str] | None:
    """Columns (besides the key) the loader must fetch for ``validate(existing=...)``; None when not needed."""
    table = schema.UPLOAD_TABLES.get(mapping.table)
    if table is None:
        return None
    plan = build_plan(table, mapping, headers=None)
    if plan.missing_keys or (not plan.lacking and not plan.after_from_db()):
        return None
    return plan.after_from_db()


def key_table(raw: RawFile, mapping: Mapping, settings: Settings | None = None) -> pa.Table:
    """The distinct parsed keys of the file (to fetch existing rows for a partial update), read with the store's
    ``settings`` as :func:`validate` reads them (time zone, unattributed channel)."""
    table = schema.UPLOAD_TABLES[mapping.table]
    plan_keys = schema.key_columns(table)
    plan = build_plan(table, mapping, headers=list(raw.data.column_names), rows=raw.rows,
                      settings=settings).only(plan_keys)
    con = duckdb.connect()
    try:
        con.register("src", _source_table(raw, plan))
        checks, _ = issue_selects(plan, has_existing=False)
        _build_p(con, plan, " OR ".join(f"({c.where})" for c in checks if c.frm is None) or None)
        cols = ", ".join(_q(k) for k in plan_keys)
        not_null = " AND ".join(f"{_q(k)} IS NOT NULL" for k in plan_keys)
        return con.sql(f"SELECT DISTINCT {cols} FROM pv WHERE {not_null}").to_arrow_table()  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    finally:
        con.close()


def unused_headers(raw: RawFile, plan: Plan) -> list[str]:
    """The file's headers no canonical column reads (renamed repeats of a header are reported on their own)."""
    used = {c.source for c in plan.columns if c.source is not None}
    repeats = {r["value"] for r in raw.issue_rows if r["code"] == "file_duplicate_header"}
    return [h for h in raw.headers if h not in used and h not in repeats]


def validate(raw: RawFile, mapping: Mapping, *, existing: pa.Table | None = None, lang: str = "en",
             settings: Settings | None = None) -> Validated:
    """Typed clean rows and every problem of ``raw`` mapped by ``mapping`` (``lang`` is unused: codes are localized later)."""
    del lang
    table = schema.UPLOAD_TABLES.get(mapping.table)
    if table is None:
        detail = ", ".join(raw.headers[:20])
        return _result(raw, mapping.table, _issues_frame([_file_issue("table_unknown", detail=detail)]))
    plan = build_plan(table, mapping, headers=list(raw.data.column_names), rows=raw.rows, settings=settings)
    file_issues = [_file_issue("missing_column", k) for k in plan.missing_keys]
    if file_issues:
        return _result(raw, table.name, _issues_frame(file_issues))

    con = duckdb.connect()
    try:
        con.register("src", _source_table(raw, plan))
        if existing is not None:
            con.register("ex", _existing_table(existing, plan))
        has_existing = existing is not None
        checks, sel_params = issue_selects(plan, has_existing=has_existing)
        cell_checks = [c for c in checks if c.frm is None]
        any_problem = " OR ".join(f"({c.where})" for c in cell_checks) or None
        _, ambiguous = _build_p(con, plan, any_problem)  # also the table ``bad``: the rows with some cell problem
        keys = ", ".join(_q(k) for k in plan.keys)
        matched = con.execute(f"SELECT count(*) FROM pv JOIN ex USING ({keys})").fetchall()[0][0] if has_existing else 0  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        if plan.lacking and matched == 0:
            # Not a partial update of known rows: the file lacks required columns.
            return _result(raw, table.name, _issues_frame([_file_issue("missing_column", c) for c in plan.lacking]))

        iss_sql = " UNION ALL ".join(c.sql("bad") for c in checks)
        con.execute(f"CREATE TABLE iss AS {iss_sql}", bound(iss_sql, sel_params))
        if plan.channel_defaulted and (plan.channel_is_key or (not plan.lacking and (not has_existing or matched < plan.rows))):
            con.execute(
                "INSERT INTO iss VALUES ('warning', 'channel_missing', NULL, 'channel_id', NULL, NULL, $ch, -1)",
                {"ch": f"channel={plan.unattributed}"},
            )
        unused = unused_headers(raw, plan)
        if unused:  # reported, never silently dropped
            shown = ", ".join(unused[:UNUSED_SHOWN]) + (", …" if len(unused) > UNUSED_SHOWN else "")
            con.execute("INSERT INTO iss VALUES ('warning', 'unused_columns', NULL, NULL, NULL, $v, $d, -1)",
                        {"v": shown, "d": f"count={len(unused):,}"})
        if not plan.date_order:
            for amb in ambiguous:  # asked, never guessed: the upload can't be loaded until an order is chosen
                con.execute("INSERT INTO iss VALUES ('error', 'date_order_needed', NULL, $c, $s, $v, NULL, -1)",
                            {"c": amb.column, "s": amb.source, "v": ", ".join(amb.examples)})
        rejected = con.execute("SELECT count(DISTINCT row) FROM iss WHERE severity = 'error'").fetchall()[0][0]
        cap = in_force(settings).max_reported_issues
        found = con.execute(
            f"SELECT {', '.join(_q(c) for c in ISSUE_COLUMNS)} FROM iss ORDER BY row NULLS FIRST, ord, code LIMIT {int(cap)}"  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        ).fetchall()
        issues = [dict(zip(ISSUE_COLUMNS, r, strict=True)) for r in found]
        out_cols = plan.output_columns()
        select_out = ", ".join(f"CAST({_q(c)} AS {plan.duck_type(c)}) AS {_q(c)}" for c in out_cols)
        where = "" if rejected == 0 else "WHERE row_ NOT IN (SELECT row FROM iss WHERE severity = 'error' AND row IS NOT NULL)"
        clean = con.sql(f"SELECT {select_out}, {ROW_COL} FROM (SELECT *, {ROW_COL} AS row_ FROM pv) {where}").to_arrow_table()  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    finally:
        con.close()
    if plan.fill_only:
        clean = clean.replace_schema_metadata({FILL_ONLY_META: ",".join(plan.fill_only).encode()})
    return Validated(table=table.name, rows_read=raw.rows, clean=clean, present=plan.present(), issues=issues,
                     rejected_rows=int(rejected), ambiguous_dates=ambiguous, date_order=plan.date_order)
