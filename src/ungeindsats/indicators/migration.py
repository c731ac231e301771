"""Migration (til- og fraflytning) of young people, and the inflow of persons already on a benefit.

A move (flytning) is a residence row that starts in the period and whose previous residence row
(the person's row before it, ending the week before or earlier) lies in another municipality.
It is a move into the new municipality (tilflytning) and out of the old one (fraflytning), dated
at the week the new residence starts; that week belongs to the period containing its Thursday,
and the age is the age on that Thursday. So a move with a gap between the two rows (the person
lived abroad, or the source has no address for some weeks) is still a move, dated on arrival.

Not moves: a person's first residence row (immigration or the first record the source holds, so
it cannot be told apart from an arrival from abroad); a new row in the same municipality (a new
address or district); a row that starts before the previous one has ended (overlapping rows in
the source, which say nothing certain about where the person came from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.indicators.cells import (
    BREAKDOWNS,
    cell_set_sql,
    grouping_sets,
    of_periods,
    one_set,
    period_months,
    person_of_row,
    query_key,
    set_columns,
)
from ungeindsats.indicators.facts import AGE_AT_THURSDAY, ensure_facts
from ungeindsats.indicators.memo import plan_for, planned_sets, recall
from ungeindsats.indicators.model import COUNTRY, Query, Result, get_indicator, indicator
from ungeindsats.indicators.offers import (
    ages_for,
    per_municipality,
    registered,
    row_filters,
    shared_cte,
    week_bounds,
    without,
)
from ungeindsats.warehouse import Warehouse

MOVED_IN, MOVED_OUT, NET = "Tilflytning", "Fraflytning", "Nettoflytning"
DIRECTIONS = (MOVED_IN, MOVED_OUT, NET)

MIGRATION_KEYS = ("age_band", "sex", "origin", "district")
INFLOW_KEYS = ("benefit", "youth_group", "target_group", *MIGRATION_KEYS)
DST_LIKE = "Bopælsperioder (kommunens egne data eller CPR); som seed 001's til- og fraflytning"
_CELL, _DIRECTION = "__cell", "__direction"

# Residence rows with the person's previous row beside them. LAG is standard SQL (a window
# function), so this runs on any engine. One window over all rows in person order, whose
# neighbours are checked to be the same person's, costs DuckDB about a third less than a window
# per person (1.8 million small partitions on the national demo).
#
# Each move carries its month, the person's sex and origin (week and person are joined once,
# here) and ``apart``: the weeks to the person's nearest other residence row, before or after.
# Two moves in one period lie less than the period's weeks apart, and so does every residence
# row between them: a move at least a period's weeks from its neighbouring rows is the person's
# only move in that period (``_count_moves`` counts such moves without grouping by person).
# ``apart`` is 0 where the two rows of a move differ in more than municipality and sign (the
# districts differ): such a move is always counted by person.
_MOVES = f"""
res AS (
    SELECT person_id, municipality, district, first_week,
           LAG(person_id) OVER person_rows AS prev_person,
           LAG(municipality) OVER person_rows AS prev_municipality,
           LAG(district) OVER person_rows AS prev_district,
           LAG(last_week) OVER person_rows AS prev_last_week,
           LAG(first_week) OVER person_rows AS prev_first_week,
           LEAD(person_id) OVER person_rows AS next_person,
           LEAD(first_week) OVER person_rows AS next_first_week
    FROM residence
    WINDOW person_rows AS (ORDER BY person_id, first_week)
),
move AS (
    SELECT r.person_id, r.first_week AS week, w.year, w.month, r.municipality AS to_municipality,
           r.district AS to_district, r.prev_municipality AS from_municipality,
           r.prev_district AS from_district, CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age,
           p.sex, p.origin,
           CASE WHEN coalesce(r.district, '') <> coalesce(r.prev_district, '') THEN 0
                WHEN r.next_person = r.person_id
                 AND r.next_first_week - r.first_week < r.first_week - r.prev_first_week
                THEN r.next_first_week - r.first_week
                ELSE r.first_week - r.prev_first_week END AS apart
    FROM res AS r
    JOIN week AS w ON w.week = r.first_week
    JOIN person AS p ON p.person_id = r.person_id
    WHERE r.prev_person = r.person_id
      AND r.prev_municipality <> r.municipality
      AND r.prev_last_week < r.first_week
      AND r.first_week BETWEEN ? AND ?
)"""

# Each move as two rows: into the new municipality (sign 1) and out of the old one (-1). Inside
# ``memo.shared()`` the moves are kept and each indicator's rows read them, half as many rows
# to write as these.
_IN_AND_OUT = """
f AS (
    SELECT person_id, week, year, month, to_municipality AS municipality,
           to_district AS district, age, sex, origin, apart, 1 AS sign
    FROM move
    UNION ALL
    SELECT person_id, week, year, month, from_municipality, from_district, age, sex, origin,
           apart, -1
    FROM move
)"""

# Every move with the period it falls in and every breakdown's value beside it (``move_row``):
# each breakdown is then a GROUP BY of the same rows, and inside ``memo.shared()`` the moves and
# these rows are built once. ``{columns}`` are the breakdown columns, ``{joins}`` what they read
# besides the move (``f``, which carries the person's columns as ``p``), ``{ctes}`` CTEs they
# need and ``{apart}`` the row's ``apart`` (see _MOVES).
_MOVE_ROWS = f"""{{ctes}}
move_row AS (
    SELECT f.municipality, f.year, f.month, f.person_id, f.sign, f.age, {{apart}} AS apart,
           {{columns}}
    FROM f{person_of_row(("sex", "origin"))}
    {{joins}}
)"""

# For the inflow of persons on a benefit: the status codes of public support in the week before
# the move (the week the person still lived in the former municipality). The spells are
# compared with each move once (materialised, so that the planner keeps the moves, not the 5.9
# million spells of public support on the national demo, in its hash table), and the codes
# found are joined to both rows of the move by person and week.
_CODES_BEFORE = """
code_before AS MATERIALIZED (
    SELECT m.person_id, m.week, s.code
    FROM move AS m
    JOIN status_spell AS s
      ON s.person_id = m.person_id AND m.week - 1 BETWEEN s.first_week AND s.last_week
    WHERE s.code IN (SELECT code FROM code_dim WHERE category = ?)
),"""
_ON_SUPPORT_BEFORE = (
    "JOIN code_before AS s ON s.person_id = f.person_id AND s.week = f.week "
    "JOIN code_dim AS c ON c.code = s.code"
)
# A move with several codes the week before has a row for each (two per code, in and out): it
# is counted by person (``apart`` 0, see ``_MOVES``).
_SEVERAL_CODES = (
    "CASE WHEN count(*) OVER (PARTITION BY f.person_id, f.week) > 2 THEN 0 ELSE f.apart END"
)


@dataclass(frozen=True)
class _MoveRows:
    """An indicator's ``move_row`` (``_MOVE_ROWS``): the breakdowns the moves carry (``keys``),
    what they read besides the move (``joins``, after ``ctes`` with ``params``) and their
    ``apart``."""

    keys: tuple[str, ...]
    ctes: str = ""
    joins: str = ""
    params: tuple[object, ...] = ()
    apart: str = "f.apart"


_MIGRATION_ROWS = _MoveRows(MIGRATION_KEYS)
_INFLOW_ROWS = _MoveRows(
    INFLOW_KEYS, _CODES_BEFORE, _ON_SUPPORT_BEFORE, ("public_support",), _SEVERAL_CODES
)


def _move_cells(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    rows: _MoveRows,
) -> pa.Table:
    """Columns municipality, period, *by (without direction), moved_in, moved_out, persons.
    Inside ``memo.shared()`` counted once per query, for all the planned periods at once
    (``memo.plan_for``) and for all the planned breakdowns in one pass (``memo.planned_sets``)."""
    cells_query = without(query, "direction")
    periods = plan_for(cells_query.periods)
    if periods != cells_query.periods:
        # The layer asks the yearly job a year at a time: a period's cells do not depend on the
        # other periods, so all are counted at once and each query reads its own.
        every = replace(cells_query, periods=periods)
        return of_periods(_move_cells(warehouse, every, ages, rows), cells_query)
    planned = None if cells_query.filters else planned_sets(cells_query.by)
    if planned is None:
        key = (*query_key("move_cells", warehouse, cells_query, ages), rows)
        return recall(key, lambda: _count_moves(warehouse, cells_query, ages, rows, None))
    # The layer asks the breakdowns one after the other: those the moves carry in one pass.
    sets = tuple(s for s in planned if set(s) <= set(rows.keys))
    every = replace(cells_query, by=set_columns(sets))
    key = (*query_key("move_cell_sets", warehouse, every, ages), rows, sets)
    counts = recall(key, lambda: _count_moves(warehouse, every, ages, rows, sets))
    return one_set(warehouse, counts, every.by, cells_query.by)


def _count_moves(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    rows: _MoveRows,
    sets: Sequence[Sequence[str]] | None,
) -> pa.Table:
    """The cells of ``_move_cells`` by ``query.by``, or by each of ``sets`` (subsets of it) with
    ``cell_set`` (``cells.person_cells``, ``cells.one_set``)."""
    where, params = row_filters(query, ages, "f")
    keys = "".join(f", {b}" for b in query.by)
    by_person, cell_set = f"period{keys}, person_id", ""
    if sets is not None:
        by_person = grouping_sets(sets, ("period",), ("person_id",))
        cell_set = f", {cell_set_sql(query.by)}"
    # A move alone in its period (``apart``, see _MOVES) has two rows: into the new
    # municipality and out of the old one, each the person's only row there, and in the country
    # both in the same cell: one person who moved in and out. Such rows are counted per cell
    # (person NULL in ``cell_row``), the country's persons by their in-rows; only the other rows
    # (2-3 % of a month's) are kept per person, so that a person is counted once. A GROUP BY
    # per person of millions of rows, for each breakdown, was most of the time.
    per_cell, cell_params = per_municipality(
        f", period{keys}{cell_set}, person_id, sum(moved_in) AS moved_in, "
        "sum(moved_out) AS moved_out",
        "cell_row",
        query,
        by_person,
    )
    keyed = keys + (", cell_set" if sets is not None else "")
    f_keys = "".join(f", f.{b}" for b in query.by)
    counted = f"""
    cell_row AS (
        SELECT municipality, period{keys}, person_id,
               count(*) FILTER (WHERE sign = 1) AS moved_in,
               count(*) FILTER (WHERE sign = -1) AS moved_out
        FROM (
            SELECT f.municipality, q.period{f_keys}, f.sign,
                   CASE WHEN f.apart >= q.period_weeks THEN NULL ELSE f.person_id END AS person_id
            FROM move_row AS f JOIN q_move_month AS q ON q.year = f.year AND q.month = f.month
            WHERE {where}
        ) AS r
        GROUP BY municipality, period{keys}, person_id
    ),
    per_cell AS ({per_cell})
    SELECT municipality, period{keyed},
           CAST(sum(CASE WHEN person_id IS NULL THEN moved_in WHEN moved_in > 0 THEN 1 ELSE 0 END)
                AS BIGINT) AS moved_in,
           CAST(sum(CASE WHEN person_id IS NULL THEN moved_out WHEN moved_out > 0 THEN 1 ELSE 0 END)
                AS BIGINT) AS moved_out,
           CAST(sum(CASE WHEN person_id IS NOT NULL THEN 1 WHEN municipality = {COUNTRY}
                         THEN moved_in ELSE moved_in + moved_out END) AS BIGINT) AS persons
    FROM per_cell GROUP BY municipality, period{keyed} ORDER BY ALL"""
    first, last = week_bounds(warehouse, query.periods)
    with registered(warehouse, q_move_month=period_months(query.periods)):
        moves_cte, moves_params = shared_cte(
            warehouse, ("moves", id(warehouse), first, last), _MOVES, "move", [first, last]
        )
        columns = ", ".join(f"{BREAKDOWNS[b]} AS {b}" for b in rows.keys)
        move_rows = _MOVE_ROWS.format(
            ctes=rows.ctes, apart=rows.apart, columns=columns, joins=rows.joins
        )
        rows_cte, rows_params = shared_cte(
            warehouse,
            ("move_rows", id(warehouse), first, last, rows),
            f"{moves_cte}, {_IN_AND_OUT}, {move_rows}",
            "move_row",
            [*moves_params, *rows.params],
        )
        return warehouse.con.sql(
            f"WITH {rows_cte}, {counted}",
            params=[*rows_params, *params, *cell_params],
        ).to_arrow_table()


def _directions(name: str, query: Query, cells: pa.Table) -> Result:
    """One row per cell and direction: in, out and net (in − out), in persons."""
    if "direction" not in query.by:
        query = replace(query, by=("direction", *query.by))
    wanted = query.filters.get("direction", DIRECTIONS)
    moved_in = cells["moved_in"].cast(pa.int64())
    moved_out = cells["moved_out"].cast(pa.int64())
    values = {
        MOVED_IN: (moved_in, moved_in),
        MOVED_OUT: (moved_out, moved_out),
        # Behind the net figure stand everybody who moved in or out (each person once).
        NET: (pc.subtract(moved_in, moved_out), cells["persons"].cast(pa.int64())),
    }
    schema = pa.schema(
        [
            ("municipality", pa.int16()),
            ("period", pa.string()),
            *((b, pa.string()) for b in query.by),
            ("value", pa.float64()),
            ("persons", pa.int64()),
        ]
    )
    ordered = schema.append(pa.field(_CELL, pa.int64())).append(pa.field(_DIRECTION, pa.int8()))
    n = cells.num_rows
    parts = []
    for i, direction in enumerate(d for d in DIRECTIONS if d in wanted):
        value, persons = values[direction]
        columns: dict[str, Any] = {"municipality": cells["municipality"], "period": cells["period"]}
        for b in query.by:
            columns[b] = pa.array([direction] * n, pa.string()) if b == "direction" else cells[b]
        columns.update(value=value.cast(pa.float64()), persons=persons)
        columns[_CELL] = pa.array(range(n), pa.int64())
        columns[_DIRECTION] = pa.array([i] * n, pa.int8())
        parts.append(pa.table(columns).cast(ordered))
    if not parts:
        return Result(get_indicator(name), query, schema.empty_table(), "mikrodata")
    # Each cell's directions together, in the order of DIRECTIONS.
    table = pa.concat_tables(parts).sort_by([(_CELL, "ascending"), (_DIRECTION, "ascending")])
    return Result(get_indicator(name), query, table.select(schema.names), "mikrodata")


@indicator(
    "migration",
    partition="direction",
    label="Til- og fraflytning",
    unit="personer",
    breakdowns=("direction", *MIGRATION_KEYS),
    source=DST_LIKE,
    default_ages=(16, 29),
)
def migration(warehouse: Warehouse, query: Query) -> Result:
    """Til- og fraflytning af unge (16–29 år på flytteugens torsdag): antal personer, der er
    flyttet til kommunen (Tilflytning) og fra kommunen (Fraflytning) i perioden, og forskellen
    (Nettoflytning = til − fra). En flytning er en ny bopæl, der begynder i perioden, hvor den
    forrige bopæl lå i en anden kommune; den dateres til ugen, den nye bopæl begynder. Første
    kendte bopæl (indvandring eller første registrering) er ikke en flytning, og heller ikke en
    ny adresse i samme kommune. En person, der flytter til kommunen to gange i perioden, tæller
    én gang. Personerne bag nettotallet er alle, der er flyttet til eller fra (hver én gang).
    Opdeles altid på retning (direction). For hele landet udligner flytninger mellem kommuner
    hinanden: tilflytning = fraflytning = personer, der er flyttet mellem kommuner, netto 0."""
    ages = ages_for("migration", query)
    cells = _move_cells(warehouse, query, ages, _MIGRATION_ROWS)
    return _directions("migration", query, cells)


@indicator(
    "inflow_on_benefit",
    partition="direction",
    label="Tilflyttere, der allerede var på ydelse",
    unit="personer",
    breakdowns=("direction", *INFLOW_KEYS),
    source=DST_LIKE + "; opgørelsen af tilflyttere på uddannelseshjælp i seed 002",
    default_ages=(16, 29),
)
def inflow_on_benefit(warehouse: Warehouse, query: Query) -> Result:
    """Til- og fraflyttere, der allerede var på ydelse: blandt flytningerne (som for til- og
    fraflytning, 16–29 år) de personer, der var på offentlig forsørgelse i ugen før flytningen,
    dvs. fik en ydelse i den kommune, de flyttede fra. Opdelt på ydelse, ungegruppe og målgruppe
    er det ydelsen i ugen før flytningen. Opdeles altid på retning: Tilflytning (tilflyttere,
    der var på ydelse), Fraflytning (fraflyttere, der var på ydelse i kommunen) og
    Nettoflytning (forskellen)."""
    ensure_facts(warehouse)
    ages = ages_for("inflow_on_benefit", query)
    cells = _move_cells(warehouse, query, ages, _INFLOW_ROWS)
    return _directions("inflow_on_benefit", query, cells)
