"""Scorecard logic for one goal (målopfølgning): actual against target and path, and the trend.

Pure functions on plain values; the goal board (``board.py``) feeds them from the database.
Definitions (our choices where the seeds are silent, see docs/steering.md):

- the **path** (målsti) is the straight line from the baseline (value, date) to the target
  (value, date); before the baseline date it is the baseline, after the target date the target;
- a goal is **reached** when the latest value is at or beyond the target in the goal's direction;
  **on track** when it is at or beyond the path's value at the latest measurement's date;
  **worsening** when it is worse than the baseline; otherwise **off track**;
- **progress** is the share of the way from baseline to target covered (100 % = reached; it can
  pass 100 % or go below 0 %); **variance** is latest minus target; **change** is latest minus
  baseline (all in the goal's unit);
- the **trend** is the direction of the last change between consecutive measurements (the
  baseline counts as the first value when nothing was measured on or before its date), and its
  **length** is how many consecutive changes, counted back from the latest, went the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

EPSILON = 1e-9
"""Values closer than this are equal (measurements are floats)."""

STATUS_LABELS = {
    "reached": "Nået",
    "on_track": "På sporet",
    "off_track": "Bagud",
    "worsening": "Forværret",
    "no_data": "Ingen måling",
    "no_target": "Intet måltal",
}
TREND_LABELS = {"improving": "bedring", "worsening": "forværring", "flat": "uændret"}


@dataclass(frozen=True)
class Point:
    """A value at a date."""

    date: date
    value: float


@dataclass(frozen=True)
class Trend:
    direction: str  # improving | worsening | flat
    periods: int  # consecutive changes in that direction, counted back from the latest

    def label(self) -> str:
        unit = "periode" if self.periods == 1 else "perioder"
        return f"{TREND_LABELS[self.direction]} i {self.periods} {unit}"


@dataclass(frozen=True)
class Scorecard:
    """Where one goal stands at its latest measurement."""

    status: str
    latest: Point | None
    expected: float | None  # the path's value at the latest date
    variance: float | None  # latest − target
    progress_pct: float | None  # % of the way from baseline to target
    change: float | None  # latest − baseline
    trend: Trend | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _sign(difference: float, direction: str) -> int:
    """+1 when the difference is an improvement in the goal's direction, −1 worse, 0 equal."""
    if abs(difference) <= EPSILON:
        return 0
    better = difference < 0 if direction == "down" else difference > 0
    return 1 if better else -1


def path_value(baseline: Point, target: Point, day: date) -> float:
    """The straight-line path's value at ``day`` (clamped to the baseline and the target)."""
    span = (target.date - baseline.date).days
    if span <= 0 or day >= target.date:
        return target.value
    if day <= baseline.date:
        return baseline.value
    share = (day - baseline.date).days / span
    return baseline.value + (target.value - baseline.value) * share


def trend(values: Sequence[float], direction: str) -> Trend | None:
    """The direction of the last change and how many changes in a row went that way."""
    if len(values) < 2:
        return None
    signs = [_sign(b - a, direction) for a, b in itertools.pairwise(values)]
    last = signs[-1]
    periods = 0
    for sign in reversed(signs):
        if sign != last:
            break
        periods += 1
    name = {1: "improving", -1: "worsening", 0: "flat"}[last]
    return Trend(name, periods)


def scorecard(
    direction: str,
    baseline: Point,
    target: Point | None,
    measurements: Sequence[Point],
) -> Scorecard:
    """The scorecard of a goal from its baseline, target and measurements (any order)."""
    if direction not in ("down", "up"):
        raise ValueError(f"direction must be 'down' or 'up', not {direction!r}")
    ordered = sorted(measurements, key=lambda p: p.date)
    if not ordered:
        return Scorecard("no_data", None, None, None, None, None, None)
    latest = ordered[-1]
    series = [p.value for p in ordered]
    if ordered[0].date > baseline.date:  # the baseline starts the series unless measured
        series.insert(0, baseline.value)
    change = latest.value - baseline.value
    movement = trend(series, direction)
    if target is None:
        return Scorecard("no_target", latest, None, None, None, change, movement)
    expected = path_value(baseline, target, latest.date)
    gap = target.value - baseline.value
    progress = None if abs(gap) <= EPSILON else 100 * change / gap
    if _sign(latest.value - target.value, direction) >= 0:
        status = "reached"
    elif _sign(latest.value - expected, direction) >= 0:
        status = "on_track"
    elif _sign(change, direction) < 0:
        status = "worsening"
    else:
        status = "off_track"
    return Scorecard(
        status, latest, expected, latest.value - target.value, progress, change, movement
    )
