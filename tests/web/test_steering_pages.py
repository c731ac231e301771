"""Interventions and goals on the dashboard: everybody reads, an editor writes status
evaluations for own interventions only, every change is audited, nothing is half-written."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ungeindsats.steering.audit import history
from ungeindsats.steering.models import Measurement, StatusEvaluation
from ungeindsats.steering.plan import get_goal, get_intervention

FORM_HEADING = "Skriv en ny statusevaluering"


def _evaluation(**fields: str) -> dict[str, str]:
    return {
        "day": "2019-03-01",
        "traffic_light": "gul",
        "progress": "Halvvejs.",
        **fields,
    }


def _evaluations(app: Any, number: str) -> list[StatusEvaluation]:
    with app.state.steering.begin() as session:
        row = get_intervention(session, number)
        assert row is not None
        return list(
            session.scalars(
                select(StatusEvaluation).where(StatusEvaluation.intervention_id == row.id)
            )
        )


def test_everybody_reads_the_plan_and_the_board(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    listing = viewer.get("/indsatser")
    assert listing.status_code == 200
    assert "Forebyggende samarbejde om udsatte familier" in listing.text  # 1a, seed 000
    detail = viewer.get("/indsatser/1a")
    assert detail.status_code == 200
    assert "Statusevalueringer" in detail.text and "Mercantec" in detail.text
    assert FORM_HEADING not in detail.text
    assert viewer.get("/indsatser/findes-ikke").status_code == 404
    board = viewer.get("/maal")
    assert board.status_code == 200
    assert "<caption>Mål: udgangspunkt, mål og seneste måling</caption>" in board.text


def test_an_editor_writes_evaluations_for_own_interventions_only(
    web_app: Any, clients: Any
) -> None:
    editor = clients.as_role("editor")
    own = editor.get("/indsatser/1a")
    assert FORM_HEADING in own.text
    other = editor.get("/indsatser/1b")
    assert FORM_HEADING not in other.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', own.text)
    assert token
    before_other = len(_evaluations(web_app, "1b"))
    refused = editor.post(
        "/indsatser/1b/status", data={**_evaluation(), "csrf_token": token.group(1)}
    )
    assert refused.status_code == 403
    assert len(_evaluations(web_app, "1b")) == before_other

    saved = editor.post(
        "/indsatser/1a/status",
        data={**_evaluation(results="Tre nye aftaler."), "csrf_token": token.group(1)},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/indsatser/1a#status"
    new = [e for e in _evaluations(web_app, "1a") if e.results == "Tre nye aftaler."]
    assert len(new) == 1 and new[0].traffic_light == "gul"
    assert "Tre nye aftaler." in editor.get("/indsatser/1a").text
    with web_app.state.steering.begin() as session:
        entries = history(session, "evaluation", new[0].id)
    assert [(e.who, e.action) for e in entries] == [("editor", "create")]


def test_analysts_edit_every_intervention_viewers_none(web_app: Any, clients: Any) -> None:
    analyst = clients.as_role("analyst")
    token = analyst.csrf("/indsatser/1b")
    response = analyst.post(
        "/indsatser/1b/status", data={**_evaluation(day="2019-04-01"), "csrf_token": token}
    )
    assert response.status_code == 303
    viewer = clients.as_role("viewer")
    token = viewer.csrf("/data")
    before = len(_evaluations(web_app, "1a"))
    response = viewer.post("/indsatser/1a/status", data={**_evaluation(), "csrf_token": token})
    assert response.status_code == 403
    assert len(_evaluations(web_app, "1a")) == before


def test_a_bad_evaluation_is_refused_whole(web_app: Any, clients: Any) -> None:
    editor = clients.as_role("editor")
    token = editor.csrf("/indsatser/1a")
    before = len(_evaluations(web_app, "1a"))
    wrong_light = editor.post(
        "/indsatser/1a/status",
        data={**_evaluation(traffic_light="lilla"), "csrf_token": token},
    )
    assert wrong_light.status_code == 400
    assert "Trafiklys skal være" in wrong_light.text
    wrong_day = editor.post(
        "/indsatser/1a/status", data={**_evaluation(day="1. marts"), "csrf_token": token}
    )
    assert wrong_day.status_code == 400
    assert "er ikke en dato" in wrong_day.text
    no_token = editor.post("/indsatser/1a/status", data=_evaluation())
    assert no_token.status_code == 403
    assert len(_evaluations(web_app, "1a")) == before


def _measurements(app: Any, key: str) -> list[Measurement]:
    with app.state.steering.begin() as session:
        goal = get_goal(session, key)
        assert goal is not None
        return list(goal.measurements)


def test_goal_values_are_entered_for_own_interventions_only(web_app: Any, clients: Any) -> None:
    """The editor owns intervention 11, whose goal is "jobparate-under-30" (seed 002: from 41
    to 15 helårspersoner); goal "sager-pr-sagsbehandler" belongs to intervention 3 and the
    population goals to no intervention: analysts and admins only."""
    editor = clients.as_role("editor")
    board = editor.get("/maal")
    assert 'action="/maal/jobparate-under-30/maaling"' in board.text
    assert 'action="/maal/sager-pr-sagsbehandler/maaling"' not in board.text
    token = editor.csrf("/maal")
    form = {"day": "2018-06-01", "value": "23", "csrf_token": token}
    for other in ("sager-pr-sagsbehandler", "offentlig-forsoergelse-andel-18-29"):
        before = len(_measurements(web_app, other))
        assert editor.post(f"/maal/{other}/maaling", data=form).status_code == 403
        assert len(_measurements(web_app, other)) == before
    saved = editor.post("/maal/jobparate-under-30/maaling", data=form)
    assert saved.status_code == 303
    [entered] = [m for m in _measurements(web_app, "jobparate-under-30") if m.value == 23.0]
    assert (entered.source, entered.entered_by) == ("manual", "editor")
    with web_app.state.steering.begin() as session:
        assert [e.who for e in history(session, "measurement", entered.id)] == ["editor"]
    wrong = editor.post("/maal/jobparate-under-30/maaling", data={**form, "value": "mange"})
    assert wrong.status_code == 400 and "som et tal" in wrong.text
    analyst = clients.as_role("analyst")
    token = analyst.csrf("/maal")
    response = analyst.post(
        "/maal/offentlig-forsoergelse-andel-18-29/maaling",
        data={"day": "2019-02-01", "value": "14,2", "csrf_token": token},
    )
    assert response.status_code == 303
    values = [m.value for m in _measurements(web_app, "offentlig-forsoergelse-andel-18-29")]
    assert 14.2 in values  # "14,2" read with a decimal comma
    # A point between groups of three digits separates thousands, as Danes write them
    # ("1.234" is 1234, not 1.234); "inf" is no number.
    for text, value in (("1.234", 1234.0), ("2.500,5", 2500.5)):
        response = analyst.post(
            "/maal/sager-pr-sagsbehandler/maaling",
            data={"day": "2019-03-01", "value": text, "csrf_token": token},
        )
        assert response.status_code == 303
        assert value in [m.value for m in _measurements(web_app, "sager-pr-sagsbehandler")]
    refused = analyst.post(
        "/maal/sager-pr-sagsbehandler/maaling",
        data={"day": "2019-03-01", "value": "inf", "csrf_token": token},
    )
    assert refused.status_code == 400
