"""Action plan services (handleplan): interventions, status evaluations, goals, measurements.

Every function works in the caller's transaction and writes an audit entry for each row it
creates, changes or deletes; saving a row with the values it already has changes nothing and
writes nothing (so loading the same plan twice is a no-op). Rows are found by their natural
keys: an intervention by its number, a goal by its key, an evaluation by intervention, date and
author, a measurement by goal and date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import audit
from ungeindsats.steering.models import (
    DIRECTIONS,
    GOAL_KINDS,
    MEASUREMENT_SOURCES,
    TRAFFIC_LIGHTS,
    Base,
    Goal,
    Intervention,
    Measurement,
    StatusEvaluation,
    utcnow,
)
from ungeindsats.steering.users import UserInfo


@dataclass(frozen=True)
class InterventionData:
    """An intervention's fields (nummer, titel, spor, formål, målgruppe, ejer, ...)."""

    number: str
    title: str
    track: int
    purpose: str = ""
    target_group: str = ""
    owner: str = ""
    owner_user_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str = ""
    budget: float | None = None
    business_case_id: str | None = None


@dataclass(frozen=True)
class EvaluationData:
    """A status evaluation (dato, forfatter, hvad, målgruppe, hvor langt, resultater, lys)."""

    date: date
    author: str
    traffic_light: str
    description: str = ""
    target_group: str = ""
    progress: str = ""
    results: str = ""


@dataclass(frozen=True)
class GoalData:
    """A goal; ``indicator_query`` holds ``municipality``, ``ages`` [lo, hi] and ``filters``."""

    key: str
    title: str
    kind: str
    direction: str
    baseline_value: float
    baseline_date: date
    target_value: float | None = None
    target_date: date | None = None
    unit: str = ""
    intervention_number: str | None = None
    indicator: str | None = None
    indicator_query: dict[str, Any] | None = None
    note: str = ""


def _apply(session: Session, row: Base, values: dict[str, Any], *, who: str, entity: str) -> bool:
    """Set ``values`` on ``row`` (new or existing) and audit the change. True if it changed."""
    is_new = row not in session
    before = None if is_new else audit.snapshot(row)
    changed = is_new
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if not changed:
        return False
    if isinstance(row, Intervention):
        row.updated_at = utcnow()
    session.add(row)
    session.flush()
    after = audit.snapshot(row)
    action = "create" if is_new else "update"
    audit.record(session, who, action, entity, after["id"], before, after)
    return True


def _delete(session: Session, row: Base, *, who: str, entity: str) -> None:
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, who, "delete", entity, before["id"], before, None)


def get_intervention(session: Session, number: str) -> Intervention | None:
    return session.scalar(select(Intervention).where(Intervention.number == number))


def _intervention(session: Session, number: str) -> Intervention:
    found = get_intervention(session, number)
    if found is None:
        raise UserError(f"Indsatsen '{number}' findes ikke.")
    return found


def save_intervention(session: Session, data: InterventionData, *, who: str) -> bool:
    """Create the intervention or update the one with the same number. True if anything changed."""
    if data.track not in (1, 2):
        raise UserError(f"Indsats {data.number}: spor skal være 1 eller 2, ikke {data.track}.")
    row = get_intervention(session, data.number) or Intervention(created_at=utcnow())
    return _apply(session, row, dataclasses.asdict(data), who=who, entity="intervention")


def delete_intervention(session: Session, number: str, *, who: str) -> None:
    """Delete an intervention with its evaluations (each audited); its goals stay, unlinked."""
    row = _intervention(session, number)
    for evaluation in list(row.evaluations):
        _delete(session, evaluation, who=who, entity="evaluation")
    session.expire(row, ["evaluations"])  # already deleted; the cascade must not try again
    _delete(session, row, who=who, entity="intervention")


def save_evaluation(session: Session, number: str, data: EvaluationData, *, who: str) -> bool:
    """Add a status evaluation to intervention ``number`` (or update the one with the same
    date and author)."""
    if data.traffic_light not in TRAFFIC_LIGHTS:
        raise UserError(
            f"Trafiklys skal være {', '.join(TRAFFIC_LIGHTS)}, ikke '{data.traffic_light}'."
        )
    intervention = _intervention(session, number)
    row = session.scalar(
        select(StatusEvaluation).where(
            StatusEvaluation.intervention_id == intervention.id,
            StatusEvaluation.date == data.date,
            StatusEvaluation.author == data.author,
        )
    ) or StatusEvaluation(intervention_id=intervention.id, created_at=utcnow())
    return _apply(session, row, dataclasses.asdict(data), who=who, entity="evaluation")


def get_goal(session: Session, key: str) -> Goal | None:
    return session.scalar(select(Goal).where(Goal.key == key))


def save_goal(session: Session, data: GoalData, *, who: str) -> bool:
    """Create the goal or update the one with the same key. True if anything changed."""
    if data.kind not in GOAL_KINDS:
        raise UserError(f"Mål {data.key}: ukendt type '{data.kind}'.")
    if data.direction not in DIRECTIONS:
        raise UserError(f"Mål {data.key}: retning skal være op eller ned.")
    if (data.target_value is None) != (data.target_date is None):
        raise UserError(f"Mål {data.key}: måltal kræver både værdi og dato.")
    values = dataclasses.asdict(data)
    number = values.pop("intervention_number")
    values["intervention_id"] = None if number is None else _intervention(session, number).id
    row = get_goal(session, data.key) or Goal(created_at=utcnow())
    return _apply(session, row, values, who=who, entity="goal")


def delete_goal(session: Session, key: str, *, who: str) -> None:
    goal = get_goal(session, key)
    if goal is None:
        raise UserError(f"Målet '{key}' findes ikke.")
    for measurement in list(goal.measurements):
        _delete(session, measurement, who=who, entity="measurement")
    session.expire(goal, ["measurements"])
    _delete(session, goal, who=who, entity="goal")


def record_measurement(
    session: Session,
    goal_key: str,
    day: date,
    value: float,
    *,
    who: str,
    source: str = "manual",
    period: str | None = None,
    persons: int | None = None,
    note: str = "",
) -> bool:
    """Record the goal's value at ``day``: entered by hand (``who`` is the person) or from the
    indicator engine. A measurement from the engine never replaces one entered by hand."""
    if source not in MEASUREMENT_SOURCES:
        raise ValueError(f"unknown measurement source {source!r}")
    goal = get_goal(session, goal_key)
    if goal is None:
        raise UserError(f"Målet '{goal_key}' findes ikke.")
    row = session.scalar(
        select(Measurement).where(Measurement.goal_id == goal.id, Measurement.date == day)
    )
    if row is not None and row.source == "manual" and source == "indicator":
        return False
    if row is None:
        row = Measurement(goal_id=goal.id, entered_at=utcnow())
    values = {
        "value": value,
        "period": period,
        "persons": persons,
        "source": source,
        "note": note,
        "date": day,
    }
    if row in session and all(getattr(row, k) == v for k, v in values.items()):
        return False
    return _apply(
        session,
        row,
        {**values, "entered_by": who, "entered_at": utcnow()},
        who=who,
        entity="measurement",
    )


def list_interventions(session: Session) -> list[Intervention]:
    """Every intervention with its evaluations, by track and number (1a, 1b, ..., 2, ..., 13)."""
    rows = session.scalars(
        select(Intervention).options(selectinload(Intervention.evaluations))
    ).all()
    return sorted(rows, key=lambda r: (r.track, _natural(r.number)))


def list_goals(session: Session) -> list[Goal]:
    """Every goal with its measurements and intervention, population indicators first."""
    rows = session.scalars(
        select(Goal).options(selectinload(Goal.measurements), selectinload(Goal.intervention))
    ).all()
    return sorted(rows, key=lambda g: (g.kind != "population", g.id))


def _natural(number: str) -> tuple[int, str]:
    digits = "".join(c for c in number if c.isdigit())
    return (int(digits) if digits else 0, number)


def can_edit(user: UserInfo, intervention: Intervention) -> bool:
    """Admins and analysts edit every intervention; an editor only those they own."""
    if user.role in ("admin", "analyst"):
        return True
    return user.role == "editor" and intervention.owner_user_id == user.id
