"""The realised saving measured in the warehouse: full-time persons and population from the
indicators, unit costs from the net-cost cells (or the user's own unit cost)."""

from __future__ import annotations

from dataclasses import dataclass

from ungeindsats.economics.netcost import CostOptions, NetCost, net_cost
from ungeindsats.economics.potential import cheapest_unit_cost, unit_cost
from ungeindsats.economics.saving import AreaCount, RealisedSaving, UnitCost, realised_saving
from ungeindsats.indicators import IndicatorError, Query, get_indicator
from ungeindsats.indicators.denominators import population, require_population
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

AGES = (18, 29)
"""Seed 002 measures the 18–29-year-olds."""


@dataclass(frozen=True)
class MeasuredSaving:
    """A realised saving with the distinct persons behind the two fte counts (for disclosure)."""

    municipality: int
    saving: RealisedSaving
    baseline_persons: int
    current_persons: int


def measure_saving(
    warehouse: Warehouse,
    municipality: int,
    baseline: Period,
    period: Period,
    *,
    user_unit_cost: float | None = None,
    cost: NetCost | None = None,
    options: CostOptions | None = None,
) -> MeasuredSaving:
    """Seed 002's realised saving for ``municipality`` from ``baseline`` to ``period``.

    The range runs from the user's unit cost (or else the cheapest benefit's average net cost in
    the period's year) to the actual benefit mix's average net cost that year.
    """
    query = Query((municipality,), (baseline, period), ages=AGES)
    rows = {r["period"]: r for r in get_indicator("fte")(warehouse, query).rows()}
    people = population(warehouse, query, AGES)
    counts = []
    for p in (baseline, period):
        if p.label() not in rows:
            raise IndicatorError(f"ingen fuldtidspersoner for kommune {municipality} i {p}")
        fte = float(rows[p.label()]["value"])
        counts.append(
            AreaCount(p.label(), fte, require_population(people, (municipality, p.label())))
        )
    year = period.year
    cost = cost or net_cost(warehouse, [year], options=options, municipalities=(municipality,))
    mix = unit_cost(cost, municipality, year)
    if mix is not None:
        mix = UnitCost(mix.amount, "den faktiske ydelsesfordeling", mix.source)
    if user_unit_cost is not None:
        cheapest: UnitCost | None = UnitCost(user_unit_cost, "angivet enhedspris", "brugerens tal")
    else:
        cheapest = cheapest_unit_cost(cost, municipality, year)
    if cheapest is None:
        raise IndicatorError(
            f"ingen nettoudgift for kommune {municipality} i {year}: angiv en enhedspris"
        )
    saving = realised_saving(counts[0], counts[1], cheapest, mix)
    return MeasuredSaving(
        municipality,
        saving,
        int(rows[baseline.label()]["persons"]),
        int(rows[period.label()]["persons"]),
    )
