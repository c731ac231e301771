"""Goal measurements (målinger) and the audit log's lookup index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from ungeindsats.steering.models import UTCDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "goal_measurements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "goal_id",
            sa.Integer,
            sa.ForeignKey("goals.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("period", sa.String(20), nullable=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("persons", sa.Integer, nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=False),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("goal_id", "date", name="uq_goal_measurements_goal_date"),
        sa.CheckConstraint("source IN ('indicator', 'manual')", name="ck_measurements_source"),
    )
    # The audit page of one intervention or goal looks its history up by entity and id.
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])
