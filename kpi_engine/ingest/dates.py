"""The order of numeric dates (03/04/2026): given by the user, settled by the column's values, or asked.

A numeric ``nn/nn/yyyy`` value with a first number from 13 to 31 can only be day-first; with a second number
from 13 to 31, only month-first. A column with such a value is settled (day-first wins when both occur, and
the values that disagree are reported as bad dates). A column without one, where some value reads as two
different dates (03/04/2026: 3 April or 4 March), is ambiguous: the upload asks for the order instead of
guessing. ISO and other year-first dates, compact, serial and month-name forms read the same in every order.
A given order (``Mapping.date_order``, from the user or a saved mapping) is applied to every date column.

All of it is SQL before the validation pass (see validate.py): one aggregate over the file's arrow table
``src`` computes per date column a small flag (``order_flag``: which order each numeric value allows) and
settles every column at once (``settle_orders``), so the parsed table ``p`` is then built once, in the
right orders; for an ambiguous column only, a look at its first few examples in ``src``.
"""

from __future__ import annotations

import duckdb

from kpi_engine.ingest import parse
from kpi_engine.ingest.checks import Plan, PlanColumn
from kpi_engine.ingest.model import DATE_ORDERS, ROW_COL, AmbiguousDates
from kpi_engine.settings import in_force

EXAMPLES = 3  # example values shown for an ambiguous column
DEFAULT_ORDER = "mdy"  # a column that is neither settled nor ambiguous (e.g. only 05/05/2026)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_expr(col: PlanColumn) -> str:
    """SQL of a column's text in ``src``: the file's value (blank -> NULL), else the whole-file value."""
    src = parse.clean_text(_q(col.name + "__src")) if col.source is not None else None
    const = parse.clean_text(_q(col.name + "__const")) if col.constant is not None else None
    if src and const:
        return f"COALESCE({src}, {const})"
    return src or const or "CAST(NULL AS VARCHAR)"


def _date_columns(plan: Plan) -> list[PlanColumn]:
    return [c for c in plan.columns if c.kind in ("date", "datetime")]


def _reading(col: PlanColumn, order: str) -> str:
    ts = parse.year_in_range(parse.timestamp("v", order=order))
    if col.kind == "date":
        return f"strftime({ts}, '%Y-%m-%d')"
    return f"CASE WHEN {ts} = date_trunc('day', {ts}) THEN strftime({ts}, '%Y-%m-%d') ELSE strftime({ts}, '%Y-%m-%d %H:%M') END"


def _ambiguity(con: duckdb.DuckDBPyConnection, col: PlanColumn, timezone: str) -> AmbiguousDates:
    """The first example values of an ambiguous column and what each order makes of them."""
    a, b = parse.numeric_parts("v")
    rows = con.execute(
        f"SELECT v FROM (SELECT {raw_expr(col)} AS v, {ROW_COL} FROM src) "  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        f"WHERE {a} BETWEEN 1 AND 12 AND {b} BETWEEN 1 AND 12 AND {a} <> {b} "
        f"GROUP BY v ORDER BY min({ROW_COL}) LIMIT {EXAMPLES}"
    ).fetchall()
    examples = [str(r[0]) for r in rows]
    readings_sql = ", ".join(_reading(col, o) for o in DATE_ORDERS)
    read = con.execute(
        f"SELECT {readings_sql} FROM (SELECT unnest($vals) AS v, generate_subscripts($vals, 1) AS i) ORDER BY i",  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
        {"vals": examples, "tz": timezone},
    ).fetchall()
    readings = {o: [r[i] for r in read] for i, o in enumerate(DATE_ORDERS)}
    return AmbiguousDates(column=col.name, source=col.source, examples=examples, readings=readings)


def order_flag(raw_sql: str) -> str:
    """SQL per value of a date column: 1 only day-first, 2 only month-first, 3 both (different dates), else NULL.

    One anchored regex test per value (one or two digits then a separator: a year-first date fails at its third
    character); only numeric ``nn/nn/yyyy`` values get past it to the extracting regex.
    """
    x = raw_sql
    a, b = (f"TRY_CAST(NULLIF(regexp_extract({x}, '{parse.NUMERIC_DMY_RE}', {i}), '') AS INTEGER)" for i in (1, 2))
    return (
        f"CASE WHEN regexp_matches({x}, '^\\d{{1,2}}[-/.]') THEN CASE "
        f"WHEN {a} BETWEEN 13 AND 31 AND {b} BETWEEN 1 AND 12 THEN 1 "
        f"WHEN {b} BETWEEN 13 AND 31 AND {a} BETWEEN 1 AND 12 THEN 2 "
        f"WHEN {a} BETWEEN 1 AND 12 AND {b} BETWEEN 1 AND 12 AND {a} <> {b} THEN 3 END END"
    )


def settle_orders(con: duckdb.DuckDBPyConnection, plan: Plan) -> tuple[dict[str, str], list[AmbiguousDates]]:
    """(order to read each date column in, the ambiguous columns), from one aggregate of ``order_flag`` over ``src``.

    With ``plan.date_order`` every date column is read in that order; ambiguous columns are still listed,
    so a page can show the choice that was applied.
    """
    cols = _date_columns(plan)
    if not cols:
        return {}, []
    flags = ", ".join(f"{order_flag(raw_expr(c))} AS f{i}" for i, c in enumerate(cols))
    aggs = ", ".join(f"bool_or(f{i} = {k})" for i in range(len(cols)) for k in (1, 2, 3))
    found = con.execute(f"SELECT {aggs} FROM (SELECT {flags} FROM src)").fetchall()[0]  # noqa: S608 - column names from the schema and the mapping plan, quoted by _q(); values bound
    orders: dict[str, str] = {}
    ambiguous: list[AmbiguousDates] = []
    for i, col in enumerate(cols):
        day_first, month_first, differ = (bool(v) for v in found[3 * i: 3 * i + 3])
        if not day_first and not month_first and differ:
            ambiguous.append(_ambiguity(con, col, plan.timezone or in_force().timezone))
        settled = "dmy" if day_first else DEFAULT_ORDER
        orders[col.name] = plan.date_order or settled
    return orders, ambiguous
