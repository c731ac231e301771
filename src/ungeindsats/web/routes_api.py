"""The JSON API under ``/api/v1/``: the same published tables the pages show.

Every answer has passed disclosure control: an indicator is published with ``publish`` (a
suppressed cell is ``null`` beside ``suppressed_marker``), a page with its panels exactly as the
page shows them. The API asks for a login like the pages (the session cookie); its OpenAPI
document is ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from ungeindsats.indicators import IndicatorError, all_indicators, get_indicator
from ungeindsats.indicators import Query as IndicatorQuery
from ungeindsats.periods import PeriodError, parse_range
from ungeindsats.published import PublishedTable, publish
from ungeindsats.steering import SessionInfo
from ungeindsats.web.auth import require
from ungeindsats.web.pages import ALL_PAGES
from ungeindsats.web.panels import Page, Panel
from ungeindsats.web.routes_pages import BadChoice, choose
from ungeindsats.web.source import indicator_result, layer_result
from ungeindsats.web.state import DashboardData

router = APIRouter(prefix="/api/v1", tags=["nøgletal"])
reader = require("viewer")
Reader = Annotated[SessionInfo, Depends(reader)]
MAX_PERIODS = 120
MAX_MUNICIPALITIES = 99
INLINE_LOOKUPS = 4
"""Layer lookups (municipalities × periods) answered on the event loop; more go to a thread."""


def _data(request: Request) -> DashboardData:
    data: DashboardData = request.app.state.data
    return data


def table_json(table: PublishedTable) -> dict[str, Any]:
    return {
        "title": table.title,
        "unit": table.unit,
        "source": table.source,
        "notes": list(table.notes),
        "suppressed_marker": table.marker,
        "suppressed_cells": table.suppressed,
        "columns": list(table.columns),
        "rows": list(table.rows),
    }


def panel_json(panel: Panel) -> dict[str, Any]:
    return {
        "key": panel.key,
        "title": panel.title,
        "unit": panel.unit,
        "period": panel.period,
        "error": panel.error,
        "source": panel.source,
        "notes": list(panel.notes),
        "suppressed_marker": panel.marker,
        "row_label": panel.row_label,
        "columns": list(panel.columns),
        "rows": [
            {
                "label": label,
                "values": [c.value for c in cells],
                "suppressed": [c.suppressed for c in cells],
            }
            for label, cells in panel.rows
        ],
        "chart": panel.chart,
    }


def page_json(page: Page) -> dict[str, Any]:
    headline = None
    if page.headline is not None:
        headline = {
            "label": page.headline.label,
            "period": page.headline.period,
            "values": [
                {"area": area, "value": cell.value, "suppressed": cell.suppressed}
                for area, cell in page.headline.values
            ],
        }
    return {
        "page": page.key,
        "title": page.title,
        "municipality": page.kommune,
        "month": page.month,
        "headline": headline,
        "panels": [panel_json(p) for p in page.panels],
    }


@router.get("/indicators", summary="Alle nøgletal med definition")
async def indicators(info: Reader) -> list[dict[str, Any]]:
    return [
        {
            "name": item.name,
            "label": item.label,
            "unit": item.unit,
            "breakdowns": list(item.breakdowns),
            "default_ages": list(item.default_ages),
            "source": item.source,
            "definition": item.definition,
        }
        for item in all_indicators()
    ]


def _codes(text: str) -> tuple[int, ...]:
    from ungeindsats.classifications import resolve_municipality

    codes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        code = resolve_municipality(part)
        if code is None:
            raise HTTPException(400, f"'{part}' er ikke en kommune (skriv fx 791 eller Viborg)")
        codes.append(int(code))
    return tuple(codes)


@router.get("/indicators/{name}", summary="Et nøgletal for kommuner og perioder (diskretioneret)")
async def indicator(
    request: Request,
    name: str,
    info: Reader,
    kommune: Annotated[str, Query(max_length=400, description="Kommunekoder, fx 791,000")] = "791",
    period: Annotated[
        str, Query(max_length=20, description="Periode eller interval, fx 2016M03:2019M02")
    ] = "2019M02",
    by: Annotated[str, Query(max_length=100, description="Opdelinger, fx youth_group")] = "",
) -> dict[str, Any]:
    try:
        get_indicator(name)
        periods = tuple(parse_range(period).periods())
    except (IndicatorError, PeriodError) as exc:
        raise HTTPException(400, str(exc)) from None
    codes = _codes(kommune)
    if not codes or len(codes) > MAX_MUNICIPALITIES or len(periods) > MAX_PERIODS:
        raise HTTPException(
            400, f"vælg 1-{MAX_MUNICIPALITIES} kommuner og højst {MAX_PERIODS} perioder"
        )
    breakdowns = tuple(b.strip() for b in by.split(",") if b.strip())
    query = IndicatorQuery(codes, periods, by=breakdowns)
    data = _data(request)
    try:
        if len(codes) * len(periods) <= INLINE_LOOKUPS and data.is_open():
            # A few lookups in the layer take about a millisecond each: answered on the event
            # loop, as a cached page is, because a hop to a worker thread and back costs more
            # under load (each hand-over of the GIL) than the lookup itself.
            warehouse, layer = data.reading()
            result = layer_result(warehouse, name, query, layer)
            if result is not None:
                return table_json(publish(result, data.rule))
        # Longer reads, and figures the layer does not hold (the indicator computes them), run
        # in a worker thread.
        return await run_in_threadpool(_published, data, name, query)
    except IndicatorError as exc:
        raise HTTPException(400, str(exc)) from None


def _published(data: DashboardData, name: str, query: IndicatorQuery) -> dict[str, Any]:
    # Published on every read and not kept: the layer is the store of computed figures, and
    # kept answers would push the pages (seconds to build) out of the page cache.
    warehouse, layer = data.reading()
    return table_json(publish(indicator_result(warehouse, name, query, layer), data.rule))


@router.get("/pages/{key}", summary="En sides paneler, som siden viser dem")
def page(
    request: Request,
    key: str,
    info: Reader,
    kommune: Annotated[str | None, Query(max_length=40)] = None,
    periode: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    if key not in ALL_PAGES:
        raise HTTPException(404, f"ukendt side '{key}'; mulige: {', '.join(ALL_PAGES)}")
    try:
        code, month = choose(request, kommune, periode)
    except BadChoice as exc:
        raise HTTPException(400, str(exc)) from None
    return page_json(_data(request).page(key, code, month))
