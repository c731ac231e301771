"""Full-time persons from Jobindsats aggregates, for municipalities without microdata.

Every municipality has the Jobindsats tables (``fte_aggregate``), few have person-level data.
When a municipality has no rows in ``fact_status_month``, full-time persons come from the
aggregates instead, with the same definition (Jobindsats publishes fte per month as weeks on
the benefit ÷ weeks in the month), so a quarter or year is the week-weighted mean of its months.

What the aggregates cannot do: breakdowns other than benefit, target group and youth group (the
latter through the same youth-group mapping as the microdata), and exact age bands: the rows
used are those for all ages (``age_band = ''``) unless the table only has bands, in which case
the bands are summed; likewise a table's total over target groups, or else the sum of its
target-group rows. Distinct persons cannot be summed over months;
for a longer period the cell's ``persons`` is the largest monthly count, a lower bound.
"""

from __future__ import annotations

import pyarrow as pa

from ungeindsats.classifications import YouthGroupMapping
from ungeindsats.indicators.cells import period_months
from ungeindsats.indicators.model import COUNTRY, Query
from ungeindsats.warehouse import Warehouse

AGGREGATE_BREAKDOWNS = ("benefit", "target_group", "youth_group")
NATIONAL_COVERAGE = 98
"""Microdata count as national when they hold residents of all 98 municipalities."""


def municipalities_without_microdata(warehouse: Warehouse, query: Query) -> tuple[int, ...]:
    """Requested municipalities with no person-level facts but with aggregates.

    The country counts as without microdata when the facts do not cover all 98 municipalities
    (a municipality's own case-system data) and the aggregates have a country row.
    """
    con = warehouse.con
    present = {
        int(r[0])
        for r in con.execute("SELECT DISTINCT municipality FROM fact_status_month").fetchall()
    }
    with_aggregates = {
        int(r[0]) for r in con.execute("SELECT DISTINCT municipality FROM fte_aggregate").fetchall()
    }
    missing = []
    for code in query.municipalities:
        covered = len(present) >= NATIONAL_COVERAGE if code == COUNTRY else code in present
        if not covered and code in with_aggregates:
            missing.append(code)
    return tuple(missing)


def _group_dim(warehouse: Warehouse) -> pa.Table:
    mapping = YouthGroupMapping.default()
    rows = warehouse.con.execute(
        "SELECT DISTINCT benefit, target_group FROM fte_aggregate"
    ).fetchall()
    return pa.table(
        {
            "benefit": pa.array([r[0] for r in rows], pa.string()),
            "target_group": pa.array([r[1] for r in rows], pa.string()),
            "youth_group": pa.array(
                [mapping.group_for(r[0], r[1] or None) for r in rows], pa.int16()
            ),
        }
    )


def aggregate_cells(
    warehouse: Warehouse, query: Query, municipalities: tuple[int, ...]
) -> pa.Table:
    """Columns as ``cells.support_cells``: municipality, period, *by, weeks, persons,
    period_weeks — with ``weeks`` = Σ monthly fte × weeks in the month."""
    by_sql = {
        "benefit": "a.benefit",
        "target_group": "a.target_group",
        "youth_group": "CAST(g.youth_group AS VARCHAR)",
    }
    select_by = "".join(f", {by_sql[b]} AS {b}" for b in query.by)
    group_by = "".join(f", {by_sql[b]}" for b in query.by)
    outer_by = "".join(f", m.{b}" for b in query.by)
    filters: list[str] = []
    params: list[object] = []
    for name, values in query.filters.items():
        filters.append(f"{by_sql[name]} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    # Use a table's totals where it has them, else sum its breakdown rows; a breakdown by target
    # or youth group needs the breakdown rows themselves.
    needs_groups = bool({"target_group", "youth_group"} & {*query.by, *query.filters})
    target_rows = (
        "a.target_group <> ''"
        if needs_groups
        else "(a.target_group = '' OR a.has_target_total = 0)"
    )
    con = warehouse.con
    con.register("q_period_agg", period_months(query.periods))
    con.register("q_group_agg", _group_dim(warehouse))
    # Weeks in each month by the Thursday rule, from the calendar.
    sql = f"""
        WITH month_weeks AS (
            SELECT year, month, count(*) AS weeks FROM week GROUP BY year, month
        ),
        flagged AS (
            SELECT f.*,
                   max(CASE WHEN target_group = '' THEN 1 ELSE 0 END) OVER (PARTITION BY
                       source_table, municipality, year, month, benefit) AS has_target_total,
                   max(CASE WHEN age_band = '' THEN 1 ELSE 0 END) OVER (PARTITION BY
                       source_table, municipality, year, month, benefit, target_group)
                       AS has_age_total
            FROM fte_aggregate AS f
        ),
        monthly AS (
            SELECT a.municipality, q.period, a.year, a.month{select_by},
                   sum(a.fte) AS fte, sum(a.persons) AS persons,
                   max(q.period_weeks) AS period_weeks
            FROM flagged AS a
            JOIN q_period_agg AS q ON q.year = a.year AND q.month = a.month
            LEFT JOIN q_group_agg AS g
              ON g.benefit = a.benefit AND g.target_group = a.target_group
            WHERE (a.age_band = '' OR a.has_age_total = 0) AND {target_rows}
              AND a.municipality IN ({", ".join("?" for _ in municipalities)})
              {"".join(" AND " + f for f in filters)}
            GROUP BY a.municipality, q.period, a.year, a.month{group_by}
        )
        SELECT CAST(m.municipality AS SMALLINT) AS municipality, m.period{outer_by},
               CAST(sum(m.fte * w.weeks) AS DOUBLE) AS weeks,
               CAST(max(m.persons) AS BIGINT) AS persons,
               max(m.period_weeks) AS period_weeks
        FROM monthly AS m JOIN month_weeks AS w ON w.year = m.year AND w.month = m.month
        GROUP BY m.municipality, m.period{outer_by}
        ORDER BY ALL
    """
    try:
        return con.sql(sql, params=[*municipalities, *params]).to_arrow_table()
    finally:
        con.unregister("q_period_agg")
        con.unregister("q_group_agg")
