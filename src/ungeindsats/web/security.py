"""Cookies, CSRF tokens and response headers.

* The session cookie holds a random token whose SHA-256 the steering database keeps
  (``ungeindsats.steering.web_sessions``); it is ``HttpOnly``, ``SameSite=Strict`` and ``Secure``.
  ``Secure`` is dropped only for plain http to 127.0.0.1/localhost when the setting
  ``web_insecure_loopback`` allows it (``make run`` serves there without TLS).
* CSRF: every POST carries ``csrf_token`` (form field) or ``X-CSRF-Token`` (header). Logged in,
  it must equal the session's own token; before login (the login form) it must equal a random
  token in the ``ui_csrf`` cookie (double submit). The check is one app-wide dependency, so a new
  POST route cannot forget it.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request, Response

SESSION_COOKIE = "ui_session"
LOGIN_CSRF_COOKIE = "ui_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

SECURITY_HEADERS = {
    # Vega compiles its expressions with Function(), hence 'unsafe-eval'; no inline script runs
    # (the chart specs are JSON data blocks, which the browser never executes).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class CsrfError(Exception):
    """A state-changing request without the right CSRF token."""


def secure_cookies(request: Request, insecure_loopback: bool) -> bool:
    """Whether cookies must carry Secure for this request."""
    relaxed = (
        insecure_loopback
        and request.url.scheme == "http"
        and (request.url.hostname or "") in LOOPBACK
    )
    return not relaxed


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    insecure_loopback: bool,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, insecure_loopback),
        path="/",
    )


def login_csrf_token(request: Request) -> str:
    """The pre-login token: the one in the cookie, or a new one (set by ``remember_login_csrf``)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token
    existing: str | None = getattr(request.state, "new_login_csrf", None)
    if existing is None:
        existing = secrets.token_urlsafe(32)
        request.state.new_login_csrf = existing
    return existing


def remember_login_csrf(request: Request, response: Response, insecure_loopback: bool) -> None:
    new = getattr(request.state, "new_login_csrf", None)
    if new is not None:
        set_cookie(response, request, LOGIN_CSRF_COOKIE, new, insecure_loopback=insecure_loopback)


async def submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette keeps the parsed form for the route
        value: Any = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def same_token(expected: str | None, given: str) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), given)
