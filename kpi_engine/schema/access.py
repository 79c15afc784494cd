"""Sign-in, roles and audit (issue 12, kpi_engine.access)."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.base import metadata

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

