"""Measuring goals from the indicator engine (automatisk måling).

A goal linked to an indicator (``Goal.indicator`` with its municipality, age band and filters)
is measured for every month from its baseline month to the asked month; each month's value is
stored at the month's last day with the persons behind it (for disclosure control at output).
A value entered by hand for the same date is kept (the engine never overwrites people).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ungeindsats.indicators import IndicatorError, Query, get_indicator
from ungeindsats.periods import Period, PeriodRange, parse_period
from ungeindsats.steering import plan
from ungeindsats.steering.models import Goal
from ungeindsats.warehouse import Warehouse

ENGINE = "nøgletalsmotoren"
"""The ``entered_by`` of measurements from the indicator engine."""


@dataclass(frozen=True)
class MeasureSummary:
    goals: int
    changed: int
    unchanged: int
    skipped: tuple[str, ...] = ()  # "key: reason" for goals the warehouse cannot measure

    def __str__(self) -> str:
        text = (
            f"{self.goals} mål målt fra nøgletallene: {self.changed} målinger nye eller ændrede, "
            f"{self.unchanged} uændrede."
        )
        return "\n".join([text, *(f"  Ikke målt: {s}" for s in self.skipped)])


def goal_query(goal: Goal, months: list[Period]) -> Query:
    """The indicator query a goal's link describes, for the given months."""
    spec = goal.indicator_query or {}
    ages = spec.get("ages")
    return Query(
        municipalities=(int(spec["municipality"]),),
        periods=tuple(months),
        ages=(int(ages[0]), int(ages[1])) if ages else None,
        filters={name: tuple(values) for name, values in (spec.get("filters") or {}).items()},
    )


def measure_goals(
    session: Session, warehouse: Warehouse, until: Period, *, refresh: bool = False
) -> MeasureSummary:
    """Measure every indicator-linked goal monthly from its baseline month to ``until``.

    Only months without a measurement are computed unless ``refresh`` (after a re-delivery of
    data that changes past months): one indicator call costs about the same for one month as for
    fifty at national scale, so the main job's repeated runs then cost nothing."""
    if until.kind != "month":
        raise ValueError("mål måles månedsvis; angiv en måned, fx 2019M02")
    goals = changed = unchanged = 0
    skipped = []
    for goal in plan.list_goals(session):
        if not goal.indicator:
            continue
        first = Period("month", goal.baseline_date.year, goal.baseline_date.month)
        if until < first:
            continue
        months = PeriodRange(first, until).periods()
        if not refresh:
            measured = {m.date for m in goal.measurements}
            months = [p for p in months if p.end_date not in measured]
        if not months:
            goals += 1
            continue
        query = goal_query(goal, months)
        try:
            result = get_indicator(goal.indicator)(warehouse, query)
        except IndicatorError as exc:  # e.g. no population figures yet: the others still count
            skipped.append(f"{goal.key}: {exc}")
            continue
        goals += 1
        for row in result.rows():
            if row["value"] is None:
                continue
            period = parse_period(str(row["period"]))
            done = plan.record_measurement(
                session,
                goal.key,
                period.end_date,
                float(row["value"]),
                who=ENGINE,
                source="indicator",
                period=period.label(),
                persons=None if row.get("persons") is None else int(row["persons"]),
            )
            changed += done
            unchanged += not done
    return MeasureSummary(goals, changed, unchanged, tuple(skipped))
