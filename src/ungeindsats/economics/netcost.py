"""Net municipal cost (kommunal nettoudgift) of young people on public support, from microdata.

Each person-week on a benefit costs the municipality the benefit's gross weekly rate (``rates``)
times one minus the state refund share at the person's step on the refund ladder (``ladder``); for
a benefit paid by the a-kasse (A-dagpenge) the municipality pays its co-financing share instead.
Weeks are attributed as the indicators do (docs/indicators.md): to the year of the week's Thursday,
the municipality the person lived in that week and the person's age that Thursday.

``net_cost`` returns cells by municipality (0 = Hele landet), year, benefit, youth group and ladder
step, each with its weeks, full-time persons, distinct persons, gross and net kroner; ``ALL``
marks a total over a breakdown. Weeks on a benefit without a rate are counted (they move people up
the ladder) but not priced; ``NetCost.unpriced`` names those benefits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from ungeindsats.classifications import (
    BenefitRate,
    RefundStep,
    benefit_rates,
    benefits,
    refund_ladder,
)
from ungeindsats.economics.ladder import LadderRules, configured_rules, ensure_ladder
from ungeindsats.economics.rates import FROM_25, UNDER_25, WeeklyRate, rates_table, weekly_rates
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.periods import Period, parse_period
from ungeindsats.warehouse import Warehouse

ALL = "I alt"
"""The breakdown value of a total cell."""
NO_GROUP = "ingen"
"""Youth group of benefits outside the youth-group mapping."""
COUNTRY = 0


@dataclass(frozen=True)
class NetCostCell:
    """One cell: weeks, full-time persons (fte), distinct persons, gross and net kroner."""

    weeks: int
    priced_weeks: int
    fte: float
    priced_fte: float
    persons: int
    gross: float
    net: float

    @property
    def net_per_fte(self) -> float | None:
        """Average net cost per full-time person-year (kr.), over the priced weeks."""
        return self.net / self.priced_fte if self.priced_fte else None


@dataclass(frozen=True)
class NetCost:
    """The net-cost cells and what they rest on (rates used, benefits without a rate, rules)."""

    table: pa.Table
    rates: tuple[WeeklyRate, ...]
    unpriced: tuple[str, ...]
    rules: LadderRules
    ages: tuple[int, int]
    ladder: tuple[RefundStep, ...] = field(default_factory=tuple)

    def cell(
        self,
        municipality: int,
        year: int,
        benefit: str = ALL,
        youth_group: str = ALL,
        step: str = ALL,
    ) -> NetCostCell | None:
        """The cell, or None when nobody is in it. Steps are broken down only for the total
        over benefits and youth groups."""
        return self._index.get((municipality, year, benefit, youth_group, step))

    @cached_property
    def _index(self) -> dict[tuple[int, int, str, str, str], NetCostCell]:
        return {
            (
                int(r["municipality"]),
                int(r["year"]),
                r["benefit"],
                r["youth_group"],
                r["step"],
            ): NetCostCell(
                int(r["weeks"]),
                int(r["priced_weeks"]),
                float(r["fte"]),
                float(r["priced_fte"]),
                int(r["persons"]),
                float(r["gross"]),
                float(r["net"]),
            )
            for r in self.table.to_pylist()
        }


@dataclass(frozen=True)
class CostOptions:
    """The configurable parts of the net cost: the ladder's rules and the rate table."""

    rules: LadderRules = field(default_factory=LadderRules)
    rates: tuple[BenefitRate, ...] | None = None

    @classmethod
    def configured(
        cls, count_from: str, restart_weeks: int, window_weeks: int, rates_file: Path | None
    ) -> CostOptions:
        """From the settings ``refund_count_from``, ``refund_restart_weeks``,
        ``refund_restart_window_weeks`` and ``benefit_rates_file``."""
        rules = configured_rules(count_from, restart_weeks, window_weeks)
        return cls(rules, benefit_rates(rates_file) if rates_file is not None else None)


BREAKDOWNS: tuple[tuple[str, ...], ...] = (
    (),
    ("benefit",),
    ("youth_group",),
    ("benefit", "youth_group"),
    ("step",),
)
"""The cells per area and year: the total, by benefit, by youth group, by both, by ladder
step. Each is a distinct count of persons over the national person cells (about a second's
work each on the national demo), so a caller that reads only some asks only for those."""

_OPEN = 1_000_000
"""A week number later than any real one: the end of an open interval."""


def _turning_week(age_param: str) -> str:
    """SQL: the first week whose Thursday falls on or after the day the person turns the age
    (so the person has that age in the week, as ``AGE_AT_THURSDAY`` says). One day back, the
    years on, one day forward: someone born 29 February turns a year older on 1 March in
    ordinary years. Week n's Thursday is 1990-01-04 + 7n."""
    turning = (
        f"CAST(p.birth_date - INTERVAL 1 DAY + {age_param} * INTERVAL 1 YEAR "
        "+ INTERVAL 1 DAY AS DATE)"
    )
    return f"CAST(floor(({turning} - DATE '1990-01-04' + 6) / 7.0) AS INTEGER)"


def _steps_table(ladder: Sequence[RefundStep]) -> pa.Table:
    return pa.table(
        {
            "step": pa.array([str(s.step) for s in ladder], pa.string()),
            "weeks_from": pa.array([s.weeks_from for s in ladder], pa.int32()),
            "weeks_to": pa.array([s.weeks_to or _OPEN for s in ladder], pa.int32()),
            "refund": pa.array([s.state_refund_pct / 100 for s in ladder], pa.float64()),
            "cofinancing": pa.array(
                [s.municipal_cofinancing_pct / 100 for s in ladder], pa.float64()
            ),
        }
    )


def _years_table(periods: Sequence[Period], in_force_week: int) -> pa.Table:
    kept = [p for p in periods if p.last_week >= in_force_week]
    return pa.table(
        {
            "year": pa.array([p.year for p in kept], pa.int16()),
            "first_week": pa.array([max(p.first_week, in_force_week) for p in kept], pa.int32()),
            "last_week": pa.array([p.last_week for p in kept], pa.int32()),
        }
    )


def net_cost(
    warehouse: Warehouse,
    years: Sequence[int],
    *,
    ages: tuple[int, int] = (18, 29),
    rules: LadderRules | None = None,
    rates: Sequence[BenefitRate] | None = None,
    ladder: Sequence[RefundStep] | None = None,
    options: CostOptions | None = None,
    municipalities: Sequence[int] | None = None,
    breakdowns: Sequence[tuple[str, ...]] = BREAKDOWNS,
) -> NetCost:
    """Net cost cells for every municipality and the country in ``years`` (on the ladder only
    from its entry into force; earlier weeks are not priced). ``municipalities`` keeps the
    municipalities' cells to those (the country's are always there, computed from everyone):
    a report for one municipality then skips the per-municipality breakdowns of the other 97.
    ``breakdowns`` (of ``BREAKDOWNS``) are the cells computed per area and year; a cell of
    another breakdown is then not there (``NetCost.cell`` gives None).

    No spell is expanded into weeks: each public-support spell is cut, as week intervals, by
    the person's residences, age bands (under 25 / 25 and over, within ``ages``), the years
    and the ladder's steps; every piece then has one municipality, year, rate and refund share,
    and its weeks are its length.
    """
    unknown = [by for by in breakdowns if by not in BREAKDOWNS]
    if unknown or not breakdowns:
        raise ValueError(f"unknown net-cost breakdowns {unknown}; known: {BREAKDOWNS}")
    if options is not None:
        rules = rules or options.rules
        rates = rates if rates is not None else options.rates
    rules = rules or LadderRules()
    steps = tuple(ladder if ladder is not None else refund_ladder())
    ensure_facts(warehouse)
    periods = [parse_period(str(y)) for y in sorted(set(years))]
    used = weekly_rates([p.year for p in periods], rates)
    a_kasse = [b.name for b in benefits() if b.paid_by == "a_kasse"]
    ladder_table = ensure_ladder(warehouse, rules)
    a_kasse_list = ", ".join("?" for _ in a_kasse) or "NULL"
    cells, cells_params = _cells_sql(municipalities, breakdowns)
    sql = f"""
WITH ladder AS (SELECT * FROM {ladder_table}),
born AS (
    SELECT p.person_id, {_turning_week("?")} AS from_week, {_turning_week("25")} AS band_week,
           {_turning_week("?")} AS to_week
    FROM person AS p WHERE p.birth_date IS NOT NULL
),
bands AS (
    SELECT person_id, ? AS band, from_week AS first_week, least(band_week, to_week) - 1 AS last_week
    FROM born
    UNION ALL
    SELECT person_id, ? AS band, greatest(band_week, from_week) AS first_week,
           to_week - 1 AS last_week
    FROM born
),
cut AS (
    SELECT l.person_id, l.code, r.municipality, y.year, b.band, s.step, s.refund, s.cofinancing,
           greatest(l.first_week, r.first_week, y.first_week, b.first_week,
                    l.first_week + s.weeks_from - l.position) AS first_week,
           least(l.last_week, coalesce(r.last_week, {_OPEN}), y.last_week, b.last_week,
                 l.first_week + s.weeks_to - l.position) AS last_week
    FROM ladder AS l
    JOIN q_year AS y ON y.first_week <= l.last_week AND y.last_week >= l.first_week
    JOIN q_step AS s
      ON s.weeks_from <= l.position + (l.last_week - l.first_week) AND s.weeks_to >= l.position
    JOIN residence AS r
      ON r.person_id = l.person_id AND r.first_week <= l.last_week
     AND (r.last_week IS NULL OR r.last_week >= l.first_week)
    JOIN bands AS b
      ON b.person_id = l.person_id AND b.first_week <= l.last_week
     AND b.last_week >= l.first_week
),
pieces AS (
    SELECT *, last_week - first_week + 1 AS weeks FROM cut WHERE first_week <= last_week
),
person_cells AS (
    SELECT pc.person_id, pc.municipality, pc.year, c.benefit,
           coalesce(CAST(c.youth_group AS VARCHAR), ?) AS youth_group, pc.step,
           sum(pc.weeks) AS weeks,
           sum(CASE WHEN q.weekly_gross IS NULL THEN 0 ELSE pc.weeks END) AS priced_weeks,
           coalesce(sum(pc.weeks * q.weekly_gross), 0) AS gross,
           coalesce(sum(pc.weeks * q.weekly_gross
                        * CASE WHEN c.benefit IN ({a_kasse_list}) THEN pc.cofinancing
                               ELSE 1 - pc.refund END), 0) AS net
    FROM pieces AS pc
    JOIN code_dim AS c ON c.code = pc.code
    LEFT JOIN q_rate AS q ON q.benefit = c.benefit AND q.year = pc.year AND q.age_band = pc.band
    GROUP BY pc.person_id, pc.municipality, pc.year, c.benefit, c.youth_group, pc.step
)
{cells}
ORDER BY ALL
"""
    params: list[object] = [
        ages[0],
        ages[1] + 1,
        UNDER_25,
        FROM_25,
        NO_GROUP,
        *a_kasse,
        *cells_params,
    ]
    con = warehouse.con
    con.register("q_rate", rates_table(used))
    con.register("q_step", _steps_table(steps))
    con.register("q_year", _years_table(periods, rules.in_force_week))
    try:
        table = con.sql(sql, params=params).to_arrow_table()
    finally:
        for name in ("q_rate", "q_step", "q_year"):
            con.unregister(name)
    table = _with_fte(table, {p.year: p.weeks for p in periods})
    priced = {r.benefit for r in used}
    seen = {b for b in table.column("benefit").to_pylist() if b != ALL}
    return NetCost(table, tuple(used), tuple(sorted(seen - priced)), rules, ages, steps)


def _grouping_sets(areas: Sequence[tuple[str, ...]], breakdowns: Sequence[tuple[str, ...]]) -> str:
    """Per area and year, one set per breakdown."""
    return ", ".join(f"({', '.join((*area, 'year', *by))})" for area in areas for by in breakdowns)


def _cells_select(municipality: str, breakdowns: Sequence[tuple[str, ...]]) -> str:
    grouped = {column for by in breakdowns for column in by}
    # A column no set groups by is the total in every cell (GROUPING() would not bind).
    columns = [
        f"CASE WHEN GROUPING({c}) = 1 THEN ? ELSE {c} END AS {c}" if c in grouped else f"? AS {c}"
        for c in ("benefit", "youth_group", "step")
    ]
    return f"""SELECT CAST({municipality} AS SMALLINT) AS municipality,
       CAST(year AS SMALLINT) AS year,
       {", ".join(columns)},
       CAST(sum(weeks) AS BIGINT) AS weeks,
       CAST(sum(priced_weeks) AS BIGINT) AS priced_weeks,
       count(DISTINCT person_id) AS persons,
       CAST(sum(gross) AS DOUBLE) AS gross,
       CAST(sum(net) AS DOUBLE) AS net
FROM person_cells"""


def _cells_sql(
    municipalities: Sequence[int] | None, breakdowns: Sequence[tuple[str, ...]]
) -> tuple[str, list[object]]:
    """The cells from ``person_cells`` and their parameters: every area's grouping sets in one
    pass, or (for given municipalities) theirs on their rows only and the country's on all
    rows. The second gives the same cells for those areas (each set sums the same person
    cells) without the distinct counts of the other municipalities' breakdowns."""
    totals: list[object] = [ALL, ALL, ALL]
    if municipalities is None:
        area = f"CASE WHEN GROUPING(municipality) = 1 THEN {COUNTRY} ELSE municipality END"
        sets = _grouping_sets((("municipality",), ()), breakdowns)
        return f"{_cells_select(area, breakdowns)}\nGROUP BY GROUPING SETS ({sets})", totals
    marks = ", ".join("?" for _ in municipalities) or "NULL"
    sql = (
        f"{_cells_select('municipality', breakdowns)}\nWHERE municipality IN ({marks})\n"
        f"GROUP BY GROUPING SETS ({_grouping_sets((('municipality',),), breakdowns)})\n"
        f"UNION ALL\n{_cells_select(str(COUNTRY), breakdowns)}\n"
        f"GROUP BY GROUPING SETS ({_grouping_sets(((),), breakdowns)})"
    )
    return sql, [*totals, *municipalities, *totals]


def _with_fte(table: pa.Table, year_weeks: dict[int, int]) -> pa.Table:
    weeks_in_year = [year_weeks[int(y)] for y in table.column("year").to_pylist()]
    fte = [w / n for w, n in zip(table.column("weeks").to_pylist(), weeks_in_year, strict=True)]
    priced = [
        w / n for w, n in zip(table.column("priced_weeks").to_pylist(), weeks_in_year, strict=True)
    ]
    return table.append_column("fte", pa.array(fte, pa.float64())).append_column(
        "priced_fte", pa.array(priced, pa.float64())
    )
