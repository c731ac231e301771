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

from dataclasses import replace

import pyarrow as pa

from ungeindsats.indicators.cells import BREAKDOWNS, period_months
from ungeindsats.indicators.facts import AGE_AT_THURSDAY, ensure_facts
from ungeindsats.indicators.model import Query, Result, get_indicator, indicator
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

# Residence rows with the person's previous row beside them. LAG is standard SQL (a window
# function), so this runs on any engine.
_MOVES = f"""
res AS (
    SELECT person_id, municipality, district, first_week,
           LAG(municipality) OVER person_rows AS prev_municipality,
           LAG(district) OVER person_rows AS prev_district,
           LAG(last_week) OVER person_rows AS prev_last_week
    FROM residence
    WINDOW person_rows AS (PARTITION BY person_id ORDER BY first_week)
),
move AS (
    SELECT r.person_id, r.first_week AS week, r.municipality AS to_municipality,
           r.district AS to_district, r.prev_municipality AS from_municipality,
           r.prev_district AS from_district, CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age
    FROM res AS r
    JOIN week AS w ON w.week = r.first_week
    JOIN person AS p ON p.person_id = r.person_id
    WHERE r.prev_municipality <> r.municipality
      AND r.prev_last_week < r.first_week
      AND r.first_week BETWEEN ? AND ?
),
f AS (
    SELECT person_id, week, to_municipality AS municipality, to_district AS district, age,
           1 AS sign
    FROM move
    UNION ALL
    SELECT person_id, week, from_municipality, from_district, age, -1
    FROM move
)"""

# Every move with the period it falls in and every breakdown's value beside it (``move_row``):
# each breakdown is then a GROUP BY of the same rows, and inside ``memo.shared()`` the moves and
# these rows are built once. ``{columns}`` are the breakdown columns, ``{joins}`` what they read
# besides the move (``f``) and the person (``p``).
_MOVE_ROWS = """
move_row AS (
    SELECT f.municipality, w.year, w.month, f.person_id, f.sign, f.age, {columns}
    FROM f
    JOIN week AS w ON w.week = f.week
    JOIN person AS p ON p.person_id = f.person_id
    {joins}
)"""

# For the inflow of persons on a benefit: the status codes of public support in the week before
# the move (the week the person still lived in the former municipality).
_ON_SUPPORT_BEFORE = (
    "JOIN status_spell AS s ON s.person_id = f.person_id "
    "AND f.week - 1 BETWEEN s.first_week AND s.last_week "
    "JOIN code_dim AS c ON c.code = s.code AND c.category = ?"
)


def _move_cells(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    keys: tuple[str, ...],
    joins: str,
    join_params: list[object],
) -> pa.Table:
    """Columns municipality, period, *by (without direction), moved_in, moved_out, persons.
    ``keys`` are the breakdowns the moves carry, ``joins`` (and its parameters) what they
    read besides the move and the person."""
    cells_query = without(query, "direction")
    key_list = "".join(f", {b}" for b in cells_query.by)
    where, params = row_filters(cells_query, ages, "f")
    # One row per (municipality, period, cell, person), with a bit for moving in (1) and one
    # for moving out (2): the persons are then counted by count(*), much cheaper than a
    # count(DISTINCT person_id) per direction.
    per_person, union_params = per_municipality(
        f", period{key_list}, person_id, bit_or(CASE WHEN sign = 1 THEN 1 ELSE 2 END) AS moved",
        "base",
        cells_query,
        f"period{key_list}, person_id",
    )
    counted = (
        f"per_person AS ({per_person}) "
        f"SELECT municipality, period{key_list}, "
        "count(*) FILTER (WHERE moved & 1 <> 0) AS moved_in, "
        "count(*) FILTER (WHERE moved & 2 <> 0) AS moved_out, count(*) AS persons "
        f"FROM per_person GROUP BY municipality, period{key_list} ORDER BY ALL"
    )
    first, last = week_bounds(warehouse, query.periods)
    with registered(warehouse, q_move_month=period_months(query.periods)):
        moves_cte, moves_params = shared_cte(
            warehouse, ("moves", id(warehouse), first, last), _MOVES, "f", [first, last]
        )
        columns = ", ".join(f"{BREAKDOWNS[b]} AS {b}" for b in keys)
        rows_cte, rows_params = shared_cte(
            warehouse,
            ("move_rows", id(warehouse), first, last, keys, joins, tuple(join_params)),
            f"{moves_cte}, {_MOVE_ROWS.format(columns=columns, joins=joins)}",
            "move_row",
            [*moves_params, *join_params],
        )
        sql_text = (
            f"WITH {rows_cte}, base AS (SELECT q.period, f.* FROM move_row AS f "
            "JOIN q_move_month AS q ON q.year = f.year AND q.month = f.month "
            f"WHERE {where}), {counted}"
        )
        return warehouse.con.sql(
            sql_text, params=[*rows_params, *params, *union_params]
        ).to_arrow_table()


def _directions(name: str, query: Query, cells: pa.Table) -> Result:
    """One row per cell and direction: in, out and net (in − out), in persons."""
    if "direction" not in query.by:
        query = replace(query, by=("direction", *query.by))
    wanted = query.filters.get("direction", DIRECTIONS)
    rows: list[dict[str, object]] = []
    for cell in cells.to_pylist():
        moved_in, moved_out = int(cell["moved_in"]), int(cell["moved_out"])
        values = {
            MOVED_IN: (moved_in, moved_in),
            MOVED_OUT: (moved_out, moved_out),
            # Behind the net figure stand everybody who moved in or out (each person once).
            NET: (moved_in - moved_out, int(cell["persons"])),
        }
        for direction in DIRECTIONS:
            if direction not in wanted:
                continue
            value, persons = values[direction]
            row = {k: cell[k] for k in ("municipality", "period")}
            row.update({b: direction if b == "direction" else cell[b] for b in query.by})
            row.update({"value": float(value), "persons": persons})
            rows.append(row)
    schema = pa.schema(
        [
            ("municipality", pa.int16()),
            ("period", pa.string()),
            *((b, pa.string()) for b in query.by),
            ("value", pa.float64()),
            ("persons", pa.int64()),
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    return Result(get_indicator(name), query, table, "mikrodata")


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
    cells = _move_cells(warehouse, query, ages, MIGRATION_KEYS, "", [])
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
    cells = _move_cells(warehouse, query, ages, INFLOW_KEYS, _ON_SUPPORT_BEFORE, ["public_support"])
    return _directions("inflow_on_benefit", query, cells)
