"""The state refund ladder (refusionstrappen) in force from 2016.

The refund a municipality gets for a benefit it pays, or its co-financing (medfinansiering) of a
benefit paid by others such as A-dagpenge, depends on the person's total weeks on public support
("samlet varighed i offentlig forsørgelse"). Data: `refund_ladder.csv` (STAR, refusionsreformen;
source in the file header), whose column `state_refusion_pct` becomes `state_refund_pct`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ungeindsats.classifications._csvfile import CsvSource, package_file, parse_int, read_rows

_COLUMNS = ("step", "weeks_from", "weeks_to", "state_refusion_pct", "municipal_cofinancing_pct")


@dataclass(frozen=True, slots=True)
class RefundStep:
    """One step of the ladder: weeks `weeks_from`–`weeks_to` (inclusive; None = no end)."""

    step: int
    weeks_from: int
    weeks_to: int | None
    state_refund_pct: int
    municipal_cofinancing_pct: int


def _read(source: CsvSource) -> tuple[RefundStep, ...]:
    steps = tuple(
        RefundStep(
            step=parse_int(row["step"]),
            weeks_from=parse_int(row["weeks_from"]),
            weeks_to=parse_int(row["weeks_to"]) if row["weeks_to"] else None,
            state_refund_pct=parse_int(row["state_refusion_pct"]),
            municipal_cofinancing_pct=parse_int(row["municipal_cofinancing_pct"]),
        )
        for row in read_rows(source, _COLUMNS)
    )
    _check(steps)
    return steps


def _check(steps: Sequence[RefundStep]) -> None:
    """The steps must cover week 1 onwards without gaps or overlaps, the last one open-ended."""
    if not steps:
        raise ValueError("Refusionstrappen er tom")
    expected_from = 1
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if step.weeks_from != expected_from or (step.weeks_to is None) != last:
            raise ValueError(
                "Refusionstrappen skal dække uge 1 og frem uden huller; "
                f"trin {step.step} passer ikke"
            )
        if step.weeks_to is not None:
            expected_from = step.weeks_to + 1


@cache
def _default() -> tuple[RefundStep, ...]:
    return _read(package_file("refund_ladder.csv"))


def refund_ladder(path: str | Path | None = None) -> tuple[RefundStep, ...]:
    """The ladder's steps from the shipped file, or from the user's file at `path`."""
    return _default() if path is None else _read(path)


def refund_step_for_week(
    total_weeks: int, ladder: Sequence[RefundStep] | None = None
) -> RefundStep:
    """The step that applies in the person's `total_weeks`-th week on public support (week 1 first).

    `ladder` defaults to the shipped one. Raises ValueError for weeks below 1.
    """
    if total_weeks < 1:
        raise ValueError(f"Ugenummeret skal være mindst 1, fik {total_weeks}")
    for step in ladder if ladder is not None else refund_ladder():
        if step.weeks_to is None or total_weeks <= step.weeks_to:
            return step
    # Only reachable with a ladder built by hand without an open-ended last step.
    raise ValueError(f"Ingen trin i refusionstrappen dækker uge {total_weeks}")
