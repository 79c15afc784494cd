"""Plans read back from the database: one version (:func:`load_plan`), every plan, the versions of one, the plans
in force on a day, the plan a new one continues (SQLAlchemy Core, bound parameters).

The read side of :mod:`kpi_engine.plans.store`, apart so that the plan checks (which compare a plan with the one
it continues) read plans without importing the store, which runs those checks on activation: store -> checks ->
reading, one way. The store re-exports the public names (store.load_plan, store.PlanNotFound ...).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import schema
from kpi_engine.plans.model import KeyResult, Kpi, Okr, Plan

P, V, K, OKR = schema.plans, schema.plan_versions, schema.plan_kpis, schema.plan_okrs


class PlanNotFound(LookupError):
    """No plan (or version) with that id."""


_VERSION_TO_PLAN_STATUS = {"draft": "draft", "active": "active", "superseded": "closed", "closed": "closed"}


def read_version(conn: Connection, plan_id: str, version: int) -> Plan:
    head = conn.execute(sa.select(V).where(V.c.plan_id == plan_id, V.c.version == version)).mappings().first()
    if head is None:
        raise PlanNotFound(f"plan {plan_id!r} has no version {version}")
    kpis = []
    for r in conn.execute(sa.select(K).where(K.c.plan_id == plan_id, K.c.version == version).order_by(K.c.position)).mappings():
        scope = r["scope_type"] if not r["scope_id"] else f"{r['scope_type']}:{r['scope_id']}"
        kpis.append(Kpi(metric=r["metric"], scope=scope, dimension=r["dimension"], weight=r["weight"], base=r["base"],
                        challenge=r["challenge"], floor=r["floor"], owner=r["owner_id"], core=bool(r["core"]),
                        guardrail=bool(r["guardrail"]), penalty=r["penalty"], note=r["note"] or "",
                        extra=json.loads(r["extra_json"]) if r["extra_json"] else {}))
    okrs: list[Okr] = []
    rows = conn.execute(sa.select(OKR).where(OKR.c.plan_id == plan_id, OKR.c.version == version)
                        .order_by(OKR.c.okr_position, OKR.c.kr_position)).mappings().all()
    for pos in dict.fromkeys(r["okr_position"] for r in rows):
        mine = [r for r in rows if r["okr_position"] == pos]
        head_row = next(r for r in mine if r["kr_position"] == 0)
        krs = tuple(KeyResult(text=r["text"], score=r["score"], metric=r["metric"], scope=r["scope"] or "team",
                              target=r["target"], weight=r["weight"]) for r in mine if r["kr_position"] > 0)
        okrs.append(Okr(objective=head_row["text"], key_results=krs, owner=head_row["owner_id"]))
    return Plan(name=head["name"], period=head["period"], framework=head["framework"],
                quantitative_share=head["quantitative_share"], kpis=tuple(kpis), okrs=tuple(okrs),
                status=_VERSION_TO_PLAN_STATUS[head["status"]], plan_id=plan_id, version=version,
                subject=head["subject"], preset=head["preset"], industry=head["industry"], base_bonus=head["base_bonus"],
                prorate=head["prorate"], previous=head["previous_plan_id"], deliberate_change=bool(head["deliberate_change"]),
                acknowledged=tuple(json.loads(head["acknowledged_json"] or "[]")), note=head["note"] or "",
                extra=json.loads(head["extra_json"] or "{}"))


def existing_plan_row(conn: Connection, plan_id: str) -> sa.RowMapping:
    """The plan's row; :class:`PlanNotFound` (saying where the plans are listed) when there is none."""
    row = plan_row(conn, plan_id)
    if row is None:
        raise PlanNotFound(f"no plan {plan_id!r}; `python -m kpi_engine plan list` shows the plans")
    return row


def plan_row(conn: Connection, plan_id: str) -> sa.RowMapping | None:
    return conn.execute(sa.select(P).where(P.c.plan_id == plan_id)).mappings().first()


def load_plan(engine: Engine, plan_id: str, version: int | str | None = None) -> Plan:
    """A version of a plan: ``None``/"latest" (default), "active" (else the latest) or a number."""
    with engine.connect() as conn:
        row = existing_plan_row(conn, plan_id)
        if version in (None, "latest"):
            number = int(row["latest_version"])
        elif version == "active":
            number = int(row["active_version"] or row["latest_version"])
        else:
            number = int(version)
        return read_version(conn, plan_id, number)


def list_plans(engine: Engine) -> pd.DataFrame:
    """One row per plan, newest period first: id, name, period, framework, subject, status, versions, KPIs."""
    kpi_count = (sa.select(K.c.plan_id, K.c.version, sa.func.count().label("kpis")).group_by(K.c.plan_id, K.c.version)
                 .subquery())
    query = (sa.select(P.c.plan_id, P.c.name, P.c.period, P.c.framework, P.c.subject, P.c.status, P.c.latest_version,
                       P.c.active_version, sa.func.coalesce(kpi_count.c.kpis, 0).label("kpis"), P.c.updated_at)
             .select_from(P.outerjoin(kpi_count, sa.and_(kpi_count.c.plan_id == P.c.plan_id,
                                                        kpi_count.c.version == P.c.latest_version)))
             .order_by(P.c.period_start.desc(), P.c.plan_id))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = ["plan_id", "name", "period", "framework", "subject", "status", "latest_version", "active_version", "kpis",
               "updated_at"]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def active_plans(engine: Engine, day: dt.date) -> list[Plan]:
    """The active version of every plan whose period contains ``day`` (newest plan first); asked several times a
    page run, read once while nothing has been written (``store.while_unchanged``)."""
    from kpi_engine.store import while_unchanged  # local: kpi_engine.store imports the schema this module builds on

    return list(while_unchanged(engine, "active_plans", day, lambda: _active_plans(engine, day)))


def _active_plans(engine: Engine, day: dt.date) -> list[Plan]:
    from kpi_engine.store import while_unchanged  # local: kpi_engine.store imports the schema this module builds on

    # every active version read once a page run, whichever days are asked (a review asks for its first and last day)
    every = while_unchanged(engine, "every_active_plan", None, lambda: _every_active_plan(engine))
    return [plan for plan in every if plan.start <= day <= plan.end]


def _every_active_plan(engine: Engine) -> tuple[Plan, ...]:
    found = []
    for row in list_plans(engine).itertuples(index=False):  # a handful of plans, newest first
        if row.active_version is None or pd.isna(row.active_version):
            continue
        found.append(load_plan(engine, row.plan_id, "active"))
    return tuple(found)


def list_versions(engine: Engine, plan_id: str) -> pd.DataFrame:
    """Every version of a plan: version, status, name, saved and activated when and by whom."""
    query = (sa.select(V.c.version, V.c.status, V.c.name, V.c.period, V.c.saved_at, V.c.saved_by, V.c.activated_at,
                       V.c.activated_by).where(V.c.plan_id == plan_id).order_by(V.c.version))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows],
                        columns=["version", "status", "name", "period", "saved_at", "saved_by", "activated_at", "activated_by"])


def previous_plan(engine: Engine, plan: Plan) -> Plan | None:
    """The plan ``plan`` continues: ``plan.previous``, else the latest earlier plan of the same grain and subject."""
    if plan.previous:
        try:
            return load_plan(engine, plan.previous, "active")
        except PlanNotFound:
            return None
    query = (sa.select(P.c.plan_id).where(P.c.grain == plan.grain, P.c.subject == plan.subject,
                                           P.c.period_end < plan.start, P.c.plan_id != plan.plan_id)
             .order_by(P.c.period_start.desc(), (P.c.status == "draft").asc(), P.c.updated_at.desc()).limit(1))
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else load_plan(engine, found, "active")
