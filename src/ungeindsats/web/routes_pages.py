"""The indicator pages, their downloads, and the data page. Each handler parses the address,
asks ``DashboardData`` for the page model and renders it; no SQL, no computation."""

from __future__ import annotations

from functools import cache
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ungeindsats.classifications import municipalities, resolve_municipality
from ungeindsats.indicators import COUNTRY
from ungeindsats.periods import Period, PeriodError, parse_period
from ungeindsats.steering import SessionInfo
from ungeindsats.web.auth import require
from ungeindsats.web.downloads import MEDIA_TYPES, panel_file
from ungeindsats.web.pages import ALL_PAGES
from ungeindsats.web.render import render, render_fragment
from ungeindsats.web.state import DashboardData

router = APIRouter(include_in_schema=False)
Reader = Annotated[SessionInfo, Depends(require("viewer"))]


class BadChoice(ValueError):
    """A municipality or month in the address that does not exist (Danish message)."""


@cache
def municipality_choices() -> tuple[tuple[int, str], ...]:
    listed = [(m.code, m.name) for m in municipalities() if m.code != COUNTRY]
    return ((COUNTRY, "Hele landet"), *sorted(listed, key=lambda item: item[1]))


def choose(request: Request, kommune: str | None, periode: str | None) -> tuple[int, Period]:
    """The municipality and month asked for, or the installation's defaults."""
    settings = request.app.state.settings
    code = settings.dashboard_kommune if not kommune else resolve_municipality(kommune)
    if code is None:
        raise BadChoice(f"'{kommune}' er ikke en kommune; skriv fx 791 eller Viborg.")
    try:
        month = parse_period(periode or settings.dashboard_month)
    except PeriodError as exc:
        raise BadChoice(str(exc)) from None
    if month.kind != "month":
        raise BadChoice(f"'{periode}': vælg en måned, fx 2019M02.")
    return int(code), month


def _data(request: Request) -> DashboardData:
    data: DashboardData = request.app.state.data
    return data


def _bad(request: Request, exc: BadChoice) -> Response:
    return render(
        request,
        "message.html",
        status_code=400,
        title="Ugyldigt valg",
        heading="Ugyldigt valg",
        lines=[str(exc)],
    )


@router.get("/")
def home(info: Reader) -> Response:
    return RedirectResponse("/side/overblik", status_code=303)


@router.get("/side/{key}")
async def indicator_page(
    request: Request,
    key: str,
    info: Reader,
    kommune: Annotated[str | None, Query(max_length=40)] = None,
    periode: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    if key not in ALL_PAGES:
        return await run_in_threadpool(_not_found, request)
    try:
        code, month = choose(request, kommune, periode)
    except BadChoice as exc:
        return await run_in_threadpool(_bad, request, exc)
    data = _data(request)
    built = data.peek(("html", key, code, month.label()))
    if built is not None and data.peek(("status",)) is not None:
        # Built before (the usual case): only the page around the body is rendered, on the
        # event loop; a hop to a worker thread would cost more under load than the rendering.
        title, body = cast(tuple[str, str], built)
        return render(request, "indicator_page.html", title=title, body=body, charts=True)
    return await run_in_threadpool(_indicator_page, request, data, key, code, month)


def _indicator_page(
    request: Request, data: DashboardData, key: str, code: int, month: Period
) -> Response:
    """Build the page (seconds the first time), keep it, and render it."""
    page = data.page(key, code, month)

    def body() -> tuple[str, str]:
        return page.title, render_fragment(
            "_page_body.html",
            page=page,
            kommune_name=dict(municipality_choices()).get(code, str(code)),
            municipalities=municipality_choices(),
            page_url=f"/side/{key}",
            download_base=f"/side/{key}/hent",
            download_query=f"?kommune={code}&periode={month.label()}",
            marker=data.rule.marker,
        )

    title, html = data.remember(("html", key, code, month.label()), body)
    return render(request, "indicator_page.html", title=title, body=html, charts=True)


@router.get("/side/{key}/hent/{panel}.{fmt}")
def download(
    request: Request,
    key: str,
    panel: str,
    fmt: str,
    info: Reader,
    kommune: Annotated[str | None, Query(max_length=40)] = None,
    periode: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """One panel's table as CSV or XLSX, exactly as the page publishes it."""
    if key not in ALL_PAGES or fmt not in MEDIA_TYPES:
        return _not_found(request)
    try:
        code, month = choose(request, kommune, periode)
    except BadChoice as exc:
        return _bad(request, exc)
    found = _data(request).page(key, code, month).panel(panel)
    if found is None or found.error:
        return _not_found(request)
    name = f"{key}-{panel}-{code:03d}-{month.label()}.{fmt}"
    return Response(
        panel_file(found, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/data")
def data_page(request: Request, info: Reader) -> Response:
    """The import log and how fresh each table and the indicator layer are."""
    data = _data(request)
    status = data.status()
    return render(
        request,
        "data.html",
        title="Data",
        status=status,
        freshness=data.freshness(),
        imports=sorted(status.imports, key=lambda i: i.import_id, reverse=True),
    )


def _not_found(request: Request) -> Response:
    return render(
        request,
        "message.html",
        status_code=404,
        title="Findes ikke",
        heading="Siden findes ikke",
        lines=["Gå tilbage til overblikket."],
    )
