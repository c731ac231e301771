"""``create_app(settings)``: the one dashboard application, used by ``ungeindsats serve``,
``ungeindsats run`` and the tests (style.md §2)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ungeindsats import __version__
from ungeindsats.periods import parse_period
from ungeindsats.settings import Settings
from ungeindsats.steering import open_steering
from ungeindsats.web import routes_api, routes_auth, routes_pages, routes_steering, routes_users
from ungeindsats.web.assets import bundle_version, vega_bundle
from ungeindsats.web.auth import (
    Forbidden,
    NotLoggedIn,
    SessionCache,
    session_of,
    steering_lock,
)
from ungeindsats.web.render import render
from ungeindsats.web.security import (
    SAFE_METHODS,
    SECURITY_HEADERS,
    CsrfError,
    login_csrf_token,
    remember_login_csrf,
    same_token,
    submitted_token,
)
from ungeindsats.web.state import DashboardData, NoWarehouse


async def csrf_protect(request: Request) -> None:
    """Every state-changing request carries the CSRF token of its session (or, before login,
    of the login cookie)."""
    if request.method in SAFE_METHODS:
        return
    given = await submitted_token(request)
    info = await session_of(request)
    expected = info.csrf_token if info is not None else login_csrf_token(request)
    if not same_token(expected, given):
        raise CsrfError()


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI wrapper: no per-request
    overhead beyond the headers themselves)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


WARM_PAGES = ("overblik", "gruppe-1", "gruppe-2", "gruppe-3", "gruppe-4")
"""Built in the background when the server starts, for the opening municipality and month."""


def _warm(data: DashboardData, settings: Settings) -> None:
    """Build the opening pages once, so that the first visitor does not wait for them (at
    national scale a page's first build takes a while; afterwards it is kept)."""
    try:
        month = parse_period(settings.dashboard_month)
        for key in WARM_PAGES:
            data.page(key, settings.dashboard_kommune, month)
    except Exception as exc:  # the page says what is wrong when someone asks for it
        logging.getLogger("ungeindsats.web").warning("warm-up stopped: %s", type(exc).__name__)


def create_app(settings: Settings) -> FastAPI:
    """The dashboard for one installation: its warehouse (read-only) and steering database."""
    data = DashboardData(settings)
    steering = open_steering(settings.steering_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(data, settings), daemon=True).start()
        yield
        data.close()
        steering.close()

    app = FastAPI(
        title="Ungeindsats",
        version=__version__,
        description="Nøgletal, benchmark, økonomi og styring for unge på offentlig forsørgelse. "
        "Alle tal er diskretioneret.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.data = data
    app.state.steering = steering
    app.state.steering_lock = steering_lock(steering)
    app.state.sessions = SessionCache()

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Log ind først."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Din rolle giver ikke adgang til dette."}, 403)
        return render(
            request,
            "message.html",
            status_code=403,
            title="Ingen adgang",
            heading="Ingen adgang",
            lines=["Din rolle giver ikke adgang til denne side."],
        )

    @app.exception_handler(CsrfError)
    async def csrf_failed(request: Request, exc: CsrfError) -> Response:
        text = "Formularen er udløbet eller kom ikke fra denne side. Genindlæs siden og prøv igen."
        if _is_api(request):
            return JSONResponse({"detail": text}, status_code=403)
        response = render(
            request,
            "message.html",
            status_code=403,
            title="Ugyldig formular",
            heading="Ugyldig formular",
            lines=[text],
        )
        remember_login_csrf(request, response, settings.web_insecure_loopback)
        return response

    @app.exception_handler(NoWarehouse)
    async def no_warehouse(request: Request, exc: NoWarehouse) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return render(
            request,
            "message.html",
            status_code=503,
            title="Ingen data",
            heading="Ingen data endnu",
            lines=[str(exc)],
            notice=True,
        )

    @app.get("/static/vega-{version}.js", include_in_schema=False)
    def vega(version: str) -> Response:
        """The Vega bundle; the address changes with its version, so it may be kept a year."""
        if version != bundle_version():
            return Response(status_code=404)
        body = vega_bundle(settings.data_dir / "cache")
        return Response(
            body,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=31536000, immutable"},
        )

    folder = resources.files("ungeindsats.web") / "static"
    app.mount("/static", StaticFiles(directory=str(folder)), name="static")
    app.include_router(routes_auth.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_steering.router)
    app.include_router(routes_users.router)
    app.include_router(routes_api.router)

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi(info: routes_api.Reader) -> dict[str, Any]:
        """The API's OpenAPI document (for logged-in users, like the API itself)."""
        return app.openapi()

    app.add_middleware(SecurityHeaders)
    return app
