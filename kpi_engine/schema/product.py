"""The product's own tables: schema metadata, upload history, saved mappings, settings, targets, custom
metrics and review notes."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.base import metadata

# A store's own metrics (issue 16.5, kpi_engine.metrics.custom): a formula over registry metrics, saved with its
# names, unit and direction; compiled like a derived metric.
custom_metrics = sa.Table(
    "custom_metrics",
    metadata,
    sa.Column("metric_id", sa.String, primary_key=True),
    sa.Column("name_en", sa.String, nullable=False),
    sa.Column("name_zh", sa.String, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("unit", sa.String, nullable=False),
    sa.Column("direction", sa.String, nullable=False),
    sa.Column("description_en", sa.Text),
    sa.Column("description_zh", sa.Text),
    sa.Column("created_by", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)


# The migrations a store has had (kpi_engine.migrations): one row per step, written in the step's transaction.
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
    info={"bookkeeping": True},
)

schema_meta = sa.Table(
    "schema_meta",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("upload_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("inserted", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False, server_default="0"),
    sa.Column("on_error", sa.String, nullable=False),
    sa.Column("mapping_json", sa.Text),
    sa.Column("uploaded_by", sa.String),
    sa.Column("uploaded_at", sa.DateTime, nullable=False),
    sa.Column("undone_at", sa.DateTime),
    sa.Column("undone_by", sa.String),
)

saved_mappings = sa.Table(
    "saved_mappings",
    metadata,
    sa.Column("signature", sa.String, primary_key=True),  # hash of the normalised header set
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("name", sa.String),
    sa.Column("mapping_json", sa.Text, nullable=False),  # {canonical: source header}
    sa.Column("constants_json", sa.Text),  # {canonical: value}
    sa.Column("saved_at", sa.DateTime, nullable=False),
)


# Business settings (kpi_engine.settings_store): one row per key whose value differs from its default
# (value as JSON text), and every change ever made (append-only).
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String),
)

settings_history = sa.Table(
    "settings_history",
    metadata,
    sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("old", sa.Text, nullable=False),  # JSON: the value in force before (the default if none was stored)
    sa.Column("new", sa.Text, nullable=False),  # JSON: the value in force after (a reset: the default)
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.String),
)


targets = sa.Table(
    "targets",
    metadata,
    sa.Column("metric_id", sa.String, primary_key=True),
    sa.Column("scope_type", sa.String, primary_key=True),  # team | channel | person | campaign
    sa.Column("scope_id", sa.String, primary_key=True, server_default=""),  # "" for the whole team
    sa.Column("period_start", sa.Date, primary_key=True),  # first day of the month
    sa.Column("base", sa.Double, nullable=False),
    sa.Column("challenge", sa.Double),
    sa.Column("floor", sa.Double),  # as achievement, e.g. 0.5
    sa.Column("source", sa.String),  # "demo", "plan:<id>", "manual"
    sa.Column("note", sa.Text),
)


# --- Reviews (issue 5): notes and actions of the weekly and monthly reviews. Not an upload table:
# uploads and undo never touch it.
REVIEW_NOTE_STATUSES = ("open", "done", "dropped")

review_notes = sa.Table(
    "review_notes",
    metadata,
    sa.Column("note_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("period", sa.String, nullable=False),  # a period label: 2026-W44, 2026-10
    sa.Column("grain", sa.String, nullable=False),  # week | month | quarter ...
    sa.Column("metric_id", sa.String),  # NULL: a note about the scope as a whole
    sa.Column("scope_type", sa.String, nullable=False, server_default="team"),
    sa.Column("scope_id", sa.String, nullable=False, server_default=""),
    sa.Column("cause", sa.Text),
    sa.Column("action", sa.Text),
    sa.Column("owner_id", sa.String),
    sa.Column("due_date", sa.Date),
    sa.Column("status", sa.String, nullable=False, server_default="open"),  # open | done | dropped
    sa.Column("created_by", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

