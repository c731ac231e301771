"""Realised saving against a baseline share (realiseret besparelse; domain.md §8, seed 002).

Had the share of the age group on public support stayed at the baseline, the municipality would
now have ``baseline share × current population`` full-time persons (the counterfactual); the
difference to the actual number is the avoided full-time persons, and the saving is that times a
net unit cost (kr. per full-time person a year): at least the cheapest benefit's, at most the
actual benefit mix's. Every step is kept with its Danish explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ungeindsats.economics.text import danish, kroner, millions, percent


@dataclass(frozen=True)
class UnitCost:
    """A net unit cost: kroner per full-time person a year, what it is and where it comes from."""

    amount: float
    label: str
    source: str


@dataclass(frozen=True)
class Step:
    """One step of a calculation: its Danish name, value, unit and how it was worked out."""

    label: str
    value: float
    unit: str
    how: str


@dataclass(frozen=True)
class AreaCount:
    """Full-time persons on public support and the population of the age group in a period."""

    period: str
    fte: float
    population: float

    @property
    def share(self) -> float:
        return self.fte / self.population


@dataclass(frozen=True)
class RealisedSaving:
    """The realised saving and each step behind it (``steps`` in order)."""

    baseline: AreaCount
    current: AreaCount
    counterfactual_fte: float
    avoided_fte: float
    low: float
    high: float | None
    cheapest: UnitCost
    mix: UnitCost | None
    steps: tuple[Step, ...]


def realised_saving(
    baseline: AreaCount, current: AreaCount, cheapest: UnitCost, mix: UnitCost | None = None
) -> RealisedSaving:
    """Counterfactual = baseline share × current population; avoided = counterfactual − actual;
    saving from avoided × cheapest unit cost to avoided × the actual mix's unit cost."""
    if baseline.population <= 0 or current.population <= 0:
        raise ValueError("befolkningstallet skal være større end 0 i begge perioder")
    counterfactual = baseline.share * current.population
    avoided = counterfactual - current.fte
    low = avoided * cheapest.amount
    high = avoided * mix.amount if mix is not None else None
    steps = [
        Step(
            f"Fuldtidspersoner {baseline.period}",
            baseline.fte,
            "fuldtidspersoner",
            f"{danish(baseline.fte, 1)} af {kroner(baseline.population)} i aldersgruppen "
            f"= {percent(baseline.share)}",
        ),
        Step(
            f"Andel {baseline.period}",
            baseline.share * 100,
            "pct.",
            "udgangsandelen, som holdes fast",
        ),
        Step(
            f"Fuldtidspersoner {current.period}",
            current.fte,
            "fuldtidspersoner",
            f"{danish(current.fte, 1)} af {kroner(current.population)} i aldersgruppen "
            f"= {percent(current.share)}",
        ),
        Step(f"Andel {current.period}", current.share * 100, "pct.", "den faktiske andel nu"),
        Step(
            "Forventet uden ændring",
            counterfactual,
            "fuldtidspersoner",
            f"{percent(baseline.share, 2)} × {kroner(current.population)} = "
            f"{danish(counterfactual, 1)}",
        ),
        Step(
            "Undgåede fuldtidspersoner",
            avoided,
            "fuldtidspersoner",
            f"{danish(counterfactual, 1)} − {danish(current.fte, 1)} = {danish(avoided, 1)}",
        ),
        Step(
            "Besparelse, mindst",
            low,
            "kr. pr. år",
            f"{danish(avoided, 1)} × {kroner(cheapest.amount)} kr. ({cheapest.label}; "
            f"{cheapest.source}) = {millions(low)}",
        ),
    ]
    if mix is not None and high is not None:
        steps.append(
            Step(
                "Besparelse, med den faktiske ydelsesfordeling",
                high,
                "kr. pr. år",
                f"{danish(avoided, 1)} × {kroner(mix.amount)} kr. ({mix.label}; {mix.source}) "
                f"= {millions(high)}",
            )
        )
    return RealisedSaving(
        baseline, current, counterfactual, avoided, low, high, cheapest, mix, tuple(steps)
    )
