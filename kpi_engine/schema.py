"""The database schema, declared once with SQLAlchemy Core.

Fact tables follow SPEC section 2. Ingest metadata sits in ``Column.info``:

- ``required``: the column must have a value in every row of a new record;
- ``choices``: allowed values for enumerations (checked case-insensitively);
- ``min``/``max``: numeric bounds;
- ``text_key``: the column is part of the key and stores ``""`` for "none"
  (key columns can't be NULL, e.g. spend rows without a campaign or ad).

Each uploadable table has a twin ``<table>__undo`` that keeps, per upload, the
keys it inserted and the full prior version of every row it replaced, so that
any upload can be undone exactly.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 2  # 2: settings, settings_history (new tables: created by create_all, no migration)

metadata = sa.MetaData()


def _req(*args: object, **info: object) -> sa.Column:
    info = {"required": True, **info}
    return sa.Column(*args, nullable=False, info=info)  # type: ignore[call-overload]


def _key_text(name: str) -> sa.Column:
    """A key column where ``""`` means "none" (part of a composite primary key)."""
    return sa.Column(name, sa.String, primary_key=True, nullable=False, server_default="", info={"text_key": True})


CHANNEL_KINDS = ("paid", "organic", "social", "event", "email", "referral", "other")
REVIEWER_ROLES = ("manager", "peer", "subordinate", "self", "cross-department")
GRAINS = ("day", "week", "month", "quarter", "year")
SCOPE_TYPES = ("team", "person", "channel", "campaign")

people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String, primary_key=True, info={"required": True}),
    _req("name", sa.String),
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
    _req("name", sa.String),
    sa.Column("kind", sa.String, info={"choices": CHANNEL_KINDS}),
    sa.Column("owner_id", sa.String),
    sa.Column("needs_review", sa.Boolean, info={"internal": True}),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.String, primary_key=True, info={"required": True}),
    _req("name", sa.String),
    _req("channel_id", sa.String),
    sa.Column("owner_id", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("budget", sa.Double, info={"min": 0}),
)

spend = sa.Table(
    "spend",
    metadata,
    sa.Column("date", sa.Date, primary_key=True, info={"required": True}),
    sa.Column("channel_id", sa.String, primary_key=True, info={"required": True}),
    _key_text("campaign_id"),
    _key_text("ad_id"),
    _req("cost", sa.Double, min=0),
    sa.Column("impressions", sa.Double, info={"min": 0}),
    sa.Column("clicks", sa.Double, info={"min": 0}),
    sa.Column("conversions", sa.Double, info={"min": 0}),
)

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("lead_id", sa.String, primary_key=True, info={"required": True}),
    _req("created_at", sa.DateTime),
    _req("channel_id", sa.String),
    sa.Column("campaign_id", sa.String),
    sa.Column("owner_id", sa.String),
    sa.Column("expected_value", sa.Double, info={"min": 0}),
    sa.Column("mql_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("sql_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("won_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("lost_at", sa.DateTime, info={"after": "created_at"}),
    sa.Column("deal_value", sa.Double, info={"min": 0}),
    sa.Column("first_response_at", sa.DateTime, info={"after": "created_at"}),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("customer_id", sa.String, primary_key=True, info={"required": True}),
    _req("acquired_at", sa.DateTime),
    sa.Column("channel_id", sa.String),
    sa.Column("lead_id", sa.String),
    sa.Column("churned_at", sa.DateTime, info={"after": "acquired_at"}),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("order_id", sa.String, primary_key=True, info={"required": True}),
    _req("customer_id", sa.String),
    _req("order_date", sa.Date),
    _req("amount", sa.Double, min=0),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("response_id", sa.String, primary_key=True, info={"required": True}),
    _req("date", sa.Date),
    _req("score", sa.Double, min=0, max=10),
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
    _key_text("scope_id"),
    _req("value", sa.Double),
    sa.Column("source", sa.String),
    sa.Column("note", sa.String),
)

feedback_360 = sa.Table(
    "feedback_360",
    metadata,
    sa.Column("period", sa.String, primary_key=True, info={"required": True}),
    sa.Column("person_id", sa.String, primary_key=True, info={"required": True}),
    sa.Column("reviewer_role", sa.String, primary_key=True, info={"required": True, "choices": REVIEWER_ROLES}),
    _key_text("reviewer_id"),
    sa.Column("dimension", sa.String, primary_key=True, info={"required": True}),
    _req("score", sa.Double, min=0, max=100),
)

# Tables a user can upload into, in dependency order (dimensions first).
UPLOAD_TABLES: dict[str, sa.Table] = {
    t.name: t
    for t in (people, channels, campaigns, spend, leads, customers, orders, survey_responses, metric_values, feedback_360)
}

# Which upload inserted a row (NULL for demo data and hand-made rows). Undo deletes an upload's rows by it, so
# a load of a million new rows writes no per-row undo record; rows an upload *changed* keep their prior version
# in ``<table>__undo``.
for _table in UPLOAD_TABLES.values():
    _table.append_column(sa.Column("inserted_by", sa.Integer, info={"internal": True}))

# Multi-touch attribution (issue 16.4, kpi_engine.analytics.attribution): optional, one row per marketing touch
# of a lead before it converted. Empty, every lead counts as one touch on its own channel (first = last touch).
# A new table only: create_all makes it, no migration (as for the tables added since schema version 2).
touches = sa.Table(
    "touches",
    metadata,
    sa.Column("lead_id", sa.String, primary_key=True),
    sa.Column("touched_at", sa.DateTime, primary_key=True),
    sa.Column("channel_id", sa.String, primary_key=True),
    sa.Column("campaign_id", sa.String),
)

# A store's own metrics (issue 16.5, kpi_engine.metrics.custom): a formula over registry metrics, saved with its
# names, unit and direction; compiled like a derived metric. A new table only: create_all makes it, no migration.
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

# --- The product's own tables -------------------------------------------------

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


def _undo_table(table: sa.Table) -> sa.Table:
    """``<table>__undo``: upload_id, action ('insert' or 'update') and a nullable copy of every column."""
    cols = [sa.Column("upload_id", sa.Integer, nullable=False), sa.Column("action", sa.String, nullable=False)]
    cols += [sa.Column(c.name, c.type, nullable=True) for c in table.columns]
    return sa.Table(f"{table.name}__undo", metadata, *cols)


UNDO_TABLES: dict[str, sa.Table] = {name: _undo_table(t) for name, t in UPLOAD_TABLES.items()}


def key_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def required_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if c.info.get("required")]


def user_columns(table: sa.Table) -> list[str]:
    """Columns a file may carry (everything but internal bookkeeping)."""
    return [c.name for c in table.columns if not c.info.get("internal")]


def column_kind(col: sa.Column) -> str:
    """'text', 'datetime', 'date', 'number' or 'bool' for ingest parsing."""
    t = col.type
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, (sa.Double, sa.Integer, sa.Numeric)):
        return "number"
    if isinstance(t, sa.Boolean):
        return "bool"
    return "text"


# --- KPI plans (SPEC section 5) -------------------------------------------------------
#
# A plan has versions: every saved change of an activated plan is a new version, and the
# version a score used is kept. ``plans`` holds one row per plan (what lists show: its latest
# name and period, status, latest and active version); ``plan_versions`` the header of every
# version, ``plan_kpis`` and ``plan_okrs`` their KPIs and OKRs. Text keys store "" for "none".

PLAN_STATUSES = ("draft", "active", "closed")
PLAN_VERSION_STATUSES = ("draft", "active", "superseded", "closed")

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("plan_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("period", sa.String, nullable=False),  # label: 2026-10, 2026-Q4, 2026
    sa.Column("grain", sa.String, nullable=False),  # month | quarter | year
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("framework", sa.String, nullable=False),
    sa.Column("subject", sa.String, nullable=False, server_default=""),  # person appraised, "" for a team plan
    sa.Column("status", sa.String, nullable=False),  # PLAN_STATUSES
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Column("active_version", sa.Integer),  # the version scores use; NULL until activated
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

plan_versions = sa.Table(
    "plan_versions",
    metadata,
    sa.Column("plan_id", sa.String, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("status", sa.String, nullable=False),  # PLAN_VERSION_STATUSES
    sa.Column("name", sa.String, nullable=False),
    sa.Column("period", sa.String, nullable=False),
    sa.Column("framework", sa.String, nullable=False),
    sa.Column("quantitative_share", sa.Double, nullable=False),
    sa.Column("subject", sa.String, nullable=False, server_default=""),
    sa.Column("preset", sa.String, nullable=False, server_default=""),
    sa.Column("industry", sa.String, nullable=False, server_default=""),
    sa.Column("base_bonus", sa.Double),
    sa.Column("prorate", sa.String, nullable=False, server_default="calendar"),
    sa.Column("previous_plan_id", sa.String, nullable=False, server_default=""),
    sa.Column("deliberate_change", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("note", sa.Text),
    sa.Column("acknowledged_json", sa.Text),  # keys of the warnings acknowledged for this version
    sa.Column("extra_json", sa.Text),  # more keys from a plan file, kept for the round trip
    sa.Column("saved_at", sa.DateTime, nullable=False),
    sa.Column("saved_by", sa.String),
    sa.Column("activated_at", sa.DateTime),
    sa.Column("activated_by", sa.String),
)

plan_kpis = sa.Table(
    "plan_kpis",
    metadata,
    sa.Column("plan_id", sa.String, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("metric", sa.String, nullable=False),  # registry id, growth:ID or yoy:ID
    sa.Column("scope_type", sa.String, nullable=False),  # team | person | channel | campaign
    sa.Column("scope_id", sa.String, nullable=False, server_default=""),
    sa.Column("dimension", sa.String, nullable=False),
    sa.Column("weight", sa.Double, nullable=False),
    sa.Column("base", sa.Double),
    sa.Column("challenge", sa.Double),
    sa.Column("floor", sa.Double),  # as achievement; NULL: the setting score_floor
    sa.Column("owner_id", sa.String, nullable=False, server_default=""),
    sa.Column("core", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("guardrail", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("penalty", sa.Double, nullable=False, server_default="0"),
    sa.Column("note", sa.Text),
    sa.Column("extra_json", sa.Text),
)

plan_okrs = sa.Table(
    "plan_okrs",
    metadata,
    sa.Column("plan_id", sa.String, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("okr_position", sa.Integer, primary_key=True),
    sa.Column("kr_position", sa.Integer, primary_key=True),  # 0: the objective itself, 1..n: its key results
    sa.Column("text", sa.Text, nullable=False),  # the objective, or the key result
    sa.Column("owner_id", sa.String, nullable=False, server_default=""),
    sa.Column("metric", sa.String, nullable=False, server_default=""),  # a key result measured by a metric
    sa.Column("scope", sa.String, nullable=False, server_default=""),
    sa.Column("target", sa.Double),
    sa.Column("score", sa.Double),  # 0..1.0, reported by hand when not measured
    sa.Column("weight", sa.Double),
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


# --- The 9:00 push (issue 13, kpi_engine.push): where messages go, every send (the idempotency key is claimed
# before the send and closed after it, so a restart never sends twice), each attempt, the alert rules a manager
# sets, the alerts they raised (deduplicated by rule + scope + day) and mutes. Secrets are never shown or logged.
push_destinations = sa.Table(
    "push_destinations",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),  # feishu | wecom | dingtalk | email
    sa.Column("target", sa.Text, nullable=False),  # the webhook URL, or the email recipients (comma separated)
    sa.Column("secret", sa.Text),  # signing secret (Feishu, DingTalk) or SMTP password
    sa.Column("lang", sa.String, nullable=False, server_default="zh"),
    sa.Column("kinds", sa.String, nullable=False),  # what it receives: standup,weekly,monthly,alerts,inbox
    sa.Column("options_json", sa.Text),  # email: SMTP host, port, user, sender; Feishu: app id for images
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

push_sends = sa.Table(
    "push_sends",
    metadata,
    sa.Column("send_key", sa.String, primary_key=True),  # kind|period|destination
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("period", sa.String, nullable=False),
    sa.Column("destination", sa.String, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("status", sa.String, nullable=False),  # sending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),  # the last error, secrets removed
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
)

push_log = sa.Table(
    "push_log",
    metadata,
    sa.Column("log_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("send_key", sa.String, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("detail", sa.Text),  # what the platform answered, or why it failed (secrets removed)
    sa.Column("occurred_at", sa.DateTime, nullable=False),
)

alert_rules = sa.Table(
    "alert_rules",
    metadata,
    sa.Column("rule_id", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),  # behind_pace | over_budget | leads_zero | rate_drop | standup
    sa.Column("metric", sa.String, nullable=False, server_default=""),
    sa.Column("scope_type", sa.String, nullable=False, server_default="team"),  # team | channel
    sa.Column("threshold", sa.Double),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String),
)

alert_events = sa.Table(
    "alert_events",
    metadata,
    sa.Column("alert_key", sa.String, primary_key=True),  # rule|scope_type:scope_id|day
    sa.Column("rule_id", sa.String, nullable=False),
    sa.Column("scope_type", sa.String, nullable=False),
    sa.Column("scope_id", sa.String, nullable=False, server_default=""),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("value", sa.Double),
    sa.Column("text_en", sa.Text, nullable=False),
    sa.Column("text_zh", sa.Text, nullable=False),
    sa.Column("status", sa.String, nullable=False),  # open | sent | muted | acknowledged
    sa.Column("raised_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime),
    sa.Column("acknowledged_at", sa.DateTime),
    sa.Column("acknowledged_by", sa.String),
)

alert_mutes = sa.Table(
    "alert_mutes",
    metadata,
    sa.Column("rule_id", sa.String, primary_key=True),
    sa.Column("scope", sa.String, primary_key=True, server_default=""),  # scope_type:scope_id, "" = every scope
    sa.Column("until", sa.Date, nullable=False),  # muted through this day
    sa.Column("muted_by", sa.String),
    sa.Column("muted_at", sa.DateTime, nullable=False),
)


# --- Data that arrives by itself (issue 13, kpi_engine.arrivals): HTTP ingest tokens, stored hashed (sha256 of
# a random 32-byte token; the plaintext is shown once and never stored), and the files the inbox has processed.
ingest_tokens = sa.Table(
    "ingest_tokens",
    metadata,
    sa.Column("name", sa.String, primary_key=True),  # the source, recorded as the uploader
    sa.Column("token_sha256", sa.String, nullable=False),
    sa.Column("table_name", sa.String),  # NULL: any upload table
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String),
    sa.Column("last_used_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
)

inbox_files = sa.Table(
    "inbox_files",
    metadata,
    sa.Column("record_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("outcome", sa.String, nullable=False),  # loaded | failed | duplicate
    sa.Column("table_name", sa.String),
    sa.Column("upload_id", sa.Integer),  # the upload it made (loaded) or matched (duplicate)
    sa.Column("moved_to", sa.String),
    sa.Column("detail", sa.Text),  # the message sent, one line per entry
    sa.Column("processed_at", sa.DateTime, nullable=False),
)


# --- Sign-in, roles and audit (issue 12, kpi_engine.access) ----------------------------
USER_ROLES = ("admin", "manager", "member", "viewer")

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String, primary_key=True),  # lower case; an e-mail address for single sign-on users
    sa.Column("name", sa.String, nullable=False),
    sa.Column("email", sa.String),  # matched against the identity provider's e-mail claim
    sa.Column("role", sa.String, nullable=False),  # USER_ROLES
    sa.Column("person_id", sa.String),  # the people row this account is (members and managers)
    sa.Column("password_hash", sa.String),  # argon2id; NULL: single sign-on only
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime),  # repeated failures slow sign-in down until then
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime),
)

# Append-only: kpi_engine.access.audit only ever inserts (PostgreSQL also refuses UPDATE and DELETE by trigger).
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("action", sa.String, nullable=False),  # kpi_engine.access.audit.ACTIONS
    sa.Column("target", sa.String),
    sa.Column("before_json", sa.Text),
    sa.Column("after_json", sa.Text),
    sa.Column("detail", sa.Text),
)
