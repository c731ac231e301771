"""Shared SQL for indicators over ``fact_status_month``: periods, municipalities, breakdowns.

``support_cells`` returns, per municipality (0 = Hele landet), period and breakdown cell, the
weeks on public support, the distinct persons and the weeks in the period. Each
indicator turns those into its value, so the counting rule lives in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.memo import recall
from ungeindsats.indicators.model import COUNTRY, IndicatorError, Query
from ungeindsats.periods import Period, parse_range
from ungeindsats.warehouse import Warehouse

# Breakdown name → SQL expression over fact f, code_dim c and person p. Names come from this
# registry only, never from user input, so they are safe to splice into SQL.
BREAKDOWNS: dict[str, str] = {
    "youth_group": "CAST(c.youth_group AS VARCHAR)",
    "benefit": "c.benefit",
    "target_group": "coalesce(c.target_group, '')",
    "age_band": (
        "CASE WHEN f.age <= 17 THEN '15-17' WHEN f.age <= 24 THEN '18-24' ELSE '25-29' END"
    ),
    "sex": "p.sex",
    "origin": "coalesce(p.origin, '')",
    "district": "coalesce(f.district, '')",
}
_JOINS = {
    "c": "JOIN code_dim AS c ON c.code = f.code",
    "p": "JOIN person AS p ON p.person_id = f.person_id",
}


def joins_for(sql: str, *aliases: str) -> str:
    """The joins of ``code_dim`` (alias c) and ``person`` (p) to the rows ``f`` that ``sql``
    reads, among ``aliases``: a join nobody reads costs a hash of millions of rows."""
    return "".join(f" {_JOINS[a]}" for a in aliases if re.search(rf"\b{a}\.", sql))


def period_months(periods: Sequence[Period]) -> pa.Table:
    """One row per (period, month in it), with the period's number of weeks."""
    labels, years, months, weeks = [], [], [], []
    for period in periods:
        if period.kind == "week":
            raise IndicatorError(
                f"{period}: nøgletallene opgøres pr. måned, kvartal eller år, ikke pr. uge"
            )
        if period.kind == "month":
            members = [period]
        else:
            first = Period("month", period.start_date.year, period.start_date.month)
            last = Period("month", period.end_date.year, period.end_date.month)
            members = parse_range(f"{first}:{last}").periods()
        for month in members:
            labels.append(period.label())
            years.append(month.year)
            months.append(month.number)
            weeks.append(period.weeks)
    return pa.table(
        {
            "period": pa.array(labels, pa.string()),
            "year": pa.array(years, pa.int16()),
            "month": pa.array(months, pa.int16()),
            "period_weeks": pa.array(weeks, pa.int32()),
        }
    )


@dataclass(frozen=True)
class CellSql:
    """The pieces of a grouped query over the facts for one Query."""

    select_by: str
    group_by: str
    joins: str
    where: str
    params: list[object]


def cell_sql(query: Query, ages: tuple[int, int]) -> CellSql:
    by_exprs = [f"{BREAKDOWNS[b]} AS {b}" for b in query.by]
    where = ["f.age BETWEEN ? AND ?"]
    params: list[object] = [ages[0], ages[1]]
    for name, values in query.filters.items():
        where.append(f"{BREAKDOWNS[name]} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    read = " ".join(BREAKDOWNS[b] for b in (*query.by, *query.filters))
    return CellSql(
        select_by="".join(f", {e}" for e in by_exprs),
        group_by="".join(f", {b}" for b in query.by),
        joins=joins_for(read, "p"),
        where=" AND ".join(where),
        params=params,
    )


def support_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    """Columns: municipality, period, *by, weeks, persons, period_weeks.

    The support indicators (fuldtidspersoner, personer, andel, pr. 1.000, varighed) and the
    offers' denominators rest on the same cells: inside ``memo.shared()`` they are counted once.
    """
    key = (
        "support_cells",
        id(warehouse),
        query.municipalities,
        query.periods,
        query.by,
        tuple(sorted(query.filters.items())),
        ages,
    )
    return recall(key, lambda: _support_cells(warehouse, query, ages))


def _support_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    ensure_facts(warehouse)
    con = warehouse.con
    con.register("q_period", period_months(query.periods))
    sql = cell_sql(query, ages)
    municipal = [m for m in query.municipalities if m != COUNTRY]
    parts, params = [], []
    # The facts hold public support only, so the code table is needed only to break down by it.
    code_join = joins_for(" ".join(BREAKDOWNS[b] for b in (*query.by, *query.filters)), "c")
    body = (
        f" FROM fact_status_month AS f{code_join} "
        "JOIN q_period AS q ON q.year = f.year AND q.month = f.month"
        f"{sql.joins} WHERE {sql.where}"
    )
    aggregates = (
        "CAST(sum(f.weeks) AS BIGINT) AS weeks, count(DISTINCT f.person_id) AS persons, "
        "max(q.period_weeks) AS period_weeks"
    )
    if municipal:
        parts.append(
            f"SELECT CAST(f.municipality AS SMALLINT) AS municipality, q.period{sql.select_by}, "
            f"{aggregates}{body} AND f.municipality IN ({', '.join('?' for _ in municipal)}) "
            f"GROUP BY f.municipality, q.period{sql.group_by}"
        )
        params.extend([*sql.params, *municipal])
    if COUNTRY in query.municipalities:
        parts.append(
            f"SELECT CAST({COUNTRY} AS SMALLINT) AS municipality, q.period{sql.select_by}, "
            f"{aggregates}{body} GROUP BY q.period{sql.group_by}"
        )
        params.extend(sql.params)
    try:
        sql_text = " UNION ALL ".join(parts) + " ORDER BY ALL"
        table = con.sql(sql_text, params=params).to_arrow_table()
    finally:
        con.unregister("q_period")
    return table
