"""One benchmark: a municipality's outcome against its expected value, its peers and the country.

``run_benchmark`` reads the outcome for all municipalities and every period in one indicator
query, fits the model per period (model.py), finds the peers, ranks the municipality among them
period by period, forms the index series and prices the gaps (potentiale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ungeindsats.benchmark.framework import FrameworkData, VariablesFile, framework_data
from ungeindsats.benchmark.model import F64, LEVEL, BenchmarkError, ModelFit, fit_expected, place
from ungeindsats.benchmark.outcomes import Outcome, OutcomeData, get_outcome, outcome_data
from ungeindsats.benchmark.peers import (
    DEFAULT_K,
    PeerRank,
    nearest_peers,
    rank_among,
    read_cluster_file,
)
from ungeindsats.classifications import municipalities
from ungeindsats.indicators import COUNTRY, Result
from ungeindsats.indicators.index import index_series
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

SERIES = ("Kommunen", "Sammenlignelige kommuner", "Hele landet")


@dataclass(frozen=True)
class PeriodFit:
    """The model for one period, with its framework variables."""

    period: str
    fit: ModelFit
    framework: FrameworkData


@dataclass(frozen=True)
class Potential:
    """The gap to a target level, in (full-time) persons and, with a unit cost, kroner a year.
    Positive: so many fewer if the municipality reached the target."""

    target: str  # expected, peer_average, best_peer
    label: str  # Danish
    level: float  # the target share (pct.)
    persons: float
    kroner: float | None
    rests_on: tuple[int, ...]  # the municipalities whose counts the figure uses


@dataclass(frozen=True)
class Benchmark:
    outcome: Outcome
    kommune: int
    period: str  # the main period; fits hold every period asked for
    data: OutcomeData
    fits: tuple[PeriodFit, ...]
    peers: tuple[int, ...]
    peer_source: str
    peer_ranks: tuple[PeerRank, ...]
    index: Result
    potential: tuple[Potential, ...]
    unit_cost_kr: float | None

    @property
    def main(self) -> PeriodFit:
        return next(f for f in self.fits if f.period == self.period)

    def position(self, code: int) -> int:
        return self.data.codes.index(code)


def all_codes() -> tuple[int, ...]:
    return tuple(m.code for m in municipalities())


def fit_periods(
    warehouse: Warehouse,
    data: OutcomeData,
    periods: Sequence[Period],
    variables: Sequence[str] | None = None,
    variables_file: VariablesFile | None = None,
    level: float = LEVEL,
    cache: dict[int, FrameworkData] | None = None,
) -> tuple[PeriodFit, ...]:
    """The model fitted for each period (framework variables of the period's year; ``cache``
    keeps them across calls with the same codes and variables)."""
    frames: dict[int, FrameworkData] = {} if cache is None else cache
    fits = []
    share = data.share()
    for i, period in enumerate(periods):
        if period.year not in frames:
            frames[period.year] = framework_data(
                warehouse, period.year, data.codes, variables, variables_file
            )
        frame = frames[period.year]
        fit = fit_expected(
            share[i], frame.matrix, data.population[i], frame.names, data.codes, level
        )
        fits.append(PeriodFit(period.label(), fit, frame))
    return tuple(fits)


def _pooled(data: OutcomeData, codes: Sequence[int]) -> tuple[F64, np.ndarray]:
    """The group's share per period (Σ numerator ÷ Σ population) and its persons."""
    columns = [data.codes.index(c) for c in codes]
    numerator = data.numerator[:, columns].sum(axis=1)
    population = data.population[:, columns].sum(axis=1)
    return 100.0 * numerator / population, data.persons[:, columns].sum(axis=1)


def _index(data: OutcomeData, kommune: int, peers: Sequence[int]) -> Result:
    groups = ((kommune,), tuple(peers), data.codes)
    rows: dict[str, list[object]] = {
        "municipality": [],
        "series": [],
        "period": [],
        "value": [],
        "persons": [],
    }
    for label, codes in zip(SERIES, groups, strict=True):
        share, persons = _pooled(data, codes)
        for period, value, count in zip(data.periods, share, persons, strict=True):
            rows["municipality"].append(kommune)
            rows["series"].append(label)
            rows["period"].append(period)
            rows["value"].append(float(value))
            # An index is a ratio to the base period: it rests on that period's persons too.
            rows["persons"].append(min((int(c) for c in (count, persons[0]) if c > 0), default=0))
    table = pa.table(
        {
            "municipality": pa.array(rows["municipality"], pa.int16()),
            "series": pa.array(rows["series"], pa.string()),
            "period": pa.array(rows["period"], pa.string()),
            "value": pa.array(rows["value"], pa.float64()),
            "persons": pa.array(rows["persons"], pa.int64()),
        }
    )
    result = Result(data.result.indicator, data.result.query, table, data.result.source)
    return index_series(result, data.periods[0])


def _potential(
    data: OutcomeData,
    fit: ModelFit,
    row: int,
    kommune: int,
    peers: Sequence[int],
    unit_cost_kr: float | None,
) -> tuple[Potential, ...]:
    j = data.codes.index(kommune)
    share = data.share()[row]
    pop = data.population[row, j]
    peer_share, _ = _pooled(data, peers)
    best = min(peers, key=lambda c: (share[data.codes.index(c)], c))
    targets = (
        ("expected", "Forventet niveau", float(fit.expected[j]), ()),
        (
            "peer_average",
            "Sammenlignelige kommuners gennemsnit",
            float(peer_share[row]),
            tuple(peers),
        ),
        (
            "best_peer",
            f"Bedste sammenlignelige kommune ({place(best)})",
            float(share[data.codes.index(best)]),
            (best,),
        ),
    )
    result = []
    for target, label, level, rests_on in targets:
        persons = (float(share[j]) - level) / 100.0 * float(pop)
        kroner = persons * unit_cost_kr if unit_cost_kr is not None else None
        result.append(Potential(target, label, level, persons, kroner, (kommune, *rests_on)))
    return tuple(result)


def run_benchmark(
    warehouse: Warehouse,
    outcome: str | Outcome,
    period: Period,
    kommune: int,
    *,
    history: Sequence[Period] = (),
    peers: Path | Sequence[int] | None = None,
    k: int = DEFAULT_K,
    variables: Sequence[str] | None = None,
    variables_file: VariablesFile | None = None,
    unit_cost_kr: float | None = None,
    codes: Sequence[int] | None = None,
    cache: dict[int, FrameworkData] | None = None,
) -> Benchmark:
    """Benchmark ``kommune`` on ``outcome`` in ``period`` (and the ``history`` periods, for the
    peer ranks and the index series). ``peers``: None for the ``k`` nearest in framework
    conditions, a cluster file, or the codes themselves."""
    item = get_outcome(outcome) if isinstance(outcome, str) else outcome
    codes = tuple(codes or all_codes())
    if kommune not in codes or kommune == COUNTRY:
        raise BenchmarkError(f"{place(kommune)} er ikke en af de kommuner, der sammenlignes")
    periods = sorted({period, *history})
    data = outcome_data(warehouse, item, codes, periods)
    fits = fit_periods(warehouse, data, periods, variables, variables_file, cache=cache)
    main_row = [p.label() for p in periods].index(period.label())
    main = fits[main_row]
    if isinstance(peers, Path):
        chosen, source = read_cluster_file(peers, kommune), f"klyngefilen {peers.name}"
    elif peers is not None:
        chosen, source = tuple(peers), "angivet af brugeren"
    else:
        chosen = nearest_peers(codes, main.framework.matrix, kommune, k)
        source = f"de {k} nærmeste i rammevilkår ({main.period})"
    outside = [place(c) for c in chosen if c not in codes]
    if outside:
        raise BenchmarkError(f"{', '.join(outside)} indgår ikke i sammenligningen")
    group = [data.codes.index(c) for c in (kommune, *chosen)]
    ranks = []
    share = data.share()
    for i, pf in enumerate(fits):
        ranks.append(
            PeerRank(
                pf.period,
                rank_among(share[i, group], 0),
                rank_among(pf.fit.difference[group], 0),
                len(group),
            )
        )
    return Benchmark(
        item,
        kommune,
        period.label(),
        data,
        fits,
        chosen,
        source,
        tuple(ranks),
        _index(data, kommune, chosen),
        _potential(data, main.fit, main_row, kommune, chosen, unit_cost_kr),
        unit_cost_kr,
    )
