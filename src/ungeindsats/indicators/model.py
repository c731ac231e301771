"""The indicator model: a query, a definition, and a tidy result with persons per cell.

Every indicator is defined once (a function registered with ``@indicator``); its docstring is
its definition, shown by ``ungeindsats indicators``. A result is a tidy Arrow table with the
columns ``municipality``, ``period``, the requested breakdowns, ``value`` and ``persons`` (the
number of distinct persons behind the cell, which disclosure control uses).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

COUNTRY = 0
"""Municipality code of "Hele landet"."""


class IndicatorError(ValueError):
    """A query an indicator cannot answer; the message is Danish."""


@dataclass(frozen=True)
class Query:
    """What to compute: municipalities (0 = Hele landet), periods, breakdowns and filters.

    ``ages`` narrows the age band (inclusive); None takes the indicator's own default.
    ``filters`` keeps only cells whose breakdown value is among the given ones, e.g.
    ``{"youth_group": ("1", "2", "3")}``.
    """

    municipalities: tuple[int, ...]
    periods: tuple[Period, ...]
    by: tuple[str, ...] = ()
    ages: tuple[int, int] | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """An indicator's answer: the tidy table plus what it rests on."""

    indicator: Indicator
    query: Query
    table: pa.Table
    source: str  # "mikrodata" or "Jobindsats (aggregater)"
    notes: tuple[str, ...] = ()

    def rows(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()  # type: ignore[no-any-return]


Compute = Callable[[Warehouse, Query], Result]


@dataclass(frozen=True)
class Indicator:
    """One registered indicator."""

    name: str
    label: str  # Danish name
    unit: str  # Danish unit, e.g. "fuldtidspersoner", "pct.", "uger"
    breakdowns: tuple[str, ...]
    default_ages: tuple[int, int]
    source: str  # where the definition comes from
    compute: Compute
    partition: str | None = None
    """The breakdown whose cells split one whole (shares summing to 100 %, counts to a known
    total); disclosure control treats each such group as a sum that readers know."""
    cadence: str = "month"
    """The periods the precomputed layer holds it for: "month", or "year" for a yearly measure
    at a reference week (restgruppen, the 15-17-year-olds), whose monthly series nobody reads."""

    @property
    def definition(self) -> str:
        return inspect.cleandoc(self.compute.__doc__ or "")

    def __call__(self, warehouse: Warehouse, query: Query) -> Result:
        unknown = [b for b in (*query.by, *query.filters) if b not in self.breakdowns]
        if unknown:
            raise IndicatorError(
                f"{self.name} kan ikke opdeles på {', '.join(unknown)}; "
                f"mulige opdelinger: {', '.join(self.breakdowns) or 'ingen'}"
            )
        if not query.municipalities or not query.periods:
            raise IndicatorError("angiv mindst én kommune og én periode")
        return self.compute(warehouse, query)


REGISTRY: dict[str, Indicator] = {}


def indicator(
    name: str,
    *,
    label: str,
    unit: str,
    breakdowns: tuple[str, ...],
    source: str,
    default_ages: tuple[int, int] = (18, 29),
    partition: str | None = None,
    cadence: str = "month",
) -> Callable[[Compute], Compute]:
    """Register ``compute`` as the one definition of the indicator ``name``."""

    def register(compute: Compute) -> Compute:
        if name in REGISTRY:
            raise RuntimeError(f"indicator {name} defined twice")
        REGISTRY[name] = Indicator(
            name, label, unit, breakdowns, default_ages, source, compute, partition, cadence
        )
        return compute

    return register


def get_indicator(name: str) -> Indicator:
    from ungeindsats.indicators import catalogue  # noqa: F401  (registers every indicator)

    if name not in REGISTRY:
        raise IndicatorError(f"ukendt nøgletal '{name}'; se listen med 'ungeindsats indicators'")
    return REGISTRY[name]


def all_indicators() -> list[Indicator]:
    from ungeindsats.indicators import catalogue  # noqa: F401

    return sorted(REGISTRY.values(), key=lambda i: i.name)
