"""Scorecard logic on hand-worked goals (no database needed)."""

from __future__ import annotations

from datetime import date

import pytest

from ungeindsats.steering.scorecard import Point, Trend, path_value, scorecard, trend

# The job-ready goal of seed 000: 41 full-year persons in Oct 2016, target 15. The seed gives no
# date for the target; here it is one year on (2017-10-31), as in the demo plan.
BASE = Point(date(2016, 10, 31), 41)
TARGET = Point(date(2017, 10, 31), 15)


def test_on_track_job_ready_february_2017() -> None:
    """Feb 2017 (2017-02-28) is 120 of 365 days along the path, so the path says
    41 − 26 × 120/365 = 41 − 8.548 = 32.452. Measured 27 (better, the goal goes down):
    on track. Variance 27 − 15 = 12; progress (27 − 41)/(15 − 41) = 14/26 = 53.85 %;
    change −14; trend: one change 41 → 27, an improvement, 1 period."""
    card = scorecard("down", BASE, TARGET, [Point(date(2017, 2, 28), 27)])
    assert card.status == "on_track"
    assert card.status_label == "På sporet"
    assert card.expected == pytest.approx(41 - 26 * 120 / 365)
    assert card.expected == pytest.approx(32.452, abs=1e-3)
    assert card.variance == 12
    assert card.progress_pct == pytest.approx(53.846, abs=1e-3)
    assert card.change == -14
    assert card.trend == Trend("improving", 1)


def test_off_track_but_better_than_baseline() -> None:
    """Same goal, 35 in Apr 2017 (2017-04-30, 181 days): path 41 − 26 × 181/365 = 28.107.
    35 is above the path (worse) but below the baseline 41 (better): off track.
    Progress 6/26 = 23.08 %. Series 41 → 38 (Jan) → 35: two improvements in a row."""
    points = [Point(date(2017, 1, 31), 38), Point(date(2017, 4, 30), 35)]
    card = scorecard("down", BASE, TARGET, points)
    assert card.status == "off_track"
    assert card.expected == pytest.approx(28.107, abs=1e-3)
    assert card.progress_pct == pytest.approx(23.077, abs=1e-3)
    assert card.trend == Trend("improving", 2)


def test_reached_before_the_target_date() -> None:
    """14 in June 2017: at or below the target 15 is reached, whatever the path says.
    Variance −1; progress 27/26 = 103.85 %."""
    card = scorecard("down", BASE, TARGET, [Point(date(2017, 6, 30), 14)])
    assert card.status == "reached"
    assert card.variance == -1
    assert card.progress_pct == pytest.approx(103.846, abs=1e-3)


def test_exactly_on_target_is_reached_and_exactly_on_path_is_on_track() -> None:
    """Halfway in time on a 100 → 50 path over 200 days: the path says 75 at day 100."""
    base, target = Point(date(2020, 1, 1), 100), Point(date(2020, 7, 19), 50)  # 200 days
    assert scorecard("down", base, target, [Point(date(2020, 7, 19), 50)]).status == "reached"
    on_path = scorecard("down", base, target, [Point(date(2020, 4, 10), 75)])  # day 100
    assert on_path.expected == pytest.approx(75)
    assert on_path.status == "on_track"


def test_worsening_with_trend_length() -> None:
    """41 → 38 → 35 → 42 → 44: the last two changes (+7, +2) are worse for a goal going
    down, and 44 is above the baseline 41: worsening for 2 periods; change +3; progress
    −3/26 = −11.54 %."""
    values = [(date(2016, 12, 31), 38), (date(2017, 1, 31), 35), (date(2017, 2, 28), 42)]
    points = [Point(d, v) for d, v in values] + [Point(date(2017, 3, 31), 44)]
    card = scorecard("down", BASE, TARGET, points)
    assert card.status == "worsening"
    assert card.status_label == "Forværret"
    assert card.change == 3
    assert card.progress_pct == pytest.approx(-11.538, abs=1e-3)
    assert card.trend == Trend("worsening", 2)
    assert card.trend.label() == "forværring i 2 perioder"


def test_goal_going_up() -> None:
    """Face-to-face time (seed 000, intervention 3) from 38 % up; say target 50 % a year on.
    42 % after 3 months (92 of 365 days): path 38 + 12 × 92/365 = 41.025 → on track;
    progress 4/12 = 33.33 %. A fall to 37 % is worse than the baseline: worsening."""
    base, target = Point(date(2016, 10, 1), 38), Point(date(2017, 10, 1), 50)
    card = scorecard("up", base, target, [Point(date(2017, 1, 1), 42)])
    assert card.expected == pytest.approx(41.025, abs=1e-3)
    assert card.status == "on_track"
    assert card.progress_pct == pytest.approx(33.333, abs=1e-3)
    later = [Point(date(2017, 1, 1), 42), Point(date(2017, 2, 1), 37)]
    assert scorecard("up", base, target, later).status == "worsening"


def test_after_the_target_date_the_path_is_the_target() -> None:
    """Nov 2017 is past the target date: the path is 15, and 20 is off track."""
    card = scorecard("down", BASE, TARGET, [Point(date(2017, 11, 30), 20)])
    assert card.expected == 15
    assert card.status == "off_track"
    assert path_value(BASE, TARGET, date(2016, 1, 1)) == 41  # before the baseline


def test_trend_lengths() -> None:
    """Going down: 10, 9, 8, 8, 8 → two flat changes at the end; 5, 6, 4, 3 → two
    improvements (the rise 5 → 6 before them breaks the run); 3, 4, 5, 6 → three worsening."""
    assert trend([10, 9, 8, 8, 8], "down") == Trend("flat", 2)
    assert trend([5, 6, 4, 3], "down") == Trend("improving", 2)
    assert trend([3, 4, 5, 6], "down") == Trend("worsening", 3)
    assert trend([3, 4, 5, 6], "up") == Trend("improving", 3)
    assert trend([7], "down") is None


def test_no_measurement_and_no_target() -> None:
    assert scorecard("down", BASE, TARGET, []).status == "no_data"
    card = scorecard("down", BASE, None, [Point(date(2017, 9, 30), 1869)])
    assert card.status == "no_target"
    assert card.change == 1869 - 41
    assert card.variance is None and card.progress_pct is None


def test_measurement_on_the_baseline_date_replaces_the_baseline_in_the_trend() -> None:
    """Measured 40 on the baseline date, then 39: one improvement from 40 (not from 41)."""
    points = [Point(BASE.date, 40), Point(date(2016, 11, 30), 39)]
    assert scorecard("down", BASE, TARGET, points).trend == Trend("improving", 1)
