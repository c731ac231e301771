"""The outcomes a municipality is benchmarked on: an indicator as a share of a population.

Each outcome is read for all municipalities and periods in one indicator query (never one query
per municipality): the numerator (full-time persons, or persons in restgruppen), the population
it is a share of, and the distinct persons behind the numerator (for disclosure control).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ungeindsats.benchmark.model import F64, BenchmarkError, place
from ungeindsats.indicators import Query, Result
from ungeindsats.indicators.denominators import population
from ungeindsats.indicators.precompute import answer_layer, read_or_compute
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse


@dataclass(frozen=True)
class Outcome:
    """One outcome: ``indicator`` ("fte" or "neet_share") with filters, as a share (pct.)."""

    name: str
    label: str  # Danish
    indicator: str
    unit: str  # what the numerator counts (Danish), e.g. "fuldtidspersoner"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ages: tuple[int, int] = (18, 29)


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "public_support",
            "Unge 18-29 år på offentlig forsørgelse (andel af befolkningen)",
            "fte",
            "fuldtidspersoner",
        ),
        Outcome(
            "temporary",
            "Unge 18-29 år på midlertidige ydelser, gruppe 1-3 (andel af befolkningen)",
            "fte",
            "fuldtidspersoner",
            {"youth_group": ("1", "2", "3")},
        ),
        *(
            Outcome(
                f"youth_group_{g}",
                f"Unge 18-29 år i ungegruppe {g} (andel af befolkningen)",
                "fte",
                "fuldtidspersoner",
                {"youth_group": (str(g),)},
            )
            for g in (1, 2, 3)
        ),
        Outcome(
            "permanent",
            "Unge 18-29 år på permanente ydelser (andel af befolkningen)",
            "fte",
            "fuldtidspersoner",
            {"youth_group": ("4",)},
        ),
        Outcome(
            "neet",
            "Andel i restgruppen (15-24 år)",
            "neet_share",
            "personer",
            ages=(15, 24),
        ),
    )
}
"""Every outcome the benchmark offers, by name (``--outcome NAME``)."""


def get_outcome(name: str) -> Outcome:
    if name not in OUTCOMES:
        raise BenchmarkError(f"ukendt resultatmål '{name}'; mulige: {', '.join(OUTCOMES)}")
    return OUTCOMES[name]


@dataclass(frozen=True)
class OutcomeData:
    """Per (period label, municipality code): numerator, population and persons."""

    outcome: Outcome
    codes: tuple[int, ...]
    periods: tuple[str, ...]
    numerator: F64  # periods × codes
    population: F64
    persons: np.ndarray  # int64, periods × codes
    result: Result  # the indicator's answer (for its source and notes)

    def share(self) -> F64:
        """The outcome in per cent (periods × codes)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(100.0 * self.numerator / self.population, np.float64)


def outcome_data(
    warehouse: Warehouse, outcome: Outcome, codes: Sequence[int], periods: Sequence[Period]
) -> OutcomeData:
    """The outcome for every code and period, from one indicator query. A municipality with
    nobody in the numerator counts 0; one without a population is an error naming it."""
    query = Query(tuple(codes), tuple(periods), ages=outcome.ages, filters=dict(outcome.filters))
    # Read from the precomputed layer after ``ungeindsats compute`` where it holds the answer
    # (all of ``OUTCOMES`` but the single youth groups): the NEET share for every municipality
    # costs about 5 s computed.
    result = read_or_compute(warehouse, answer_layer(warehouse), outcome.indicator, query)
    labels = tuple(p.label() for p in periods)
    row = {label: i for i, label in enumerate(labels)}
    col = {code: j for j, code in enumerate(codes)}
    shape = (len(labels), len(codes))
    numerator, pop = np.zeros(shape), np.full(shape, np.nan)
    persons = np.zeros(shape, np.int64)
    table = result.table
    ij = [
        (row[p], col[int(m)])
        for p, m in zip(table["period"].to_pylist(), table["municipality"].to_pylist(), strict=True)
    ]
    index = tuple(np.array(ij, np.int64).reshape(-1, 2).T)
    persons[index] = table["persons"].to_numpy(zero_copy_only=False)
    if outcome.indicator == "neet_share":
        numerator[index] = table["numerator"].to_numpy(zero_copy_only=False)
        pop[index] = table["denominator"].to_numpy(zero_copy_only=False)
    else:
        numerator[index] = table["value"].to_numpy(zero_copy_only=False)
        for (m, label), value in population(warehouse, query, outcome.ages).items():
            if m in col and label in row:
                pop[row[str(label)], col[int(str(m))]] = value
    missing = [
        f"{place(codes[j])} i {labels[i]}" for i, j in zip(*np.nonzero(~(pop > 0)), strict=True)
    ]
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" og {len(missing) - 10} flere" if len(missing) > 10 else ""
        )
        raise BenchmarkError(
            f"befolkningen er 0 eller mangler for {shown}: kommunen kan ikke indgå i "
            "sammenligningen (indlæs FOLK1A og persondata for alle 98 kommuner)"
        )
    return OutcomeData(outcome, tuple(codes), labels, numerator, pop, persons, result)
