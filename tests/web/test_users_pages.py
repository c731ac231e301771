"""User administration on the dashboard: only admins see or change users, every change goes
through the steering services (the CLI's rules) and is audited, and every form needs its CSRF
token.

The users are made here with names of their own, so the one-user-per-role fixture stays as the
other tests expect it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ungeindsats.steering import get_user
from ungeindsats.steering.audit import history

NEW_PASSWORD = "nyt-kodeord-42"


def _token(client: Any, url: str = "/brugere") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def _user(app: Any, username: str) -> Any:
    with app.state.steering.begin() as session:
        return get_user(session, username)


def _create(admin: Any, username: str, role: str = "editor", **fields: str) -> Any:
    form = {
        "username": username,
        "display_name": "Ny Bruger",
        "role": role,
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
        "csrf_token": _token(admin),
        **fields,
    }
    return admin.post("/brugere", data=form)


def test_an_admin_creates_changes_and_removes_a_user(web_app: Any, clients: Any) -> None:
    """One user's whole life, in order: created as editor, logs in; made analyst (the change
    counts from the user's next request); new password (logged out, the old one stops working);
    deactivated (cannot log in); reactivated; removed. The audit log holds exactly these six
    changes, each by 'admin': create, update, password, update, update, delete."""
    admin = clients.as_role("admin")
    listing = admin.get("/brugere")
    assert listing.status_code == 200
    assert "<caption>Brugere efter brugernavn</caption>" in listing.text
    # The editor of the fixture owns interventions 1a and 11; the list says so.
    assert "1a, 11" in listing.text

    created = _create(admin, "ny.bruger")
    assert created.status_code == 303, created.text
    assert created.headers["location"] == "/brugere?besked=oprettet"
    assert "Brugeren er oprettet." in admin.get(created.headers["location"]).text
    user = _user(web_app, "ny.bruger")
    assert user is not None and user.role == "editor" and user.display_name == "Ny Bruger"

    newcomer = clients.anonymous()
    assert newcomer.login("ny.bruger", NEW_PASSWORD).status_code == 303
    assert newcomer.get("/indsatser").status_code == 200
    assert newcomer.get("/brugere").status_code == 403

    page = admin.get("/brugere/ny.bruger")
    assert page.status_code == 200 and "Bruger ny.bruger" in page.text
    token = _token(admin, "/brugere/ny.bruger")
    changed = admin.post("/brugere/ny.bruger/rolle", data={"role": "admin", "csrf_token": token})
    assert changed.status_code == 303
    assert changed.headers["location"] == "/brugere/ny.bruger?besked=rolle"
    assert _user(web_app, "ny.bruger").role == "admin"
    # The newcomer's session was checked less than a minute ago; the change still counts now.
    assert newcomer.get("/brugere").status_code == 200

    reset = admin.post(
        "/brugere/ny.bruger/adgangskode",
        data={"password": "endnu-en-kode", "password_repeat": "endnu-en-kode", "csrf_token": token},
    )
    assert reset.status_code == 303
    assert newcomer.get("/brugere").status_code == 303  # logged out everywhere
    assert clients.anonymous().login("ny.bruger", NEW_PASSWORD).status_code == 401
    assert clients.anonymous().login("ny.bruger", "endnu-en-kode").status_code == 303

    assert admin.post("/brugere/ny.bruger/spaer", data={"csrf_token": token}).status_code == 303
    assert not _user(web_app, "ny.bruger").active
    assert clients.anonymous().login("ny.bruger", "endnu-en-kode").status_code == 401
    assert admin.post("/brugere/ny.bruger/aktiver", data={"csrf_token": token}).status_code == 303
    assert _user(web_app, "ny.bruger").active

    user_id = _user(web_app, "ny.bruger").id
    removed = admin.post("/brugere/ny.bruger/slet", data={"csrf_token": token})
    assert removed.status_code == 303 and removed.headers["location"] == "/brugere?besked=slettet"
    assert _user(web_app, "ny.bruger") is None
    assert admin.get("/brugere/ny.bruger").status_code == 404

    with web_app.state.steering.begin() as session:
        entries = history(session, "user", user_id)
        actions = [(e.action, e.who) for e in entries]
        assert actions == [
            ("create", "admin"),
            ("update", "admin"),
            ("password", "admin"),
            ("update", "admin"),
            ("update", "admin"),
            ("delete", "admin"),
        ]
        assert entries[1].before["role"] == "editor" and entries[1].after["role"] == "admin"
        assert entries[3].after["active"] is False and entries[4].after["active"] is True
        assert all("password_hash" not in (e.after or {}) for e in entries)


@pytest.mark.parametrize("role", ["viewer", "editor", "analyst"])
def test_other_roles_get_403_on_every_user_route(web_app: Any, clients: Any, role: str) -> None:
    """With a valid CSRF token of their own session, still 403, and nothing changes."""
    client = clients.as_role(role)
    assert client.get("/brugere").status_code == 403
    assert client.get("/brugere/viewer").status_code == 403
    token = _token(client, "/data")
    form = {
        "username": f"ulovlig-{role}",
        "role": "admin",
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
        "csrf_token": token,
    }
    assert client.post("/brugere", data=form).status_code == 403
    assert _user(web_app, f"ulovlig-{role}") is None
    for action, fields in [
        ("rolle", {"role": "admin"}),
        ("adgangskode", {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}),
        ("spaer", {}),
        ("aktiver", {}),
        ("slet", {}),
    ]:
        response = client.post(f"/brugere/viewer/{action}", data={**fields, "csrf_token": token})
        assert response.status_code == 403, action
    viewer = _user(web_app, "viewer")
    assert viewer is not None and viewer.role == "viewer" and viewer.active


def test_a_form_without_its_csrf_token_is_refused(web_app: Any, clients: Any) -> None:
    admin = clients.as_role("admin")
    form = {
        "username": "uden-token",
        "role": "viewer",
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
    }
    missing = admin.post("/brugere", data=form)
    assert missing.status_code == 403 and "Ugyldig formular" in missing.text
    wrong = admin.post("/brugere", data={**form, "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert _user(web_app, "uden-token") is None
    assert admin.post("/brugere/viewer/slet", data={}).status_code == 403
    assert _user(web_app, "viewer") is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "kort", "password_repeat": "kort"}, "Adgangskoden skal have mindst 8 tegn."),
        ({"password_repeat": "noget-andet"}, "De to adgangskoder er ikke ens."),
        ({"role": "chef"}, "Ukendt rolle &#39;chef&#39;"),
        ({"username": "mellem rum"}, "Brugernavnet &#39;mellem rum&#39; er ugyldigt"),
        ({"username": "viewer"}, "Brugeren &#39;viewer&#39; findes allerede."),
    ],
)
def test_the_cli_rules_apply_in_danish(
    web_app: Any, clients: Any, fields: dict[str, str], message: str
) -> None:
    """The steering service's own checks (the CLI's): 8 characters at least, a known role, a
    valid and new user name; plus the repeated password. Nothing is written."""
    admin = clients.as_role("admin")
    username = fields.get("username", "regel-bruger")
    before = _user(web_app, username)
    response = _create(admin, username, **{k: v for k, v in fields.items() if k != "username"})
    assert response.status_code == 400
    assert message in response.text
    assert _user(web_app, username) == before


def test_an_admin_cannot_lock_out_their_own_user(web_app: Any, clients: Any) -> None:
    """Own role, deactivation and removal are refused (another admin must do it); a new own
    password is allowed."""
    admin = clients.as_role("admin")
    page = admin.get("/brugere/admin")
    assert "Det er din egen bruger" in page.text and "Slet brugeren" not in page.text
    token = _token(admin, "/brugere/admin")
    for action, fields in [("rolle", {"role": "viewer"}), ("spaer", {}), ("slet", {})]:
        response = admin.post(f"/brugere/admin/{action}", data={**fields, "csrf_token": token})
        assert response.status_code == 400, action
        assert "din egen bruger" in response.text
    me = _user(web_app, "admin")
    assert me is not None and me.role == "admin" and me.active


def test_the_menu_shows_users_to_admins_only(clients: Any) -> None:
    assert 'href="/brugere"' in clients.as_role("admin").get("/data").text
    assert 'href="/brugere"' not in clients.as_role("analyst").get("/data").text
