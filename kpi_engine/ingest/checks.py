"""The validation plan of one upload and the SQL of every check.

``build_plan`` decides, from the table's schema metadata and the mapping, which
canonical columns the file provides, what fills the gaps (text keys -> "",
blank channel -> unattributed, won_at/lost_at from stage + close date), which
required columns are lacking (a partial update) and which key columns are
missing altogether. ``issue_selects`` turns every rule into one ``SELECT`` over
the parsed table ``p`` (see validate.py), giving rows of
(severity, code, row, column, source, value, detail, ord).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.ingest import parse
from kpi_engine.ingest.mapping import EXTRA_COLUMNS
from kpi_engine.ingest.model import ROW_COL, Mapping
from kpi_engine.settings import Settings, in_force

# Columns mappable but not stored (mapping.EXTRA_COLUMNS), and how to parse them.
_EXTRA_KIND = {"stage": "stage", "close_date": "datetime"}
EXTRA_KINDS: dict[str, dict[str, str]] = {t: {c: _EXTRA_KIND[c] for c in cols} for t, cols in EXTRA_COLUMNS.items()}
# Derived columns: (stage class, column) filled from stage + close_date.
STAGE_TARGETS = {"won_at": "won", "lost_at": "lost"}
PERCENT_COLUMNS = {("metric_values", "value")}  # "12%" -> 0.12 where a ratio is expected
DUCK_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "date": "DATE", "datetime": "TIMESTAMP", "bool": "BOOLEAN"}
FORMULA_STARTS = ("=", "+", "-", "@")
# Sane limits: beyond them a value is a typo or a broken export, never a real figure (issue 17).
MONEY_COLUMNS = {"cost", "budget", "expected_value", "deal_value", "amount"}
MONEY_MAX = 1e12  # a trillion in the store's currency
COUNT_MAX = 1e12  # impressions, clicks, conversions
NUMBER_MAX = 1e15  # any other number (manual metric values): |value| up to this
ID_MAX_CHARS = 200  # keys and references (lead_id, channel_id, owner_id ...)
TEXT_MAX_CHARS = 10_000  # names, notes and other text


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class PlanColumn:
    """A canonical column the upload provides (mapped from a header and/or given as a constant)."""

    name: str
    kind: str  # text | number | date | datetime | bool | choice | stage
    source: str | None
    constant: str | None
    required: bool
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    percent: bool = False


@dataclass(frozen=True)
class Plan:
    table: sa.Table
    columns: list[PlanColumn]
    keys: list[str]
    missing_keys: list[str]  # key columns neither provided nor defaultable: the file can't be loaded
    lacking: list[str]  # required non-key columns not provided: partial update of existing rows only
    rows: int
    unattributed: str
    channel_defaulted: bool  # the table needs channel_id, the file has none: new rows get unattributed
    channel_is_key: bool
    derived: list[str] = field(default_factory=list)  # won_at / lost_at filled from stage + close_date
    fill_only: list[str] = field(default_factory=list)  # derived columns not in the file: update fills blanks only
    date_order: str | None = None  # the order numeric dates are read in, when the user gave one
    timezone: str = ""  # the business time zone (the setting); "": the default

    # --- lookups -----------------------------------------------------------------------------------
    @property
    def by_name(self) -> dict[str, PlanColumn]:
        return {c.name: c for c in self.columns}

    def provided(self, name: str) -> bool:
        return name in self.by_name

    def only(self, names: list[str]) -> Plan:
        """The same plan restricted to ``names`` (used to parse keys alone)."""
        return replace(self, columns=[c for c in self.columns if c.name in names], derived=[], fill_only=[])

    def final_exprs(self) -> dict[str, str]:
        """Final value SQL per stored column (from ``<c>__v`` and defaults), in table order."""
        out: dict[str, str] = {}
        stage = self.by_name.get("stage")
        for col in self.table.columns:
            name, info = col.name, col.info
            if info.get("internal"):
                if name == "needs_review":  # rows given in a people/channels file count as reviewed
                    out[name] = "FALSE"
                continue
            value = f"{_q(name + '__v')}" if self.provided(name) else None
            if name in self.derived and stage is not None:
                when = STAGE_TARGETS[name]
                from_stage = f"CASE WHEN {parse.stage_class(_q('stage__v'))} = {parse.lit(when)} THEN {_q('close_date__v')} END"
                value = f"COALESCE({value}, {from_stage})" if value else from_stage
            if "default" in info:
                value = f"COALESCE({value}, {parse.lit(str(info['default']))})" if value else parse.lit(str(info["default"]))
            elif info.get("text_key"):
                value = f"COALESCE({value}, '')" if value else "''"
            elif name == "channel_id" and info.get("required"):
                value = f"COALESCE({value}, $unattributed)" if value else "$unattributed"
            if value is not None:
                out[name] = value
        return out

    def output_columns(self) -> list[str]:
        return list(self.final_exprs())

    def present(self) -> list[str]:
        """Columns the upload sets on existing rows (the channel default applies to new rows only)."""
        cols = self.output_columns()
        if self.channel_defaulted and not self.channel_is_key:
            cols = [c for c in cols if c != "channel_id"]
        return cols

    def duck_type(self, name: str) -> str:
        return DUCK_TYPES[schema.column_kind(self.table.c[name])]

    def set_by_file(self, name: str) -> bool:
        return self.provided(name) or name in self.derived

    def after_pairs(self) -> list[tuple[str, str]]:
        return [(c.name, str(c.info["after"])) for c in self.table.columns if c.info.get("after")]

    def after_from_db(self) -> list[str]:
        """Targets of "after" rules (created_at ...) the file doesn't set while it sets a stage date: use the stored one."""
        need: list[str] = []
        for col, target in self.after_pairs():
            if self.set_by_file(col) and not self.set_by_file(target) and target not in need:
                need.append(target)
        return need


def _kind(table: sa.Table, name: str) -> str:
    extra = EXTRA_KINDS.get(table.name, {})
    if name in extra:
        return extra[name]
    col = table.c[name]
    if col.info.get("choices"):
        return "choice"
    return schema.column_kind(col)


def build_plan(table: sa.Table, mapping: Mapping, *, headers: list[str] | None, rows: int = 0,
               settings: Settings | None = None) -> Plan:
    """What the upload provides and what fills the gaps (``headers`` None: trust the mapping)."""
    allowed = set(schema.user_columns(table)) | set(EXTRA_KINDS.get(table.name, {}))
    available = set(headers) if headers is not None else None
    columns: list[PlanColumn] = []
    for name in [c for c in schema.user_columns(table)] + list(EXTRA_KINDS.get(table.name, {})):
        if name not in allowed:
            continue
        source = mapping.columns.get(name)
        if source is not None and available is not None and source not in available:
            source = None
        constant = mapping.constants.get(name)
        if constant is not None and not str(constant).strip():
            constant = None
        if source is None and constant is None:
            continue
        info = table.c[name].info if name in table.c else {}
        columns.append(PlanColumn(
            name=name, kind=_kind(table, name), source=source, constant=None if constant is None else str(constant),
            required=bool(info.get("required")), choices=tuple(info["choices"]) if info.get("choices") else None,
            min=info.get("min"), max=info.get("max"), percent=(table.name, name) in PERCENT_COLUMNS,
        ))
    provided = {c.name for c in columns}
    keys = schema.key_columns(table)
    has_channel = "channel_id" in table.c and table.c["channel_id"].info.get("required")

    def defaultable(name: str) -> bool:
        info = table.c[name].info
        return bool(info.get("text_key")) or "default" in info or (name == "channel_id" and bool(has_channel))

    missing_keys = [k for k in keys if k not in provided and not defaultable(k)]
    lacking = [c for c in schema.required_columns(table) if c not in keys and c not in provided and not defaultable(c)]
    derived = [c for c in STAGE_TARGETS if table.name == "leads" and "stage" in provided and "close_date" in provided]
    return Plan(
        table=table, columns=columns, keys=keys, missing_keys=missing_keys, lacking=lacking, rows=rows,
        unattributed=in_force(settings).unattributed_channel_id,
        timezone=in_force(settings).timezone,
        channel_defaulted=bool(has_channel) and "channel_id" not in provided,
        channel_is_key="channel_id" in keys,
        derived=derived, fill_only=[c for c in derived if c not in provided], date_order=mapping.date_order,
    )


# --- the checks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One rule as SQL: rows of (severity, code, row, column, source, value, detail, ord) where ``where`` holds.

    ``frm`` None marks a cell check: it reads only columns of ``pv``, so it can run over just the rows
    that have some problem (validate.py selects those once, with the OR of every cell check).
    """

    head: str
    where: str
    frm: str | None = None

    def sql(self, cells_from: str = "pv") -> str:
        return f"{self.head} FROM {self.frm or cells_from} WHERE {self.where}"


def _select(severity: str, code: str, column: str, source: str, value: str, detail: str, ord_: int, where: str,
            frm: str | None = None) -> Check:
    head = (
        f"SELECT {parse.lit(severity)} AS severity, {parse.lit(code)} AS code, CAST({ROW_COL} AS BIGINT) AS row, "
        f"{parse.lit(column)} AS \"column\", CAST({source} AS VARCHAR) AS source, CAST({value} AS VARCHAR) AS value, "
        f"CAST({detail} AS VARCHAR) AS detail, {ord_} AS ord"
    )
    return Check(head, where, frm)


def _bounds(col: PlanColumn) -> str:
    parts = [f"min={col.min:g}"] if col.min is not None else []
    parts += [f"max={col.max:g}"] if col.max is not None else []
    return parse.lit(";".join(parts)) if parts else "NULL"


def number_limit(col: PlanColumn) -> float:
    """The largest magnitude a number in ``col`` may have."""
    if col.name in MONEY_COLUMNS:
        return MONEY_MAX
    return COUNT_MAX if col.name in ("impressions", "clicks", "conversions") else NUMBER_MAX


def is_id_column(plan: Plan, name: str) -> bool:
    return name.endswith("_id") or name in plan.keys


def date_range_detail() -> str:
    return parse.lit(f"min={parse.MIN_YEAR}-01-01;max={parse.MAX_YEAR}-12-31")


def _column_checks(plan: Plan, col: PlanColumn, ord_: int, src: str) -> list[Check]:
    raw, val = _q(col.name + "__raw"), _q(col.name + "__v")
    oor = _q(col.name + "__oor")
    out: list[Check] = []

    def add(severity: str, code: str, where: str, detail: str = "NULL", value: str = raw) -> None:
        out.append(_select(severity, code, col.name, src, value, detail, ord_, where))

    if col.name == "channel_id" and (plan.table.c["channel_id"].info.get("required")):
        add("warning", "channel_blank", f"{raw} IS NULL", parse.lit(f"channel={plan.unattributed}"))
    elif col.required and not plan.table.c[col.name].info.get("text_key") and "default" not in plan.table.c[col.name].info:
        add("error", "missing_value", f"{raw} IS NULL")
    if col.kind == "number":
        add("error", "bad_number", f"{raw} IS NOT NULL AND {val} IS NULL", _bounds(col))
        if col.min is not None:
            add("error", "negative", f"{val} < {float(col.min)!r}", _bounds(col))
        if col.max is not None:
            add("error", "out_of_range", f"{val} > {float(col.max)!r}", _bounds(col))
        else:  # 1e309 parses as infinity: never stored, and nothing beyond a sane size either
            limit = number_limit(col)
            add("error", "too_large", f"NOT isfinite({val}) OR abs({val}) > {limit!r}", parse.lit(f"limit={limit:,.0f}"))
    elif col.kind in ("date", "datetime"):
        add("error", "date_out_of_range", f"{oor}", date_range_detail())
        bad = f"{raw} IS NOT NULL AND {val} IS NULL AND {oor} IS NULL"
        if plan.date_order:  # a numeric date that does not exist in the chosen order says so (and how to choose)
            numeric = parse.numeric_dmy(raw)
            add("error", "bad_date_order", f"{bad} AND {numeric}", parse.lit(f"order={plan.date_order}"))
            add("error", "bad_date", f"{bad} AND NOT {numeric}")
        else:
            add("error", "bad_date", bad)
    elif col.kind in ("choice", "bool"):
        choices = col.choices if col.kind == "choice" else ("yes", "no")
        add("error", "bad_choice", f"{raw} IS NOT NULL AND {val} IS NULL", parse.lit("choices=" + "|".join(choices or ())))
    elif col.kind == "text":
        limit = ID_MAX_CHARS if is_id_column(plan, col.name) else TEXT_MAX_CHARS
        # strlen (bytes, stored) first: length (characters) is only counted for the few long values
        add("error", "too_long", f"CASE WHEN strlen({raw}) > {limit} THEN length({raw}) > {limit} END",
            parse.lit(f"limit={limit:,}"),
            value=f"left({raw}, 40) || '…'")
        add("error", "bad_text", f"contains({raw}, chr(0))", parse.lit("nul"), value=f"replace({raw}, chr(0), '\\0')")
        starts = " OR ".join(f"{raw} LIKE {parse.lit(s + '%')}" for s in FORMULA_STARTS)
        add("warning", "formula_text", f"({starts})")
    return out


def _key_value(plan: Plan) -> str:
    parts = [f"CAST({_q(k)} AS VARCHAR)" for k in plan.keys]
    return parts[0] if len(parts) == 1 else f"concat_ws(' | ', {', '.join(parts)})"


def _key_label(plan: Plan) -> str:
    return "+".join(plan.keys)


def _stage_checks(plan: Plan, ord_of: dict[str, int], src_of: dict[str, str]) -> list[Check]:
    stage = plan.by_name.get("stage")
    if stage is None:
        return []
    cls = parse.stage_class(_q("stage__v"))
    finals = plan.final_exprs()
    close_raw = _q("close_date__raw") if plan.provided("close_date") else "NULL"
    conds = []
    for target, when in STAGE_TARGETS.items():
        value = _q(target) if target in finals else "NULL"
        conds.append(f"({cls} = {parse.lit(when)} AND {value} IS NULL)")
    where = f"({' OR '.join(conds)}) AND {close_raw} IS NULL"
    return [_select("warning", "stage_without_date", "stage", src_of["stage"], _q("stage__raw"), "NULL", ord_of["stage"], where)]


def _with_existing(plan: Plan) -> str:
    """``pv`` joined with the stored rows the loader fetched (registered as ``ex``)."""
    return f"pv LEFT JOIN ex USING ({', '.join(_q(k) for k in plan.keys)})"


def _after_checks(plan: Plan, has_existing: bool, ord_of: dict[str, int], src_of: dict[str, str]) -> list[Check]:
    out: list[Check] = []
    for col, target in plan.after_pairs():
        c_set, t_set = plan.set_by_file(col), plan.set_by_file(target)
        if not (c_set or t_set):
            continue
        c_expr = _q(col) if c_set else (_q(col + "__ex") if has_existing else None)
        t_expr = _q(target) if t_set else (_q(target + "__ex") if has_existing else None)
        if c_expr is None or t_expr is None:
            continue
        if plan.provided(col) and col in plan.derived:
            value, source = f"COALESCE({_q(col + '__raw')}, {_q('close_date__raw')})", src_of.get(col, "NULL")
        elif plan.provided(col):
            value, source = _q(col + "__raw"), src_of[col]
        elif col in plan.derived:
            value, source = _q("close_date__raw"), src_of.get("close_date", "NULL")
        else:
            value, source = f"strftime({c_expr}, '%Y-%m-%d %H:%M')", "NULL"
        detail = f"{parse.lit(target + '=')} || strftime({t_expr}, '%Y-%m-%d %H:%M')"
        frm = _with_existing(plan) if (not c_set or not t_set) else None
        out.append(_select("error", "stage_before_created", col, source, value, detail, ord_of.get(col, 0),
                           f"{c_expr} < {t_expr}", frm=frm))
    return out


def issue_selects(plan: Plan, *, has_existing: bool) -> tuple[list[Check], dict[str, object]]:
    """One check per rule over ``pv``; the parameters bind the source headers."""
    params: dict[str, object] = {}
    src_of: dict[str, str] = {}
    for i, col in enumerate(plan.columns):
        params[f"s{i}"] = col.source
        src_of[col.name] = f"$s{i}"
    order = [c.name for c in plan.table.columns] + ["stage", "close_date"]
    ord_of = {name: i for i, name in enumerate(order)}
    selects: list[Check] = []
    for col in plan.columns:
        selects += _column_checks(plan, col, ord_of[col.name], src_of[col.name])
    selects += _stage_checks(plan, ord_of, src_of)
    selects += _after_checks(plan, has_existing, ord_of, src_of)

    keys = ", ".join(_q(k) for k in plan.keys)
    key_src = src_of.get(plan.keys[0], "NULL")
    not_null = " AND ".join(f"{_q(k)} IS NOT NULL" for k in plan.keys)
    dups = (f"pv JOIN (SELECT {keys}, min({ROW_COL}) AS first_row FROM pv WHERE {not_null} "  # noqa: S608 - column names from the schema, quoted by _q(); values bound
            f"GROUP BY {keys} HAVING count(*) > 1) d USING ({keys})")
    selects.append(_select("error", "duplicate_key", _key_label(plan), key_src, _key_value(plan), "d.first_row",
                           ord_of[plan.keys[0]], f"{ROW_COL} > d.first_row", frm=dups))
    if plan.lacking and has_existing:
        detail = parse.lit("missing=" + ",".join(plan.lacking))
        selects.append(_select("error", "unknown_key", _key_label(plan), key_src, _key_value(plan), detail,
                               ord_of[plan.keys[0]], f"__exists IS NULL AND {not_null}", frm=_with_existing(plan)))
    return selects, params
