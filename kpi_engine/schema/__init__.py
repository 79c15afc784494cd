"""The database schema, declared once with SQLAlchemy Core, one module per area.

- :mod:`~kpi_engine.schema.base`: the one ``metadata``, the money type (DECIMAL), column helpers;
- :mod:`~kpi_engine.schema.facts`: the tables a user uploads (SPEC section 2) and their ``<table>__undo`` twins;
- :mod:`~kpi_engine.schema.product`: schema metadata, upload history, mappings, settings, targets, custom metrics,
  review notes;
- :mod:`~kpi_engine.schema.plans`: KPI plans, versions, KPIs, OKRs;
- :mod:`~kpi_engine.schema.push`: the 9:00 push, alerts, ingest tokens and the inbox;
- :mod:`~kpi_engine.schema.access`: users and the audit log.

Everything is re-exported here (``schema.leads``, ``schema.UPLOAD_TABLES``). How a store reaches this shape
(numbered migrations, and how a new table is added) is :mod:`kpi_engine.migrations`.

Fact tables carry ingest metadata in ``Column.info``:

- ``required``: the column must have a value in every row of a new record;
- ``choices``: allowed values for enumerations (checked case-insensitively);
- ``min``/``max``: numeric bounds;
- ``text_key``: the column is part of the key and stores ``""`` for "none"
  (key columns can't be NULL, e.g. spend rows without a campaign or ad).

Each uploadable table has a twin ``<table>__undo`` that keeps, per upload, the full prior version of every row
it replaced, so that any upload can be undone exactly.
"""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.access import USER_ROLES, audit_log, users
from kpi_engine.schema.base import MONEY, MONEY_SUM, Money, MoneySum, metadata, numeric_type
from kpi_engine.schema.facts import (
    CHANNEL_KINDS,
    GRAINS,
    REVIEWER_ROLES,
    SCOPE_TYPES,
    UNDO_TABLES,
    UPLOAD_TABLES,
    campaigns,
    channels,
    customers,
    feedback_360,
    leads,
    metric_values,
    orders,
    people,
    spend,
    survey_responses,
    touches,
)
from kpi_engine.schema.plans import PLAN_STATUSES, PLAN_VERSION_STATUSES, plan_kpis, plan_okrs, plan_versions, plans
from kpi_engine.schema.product import (
    REVIEW_NOTE_STATUSES,
    custom_metrics,
    review_notes,
    saved_mappings,
    schema_meta,
    schema_version,
    settings,
    settings_history,
    targets,
    uploads,
)
from kpi_engine.schema.push import (
    alert_events,
    alert_mutes,
    alert_rules,
    inbox_files,
    ingest_tokens,
    push_destinations,
    push_log,
    push_sends,
)

__all__ = [
    "CHANNEL_KINDS", "GRAINS", "MONEY", "MONEY_SUM", "Money", "MoneySum", "PLAN_STATUSES", "PLAN_VERSION_STATUSES", "REVIEWER_ROLES",
    "REVIEW_NOTE_STATUSES", "SCOPE_TYPES", "UNDO_TABLES", "UPLOAD_TABLES", "USER_ROLES", "alert_events",
    "alert_mutes", "alert_rules", "audit_log", "campaigns", "channels", "column_kind", "custom_metrics", "customers",
    "feedback_360", "inbox_files", "ingest_tokens", "key_columns", "leads", "metadata", "metric_values", "numeric_type", "orders",
    "people", "plan_kpis", "plan_okrs", "plan_versions", "plans", "push_destinations", "push_log", "push_sends",
    "required_columns", "review_notes", "saved_mappings", "schema_meta", "schema_version", "settings", "settings_history", "spend",
    "survey_responses", "targets", "touches", "uploads", "user_columns", "users",
]


def key_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def required_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if c.info.get("required")]


def user_columns(table: sa.Table) -> list[str]:
    """Columns a file may carry (everything but internal bookkeeping)."""
    return [c.name for c in table.columns if not c.info.get("internal")]


def column_kind(col: sa.Column) -> str:
    """'text', 'datetime', 'date', 'number' or 'bool' for ingest parsing."""
    t = numeric_type(col.type)
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, (sa.Double, sa.Integer, sa.Numeric)):
        return "number"
    if isinstance(t, sa.Boolean):
        return "bool"
    return "text"
