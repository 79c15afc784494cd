"""KPI plans (SPEC section 5): plans, their versions, KPIs and OKRs."""

from __future__ import annotations

import sqlalchemy as sa

from kpi_engine.schema.base import MONEY, metadata

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
    sa.Column("base_bonus", MONEY),
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

