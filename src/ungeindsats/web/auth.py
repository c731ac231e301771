"""Who is asking, and may they: sessions, roles and rate-limited login.

Users, password hashes (argon2id), sessions, login attempts and the audit log live in the
steering database and its services (``ungeindsats.steering``); this module only asks them.

Roles (issue 9): ``viewer`` reads; ``editor`` also writes status evaluations and goals for the
interventions they own; ``analyst`` may do everything with the data and every intervention;
``admin`` also manages users and settings. Each role includes the ones before it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ungeindsats.steering import (
    NewSession,
    SessionInfo,
    SteeringDB,
    create_session,
    delete_session,
    lookup_session,
    recent_failures,
    record_login_attempt,
    verify_password,
)
from ungeindsats.steering.models import utcnow
from ungeindsats.web.security import SESSION_COOKIE

ROLE_RANK = {"viewer": 0, "editor": 1, "analyst": 2, "admin": 3}
ROLE_LABELS = {
    "viewer": "læser",
    "editor": "redaktør",
    "analyst": "analytiker",
    "admin": "administrator",
}
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
"""Failed logins for one user name within ``LOGIN_WINDOW`` before further tries are refused."""
MAX_FAILURES_PER_ADDRESS = 20
"""Failed logins from one address within the window (guessing across many names)."""
SESSION_LIFETIME = timedelta(hours=8)
SESSION_RECHECK = timedelta(minutes=1)
"""How long a session checked against the steering database is trusted without asking again."""


class NotLoggedIn(Exception):
    """No live session: pages send the browser to the login page, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but the role does not allow it (403)."""


def steering(request: Request) -> SteeringDB:
    db: SteeringDB = request.app.state.steering
    return db


def steering_lock(db: SteeringDB) -> AbstractContextManager[object]:
    """SQLite lets one writer in at a time and answers a second one "database is locked" at
    once when both began by reading (every request writes: the session's last_seen). The app
    therefore lets one steering transaction run at a time on SQLite; PostgreSQL needs no lock."""
    return threading.Lock() if db.engine.dialect.name == "sqlite" else nullcontext()


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """One steering transaction (``SteeringDB.begin``) under the app's steering lock."""
    with request.app.state.steering_lock, steering(request).begin() as session:
        yield session


class SessionCache:
    """Sessions checked against the steering database within the last ``SESSION_RECHECK``.

    ``lookup_session`` writes (it moves ``last_seen``), and a SQLite commit costs tens of
    milliseconds; asking once a minute per session instead of on every request is what lets 20
    users share one SQLite file. A logout here ends the session at once; a session ended from
    elsewhere (``ungeindsats users passwd/remove`` in another process) within the minute.
    Keys are the tokens' SHA-256, so the cache holds no usable token.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[SessionInfo, float]] = {}

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> SessionInfo | None:
        with self._lock:
            entry = self._entries.get(self.key(token))
        if entry is None:
            return None
        info, checked = entry
        fresh = time.monotonic() - checked < SESSION_RECHECK.total_seconds()
        return info if fresh and info.expires_at > utcnow() else None

    def forget_user(self, user_id: int) -> None:
        """Drop every session of one user, so that a change made here (role, deactivation,
        new password, removal) counts from the user's next request, not a minute later."""
        with self._lock:
            for key in [k for k, (info, _) in self._entries.items() if info.user.id == user_id]:
                del self._entries[key]

    def put(self, token: str, info: SessionInfo | None) -> None:
        with self._lock:
            if info is None:
                self._entries.pop(self.key(token), None)
            else:
                if len(self._entries) > 10_000:  # forget the lot rather than grow without end
                    self._entries.clear()
                self._entries[self.key(token)] = (info, time.monotonic())


def current_session(request: Request) -> SessionInfo | None:
    """The request's live session (checked against the database at most once a minute)."""
    if hasattr(request.state, "session_info"):
        found: SessionInfo | None = request.state.session_info
        return found
    token = request.cookies.get(SESSION_COOKIE)
    info = None
    if token and len(token) <= 200:
        cache: SessionCache = request.app.state.sessions
        info = cache.get(token)
        if info is None:
            with transaction(request) as session:
                info = lookup_session(session, token)
            cache.put(token, info)
    request.state.session_info = info
    return info


async def session_of(request: Request) -> SessionInfo | None:
    """``current_session`` for async code: a session checked within the last minute is found
    without leaving the event loop; only a check against the steering database (a SQLite
    commit) goes to the thread pool. Every request passes here, and each hop to a worker
    thread costs a hand-over of the GIL under load."""
    if hasattr(request.state, "session_info"):
        found: SessionInfo | None = request.state.session_info
        return found
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= 200:
        cache: SessionCache = request.app.state.sessions
        info = cache.get(token)
        if info is not None:
            request.state.session_info = info
            return info
        return await run_in_threadpool(current_session, request)
    request.state.session_info = None
    return None


def allowed(info: SessionInfo | None, role: str) -> bool:
    return info is not None and ROLE_RANK.get(info.user.role, -1) >= ROLE_RANK[role]


def require(role: str) -> Callable[[Request], Awaitable[SessionInfo]]:
    """A dependency: the session, if its user has at least ``role`` (async: see
    ``session_of``)."""

    async def dependency(request: Request) -> SessionInfo:
        info = await session_of(request)
        if info is None:
            raise NotLoggedIn()
        if not allowed(info, role):
            raise Forbidden()
        return info

    return dependency


@dataclass(frozen=True)
class LoginOutcome:
    """A new session, or the Danish reason there is none."""

    session: NewSession | None
    message: str = ""
    limited: bool = False  # refused by the rate limit, without checking the password


def attempt_login(request: Request, username: str, password: str, address: str) -> LoginOutcome:
    """Check the password unless this name or address has failed too often lately; record
    the attempt either way."""
    username = username.strip()
    with transaction(request) as session:
        by_user = recent_failures(session, username=username, window=LOGIN_WINDOW)
        by_address = recent_failures(session, ip=address, window=LOGIN_WINDOW)
        if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
            record_login_attempt(session, username, address, False)
            minutes = int(LOGIN_WINDOW.total_seconds() // 60)
            return LoginOutcome(
                None,
                f"For mange mislykkede forsøg på at logge ind. Vent {minutes} minutter og prøv "
                "igen, eller bed administratoren om en ny adgangskode.",
                limited=True,
            )
        user = verify_password(session, username, password)
        record_login_attempt(session, username, address, user is not None)
        if user is None:
            return LoginOutcome(None, "Forkert brugernavn eller adgangskode.")
        return LoginOutcome(create_session(session, user.id, lifetime=SESSION_LIFETIME))


def logout(request: Request, token: str | None) -> None:
    if token:
        request.app.state.sessions.put(token, None)
        with transaction(request) as session:
            delete_session(session, token)
