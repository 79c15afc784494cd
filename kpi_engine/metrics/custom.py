"""A store's own metrics (issue 16.5): a formula over registry metrics, saved, compiled like a derived metric.

A :class:`UserMetric` is the declaration a user writes (id, names, formula, unit, direction, descriptions); it
is kept in the ``custom_metrics`` table. :func:`compile_metrics` parses each formula with
:mod:`kpi_engine.metrics.formula` (no eval) into a :class:`~kpi_engine.metrics.declarations.Derived` expression and
builds a :class:`~kpi_engine.metrics.declarations.Metric` marked ``custom``; :func:`activate` installs a store's
metrics into the registry, so they work wherever a derived metric does: queries by scope × grain, growth,
plans, scorecards, the definitions shown with a number.

Loading is cached per engine on the store's settings token (``schema_meta.settings_version``): a saved or
deleted metric moves that token, so this process sees it at once and every cache keyed on the store version
(the pages' ``db.version()``) refreshes; another process sees it within a second (:data:`RECHECK_SECONDS`).
Writes need the ``settings`` permission (admins) and are recorded in the audit log with the definition
before and after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import access, clock, schema, settings_store, store
from kpi_engine.access import audit
from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.metrics.declarations import DIRECTIONS, UNITS, Derived, Metric
from kpi_engine.metrics.formula import FormulaError, Parsed, Problem, adds_up, parse, render
from kpi_engine.settings import resolve_db_url

__all__ = ["ID_PATTERN", "FormulaError", "UserMetric", "activate", "activate_url", "compile_metrics", "delete", "forget_cached",
           "load", "save", "used_by", "validate"]

log = logging.getLogger(__name__)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MAX_NAME = 60
RECHECK_SECONDS = 1.0
_TOKEN_KEY = settings_store.VERSION_KEY
_cache: weakref.WeakKeyDictionary[Engine, tuple[str, float, dict[str, Metric]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass(frozen=True)
class UserMetric:
    """A metric as a user declares it: a formula over metric ids, with its names, unit and direction."""

    id: str
    name_en: str
    name_zh: str
    formula: str
    unit: str = "ratio"
    direction: str = "higher"
    description_en: str = ""
    description_zh: str = ""
    created_by: str = ""
    created_at: dt.datetime | None = None


def _literal(text: str) -> str:
    """A user's text as a :meth:`Metric.text` template (which fills ``{setting}`` names): braces kept as typed."""
    return text.replace("{", "{{").replace("}", "}}")


def _metric(decl: UserMetric, parsed: Parsed, known: dict[str, Metric]) -> Metric:
    expr = parsed.expr
    formula = render(expr)
    desc_en = decl.description_en.strip() or t("cm_description_default", "en", formula=formula)
    desc_zh = decl.description_zh.strip() or t("cm_description_default", "zh", formula=formula)
    return Metric(decl.id, _literal(decl.name_en.strip()), _literal(decl.name_zh.strip()), _literal(desc_en),
                  _literal(desc_zh), formula, formula, decl.unit, decl.direction, Derived(expr),  # type: ignore[arg-type]
                  custom=True, adds_up=adds_up(expr, known))


def _cycle(start: str, graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """A path ``start -> ... -> start`` through ``graph`` (custom metric -> the custom metrics it reads), if any."""
    def walk(node: str, path: list[str]) -> list[str] | None:
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [*path, nxt]
            if nxt not in path:
                found = walk(nxt, [*path, nxt])
                if found:
                    return found
        return None
    return walk(start, [start])


def validate(decl: UserMetric, others: Sequence[UserMetric] = (), *, new: bool = True) -> Parsed:
    """Check every field of ``decl`` against the registry and the store's ``others``; :class:`FormulaError`
    listing every problem (bad id, id taken, names, unit, direction, the formula's problems, a cycle)."""
    problems: list[Problem] = []
    mine = {o.id: o for o in others if o.id != decl.id}
    if not ID_PATTERN.match(decl.id or ""):
        problems.append(Problem("id", name=decl.id or ""))
    elif decl.id in registry.BUILTIN:
        problems.append(Problem("taken", name=decl.id))
    elif new and any(o.id == decl.id for o in others):
        problems.append(Problem("exists", name=decl.id))
    if not all(0 < len(n.strip()) <= MAX_NAME for n in (decl.name_en, decl.name_zh)):
        problems.append(Problem("name"))
    if decl.unit not in UNITS:
        problems.append(Problem("unit", name=", ".join(UNITS)))
    if decl.direction not in DIRECTIONS:
        problems.append(Problem("direction"))
    known = set(registry.BUILTIN) | set(mine) | {decl.id}
    parsed: Parsed | None = None
    try:
        parsed = parse(decl.formula, known)
    except FormulaError as exc:
        problems += exc.problems
    if parsed is not None:
        graph = {o.id: _refs(o, known) for o in mine.values()}
        graph[decl.id] = tuple(r for r in parsed.refs if r not in registry.BUILTIN)
        path = _cycle(decl.id, graph)
        if path:
            problems.append(Problem("cycle", name=" → ".join(path)))
    if problems:
        raise FormulaError(problems)
    assert parsed is not None
    return parsed


def _refs(decl: UserMetric, known: set[str]) -> tuple[str, ...]:
    try:
        return tuple(r for r in parse(decl.formula, known).refs if r not in registry.BUILTIN)
    except FormulaError:
        return ()


def compile_metrics(decls: Sequence[UserMetric]) -> dict[str, Metric]:
    """The registry with ``decls`` added (see :func:`registry.build_with`). A declaration that no longer passes
    (edited by hand, or reading one that does not) is left out and logged, never breaking the others."""
    pending = {d.id: d for d in decls}
    done: dict[str, Metric] = dict(registry.BUILTIN)
    ok: list[Metric] = []
    progress = True
    while pending and progress:  # in dependency order: a metric after the custom metrics it reads
        progress = False
        for mid, decl in list(pending.items()):
            try:
                parsed = validate(decl, list(pending.values()) + [_as_decl(m) for m in ok], new=False)
            except FormulaError as exc:
                log.warning("custom metric %r left out: %s", mid, exc)
                del pending[mid]
                continue
            if all(r in done for r in parsed.refs if r != mid):
                metric = _metric(decl, parsed, done)
                done[mid], progress = metric, True
                ok.append(metric)
                del pending[mid]
    for mid in pending:
        log.warning("custom metric %r left out: it reads a metric that is missing or broken", mid)
    return registry.build_with(ok)


def _as_decl(m: Metric) -> UserMetric:
    return UserMetric(m.id, m.name_en, m.name_zh, m.formula_en, m.unit, m.direction)


# --- The store ------------------------------------------------------------------------------------------


def _row(r: sa.Row) -> UserMetric:
    return UserMetric(r.metric_id, r.name_en, r.name_zh, r.formula, r.unit, r.direction, r.description_en or "",
                      r.description_zh or "", r.created_by or "", r.created_at)


def _read(conn: Connection) -> list[UserMetric]:
    c = schema.custom_metrics
    return [_row(r) for r in conn.execute(sa.select(c).order_by(c.c.created_at, c.c.metric_id))]


def load(engine: Engine) -> list[UserMetric]:
    """The store's custom metrics, oldest first (none on a store made before the table existed)."""
    with engine.connect() as conn:
        try:
            return _read(conn)
        except sa.exc.DBAPIError:
            if sa.inspect(conn).has_table(schema.custom_metrics.name):
                raise
            return []


def _token(conn: Connection) -> str:
    t_ = schema.schema_meta
    try:
        return str(conn.execute(sa.select(t_.c.value).where(t_.c.key == _TOKEN_KEY)).scalar() or "0")
    except sa.exc.DBAPIError:
        return "0"


def activate(engine: Engine) -> None:
    """Put ``engine``'s custom metrics in force in the registry (cached; reread when the token moved)."""
    with _lock:
        hit = _cache.get(engine)
    now = time.monotonic()
    if hit is not None and now - hit[1] < RECHECK_SECONDS:
        registry.install(hit[2])
        return
    with engine.connect() as conn:
        token = _token(conn)
    if hit is not None and hit[0] == token:
        metrics = hit[2]
    else:
        decls = load(engine)
        metrics = compile_metrics(decls) if decls else registry.BUILTIN
    with _lock:
        _cache[engine] = (token, now, metrics)
    registry.install(metrics)


def activate_url(url: str | None) -> Engine | None:
    """:func:`activate` for the store at ``url`` (resolved as ``--db`` is) when it exists: the command line's
    way in; returns its engine (None when skipped). A DuckDB file that does not exist yet is not created; a store
    that cannot be opened is skipped (the command opening it says why)."""
    try:
        resolved = resolve_db_url(url)
        parsed = sa.make_url(resolved)
        if parsed.drivername.startswith("duckdb") and parsed.database not in (None, "", ":memory:"):
            if not Path(parsed.database).expanduser().exists():
                return None
        engine = store.get_engine(resolved)
        activate(engine)
        return engine
    except Exception as exc:  # the command itself reports a store it cannot open
        log.debug("custom metrics not loaded: %s", exc)
        return None


def forget_cached() -> None:
    """Drop every cached set (after a change; tests)."""
    with _lock:
        _cache.clear()


def _bump(conn: Connection) -> None:
    """Move the store's settings token: caches keyed on the store version see the new definitions."""
    t_ = schema.schema_meta
    query = sa.select(t_.c.value).where(t_.c.key == _TOKEN_KEY)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    current = conn.execute(query).scalar()
    if current is None:
        conn.execute(sa.insert(t_).values(key=_TOKEN_KEY, value="1"))
    else:
        conn.execute(sa.update(t_).where(t_.c.key == _TOKEN_KEY).values(value=str(int(current) + 1)))


def _changed(engine: Engine) -> None:
    forget_cached()
    settings_store.forget_cached()
    activate(engine)


def _public(decl: UserMetric) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(decl).items() if k not in ("created_at", "created_by")}


def save(engine: Engine, decl: UserMetric, *, new: bool = True, user: str | None = None) -> Metric:
    """Create (``new``) or change a custom metric; :class:`FormulaError` (nothing saved) when it does not pass,
    :class:`~kpi_engine.access.NotAllowed` for anyone but an admin. Returns the metric now in force."""
    access.require("settings")
    who = (user or access.actor_name() or "").strip()
    now = clock.stamp(engine)
    c = schema.custom_metrics
    with engine.begin() as conn:
        existing = _read(conn)
        before = next((o for o in existing if o.id == decl.id), None)
        if not new and before is None:
            raise FormulaError([Problem("missing", name=decl.id)])
        validate(decl, existing, new=new)
        values = dict(name_en=decl.name_en.strip(), name_zh=decl.name_zh.strip(), formula=decl.formula.strip(),
                      unit=decl.unit, direction=decl.direction, description_en=decl.description_en.strip() or None,
                      description_zh=decl.description_zh.strip() or None, updated_by=who, updated_at=now)
        if before is None:
            conn.execute(c.insert().values(metric_id=decl.id, created_by=who, created_at=now, **values))
        else:
            conn.execute(c.update().where(c.c.metric_id == decl.id).values(**values))
        _bump(conn)
        audit.record(conn, "metric_save", target=decl.id, before=_public(before) if before else None,
                     after=_public(decl), actor=who or None)
    _changed(engine)
    return registry.get(decl.id)


def used_by(engine: Engine, metric_id: str) -> list[str]:
    """Where ``metric_id`` is used: other custom metrics (``metric:ID``), plans (``plan:ID``), alert rules."""
    refs = (metric_id, f"growth:{metric_id}", f"yoy:{metric_id}")
    found: list[str] = []
    known = set(registry.BUILTIN) | {d.id for d in load(engine)}
    found += [f"metric:{d.id}" for d in load(engine) if d.id != metric_id and metric_id in _refs(d, known)]
    k, a = schema.plan_kpis, schema.alert_rules
    with engine.connect() as conn:
        found += [f"plan:{p}" for p in conn.execute(sa.select(k.c.plan_id).where(k.c.metric.in_(refs)).distinct()
                                                    .order_by(k.c.plan_id)).scalars()]
        found += [f"alert:{r}" for r in conn.execute(sa.select(a.c.rule_id).where(a.c.metric.in_(refs))
                                                     .order_by(a.c.rule_id)).scalars()]
    return found


def delete(engine: Engine, metric_id: str, *, user: str | None = None) -> None:
    """Delete a custom metric no plan, alert rule or other custom metric uses (:class:`FormulaError` naming them)."""
    access.require("settings")
    who = (user or access.actor_name() or "").strip()
    users = used_by(engine, metric_id)
    if users:
        raise FormulaError([Problem("in_use", name=metric_id, where=", ".join(users))])
    c = schema.custom_metrics
    with engine.begin() as conn:
        before = next((o for o in _read(conn) if o.id == metric_id), None)
        if before is None:
            raise FormulaError([Problem("missing", name=metric_id)])
        conn.execute(c.delete().where(c.c.metric_id == metric_id))
        _bump(conn)
        audit.record(conn, "metric_delete", target=metric_id, before=_public(before), actor=who or None)
    _changed(engine)
