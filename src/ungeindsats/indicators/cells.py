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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.memo import plan_for, planned_sets, recall, shared_table
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


@contextmanager
def parameter_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` (a query's few periods or weeks) as a temporary table ``name`` for the duration
    of the block. Not a registered Arrow table: DuckDB keeps a copy of every CTE that reads one
    and is read more than once, and ``person_cells`` reads its rows twice so as not to keep
    millions of them."""
    con.register(f"{name}_arrow", table)
    try:
        # The name is our own constant; the temporary table lives in the connection only.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")
    try:
        yield
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


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


def multi_pairs_sql(rows: str, period: Sequence[str] = ("period",)) -> str:
    """SQL: the (period, person_id) pairs with more than one row in the relation ``rows``,
    anywhere in the country; ``period`` names the columns that make the period. A person with
    one row in a period is in exactly one cell of any breakdown, also after any filter, so such
    persons can be counted by summing (``person_cells``)."""
    keys = ", ".join([*period, "person_id"])
    return f"SELECT {keys} FROM {rows} GROUP BY {keys} HAVING count(*) > 1"


def multi_flag(pairs: str, row: str, period: Sequence[str] = ("period",)) -> tuple[str, str]:
    """The LEFT JOIN of the pairs relation ``pairs`` (``multi_pairs_sql``, same ``period``) to
    the row alias ``row``, and the expression that is 1 when the row's person has several rows,
    else 0."""
    on = " AND ".join(f"mp.{k} = {row}.{k}" for k in (*period, "person_id"))
    return f" LEFT JOIN {pairs} AS mp ON {on}", "CASE WHEN mp.person_id IS NULL THEN 0 ELSE 1 END"


def person_cells(
    rows: str,
    by: Sequence[str],
    aggregates: Mapping[str, str],
    *,
    municipal: str | None,
    country: bool,
    sets: Sequence[Sequence[str]] | None = None,
    all_multi: bool = False,
) -> str:
    """SQL (the tail of a WITH clause) counting ``rows`` per municipality (0 = Hele landet, its
    own aggregate: a person counted in two municipalities is one person in the country),
    period and the cells of ``by``.

    ``rows`` is a SELECT giving ``municipality, period, person_id, multi`` (``multi_flag``),
    ``counted`` (1 if the row's person counts among the persons), the columns ``by`` and one
    column per key of ``aggregates`` (name → ``sum`` or ``max``). ``municipal`` is a condition on
    ``municipality`` choosing the municipalities (None: none), ``country`` adds the country.

    Columns: municipality, period, *by, the aggregates (BIGINT), persons (distinct persons
    among counted rows). Persons with a single row in the period are summed; only the rows of
    those with several (``multi``) are kept and counted distinct. ``all_multi``: ``multi`` is 1
    in every row (in periods longer than a month nearly everybody has several rows), so all the
    rows are kept.

    ``sets`` (subsets of ``by``) counts the cells of each set in one pass over the rows instead
    of ``by`` alone: a column ``cell_set`` (``set_id``) tells which set a row belongs to, and
    the columns of ``by`` outside its set are NULL. The sums of each set are rolled up from
    those of the cells of all of ``by`` (``GROUPING SETS`` over the rows would read every row
    once per set).
    """
    keys = "".join(f", {b}" for b in by)
    names = list(aggregates)
    values = "".join(f", {aggregates[n]}({n}) AS {n}" for n in names)
    nulls = "".join(f", NULL AS {n}" for n in names)
    outer = "".join(f", CAST({aggregates[n]}({n}) AS BIGINT) AS {n}" for n in names)
    plain = "".join(f", {n}" for n in names)

    def grouped(*fixed: str) -> str:
        """GROUP BY ``fixed`` and the cells (of each set)."""
        if sets is None:
            return f"GROUP BY {', '.join(fixed)}{keys}"
        return f"GROUP BY {grouping_sets(sets, fixed)}"

    cell_set = "" if sets is None else f", {cell_set_sql(by)}"
    keyed = f"{keys}, cell_set" if sets is not None else keys
    summed = f"""
        SELECT municipality, period{keys}{values},
               sum(CASE WHEN multi = 0 THEN counted ELSE 0 END) AS persons
        FROM cell_rows GROUP BY municipality, period{keys}"""
    if sets is not None:
        summed = f"""
        SELECT municipality, period{keys}{cell_set}{values}, sum(persons) AS persons
        FROM ({summed}) AS finest {grouped("municipality", "period")}"""
    # The persons with several rows, counted distinct by municipality and in the whole country
    # in one pass: the municipalities chosen are picked from its cells (the municipality is in
    # their key), so that DuckDB reads the rows once.
    levels: list[tuple[str, ...]] = [("municipality", "period")] if municipal is not None else []
    levels += [("period",)] if country else []
    if not levels:
        raise ValueError("person_cells needs municipalities or the country")
    cells_sets = [(*level, *s) for level in levels for s in (sets if sets is not None else [by])]
    whole = "GROUPING(municipality)" if len(levels) == 2 else "0" if municipal is not None else "1"
    # The rows are read twice: summed, and filtered for the persons with several. DuckDB keeps
    # a copy of a CTE read twice by default; of millions of rows that costs more than reading
    # their source again, so only the persons with several are kept (for GROUPING SETS),
    # unless every row is of one.
    keep = "" if all_multi else "NOT "
    head = f"""
    cell_rows AS {keep}MATERIALIZED ({rows}),
    cell_sums AS ({summed}
    ),
    cell_multi AS (
        SELECT {"NULL AS municipality" if municipal is None else "municipality"},
               period{keys}{cell_set},
               {whole} AS whole,
               count(DISTINCT person_id) AS persons
        FROM cell_rows WHERE multi = 1 AND counted = 1
        GROUP BY {grouping_sets(cells_sets)}
    )"""
    parts = []
    if municipal is not None:
        parts.append(
            f"""
    SELECT CAST(municipality AS SMALLINT) AS municipality, period{keyed}{outer},
           CAST(sum(persons) AS BIGINT) AS persons
    FROM (
        SELECT municipality, period{keyed}{plain}, persons FROM cell_sums
        WHERE {municipal}
        UNION ALL
        SELECT municipality, period{keyed}{nulls}, persons FROM cell_multi
        WHERE whole = 0 AND {municipal}
    ) AS municipal_parts
    GROUP BY municipality, period{keyed}"""
        )
    if country:
        parts.append(
            f"""
    SELECT CAST({COUNTRY} AS SMALLINT) AS municipality, period{keyed}{outer},
           CAST(sum(persons) AS BIGINT) AS persons
    FROM (
        SELECT period{keyed}{plain}, persons FROM cell_sums
        UNION ALL
        SELECT period{keyed}{nulls}, persons FROM cell_multi WHERE whole = 1
    ) AS country_parts
    GROUP BY period{keyed}"""
        )
    return f"{head} {' UNION ALL '.join(parts)}"


def grouping_sets(
    sets: Sequence[Sequence[str]], before: Sequence[str] = (), after: Sequence[str] = ()
) -> str:
    """SQL ``GROUPING SETS (...)``: one set per breakdown set, between the columns ``before``
    and ``after`` that every set groups by."""
    each = ", ".join(f"({', '.join([*before, *s, *after])})" for s in sets)
    return f"GROUPING SETS ({each})"


def cell_set_sql(by: Sequence[str]) -> str:
    """SQL: the ``cell_set`` column of a GROUPING SETS count by subsets of ``by`` (``set_id``
    reads it)."""
    return f"GROUPING({', '.join(by)}) AS cell_set" if by else "0 AS cell_set"


def set_columns(sets: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The breakdowns of all ``sets``, in the order they first come: what a one-pass count of
    the sets groups by."""
    return tuple(dict.fromkeys(b for s in sets for b in s))


def set_id(by: Sequence[str], cells: Sequence[str]) -> int:
    """The ``cell_set`` of ``person_cells`` for the set ``cells`` of ``by``: SQL's GROUPING(),
    one bit per column of ``by`` (the first the highest), set where the column is not in it."""
    return sum(1 << (len(by) - 1 - i) for i, b in enumerate(by) if b not in cells)


def support_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    """Columns: municipality, period, *by, weeks, persons, period_weeks.

    The support indicators (fuldtidspersoner, personer, andel, pr. 1.000, varighed) and the
    offers' denominators rest on the same cells: inside ``memo.shared()`` they are counted once.
    """
    periods = plan_for(query.periods)
    if periods != query.periods:
        # The layer asks a job a year at a time: a period's cells do not depend on the other
        # periods, so all the planned periods are counted at once and each query reads its own.
        return of_periods(support_cells(warehouse, replace(query, periods=periods), ages), query)
    sets = None if query.filters else planned_sets(query.by)
    if sets is None:
        key = query_key("support_cells", warehouse, query, ages)
        return recall(key, lambda: _support_cells(warehouse, query, ages, None))[query.by]
    # The layer asks the breakdowns one after the other: all counted in one pass.
    every = replace(query, by=set_columns(sets))
    key = (*query_key("support_cell_sets", warehouse, every, ages), sets)
    return recall(key, lambda: _support_cells(warehouse, every, ages, sets))[query.by]


def of_periods(cells: pa.Table, query: Query) -> pa.Table:
    """The rows of ``cells`` (a ``period`` column of labels) in the query's periods: a query's
    own cells out of those counted for all the planned periods (``memo.plan_for``)."""
    labels = pa.array([p.label() for p in query.periods], cells.schema.field("period").type)
    return cells.filter(pc.is_in(cells["period"], value_set=labels))


def query_key(
    kind: str, warehouse: Warehouse, query: Query, ages: tuple[int, int]
) -> tuple[object, ...]:
    """What a piece remembered inside ``memo.shared()`` for one query depends on."""
    filters = tuple(sorted(query.filters.items()))
    return (kind, id(warehouse), query.municipalities, query.periods, query.by, filters, ages)


PERSON_COLUMNS = tuple(dict.fromkeys(re.findall(r"\bp\.(\w+)", " ".join(BREAKDOWNS.values()))))
"""The person's columns that breakdowns read (sex, origin): the support rows and the events carry
them, so that a breakdown by them needs no join of ``person`` per query."""


def person_columns(alias: str = "p", columns: Sequence[str] = PERSON_COLUMNS) -> str:
    """SQL: the person's ``columns`` (default ``PERSON_COLUMNS``) of the rows ``alias``, each
    after a comma, for a select list that carries them."""
    return "".join(f", {alias}.{c}" for c in columns)


def person_of_row(columns: Sequence[str]) -> str:
    """A relation ``f`` whose rows carry the person's ``columns`` (joined in once, when it was
    built): this names them ``p.<column>`` again, row by row, so that the same breakdown and
    condition SQL reads them without joining ``person`` once more ('' for no columns)."""
    if not columns:
        return ""
    return f" CROSS JOIN LATERAL (SELECT {', '.join(f'f.{c} AS {c}' for c in columns)}) AS p"


def carried_columns(sql: str) -> list[str]:
    """The person's columns (``PERSON_COLUMNS``) that ``sql`` reads as ``p.<column>``."""
    return [c for c in PERSON_COLUMNS if re.search(rf"\bp\.{c}\b", sql)]


def _carried(breakdowns: Sequence[str]) -> list[str]:
    """The person's columns that ``breakdowns`` read."""
    return carried_columns(" ".join(BREAKDOWNS[b] for b in breakdowns))


def support_pairs_sql(months: str | None) -> str:
    """SQL: the (year, month, person_id) with more than one row in ``fact_status_month`` (a
    move or a second benefit code within the month), for the months of the relation ``months``
    (columns year, month; None: all months). A person's rows in one month do not depend on the
    other months, so the pairs of all months (``memo.shared()``) hold those of any months."""
    facts = "fact_status_month"
    if months is not None:
        facts = (
            f"(SELECT * FROM fact_status_month AS f WHERE EXISTS (SELECT 1 FROM {months} AS m "
            "WHERE m.year = f.year AND m.month = f.month))"
        )
    return multi_pairs_sql(facts, ("year", "month"))


def support_rows_sql(breakdowns: Sequence[str], pairs: str | None) -> str:
    """SQL: the facts ``f`` (all columns), the person's columns that ``breakdowns`` read and
    ``multi``: 1 if the person has more than one row in the month, by the relation ``pairs``
    (``support_pairs_sql``); None: 1 for every row (right, only slower, where no period is a
    month: see ``_support_cells_in_periods``)."""
    columns = "".join(f", p.{c}" for c in _carried(breakdowns))
    join, multi = multi_flag(pairs, "f", ("year", "month")) if pairs else ("", "1")
    return (
        f"SELECT f.*{columns}, CAST({multi} AS TINYINT) AS multi "
        f"FROM fact_status_month AS f{joins_for(columns, 'p')}{join}"
    )


def _support_cells(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    sets: Sequence[tuple[str, ...]] | None,
) -> dict[tuple[str, ...], pa.Table]:
    """The cells by ``query.by``, or by each of ``sets`` (subsets of it), keyed by breakdown."""
    ensure_facts(warehouse)
    con = warehouse.con
    periods = period_months(query.periods)
    monthly = [p.label() for p in query.periods if p.kind == "month"]
    periods = periods.append_column(
        "monthly", pc.is_in(periods["period"], pa.array(monthly, pa.string()))
    )
    with parameter_table(con, "q_period", periods):
        cells = _support_cells_in_periods(warehouse, query, ages, sets)
    if sets is None:
        return {query.by: cells}
    return {s: one_set(warehouse, cells, query.by, s) for s in sets}


def one_set(
    warehouse: Warehouse, cells: pa.Table, by: Sequence[str], cells_of: Sequence[str]
) -> pa.Table:
    """The cells of one breakdown set out of ``person_cells(sets=...)`` counted by ``by``:
    municipality, period, ``cells_of`` and the counts (in the table's order), ordered as the
    plain query orders them (ORDER BY ALL)."""
    counts = [c for c in cells.column_names if c not in ("municipality", "period", "cell_set", *by)]
    columns = ", ".join(["municipality", "period", *cells_of, *counts])
    con = warehouse.con
    con.register("cell_sets", cells)
    try:
        return con.sql(
            f"SELECT {columns} FROM cell_sets WHERE cell_set = ? ORDER BY ALL",
            params=[set_id(by, cells_of)],
        ).to_arrow_table()
    finally:
        con.unregister("cell_sets")


def _support_cells_in_periods(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    sets: Sequence[tuple[str, ...]] | None,
) -> pa.Table:
    con = warehouse.con
    # Which persons have several rows in a month depends neither on the breakdown, the ages nor
    # the other months: inside memo.shared() it is found once for all months, every breakdown,
    # period set and indicator (on the national demo ~10 % of the person-months). The rows
    # themselves are read from the facts per query: a table of the facts with the flag and the
    # breakdowns beside them (13 million rows) costs more to write than its joins cost to redo.
    monthly = any(p.kind == "month" for p in query.periods)
    pairs: str | None = None
    pairs_cte = ""
    if monthly:
        pairs = shared_table(con, ("support_pairs", id(warehouse)), support_pairs_sql(None))
        if pairs is None:
            pairs, pairs_cte = (
                "support_pairs",
                f"support_pairs AS ({support_pairs_sql('q_period')}), ",
            )
    support_rows = support_rows_sql((*query.by, *query.filters), pairs)
    rows_cte = f"{pairs_cte}support_row AS NOT MATERIALIZED ({support_rows})"
    where = ["f.age BETWEEN ? AND ?"]
    params: list[object] = [ages[0], ages[1]]
    for name, values in query.filters.items():
        where.append(f"{BREAKDOWNS[name]} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    by_columns = "".join(f", {BREAKDOWNS[b]} AS {b}" for b in query.by)
    read = " ".join([by_columns, *where])
    # A person with one row in a month is summed; in a quarter or a year nearly every person on
    # support has several rows (one a month), so there all are counted distinct (which at that
    # grain costs less than finding the few with one row).
    rows = (
        "SELECT f.municipality, q.period, f.person_id, "
        "CASE WHEN q.monthly THEN f.multi ELSE 1 END AS multi, 1 AS counted"
        f"{by_columns}, f.weeks, q.period_weeks "
        f"FROM support_row AS f{person_of_row(_carried((*query.by, *query.filters)))} "
        "JOIN q_period AS q ON q.year = f.year AND q.month = f.month"
        f"{joins_for(read, 'c')} WHERE {' AND '.join(where)}"
    )
    municipal = [m for m in query.municipalities if m != COUNTRY]
    in_municipal = f"municipality IN ({', '.join('?' for _ in municipal)})"
    cells = person_cells(
        rows,
        query.by,
        {"weeks": "sum", "period_weeks": "max"},
        municipal=in_municipal if municipal else None,
        country=COUNTRY in query.municipalities,
        sets=sets,
        all_multi=not monthly,
    )
    by = "".join(f", {b}" for b in query.by) + (", cell_set" if sets is not None else "")
    sql_text = (
        f"SELECT municipality, period{by}, weeks, persons, CAST(period_weeks AS INTEGER) "
        f"AS period_weeks FROM (WITH {rows_cte}, {cells}) AS cells ORDER BY ALL"
    )
    # Positional parameters in the order of the text: the row filter, then the municipalities
    # twice (persons with one row, persons with several).
    params = [*params, *municipal, *municipal]
    return con.sql(sql_text, params=params).to_arrow_table()
