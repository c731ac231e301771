"""Shared SQL for indicators over ``fact_status_month``: periods, municipalities, breakdowns.

``support_cells`` returns, per municipality (0 = Hele landet), period and breakdown cell, the
weeks on public support, the distinct persons and the weeks in the period. Each
indicator turns those into its value, so the counting rule lives in one place.

``person_cells`` is the counting rule for distinct persons that these cells and the event cells
of ``runs.event_cells`` share: rows carry a ``multi`` flag (the person has more than one row in
the period), so that most persons are counted by a plain sum and only the few with several rows
by a distinct count. ``count(DISTINCT person_id)`` over millions of rows per breakdown was most
of the time of a ``compute`` of the whole country.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.memo import recall, shared_table
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


def multi_pairs_sql(rows: str) -> str:
    """SQL: the (period, person_id) pairs with more than one row in the relation ``rows``,
    anywhere in the country. A person with one row in a period is in exactly one cell of any
    breakdown, also after any filter, so such persons can be counted by summing
    (``person_cells``)."""
    return f"SELECT period, person_id FROM {rows} GROUP BY period, person_id HAVING count(*) > 1"


def multi_flag(pairs: str, row: str) -> tuple[str, str]:
    """The LEFT JOIN of the pairs relation ``pairs`` (``multi_pairs_sql``) to the row alias
    ``row``, and the expression that is 1 when the row's person has several rows, else 0."""
    join = (
        f" LEFT JOIN {pairs} AS mp ON mp.period = {row}.period AND mp.person_id = {row}.person_id"
    )
    return join, "CASE WHEN mp.person_id IS NULL THEN 0 ELSE 1 END"


def person_cells(
    rows: str,
    by: Sequence[str],
    aggregates: Mapping[str, str],
    *,
    municipal: str | None,
    country: bool,
) -> str:
    """SQL (the tail of a WITH clause) counting ``rows`` per municipality (0 = Hele landet, its
    own aggregate: a person counted in two municipalities is one person in the country),
    period and the cells of ``by``.

    ``rows`` is a SELECT giving ``municipality, period, person_id, multi`` (``multi_flag``),
    ``counted`` (1 if the row's person counts among the persons), the columns ``by`` and one
    column per key of ``aggregates`` (name → ``sum`` or ``max``). ``municipal`` is a condition on
    ``municipality`` choosing the municipalities (None: none), ``country`` adds the country.

    Columns: municipality, period, *by, the aggregates (BIGINT), persons (distinct persons
    among counted rows). Persons with a single row in the period are summed; only those with
    several (``multi``) need a distinct count.
    """
    keys = "".join(f", {b}" for b in by)
    names = list(aggregates)
    values = "".join(f", {aggregates[n]}({n}) AS {n}" for n in names)
    nulls = "".join(f", NULL AS {n}" for n in names)
    outer = "".join(f", CAST({aggregates[n]}({n}) AS BIGINT) AS {n}" for n in names)
    plain = "".join(f", {n}" for n in names)
    head = f"""
    cell_rows AS ({rows}),
    cell_singles AS (
        SELECT municipality, period{keys}{values},
               sum(CASE WHEN multi = 0 THEN counted ELSE 0 END) AS persons
        FROM cell_rows GROUP BY municipality, period{keys}
    )"""
    multi = "FROM cell_rows WHERE multi = 1 AND counted = 1"
    parts = []
    if municipal is not None:
        parts.append(
            f"""
    SELECT CAST(municipality AS SMALLINT) AS municipality, period{keys}{outer},
           CAST(sum(persons) AS BIGINT) AS persons
    FROM (
        SELECT municipality, period{keys}{plain}, persons FROM cell_singles
        WHERE {municipal}
        UNION ALL
        SELECT municipality, period{keys}{nulls}, count(DISTINCT person_id) {multi}
        AND {municipal} GROUP BY municipality, period{keys}
    ) AS municipal_parts
    GROUP BY municipality, period{keys}"""
        )
    if country:
        parts.append(
            f"""
    SELECT CAST({COUNTRY} AS SMALLINT) AS municipality, period{keys}{outer},
           CAST(sum(persons) AS BIGINT) AS persons
    FROM (
        SELECT period{keys}{plain}, persons FROM cell_singles
        UNION ALL
        SELECT period{keys}{nulls}, count(DISTINCT person_id) {multi} GROUP BY period{keys}
    ) AS country_parts
    GROUP BY period{keys}"""
        )
    if not parts:
        raise ValueError("person_cells needs municipalities or the country")
    return f"{head} {' UNION ALL '.join(parts)}"


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
    try:
        return _support_cells_in_periods(warehouse, query, ages)
    finally:
        con.unregister("q_period")


# The facts of the query's periods, with the period's label and number of weeks.
_FACT_ROWS = (
    "SELECT f.*, q.period, q.period_weeks FROM fact_status_month AS f "
    "JOIN q_period AS q ON q.year = f.year AND q.month = f.month"
)


def _support_cells_in_periods(
    warehouse: Warehouse, query: Query, ages: tuple[int, int]
) -> pa.Table:
    con = warehouse.con
    sql = cell_sql(query, ages)
    # Which persons have several rows in a period depends neither on the breakdown nor on the
    # ages (fewer rows never make a single row several): inside memo.shared() it is found once
    # for every breakdown and indicator (on the national demo ~10 % of the person-months).
    pairs_sql = f"WITH fact_rows AS ({_FACT_ROWS}) {multi_pairs_sql('fact_rows')}"
    periods = tuple(con.execute("SELECT * FROM q_period ORDER BY ALL").fetchall())
    shared = shared_table(con, ("support_multi", id(warehouse), periods), pairs_sql)
    pairs = shared if shared is not None else "fact_pairs"
    pairs_cte = "" if shared is not None else f", fact_pairs AS ({multi_pairs_sql('fact_rows')})"
    join, multi = multi_flag(pairs, "f")
    # The facts hold public support only, so the code table is needed only to break down by it.
    code_join = joins_for(" ".join(BREAKDOWNS[b] for b in (*query.by, *query.filters)), "c")
    by_exprs = "".join(f", {BREAKDOWNS[b]} AS {b}" for b in query.by)
    rows = (
        f"SELECT f.municipality, f.period, f.person_id, {multi} AS multi, 1 AS counted"
        f"{by_exprs}, f.weeks, f.period_weeks "
        f"FROM fact_rows AS f{code_join}{sql.joins}{join} WHERE {sql.where}"
    )
    municipal = [m for m in query.municipalities if m != COUNTRY]
    in_municipal = f"municipality IN ({', '.join('?' for _ in municipal)})"
    cells = person_cells(
        rows,
        query.by,
        {"weeks": "sum", "period_weeks": "max"},
        municipal=in_municipal if municipal else None,
        country=COUNTRY in query.municipalities,
    )
    by = "".join(f", {b}" for b in query.by)
    sql_text = (
        f"SELECT municipality, period{by}, weeks, persons, CAST(period_weeks AS INTEGER) "
        f"AS period_weeks FROM (WITH fact_rows AS ({_FACT_ROWS}){pairs_cte}, {cells}) AS cells "
        "ORDER BY ALL"
    )
    # Positional parameters in the order of the text: the row filter, then the municipalities
    # twice (persons with one row, persons with several).
    params = [*sql.params, *municipal, *municipal]
    return con.sql(sql_text, params=params).to_arrow_table()
