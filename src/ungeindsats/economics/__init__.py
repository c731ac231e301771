"""Economics (økonomi): what young people on public support cost the municipality, what was saved,
and what an intervention is worth (domain.md §8; docs/economics.md).

- ``net_cost``: net municipal cost from the microdata, each person-week priced at the benefit's
  rate less the state refund at the person's step on the refund ladder (``ladder``).
- ``realised_saving`` / ``measure_saving``: seed 002's saving against a baseline share.
- ``potential_kroner``: a gap in full-time persons (from the benchmark) priced a year.
- ``short_term_gain``: saved benefits plus extra municipal income tax.
- ``BusinessCase`` / ``evaluate`` / ``sensitivity`` / ``follow_up``: an intervention's case.
"""

from ungeindsats.economics.business_case import (
    BusinessCase,
    CaseResult,
    evaluate,
    follow_up,
    sensitivity,
)
from ungeindsats.economics.case_file import read_business_case
from ungeindsats.economics.gain import ShortTermGain, short_term_gain, tax_rate
from ungeindsats.economics.ladder import LadderRules, configured_rules
from ungeindsats.economics.longterm import Cohort, cohort
from ungeindsats.economics.measured import MeasuredSaving, measure_saving
from ungeindsats.economics.netcost import ALL, CostOptions, NetCost, NetCostCell, net_cost
from ungeindsats.economics.potential import (
    Potential,
    cheapest_unit_cost,
    net_cost_from_aggregates,
    potential_kroner,
    unit_cost,
)
from ungeindsats.economics.saving import AreaCount, RealisedSaving, UnitCost, realised_saving

__all__ = [
    "ALL",
    "AreaCount",
    "BusinessCase",
    "CaseResult",
    "Cohort",
    "CostOptions",
    "LadderRules",
    "MeasuredSaving",
    "NetCost",
    "NetCostCell",
    "Potential",
    "RealisedSaving",
    "ShortTermGain",
    "UnitCost",
    "cheapest_unit_cost",
    "cohort",
    "configured_rules",
    "evaluate",
    "follow_up",
    "measure_saving",
    "net_cost",
    "net_cost_from_aggregates",
    "potential_kroner",
    "read_business_case",
    "realised_saving",
    "sensitivity",
    "short_term_gain",
    "tax_rate",
    "unit_cost",
]
