"""Logging in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ungeindsats.web.auth import attempt_login, current_session, logout
from ungeindsats.web.render import render
from ungeindsats.web.security import SESSION_COOKIE, remember_login_csrf, set_cookie

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path on this site (never //other.host or a full address)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _insecure_loopback(request: Request) -> bool:
    return bool(request.app.state.settings.web_insecure_loopback)


def _login_page(
    request: Request, *, error: str = "", username: str = "", next_url: str = "/", status: int = 200
) -> Response:
    response = render(
        request,
        "login.html",
        status_code=status,
        title="Log ind",
        error=error,
        username=username,
        next_url=_safe_next(next_url),
    )
    remember_login_csrf(request, response, _insecure_loopback(request))
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if current_session(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=next)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    address = request.client.host if request.client else "ukendt"
    outcome = attempt_login(request, username, password, address)
    if outcome.session is None:
        status = 429 if outcome.limited else 401
        return _login_page(
            request, error=outcome.message, username=username, next_url=next, status=status
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(
        response,
        request,
        SESSION_COOKIE,
        outcome.session.token,
        insecure_loopback=_insecure_loopback(request),
    )
    return response


@router.post("/logud")
def log_out(request: Request) -> Response:
    logout(request, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
