"""Facts a user uploads (SPEC section 2), their undo twins, and the enumerations their columns allow."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.base import MONEY, key_text, metadata, required

CHANNEL_KINDS = ("paid", "organic", "social", "event", "email", "referral", "other")
REVIEWER_ROLES = ("manager", "peer", "subordinate", "self", "cross-department")
GRAINS = ("day", "week", "month", "quarter", "year")
SCOPE_TYPES = ("team", "person", "channel", "campaign")

people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String, primary_key=True, info={"required": True}),
    required("name", sa.String),
    sa.Column("role", sa.String),
    sa.Column("team", sa.String),
    sa.Column("manager_id", sa.String),
    sa.Column("email", sa.String),
    sa.Column("active", sa.Boolean),
    sa.Column("needs_review", sa.Boolean, info={"internal": True}),
)

channels = sa.Table(
    "channels",
    metadata,
    sa.Column("channel_id", sa.String, primary_key=True, info={"required": True}),
    required("name", sa.String),
    sa.Column("kind", sa.String, info={"choices": CHANNEL_KINDS}),
    sa.Column("owner_id", sa.String),
    sa.Column("needs_review", sa.Boolean, info={"internal": True}),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.String, primary_key=True, info={"required": True}),
    required("name", sa.String),
    required("channel_id", sa.String),
    sa.Column("owner_id", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("budget", MONEY, info={"min": 0}),
)

spend = sa.Table(
    "spend",
    metadata,
    sa.Column("date", sa.Date, primary_key=True, info={"required": True}),
    sa.Column("channel_id", sa.String, primary_key=True, info={"required": True}),
    key_text("campaign_id"),
    key_text("ad_id"),
    required("cost", MONEY, min=0),
    sa.Column("impressions", sa.Double, info={"min": 0}),
    sa.Column("clicks", sa.Double, info={"min": 0}),
    sa.Column("conversions", sa.Double, info={"min": 0}),
)

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("lead_id", sa.String, primary_key=True, info={"required": True}),
    required("created_at", sa.DateTime),
    required("channel_id", sa.String),
    sa.Column("campaign_id", sa.String),
    sa.Column("owner_id", sa.String),
    sa.Column("expected_value", MONEY, info={"min": 0}),
    sa.Column("mql_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("sql_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("won_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("lost_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("deal_value", MONEY, info={"min": 0}),
    sa.Column("first_response_at", sa.DateTime, info={"after": "created_at"}),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("customer_id", sa.String, primary_key=True, info={"required": True}),
    required("acquired_at", sa.DateTime),
    sa.Column("channel_id", sa.String),
    sa.Column("lead_id", sa.String),
    sa.Column("churned_at", sa.DateTime, info={"after": "acquired_at"}),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("order_id", sa.String, primary_key=True, info={"required": True}),
    required("customer_id", sa.String),
    required("order_date", sa.Date),
    required("amount", MONEY, min=0),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("response_id", sa.String, primary_key=True, info={"required": True}),
    required("date", sa.Date),
    required("score", sa.Double, min=0, max=10),
    sa.Column("channel_id", sa.String),
    sa.Column("customer_id", sa.String),
)

metric_values = sa.Table(
    "metric_values",
    metadata,
    sa.Column("metric_id", sa.String, primary_key=True, info={"required": True}),
    sa.Column("period_start", sa.Date, primary_key=True, info={"required": True}),
    sa.Column("grain", sa.String, primary_key=True, info={"required": True, "choices": GRAINS}),
    sa.Column("scope_type", sa.String, primary_key=True, nullable=False, server_default="team",
              info={"text_key": True, "default": "team", "choices": SCOPE_TYPES}),
    key_text("scope_id"),
    required("value", sa.Double),
    sa.Column("source", sa.String),
    sa.Column("note", sa.String),
)

feedback_360 = sa.Table(
    "feedback_360",
    metadata,
    sa.Column("period", sa.String, primary_key=True, info={"required": True}),
    sa.Column("person_id", sa.String, primary_key=True, info={"required": True}),
    sa.Column("reviewer_role", sa.String, primary_key=True, info={"required": True, "choices": REVIEWER_ROLES}),
    key_text("reviewer_id"),
    sa.Column("dimension", sa.String, primary_key=True, info={"required": True}),
    required("score", sa.Double, min=0, max=100),
)

# Multi-touch attribution (issue 16.4, kpi_engine.analytics.attribution): optional, one row per marketing touch
# of a lead (lead, channel, campaign, time). Empty, every lead counts as one touch on its own channel (first = last
# touch). Uploaded like any fact (Data page, ``ingest --table touches``): a re-upload updates by key, undo works;
# a store made before it was uploadable gets its ``inserted_by`` column from migration 0002 (kpi_engine.migrations).
touches = sa.Table(
    "touches",
    metadata,
    sa.Column("lead_id", sa.String, primary_key=True, info={"required": True}),
    sa.Column("touched_at", sa.DateTime, primary_key=True, info={"required": True}),
    sa.Column("channel_id", sa.String, primary_key=True, info={"required": True}),
    sa.Column("campaign_id", sa.String),
)

# Tables a user can upload into, in dependency order (dimensions first).
UPLOAD_TABLES: dict[str, sa.Table] = {
    t.name: t
    for t in (people, channels, campaigns, spend, leads, customers, orders, survey_responses, metric_values, feedback_360,
              touches)
}

# Which upload inserted a row (NULL for demo data and hand-made rows). Undo deletes an upload's rows by it, so
# a load of a million new rows writes no per-row undo record; rows an upload *changed* keep their prior version
# in ``<table>__undo``.
for _table in UPLOAD_TABLES.values():
    _table.append_column(sa.Column("inserted_by", sa.Integer, info={"internal": True}))


def _undo_table(table: sa.Table) -> sa.Table:
    """``<table>__undo``: upload_id, action ('insert' or 'update') and a nullable copy of every column."""
    cols: list[sa.Column] = [sa.Column("upload_id", sa.Integer, nullable=False), sa.Column("action", sa.String, nullable=False)]
    cols += [sa.Column(c.name, c.type, nullable=True) for c in table.columns]
    return sa.Table(f"{table.name}__undo", metadata, *cols)


UNDO_TABLES: dict[str, sa.Table] = {name: _undo_table(t) for name, t in UPLOAD_TABLES.items()}

# PostgreSQL reads a fact's rows by event date through these: the rows of a period (the settings-dependent lead
# metrics, customers, orders, surveys, attribution's leads) and the newest date (the Data page), without scanning
# a table of millions of rows. DuckDB gets none: it scans the date column faster than it would keep a B-tree up to
# date on every upload (ddl_if). Stores made before them get them from migration 0005.
EVENT_INDEXES: tuple[sa.Index, ...] = tuple(
    sa.Index(f"ix_{table}_{column}", UPLOAD_TABLES[table].c[column]).ddl_if(dialect="postgresql")
    for table, column in (("leads", "created_at"), ("leads", "won_at"), ("customers", "acquired_at"),
                          ("orders", "order_date"), ("survey_responses", "date"), ("touches", "touched_at"))
)
