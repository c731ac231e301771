"""The goal board (måltavle): every goal with baseline, target, latest value and status.

One data model for every output (CLI, main job, dashboard, reports). Disclosure control is
applied here, once: a measurement from the indicator engine that rests on fewer persons than the
rule allows is left out of the board (it is not publishable), so neither the latest value nor
the status, variance or trend can reveal it. Values entered by hand or stated in the plan are
aggregates people have already published; they rest on no persons in our data and are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.steering import plan
from ungeindsats.steering.models import Goal
from ungeindsats.steering.scorecard import Point, Scorecard, scorecard


@dataclass(frozen=True)
class BoardRow:
    """One goal on the board."""

    key: str
    title: str
    unit: str
    kind: str  # population | performance
    intervention: str | None  # the intervention's number
    direction: str
    baseline: Point
    target: Point | None
    card: Scorecard
    latest_source: str | None  # indicator | manual
    latest_period: str | None  # the indicator period (2019M02); None when entered by hand
    hidden: int  # measurements left out by disclosure control


@dataclass(frozen=True)
class GoalBoard:
    rows: tuple[BoardRow, ...]
    as_of: date | None
    marker: str


def _row(goal: Goal, rule: DisclosureRule, as_of: date | None) -> BoardRow:
    shown = []
    hidden = 0
    for m in goal.measurements:
        if as_of is not None and m.date > as_of:
            continue
        if m.source == "indicator" and rule.is_sensitive(m.persons):
            hidden += 1
            continue
        shown.append(m)
    points = [Point(m.date, m.value) for m in shown]
    target = None
    if goal.target_value is not None and goal.target_date is not None:
        target = Point(goal.target_date, goal.target_value)
    baseline = Point(goal.baseline_date, goal.baseline_value)
    latest = max(shown, key=lambda m: m.date) if shown else None
    return BoardRow(
        key=goal.key,
        title=goal.title,
        unit=goal.unit,
        kind=goal.kind,
        intervention=goal.intervention.number if goal.intervention else None,
        direction=goal.direction,
        baseline=baseline,
        target=target,
        card=scorecard(goal.direction, baseline, target, points),
        latest_source=latest.source if latest else None,
        latest_period=latest.period if latest else None,
        hidden=hidden,
    )


def goal_board(session: Session, rule: DisclosureRule, as_of: date | None = None) -> GoalBoard:
    """The board of every goal, with measurements up to ``as_of`` (all when None)."""
    rows = tuple(_row(goal, rule, as_of) for goal in plan.list_goals(session))
    return GoalBoard(rows, as_of, rule.marker)
