"""The steering database's tables as SQLAlchemy models (handleplan, mål, statusevalueringer).

The schema itself is created by the Alembic migrations in ``migrations/``; a test checks that
these models and the migrated schema agree. Times are stored as naive UTC (SQLite has no time
zones) and come back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("admin", "analyst", "editor", "viewer")
TRAFFIC_LIGHTS = ("grøn", "gul", "rød")
GOAL_KINDS = ("population", "performance")
DIRECTIONS = ("down", "up")
MEASUREMENT_SOURCES = ("indicator", "manual")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned as aware UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    """A web user (bruger) with one role."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="ck_users_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebSession(Base):
    """A logged-in browser; ``id`` is the SHA-256 of the token, so a stolen database row
    cannot be replayed as a cookie."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """One login attempt, kept for rate limiting."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)


class AuditEntry(Base):
    """One change: who, when, what, and the row before and after (revisionsspor)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Intervention(Base):
    """An intervention (indsats/tiltag) of the action plan."""

    __tablename__ = "interventions"
    __table_args__ = (CheckConstraint("track IN (1, 2)", name="ck_interventions_track"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    track: Mapped[int] = mapped_column(Integer)  # spor 1 quick wins, spor 2 long-term
    purpose: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(50), default="")
    budget: Mapped[float | None] = mapped_column(Float, nullable=True)
    business_case_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    evaluations: Mapped[list[StatusEvaluation]] = relationship(
        back_populates="intervention",
        cascade="all, delete-orphan",
        order_by="StatusEvaluation.date",
    )
    goals: Mapped[list[Goal]] = relationship(back_populates="intervention")


class StatusEvaluation(Base):
    """A status evaluation (statusevaluering) of one intervention at a date."""

    __tablename__ = "status_evaluations"
    __table_args__ = (
        CheckConstraint(f"traffic_light IN {TRAFFIC_LIGHTS!r}", name="ck_evaluations_light"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # hvad går indsatsen ud på
    target_group: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")  # hvor langt er vi
    results: Mapped[str] = mapped_column(Text, default="")
    traffic_light: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    intervention: Mapped[Intervention] = relationship(back_populates="evaluations")


class Goal(Base):
    """A goal (effektmål, måltal): a population indicator or an intervention's performance
    measure, measured from an indicator (``indicator`` + ``indicator_query``) or by hand."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint(f"kind IN {GOAL_KINDS!r}", name="ck_goals_kind"),
        CheckConstraint(f"direction IN {DIRECTIONS!r}", name="ck_goals_direction"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    unit: Mapped[str] = mapped_column(String(50), default="")
    direction: Mapped[str] = mapped_column(String(10))
    baseline_value: Mapped[float] = mapped_column(Float)
    baseline_date: Mapped[date] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    indicator: Mapped[str | None] = mapped_column(String(100), nullable=True)
    indicator_query: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    intervention: Mapped[Intervention | None] = relationship(back_populates="goals")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="Measurement.date"
    )


class Measurement(Base):
    """One value of a goal at a date (måling): from the indicator engine or entered by hand.
    Added in migration 0002."""

    __tablename__ = "goal_measurements"
    __table_args__ = (
        UniqueConstraint("goal_id", "date", name="uq_goal_measurements_goal_date"),
        CheckConstraint(f"source IN {MEASUREMENT_SOURCES!r}", name="ck_measurements_source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(20), nullable=True)
    value: Mapped[float] = mapped_column(Float)
    persons: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    goal: Mapped[Goal] = relationship(back_populates="measurements")
