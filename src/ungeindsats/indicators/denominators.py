"""Population denominators from FOLK1A (``population``) for shares and rates per 1,000.

The population of a period is that of the quarter containing the period's end (FOLK1A counts the
first day of each quarter); for a year, the average of its four quarters (domain.md §6). The
country is the sum of the municipalities, or FOLK1A's own "Hele landet" rows when the warehouse
holds no municipal rows for that quarter.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ungeindsats.indicators.model import COUNTRY, IndicatorError, Query
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

# Breakdowns that the population has; any other breakdown shares its cell's whole population.
POPULATION_BREAKDOWNS: dict[str, str] = {
    "sex": "sex",
    "age_band": "CASE WHEN age <= 17 THEN '15-17' WHEN age <= 24 THEN '18-24' ELSE '25-29' END",
}


def _quarters(periods: Sequence[Period]) -> pa.Table:
    labels, years, quarters, weights = [], [], [], []
    for period in periods:
        if period.kind == "year":
            members = [(period.year, q) for q in (1, 2, 3, 4)]
        else:
            end = period.end_date
            members = [(end.year, (end.month - 1) // 3 + 1)]
        for year, quarter in members:
            labels.append(period.label())
            years.append(year)
            quarters.append(quarter)
            weights.append(1 / len(members))
    return pa.table(
        {
            "period": pa.array(labels, pa.string()),
            "year": pa.array(years, pa.int16()),
            "quarter": pa.array(quarters, pa.int16()),
            "weight": pa.array(weights, pa.float64()),
        }
    )


def population(
    warehouse: Warehouse, query: Query, ages: tuple[int, int]
) -> dict[tuple[object, ...], float]:
    """Population keyed by (municipality, period, *population breakdowns in query.by)."""
    by = [b for b in query.by if b in POPULATION_BREAKDOWNS]
    select_by = "".join(f", {POPULATION_BREAKDOWNS[b]} AS {b}" for b in by)
    group_by = "".join(f", {b}" for b in by)
    con = warehouse.con
    con.register("q_quarter", _quarters(query.periods))
    base = (
        "FROM population AS pop JOIN q_quarter AS q ON q.year = pop.year "
        "AND q.quarter = pop.quarter WHERE pop.age BETWEEN ? AND ?"
    )
    municipal = [m for m in query.municipalities if m != COUNTRY]
    parts, params = [], []
    if municipal:
        parts.append(
            f"SELECT CAST(municipality AS SMALLINT) AS municipality, q.period{select_by}, "
            f"CAST(sum(persons * q.weight) AS DOUBLE) AS population {base} "
            f"AND municipality IN ({', '.join('?' for _ in municipal)}) "
            f"GROUP BY municipality, q.period{group_by}"
        )
        params.extend([*ages, *municipal])
    if COUNTRY in query.municipalities:
        parts.append(
            f"SELECT CAST({COUNTRY} AS SMALLINT) AS municipality, q.period{select_by}, "
            "coalesce(sum(persons * q.weight) FILTER (WHERE municipality <> 0), "
            f"sum(persons * q.weight) FILTER (WHERE municipality = 0)) AS population {base} "
            f"GROUP BY q.period{group_by}"
        )
        params.extend(ages)
    try:
        rows = con.execute(" UNION ALL ".join(parts), params).fetchall()
    finally:
        con.unregister("q_quarter")
    return {tuple(r[:-1]): float(r[-1]) for r in rows if r[-1]}


def require_population(table: dict[tuple[object, ...], float], key: tuple[object, ...]) -> float:
    if key not in table:
        raise IndicatorError(
            f"befolkningstal mangler for kommune {key[0]} i {key[1]}: indlæs FOLK1A "
            "(ungeindsats import population) for det kvartal"
        )
    return table[key]
