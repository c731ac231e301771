"""Restgruppen (NEET): young people 15–24 neither in education nor in employment.

The measure is Indenrigs- og Boligministeriets Benchmarkingenhed's (shared/docs/domain.md §6; seed
001 "Restgruppen"): a person's status at one *reference week* a year, from the person-level
registers, not from aggregates. This module also holds the week-status building blocks that the
15–17-year-olds' indicators (``youth_15_17``) share: who lives where at a reference week, at what
age, and whether they are in education, at work, on public support that week.

Choices the definition leaves open (each also stated in the indicators' Danish docstrings):

* Reference week: for a year, the last week of November (``REFERENCE_MONTH``), i.e. the last week
  whose Thursday lies in November; for a month or quarter, the period's last week.
* "Completed at least 8th grade" is taken as age ≥ 15: we have no school records beyond the
  readiness assessments, which start in 8th grade.
* In education: a status code of category ``education`` in the week, or an open education: an
  ``education_event`` 'start' on or before the week's Sunday with no 'completion' or 'dropout' of
  the same education type between that start and the week's Monday (one day in the week counts,
  as for DREAM's weekly codes).
* Work: hours in ``employment_month`` for the month of the reference week's Thursday (summed
  over rows; no row = 0 hours); under 78 hours a month (≈ 18 hours a week) is not employment. We
  have no data on self-employment, so the self-employed are not excluded.
* Completed youth education (or other competence-giving education): a 'completion' on or before
  the week's Sunday with an education type in ``COMPLETED_EDUCATION_TYPES``.
* Excluded from the group (still counted among all young people): a status code in the week with
  a benefit in ``EXCLUDED_BENEFITS`` (førtidspension, fleksjob, ledighedsydelse).
* Population: persons with a known birth date and a residence that week (``person`` +
  ``residence``), not FOLK1A: the NEET status exists only at person level, so numerator and
  denominator must come from the same persons. Overlapping residences: the one begun latest counts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.indicators.cells import BREAKDOWNS, person_columns
from ungeindsats.indicators.facts import AGE_AT_THURSDAY
from ungeindsats.indicators.memo import plan_for, planned_sets, recall, shared_table, sharing
from ungeindsats.indicators.model import (
    COUNTRY,
    IndicatorError,
    Query,
    Result,
    get_indicator,
    indicator,
)
from ungeindsats.periods import Period, month_of_week, week_monday, week_thursday
from ungeindsats.warehouse import Warehouse

REFERENCE_MONTH = 11
"""A year's NEET status is measured in the last week of this month (November)."""

NEET_AGES = (15, 24)
HOURS_LIMIT = 78.0
"""Under this many hours of work in the reference month is not employment (18 hours a week)."""

COMPLETED_EDUCATION_TYPES: tuple[str, ...] = (
    # Youth educations (ungdomsuddannelser), as sources write them.
    "gymnasial",
    "stx",
    "hhx",
    "htx",
    "hf",
    "eux",
    "eud",
    "erhvervsuddannelse",
    "egu",
    # KUU and STU count as completed per seed 001 ("Ingen gennemført KUU eller STU").
    "kuu",
    "stu",
    # Higher education implies a youth education (seed 001: "Ingen kompetencegivende uddannelse").
    "videregående",
    "kvu",
    "mvu",
    "lvu",
    "bachelor",
    "professionsbachelor",
    "kandidat",
)
"""Education types (compared lower-case, trimmed) whose completion takes a person out of
restgruppen. Preparatory education (FGU, produktionsskole, 10. klasse) does not."""

EXCLUDED_BENEFITS = ("foertidspension", "fleksjob", "ledighedsydelse")
"""Benefits that take a person out of restgruppen (førtidspension and similar)."""

SOCIAL_INDICATORS = ("Kriminalitet", "Psykisk sygdom", "Social foranstaltning", "Misbrug")
"""Seed 001's four social indicators, in its order: person.crime, mental_illness,
social_measure, abuse."""

INDICATOR_COUNTS = ("Ingen indikatorer", "1 indikator", "2 indikatorer", "3-4 indikatorer")
GROUPS = ("Restgruppen", "Alle unge")

PERSON_COLUMNS = ("sex", "origin", "crime", "mental_illness", "social_measure", "abuse")
"""The columns of ``person`` (alias p) that breakdowns and conditions read; a shared relation
carries them."""

PERSON_BREAKDOWNS = ("sex", "origin", "age_band", "district")
"""Breakdowns of ``cells.BREAKDOWNS`` that a person-at-a-week relation supports."""

SOURCE = "Indenrigs- og Boligministeriets Benchmarkingenhed: restgruppen; domain.md §6; seed 001"


# --------------------------------------------------------------------------- reference weeks


def reference_week(period: Period) -> int:
    """The week a period's status is measured in: for a year the last week of November, else
    the period's last week."""
    if period.kind == "week":
        raise IndicatorError(
            f"{period}: nøgletallene opgøres pr. måned, kvartal eller år, ikke pr. uge"
        )
    if period.kind == "year":
        return Period("month", period.year, REFERENCE_MONTH).last_week
    return period.last_week


def years_before(period: Period, years: int) -> Period:
    """The same period ``years`` years earlier (2017 → 2015, 2019M03 → 2017M03)."""
    return Period(period.kind, period.year - years, period.number)


def reference_weeks(
    periods: Sequence[Period], ages: tuple[int, int], lags: Sequence[int] = (0,)
) -> pa.Table:
    """One row per (period, lag): the reference week of the period ``lag`` years earlier, its
    Monday, Sunday, Thursday and month, and the ages looked at (``ages`` for lag 0, restgruppen's
    15–24 for earlier years)."""
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "period",
            "lag",
            "week",
            "monday",
            "sunday",
            "thursday",
            "year",
            "month",
            "min_age",
            "max_age",
        )
    }
    for period in periods:
        for lag in lags:
            week = reference_week(years_before(period, lag))
            month = month_of_week(week)
            low, high = ages if lag == 0 else NEET_AGES
            for key, value in (
                ("period", period.label()),
                ("lag", lag),
                ("week", week),
                ("monday", week_monday(week)),
                ("sunday", week_monday(week) + timedelta(days=6)),
                ("thursday", week_thursday(week)),
                ("year", month.year),
                ("month", month.number),
                ("min_age", low),
                ("max_age", high),
            ):
                rows[key].append(value)
    return pa.table(
        {
            "period": pa.array(rows["period"], pa.string()),
            "lag": pa.array(rows["lag"], pa.int16()),
            "week": pa.array(rows["week"], pa.int32()),
            "monday": pa.array(rows["monday"], pa.date32()),
            "sunday": pa.array(rows["sunday"], pa.date32()),
            "thursday": pa.array(rows["thursday"], pa.date32()),
            "year": pa.array(rows["year"], pa.int16()),
            "month": pa.array(rows["month"], pa.int16()),
            "min_age": pa.array(rows["min_age"], pa.int16()),
            "max_age": pa.array(rows["max_age"], pa.int16()),
        }
    )


# --------------------------------------------------------------------------- week status


EDU_SPELL_SQL = """
    -- An education runs from its start to the first completion or dropout of the same type on
    -- or after the start (the same day included); without one it is still running.
    WITH events AS (
        SELECT person_id, event, event_date, lower(trim(education_type)) AS kind
        FROM education_event
    )
    SELECT s.person_id, s.event_date AS start_date, min(e.event_date) AS end_date
    FROM events AS s
    LEFT JOIN events AS e
      ON e.person_id = s.person_id AND e.kind = s.kind AND e.event_date >= s.event_date
     AND e.event IN ('completion', 'dropout')
    WHERE s.event = 'start'
    GROUP BY s.person_id, s.kind, s.event_date"""
"""Every education's start and end (``person_id, start_date, end_date``; the same start twice
is one row). A start is joined to the ends of its person and type only, a few rows: cheaper
(measured, a third) than a window over all events ordered by date."""


NEET_PERSON_SQL = """
    -- Each person with a birth date, once: the first completion that takes a person out of
    -- restgruppen, and whether the person's residences overlap.
    SELECT p.person_id, p.birth_date, d.completed_on, t.person_id IS NOT NULL AS tangled
    FROM person AS p
    LEFT JOIN (
        SELECT person_id, min(event_date) AS completed_on
        FROM education_event
        WHERE event = 'completion' AND lower(trim(education_type)) IN ({types})
        GROUP BY person_id
    ) AS d ON d.person_id = p.person_id
    LEFT JOIN (
        -- Residences (those holding a week) overlap if, in the order they begin, one begins
        -- before the one before it ends.
        SELECT DISTINCT person_id
        FROM (
            SELECT person_id, first_week,
                   lag(first_week) OVER ordered AS previous_first,
                   lag(last_week) OVER ordered AS previous_last
            FROM residence
            WHERE last_week IS NULL OR last_week >= first_week
            WINDOW ordered AS (PARTITION BY person_id ORDER BY first_week)
        ) AS r
        WHERE previous_first IS NOT NULL AND (previous_last IS NULL OR previous_last >= first_week)
    ) AS t ON t.person_id = p.person_id
    WHERE p.birth_date IS NOT NULL"""
"""Every person with a birth date (``person_id, birth_date, completed_on, tangled``): the date
of the first 'completion' of a type in ``COMPLETED_EDUCATION_TYPES`` (NULL: none), and whether
two of the person's residences hold the same week (a data error). What does not depend on the
week is found once here instead of once per reference week."""


def neet_person_sql() -> tuple[str, list[object]]:
    """``NEET_PERSON_SQL`` and its parameters."""
    types = ", ".join("?" for _ in COMPLETED_EDUCATION_TYPES)
    return NEET_PERSON_SQL.format(types=types), list(COMPLETED_EDUCATION_TYPES)


REFERENCE_HOURS_SQL = """
    SELECT m.year, m.month, m.person_id, sum(m.hours) AS hours
    FROM q_month AS q
    JOIN employment_month AS m ON m.year = q.year AND m.month = q.month
    GROUP BY m.year, m.month, m.person_id"""
"""Each person's hours in each month of ``q_month`` (columns year, month): what
``week_status_sql(hours=...)`` reads instead of the hours of each week's month."""


def week_status_sql(hours: str | None = None) -> tuple[str, list[object]]:
    """CTEs ending in ``wstatus`` (they read ``edu_spell`` and ``neet_person``, see
    ``EDU_SPELL_SQL`` and ``NEET_PERSON_SQL``): one row per (week, person) for the reference
    weeks in ``q_week`` (see ``distinct_weeks``): every person 15-24 (``NEET_AGES``, the widest
    ages any indicator here asks) living in Denmark that week, with municipality, district, age
    and the week's status flags (in_education, employment_code, public_support,
    excluded_benefit, hours, completed_education, neet).

    The persons of the ages come first (one scan of ``neet_person`` per week); their residences
    and spells are joined by person, an equality, with the week as a filter; educations and
    hours are joined to the few weeks. DuckDB's range joins of millions of rows to millions of
    rows are what this avoids. Built one week at a time (``week_status``): all weeks in one
    statement scan each table once, but cost more than the weeks one by one (measured: the
    joins and groupings of millions of rows are slower than those of a week's).

    ``hours`` names a relation of ``REFERENCE_HOURS_SQL`` holding the weeks' months; None: the
    hours are summed from ``employment_month`` for the week."""
    benefits = ", ".join("?" for _ in EXCLUDED_BENEFITS)
    worked = """SELECT w.week, m.person_id, sum(m.hours) AS hours
    FROM q_week AS w
    JOIN employment_month AS m ON m.year = w.year AND m.month = w.month
    GROUP BY w.week, m.person_id"""
    if hours is not None:
        worked = f"""SELECT w.week, h.person_id, h.hours
    FROM q_week AS w
    JOIN {hours} AS h ON h.year = w.year AND h.month = w.month"""
    sql = f"""
aged AS (
    -- Persons of the ages at each week's Thursday first: a cheap scan, and their residences
    -- are then joined by person (an equality) instead of every residence by a week range.
    SELECT w.week, w.year, w.month, p.person_id, p.tangled,
           CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age,
           coalesce(p.completed_on <= w.sunday, FALSE) AS completed_education
    FROM q_week AS w, neet_person AS p
    WHERE {AGE_AT_THURSDAY} BETWEEN {NEET_AGES[0]} AND {NEET_AGES[1]}
),
resident AS (
    SELECT a.*, CAST(r.municipality AS SMALLINT) AS municipality, r.district,
           r.first_week AS moved_in
    FROM aged AS a
    JOIN residence AS r
      ON r.person_id = a.person_id AND r.first_week <= a.week
     AND (r.last_week IS NULL OR a.week <= r.last_week)
),
young AS (
    -- Only a person with overlapping residences (a data error, neet_person.tangled) can have
    -- two in a week, and must not count twice: the one begun latest counts. Numbering only
    -- theirs, not everybody's, saves about a sixth of the week's work.
    SELECT week, year, month, person_id, age, completed_education, municipality, district
    FROM resident
    WHERE NOT tangled
    UNION ALL
    SELECT week, year, month, person_id, age, completed_education, municipality, district
    FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY week, person_id ORDER BY moved_in DESC) AS pick
        FROM resident
        WHERE tangled
    ) AS t
    WHERE pick = 1
),
codes AS (
    -- The young persons' spells covering the week (only theirs: grouping every spell of
    -- every age that week costs twice as much).
    SELECT y.week, y.person_id,
           max(CASE WHEN c.category = 'education' THEN 1 ELSE 0 END) AS education_code,
           max(CASE WHEN c.category = 'employment' THEN 1 ELSE 0 END) AS employment_code,
           max(CASE WHEN c.category = 'public_support' THEN 1 ELSE 0 END) AS public_support,
           max(CASE WHEN c.benefit IN ({benefits}) THEN 1 ELSE 0 END) AS excluded_benefit
    FROM young AS y
    JOIN status_spell AS s
      ON s.person_id = y.person_id AND s.first_week <= y.week AND s.last_week >= y.week
    JOIN status_code AS c ON c.code = s.code
    GROUP BY y.week, y.person_id
),
worked AS (
    {worked}
),
studying AS (
    SELECT w.week, e.person_id
    FROM q_week AS w
    JOIN edu_spell AS e
      ON e.start_date <= w.sunday AND (e.end_date IS NULL OR e.end_date >= w.monday)
),
flags AS (
    SELECT y.week, y.person_id, y.municipality, y.district, y.age,
           coalesce(c.education_code, 0) = 1
               -- A test, not a join: a person may have several open educations.
               OR EXISTS (
                   SELECT 1 FROM studying AS e WHERE e.week = y.week AND e.person_id = y.person_id
               ) AS in_education,
           coalesce(c.employment_code, 0) = 1 AS employment_code,
           coalesce(c.public_support, 0) = 1 AS public_support,
           coalesce(c.excluded_benefit, 0) = 1 AS excluded_benefit,
           coalesce(h.hours, 0) AS hours,
           y.completed_education
    FROM young AS y
    LEFT JOIN codes AS c ON c.week = y.week AND c.person_id = y.person_id
    LEFT JOIN worked AS h ON h.week = y.week AND h.person_id = y.person_id
),
wstatus AS (
    SELECT *,
           NOT in_education AND hours < ? AND NOT completed_education AND NOT excluded_benefit
               AS neet
    FROM flags
)"""
    return sql, [*EXCLUDED_BENEFITS, HOURS_LIMIT]


STATUS_CTE = """
status AS (
    -- The week status of each (period, lag): the ages asked for that lag (see reference_weeks).
    SELECT q.period, q.lag, s.*
    FROM q_ref AS q
    JOIN wstatus AS s ON s.week = q.week AND s.age BETWEEN q.min_age AND q.max_age
)"""
"""CTE ``status``: one row per (period, lag, person) of ``q_ref``, from ``wstatus``."""


def distinct_weeks(ref: pa.Table) -> pa.Table:
    """The distinct reference weeks of ``ref`` (``reference_weeks``) with their Monday, Sunday,
    Thursday and month: the rows ``week_status_sql`` reads as ``q_week``."""
    columns = ("week", "monday", "sunday", "thursday", "year", "month")
    seen: dict[int, int] = {}
    for i, week in enumerate(ref["week"].to_pylist()):
        seen.setdefault(week, i)
    return ref.select(list(columns)).take(pa.array(sorted(seen.values()), pa.int64()))


def _week_bases(warehouse: Warehouse) -> tuple[str, list[object]]:
    """``WITH edu_spell AS (...), neet_person AS (...),`` and its parameters: inside
    ``memo.shared()`` each read from a table built once, outside (or when a table does not fit
    in memory) computed in the query."""
    ctes, params = [], []
    for name, (sql, sql_params) in (
        ("edu_spell", (EDU_SPELL_SQL, [])),
        ("neet_person", neet_person_sql()),
    ):
        table = shared_table(warehouse.con, (name, id(warehouse)), sql, sql_params or None)
        if table is None:
            ctes.append(f"{name} AS ({sql})")
            params.extend(sql_params)
        else:
            ctes.append(f"{name} AS (SELECT * FROM {table})")
    return f"WITH {', '.join(ctes)},", params


def week_status(
    warehouse: Warehouse, ref: pa.Table
) -> tuple[str, Sequence[object], Mapping[str, pa.Table]]:
    """The CTE text (``WITH ... status``), its parameters and the tables to register for the
    week status of every (period, lag) in ``ref``.

    Inside ``memo.shared()`` each reference week's status is built once, as a table of its own,
    and every indicator and breakdown asking for that week reads it: restgruppen's share, its
    characteristics, its persistence (the same weeks one and two years back) and the
    15-17-year-olds all rest on the same weeks."""
    weeks = distinct_weeks(ref)
    ctes, params = week_status_sql()
    bases, base_params = _week_bases(warehouse)
    if sharing():
        con = warehouse.con
        # Week → its table, for the weeks built so far.
        built: dict[int, str] = recall(("week_status", id(warehouse), ctes, tuple(params)), dict)
        todo = weeks.filter(pc.invert(pc.is_in(weeks["week"], pa.array(list(built), pa.int32()))))
        week_ctes = _hoisted_hours(warehouse, todo) or ctes
        for i in range(todo.num_rows):
            one = todo.slice(i, 1)
            week = one["week"][0].as_py()
            con.register("q_week", one)
            try:
                select = f"{bases}{week_ctes} SELECT * FROM wstatus"
                key = ("week_status", id(warehouse), ctes, tuple(params), week)
                name = shared_table(con, key, select, [*base_params, *params])
            finally:
                con.unregister("q_week")
            if name is None:
                break
            built[week] = name
        else:
            names = [built[week] for week in weeks["week"].to_pylist()]
            union = " UNION ALL ".join(f"SELECT * FROM {n}" for n in names)
            return f"WITH wstatus AS ({union}),{STATUS_CTE}", (), {"q_ref": ref}
    return f"{bases}{ctes},{STATUS_CTE}", [*base_params, *params], {"q_ref": ref, "q_week": weeks}


def _hoisted_hours(warehouse: Warehouse, weeks: pa.Table) -> str | None:
    """Inside ``memo.shared()``: ``week_status_sql`` reading the hours of the months of
    ``weeks`` (those about to be built) from a table summed in one scan of
    ``employment_month`` (a scan for each week otherwise, a tenth of its work); None when there
    are no such weeks or the table does not fit in memory."""
    if not weeks.num_rows:
        return None
    months = weeks.select(["year", "month"]).group_by(["year", "month"]).aggregate([])
    months = months.sort_by([("year", "ascending"), ("month", "ascending")])
    key = (
        "reference_hours",
        id(warehouse),
        tuple((r["year"], r["month"]) for r in months.to_pylist()),
    )
    con = warehouse.con
    con.register("q_month", months)
    try:
        name = shared_table(con, key, REFERENCE_HOURS_SQL)
    finally:
        con.unregister("q_month")
    return None if name is None else week_status_sql(hours=name)[0]


def hours_notes(warehouse: Warehouse, ref: pa.Table) -> tuple[str, ...]:
    """A Danish note for each reference month without any hours in ``employment_month``."""

    def hours(year: int, month: int) -> int:
        return int(
            warehouse.con.execute(
                "SELECT count(*) FROM employment_month WHERE year = ? AND month = ?", [year, month]
            ).fetchall()[0][0]
        )

    notes = []
    for year, month in sorted(
        set(zip(ref["year"].to_pylist(), ref["month"].to_pylist(), strict=True))
    ):
        # Every job asks for every reference month (a scan of the hours, 0.03 s each, some
        # 160 times in the layer): inside memo.shared() once per month.
        key = ("hours_month", id(warehouse), year, month)
        if not recall(key, partial(hours, year, month)):
            notes.append(
                f"Ingen arbejdstimer indlæst for {year}M{month:02d}: alle regnes som under "
                f"{HOURS_LIMIT:.0f} timer om måneden."
            )
    return tuple(notes)


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Dimension:
    """A dimension the indicator always has (e.g. the four social indicators): its labels come
    from a registered table ``table`` with columns ``label`` and ``ord`` (the display order)."""

    name: str
    table: str
    labels: tuple[str, ...]

    def arrow(self) -> pa.Table:
        return pa.table(
            {
                "label": pa.array(self.labels, pa.string()),
                "ord": pa.array(range(1, len(self.labels) + 1), pa.int16()),
            }
        )


@dataclass(frozen=True)
class ShareSql:
    """A share over a per-row relation ``f`` (columns period, municipality, person_id, age,
    district) joined to ``person`` as ``p``: the SQL pieces an indicator supplies.

    With ``dimensions``, the aggregates and ``where`` may read each dimension's ``<table>.ord``
    and ``<table>.label``: they are evaluated once per cell of the dimensions, with the cell's
    values in their place. Each aggregate must then be one aggregate call (``count(...)``), as
    a cell's ``where`` becomes its FILTER, and a ``where`` that reads a dimension takes no
    parameters."""

    ctes: str  # "WITH ..." text defining the relation, or ""
    ctes_params: Sequence[object]
    relation: str  # the relation read as f
    numerator: str  # an aggregate over the cell
    denominator: str
    persons: str  # distinct persons behind the numerator
    where: str = "TRUE"
    where_params: Sequence[object] = ()
    dimensions: Sequence[Dimension] = ()
    extra_breakdowns: Mapping[str, tuple[str, str]] | None = None  # name → (expr, order expr)
    periods: Sequence[str] = ()  # only these periods of the relation (it may hold more), or all


_MEASURES = ("numerator", "denominator", "persons")


def share_cells(
    warehouse: Warehouse, query: Query, spec: ShareSql, tables: Mapping[str, pa.Table]
) -> pa.Table:
    """Columns: municipality, period, *by, *dimensions, value (pct.), persons, numerator,
    denominator; per municipality and for the country (0) as its own aggregate.

    One scan of the relation counts the municipalities and the country together (GROUPING
    SETS). The dimensions' cells are not joined to the rows (restgruppen's two groups × four
    social indicators made eight rows of every person, millions in all): each cell has
    aggregates of its own in that one scan, and the few grouped rows are unpivoted into the
    cells afterwards. A cell exists where rows meet its ``where``, as with a join.

    Inside ``memo.shared()`` (without filters) the grouped rows are remembered for every period
    of the relation, and a query's periods (``spec.periods``) are read from them: the layer's
    yearly extras are the total's rows a year at a time (``_remembered_groups``)."""
    exprs: dict[str, tuple[str, str | None]] = {
        name: (BREAKDOWNS[name], None) for name in PERSON_BREAKDOWNS
    }
    exprs.update(spec.extra_breakdowns or {})
    dimensions = {d.name: i for i, d in enumerate(spec.dimensions)}
    dims = [*query.by, *(d.name for d in spec.dimensions if d.name not in query.by)]
    by = [d for d in dims if d not in dimensions]
    cells = _dimension_cells(spec.dimensions, query.filters)
    counts = _cell_counts(spec, cells)
    municipal = [m for m in query.municipalities if m != COUNTRY]
    if not municipal and COUNTRY not in query.municipalities:
        raise ValueError("share_cells needs municipalities or the country")
    registered = dict(tables)
    if sharing() and not query.filters:
        groups = _remembered_groups(warehouse, query, spec, tables, exprs, by, counts)
        registered = {"q_share_grouped": groups}
        ctes, params, grouped = "", list[object](), "SELECT * FROM q_share_grouped"
        # Every municipality asked was grouped (the key holds them): keep only the periods.
        keep, keep_params = "TRUE", list[object]()
        if spec.periods:
            keep = f"g.period IN ({', '.join('?' for _ in spec.periods)})"
            keep_params = list(spec.periods)
    else:
        scan = [counts.scan]
        params = list(spec.where_params)
        for name, values in query.filters.items():
            if name not in dimensions:
                scan.append(f"{exprs[name][0]} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        if spec.periods:
            scan.append(f"f.period IN ({', '.join('?' for _ in spec.periods)})")
            params.extend(spec.periods)
        grouping = _grouping(_keys(by, exprs), query.municipalities)
        scan.extend(grouping.scan)
        params.extend(grouping.scan_params)
        rows = _shared_relation(warehouse, spec, tables)
        aggregates = "".join(f", {sql} AS {name}" for sql, name in counts.columns.items())
        grouped = (
            f"SELECT {grouping.place}, f.period{_selected(by, exprs)}{aggregates} "
            f"FROM {rows.relation} AS f{rows.person} WHERE {' AND '.join(scan)} "
            f"GROUP BY {grouping.group}"
        )
        if not rows.person:
            grouped = _carried(grouped)
        ctes, params = rows.ctes, [*rows.params, *params]
        keep, keep_params = grouping.keep, grouping.keep_params

    out = []
    for d in dims:
        if d in dimensions:
            out.append(f"c._label_{dimensions[d]} AS {d}, c._ord_{dimensions[d]} AS _order_{d}")
        else:
            out.append(f"g.{d}" + (f", g._order_{d}" if exprs[d][1] else ""))
    measures = "".join(f", {counts.pick(m)} AS {m}" for m in _MEASURES)
    joins = " CROSS JOIN q_share_cell AS c" if spec.dimensions else ""
    if counts.by_cell_where:
        keep += f" AND {counts.pick('rows')} > 0"
    order = ", ".join(
        [
            "municipality",
            "period",
            *(f"_order_{d}" if d in dimensions or exprs[d][1] else d for d in dims),
        ]
    )
    sql = (
        f"{ctes} SELECT g.municipality, g.period{''.join(f', {o}' for o in out)}{measures} "
        f"FROM ({grouped}) AS g{joins} WHERE {keep} ORDER BY {order}"
    )
    con = warehouse.con
    if spec.dimensions:
        registered["q_share_cell"] = _cell_table(spec.dimensions, cells)
    for name, table in registered.items():
        con.register(name, table)
    try:
        result = con.sql(sql, params=[*params, *keep_params]).to_arrow_table()
    finally:
        for name in registered:
            con.unregister(name)
    numerators = result["numerator"].to_pylist()
    denominators = result["denominator"].to_pylist()
    shares = [100.0 * n / d for n, d in zip(numerators, denominators, strict=True)]
    return pa.table(
        {
            "municipality": result["municipality"],
            "period": result["period"],
            **{d: result[d] for d in dims},
            "value": pa.array(shares, pa.float64()),
            "persons": result["persons"].cast(pa.int64()),
            "numerator": result["numerator"].cast(pa.int64()),
            "denominator": result["denominator"].cast(pa.int64()),
        }
    )


Exprs = Mapping[str, tuple[str, str | None]]
"""Breakdown name → (SQL over the row f, SQL of its display order or None)."""


def _keys(by: Sequence[str], exprs: Exprs) -> str:
    """``, <expr>[, <order>]`` of each breakdown: the columns grouped by."""
    return "".join(f", {exprs[b][0]}" + (f", {exprs[b][1]}" if exprs[b][1] else "") for b in by)


def _selected(by: Sequence[str], exprs: Exprs) -> str:
    """``, <expr> AS <name>[, <order> AS _order_<name>]`` of each breakdown."""
    return "".join(
        f", {exprs[b][0]} AS {b}" + (f", {exprs[b][1]} AS _order_{b}" if exprs[b][1] else "")
        for b in by
    )


@dataclass(frozen=True)
class _Grouping:
    """How the rows f are grouped for the municipalities and the country asked: the SELECT's
    municipality column(s), the GROUP BY, a condition (and parameters) on the rows, and one on
    the grouped rows g."""

    place: str
    group: str
    scan: Sequence[str]
    scan_params: list[object]
    keep: str
    keep_params: list[object]


def _grouping(keys: str, municipalities: Sequence[int]) -> _Grouping:
    """The grouping for ``municipalities`` (0 = Hele landet) by ``f.period`` and ``keys``."""
    municipal = [m for m in municipalities if m != COUNTRY]
    in_municipal = f"IN ({', '.join('?' for _ in municipal)})"
    if municipal and COUNTRY in municipalities:
        # One scan for both: the municipalities' groups and the country's (its own aggregate).
        return _Grouping(
            place=(
                f"CAST(CASE WHEN GROUPING(f.municipality) = 1 THEN {COUNTRY} "
                "ELSE f.municipality END AS SMALLINT) AS municipality, "
                "GROUPING(f.municipality) AS _country"
            ),
            group=f"GROUPING SETS ((f.municipality, f.period{keys}), (f.period{keys}))",
            scan=(),
            scan_params=[],
            keep=f"(g._country = 1 OR g.municipality {in_municipal})",
            keep_params=[*municipal],
        )
    if municipal:
        return _Grouping(
            place="CAST(f.municipality AS SMALLINT) AS municipality",
            group=f"f.municipality, f.period{keys}",
            scan=(f"f.municipality {in_municipal}",),
            scan_params=[*municipal],
            keep="TRUE",
            keep_params=[],
        )
    return _Grouping(
        place=f"CAST({COUNTRY} AS SMALLINT) AS municipality",
        group=f"f.period{keys}",
        scan=(),
        scan_params=[],
        keep="TRUE",
        keep_params=[],
    )


def _additive(aggregate: str) -> bool:
    """True when ``aggregate`` is one ``count(...)`` of rows, not of distinct values, with or
    without a FILTER: the counts of groups add up to the count of their union."""
    text = aggregate.strip()
    call = re.match(r"count\s*\(", text, re.IGNORECASE)
    if call is None or re.match(r"\s*distinct\b", text[call.end() :], re.IGNORECASE):
        return False
    rest = text[_closing(text, call.end() - 1) + 1 :].strip()
    if not rest:
        return True
    where = re.match(r"filter\s*\(", rest, re.IGNORECASE)
    return where is not None and _closing(rest, where.end() - 1) == len(rest) - 1


def _remembered_groups(
    warehouse: Warehouse,
    query: Query,
    spec: ShareSql,
    tables: Mapping[str, pa.Table],
    exprs: Exprs,
    by: Sequence[str],
    counts: _CellCounts,
) -> pa.Table:
    """Inside ``memo.shared()``, without filters: the grouped rows ``g`` of ``share_cells`` by
    ``by`` (municipality, period, the breakdowns, the aggregate columns), those of the
    municipalities asked and the country, for every period of the relation.

    When every aggregate counts rows, the relation is grouped once by municipality, period and
    the breakdowns of every set the layer is about to ask (``memo.planned_sets``), and each
    query's groups are added up from those few rows (the country's too): the total, each
    breakdown and each year of the layer read one pass over the millions of rows instead of one
    pass each. A distinct count does not add up: its groups are counted once per breakdown."""
    relation_key = (
        spec.ctes,
        tuple(spec.ctes_params),
        spec.relation,
        repr({name: table.to_pydict() for name, table in tables.items()}),
    )
    base = (
        "share_groups",
        id(warehouse),
        relation_key,
        tuple(counts.columns.items()),
        counts.scan,
        tuple(spec.where_params),
        tuple(sorted(exprs.items())),
        tuple(query.municipalities),
    )
    if not all(_additive(sql) for sql in counts.columns):
        return recall(
            (*base, tuple(by)),
            lambda: _counted_groups(warehouse, spec, tables, exprs, by, counts, query, False),
        )
    # Grouped by municipality (a sum of municipalities is the country's count) and by the
    # breakdowns of the sets asked: any set of them is added up from it.
    cubes: dict[tuple[str, ...], pa.Table] = recall((*base, "cubes"), dict)
    columns = next((c for c in cubes if set(by) <= set(c)), None)
    if columns is None:
        dimensions = {d.name for d in spec.dimensions}
        countable = [
            s for s in planned_sets(query.by) or () if all(b in exprs or b in dimensions for b in s)
        ]
        columns = tuple(dict.fromkeys([*by, *(b for s in countable for b in s if b in exprs)]))
        cubes[columns] = _counted_groups(
            warehouse, spec, tables, exprs, columns, counts, query, True
        )
    return _added_groups(warehouse, cubes[columns], by, exprs, counts, query.municipalities)


def _counted_groups(
    warehouse: Warehouse,
    spec: ShareSql,
    tables: Mapping[str, pa.Table],
    exprs: Exprs,
    by: Sequence[str],
    counts: _CellCounts,
    query: Query,
    cube: bool,
) -> pa.Table:
    """The grouped rows of the relation by ``by`` for every period: for the municipalities
    and the country of ``query`` (``_grouping``), or when ``cube`` by each municipality
    (all of them if the country is asked)."""
    keys = _keys(by, exprs)
    scan, params = [counts.scan], list(spec.where_params)
    if cube:
        municipal = [m for m in query.municipalities if m != COUNTRY]
        place, group = "f.municipality", f"f.municipality, f.period{keys}"
        keep, keep_params = "", list[object]()
        if COUNTRY not in query.municipalities:
            scan.append(f"f.municipality IN ({', '.join('?' for _ in municipal)})")
            params.extend(municipal)
    else:
        grouping = _grouping(keys, query.municipalities)
        place, group = grouping.place, grouping.group
        scan.extend(grouping.scan)
        params.extend(grouping.scan_params)
        keep, keep_params = f" WHERE {grouping.keep}", grouping.keep_params
    rows = _shared_relation(warehouse, spec, tables)
    aggregates = "".join(f", {sql} AS {name}" for sql, name in counts.columns.items())
    grouped = (
        f"SELECT {place}, f.period{_selected(by, exprs)}{aggregates} "
        f"FROM {rows.relation} AS f{rows.person} WHERE {' AND '.join(scan)} GROUP BY {group}"
    )
    if not rows.person:
        grouped = _carried(grouped)
    sql = f"{rows.ctes} SELECT * FROM ({grouped}) AS g{keep}"
    con = warehouse.con
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.sql(sql, params=[*rows.params, *params, *keep_params]).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def _added_groups(
    warehouse: Warehouse,
    cube: pa.Table,
    by: Sequence[str],
    exprs: Exprs,
    counts: _CellCounts,
    municipalities: Sequence[int],
) -> pa.Table:
    """The grouped rows by ``by`` for ``municipalities`` (0 = Hele landet), added up from the
    rows grouped by municipality and more breakdowns (``_counted_groups`` with ``cube``)."""
    named: dict[str, tuple[str, str | None]] = {
        b: (f"f.{b}", f"f._order_{b}" if exprs[b][1] else None) for b in by
    }
    grouping = _grouping(_keys(by, named), municipalities)
    sums = "".join(f", CAST(sum(f.{name}) AS BIGINT) AS {name}" for name in counts.columns.values())
    scan = " AND ".join(["TRUE", *grouping.scan])
    sql = (
        f"SELECT * FROM (SELECT {grouping.place}, f.period{_selected(by, named)}{sums} "
        f"FROM q_share_cube AS f WHERE {scan} GROUP BY {grouping.group}) AS g "
        f"WHERE {grouping.keep}"
    )
    con = warehouse.con
    con.register("q_share_cube", cube)
    try:
        return con.sql(sql, params=[*grouping.scan_params, *grouping.keep_params]).to_arrow_table()
    finally:
        con.unregister("q_share_cube")


Cell = tuple[tuple[str, int], ...]
"""One cell of the dimensions: (label, ord) per dimension, in the spec's order."""


@dataclass(frozen=True)
class _CellCounts:
    """The aggregates of the one grouped scan (SQL → column) and which columns are each cell's
    measures (numerator, denominator, persons, and rows: those meeting the cell's where when
    ``by_cell_where``); ``scan`` is the condition on the rows any cell counts."""

    columns: Mapping[str, str]
    measures: Sequence[Mapping[str, str]]
    scan: str
    by_cell_where: bool

    def pick(self, measure: str) -> str:
        """SQL: the measure of the cell ``c._cell`` from the grouped row ``g``."""
        if not self.measures:
            return "NULL"
        if len(self.measures) == 1:
            return f"g.{self.measures[0][measure]}"
        whens = " ".join(f"WHEN {k} THEN g.{m[measure]}" for k, m in enumerate(self.measures))
        return f"CASE c._cell {whens} END"


def _cell_counts(spec: ShareSql, cells: Sequence[Cell]) -> _CellCounts:
    """Each cell's measures as aggregates of their own (with the cell's where as their FILTER
    when ``where`` reads a dimension), each distinct aggregate once: a group's denominator is
    the same for all its indicators."""
    by_cell_where = _reads(spec.where, spec.dimensions)
    if by_cell_where and spec.where_params:
        raise ValueError("a where that reads a dimension takes no parameters")
    columns: dict[str, str] = {}
    measures: list[dict[str, str]] = []
    wheres: list[str] = []
    for cell in cells:
        where = _at_cell(spec.where, spec.dimensions, cell) if by_cell_where else None
        sources = {m: getattr(spec, m) for m in _MEASURES}
        if where is not None:
            sources["rows"] = "count(*)"
            wheres.append(where)
        measures.append(
            {
                m: columns.setdefault(
                    _filtered(_at_cell(s, spec.dimensions, cell), where), f"_a{len(columns)}"
                )
                for m, s in sources.items()
            }
        )
    if by_cell_where:
        scan = f"({' OR '.join(f'({w})' for w in dict.fromkeys(wheres)) or 'FALSE'})"
    else:
        scan = f"({spec.where})"
    return _CellCounts(columns, measures, scan, by_cell_where)


def _dimension_cells(
    dimensions: Sequence[Dimension], filters: Mapping[str, Sequence[str]]
) -> list[Cell]:
    """Every cell of the dimensions whose labels the filters keep."""
    axes = [
        [
            (label, ord_)
            for ord_, label in enumerate(d.labels, start=1)
            if d.name not in filters or label in filters[d.name]
        ]
        for d in dimensions
    ]
    return list(itertools.product(*axes))


def _cell_table(dimensions: Sequence[Dimension], cells: Sequence[Cell]) -> pa.Table:
    """The cells as rows: ``_cell`` (its number), ``_label_<i>`` and ``_ord_<i>`` per dimension."""
    columns: dict[str, pa.Array] = {"_cell": pa.array(range(len(cells)), pa.int32())}
    for i in range(len(dimensions)):
        columns[f"_label_{i}"] = pa.array([c[i][0] for c in cells], pa.string())
        columns[f"_ord_{i}"] = pa.array([c[i][1] for c in cells], pa.int16())
    return pa.table(columns)


def _reads(sql: str, dimensions: Sequence[Dimension]) -> bool:
    return any(re.search(rf"\b{re.escape(d.table)}\.", sql) for d in dimensions)


def _at_cell(sql: str, dimensions: Sequence[Dimension], cell: Cell) -> str:
    """``sql`` with each dimension's ``<table>.ord`` and ``<table>.label`` replaced by the cell's
    values (labels are our own constants; quoted as SQL strings all the same)."""
    for d, (label, ord_) in zip(dimensions, cell, strict=True):
        literal = {"ord": str(ord_), "label": "'" + label.replace("'", "''") + "'"}
        sql = re.sub(rf"\b{re.escape(d.table)}\.(ord|label)\b", _replace(literal), sql)
    if _reads(sql, dimensions):
        raise ValueError(f"a dimension is read other than by its ord or label: {sql}")
    return sql


def _replace(literal: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: literal[match.group(1)]


def _filtered(aggregate: str, where: str | None) -> str:
    """The aggregate counting only the rows that meet ``where`` (None: all)."""
    if where is None:
        return aggregate
    text = aggregate.strip()
    match = re.match(r"\w+\s*\(", text)
    if match is None or _closing(text, match.end() - 1) != len(text) - 1:
        raise ValueError(f"not one aggregate call: {aggregate}")
    return f"{text} FILTER (WHERE {where})"


def _closing(text: str, start: int) -> int:
    """The position of the parenthesis closing the one at ``start`` (-1: none); quoted text
    is skipped."""
    depth, quoted = 0, False
    for i in range(start, len(text)):
        char = text[i]
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


_PERSON_JOIN = " LEFT JOIN person AS p ON p.person_id = f.person_id"


@dataclass(frozen=True)
class _Rows:
    """How ``share_cells`` reads a spec's rows: the CTEs and their parameters, the relation
    (read as f) and the join of ``person`` as p, or "" when the relation carries the person's
    columns (``_carried``)."""

    ctes: str
    params: Sequence[object]
    relation: str
    person: str


def _carried(sql: str) -> str:
    """``sql`` reading the person's columns from a relation that carries them (``f.sex``)
    instead of from ``person`` joined as p (``p.sex``). A lateral naming the row's own columns
    p.<name> reads the same, but DuckDB runs it as a distinct and a join over all the rows:
    about a second a query over every young person at eight reference weeks."""
    return re.sub(rf"\bp\.({'|'.join(PERSON_COLUMNS)})\b", r"f.\1", sql)


def _shared_relation(warehouse: Warehouse, spec: ShareSql, tables: Mapping[str, pa.Table]) -> _Rows:
    """The rows of the spec. Inside ``memo.shared()`` the relation (every young person's
    status at every reference week) is built once into a table that all breakdowns of the
    indicator read, with the person's columns joined in once instead of once per breakdown."""
    plain = _Rows(spec.ctes, spec.ctes_params, spec.relation, _PERSON_JOIN)
    if not sharing():
        return plain
    con = warehouse.con
    # The registered tables (reference weeks, ages) are small; their contents are in the key.
    contents = repr({name: table.to_pydict() for name, table in tables.items()})
    key = ("relation", id(warehouse), spec.ctes, tuple(spec.ctes_params), spec.relation, contents)
    for table_name, table in tables.items():
        con.register(table_name, table)
    try:
        person = person_columns("p", PERSON_COLUMNS)
        select = f"{spec.ctes} SELECT f.*{person} FROM {spec.relation} AS f{_PERSON_JOIN}"
        name = shared_table(con, key, select, list(spec.ctes_params))
    finally:
        for table_name in tables:
            con.unregister(table_name)
    return plain if name is None else _Rows("", (), name, "")


def checked_ages(name: str, query: Query, allowed: tuple[int, int]) -> tuple[int, int]:
    """The query's ages (or the indicator's default), which must lie within ``allowed``."""
    ages = query.ages or get_indicator(name).default_ages
    if not allowed[0] <= ages[0] <= ages[1] <= allowed[1]:
        raise IndicatorError(
            f"{name} er defineret for {allowed[0]}-{allowed[1]}-årige; "
            f"vælg en aldersgruppe inden for {allowed[0]}-{allowed[1]} år"
        )
    return ages


# --------------------------------------------------------------------------- indicators


def _run(
    name: str,
    warehouse: Warehouse,
    query: Query,
    *,
    condition: str,
    where: str,
    lags: Sequence[int] = (0,),
    extra_ctes: str = "",
    relation: str = "status",
    dimensions: Sequence[Dimension] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    """A share of persons at the reference week: those meeting ``condition`` among the rows of
    ``relation`` (built on the week status) meeting ``where``."""
    ages = checked_ages(name, query, NEET_AGES)
    # Inside memo.planned (the layer asks a year at a time) the relation is built once for all
    # planned periods and each query counts its own periods in it: a period's rows depend only
    # on its own reference weeks.
    periods = plan_for(query.periods)
    ref = reference_weeks(periods, ages, lags)
    ctes, params, tables = week_status(warehouse, ref)
    # A person is one row per period and lag (and ``where`` keeps one lag), so counting rows
    # counts persons: no DISTINCT, which costs ten times as much over millions of rows.
    counted = f"count(CASE WHEN {condition} THEN 1 END)"
    spec = ShareSql(
        ctes=f"{ctes}{extra_ctes}",
        ctes_params=params,
        relation=relation,
        numerator=counted,
        denominator="count(*)",
        persons=counted,
        where=where,
        dimensions=dimensions,
        periods=[p.label() for p in query.periods] if periods != query.periods else (),
    )
    if periods != query.periods:
        ref = reference_weeks(query.periods, ages, lags)
    notes = (*hours_notes(warehouse, ref), *notes)
    table = share_cells(warehouse, query, spec, tables)
    return Result(get_indicator(name), query, table, "mikrodata", notes)


@indicator(
    "neet_share",
    cadence="year",
    label="Andel i restgruppen",
    unit="pct.",
    breakdowns=PERSON_BREAKDOWNS,
    source=SOURCE,
    default_ages=NEET_AGES,
)
def neet_share(warehouse: Warehouse, query: Query) -> Result:
    """Andel i restgruppen (pct.): de 15-24-årige i restgruppen ÷ alle 15-24-årige med bopæl i
    kommunen i referenceugen. Referenceugen er for et år den sidste uge i november (ugen, hvis
    torsdag ligger i november), for en måned eller et kvartal periodens sidste uge; alder og
    bopæl gælder den uges torsdag. I restgruppen er den, der i referenceugen
    - er fyldt 15 år (i stedet for "har gennemført mindst 8. klasse", som vi ikke kender),
    - ikke er i uddannelse: ingen statuskode i kategorien uddannelse, og ingen påbegyndt
      uddannelse uden en senere fuldførelse eller et afbrud af samme uddannelsestype før ugen,
    - har arbejdet under 78 timer i referenceugens måned (ingen timer indlæst = 0 timer;
      selvstændige kan ikke frasorteres, da vi ikke har oplysninger om dem),
    - ikke har fuldført en ungdomsuddannelse eller anden kompetencegivende uddannelse
      (gymnasial, stx, hhx, htx, hf, eux, eud, erhvervsuddannelse, egu, KUU, STU eller en
      videregående uddannelse; store og små bogstaver er ligegyldige),
    - ikke har førtidspension, fleksjob eller ledighedsydelse (de tæller med blandt alle unge).
    Nævneren er personerne i personregistret med kendt fødselsdato og bopæl i ugen, ikke
    FOLK1A, så tæller og nævner bygger på de samme personer."""
    return _run("neet_share", warehouse, query, condition="f.neet", where="f.lag = 0")


_PERSISTENCE_CTE = """,
neet_now AS (SELECT * FROM status WHERE lag = 0 AND neet),
earlier AS (
    -- The two earlier years of those in restgruppen now, and only theirs (joining every
    -- person's three years to each other costs three times as much): in how many they were
    -- 15-24 and resident, and in how many of those in restgruppen.
    SELECT s.period, s.person_id, count(*) AS years,
           count(CASE WHEN w.neet THEN 1 END) AS neet_years
    FROM neet_now AS s
    JOIN q_ref AS q ON q.period = s.period AND q.lag IN (1, 2)
    JOIN wstatus AS w
      ON w.week = q.week AND w.person_id = s.person_id AND w.age BETWEEN q.min_age AND q.max_age
    GROUP BY s.period, s.person_id
),
persisting AS (
    -- Only those who could have been in the group: 15-24 and resident both earlier years.
    SELECT s.*, e.neet_years = 2 AS persisted
    FROM neet_now AS s
    JOIN earlier AS e ON e.period = s.period AND e.person_id = s.person_id AND e.years = 2
)"""


@indicator(
    "neet_persistence",
    cadence="year",
    label="Andel i restgruppen, der også var det for 1 og 2 år siden",
    unit="pct.",
    breakdowns=PERSON_BREAKDOWNS,
    source=SOURCE,
    default_ages=NEET_AGES,
)
def neet_persistence(warehouse: Warehouse, query: Query) -> Result:
    """Andel af restgruppen i år t (pct.), der også var i restgruppen i referenceugen år t-1 og
    år t-2 (for en måned eller et kvartal: samme periode 1 og 2 år før). Kommunen er bopælen i år
    t; i de tidligere år tæller restgruppen i hele landet, uanset bopælskommune. Nævneren er dem i
    restgruppen i år t, der kunne have været i den begge tidligere år: bosat i Danmark og 15-24
    år i referenceugerne t-1 og t-2 (de 15-16-årige og nytilflyttede tæller altså ikke med)."""
    return _run(
        "neet_persistence",
        warehouse,
        query,
        condition="f.persisted",
        where="TRUE",
        lags=(0, 1, 2),
        extra_ctes=_PERSISTENCE_CTE,
        relation="persisting",
    )


def _social_notes(warehouse: Warehouse) -> tuple[str, ...]:
    known = warehouse.con.execute(
        "SELECT count(*) FROM person WHERE crime IS NOT NULL OR mental_illness IS NOT NULL "
        "OR social_measure IS NOT NULL OR abuse IS NOT NULL"
    ).fetchall()[0][0]
    if known:
        return ()
    return ("Ingen sociale indikatorer indlæst i personregistret: alle regnes som uden.",)


GROUP = Dimension("group", "q_group", GROUPS)
INDICATOR = Dimension("indicator", "q_indicator", SOCIAL_INDICATORS)
INDICATOR_COUNT = Dimension("indicator_count", "q_count", INDICATOR_COUNTS)
# "Restgruppen" (ord 1) holds the NEET group only, "Alle unge" (ord 2) everybody.
_GROUP_WHERE = "f.lag = 0 AND (q_group.ord = 2 OR f.neet)"
_HAS = (
    "coalesce(p.crime, FALSE)",
    "coalesce(p.mental_illness, FALSE)",
    "coalesce(p.social_measure, FALSE)",
    "coalesce(p.abuse, FALSE)",
)


@indicator(
    "neet_characteristics",
    cadence="year",
    label="Sociale karakteristika for restgruppen",
    unit="pct.",
    breakdowns=(*PERSON_BREAKDOWNS, "group", "indicator"),
    source=f"{SOURCE} (sociale indikatorer)",
    default_ages=NEET_AGES,
)
def neet_characteristics(warehouse: Warehouse, query: Query) -> Result:
    """Andel med hver af de fire sociale indikatorer (pct.) — Kriminalitet, Psykisk sygdom,
    Social foranstaltning, Misbrug (personregistrets crime, mental_illness, social_measure,
    abuse) — i restgruppen (som i "Andel i restgruppen") og blandt alle unge 15-24 år i kommunen
    i referenceugen. Resultatet er altid opdelt på gruppe ("Restgruppen", "Alle unge") og
    indikator. En ukendt indikator (tom) tæller som nej."""
    flag = (
        "CASE q_indicator.ord "
        + " ".join(f"WHEN {i} THEN {has}" for i, has in enumerate(_HAS, start=1))
        + " END"
    )
    return _run(
        "neet_characteristics",
        warehouse,
        query,
        condition=flag,
        where=_GROUP_WHERE,
        dimensions=(GROUP, INDICATOR),
        notes=_social_notes(warehouse),
    )


@indicator(
    "neet_indicator_count",
    cadence="year",
    partition="indicator_count",
    label="Restgruppen efter antal sociale indikatorer",
    unit="pct.",
    breakdowns=(*PERSON_BREAKDOWNS, "group", "indicator_count"),
    source=f"{SOURCE} (sociale indikatorer)",
    default_ages=NEET_AGES,
)
def neet_indicator_count(warehouse: Warehouse, query: Query) -> Result:
    """Fordelingen (pct.) på antal af de fire sociale indikatorer (kriminalitet, psykisk sygdom,
    social foranstaltning, misbrug): "Ingen indikatorer", "1 indikator", "2 indikatorer",
    "3-4 indikatorer" (seed 001: "tre eller fire indikatorer"), i restgruppen og blandt alle unge
    15-24 år i kommunen i referenceugen. Resultatet er altid opdelt på gruppe ("Restgruppen",
    "Alle unge") og antal. En ukendt indikator (tom) tæller som nej."""
    count = " + ".join(f"CASE WHEN {has} THEN 1 ELSE 0 END" for has in _HAS)
    band = f"CASE WHEN {count} >= 3 THEN 4 ELSE {count} + 1 END = q_count.ord"
    return _run(
        "neet_indicator_count",
        warehouse,
        query,
        condition=band,
        where=_GROUP_WHERE,
        dimensions=(GROUP, INDICATOR_COUNT),
        notes=_social_notes(warehouse),
    )
