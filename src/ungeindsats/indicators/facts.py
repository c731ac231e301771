"""Derived fact tables that the indicators read, built from the canonical warehouse tables.

``fact_status_month`` holds, for each person, month, municipality of residence, district, status
code and age, the number of weeks with that status. Each week is attributed by the rules of
``docs/domain.md`` §2: to the month of its Thursday, to the municipality the person lived in that
week, and at the person's age on that Thursday. Only ages 15–29 are kept (the project's scope),
so a person who turns 30 stops counting that week. Persons without a birth date or a residence
in the week are not counted: their age or municipality is unknown.

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
from ungeindsats.warehouse import Warehouse

MIN_AGE, MAX_AGE = 15, 29

# Age in whole years at a week's Thursday, in portable SQL: years between the dates, less one if
# the birthday has not yet come that year.
AGE_AT_THURSDAY = (
    "(EXTRACT(YEAR FROM w.thursday) - EXTRACT(YEAR FROM p.birth_date)"
    " - CASE WHEN EXTRACT(MONTH FROM w.thursday) * 100 + EXTRACT(DAY FROM w.thursday)"
    " < EXTRACT(MONTH FROM p.birth_date) * 100 + EXTRACT(DAY FROM p.birth_date)"
    " THEN 1 ELSE 0 END)"
)

_FACT_SQL = f"""
CREATE OR REPLACE TABLE fact_status_month AS
WITH spell_week AS (
    SELECT person_id, code, unnest(range(first_week, last_week + 1)) AS week
    FROM status_spell
)
SELECT
    s.person_id,
    w.year,
    w.month,
    r.municipality,
    r.district,
    s.code,
    CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age,
    CAST(count(*) AS SMALLINT) AS weeks
FROM spell_week AS s
JOIN week AS w ON w.week = s.week
JOIN person AS p ON p.person_id = s.person_id
JOIN residence AS r
  ON r.person_id = s.person_id
 AND s.week >= r.first_week
 AND (r.last_week IS NULL OR s.week <= r.last_week)
WHERE {AGE_AT_THURSDAY} BETWEEN {MIN_AGE} AND {MAX_AGE}
GROUP BY ALL
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
        con.execute(
            "CREATE TABLE IF NOT EXISTS derived_meta "
            "(name VARCHAR PRIMARY KEY, last_import_id INTEGER, built_at TIMESTAMP)"
        )
        con.execute(
            "INSERT OR REPLACE INTO derived_meta "
            "SELECT 'facts', coalesce(max(import_id), 0), now() FROM import_log"
        )


def facts_stale(warehouse: Warehouse) -> bool:
    """True when the facts are missing or an import happened after they were built."""
    if "derived_meta" not in warehouse.table_names():
        return True
    row = warehouse.con.execute(
        "SELECT (SELECT last_import_id FROM derived_meta WHERE name = 'facts'), "
        "(SELECT coalesce(max(import_id), 0) FROM import_log)"
    ).fetchall()[0]
    return row[0] is None or int(row[0]) < int(row[1])


def ensure_facts(warehouse: Warehouse) -> None:
    """Build the facts if they are missing or stale."""
    if facts_stale(warehouse):
        build_facts(warehouse)
