"""Young people on public support: full-time persons, persons, shares, rates and durations."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.classifications import municipality
from ungeindsats.indicators.aggregates import (
    AGGREGATE_BREAKDOWNS,
    aggregate_cells,
    municipalities_without_microdata,
)
from ungeindsats.indicators.cells import BREAKDOWNS, support_cells
from ungeindsats.indicators.denominators import (
    POPULATION_BREAKDOWNS,
    population,
    require_population,
)
from ungeindsats.indicators.model import IndicatorError, Query, Result, get_indicator, indicator
from ungeindsats.warehouse import Warehouse

SUPPORT_BREAKDOWNS = tuple(BREAKDOWNS)
JOBINDSATS = "Jobindsats' definition af fuldtidspersoner (STAR); domain.md §6"
MICRODATA = "mikrodata"
AGGREGATES = "Jobindsats (aggregater)"


def _ages(name: str, query: Query) -> tuple[int, int]:
    return query.ages or get_indicator(name).default_ages


@dataclass(frozen=True)
class _Cells:
    table: pa.Table
    source: str
    notes: tuple[str, ...] = ()


def _fte_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> _Cells:
    """Microdata cells, plus Jobindsats aggregates for municipalities without microdata."""
    cells = support_cells(warehouse, query, ages)
    missing = municipalities_without_microdata(warehouse, query)
    if not missing:
        return _Cells(cells, MICRODATA)
    unsupported = [b for b in (*query.by, *query.filters) if b not in AGGREGATE_BREAKDOWNS]
    if unsupported:
        raise IndicatorError(
            f"kommune {', '.join(map(str, missing))} har kun Jobindsats' aggregater, som ikke "
            f"kan opdeles på {', '.join(unsupported)}"
        )
    aggregated = aggregate_cells(warehouse, query, missing)
    kept = pc.invert(pc.is_in(cells["municipality"], pa.array(missing, pa.int16())))
    combined = pa.concat_tables(
        [
            cells.filter(kept).cast(aggregated.schema),
            aggregated,
        ]
    )
    names = ", ".join(municipality(m).name for m in missing)
    only_aggregates = combined.num_rows == aggregated.num_rows
    return _Cells(
        combined,
        AGGREGATES if only_aggregates else f"{MICRODATA} og {AGGREGATES}",
        (
            f"{names}: fra Jobindsats' aggregater (ingen mikrodata); aldersafgrænsningen er "
            "Jobindsats-tabellens, og personer er det største månedstal.",
        ),
    )


def _result(name: str, query: Query, cells: _Cells, values: list[float | None]) -> Result:
    keep = [c for c in cells.table.column_names if c not in ("weeks", "period_weeks")]
    table = cells.table.select(keep).append_column("value", pa.array(values, pa.float64()))
    return Result(get_indicator(name), query, table, cells.source, cells.notes)


@indicator(
    "fte",
    label="Fuldtidspersoner på offentlig forsørgelse",
    unit="fuldtidspersoner",
    breakdowns=SUPPORT_BREAKDOWNS,
    source=JOBINDSATS,
)
def fte(warehouse: Warehouse, query: Query) -> Result:
    """Fuldtidspersoner: Σ over personer af ugerne i perioden med en ydelse, divideret med
    antal uger i perioden (26 af 52 uger = 0,5). En uge hører til den måned, dens torsdag ligger
    i; bopælskommune og alder gælder den uge. Ikke korrigeret for overlap mellem ydelser."""
    cells = _fte_cells(warehouse, query, _ages("fte", query))
    weeks = cells.table["weeks"].to_pylist()
    values: list[float | None] = [
        w / p for w, p in zip(weeks, cells.table["period_weeks"].to_pylist(), strict=True)
    ]
    return _result("fte", query, cells, values)


@indicator(
    "persons",
    label="Personer på offentlig forsørgelse",
    unit="personer",
    breakdowns=SUPPORT_BREAKDOWNS,
    source=JOBINDSATS,
)
def persons(warehouse: Warehouse, query: Query) -> Result:
    """Personer: antal forskellige personer med mindst én uge på ydelse i perioden."""
    cells = _Cells(support_cells(warehouse, query, _ages("persons", query)), MICRODATA)
    values: list[float | None] = [float(p) for p in cells.table["persons"].to_pylist()]
    return _result("persons", query, cells, values)


@indicator(
    "average_duration",
    label="Gennemsnitlig varighed på ydelsen",
    unit="uger",
    breakdowns=SUPPORT_BREAKDOWNS,
    source="Jobindsats: fuldtidspersoner ÷ personer × uger i perioden; domain.md §6",
)
def average_duration(warehouse: Warehouse, query: Query) -> Result:
    """Gennemsnitlig varighed i uger: fuldtidspersoner ÷ personer × antal uger i perioden,
    dvs. ugerne på ydelse i perioden pr. person, der har været på ydelse i perioden."""
    cells = _Cells(support_cells(warehouse, query, _ages("average_duration", query)), MICRODATA)
    weeks = cells.table["weeks"].to_pylist()
    values: list[float | None] = [
        w / p for w, p in zip(weeks, cells.table["persons"].to_pylist(), strict=True)
    ]
    return _result("average_duration", query, cells, values)


def _rate(name: str, warehouse: Warehouse, query: Query, scale: float) -> Result:
    ages = _ages(name, query)
    cells = _fte_cells(warehouse, query, ages)
    pop = population(warehouse, query, ages)
    pop_by = [b for b in query.by if b in POPULATION_BREAKDOWNS]
    # Column by column: the table's rows as dicts cost four times as much (per_1000 by benefit).
    table = cells.table
    keys = zip(*(table[c].to_pylist() for c in ("municipality", "period", *pop_by)), strict=True)
    weeks = zip(table["weeks"].to_pylist(), table["period_weeks"].to_pylist(), strict=True)
    values: list[float | None] = [
        w / p / require_population(pop, key) * scale
        for (w, p), key in zip(weeks, keys, strict=True)
    ]
    return _result(name, query, cells, values)


@indicator(
    "population_share",
    label="Andel af befolkningen på offentlig forsørgelse",
    unit="pct.",
    breakdowns=SUPPORT_BREAKDOWNS,
    source="Fuldtidspersoner (Jobindsats' definition) ÷ befolkningen (FOLK1A); domain.md §6",
)
def population_share(warehouse: Warehouse, query: Query) -> Result:
    """Andel af befolkningen i samme aldersgruppe (pct.): fuldtidspersoner ÷ befolkningen.
    Befolkningen er FOLK1A for det kvartal, der indeholder periodens slutning; for et år
    gennemsnittet af dets fire kvartaler."""
    return _rate("population_share", warehouse, query, 100.0)


@indicator(
    "per_1000",
    label="Fuldtidspersoner på offentlig forsørgelse pr. 1.000 indbyggere",
    unit="pr. 1.000 indbyggere",
    breakdowns=SUPPORT_BREAKDOWNS,
    source="Fuldtidspersoner (Jobindsats' definition) pr. 1.000 indbyggere (FOLK1A); seed 001",
)
def per_1000(warehouse: Warehouse, query: Query) -> Result:
    """Pr. 1.000 indbyggere i samme aldersgruppe: fuldtidspersoner ÷ befolkningen × 1.000
    (befolkningen som for andelen)."""
    return _rate("per_1000", warehouse, query, 1000.0)
