"""Steering (styring): the action plan's interventions, status evaluations, goals and their
measurements, plus the dashboard's users and sessions, in one transactional database
(a SQLite file by default, PostgreSQL by URL). See docs/steering.md."""

from ungeindsats.steering.db import SteeringDB, head_revision, open_steering
from ungeindsats.steering.users import (
    UserInfo,
    add_user,
    get_user,
    get_user_by_id,
    list_users,
    remove_user,
    set_password,
    update_user,
    verify_password,
)
from ungeindsats.steering.web_sessions import (
    NewSession,
    SessionInfo,
    create_session,
    delete_session,
    lookup_session,
    recent_failures,
    record_login_attempt,
)

__all__ = [
    "NewSession",
    "SessionInfo",
    "SteeringDB",
    "UserInfo",
    "add_user",
    "create_session",
    "delete_session",
    "get_user",
    "get_user_by_id",
    "head_revision",
    "list_users",
    "lookup_session",
    "open_steering",
    "recent_failures",
    "record_login_attempt",
    "remove_user",
    "set_password",
    "update_user",
    "verify_password",
]
