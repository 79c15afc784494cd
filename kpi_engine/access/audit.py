"""The audit log: who did what, when, with the value before and after. Append-only.

Every sign-in (and failed attempt), upload, undo, plan activation, settings change, user change,
score-affecting change, alert rule change, alert acknowledgement and mute is recorded by :func:`record`, inside
the same transaction as the change itself, so a change and its audit row land together or not at all. Nothing here
updates or deletes a row; on PostgreSQL a trigger refuses UPDATE and DELETE on the table as well (:func:`protect`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kpi_engine import clock, schema
from kpi_engine.access.principal import current, require

if TYPE_CHECKING:
    import pandas as pd

ACTIONS: tuple[str, ...] = ("sign_in", "sign_in_failed", "sign_out", "upload", "undo", "plan_save", "plan_activate",
                            "settings_change", "user_add", "user_change", "score_override", "denied",
                            "metric_save", "metric_delete", "alert_rule_save", "alert_rule_remove", "alert_ack",
                            "alert_mute", "alert_unmute")
COLUMNS: tuple[str, ...] = ("event_id", "occurred_at", "actor", "action", "target", "before", "after", "detail")


def _json(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(conn: Connection, action: str, *, target: str = "", before: object = None, after: object = None,
           detail: str = "", actor: str | None = None) -> int:
    """Append one event (inside the caller's transaction); returns its id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of: {', '.join(ACTIONS)}")
    a = schema.audit_log
    event_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(a.c.event_id), 0))).scalar() or 0) + 1
    conn.execute(a.insert().values(event_id=event_id, occurred_at=clock.stamp(conn),
                                   actor=actor or current().username, action=action, target=target or None,
                                   before_json=_json(before), after_json=_json(after), detail=detail or None))
    return event_id


def record_now(engine: Engine, action: str, **kwargs: object) -> int:
    """:func:`record` in a transaction of its own (events that change nothing else: a sign-in, a denial)."""
    with engine.begin() as conn:
        return record(conn, action, **kwargs)  # type: ignore[arg-type]


def list_events(engine: Engine, *, since: dt.date | None = None, until: dt.date | None = None,
                actor: str | None = None, action: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first, for admins (others get :class:`~kpi_engine.access.principal.NotAllowed`)."""
    import pandas as pd  # here, not at the top: every store user imports this module (a cron upload need not)

    require("audit")
    a = schema.audit_log
    query = sa.select(a.c.event_id, a.c.occurred_at, a.c.actor, a.c.action, a.c.target, a.c.before_json,
                      a.c.after_json, a.c.detail).order_by(a.c.event_id.desc())
    if since is not None:
        query = query.where(a.c.occurred_at >= dt.datetime.combine(since, dt.time()))
    if until is not None:
        query = query.where(a.c.occurred_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    if actor:
        query = query.where(a.c.actor == actor)
    if action:
        query = query.where(a.c.action == action)
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS))


_PG_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""


def protect(conn: Connection) -> None:
    """On PostgreSQL, make the table refuse UPDATE and DELETE (called when the schema is created)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_TRIGGER)
