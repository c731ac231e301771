"""The steering step of the main job (``make run``): the demo action plan and its goal board.

Loads the demo action plan (seed 000 and 002, ``demo_plan.yaml``) into the steering database when
the database holds no plan yet, measures the goals linked to indicators from the warehouse up to
the main job's month, and returns the goal board for that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.periods import Period
from ungeindsats.steering.board import GoalBoard, goal_board
from ungeindsats.steering.db import open_steering
from ungeindsats.steering.measure import measure_goals
from ungeindsats.steering.models import Intervention
from ungeindsats.steering.plan_file import import_plan
from ungeindsats.warehouse import Warehouse

DEMO_PLAN = Path(__file__).with_name("demo_plan.yaml")


@dataclass(frozen=True)
class SteeringStep:
    messages: list[str]
    board: GoalBoard


def steering_step(
    url: str,
    warehouse: Warehouse,
    rule: DisclosureRule,
    month: Period,
    *,
    who: str,
    refresh: bool = False,
) -> SteeringStep:
    """Demo plan in (once), goals measured, the goal board for ``month`` out. ``refresh``
    re-measures every month (the main job asks for it when an import changed the data)."""
    messages = []
    with open_steering(url) as db:
        with db.begin() as session:
            if not session.scalar(select(func.count()).select_from(Intervention)):
                messages.append(str(import_plan(session, DEMO_PLAN, who=who)))
        with db.begin() as session:
            messages.append(str(measure_goals(session, warehouse, month, refresh=refresh)))
        with db.begin() as session:
            board = goal_board(session, rule, as_of=month.end_date)
    return SteeringStep(messages, board)
