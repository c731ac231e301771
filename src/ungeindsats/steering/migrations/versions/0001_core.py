"""Core tables: web users and sessions, login attempts, audit log, interventions, status
evaluations and goals.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from ungeindsats.steering.models import UTCDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'analyst', 'editor', 'viewer')", name="ck_users_role"
        ),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("csrf_token", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(50), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("track", sa.Integer, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("target_group", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column(
            "owner_user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(50), nullable=False),
        sa.Column("budget", sa.Float, nullable=True),
        sa.Column("business_case_id", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("track IN (1, 2)", name="ck_interventions_track"),
    )
    op.create_index("ix_interventions_owner_user_id", "interventions", ["owner_user_id"])
    op.create_table(
        "status_evaluations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "intervention_id",
            sa.Integer,
            sa.ForeignKey("interventions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("target_group", sa.Text, nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("results", sa.Text, nullable=False),
        sa.Column("traffic_light", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("traffic_light IN ('grøn', 'gul', 'rød')", name="ck_evaluations_light"),
    )
    op.create_index(
        "ix_status_evaluations_intervention_id", "status_evaluations", ["intervention_id"]
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "intervention_id",
            sa.Integer,
            sa.ForeignKey("interventions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("unit", sa.String(50), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("baseline_value", sa.Float, nullable=False),
        sa.Column("baseline_date", sa.Date, nullable=False),
        sa.Column("target_value", sa.Float, nullable=True),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.Column("indicator", sa.String(100), nullable=True),
        sa.Column("indicator_query", sa.JSON, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('population', 'performance')", name="ck_goals_kind"),
        sa.CheckConstraint("direction IN ('down', 'up')", name="ck_goals_direction"),
    )
    op.create_index("ix_goals_intervention_id", "goals", ["intervention_id"])
