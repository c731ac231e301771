"""Potential in kroner (potentiale i mio. kr.): a gap in full-time persons priced a year.

The benchmark (``ungeindsats.benchmark``) finds the gap to the expected level, the peers' average
or the best peer in full-time persons; ``potential_kroner`` prices it with a net unit cost (kr. per
full-time person a year) — the user's own, or one derived by ``unit_cost`` from the microdata.
Seed 002: KL put Viborg's potential at about 10 mio. kr. (peer average) and 25 mio. kr. (best
peer) a year, in municipal net expenditure after state refund.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ungeindsats.economics.netcost import ALL, NetCost
from ungeindsats.economics.saving import UnitCost
from ungeindsats.economics.text import danish, kroner, millions


@dataclass(frozen=True)
class Potential:
    """A gap in full-time persons and what it is worth a year."""

    gap_fte: float
    unit_cost: UnitCost
    kroner_per_year: float

    @property
    def explanation(self) -> str:
        return (
            f"{danish(self.gap_fte, 1)} fuldtidspersoner × {kroner(self.unit_cost.amount)} kr. "
            f"({self.unit_cost.label}) = {millions(self.kroner_per_year)} om året"
        )


def potential_kroner(gap_fte: float, unit_cost: UnitCost) -> Potential:
    """The yearly net saving if ``gap_fte`` fewer full-time persons were on public support."""
    return Potential(gap_fte, unit_cost, gap_fte * unit_cost.amount)


def unit_cost(
    cost: NetCost, municipality: int, year: int, benefit: str = ALL, youth_group: str = ALL
) -> UnitCost | None:
    """The average net cost per full-time person a year in a net-cost cell (None if empty)."""
    cell = cost.cell(municipality, year, benefit, youth_group)
    if cell is None or cell.net_per_fte is None:
        return None
    what = "alle ydelser" if benefit == ALL else benefit
    group = "" if youth_group == ALL else f", ungegruppe {youth_group}"
    return UnitCost(
        cell.net_per_fte,
        f"gennemsnit, {what}{group}",
        f"kommunal nettoudgift {year} beregnet af mikrodata",
    )


def cheapest_unit_cost(cost: NetCost, municipality: int, year: int) -> UnitCost | None:
    """The benefit with the lowest average net cost per full-time person in the cell's area and
    year (seed 002's "billigste forsørgelsesmodtager")."""
    candidates = []
    for row in cost.table.to_pylist():
        if (
            row["municipality"] == municipality
            and row["year"] == year
            and row["benefit"] != ALL
            and row["youth_group"] == ALL
            and row["step"] == ALL
            and row["priced_fte"] > 0
        ):
            candidates.append((row["net"] / row["priced_fte"], row["benefit"]))
    if not candidates:
        return None
    amount, benefit = min(candidates)
    return UnitCost(
        amount,
        f"{benefit}, den billigste ydelse",
        f"kommunal nettoudgift {year} beregnet af mikrodata",
    )


def net_cost_from_aggregates(
    fte_by_benefit: Mapping[str, float], unit_costs: Mapping[str, float]
) -> float:
    """Net cost a year from aggregates only: Σ full-time persons × unit cost per benefit.

    For municipalities with Jobindsats' aggregates but no microdata; the unit costs are the
    user's or derived elsewhere (e.g. the country's microdata). A benefit without a unit cost
    is an error rather than a silent zero.
    """
    missing = sorted(set(fte_by_benefit) - set(unit_costs))
    if missing:
        raise ValueError(f"mangler enhedspris for {', '.join(missing)}")
    return sum(fte * unit_costs[b] for b, fte in fte_by_benefit.items())
