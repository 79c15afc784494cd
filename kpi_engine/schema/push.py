"""The 9:00 push and the data that arrives by itself (issue 13)."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.base import metadata

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

