"""Derived fact tables that the indicators read, built from the canonical warehouse tables.

``fact_status_month`` holds, for each person, month, municipality of residence, district, status
code of public support (category ``public_support``: the only statuses the month cells count;
education and work are read from their own tables) and age, the number of weeks with that
status, and ``month_end``: whether one of those weeks is the month's last week, the reference
week of a count at a point in time. Each week is attributed by the rules of ``docs/domain.md``
§2: to the month of its Thursday, to the municipality the person lived in that week, and at the
person's age on that Thursday. Only ages 15–29 are kept (the project's scope), so a person who
turns 30 stops counting that week. Persons without a birth date or a residence in the week are
not counted: their age or municipality is unknown.

``code_dim`` maps each status code to benefit, target group, category and youth group (via the
configurable youth-group mapping). Both are rebuilt by ``build_facts``; ``facts_stale`` says
whether an import has happened since.

The one construct here that is DuckDB's own is the expansion of a spell into its weeks
(``unnest(range(...))``); it is ``generate_series`` in PostgreSQL and ``explode(sequence(...))`` in
Spark. A range join on the ``week`` table says the same in standard SQL but is ten times slower.
"""

from __future__ import annotations

import pyarrow as pa

from ungeindsats.classifications import YouthGroupMapping
from ungeindsats.indicators.memo import recall
from ungeindsats.warehouse import Warehouse

MIN_AGE, MAX_AGE = 15, 29

FACTS_VERSION = "4"
"""The definition of the facts; a warehouse whose facts were built by another one rebuilds them
(2: public support only, cut arithmetically instead of week by week; 3: sorted by municipality;
4: ``month_end``)."""


def _age_on(day: str) -> str:
    """Age in whole years of person ``p`` on the date ``day``, in portable SQL: years between
    the dates, less one if the birthday has not yet come that year."""
    return (
        f"(EXTRACT(YEAR FROM {day}) - EXTRACT(YEAR FROM p.birth_date)"
        f" - CASE WHEN EXTRACT(MONTH FROM {day}) * 100 + EXTRACT(DAY FROM {day})"
        " < EXTRACT(MONTH FROM p.birth_date) * 100 + EXTRACT(DAY FROM p.birth_date)"
        " THEN 1 ELSE 0 END)"
    )


AGE_AT_THURSDAY = _age_on("w.thursday")
"""The age at the Thursday of week table row ``w``: the age rule of domain.md §2."""

# The Thursday of week ``w`` (weeks are numbered from 1990U01, whose Thursday is 4 Jan 1990).
_EPOCH_THURSDAY = "DATE '1990-01-04'"


def age_at_week(week: str) -> str:
    """The same age at the Thursday of a week number instead of a row of the week table."""
    return _age_on(f"({_EPOCH_THURSDAY} + 7 * {week})")


def birthday_week(age: str) -> str:
    """The first week in which person ``p`` has turned ``age``: the first week whose Thursday
    is on or after the birthday. A 29 February birthday is reached on 1 March in other years
    (the age rule compares month and day), which is 28 February plus one day in every year."""
    birthday = (
        f"(make_date(CAST(EXTRACT(YEAR FROM p.birth_date) + {age} AS INTEGER), "
        "CAST(EXTRACT(MONTH FROM p.birth_date) AS INTEGER), "
        "CAST(least(EXTRACT(DAY FROM p.birth_date), 28) AS INTEGER))"
        " + CAST(EXTRACT(DAY FROM p.birth_date) - least(EXTRACT(DAY FROM p.birth_date), 28)"
        " AS INTEGER))"
    )
    return f"CAST(floor(({birthday} - {_EPOCH_THURSDAY} + 6) / 7.0) AS INTEGER)"


# A spell is cut where the residence changes, where the person has a birthday and where a month
# begins, and each piece counts its weeks: the same table as expanding every spell into its
# weeks, without ever holding one row per week (that expansion was most of the build's time).
_FACT_SQL = f"""
CREATE OR REPLACE TABLE fact_status_month AS
WITH piece AS (
    SELECT s.person_id, s.code, r.municipality, r.district, p.birth_date,
           greatest(s.first_week, r.first_week) AS first_week,
           least(s.last_week, coalesce(r.last_week, s.last_week)) AS last_week
    FROM status_spell AS s
    JOIN status_code AS sc ON sc.code = s.code AND sc.category = 'public_support'
    JOIN residence AS r
      ON r.person_id = s.person_id
     AND r.first_week <= s.last_week
     AND (r.last_week IS NULL OR r.last_week >= s.first_week)
    JOIN person AS p ON p.person_id = s.person_id
    WHERE p.birth_date IS NOT NULL
),
aged AS (
    SELECT *, unnest(range(
        greatest({age_at_week("first_week")}, {MIN_AGE}),
        least({age_at_week("last_week")}, {MAX_AGE}) + 1)) AS age
    FROM piece AS p
),
by_age AS (
    -- ``aged`` carries the birth date: named p, the birthday SQL reads it without a join.
    SELECT p.person_id, p.code, p.municipality, p.district, p.age,
           greatest(p.first_week, {birthday_week("p.age")}) AS first_week,
           least(p.last_week, {birthday_week("p.age + 1")} - 1) AS last_week
    FROM aged AS p
),
by_month AS (
    SELECT b.*, unnest(range(wf.year * 12 + wf.month - 1, wl.year * 12 + wl.month)) AS month_no
    FROM by_age AS b
    JOIN week AS wf ON wf.week = b.first_week
    JOIN week AS wl ON wl.week = b.last_week
    WHERE b.first_week <= b.last_week
),
month_weeks AS (
    SELECT year * 12 + month - 1 AS month_no, year, month,
           min(week) AS first_week, max(week) AS last_week
    FROM week GROUP BY year, month
)
SELECT
    b.person_id,
    m.year,
    m.month,
    b.municipality,
    b.district,
    b.code,
    CAST(b.age AS SMALLINT) AS age,
    CAST(sum(least(b.last_week, m.last_week) - greatest(b.first_week, m.first_week) + 1)
         AS SMALLINT) AS weeks,
    -- The row holds the month's last week, the reference week of a point-in-time count.
    bool_or(b.last_week >= m.last_week) AS month_end
FROM by_month AS b
JOIN month_weeks AS m ON m.month_no = b.month_no
GROUP BY ALL
-- Stored by municipality and month, so that a query for one municipality (the key figures, a
-- dashboard page) reads only that municipality's blocks.
ORDER BY b.municipality, m.year, m.month
"""


def _code_dim(warehouse: Warehouse, mapping: YouthGroupMapping) -> pa.Table:
    rows = warehouse.con.execute(
        "SELECT code, benefit, target_group, category FROM status_code ORDER BY code"
    ).fetchall()
    groups = [
        mapping.group_for(benefit, target_group) if category == "public_support" else None
        for _, benefit, target_group, category in rows
    ]
    return pa.table(
        {
            "code": pa.array([r[0] for r in rows], pa.int32()),
            "benefit": pa.array([r[1] for r in rows], pa.string()),
            "target_group": pa.array([r[2] for r in rows], pa.string()),
            "category": pa.array([r[3] for r in rows], pa.string()),
            "youth_group": pa.array(groups, pa.int16()),
        }
    )


def build_facts(warehouse: Warehouse, mapping: YouthGroupMapping | None = None) -> None:
    """(Re)build ``code_dim`` and ``fact_status_month`` in one transaction."""
    dim = _code_dim(warehouse, mapping or YouthGroupMapping.default())
    with warehouse.transaction() as con:
        con.register("code_dim_arrow", dim)
        con.execute("CREATE OR REPLACE TABLE code_dim AS SELECT * FROM code_dim_arrow")
        con.unregister("code_dim_arrow")
        con.execute(_FACT_SQL)
        # The comment records which definition built the table (a constant of ours).
        con.execute(f"COMMENT ON TABLE fact_status_month IS 'version {FACTS_VERSION}'")
        con.execute(
            "CREATE TABLE IF NOT EXISTS derived_meta "
            "(name VARCHAR PRIMARY KEY, last_import_id INTEGER, built_at TIMESTAMP)"
        )
        con.execute(
            "INSERT OR REPLACE INTO derived_meta "
            "SELECT 'facts', coalesce(max(import_id), 0), now() FROM import_log"
        )


_VERSION_COMMENT = f"version {FACTS_VERSION}"


def facts_stale(warehouse: Warehouse) -> bool:
    """True when the facts are missing, an import happened after they were built, or they were
    built by an earlier definition (``FACTS_VERSION``)."""
    if "derived_meta" not in warehouse.table_names():
        return True
    row = warehouse.con.execute(
        "SELECT (SELECT last_import_id FROM derived_meta WHERE name = 'facts'), "
        "(SELECT coalesce(max(import_id), 0) FROM import_log), "
        "(SELECT comment FROM duckdb_tables() WHERE table_name = 'fact_status_month' "
        "AND schema_name = 'main')"
    ).fetchall()[0]
    built_from, newest, comment = row
    return built_from is None or int(built_from) < int(newest) or comment != _VERSION_COMMENT


def ensure_facts(warehouse: Warehouse) -> None:
    """Build the facts if they are missing or stale; inside ``memo.shared()`` (no import can
    happen there) asked once, not by each of the compute's hundreds of queries."""

    def ensure() -> bool:
        if facts_stale(warehouse):
            build_facts(warehouse)
        return True

    recall(("facts_fresh", id(warehouse)), ensure)
