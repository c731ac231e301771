"""Who may do what: every route checked for anonymous users and each role, CSRF on every POST,
session cookies and their flags, and the login rate limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Mount, Route

from ungeindsats.steering import add_user
from ungeindsats.web.assets import bundle_version

EXAMPLE_PARAMS = {
    "key": "overblik",
    "name": "fte",
    "panel": "kurve",
    "fmt": "csv",
    "version": "x",
    "number": "1a",
    "username": "viewer",
}
PUBLIC = {"/login", "/static/vega-{version}.js"}
"""Reachable without a login: the login page and the static assets (CSS, JavaScript)."""
SESSION_ROUTES = {"/login", "/logud"}
ADMIN_ONLY = {"/brugere", "/brugere/{username}"}
"""User administration: 403 for every other role (tests/web/test_users_pages.py)."""


def _routes(app: Any, method: str) -> list[str]:
    """Every route path answering ``method``, also inside included routers."""
    paths = []
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        if hasattr(route, "original_router"):  # FastAPI's included router
            pending.extend(route.original_router.routes)
        elif (
            isinstance(route, Route)
            and not isinstance(route, Mount)
            and method in (route.methods or set())
        ):
            paths.append(route.path)
    return sorted(set(paths))


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: EXAMPLE_PARAMS[m.group(1)], path)


def test_the_walk_finds_the_routes(web_app: Any) -> None:
    assert {"/side/{key}", "/data", "/api/v1/indicators/{name}"} <= set(_routes(web_app, "GET"))
    assert "/login" in _routes(web_app, "POST")


def test_anonymous_users_see_only_the_login_page(web_app: Any, clients: Any) -> None:
    client = clients.anonymous()
    for path in _routes(web_app, "GET"):
        if path in PUBLIC:
            continue
        response = client.get(_url(path))
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
    login = client.get("/login")
    assert login.status_code == 200
    assert '<html lang="da">' in login.text


def test_a_viewer_reads_every_page_but_cannot_post(web_app: Any, clients: Any) -> None:
    viewer = clients.as_role("viewer")
    for path in _routes(web_app, "GET"):
        if path == "/static/vega-{version}.js":
            continue
        response = viewer.get(_url(path))
        expected = (403,) if path in ADMIN_ONLY else (200, 303)
        assert response.status_code in expected, (path, response.status_code)
    token = viewer.csrf("/data")
    for path in _routes(web_app, "POST"):
        if path in SESSION_ROUTES:
            continue
        response = viewer.post(_url(path), data={"csrf_token": token})
        assert response.status_code == 403, path


def test_login_sets_a_strict_session_cookie(clients: Any) -> None:
    client = clients.anonymous()
    response = client.login("viewer")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ui_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag in cookie
    assert client.get("/side/overblik").status_code == 200


@pytest.mark.parametrize(
    ("base_url", "secure"),
    [
        ("http://127.0.0.1", False),
        ("http://localhost:8000", False),
        ("http://ungeindsats.dk", True),
    ],
)
def test_secure_is_dropped_only_for_plain_http_on_the_loopback(
    clients: Any, base_url: str, secure: bool
) -> None:
    """Over plain http elsewhere the cookies stay Secure, so the browser never sends them back
    and the login form cannot even be posted (the CSRF cookie is missing)."""
    client = clients.anonymous(base_url)
    form = client.get("/login")
    assert ("Secure" in form.headers["set-cookie"]) is secure
    response = client.login("viewer")
    if secure:
        assert response.status_code == 403
    else:
        assert response.status_code == 303
        assert "Secure" not in response.headers["set-cookie"]
        assert client.get("/data").status_code == 200


def test_wrong_password_is_refused_in_danish(clients: Any) -> None:
    client = clients.anonymous()
    response = client.login("viewer", "forkert-kode")
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in response.text
    assert "ui_session" not in response.headers.get("set-cookie", "")
    assert client.get("/side/overblik").status_code == 303


def test_login_is_rate_limited(web_app: Any, clients: Any, web_password: str) -> None:
    """Five failures for one name within 15 minutes: the sixth try is refused even with the
    right password (and without checking it)."""
    with web_app.state.steering.begin() as session:
        add_user(session, "laast", web_password, "viewer", who="test")
    client = clients.anonymous()
    for _ in range(5):
        assert client.login("laast", "forkert-kode").status_code == 401
    refused = client.login("laast", web_password)
    assert refused.status_code == 429
    assert "For mange mislykkede forsøg" in refused.text
    assert clients.anonymous().login("viewer").status_code == 303  # others are not locked out


def test_every_post_needs_the_csrf_token(clients: Any, web_password: str) -> None:
    client = clients.anonymous()
    client.get("/login")  # sets the login CSRF cookie
    form = {"username": "viewer", "password": web_password}
    assert client.post("/login", data=form).status_code == 403
    assert client.post("/login", data={**form, "csrf_token": "x" * 40}).status_code == 403
    # Another browser's token does not fit this browser's cookie.
    other = clients.anonymous().csrf("/login")
    assert client.post("/login", data={**form, "csrf_token": other}).status_code == 403


def test_logout_needs_the_session_token_and_ends_the_session(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    assert viewer.post("/logud", data={}).status_code == 403
    assert viewer.get("/side/overblik").status_code == 200  # still logged in
    token = viewer.csrf("/data")
    cookie = viewer.client.cookies.get("ui_session")
    assert viewer.post("/logud", data={"csrf_token": token}).status_code == 303
    assert viewer.get("/side/overblik").status_code == 303
    # The old cookie is dead on the server too, not just forgotten by this browser.
    replay = clients.anonymous()
    replay.client.cookies.set("ui_session", cookie or "", domain="testserver")
    assert replay.get("/side/overblik").status_code == 303


def test_a_made_up_session_cookie_is_no_login(clients: Any) -> None:
    client = clients.anonymous()
    client.client.cookies.set("ui_session", "gaet-en-token", domain="testserver")
    assert client.get("/data").status_code == 303
    assert client.get("/api/v1/indicators").status_code == 401


def test_pages_carry_the_security_headers(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    response = viewer.get("/data")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_login_redirects_only_within_the_site(clients: Any, web_password: str) -> None:
    client = clients.anonymous()
    token = client.csrf("/login")
    form = {"username": "viewer", "password": web_password, "csrf_token": token}
    away = client.post("/login", data={**form, "next": "//evil.example/"})
    assert away.headers["location"] == "/"
    client = clients.anonymous()
    token = client.csrf("/login")
    home = client.post("/login", data={**form, "csrf_token": token, "next": "/data"})
    assert home.headers["location"] == "/data"


def test_the_vega_bundle_is_served_cached(clients: Any) -> None:
    client = clients.anonymous()
    assert client.get("/static/vega-0000.js").status_code == 404
    response = client.get(f"/static/vega-{bundle_version()}.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert b"vegaEmbed" in response.content
