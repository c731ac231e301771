"""Server-side web sessions and login attempts (for the dashboard's login and rate limiting).

The browser holds a random token; the database holds only its SHA-256, so reading the table
does not let anyone log in. Each session has its own CSRF token for forms.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ungeindsats.steering.models import LoginAttempt, User, WebSession, utcnow
from ungeindsats.steering.users import UserInfo, _info

DEFAULT_LIFETIME = timedelta(hours=8)
DEFAULT_WINDOW = timedelta(minutes=15)


def token_id(token: str) -> str:
    """The stored id of a session token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    """A session just created: ``token`` goes in the cookie and is not stored anywhere."""

    token: str
    csrf_token: str
    expires_at: datetime
    user: UserInfo


@dataclass(frozen=True)
class SessionInfo:
    """A live session and its user."""

    user: UserInfo
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    last_seen: datetime


def create_session(
    session: Session,
    user_id: int,
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> NewSession:
    """Start a session for the user (after a successful ``verify_password``)."""
    user = session.get(User, user_id)
    if user is None:
        raise ValueError(f"no user with id {user_id}")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=token_id(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        last_seen=now,
    )
    session.add(row)
    session.flush()
    return NewSession(token, row.csrf_token, row.expires_at, _info(user))


def lookup_session(
    session: Session, token: str, *, now: datetime | None = None
) -> SessionInfo | None:
    """The live session behind a cookie token, or None (unknown, expired or user inactive).
    An expired session is deleted; a live one has ``last_seen`` moved to now."""
    now = now or utcnow()
    row = session.get(WebSession, token_id(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if row.expires_at <= now or user is None or not user.active:
        session.delete(row)
        return None
    row.last_seen = now
    return SessionInfo(_info(user), row.csrf_token, row.created_at, row.expires_at, now)


def delete_session(session: Session, token: str) -> bool:
    """Log out: remove the session. True if there was one."""
    result = session.execute(delete(WebSession).where(WebSession.id == token_id(token)))
    return bool(getattr(result, "rowcount", 0))


def delete_user_sessions(session: Session, user_id: int) -> int:
    """Log a user out everywhere (e.g. after a password change)."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0))


def purge_expired_sessions(session: Session, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0))


def record_login_attempt(
    session: Session, username: str, ip: str, ok: bool, *, at: datetime | None = None
) -> None:
    """Note one login attempt (right or wrong password) for rate limiting."""
    session.add(LoginAttempt(username=username[:100], ip=ip[:64], at=at or utcnow(), ok=ok))
    session.flush()


def recent_failures(
    session: Session,
    *,
    username: str | None = None,
    ip: str | None = None,
    window: timedelta = DEFAULT_WINDOW,
    now: datetime | None = None,
) -> int:
    """Failed attempts within ``window`` before ``now`` for the username and/or the address."""
    now = now or utcnow()
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ok.is_(False), LoginAttempt.at > now - window, LoginAttempt.at <= now)
    )
    if username is not None:
        query = query.where(LoginAttempt.username == username)
    if ip is not None:
        query = query.where(LoginAttempt.ip == ip)
    return int(session.scalar(query) or 0)
