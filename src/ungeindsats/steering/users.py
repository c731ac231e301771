"""Web users (brugere): roles and argon2 password hashes. Every change is audited.

The password itself is never stored, logged or copied into the audit log; only its argon2 hash
is kept (argon2-cffi's defaults, rehashed on login when the defaults change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import audit
from ungeindsats.steering.models import ROLES, User, WebSession, utcnow

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,100}")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so the answer takes as long either way."""
    return _hasher.hash("ingen-bruger-har-denne-adgangskode")


@dataclass(frozen=True)
class UserInfo:
    """A user as the rest of the program sees it (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.id, user.username, user.display_name, user.role, user.active, user.created_at
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"Ukendt rolle '{role}'; mulige roller: {', '.join(ROLES)}.")


def _find(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _get(session: Session, username: str) -> User:
    user = _find(session, username)
    if user is None:
        raise UserError(f"Brugeren '{username}' findes ikke.")
    return user


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    who: str,
    display_name: str | None = None,
) -> UserInfo:
    """Create a user; ``who`` is written in the audit log."""
    if not _USERNAME.fullmatch(username):
        raise UserError(
            f"Brugernavnet '{username}' er ugyldigt; brug bogstaver a-z, tal og . _ @ - "
            "(højst 100 tegn)."
        )
    _check_role(role)
    _check_password(password)
    if _find(session, username) is not None:
        raise UserError(f"Brugeren '{username}' findes allerede.")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, who, "create", "user", user.id, None, audit.snapshot(user))
    return _info(user)


def remove_user(session: Session, username: str, *, who: str) -> None:
    """Delete a user; their sessions go with them and their interventions lose the link."""
    user = _get(session, username)
    before = audit.snapshot(user)
    session.delete(user)
    session.flush()
    audit.record(session, who, "delete", "user", before["id"], before, None)


def set_password(session: Session, username: str, password: str, *, who: str) -> None:
    """Give a user a new password and end their sessions (the audit entry says that it
    changed, not what to)."""
    _check_password(password)
    user = _get(session, username)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    snap = audit.snapshot(user)
    audit.record(session, who, "password", "user", user.id, snap, snap)


def update_user(
    session: Session,
    username: str,
    *,
    who: str,
    role: str | None = None,
    display_name: str | None = None,
    active: bool | None = None,
) -> UserInfo:
    """Change a user's role, display name or whether they may log in."""
    user = _get(session, username)
    before = audit.snapshot(user)
    if role is not None:
        _check_role(role)
        user.role = role
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        user.active = active
    session.flush()
    audit.record(session, who, "update", "user", user.id, before, audit.snapshot(user))
    return _info(user)


def verify_password(session: Session, username: str, password: str) -> UserInfo | None:
    """The user if the password is right and the user is active; else None."""
    user = _find(session, username)
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return _info(user)


def get_user(session: Session, username: str) -> UserInfo | None:
    user = _find(session, username)
    return None if user is None else _info(user)


def get_user_by_id(session: Session, user_id: int) -> UserInfo | None:
    user = session.get(User, user_id)
    return None if user is None else _info(user)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]
