"""Plans in the database: save, load, list, version, activate, close (SQLAlchemy Core, bound parameters).

Versioning. A plan's first save is version 1, a draft. Saving again replaces the draft in
place. Once a version has been activated, saving a *changed* plan adds version n + 1 as a
draft while the active version keeps being the one scores use; activating the new version
supersedes the old one, which stays in the database (scores name the version they used).
Saving unchanged content adds nothing (acknowledgements are stored on the latest version).

Activation runs :func:`kpi_engine.plans.checks.check_plan`: errors block it, and so do
warnings nobody acknowledged (``acknowledge`` = their keys, or True for all of them). An
activated plan writes its targets into ``schema.targets`` (source ``plan:<id>``, per month)
so the Standup, Channels and Team pages compare against it (:func:`publish_targets`).

Reading plans back (load, list, versions, the plans in force, the previous plan) is
:mod:`kpi_engine.plans.reading`, re-exported here; the checks read plans from there, so the arrow runs
store -> checks -> reading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import access, clock, pacing, periods, schema
from kpi_engine import store as db
from kpi_engine.access import audit
from kpi_engine.plans import catalog
from kpi_engine.plans.checks import check_plan
from kpi_engine.plans.model import Plan, PlanError, Scope, split_metric
from kpi_engine.plans.reading import (
    PlanNotFound,
    active_plans,
    existing_plan_row,
    list_plans,
    list_versions,
    load_plan,
    plan_row,
    previous_plan,
    read_version,
)
from kpi_engine.settings import get_settings
from kpi_engine.settings_read import load_settings

# the read side (kpi_engine.plans.reading) is part of this module's interface: store.load_plan, store.PlanNotFound ...
__all__ = ["ActivationBlocked", "PlanNotFound", "activate_plan", "active_plans", "close_plan", "delete_plan", "list_plans",
           "list_versions", "load_plan", "new_plan_id", "previous_plan", "publish_targets", "save_plan", "target_rows"]

P, V, K, OKR = schema.plans, schema.plan_versions, schema.plan_kpis, schema.plan_okrs


class ActivationBlocked(PlanError):
    """Activation refused: ``report`` lists the errors and unacknowledged warnings."""

    def __init__(self, report: object, problems: list[str]) -> None:
        super().__init__(problems)
        self.report = report


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def new_plan_id(conn: Connection, plan: Plan) -> str:
    """A readable unused id: the name's ASCII words with the period (``2026-10-team-plan``)."""
    slug = _slug(plan.name.replace(plan.period, "")) or "plan"
    base = f"{plan.period.lower()}-{slug}"
    existing = set(conn.execute(sa.select(P.c.plan_id).where(P.c.plan_id.like(f"{base}%"))).scalars())
    candidate, n = base, 1
    while candidate in existing:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- rows <-> values --------------------------------------------------------------------


def _version_row(plan: Plan, version: int, status: str, user: str | None, now: dt.datetime) -> dict[str, object]:
    return {"plan_id": plan.plan_id, "version": version, "status": status, "name": plan.name, "period": plan.period,
            "framework": plan.framework, "quantitative_share": plan.quantitative_share, "subject": plan.subject,
            "preset": plan.preset, "industry": plan.industry, "base_bonus": plan.base_bonus, "prorate": plan.prorate,
            "previous_plan_id": plan.previous, "deliberate_change": plan.deliberate_change, "note": plan.note,
            "acknowledged_json": json.dumps(list(plan.acknowledged)), "extra_json": json.dumps(plan.extra, default=str),
            "saved_at": now, "saved_by": user}


def _kpi_rows(plan: Plan, version: int) -> list[dict[str, object]]:
    rows = []
    for pos, k in enumerate(plan.kpis):
        kind, _, ident = k.scope.partition(":")
        rows.append({"plan_id": plan.plan_id, "version": version, "position": pos, "metric": k.metric,
                     "scope_type": kind, "scope_id": ident, "dimension": k.dimension, "weight": k.weight,
                     "base": k.base, "challenge": k.challenge, "floor": k.floor, "owner_id": k.owner, "core": k.core,
                     "guardrail": k.guardrail, "penalty": k.penalty, "note": k.note,
                     "extra_json": json.dumps(k.extra, default=str) if k.extra else None})
    return rows


def _okr_rows(plan: Plan, version: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for pos, o in enumerate(plan.okrs):
        rows.append({"plan_id": plan.plan_id, "version": version, "okr_position": pos, "kr_position": 0,
                     "text": o.objective, "owner_id": o.owner, "metric": "", "scope": "", "target": None, "score": None,
                     "weight": None})
        for j, kr in enumerate(o.key_results, start=1):
            rows.append({"plan_id": plan.plan_id, "version": version, "okr_position": pos, "kr_position": j,
                         "text": kr.text, "owner_id": "", "metric": kr.metric, "scope": kr.scope, "target": kr.target,
                         "score": kr.score, "weight": kr.weight})
    return rows


def _method(conn: Connection, plan: Plan) -> str:
    """The plan's pro-rating method, the store's setting ``default_prorate`` when the plan names none: written
    into the plan when it is stored, so a later change of the setting leaves its targets as they were."""
    return plan.prorate or load_settings(conn).default_prorate


def _write_version(conn: Connection, plan: Plan, version: int, status: str, user: str | None,
                   now: dt.datetime) -> None:
    conn.execute(sa.insert(V), [_version_row(plan, version, status, user, now)])
    if plan.kpis:
        conn.execute(sa.insert(K), _kpi_rows(plan, version))
    if plan.okrs:
        conn.execute(sa.insert(OKR), _okr_rows(plan, version))


def _delete_version(conn: Connection, plan_id: str, version: int) -> None:
    for table in (K, OKR, V):
        conn.execute(sa.delete(table).where(table.c.plan_id == plan_id, table.c.version == version))


# --- public API -------------------------------------------------------------------------


def save_plan(engine: Engine, plan: Plan, *, user: str | None = None) -> Plan:
    """Store ``plan`` (a new plan, a draft replaced in place, or a new version); returns it as stored (admins)."""
    access.require("plans")
    user = user or access.actor_name() or get_settings().upload_user
    with engine.begin() as conn:
        plan_id = plan.plan_id or new_plan_id(conn, plan)
        plan = dataclasses.replace(plan, plan_id=plan_id, prorate=_method(conn, plan))
        row = plan_row(conn, plan_id)
        now = clock.stamp(conn)
        head = {"name": plan.name, "period": plan.period, "grain": plan.grain, "period_start": plan.start,
                "period_end": plan.end, "framework": plan.framework, "subject": plan.subject, "updated_at": now}
        if row is None:
            conn.execute(sa.insert(P), [{"plan_id": plan_id, "status": "draft", "latest_version": 1, "active_version": None,
                                         "created_at": now, **head}])
            _write_version(conn, plan, 1, "draft", user, now)
            return read_version(conn, plan_id, 1)
        latest = int(row["latest_version"])
        current = read_version(conn, plan_id, latest)
        if row["status"] == "closed" and not current.same_content(plan):
            raise PlanError([f"plan {plan_id} is closed; start a new plan from it instead of changing it"])
        status = conn.execute(sa.select(V.c.status).where(V.c.plan_id == plan_id, V.c.version == latest)).scalar_one()
        if current.same_content(plan):
            conn.execute(sa.update(V).where(V.c.plan_id == plan_id, V.c.version == latest)
                         .values(acknowledged_json=json.dumps(list(plan.acknowledged))))
            return read_version(conn, plan_id, latest)
        version = latest if status == "draft" else latest + 1
        if status == "draft":
            _delete_version(conn, plan_id, latest)
        _write_version(conn, plan, version, "draft", user, now)
        conn.execute(sa.update(P).where(P.c.plan_id == plan_id).values(latest_version=version, **head))
        return read_version(conn, plan_id, version)


def activate_plan(engine: Engine, plan_id: str, *, acknowledge: Iterable[str] | bool = (), user: str | None = None,
                  publish: bool = True, as_of: dt.date | None = None) -> Plan:
    """Activate the latest version after its checks; :class:`ActivationBlocked` when they do not allow it."""
    access.require("plans")
    user = user or access.actor_name() or get_settings().upload_user
    plan = load_plan(engine, plan_id)
    report = check_plan(plan, engine, as_of=as_of)
    keys = {i.key for i in report.warnings}
    acked = keys if acknowledge is True else set(plan.acknowledged) | set(acknowledge or ())
    report = report.acknowledge(acked)
    if report.blocking:
        raise ActivationBlocked(report, [f"{i.severity} {i.key}: {i.message('en')}" for i in report.blocking])
    with engine.begin() as conn:
        now = clock.stamp(conn)
        conn.execute(sa.update(V).where(V.c.plan_id == plan_id, V.c.status == "active").values(status="superseded"))
        conn.execute(sa.update(V).where(V.c.plan_id == plan_id, V.c.version == plan.version)
                     .values(status="active", activated_at=now, activated_by=user,
                             acknowledged_json=json.dumps(sorted(acked & keys))))
        conn.execute(sa.update(P).where(P.c.plan_id == plan_id)
                     .values(status="active", active_version=plan.version, updated_at=now))
        if publish:
            publish_targets(conn, read_version(conn, plan_id, plan.version))
        audit.record(conn, "plan_activate", target=plan_id, after={"version": plan.version, "period": plan.period,
                                                                   "acknowledged": sorted(acked & keys)})
        return read_version(conn, plan_id, plan.version)


def close_plan(engine: Engine, plan_id: str) -> Plan:
    """Close a plan (its period is over): no more changes; its active version is kept as the one scored."""
    access.require("plans")
    with engine.begin() as conn:
        row = existing_plan_row(conn, plan_id)
        version = int(row["active_version"] or row["latest_version"])
        conn.execute(sa.update(V).where(V.c.plan_id == plan_id, V.c.version == version).values(status="closed"))
        conn.execute(sa.update(P).where(P.c.plan_id == plan_id).values(status="closed", active_version=version,
                                                                        updated_at=clock.stamp(conn)))
        return read_version(conn, plan_id, version)


def delete_plan(engine: Engine, plan_id: str) -> None:
    """Remove a plan that was never activated (an abandoned draft), with its published targets."""
    access.require("plans")
    with engine.begin() as conn:
        row = existing_plan_row(conn, plan_id)
        if row["active_version"] is not None:
            raise PlanError([f"plan {plan_id} has been activated; close it instead of deleting it"])
        for table in (K, OKR, V, P):
            conn.execute(sa.delete(table).where(table.c.plan_id == plan_id))
        if conn.execute(sa.delete(schema.targets).where(schema.targets.c.source == f"plan:{plan_id}")).rowcount:
            db.bump_data_version(conn)


def target_rows(plan: Plan) -> list[dict[str, object]]:
    """Monthly ``schema.targets`` rows of a plan's plain-metric KPIs (growth KPIs have no such target).

    A target that adds up over time (leads, spend) is split over the months by the KPI's pro-rating
    (:func:`kpi_engine.pacing.method_for`: calendar days, Chinese working days or the custom profile;
    seasonal by calendar days, as last year's data is not read here); a rate or a stock (a conversion
    rate, followers) is the same every month.
    """
    rows: dict[tuple[str, str, str, dt.date], dict[str, object]] = {}
    months = periods.period_starts(plan.start, plan.end, "month")
    for k in plan.kpis:
        kind, mid = split_metric(k.metric)
        if kind is not None or k.base is None or mid not in catalog.registry.METRICS:
            continue
        try:
            scope = Scope.parse(k.scope)
        except ValueError:  # an unreadable scope: the plan checks report it (unknown_scope) and block activation
            continue
        spread = pacing.method_for(plan, k)
        spread = pacing.Spread() if spread.method == "seasonal" else spread
        for month in months:
            share = pacing.share((plan.start, plan.end), (month, periods.period_end(month, "month")),
                                 **spread.kwargs()) if catalog.cumulative(mid) else 1.0
            key = (mid, scope.type, scope.id, month)
            rows.setdefault(key, {"metric_id": mid, "scope_type": scope.type, "scope_id": scope.id, "period_start": month,
                                  "base": k.base * share,
                                  "challenge": None if k.challenge is None else k.challenge * share, "floor": k.floor,
                                  "source": f"plan:{plan.plan_id}", "note": k.note or None})
    return list(rows.values())


def publish_targets(conn: Connection, plan: Plan) -> int:
    """Replace the plan's rows in ``schema.targets`` (and any other source's rows for the same keys).

    Bumps the data version: pages cache targets by it, and must compare against the new ones at once.
    """
    t = schema.targets
    db.bump_data_version(conn)
    conn.execute(sa.delete(t).where(t.c.source == f"plan:{plan.plan_id}"))
    rows = target_rows(plan)
    for r in rows:
        conn.execute(sa.delete(t).where(t.c.metric_id == r["metric_id"], t.c.scope_type == r["scope_type"],
                                        t.c.scope_id == r["scope_id"], t.c.period_start == r["period_start"]))
    if rows:
        conn.execute(sa.insert(t), rows)
    return len(rows)
