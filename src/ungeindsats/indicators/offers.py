"""Offers (tilbud), company-based activation, intervention mix and sanctions.

These indicators look at single weeks rather than months: an offer counts only in a week the
person was on public support, and a sanction belongs to the week of its date. So their
numerators read the canonical tables (``status_spell``, ``activation_spell``, ``sanction``,
``residence``) week by week, with the attribution rules of ``fact_status_month`` (domain.md §2):
a week belongs to the period containing its Thursday, and municipality and age are those of the
week. Their denominators, the recipients in the period, come from ``support_cells`` (the
indicator ``persons``), so a share's numerator is always part of its denominator.

Offer types (``activation_spell.offer_type``) are grouped into offer kinds (tilbudsart) as seed
001 groups them ("uddannelsestilbud", "jobtilbud", "støttetilbud (mentor)"):

=============================  =====================
offer_type                     offer_kind
=============================  =====================
uddannelse                     Uddannelsestilbud
vejledning_opkvalificering     Uddannelsestilbud
virksomhedspraktik             Jobrettede tilbud
loentilskud                    Jobrettede tilbud
mentor                         Støttetilbud
nytteindsats                   Andet
andet                          Andet
=============================  =====================

An offer type not in the table (none can be imported today) counts as "Andet".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.indicators.cells import (
    BREAKDOWNS,
    PERSON_COLUMNS,
    cell_set_sql,
    grouping_sets,
    multi_flag,
    multi_pairs_sql,
    of_periods,
    one_set,
    period_months,
    person_columns,
    person_of_row,
    query_key,
    set_columns,
    support_cells,
)
from ungeindsats.indicators.facts import (
    AGE_AT_THURSDAY,
    age_at_week,
    birthday_week,
    ensure_facts,
)
from ungeindsats.indicators.memo import plan_for, planned_sets, recall, shared_table, sharing
from ungeindsats.indicators.model import (
    COUNTRY,
    Query,
    Result,
    get_indicator,
    indicator,
)
from ungeindsats.periods import EPOCH, Period
from ungeindsats.warehouse import Warehouse

OFFER_KINDS: dict[str, str] = {
    "uddannelse": "Uddannelsestilbud",
    "vejledning_opkvalificering": "Uddannelsestilbud",
    "virksomhedspraktik": "Jobrettede tilbud",
    "loentilskud": "Jobrettede tilbud",
    "mentor": "Støttetilbud",
    "nytteindsats": "Andet",
    "andet": "Andet",
}
"""offer_type → offer_kind (the table in the module docstring)."""

KIND_ORDER = ("Uddannelsestilbud", "Jobrettede tilbud", "Støttetilbud", "Andet")
OTHER_KIND = "Andet"
COMPANY_BASED = ("virksomhedspraktik", "loentilskud")
"""Virksomhedsrettet aktivering: the offer types at a workplace."""

MIX = ("Ingen indsats", "Én slags indsats", "Kombineret indsats")
"""Intervention mix: no offer kind, one kind, two or more kinds in the period."""

SUPPORT_KEYS = tuple(BREAKDOWNS)
SANCTION_KEYS = ("benefit", "age_band", "sex", "origin", "district")
OWN_DATA = "Kommunens egne data (aktiveringsforløb, ydelser, bopæl); domain.md §6"


def week_bounds(warehouse: Warehouse, periods: Sequence[Period]) -> tuple[int, int]:
    """The weeks whose rows a query reads: its periods' first to last week; inside
    ``memo.shared()`` every week of the week table, so that rows shared between queries (kept
    per month, and joined to each query's periods by ``period_months``) are built once for all
    of them, whatever their periods (the layer asks some a year at a time)."""
    if sharing():
        [(first, last)] = warehouse.con.execute("SELECT min(week), max(week) FROM week").fetchall()
        if first is not None:
            return int(first), int(last)
    return min(p.first_week for p in periods), max(p.last_week for p in periods)


def shared_cte(
    warehouse: Warehouse, key: Hashable, ctes: str, name: str, params: Sequence[object]
) -> tuple[str, list[object]]:
    """The CTEs ``ctes`` (which define ``name``, maybe after helpers) and their parameters, or,
    inside ``memo.shared()``, one CTE ``name`` reading a table built once per ``key`` from the
    same SQL: so the shared path and the plain path are the same query."""
    table = shared_table(warehouse.con, key, f"WITH {ctes} SELECT * FROM {name}", list(params))
    return (ctes, list(params)) if table is None else (f"{name} AS (SELECT * FROM {table})", [])


@contextmanager
def registered(warehouse: Warehouse, **tables: pa.Table) -> Iterator[None]:
    """The Arrow tables visible to SQL under their names for the duration."""
    for name, table in tables.items():
        warehouse.con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            warehouse.con.unregister(name)


def row_filters(query: Query, ages: tuple[int, int], alias: str) -> tuple[str, list[object]]:
    """The WHERE condition on rows that carry ``age`` and a column per breakdown: the age band
    and the query's filters. The filters' names are breakdowns the indicator has checked
    (``Indicator.__call__``), so they are safe to splice; their values are parameters."""
    where = [f"{alias}.age BETWEEN ? AND ?"]
    params: list[object] = [ages[0], ages[1]]
    for name, values in query.filters.items():
        where.append(f"{alias}.{name} IN {in_list(values)}")
        params.extend(values)
    return " AND ".join(where), params


def ages_for(name: str, query: Query) -> tuple[int, int]:
    return query.ages or get_indicator(name).default_ages


def without(query: Query, *names: str) -> Query:
    """The query without the breakdowns and filters that are not columns of the facts."""
    return replace(
        query,
        by=tuple(b for b in query.by if b not in names),
        filters={k: v for k, v in query.filters.items() if k not in names},
    )


def in_list(values: Sequence[object]) -> str:
    return f"({', '.join('?' for _ in values)})"


def per_municipality(
    columns: str, source: str, query: Query, group_by: str | None = None
) -> tuple[str, list[object]]:
    """A SELECT of ``municipality`` + ``columns`` from ``source`` for each requested municipality
    and, as a separate aggregate over all municipalities, for the country (municipality 0).

    ``columns`` is the rest of the SELECT list (starting with a comma); ``group_by`` the
    grouping columns other than the municipality, or None for rows without grouping. Returns
    the UNION ALL of the parts and their parameters (the municipality codes).
    """
    municipal = [m for m in query.municipalities if m != COUNTRY]
    parts: list[str] = []
    if municipal:
        group = f" GROUP BY municipality, {group_by}" if group_by else ""
        parts.append(
            f"SELECT municipality{columns} FROM {source} "
            f"WHERE municipality IN {in_list(municipal)}{group}"
        )
    if COUNTRY in query.municipalities:
        group = f" GROUP BY {group_by}" if group_by else ""
        parts.append(
            f"SELECT CAST({COUNTRY} AS SMALLINT) AS municipality{columns} FROM {source}{group}"
        )
    return " UNION ALL ".join(parts), list(municipal)


# --- offers ----------------------------------------------------------------------------------


# The months in which a person was both in an offer and on public support, within the weeks
# asked about: only these weeks can put a recipient in an offer (an offer outside the benefit
# weeks never gets here). Status spell and offer are cut to their common interval first
# (``offer_spell``, materialised: joined to the residence first, the planner compares millions
# of rows), then to each residence (``offer_piece``, about one row per offer). What counts is
# which months, ages and the rest its weeks have, not the weeks: so, as in facts.py, a piece is
# cut at the person's birthdays (``offer_aged``; a week's age is the age on its Thursday) and
# each part gives one row per month from its first week's month to its last week's
# (``offer_week``; a week belongs to the month of its Thursday, and a month is a run of whole
# weeks). These are the months of expanding each piece into its weeks, at ~1.7 rows a piece
# instead of ~3.8 (on the national demo). A person without a birth date has no age and so no row
# (no age band holds them). The rows are not made distinct: a repeated row (two offers of one
# type in a month) changes no bitwise or. Every breakdown's value is put beside them
# (``offer_row``), with the offer's kind and company-based activation as bits (``_KINDS``), the
# person's columns carried from the one join of ``person``, and ``multi``: whether the person
# has other rows in the month (``cells.multi_flag``; see ``_count_offers``). So each breakdown of
# each offer indicator is a GROUP BY of the same rows, and inside ``memo.shared()`` they are
# built once. The recipients themselves, the denominator, are the persons of
# ``support_cells``, counted by the same week rules.
_MULTI = multi_flag(f"({multi_pairs_sql('offer_week', ('year', 'month'))})", "f", ("year", "month"))
_OFFER_ROWS = f"""
offer_spell AS MATERIALIZED (
    SELECT s.person_id, s.code, a.offer_type,
           greatest(s.first_week, a.first_week, ?) AS first_week,
           least(s.last_week, a.last_week, ?) AS last_week
    FROM status_spell AS s
    JOIN activation_spell AS a
      ON a.person_id = s.person_id
     AND a.first_week <= s.last_week AND a.last_week >= s.first_week
    WHERE s.last_week >= ? AND s.first_week <= ? AND a.last_week >= ? AND a.first_week <= ?
      AND s.code IN (SELECT code FROM code_dim WHERE category = 'public_support')
),
offer_piece AS (
    SELECT o.person_id, o.code, o.offer_type, r.municipality, r.district,
           p.birth_date{person_columns("p")},
           greatest(o.first_week, r.first_week) AS first_week,
           least(o.last_week, coalesce(r.last_week, o.last_week)) AS last_week
    FROM offer_spell AS o
    JOIN residence AS r
      ON r.person_id = o.person_id
     AND r.first_week <= o.last_week
     AND (r.last_week IS NULL OR r.last_week >= o.first_week)
    JOIN person AS p ON p.person_id = o.person_id
    WHERE p.birth_date IS NOT NULL
),
offer_aged AS (
    -- The pieces are named p: the age and birthday SQL reads p.birth_date.
    SELECT p.person_id, p.code, p.offer_type, p.municipality, p.district,
           p.age{person_columns("p")},
           greatest(p.first_week, {birthday_week("p.age")}) AS first_week,
           least(p.last_week, {birthday_week("p.age + 1")} - 1) AS last_week
    FROM (
        SELECT *, unnest(range({age_at_week("first_week")}, {age_at_week("last_week")} + 1))
               AS age
        FROM offer_piece AS p
    ) AS p
),
offer_week AS (
    SELECT a.municipality, CAST(a.month_no // 12 AS SMALLINT) AS year,
           CAST(a.month_no % 12 + 1 AS SMALLINT) AS month, a.person_id, a.code, a.district,
           a.offer_type, CAST(a.age AS SMALLINT) AS age{person_columns("a")}
    FROM (
        SELECT a.*, unnest(range(wf.year * 12 + wf.month - 1, wl.year * 12 + wl.month))
               AS month_no
        FROM offer_aged AS a
        JOIN week AS wf ON wf.week = a.first_week
        JOIN week AS wl ON wl.week = a.last_week
        WHERE a.first_week <= a.last_week
    ) AS a
),
offer_row AS (
    SELECT f.municipality, f.year, f.month, f.person_id, f.age,
           {", ".join(f"{expr} AS {name}" for name, expr in BREAKDOWNS.items())},
           coalesce(m.bits, ?) AS bits, {_MULTI[1]} AS multi
    FROM offer_week AS f
    JOIN code_dim AS c ON c.code = f.code{person_of_row(PERSON_COLUMNS)}
    LEFT JOIN offer_kind_map AS m ON m.offer_type = f.offer_type{_MULTI[0]}
)"""


def _kind_bit(kind: str) -> int:
    return 1 << KIND_ORDER.index(kind)


_KIND_MASK = (1 << len(KIND_ORDER)) - 1
_COMPANY_BIT = 1 << len(KIND_ORDER)
_KINDS = pa.table(
    {
        "offer_type": pa.array(list(OFFER_KINDS), pa.string()),
        "offer_kind": pa.array(list(OFFER_KINDS.values()), pa.string()),
        "bits": pa.array(
            [
                _kind_bit(kind) | (_COMPANY_BIT if offer_type in COMPANY_BASED else 0)
                for offer_type, kind in OFFER_KINDS.items()
            ],
            pa.int32(),
        ),
    }
)
"""offer_type → offer_kind and its bits: one bit per offer kind, and one for company-based
activation. A person's offers in a cell are the bitwise or of their bits."""


def _offer_counts(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    """Per municipality, period and cell the persons in offers in their benefit weeks, as the
    three offer indicators need them: ``wanted`` with an offer of the kinds asked about (the
    query's ``offer_kind`` filter; all without one), ``kind_<i>`` with an offer of the i'th
    kind of ``KIND_ORDER``, ``company`` in company-based activation, and ``one`` and
    ``combined`` with one and with two or more kinds. Inside ``memo.shared()`` they are counted
    once for all three, and the planned breakdowns (``memo.planned_sets``) in one pass."""
    facts_query = without(query, "offer_kind", "mix")
    periods = plan_for(query.periods)
    if periods != query.periods:
        # The layer's year chunks: a period's counts do not depend on the other periods.
        return of_periods(_offer_counts(warehouse, replace(query, periods=periods), ages), query)
    wanted = tuple(query.filters.get("offer_kind", ()))
    sets = None if facts_query.filters else planned_sets(facts_query.by)
    if sets is not None:
        every = replace(facts_query, by=set_columns(sets))
        of_sets = ("offer_count_sets", id(warehouse), every.municipalities, every.periods)
        counts = recall(
            (*of_sets, every.by, ages, wanted, sets),
            lambda: _count_offers(warehouse, every, ages, wanted, sets),
        )
        return one_set(warehouse, counts, every.by, facts_query.by)
    key = (
        "offer_counts",
        id(warehouse),
        facts_query.municipalities,
        facts_query.periods,
        facts_query.by,
        tuple(sorted(facts_query.filters.items())),
        ages,
        wanted,
    )
    return recall(key, lambda: _count_offers(warehouse, facts_query, ages, wanted))


def _count_offers(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    wanted: tuple[str, ...],
    sets: Sequence[Sequence[str]] | None = None,
) -> pa.Table:
    """The counts of ``_offer_counts`` by ``query.by``, or by each of ``sets`` (subsets of it)
    with ``cell_set`` (``cells.person_cells``, ``cells.one_set``)."""
    where, where_params = row_filters(query, ages, "o")
    keys = "".join(f", {k}" for k in query.by)
    wanted_bits = sum(_kind_bit(k) for k in KIND_ORDER if k in wanted) if wanted else _KIND_MASK
    # A person with one row in a month (``offer_row.multi``) is in one cell of every breakdown
    # with that row's bits, so such rows are counted as they are, grouped by cell only. The
    # others first get one row per (municipality, period, cell, person) with the bits of all
    # their offers there. Each figure is then a count(*), much cheaper than a
    # count(DISTINCT person_id) each; the two parts' counts are added.
    by_person = f"period{keys}, person_id"
    by_cell = f"period{keys}"
    cell_set = ""
    if sets is not None:
        by_person = grouping_sets(sets, ("period",), ("person_id",))
        by_cell = grouping_sets(sets, ("period",))
        cell_set = f", {cell_set_sql(query.by)}"
    per_person, person_params = per_municipality(
        f", period{keys}{cell_set}, person_id, bit_or(bits) AS bits",
        "taken_multi",
        query,
        by_person,
    )
    # One kind: the kind bits are a power of two (every person here has at least one offer).
    figures = {
        "wanted": f"bits & {wanted_bits} <> 0",
        **{f"kind_{i}": f"bits & {_kind_bit(kind)} <> 0" for i, kind in enumerate(KIND_ORDER)},
        "company": f"bits & {_COMPANY_BIT} <> 0",
        "one": f"(bits & {_KIND_MASK}) & ((bits & {_KIND_MASK}) - 1) = 0",
        "combined": f"(bits & {_KIND_MASK}) & ((bits & {_KIND_MASK}) - 1) <> 0",
    }
    counts = "".join(f", count(*) FILTER (WHERE {c}) AS {n}" for n, c in figures.items())
    per_cell, cell_params = per_municipality(
        f", period{keys}{cell_set}{counts}", "taken_single", query, by_cell
    )
    if sets is not None:
        keys += ", cell_set"
    sums = ", ".join(f"CAST(sum({n}) AS BIGINT) AS {n}" for n in figures)
    counted = f"""
    taken AS (
        SELECT q.period, q.monthly AND o.multi = 0 AS single, o.*
        FROM offer_row AS o JOIN q_offer_month AS q ON q.year = o.year AND q.month = o.month
        WHERE {where}
    ),
    taken_single AS (SELECT * FROM taken WHERE single),
    taken_multi AS (SELECT * FROM taken WHERE NOT single),
    per_person AS ({per_person})
    SELECT municipality, period{keys}, {sums}
    FROM (
        SELECT municipality, period{keys}{counts} FROM per_person
        GROUP BY municipality, period{keys}
        UNION ALL {per_cell}
    ) AS parts
    GROUP BY municipality, period{keys}"""
    ensure_facts(warehouse)
    first, last = week_bounds(warehouse, query.periods)
    other_bits = _kind_bit(OTHER_KIND)
    months = period_months(query.periods)
    monthly = [p.label() for p in query.periods if p.kind == "month"]
    months = months.append_column(
        "monthly", pc.is_in(months["period"], pa.array(monthly, pa.string()))
    )
    with registered(warehouse, q_offer_month=months, offer_kind_map=_KINDS):
        rows_cte, rows_params = shared_cte(
            warehouse,
            ("offer_rows", id(warehouse), first, last),
            _OFFER_ROWS,
            "offer_row",
            [first, last, first, last, first, last, other_bits],
        )
        params = [*rows_params, *where_params, *person_params, *cell_params]
        return warehouse.con.sql(f"WITH {rows_cte}, {counted}", params=params).to_arrow_table()


def _recipients(warehouse: Warehouse, name: str, query: Query) -> pa.Table:
    """The denominator: per municipality, period and cell, the persons with at least one week on
    public support in the period (as the indicator ``persons``)."""
    return support_cells(warehouse, without(query, "offer_kind", "mix"), ages_for(name, query))


_ROW, _PART = "__row", "__part"
_NO_VALUE = "\uffff"
"""Stands in for a missing breakdown value in a join key: Arrow's joins never match nulls, and
a cell whose value is missing (no youth group) is a cell like any other."""


def beside(cells: pa.Table, counts: pa.Table, keys: Sequence[str]) -> pa.Table:
    """``counts``' columns other than ``keys`` for each row of ``cells`` (same order), 0 where
    ``counts`` has no row with the cell's keys; the rows of ``counts`` must be unique by them."""
    columns = [c for c in counts.column_names if c not in keys]

    def keyed(table: pa.Table) -> pa.Table:
        for key in keys:
            if pa.types.is_string(table.schema.field(key).type):
                i = table.schema.get_field_index(key)
                table = table.set_column(i, key, pc.fill_null(table[key], _NO_VALUE))
        return table

    left = keyed(cells.select(list(keys))).append_column(
        _ROW, pa.array(range(cells.num_rows), pa.int64())
    )
    joined = left.join(keyed(counts), list(keys), join_type="left outer").sort_by(_ROW)
    return pa.table({c: pc.fill_null(joined[c], 0) for c in columns})


def unmatched(cells: pa.Table, counts: pa.Table, keys: Sequence[str]) -> int:
    """The rows of ``counts`` whose keys no row of ``cells`` has."""
    found = pa.array([1] * cells.num_rows, pa.int8())
    marked = cells.select(list(keys)).append_column("found", found)
    return int(pc.sum(pc.equal(beside(counts, marked, keys)["found"], 0)).as_py() or 0)


SharePart = tuple[dict[str, str], pa.ChunkedArray]
"""The values of the breakdowns that are not columns of the cells, and a numerator per cell."""


def share_table(query: Query, cells: pa.Table, parts: Sequence[SharePart]) -> pa.Table:
    """Shares (pct.) as rows of municipality, period, *by, value, persons, numerator,
    denominator: for each row of ``cells`` (their ``persons`` the denominator) one row per
    part, in the order of the parts. A part is the values of the breakdowns that are not
    columns of ``cells`` (offer kind, mix) and its numerators, one per cell; persons are the
    numerator's persons."""
    schema = pa.schema(
        [
            ("municipality", pa.int16()),
            ("period", pa.string()),
            *((b, pa.string()) for b in query.by),
            ("value", pa.float64()),
            ("persons", pa.int64()),
            ("numerator", pa.int64()),
            ("denominator", pa.int64()),
        ]
    )
    n = cells.num_rows
    denominator = cells["persons"].cast(pa.int64())
    tables = []
    for i, (own, numerator) in enumerate(parts):
        numerator = numerator.cast(pa.int64())
        columns: dict[str, Any] = {"municipality": cells["municipality"], "period": cells["period"]}
        for b in query.by:
            columns[b] = pa.array([own[b]] * n, pa.string()) if b in own else cells[b]
        columns["value"] = pc.divide(
            pc.multiply(numerator.cast(pa.float64()), 100.0), denominator.cast(pa.float64())
        )
        columns.update(persons=numerator, numerator=numerator, denominator=denominator)
        columns[_ROW] = pa.array(range(n), pa.int64())
        columns[_PART] = pa.array([i] * n, pa.int32())
        tables.append(pa.table(columns))
    if not tables:
        return schema.empty_table()
    table = pa.concat_tables(tables)
    if len(tables) > 1:
        table = table.sort_by([(_ROW, "ascending"), (_PART, "ascending")])
    return table.select(schema.names).cast(schema)


def _cell_keys(query: Query) -> list[str]:
    return ["municipality", "period", *without(query, "offer_kind", "mix").by]


@indicator(
    "offers",
    label="Tilbud",
    unit="pct.",
    breakdowns=("offer_kind", *SUPPORT_KEYS),
    source=OWN_DATA + "; opdeling som seed 001 (uddannelses-, job- og støttetilbud)",
)
def offers(warehouse: Warehouse, query: Query) -> Result:
    """Andel (pct.) af periodens modtagere, der har været i tilbud: blandt personer med mindst én
    uge på offentlig forsørgelse i perioden (bopælskommune og alder i ugen), andelen med mindst
    én uge i et aktiveringsforløb, der falder i en af deres uger på ydelse i perioden. Et tilbud
    uden for ugerne på ydelse tæller ikke. Opdelt på tilbudsart (offer_kind): Uddannelsestilbud
    (uddannelse, vejledning og opkvalificering), Jobrettede tilbud (virksomhedspraktik,
    løntilskud), Støttetilbud (mentor) og Andet (nytteindsats, andet); en tilbudsart uden
    deltagere står med 0. En person kan have flere slags tilbud, så andelene summerer ikke til
    100. Med opdeling på ungegruppe tæller en person i hver gruppe, hun har været i, med de
    tilbud, der faldt i ugerne i den gruppe. Nævneren er alle periodens modtagere i cellen, også
    når der filtreres på tilbudsart."""
    cells = _recipients(warehouse, "offers", query)
    counts = beside(
        cells, _offer_counts(warehouse, query, ages_for("offers", query)), _cell_keys(query)
    )
    if "offer_kind" not in query.by:
        parts: list[SharePart] = [({}, counts["wanted"])]
    else:
        wanted = query.filters.get("offer_kind", KIND_ORDER)
        parts = [
            ({"offer_kind": kind}, counts[f"kind_{i}"])
            for i, kind in enumerate(KIND_ORDER)
            if kind in wanted
        ]
    table = share_table(query, cells, parts)
    return Result(get_indicator("offers"), query, table, "mikrodata")


@indicator(
    "company_based_share",
    label="Andel i virksomhedsrettet aktivering",
    unit="pct.",
    breakdowns=SUPPORT_KEYS,
    source=OWN_DATA + "; virksomhedsrettet indsats som i seed 002",
)
def company_based_share(warehouse: Warehouse, query: Query) -> Result:
    """Andel (pct.) af periodens modtagere af offentlig forsørgelse med mindst én uge i
    virksomhedspraktik eller løntilskud, der falder i en af deres uger på ydelse i perioden.
    Det er samme tal som tilbud opdelt på tilbudsart, rækken "Jobrettede tilbud"."""
    cells = _recipients(warehouse, "company_based_share", query)
    ages = ages_for("company_based_share", query)
    counts = beside(cells, _offer_counts(warehouse, query, ages), _cell_keys(query))
    table = share_table(query, cells, [({}, counts["company"])])
    return Result(get_indicator("company_based_share"), query, table, "mikrodata")


@indicator(
    "intervention_mix",
    partition="mix",
    label="Indsatsmix",
    unit="pct.",
    breakdowns=("mix", *SUPPORT_KEYS),
    source=OWN_DATA + "; fordelingen ingen / én / kombineret indsats som i seed 001",
)
def intervention_mix(warehouse: Warehouse, query: Query) -> Result:
    """Fordelingen (pct.) af periodens modtagere af offentlig forsørgelse på "Ingen indsats",
    "Én slags indsats" og "Kombineret indsats" efter, hvor mange forskellige tilbudsarter
    (uddannelses-, jobrettede, støtte- og andre tilbud, som for tilbud) de har haft i deres uger
    på ydelse i perioden: ingen, én eller to og flere. To forløb af samme art, fx virksomheds-
    praktik og løntilskud, er én slags indsats. Opdeles altid på indsatsmix (mix); de tre
    andele summerer til 100 i hver celle."""
    if "mix" not in query.by:
        query = replace(query, by=("mix", *query.by))
    cells = _recipients(warehouse, "intervention_mix", query)
    ages = ages_for("intervention_mix", query)
    counts = beside(cells, _offer_counts(warehouse, query, ages), _cell_keys(query))
    # Persons with one kind and with two or more; "Ingen indsats" is the rest of the recipients.
    one, combined = counts["one"], counts["combined"]
    none = pc.subtract(pc.subtract(cells["persons"].cast(pa.int64()), one), combined)
    wanted = query.filters.get("mix", MIX)
    parts = [
        ({"mix": mix}, numerator)
        for mix, numerator in zip(MIX, (none, one, combined), strict=True)
        if mix in wanted
    ]
    table = share_table(query, cells, parts)
    return Result(get_indicator("intervention_mix"), query, table, "mikrodata")


# --- sanctions -------------------------------------------------------------------------------

_SANCTION_EXPRS = {**{k: BREAKDOWNS[k] for k in SANCTION_KEYS}, "benefit": "f.benefit"}

# A sanction belongs to the week containing its date (week numbers count whole weeks from the
# Monday EPOCH, as periods.week_number does: arithmetic, where a range join of the dates on the
# week table is slow), and so to the period containing that week's Thursday, like every weekly
# figure; municipality and age are those of that week. Every breakdown's value is put beside
# each sanction (``sanction_row``), so each breakdown is a GROUP BY of the same rows.
_SANCTION_ROWS = f"""
sanction_week AS (
    SELECT s.person_id, w.year, w.month, r.municipality, r.district,
           CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age, coalesce(s.benefit, '') AS benefit
    FROM (
        SELECT person_id, benefit,
               CAST(floor((sanction_date - DATE '{EPOCH.isoformat()}') / 7.0) AS INTEGER) AS week
        FROM sanction
    ) AS s
    JOIN week AS w ON w.week = s.week
    JOIN person AS p ON p.person_id = s.person_id
    JOIN residence AS r
      ON r.person_id = s.person_id
     AND s.week >= r.first_week
     AND (r.last_week IS NULL OR s.week <= r.last_week)
),
sanction_row AS (
    SELECT f.municipality, f.year, f.month, f.person_id, f.age,
           {", ".join(f"{expr} AS {name}" for name, expr in _SANCTION_EXPRS.items())}
    FROM sanction_week AS f
    JOIN person AS p ON p.person_id = f.person_id
)"""


def _sanction_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    """Columns municipality, period, *by, sanctions, persons. Inside ``memo.shared()`` counted
    once for both sanction indicators."""
    key = query_key("sanction_cells", warehouse, query, ages)
    return recall(key, lambda: _count_sanctions(warehouse, query, ages))


def _count_sanctions(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    ensure_facts(warehouse)
    key_list = "".join(f", {b}" for b in query.by)
    where, where_params = row_filters(query, ages, "f")
    union, union_params = per_municipality(
        f", period{key_list}, count(*) AS sanctions, count(DISTINCT person_id) AS persons",
        "base",
        query,
        f"period{key_list}",
    )
    with registered(warehouse, q_sanction_month=period_months(query.periods)):
        rows_cte, rows_params = shared_cte(
            warehouse, ("sanction_rows", id(warehouse)), _SANCTION_ROWS, "sanction_row", []
        )
        sql_text = f"""
        WITH {rows_cte},
        base AS (
            SELECT q.period, f.*
            FROM sanction_row AS f
            JOIN q_sanction_month AS q ON q.year = f.year AND q.month = f.month
            WHERE {where}
        )
        {union} ORDER BY ALL"""
        params = [*rows_params, *where_params, *union_params]
        return warehouse.con.sql(sql_text, params=params).to_arrow_table()


@indicator(
    "sanctions",
    label="Sanktioner",
    unit="sanktioner",
    breakdowns=SANCTION_KEYS,
    source="Kommunens egne data (sanktioner, bopæl); domain.md §6",
)
def sanctions(warehouse: Warehouse, query: Query) -> Result:
    """Antal sanktioner i perioden over for kommunens borgere: en sanktion hører til den uge,
    dens dato ligger i, og dermed til den periode, ugens torsdag ligger i; kommunen er
    bopælskommunen i den uge og alderen den på ugens torsdag. Personer er antallet af
    forskellige sanktionerede personer. Opdelt på ydelse er det den ydelse, der blev
    sanktioneret i (tom, når kilden ikke oplyser den). Personer uden bopæl i ugen tæller ikke."""
    cells = _sanction_cells(warehouse, query, ages_for("sanctions", query))
    columns = {
        "municipality": cells["municipality"],
        "period": cells["period"],
        **{b: cells[b] for b in query.by},
        "value": cells["sanctions"].cast(pa.float64()),
        "persons": cells["persons"].cast(pa.int64()),
    }
    return Result(get_indicator("sanctions"), query, pa.table(columns), "mikrodata")


@indicator(
    "sanction_rate",
    label="Sanktionerede pr. 100 modtagere",
    unit="pr. 100 modtagere",
    breakdowns=SANCTION_KEYS,
    source="Kommunens egne data (sanktioner, ydelser, bopæl); domain.md §6",
)
def sanction_rate(warehouse: Warehouse, query: Query) -> Result:
    """Sanktionerede personer pr. 100 modtagere: forskellige personer med mindst én sanktion i
    perioden (som for sanktioner) ÷ forskellige personer med mindst én uge på offentlig
    forsørgelse i perioden (som nøgletallet personer) i samme kommune, aldersgruppe og celle ×
    100. Opdelt på ydelse er tælleren sanktioner i ydelsen og nævneren modtagere af ydelsen.
    Tælleren er ikke begrænset til personer, der er med i nævneren. Celler uden modtagere (fx
    sanktioner uden oplyst ydelse) har intet tal og udelades med en note; en celle med
    modtagere og ingen sanktioner er 0."""
    ages = ages_for("sanction_rate", query)
    keys = ["municipality", "period", *query.by]
    cells = support_cells(warehouse, query, ages)
    sanctioned = _sanction_cells(warehouse, query, ages).select([*keys, "persons"])
    numerators = beside(cells, sanctioned, keys)["persons"]
    table = share_table(query, cells, [({}, numerators)])
    notes: tuple[str, ...] = ()
    left_out = unmatched(cells, sanctioned, keys)
    if left_out:
        notes = (
            f"{left_out} celle(r) med sanktionerede personer, men uden modtagere af "
            "ydelsen (fx sanktioner uden oplyst ydelse), indgår ikke.",
        )
    return Result(get_indicator("sanction_rate"), query, table, "mikrodata", notes)
