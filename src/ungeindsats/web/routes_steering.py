"""The action plan: interventions with their status history, status evaluations written by the
interventions' owners, and the goal board. The steering services (``ungeindsats.steering``) do
the work and write the audit log; these handlers parse, check the role and render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ungeindsats.ingest.errors import UserError
from ungeindsats.outputs import parse_danish_number
from ungeindsats.steering import SessionInfo
from ungeindsats.steering.board import goal_board
from ungeindsats.steering.models import TRAFFIC_LIGHTS
from ungeindsats.steering.plan import (
    EvaluationData,
    can_edit,
    get_intervention,
    list_goals,
    list_interventions,
    record_measurement,
    save_evaluation,
)
from ungeindsats.web.auth import Forbidden, require, transaction
from ungeindsats.web.render import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[SessionInfo, Depends(require("viewer"))]
Editor = Annotated[SessionInfo, Depends(require("editor"))]
TEXT = 4000
"""Longest text accepted in an evaluation field."""


@router.get("/indsatser")
def interventions_page(request: Request, info: Reader) -> Response:
    with transaction(request) as session:
        rows = list_interventions(session)
        editable = {row.number for row in rows if can_edit(info.user, row)}
    return render(
        request, "interventions.html", title="Indsatser", interventions=rows, editable=editable
    )


def _detail(
    request: Request, info: SessionInfo, number: str, *, error: str = "", status: int = 200
) -> Response:
    with transaction(request) as session:
        row = get_intervention(session, number)
        if row is None:
            return render(
                request,
                "message.html",
                status_code=404,
                title="Findes ikke",
                heading="Indsatsen findes ikke",
                lines=[f"Der er ingen indsats nr. {number}."],
            )
        evaluations = list(reversed(row.evaluations))
        editable = can_edit(info.user, row)
    return render(
        request,
        "intervention.html",
        status_code=status,
        title=f"Indsats {row.number}",
        intervention=row,
        evaluations=evaluations,
        editable=editable,
        lights=TRAFFIC_LIGHTS,
        today=date.today().isoformat(),
        error=error,
    )


@router.get("/indsatser/{number}")
def intervention_page(request: Request, number: str, info: Reader) -> Response:
    return _detail(request, info, number)


@router.post("/indsatser/{number}/status")
def add_evaluation(
    request: Request,
    number: str,
    info: Editor,
    traffic_light: Annotated[str, Form(max_length=10)],
    day: Annotated[str, Form(max_length=10)],
    description: Annotated[str, Form(max_length=TEXT)] = "",
    target_group: Annotated[str, Form(max_length=TEXT)] = "",
    progress: Annotated[str, Form(max_length=TEXT)] = "",
    results: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    """A new status evaluation by the intervention's owner (or an analyst or admin)."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return _detail(
            request, info, number, error=f"'{day}' er ikke en dato (ÅÅÅÅ-MM-DD).", status=400
        )
    data = EvaluationData(
        date=when,
        author=info.user.display_name or info.user.username,
        traffic_light=traffic_light,
        description=description.strip(),
        target_group=target_group.strip(),
        progress=progress.strip(),
        results=results.strip(),
    )
    try:
        with transaction(request) as session:
            row = get_intervention(session, number)
            if row is None or not can_edit(info.user, row):
                raise Forbidden()
            save_evaluation(session, number, data, who=info.user.username)
    except UserError as exc:  # rolled back: nothing half-written
        return _detail(request, info, number, error=str(exc), status=400)
    return RedirectResponse(f"/indsatser/{number}#status", status_code=303)


def _editable_goals(session: Session, info: SessionInfo) -> set[str]:
    """Goals the user may enter values for: those of interventions they may edit; goals
    without an intervention (population goals) only for analysts and admins."""
    wide = info.user.role in ("admin", "analyst")
    return {
        goal.key
        for goal in list_goals(session)
        if (goal.intervention is not None and can_edit(info.user, goal.intervention))
        or (goal.intervention is None and wide)
    }


def _board(request: Request, info: SessionInfo, *, error: str = "", status: int = 200) -> Response:
    data = request.app.state.data
    with transaction(request) as session:
        board = goal_board(session, data.rule)
        editable = _editable_goals(session, info)
    return render(
        request,
        "goals.html",
        status_code=status,
        title="Mål",
        board=board,
        editable=editable,
        today=date.today().isoformat(),
        error=error,
    )


@router.get("/maal")
def goals_page(request: Request, info: Reader) -> Response:
    """The goal board (måltavle): baseline, target, latest value, status and trend per goal."""
    return _board(request, info)


@router.post("/maal/{key}/maaling")
def add_measurement(
    request: Request,
    key: str,
    info: Editor,
    day: Annotated[str, Form(max_length=10)],
    value: Annotated[str, Form(max_length=30)],
    note: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    """A value entered by hand for a goal of an intervention the user may edit."""
    try:
        when = date.fromisoformat(day)
        number = parse_danish_number(value)
    except ValueError:
        return _board(
            request,
            info,
            status=400,
            error=f"Skriv datoen som ÅÅÅÅ-MM-DD og værdien som et tal (fik '{day}' og '{value}').",
        )
    try:
        with transaction(request) as session:
            if key not in _editable_goals(session, info):
                raise Forbidden()
            record_measurement(session, key, when, number, who=info.user.username, note=note)
    except UserError as exc:
        return _board(request, info, error=str(exc), status=400)
    return RedirectResponse("/maal", status_code=303)
