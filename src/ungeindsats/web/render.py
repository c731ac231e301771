"""Rendering pages: the templates, their filters and the context every page shares."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ungeindsats.outputs import cell_text, danish_number
from ungeindsats.web.assets import bundle_version
from ungeindsats.web.auth import ROLE_LABELS, allowed, current_session
from ungeindsats.web.security import login_csrf_token
from ungeindsats.web.state import DashboardData, NoWarehouse

MENU: tuple[tuple[str, str], ...] = (
    ("/side/overblik", "Overblik"),
    ("/side/gruppe-1", "Gruppe 1"),
    ("/side/gruppe-2", "Gruppe 2"),
    ("/side/gruppe-3", "Gruppe 3"),
    ("/side/gruppe-4", "Permanente"),
    ("/side/restgruppen", "Restgruppen og 15-17"),
    ("/side/benchmark", "Benchmark"),
    ("/side/oekonomi", "Økonomi"),
    ("/indsatser", "Indsatser"),
    ("/maal", "Mål"),
    ("/data", "Data"),
)


def number_text(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else danish_number(float(value), decimals)


@cache
def templates() -> Jinja2Templates:
    folder = resources.files("ungeindsats.web") / "templates"
    env = Jinja2Templates(directory=str(folder))
    # The templates are package files that do not change while the server runs; Jinja's
    # default would look at each file's modification time on every render.
    env.env.auto_reload = False
    env.env.filters["cell"] = cell_text
    env.env.filters["number"] = number_text
    env.env.globals["static"] = lambda name: f"/static/{name}?v={_static_version()}"
    return env


@cache
def _bundle_version() -> str:
    return bundle_version()


@cache
def _static_version() -> str:
    from ungeindsats import __version__

    return __version__


def data_date(data: DashboardData) -> str | None:
    """When the newest import finished, as Danish text (every page names its data's date)."""
    try:
        imports = data.status().imports
    except NoWarehouse:
        return None
    if not imports:
        return None
    newest = max(i.finished_at for i in imports)
    return newest.strftime("%d.%m.%Y kl. %H:%M")


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    info = current_session(request)
    data: DashboardData = request.app.state.data
    rule = data.rule
    shared = {
        "user": info.user if info else None,
        "role_label": ROLE_LABELS.get(info.user.role, "") if info else "",
        "csrf_token": info.csrf_token if info else login_csrf_token(request),
        "menu": MENU,
        "current": request.url.path,
        "bundle_version": _bundle_version(),
        "min_persons": rule.min_persons,
        "marker": rule.marker,
        "data_date": data_date(data) if info else None,
        "charts": False,
        "can_edit": allowed(info, "editor"),
        "is_analyst": allowed(info, "analyst"),
        "is_admin": allowed(info, "admin"),
    }
    shared.update(context)
    return templates().TemplateResponse(request, template, shared, status_code=status_code)


def render_fragment(template: str, **context: Any) -> str:
    """A part of a page that is the same for every user (no session, no CSRF token)."""
    return templates().env.get_template(template).render(**context)
