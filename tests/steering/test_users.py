"""Users, passwords, web sessions and login attempts on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import (
    SteeringDB,
    add_user,
    create_session,
    delete_session,
    get_user,
    list_users,
    lookup_session,
    recent_failures,
    record_login_attempt,
    remove_user,
    set_password,
    update_user,
    verify_password,
)
from ungeindsats.steering.audit import history
from ungeindsats.steering.models import Intervention, User, WebSession

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_add_and_verify(db: SteeringDB) -> None:
    with db.begin() as s:
        anna = add_user(s, "anna", "hemmeligt-1", "editor", who="admin", display_name="Anna A")
    with db.begin() as s:
        assert verify_password(s, "anna", "hemmeligt-1") == anna
        assert verify_password(s, "anna", "forkert-kode") is None
        assert verify_password(s, "ukendt", "hemmeligt-1") is None
        stored = s.scalar(select(User.password_hash).where(User.username == "anna"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert "hemmeligt-1" not in stored
    assert anna.role == "editor" and anna.display_name == "Anna A" and anna.active


def test_bad_input_is_a_danish_error_and_writes_nothing(db: SteeringDB) -> None:
    with db.begin() as s:
        add_user(s, "anna", "hemmeligt-1", "viewer", who="admin")
    cases = [
        (("anna", "hemmeligt-2", "viewer"), "findes allerede"),
        (("bo", "kort", "viewer"), "mindst 8 tegn"),
        (("bo", "hemmeligt-2", "chef"), "Ukendt rolle 'chef'"),
        (("b o", "hemmeligt-2", "viewer"), "ugyldigt"),
    ]
    for (name, password, role), message in cases:
        with pytest.raises(UserError, match=message), db.begin() as s:
            add_user(s, name, password, role, who="admin")
    with db.begin() as s:
        assert [u.username for u in list_users(s)] == ["anna"]


def test_inactive_user_cannot_log_in(db: SteeringDB) -> None:
    with db.begin() as s:
        add_user(s, "anna", "hemmeligt-1", "viewer", who="admin")
        update_user(s, "anna", who="admin", active=False)
    with db.begin() as s:
        assert verify_password(s, "anna", "hemmeligt-1") is None


def test_set_password_ends_sessions_and_is_audited_without_the_hash(db: SteeringDB) -> None:
    with db.begin() as s:
        anna = add_user(s, "anna", "hemmeligt-1", "viewer", who="admin")
        token = create_session(s, anna.id, now=T0).token
    with db.begin() as s:
        set_password(s, "anna", "nyt-kodeord-2", who="anna")
    with db.begin() as s:
        assert verify_password(s, "anna", "hemmeligt-1") is None
        assert verify_password(s, "anna", "nyt-kodeord-2") is not None
        assert lookup_session(s, token, now=T0) is None
        entries = history(s, "user", anna.id)
    assert [(e.action, e.who) for e in entries] == [("create", "admin"), ("password", "anna")]
    for entry in entries:
        assert "password_hash" not in (entry.after or {})


def test_remove_user_deletes_sessions_and_unlinks_interventions(db: SteeringDB) -> None:
    with db.begin() as s:
        anna = add_user(s, "anna", "hemmeligt-1", "editor", who="admin")
        create_session(s, anna.id, now=T0)
        s.add(Intervention(number="11", title="Straksaktivering", track=2, owner_user_id=anna.id))
    with db.begin() as s:
        remove_user(s, "anna", who="admin")
    with db.begin() as s:
        assert get_user(s, "anna") is None
        assert s.scalars(select(WebSession)).all() == []
        intervention = s.scalars(select(Intervention)).one()
        assert intervention.owner_user_id is None  # ON DELETE SET NULL on both backends
        (entry,) = [e for e in history(s, "user", anna.id) if e.action == "delete"]
    assert entry.before is not None and entry.before["username"] == "anna"
    assert entry.after is None
    with pytest.raises(UserError, match="findes ikke"), db.begin() as s:
        remove_user(s, "anna", who="admin")


def test_session_lifecycle(db: SteeringDB) -> None:
    """A session made at T0 for 8 hours: live at T0+7h59 (last_seen moves), gone at T0+8h."""
    with db.begin() as s:
        anna = add_user(s, "anna", "hemmeligt-1", "analyst", who="admin")
        new = create_session(s, anna.id, now=T0)
    assert new.expires_at == T0 + timedelta(hours=8)
    with db.begin() as s:
        stored_ids = s.scalars(select(WebSession.id)).all()
        live = lookup_session(s, new.token, now=T0 + timedelta(hours=7, minutes=59))
    assert new.token not in stored_ids and len(stored_ids[0]) == 64  # only the SHA-256
    assert live is not None and live.user.username == "anna"
    assert live.csrf_token == new.csrf_token
    with db.begin() as s:
        assert s.get(WebSession, stored_ids[0]).last_seen == T0 + timedelta(hours=7, minutes=59)
        assert lookup_session(s, "not-a-token", now=T0) is None
        assert lookup_session(s, new.token, now=T0 + timedelta(hours=8)) is None
    with db.begin() as s:
        assert s.scalars(select(WebSession)).all() == []  # the expired one was deleted


def test_logout(db: SteeringDB) -> None:
    with db.begin() as s:
        anna = add_user(s, "anna", "hemmeligt-1", "analyst", who="admin")
        new = create_session(s, anna.id, now=T0)
    with db.begin() as s:
        assert delete_session(s, new.token) is True
        assert delete_session(s, new.token) is False
        assert lookup_session(s, new.token, now=T0) is None


def test_recent_failures_counts_only_failures_in_the_window(db: SteeringDB) -> None:
    """Window 15 minutes before T0+20m = (T0+5m, T0+20m]. Attempts: anna fails at T0 (outside),
    T0+10m and T0+15m (inside) from 10.0.0.1, succeeds at T0+16m (not a failure); bo fails at
    T0+18m from 10.0.0.1. So anna: 2, bo: 1, address 10.0.0.1: 3, anna from 10.0.0.2: 0."""
    attempts = [
        ("anna", "10.0.0.1", False, 0),
        ("anna", "10.0.0.1", False, 10),
        ("anna", "10.0.0.1", False, 15),
        ("anna", "10.0.0.1", True, 16),
        ("bo", "10.0.0.1", False, 18),
    ]
    with db.begin() as s:
        for name, ip, ok, minutes in attempts:
            record_login_attempt(s, name, ip, ok, at=T0 + timedelta(minutes=minutes))
    now = T0 + timedelta(minutes=20)
    with db.begin() as s:
        assert recent_failures(s, username="anna", now=now) == 2
        assert recent_failures(s, username="bo", now=now) == 1
        assert recent_failures(s, ip="10.0.0.1", now=now) == 3
        assert recent_failures(s, username="anna", ip="10.0.0.2", now=now) == 0
