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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pyarrow as pa

from ungeindsats.indicators.cells import BREAKDOWNS, cell_sql, support_cells
from ungeindsats.indicators.facts import AGE_AT_THURSDAY, ensure_facts
from ungeindsats.indicators.memo import shared_table
from ungeindsats.indicators.model import (
    COUNTRY,
    IndicatorError,
    Query,
    Result,
    get_indicator,
    indicator,
)
from ungeindsats.periods import Period
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


def period_weeks(periods: Sequence[Period]) -> pa.Table:
    """One row per period: its label and first and last week (Thursday rule)."""
    for period in periods:
        if period.kind == "week":
            raise IndicatorError(
                f"{period}: nøgletallene opgøres pr. måned, kvartal eller år, ikke pr. uge"
            )
    return pa.table(
        {
            "period": pa.array([p.label() for p in periods], pa.string()),
            "first_week": pa.array([p.first_week for p in periods], pa.int32()),
            "last_week": pa.array([p.last_week for p in periods], pa.int32()),
        }
    )


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

# Weeks in which a person was both in an offer and on a status (benefit) spell, within the weeks
# asked about: only these weeks can put a recipient in an offer, so only these are expanded (an
# offer outside the benefit weeks never gets here). The recipients themselves, the denominator,
# are the persons of ``support_cells``, counted by the same week rules. The expansion of an
# interval into its weeks is DuckDB's unnest(range()) (generate_series in PostgreSQL), as in
# facts.py.
_OFFER_WEEKS = f"""
f AS (
    SELECT ow.person_id, ow.week, ow.code, ow.offer_type, r.municipality, r.district,
           CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age
    FROM (
        SELECT s.person_id, s.code, a.offer_type,
               unnest(range(greatest(s.first_week, a.first_week, ?),
                            least(s.last_week, a.last_week, ?) + 1)) AS week
        FROM status_spell AS s
        JOIN activation_spell AS a
          ON a.person_id = s.person_id
         AND a.first_week <= s.last_week AND a.last_week >= s.first_week
        WHERE s.last_week >= ? AND s.first_week <= ? AND a.last_week >= ? AND a.first_week <= ?
    ) AS ow
    JOIN week AS w ON w.week = ow.week
    JOIN person AS p ON p.person_id = ow.person_id
    JOIN residence AS r
      ON r.person_id = ow.person_id
     AND ow.week >= r.first_week
     AND (r.last_week IS NULL OR ow.week <= r.last_week)
)"""


def _offer_weeks(warehouse: Warehouse, first: int, last: int) -> tuple[str, list[object]]:
    """The CTE ``f`` of offer weeks between two weeks, and its parameters. Inside
    ``memo.shared()`` it is built once into a table that every breakdown of the three offer
    indicators reads: the expansion into weeks is most of their cost."""
    params: list[object] = [first, last, first, last, first, last]
    key = ("offer_weeks", id(warehouse), first, last)
    name = shared_table(warehouse.con, key, f"WITH {_OFFER_WEEKS} SELECT * FROM f", params)
    return (_OFFER_WEEKS, params) if name is None else (f"f AS (SELECT * FROM {name})", [])


def _offer_counts(
    warehouse: Warehouse,
    query: Query,
    ages: tuple[int, int],
    final: str,
    final_params: Sequence[object],
) -> dict[tuple[object, ...], int]:
    """Counts over ``taken``, the distinct (municipality, period, cell, person, offer type, offer
    kind) of offers in benefit weeks, by the SELECT ``final`` (whose ``{keys}`` is replaced by the
    cell's breakdown columns; it must end with a column ``n``). Returns the row without ``n`` →
    ``n``."""
    facts_query = without(query, "offer_kind", "mix")
    sql = cell_sql(facts_query, ages)
    first = min(p.first_week for p in query.periods)
    last = max(p.last_week for p in query.periods)
    key_list = "".join(f", {k}" for k in facts_query.by)
    base = f"""
    base AS (
        SELECT DISTINCT f.municipality, q.period{sql.select_by}, f.person_id, f.offer_type,
               coalesce(m.offer_kind, ?) AS offer_kind
        FROM f
        JOIN code_dim AS c ON c.code = f.code
        JOIN q_offer_period AS q ON f.week BETWEEN q.first_week AND q.last_week
        LEFT JOIN offer_kind_map AS m ON m.offer_type = f.offer_type
        {sql.joins}
        WHERE c.category = 'public_support' AND {sql.where}
    )"""
    union, union_params = per_municipality(
        f", period{key_list}, person_id, offer_type, offer_kind", "base", query
    )
    offer_weeks, offer_params = _offer_weeks(warehouse, first, last)
    sql_text = f"WITH {offer_weeks}, {base}, taken AS ({union}) {final.format(keys=key_list)}"
    params = [*offer_params, OTHER_KIND, *sql.params, *union_params, *final_params]
    kinds = pa.table(
        {
            "offer_type": pa.array(list(OFFER_KINDS), pa.string()),
            "offer_kind": pa.array(list(OFFER_KINDS.values()), pa.string()),
        }
    )
    ensure_facts(warehouse)
    con = warehouse.con
    con.register("q_offer_period", period_weeks(query.periods))
    con.register("offer_kind_map", kinds)
    try:
        rows = con.sql(sql_text, params=params).fetchall()
    finally:
        con.unregister("q_offer_period")
        con.unregister("offer_kind_map")
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def _recipients(warehouse: Warehouse, name: str, query: Query) -> list[dict[str, Any]]:
    """The denominator: per municipality, period and cell, the persons with at least one week on
    public support in the period (as the indicator ``persons``)."""
    cells = support_cells(warehouse, without(query, "offer_kind", "mix"), ages_for(name, query))
    rows: list[dict[str, Any]] = cells.to_pylist()
    return rows


def share_table(query: Query, rows: list[dict[str, object]]) -> pa.Table:
    """Rows of municipality, period, *by, value, persons, numerator, denominator as a table."""
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
    return pa.Table.from_pylist(rows, schema=schema)


def share_row(
    cell: dict[str, object], query: Query, numerator: int, denominator: int, **own: str
) -> dict[str, object]:
    """One share (pct.) row; persons are the numerator's persons."""
    row = {"municipality": cell["municipality"], "period": cell["period"]}
    row.update({b: own[b] if b in own else cell[b] for b in query.by})
    row.update(
        {
            "value": 100.0 * numerator / denominator,
            "persons": numerator,
            "numerator": numerator,
            "denominator": denominator,
        }
    )
    return row


def _cell_key(cell: dict[str, object], query: Query) -> tuple[object, ...]:
    keys = without(query, "offer_kind", "mix").by
    return (cell["municipality"], cell["period"], *(cell[k] for k in keys))


def _filtered(query: Query, name: str, column: str) -> tuple[str, list[object]]:
    """A WHERE clause keeping the values the query filters ``name`` on (empty: no filter)."""
    values = query.filters.get(name)
    if not values:
        return "", []
    return f" WHERE {column} IN {in_list(values)}", list(values)


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
    ages = ages_for("offers", query)
    where, params = _filtered(query, "offer_kind", "offer_kind")
    by_kind = "offer_kind" in query.by
    kind_column = ", offer_kind" if by_kind else ""
    counts = _offer_counts(
        warehouse,
        query,
        ages,
        f"SELECT municipality, period{{keys}}{kind_column}, count(DISTINCT person_id) AS n "
        f"FROM taken{where} GROUP BY municipality, period{{keys}}{kind_column}",
        params,
    )
    kinds = [k for k in KIND_ORDER if k in query.filters.get("offer_kind", KIND_ORDER)]
    rows: list[dict[str, object]] = []
    for cell in _recipients(warehouse, "offers", query):
        key, denominator = _cell_key(cell, query), int(cell["persons"])
        if not by_kind:
            rows.append(share_row(cell, query, counts.get(key, 0), denominator))
            continue
        for kind in kinds:
            numerator = counts.get((*key, kind), 0)
            rows.append(share_row(cell, query, numerator, denominator, offer_kind=kind))
    return Result(get_indicator("offers"), query, share_table(query, rows), "mikrodata")


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
    ages = ages_for("company_based_share", query)
    counts = _offer_counts(
        warehouse,
        query,
        ages,
        "SELECT municipality, period{keys}, count(DISTINCT person_id) AS n FROM taken "
        f"WHERE offer_type IN {in_list(COMPANY_BASED)} GROUP BY municipality, period{{keys}}",
        COMPANY_BASED,
    )
    rows = [
        share_row(cell, query, counts.get(_cell_key(cell, query), 0), int(cell["persons"]))
        for cell in _recipients(warehouse, "company_based_share", query)
    ]
    table = share_table(query, rows)
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
    ages = ages_for("intervention_mix", query)
    # Persons with one kind and with two or more; "Ingen indsats" is the rest of the recipients.
    counts = _offer_counts(
        warehouse,
        query,
        ages,
        "SELECT municipality, period{keys}, combined, count(*) AS n FROM ("
        " SELECT municipality, period{keys}, person_id, count(DISTINCT offer_kind) > 1 AS combined"
        " FROM taken GROUP BY municipality, period{keys}, person_id"
        ") AS per_person GROUP BY municipality, period{keys}, combined",
        [],
    )
    wanted = query.filters.get("mix", MIX)
    rows: list[dict[str, object]] = []
    for cell in _recipients(warehouse, "intervention_mix", query):
        key, denominator = _cell_key(cell, query), int(cell["persons"])
        one, combined = counts.get((*key, False), 0), counts.get((*key, True), 0)
        for mix, numerator in zip(MIX, (denominator - one - combined, one, combined), strict=True):
            if mix in wanted:
                rows.append(share_row(cell, query, numerator, denominator, mix=mix))
    table = share_table(query, rows)
    return Result(get_indicator("intervention_mix"), query, table, "mikrodata")


# --- sanctions -------------------------------------------------------------------------------

_SANCTION_EXPRS = {**{k: BREAKDOWNS[k] for k in SANCTION_KEYS}, "benefit": "f.benefit"}


def _sanction_cells(warehouse: Warehouse, query: Query, ages: tuple[int, int]) -> pa.Table:
    """Columns municipality, period, *by, sanctions, persons."""
    ensure_facts(warehouse)
    select_by = "".join(f", {_SANCTION_EXPRS[b]} AS {b}" for b in query.by)
    key_list = "".join(f", {b}" for b in query.by)
    where = ["f.age BETWEEN ? AND ?"]
    params: list[object] = [ages[0], ages[1]]
    for name, values in query.filters.items():
        where.append(f"{_SANCTION_EXPRS[name]} IN {in_list(values)}")
        params.extend(values)
    # A sanction belongs to the week containing its date, and so to the period containing that
    # week's Thursday, like every weekly figure; municipality and age are those of that week.
    base = f"""
    WITH f AS (
        SELECT s.person_id, w.week, r.municipality, r.district,
               CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age, coalesce(s.benefit, '') AS benefit
        FROM sanction AS s
        JOIN week AS w
          ON s.sanction_date >= w.monday AND s.sanction_date < w.monday + INTERVAL '7' DAY
        JOIN person AS p ON p.person_id = s.person_id
        JOIN residence AS r
          ON r.person_id = s.person_id
         AND w.week >= r.first_week
         AND (r.last_week IS NULL OR w.week <= r.last_week)
    ),
    base AS (
        SELECT f.municipality, q.period{select_by}, f.person_id
        FROM f JOIN q_offer_period AS q ON f.week BETWEEN q.first_week AND q.last_week
        JOIN person AS p ON p.person_id = f.person_id
        WHERE {" AND ".join(where)}
    )
    """
    union, union_params = per_municipality(
        f", period{key_list}, count(*) AS sanctions, count(DISTINCT person_id) AS persons",
        "base",
        query,
        f"period{key_list}",
    )
    con = warehouse.con
    con.register("q_offer_period", period_weeks(query.periods))
    try:
        table = con.sql(
            f"{base} {union} ORDER BY ALL", params=[*params, *union_params]
        ).to_arrow_table()
    finally:
        con.unregister("q_offer_period")
    return table


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
    keys = ("municipality", "period", *query.by)
    sanctioned = {
        tuple(row[k] for k in keys): int(row["persons"])
        for row in _sanction_cells(warehouse, query, ages).to_pylist()
    }
    rows = [
        share_row(
            cell, query, sanctioned.pop(tuple(cell[k] for k in keys), 0), int(cell["persons"])
        )
        for cell in support_cells(warehouse, query, ages).to_pylist()
    ]
    notes: tuple[str, ...] = ()
    if sanctioned:
        notes = (
            f"{len(sanctioned)} celle(r) med sanktionerede personer, men uden modtagere af "
            "ydelsen (fx sanktioner uden oplyst ydelse), indgår ikke.",
        )
    table = share_table(query, rows)
    return Result(get_indicator("sanction_rate"), query, table, "mikrodata", notes)
