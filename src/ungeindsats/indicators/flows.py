"""Duration and flows: time on public support, where entrants come from, where leavers go.

* ``time_on_support`` and ``long_term_share``: the continuous run of public support at a
  reference week (``runs.support_runs_sql``), in duration bands;
* ``inflow_origin``: for entries into a youth group, the status before;
* ``status_after_exit``: for exits from a youth group, the status 26 weeks later.

Entries and exits are the first and last weeks of runs of a youth group (``runs.group_runs_sql``).
Everything is counted from status codes (``status_spell`` via ``code_dim``), so the youth group
of a person is the group of the code held that week. An event belongs to the municipality the
person lived in, and is counted at the age on the Thursday, of the week it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.classifications import municipality
from ungeindsats.indicators.cells import (
    BREAKDOWNS,
    multi_pairs_sql,
    of_periods,
    one_set,
    parameter_table,
    person_columns,
    set_columns,
)
from ungeindsats.indicators.facts import MAX_AGE, MIN_AGE, ensure_facts
from ungeindsats.indicators.memo import plan_for, planned_sets, recall, sharing
from ungeindsats.indicators.model import COUNTRY, Query, Result, get_indicator, indicator
from ungeindsats.indicators.runs import (
    MAX_GAP_WEEKS,
    DataSpan,
    Sql,
    data_span,
    event_cells,
    group_runs_sql,
    period_table,
    placed_events,
    registered,
    shared_placed,
    shared_runs,
    support_runs_sql,
)
from ungeindsats.periods import Period, month_of_week, week_period
from ungeindsats.warehouse import Warehouse

DURATION_BANDS: tuple[tuple[str, int | None], ...] = (
    ("0-12 uger", 12),
    ("13-26 uger", 26),
    ("27-52 uger", 52),
    ("1-2 år", 104),
    ("2-3 år", 156),
    ("3 år og derover", None),
)
"""Duration bands (seed 001) and their largest number of weeks, counting the reference week."""

LONG_TERM_WEEKS = 156
"""Three years: a run of more than 156 weeks is in the top band, "3 år og derover"."""

ORIGIN_WINDOW_WEEKS = 4
""""Less than 30 days before" the entry, in weeks: the previous status's last week is at most
4 weeks before the entry week (at most 3 whole weeks without a code in between)."""

NO_ORIGIN = "Ingen ydelse eller mere end 30 dage siden"
OTHER_ORIGIN = "Anden ydelse (uden ungegruppe)"

AFTER_WEEKS = 26
"""Status "6 måneder efter afgang": the week 26 weeks after the exit week."""

WORK_HOURS_PER_MONTH = 78.0
"""Hours of work in the month (``employment_month``) that count as "arbejde" when the week has no
code for public support, education or employment (the NEET definition's line: under 78 hours a
month is not in work; domain.md §6). DREAM's weekly codes do not show ordinary jobs."""

STATUSES = (
    "uddannelse eller arbejde",
    "offentlig forsørgelse",
    "selvforsørgende, udrejst el. lign.",
)

MIKRODATA = "mikrodata"
SEED = "Viborg Kommune, Beskæftigelsesudvalgets seminar maj 2019 (seed 001); domain.md §6"

_REFERENCE_BREAKDOWNS = (*BREAKDOWNS, "duration_band")
_INFLOW_BREAKDOWNS = (*BREAKDOWNS, "origin_group", "origin_benefit")
_EXIT_BREAKDOWNS = (*BREAKDOWNS, "status")

# Breakdown name → SQL over the event f, code_dim c and person p (see runs.event_cells).
_EXPRESSIONS: dict[str, str] = {
    **BREAKDOWNS,
    "duration_band": "f.duration_band",
    "origin_group": "f.origin_group",
    "origin_benefit": "f.origin_benefit",
    "status": "f.status",
}

# Display order of the labelled breakdowns (anything else sorts by its text).
_ORDER: dict[str, tuple[str, ...]] = {
    "duration_band": tuple(label for label, _ in DURATION_BANDS),
    "status": STATUSES,
    "origin_group": ("0", "1", "2", "3", "4", OTHER_ORIGIN, NO_ORIGIN),
}


# --- SQL --------------------------------------------------------------------------------------


def _band_sql(column: str) -> Sql:
    whens: list[str] = []
    params: dict[str, object] = {}
    for i, (label, limit) in enumerate(DURATION_BANDS):
        params[f"band_{i}"] = label
        if limit is None:
            whens.append(f"ELSE $band_{i}")
        else:
            params[f"band_limit_{i}"] = limit
            whens.append(f"WHEN {column} <= $band_limit_{i} THEN $band_{i}")
    return Sql(f"CASE {' '.join(whens)} END", params)


def _reference_events(warehouse: Warehouse, max_gap_weeks: int, *, from_facts: bool) -> Sql:
    """Persons on public support at each period's reference week, with their run's length.

    ``from_facts`` (every reference week is the last week of its month and the ages are within
    the facts' 15-29, ``_from_facts``): the rows of ``fact_status_month`` marked ``month_end``,
    which already carry the week's municipality, district and age, so no spell is placed again.
    Else the spells holding each reference week, placed (``placed_events``).

    The run holding a reference week is the one holding a spell that holds it: the runs merge
    exactly these spells (``code_dim`` has ``status_code``'s categories), so each lies inside one
    run. Joining the runs to the spells (millions) rather than to the spells' reference weeks
    (several times as many) is the cheaper way on the spells' path."""
    runs = Sql("WITH support_run AS (") + shared_runs(warehouse, support_runs_sql(max_gap_weeks))
    band = _band_sql("run_weeks")
    person = person_columns()
    if from_facts:
        return (
            runs
            + Sql(
                f"""),
    ref_status AS (
        SELECT q.period, f.person_id, f.code, q.last_week AS week, f.municipality, f.district,
               CAST(f.age AS BIGINT) AS age, q.last_week - u.first_week + 1 AS run_weeks{person}
        FROM q_period AS q
        JOIN week AS w ON w.week = q.last_week
        JOIN fact_status_month AS f ON f.year = w.year AND f.month = w.month AND f.month_end
        JOIN support_run AS u
          ON u.person_id = f.person_id AND q.last_week BETWEEN u.first_week AND u.last_week
        JOIN person AS p ON p.person_id = f.person_id
    ),
    ev AS (SELECT *, """
            )
            + band
            + Sql(" AS duration_band, 0 AS censored FROM ref_status) ")
        )
    return (
        runs
        + Sql(
            """),
    support_spell AS (
        SELECT s.person_id, s.code, s.first_week, s.last_week, u.first_week AS run_first
        FROM status_spell AS s
        JOIN code_dim AS c ON c.code = s.code
        JOIN support_run AS u
          ON u.person_id = s.person_id AND s.first_week BETWEEN u.first_week AND u.last_week
        WHERE c.category = 'public_support'
    ),
    ref_status AS (
        SELECT DISTINCT s.person_id, q.last_week AS week, s.code,
               q.last_week - s.run_first + 1 AS run_weeks, 0 AS censored
        FROM q_period AS q
        JOIN support_spell AS s ON q.last_week BETWEEN s.first_week AND s.last_week
    ),
    banded AS (
        SELECT person_id, week, code, run_weeks, censored, """
        )
        + band
        + Sql(
            f""" AS duration_band
        FROM ref_status
    ),
    ev AS ({placed_events("banded", ("run_weeks", "duration_band", "censored"))})
    """
        )
    )


REFERENCE_PAIRS = Sql(
    multi_pairs_sql(
        """(SELECT q.period, f.person_id
        FROM q_period AS q
        JOIN week AS w ON w.week = q.last_week
        JOIN fact_status_month AS f ON f.year = w.year AND f.month = w.month AND f.month_end
    ) AS month_end_rows"""
    )
)
"""The persons with several reference events in a period, for the events read from the facts
(``_reference_events``): each event is one of the person's ``month_end`` rows of the month
(every such week lies in exactly one run of support), so the pairs are found from the facts
without keeping the events for a second reading (``runs.event_cells``)."""


def _from_facts(periods: Sequence[Period], ages: tuple[int, int]) -> bool:
    """Whether the reference events can be read from the facts (``_reference_events``)."""
    in_facts = ages[0] >= MIN_AGE and ages[1] <= MAX_AGE
    return in_facts and all(p.last_week == month_of_week(p.last_week).last_week for p in periods)


BUCKET_WEEKS = 52
"""Width of the buckets in which spells meet events (``_spells_by_year``)."""


def _bucket(week: str) -> str:
    return f"CAST(floor(({week}) / {BUCKET_WEEKS}.0) AS INTEGER)"


def _spells_by_year(where: str, first: str, last: str) -> str:
    """The spells (``status_spell`` s) satisfying ``where``, once for each bucket of 52 weeks
    (``bucket``) that the weeks ``first``..``last`` (SQL over s) touch.

    Finding the spells that hold a given week of an event by person alone pairs every event
    with every spell of the person (a range join, slow on millions of events); by person and
    the bucket of that week it pairs it with the few spells near it. Exact: a spell whose
    weeks hold the event's week is in that week's bucket exactly once.
    """
    return f"""
        SELECT s.person_id, s.code, s.first_week, s.last_week,
               unnest(range({_bucket(first)}, {_bucket(last)} + 1)) AS bucket
        FROM status_spell AS s WHERE {where}
    """


def _entry_events(warehouse: Warehouse, span: DataSpan, first_week: int, last_week: int) -> Sql:
    """Entries into a youth group in the query's weeks, with the group and benefit before."""
    same_entry = (
        "pr.person_id = ec.person_id AND pr.youth_group = ec.youth_group AND pr.week = ec.week"
    )
    # The nearest spell before the entry: the latest last week (up to the week before the
    # entry), then one with a youth group, the lowest group, the lowest code (a struct compares
    # field by field; one aggregate instead of numbering the candidates and joining back).
    nearest = (
        "{'before': -(CASE WHEN s.last_week < e.week THEN s.last_week ELSE e.week - 1 END), "
        "'no_group': c.youth_group IS NULL, 'group': coalesce(c.youth_group, 0), 'code': s.code}"
    )
    # A spell of public support can be the origin of entries in the weeks after its first week
    # until 4 weeks after its last.
    previous_spells = _spells_by_year(
        "s.code IN (SELECT code FROM code_dim WHERE category = 'public_support')",
        "s.first_week + 1",
        "s.last_week + $origin_window",
    )
    source = (
        Sql("WITH group_run AS (")
        + shared_runs(warehouse, group_runs_sql())
        + Sql(
            f"""),
    entry AS (
        SELECT person_id, youth_group, first_week AS week, first_code AS code
        FROM group_run
        WHERE first_week BETWEEN $span_first AND $span_last AND first_week > $data_first
    ),
    previous AS (
        SELECT e.person_id, e.youth_group, e.week, arg_min(s.code, {nearest}) AS previous_code
        FROM entry AS e
        JOIN ({previous_spells}) AS s
          ON s.person_id = e.person_id
         AND s.bucket = {_bucket("e.week")}
         AND s.first_week < e.week
         AND s.last_week >= e.week - $origin_window
        JOIN code_dim AS c ON c.code = s.code
        WHERE c.category = 'public_support'
        GROUP BY e.person_id, e.youth_group, e.week
    ),
    entry_event AS (
        SELECT ec.person_id, ec.week, ec.code,
               CASE WHEN ec.week < $data_first + $origin_window THEN 1 ELSE 0 END AS censored,
               CASE WHEN ec.week < $data_first + $origin_window THEN NULL
                    WHEN pr.previous_code IS NULL THEN $no_origin
                    WHEN pc.youth_group IS NULL THEN $other_origin
                    ELSE CAST(pc.youth_group AS VARCHAR) END AS origin_group,
               CASE WHEN ec.week < $data_first + $origin_window THEN NULL
                    WHEN pr.previous_code IS NULL THEN $no_origin
                    ELSE coalesce(pc.benefit, $unknown_benefit) END AS origin_benefit
        FROM entry AS ec
        LEFT JOIN previous AS pr ON {same_entry}
        LEFT JOIN code_dim AS pc ON pc.code = pr.previous_code
    ) """,
            {
                "span_first": first_week,
                "span_last": last_week,
                "data_first": span.first_week,
                "origin_window": ORIGIN_WINDOW_WEEKS,
                "no_origin": NO_ORIGIN,
                "other_origin": OTHER_ORIGIN,
                "unknown_benefit": "andet",
            },
        )
    )
    return shared_placed(
        warehouse, source, "entry_event", ("censored", "origin_group", "origin_benefit")
    )


def _exit_events(warehouse: Warehouse, span: DataSpan, first_week: int, last_week: int) -> Sql:
    """Exits from a youth group in the query's weeks, with the status 26 weeks later."""
    unknown = "x.week + $after_weeks > $data_last"
    # After the status codes, only exits with no code 26 weeks later (about a tenth) need the
    # hours of work: they are looked up apart, the rest need no join of all exits to the hours.
    needs_hours = f"x.on_support = 0 AND x.in_education_or_work = 0 AND NOT ({unknown})"
    worked = "x.in_education_or_work = 1 OR h.hours >= $work_hours"
    status = f"""CASE WHEN {unknown} THEN NULL
                    WHEN x.on_support = 1 THEN $status_support
                    WHEN {{worked}} THEN $status_busy
                    ELSE $status_other END"""
    source = (
        Sql("WITH group_run AS (")
        + shared_runs(warehouse, group_runs_sql())
        + Sql(
            f"""),
    exit AS (
        SELECT person_id, youth_group, last_week AS week, last_code AS code
        FROM group_run
        WHERE last_week BETWEEN $span_first AND $span_last AND last_week < $data_last
    ),
    after_code AS (
        SELECT x.person_id, x.youth_group, x.week, x.code,
               max(CASE WHEN c.category = 'public_support' THEN 1 ELSE 0 END) AS on_support,
               max(CASE WHEN c.category IN ('education', 'employment') THEN 1 ELSE 0 END)
                   AS in_education_or_work
        FROM exit AS x
        LEFT JOIN ({_spells_by_year("TRUE", "s.first_week", "s.last_week")}) AS s
          ON s.person_id = x.person_id
         AND s.bucket = {_bucket("x.week + $after_weeks")}
         AND x.week + $after_weeks BETWEEN s.first_week AND s.last_week
        LEFT JOIN code_dim AS c ON c.code = s.code
        GROUP BY x.person_id, x.youth_group, x.week, x.code
    ),
    after_hours AS (
        SELECT x.person_id, x.youth_group, x.week, sum(m.hours) AS hours
        FROM after_code AS x
        JOIN week AS w ON w.week = x.week + $after_weeks
        JOIN employment_month AS m
          ON m.person_id = x.person_id AND m.year = w.year AND m.month = w.month
        WHERE {needs_hours}
        GROUP BY x.person_id, x.youth_group, x.week
    ),
    exit_event AS (
        SELECT x.person_id, x.week, x.code, CASE WHEN {unknown} THEN 1 ELSE 0 END AS censored,
               {status.format(worked="x.in_education_or_work = 1")} AS status
        FROM after_code AS x
        WHERE NOT ({needs_hours})
        UNION ALL
        SELECT x.person_id, x.week, x.code, 0 AS censored, {status.format(worked=worked)} AS status
        FROM after_code AS x
        LEFT JOIN after_hours AS h
          ON h.person_id = x.person_id AND h.youth_group = x.youth_group AND h.week = x.week
        WHERE {needs_hours}
    ) """,
            {
                "span_first": first_week,
                "span_last": last_week,
                "data_last": span.last_week,
                "after_weeks": AFTER_WEEKS,
                "work_hours": WORK_HOURS_PER_MONTH,
                "status_busy": STATUSES[0],
                "status_support": STATUSES[1],
                "status_other": STATUSES[2],
            },
        )
    )
    return shared_placed(warehouse, source, "exit_event", ("censored", "status"))


# --- results ----------------------------------------------------------------------------------


def _ages(name: str, query: Query) -> tuple[int, int]:
    return query.ages or get_indicator(name).default_ages


def _with_breakdown(query: Query, labels: Collection[str], default: str) -> Query:
    """The query broken down by the indicator's own label (``default``) unless it already is:
    without it a share would be 100 % and a band count a plain head count."""
    if any(label in query.by for label in labels):
        return query
    return replace(query, by=(*query.by, default))


def _place(code: int) -> str:
    try:
        name = municipality(code).name
    except KeyError:
        return f"kommune {code}"
    return name if code == COUNTRY else f"{name} ({code})"


def _sort_key(by: Sequence[str]) -> Callable[[dict[str, object]], tuple[object, ...]]:
    def key(row: dict[str, object]) -> tuple[object, ...]:
        parts: list[object] = [row["municipality"], row["period"]]
        for b in by:
            value = row[b]
            order = _ORDER.get(b, ())
            rank = order.index(value) if value in order else len(order)
            parts.append((rank, "" if value is None else str(value)))
        return tuple(parts)

    return key


def _schema(by: Sequence[str], share: bool) -> pa.Schema:
    fields = [
        pa.field("municipality", pa.int16()),
        pa.field("period", pa.string()),
        *(pa.field(b, pa.string()) for b in by),
        pa.field("value", pa.float64()),
        pa.field("persons", pa.int64()),
    ]
    if share:
        fields += [pa.field("numerator", pa.int64()), pa.field("denominator", pa.int64())]
    return pa.schema(fields)


def _table(by: Sequence[str], rows: list[dict[str, object]], share: bool) -> pa.Table:
    return pa.Table.from_pylist(sorted(rows, key=_sort_key(by)), schema=_schema(by, share))


def _display_order(by: Sequence[str]) -> tuple[str, list[object]]:
    """ORDER BY of the display order (``_sort_key`` in SQL) and its parameters: a compute of
    the whole country sorts hundreds of thousands of cells."""
    params: list[object] = []
    order = ["municipality", "period"]
    for b in by:
        ranks = _ORDER.get(b, ())
        whens = " ".join("WHEN ? THEN ?" for _ in ranks)
        for rank, label in enumerate(ranks):
            params += [label, rank]
        if ranks:
            order.append(f"CASE {b} {whens} ELSE {len(ranks)} END")
        order.append(f"coalesce(CAST({b} AS VARCHAR), '')")
    return ", ".join(order), params


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object], schema: pa.Schema
) -> pa.Table:
    """The rows of ``sql`` (columns in the order of ``schema``) as a table of ``schema``."""
    table = con.sql(sql, params=params).to_arrow_table()
    return table.rename_columns(schema.names).cast(schema)


def _shares(
    con: duckdb.DuckDBPyConnection,
    query: Query,
    numerators: pa.Table,
    denominators: pa.Table,
    *,
    labels: Collection[str],
    unit: str,
    keep_empty: bool,
) -> pa.Table:
    """Shares (pct.) of each numerator cell in its denominator cell, which is the same cell
    without the label breakdowns. ``unit`` is "events" or "persons". ``keep_empty`` also
    gives denominator cells without any numerator (value 0). Rows in display order.

    In SQL over the two small tables (every area × month × cell of the query), since a
    ``compute`` of the whole country asks for a hundred thousand cells at a time."""
    base = [b for b in query.by if b not in labels]
    same_cell = " AND ".join(
        f"n.{k} IS NOT DISTINCT FROM d.{k}" for k in ("municipality", "period", *base)
    )
    by = "".join(f", n.{b}" for b in query.by)
    order, params = _display_order(query.by)
    empty = ""
    if keep_empty:
        cell = "".join(f", NULL AS {b}" if b not in base else f", d.{b}" for b in query.by)
        empty = f"""
        UNION ALL
        SELECT d.municipality, d.period{cell}, 0.0, 0, 0, d.denominator
        FROM d WHERE NOT EXISTS (SELECT 1 FROM n WHERE {same_cell})"""
    sql = f"""
    WITH d AS (SELECT *, {unit} AS denominator FROM share_denominators WHERE {unit} > 0),
         n AS (SELECT *, {unit} AS numerator FROM share_numerators WHERE {unit} > 0)
    SELECT * FROM (
        SELECT n.municipality, n.period{by}, 100.0 * n.numerator / d.denominator,
               n.persons, n.numerator, d.denominator
        FROM n JOIN d ON {same_cell}{empty}
    ) AS shares
    ORDER BY {order}"""
    with (
        registered(con, "share_numerators", numerators),
        registered(con, "share_denominators", denominators),
    ):
        return _fetch(con, sql, params, _schema(query.by, True))


def _censored_notes(denominators: pa.Table, what: tuple[str, str], why: str) -> tuple[str, ...]:
    """One note per municipality and period: how many events were left out, and why.
    ``what`` is the event in singular and plural."""
    counts: dict[tuple[int, str], int] = {}
    with_censored = denominators.filter(pc.greater(denominators["censored"], 0))
    for row in with_censored.select(["municipality", "period", "censored"]).to_pylist():
        if row["censored"]:
            cell = (int(row["municipality"]), str(row["period"]))
            counts[cell] = counts.get(cell, 0) + int(row["censored"])
    return tuple(
        f"{_place(m)}, {period}: {n} {what[0] if n == 1 else what[1]} er ikke talt med, {why}."
        for (m, period), n in sorted(counts.items())
    )


def _empty(name: str, query: Query, share: bool, note: str) -> Result:
    return Result(get_indicator(name), query, _table(query.by, [], share), MIKRODATA, (note,))


_NO_DATA = "Lageret har ingen statusdata (status_spell); indlæs DREAM eller forløbsdata først."


def _reference_cells(name: str, warehouse: Warehouse, query: Query) -> pa.Table:
    """Persons at the periods' reference weeks per cell of ``query.by``. Inside
    ``memo.shared()`` a cell table is counted once for the same query: ``long_term_share``
    reads the one that ``time_on_support`` counts by duration band (and the other way round),
    the queries of a plan (``_of_plan``) read the one counted for all its periods, and the
    planned breakdowns (``_reference_sets``) are counted in one pass."""
    ages = _ages(name, query)
    periods = plan_for(query.periods)
    sets = _reference_sets(query)
    every = query.by if sets is None else set_columns(sets)

    def count() -> pa.Table:
        from_facts = _from_facts(periods, ages)
        with parameter_table(warehouse.con, "q_period", period_table(periods, reference_week=True)):
            return event_cells(
                warehouse,
                query,
                _reference_events(warehouse, MAX_GAP_WEEKS, from_facts=from_facts),
                by=every,
                filters=query.filters,
                ages=ages,
                expressions=_EXPRESSIONS,
                sets=sets,
                pairs=REFERENCE_PAIRS if from_facts else None,
            )

    filters = tuple(sorted(query.filters.items()))
    key = ("reference_cells", id(warehouse), query.municipalities, periods, every, sets)
    cells = recall((*key, filters, ages), count)
    if sets is not None:
        cells = one_set(warehouse, cells, every, query.by)
    return _of_plan(cells, query, periods)


def _reference_sets(query: Query) -> tuple[tuple[str, ...], ...] | None:
    """The planned breakdown sets (``memo.planned_sets``), each with the duration band, when
    the query is one of them by duration band: the layer asks ``time_on_support`` and
    ``long_term_share`` by each in turn, all counted in one pass (``GROUPING SETS``)."""
    if query.filters or query.by[-1:] != ("duration_band",):
        return None
    sets = planned_sets(query.by[:-1])
    if sets is None or any("duration_band" in s for s in sets):
        return None
    return tuple((*s, "duration_band") for s in sets)


def _of_plan(cells: pa.Table, query: Query, periods: Sequence[Period]) -> pa.Table:
    """The query's rows of ``cells`` counted for ``periods`` (``plan_for``; ``cells.of_periods``).

    Inside ``memo.planned`` (the layer asks a job a year at a time) the cells are counted once
    for every planned period and each query reads its own: a cell is in one period, and an
    event's period, and whether its person has several in it, do not depend on the other
    periods."""
    return cells if tuple(periods) == tuple(query.periods) else of_periods(cells, query)


def _summed(
    warehouse: Warehouse, cells: pa.Table, by: Sequence[str], columns: Sequence[str]
) -> pa.Table:
    """The cells by ``by`` (with municipality and period) from finer ``cells``: the sums of
    ``columns``."""
    keys = "".join(f", {b}" for b in by)
    sums = "".join(f", CAST(sum({c}) AS BIGINT) AS {c}" for c in columns)
    sql = f"SELECT municipality, period{keys}{sums} FROM finer_cells GROUP BY ALL"
    with registered(warehouse.con, "finer_cells", cells):
        return warehouse.con.sql(sql).to_arrow_table()


def _reference_notes(query: Query, span: DataSpan) -> tuple[str, ...]:
    notes = []
    first = week_period(span.first_week).label()
    last = week_period(span.last_week).label()
    if any(p.last_week - span.first_week + 1 <= LONG_TERM_WEEKS for p in query.periods):
        notes.append(
            f"Statusdata begynder i {first}: for personer, der allerede da var på offentlig "
            "forsørgelse, er varigheden mindst den viste."
        )
    for period in query.periods:
        if period.last_week > span.last_week:
            notes.append(
                f"{period.label()}: referenceugen {week_period(period.last_week).label()} ligger "
                f"efter statusdataenes sidste uge ({last}); ingen kan tælles med."
            )
    return tuple(notes)


# --- indicators -------------------------------------------------------------------------------


@indicator(
    "time_on_support",
    partition="duration_band",
    label="Sammenhængende tid på offentlig forsørgelse",
    unit="personer",
    breakdowns=_REFERENCE_BREAKDOWNS,
    source=SEED,
)
def time_on_support(warehouse: Warehouse, query: Query) -> Result:
    """Personer på offentlig forsørgelse i referenceugen (periodens sidste uge) fordelt på, hvor
    længe deres sammenhængende forløb på offentlig forsørgelse har varet. Forløbet samler alle
    uger med en ydelse (statuskode i kategorien offentlig forsørgelse), uanset ydelse og
    bopælskommune: en flytning eller et ydelsesskift bryder det ikke, og pauser på højst 4 uger
    uden ydelse heller ikke (pauseugerne tæller med i varigheden). Varigheden er antal uger fra
    forløbets første uge til og med referenceugen (en person, der begynder i referenceugen, har 1
    uge). Varighedsgrupper: 0-12 uger (højst 12), 13-26 uger, 27-52 uger, 1-2 år (53-104 uger),
    2-3 år (105-156 uger), 3 år og derover (mere end 156 uger). Personen tælles i
    bopælskommunen og med alderen (på torsdagen) i referenceugen; ungegruppe, ydelse og målgruppe
    er dem, personen har i referenceugen. Opgørelsen deles altid på varighed. Et forløb, der
    begynder i statusdataenes første uge, kan være begyndt før: dets varighed er et mindstetal."""
    query = _with_breakdown(query, ("duration_band",), "duration_band")
    ensure_facts(warehouse)
    span = data_span(warehouse)
    if span is None:
        return _empty("time_on_support", query, False, _NO_DATA)
    cells = _reference_cells("time_on_support", warehouse, query)
    order, params = _display_order(query.by)
    by = "".join(f", {b}" for b in query.by)
    with registered(warehouse.con, "band_cells", cells):
        table = _fetch(
            warehouse.con,
            f"SELECT municipality, period{by}, CAST(persons AS DOUBLE), persons "
            f"FROM band_cells ORDER BY {order}",
            params,
            _schema(query.by, False),
        )
    return Result(
        get_indicator("time_on_support"),
        query,
        table,
        MIKRODATA,
        _reference_notes(query, span),
    )


@indicator(
    "long_term_share",
    label="Andel på ydelse i 3 år eller mere",
    unit="pct.",
    breakdowns=tuple(BREAKDOWNS),
    source=SEED + ' ("På ydelsen i 3 år eller mere")',
)
def long_term_share(warehouse: Warehouse, query: Query) -> Result:
    """Andel (pct.) af personerne på offentlig forsørgelse i referenceugen (periodens sidste uge),
    hvis sammenhængende forløb på offentlig forsørgelse har varet mere end 156 uger, dvs. den
    øverste varighedsgruppe "3 år og derover" i time_on_support (samme forløb, pauser på højst 4
    uger bryder det ikke). Tæller: personer med så langt et forløb; nævner: alle personer på
    offentlig forsørgelse i referenceugen i samme celle. Celler med personer i nævneren men
    ingen i tælleren vises med 0 pct."""
    ensure_facts(warehouse)
    span = data_span(warehouse)
    if span is None:
        return _empty("long_term_share", query, True, _NO_DATA)
    # A person has one run at a reference week, so one duration band in any cell: the cells
    # by band sum to the persons of the cell, and the top band is the numerator.
    banded = _reference_cells(
        "long_term_share", warehouse, replace(query, by=(*query.by, "duration_band"))
    )
    top_band = pc.equal(banded["duration_band"], DURATION_BANDS[-1][0])
    summed = ("events", "persons", "censored")
    numerators = _summed(warehouse, banded.filter(top_band), query.by, summed)
    denominators = _summed(warehouse, banded, query.by, summed)
    table = _shares(
        warehouse.con, query, numerators, denominators, labels=(), unit="persons", keep_empty=True
    )
    return Result(
        get_indicator("long_term_share"), query, table, MIKRODATA, _reference_notes(query, span)
    )


@dataclass(frozen=True)
class _FlowCells:
    numerators: pa.Table  # by every breakdown, all filters, uncensored events
    denominators: pa.Table  # without the label breakdowns and filters; with censored counts
    span: DataSpan


def _flow_cells(
    name: str,
    warehouse: Warehouse,
    query: Query,
    build: Callable[[Warehouse, DataSpan, int, int], Sql],
    labels: Collection[str],
) -> _FlowCells | None:
    """The cells of a flow indicator; None without status data. Inside ``memo.shared()``
    counted once for the same query, and for all the periods of a plan (``_of_plan``)."""
    ensure_facts(warehouse)
    span = data_span(warehouse)
    if span is None:
        return None
    ages = _ages(name, query)
    periods = plan_for(query.periods)

    def count() -> tuple[pa.Table, pa.Table]:
        # Events outside the periods are left out when placed in them; inside memo.shared()
        # the events of all the data are built once, whatever periods are asked.
        first, last = (
            (span.first_week, span.last_week)
            if sharing()
            else (min(p.first_week for p in periods), max(p.last_week for p in periods))
        )
        events = build(warehouse, span, first, last)
        with parameter_table(warehouse.con, "q_period", period_table(periods)):
            return _count_flows(warehouse, query, events, ages, labels)

    filters = tuple(sorted(query.filters.items()))
    key = ("flow_cells", name, id(warehouse), query.municipalities, periods, query.by)
    numerators, denominators = recall((*key, filters, ages), count)
    return _FlowCells(
        _of_plan(numerators, query, periods), _of_plan(denominators, query, periods), span
    )


def _count_flows(
    warehouse: Warehouse,
    query: Query,
    events: Sql,
    ages: tuple[int, int],
    labels: Collection[str],
) -> tuple[pa.Table, pa.Table]:
    """The numerator and denominator cells of ``_FlowCells`` for the periods in ``q_period``:
    from one count (``_split_flows``) when the label filters are among the breakdowns (always
    in the layer), else counted apart."""
    base_by = [b for b in query.by if b not in labels]
    base_filters = {k: v for k, v in query.filters.items() if k not in labels}
    label_filters = {k: v for k, v in query.filters.items() if k in labels}
    if all(k in query.by for k in label_filters):
        cells = event_cells(
            warehouse,
            query,
            events,
            by=query.by,
            filters=base_filters,
            ages=ages,
            expressions=_EXPRESSIONS,
        )
        return _split_flows(warehouse, cells, query.by, label_filters, labels)
    numerators = event_cells(
        warehouse,
        query,
        events,
        by=query.by,
        filters=query.filters,
        ages=ages,
        expressions=_EXPRESSIONS,
        condition=Sql("f.censored = 0"),
    )
    denominators = event_cells(
        warehouse,
        query,
        events,
        by=base_by,
        filters=base_filters,
        ages=ages,
        expressions=_EXPRESSIONS,
    )
    return numerators, denominators


def _split_flows(
    warehouse: Warehouse,
    cells: pa.Table,
    by: Sequence[str],
    label_filters: Mapping[str, tuple[str, ...]],
    labels: Collection[str],
) -> tuple[pa.Table, pa.Table]:
    """Numerator and denominator cells from the cells of all events (censored too) by ``by``
    (which holds the labels and the keys of ``label_filters``), without the label filters.

    A censored event has no label (NULL) and counts neither among the events nor the persons,
    so the numerator is the cells with events, after the label filters, and the denominator
    their sums without the labels."""
    counted = pc.greater(cells["events"], 0)
    for label, values in label_filters.items():
        value_set = pa.array(values, cells.schema.field(label).type)
        counted = pc.and_(counted, pc.is_in(cells[label], value_set=value_set))
    numerators = cells.filter(counted).drop_columns(["censored"])
    base_by = [b for b in by if b not in labels]
    return numerators, _summed(warehouse, cells, base_by, ("events", "censored"))


@indicator(
    "inflow_origin",
    partition="origin_group",
    label="Hvor kommer de fra",
    unit="pct.",
    breakdowns=_INFLOW_BREAKDOWNS,
    source=SEED + ' ("Tidligere målgruppe afsluttet mindre end 30 dage før")',
)
def inflow_origin(warehouse: Warehouse, query: Query) -> Result:
    """For hver tilgang til en ungegruppe i perioden: hvad personen kom fra. En tilgang er den
    første uge i et forløb i gruppen efter mindst én uge uden for den. Forrige status er den
    offentlige forsørgelse (statuskode), personen senest havde før tilgangsugen, hvis dens sidste
    uge ligger højst 4 uger før tilgangsugen (dvs. afsluttet mindre end 30 dage før; højst 3
    hele uger uden ydelse imellem); ellers "Ingen ydelse eller mere end 30 dage siden". Forrige
    status kan være den samme gruppe (efter en kort pause) eller en ydelse uden ungegruppe ("Anden
    ydelse (uden ungegruppe)"). origin_group er den forrige ungegruppe, origin_benefit den
    forrige ydelse. Værdi: andel (pct.) af tilgangene i cellen uden oprindelsesopdeling (tæller og
    nævner er tilgange; personer er de forskellige personer bag tælleren). Tilgangen tælles i
    bopælskommunen og med alderen i tilgangsugen; youth_group, benefit og target_group er
    tilgangens. Opdeles altid på origin_group, hvis ingen oprindelse er valgt. Forløb, der
    begynder i statusdataenes første uge, er ikke tilgange, og tilgange i de følgende 3 uger
    tælles ikke med (forrige status kan ikke kendes); noterne siger hvor mange."""
    labels = ("origin_group", "origin_benefit")
    query = _with_breakdown(query, labels, "origin_group")
    cells = _flow_cells("inflow_origin", warehouse, query, _entry_events, labels)
    if cells is None:
        return _empty("inflow_origin", query, True, _NO_DATA)
    table = _shares(
        warehouse.con,
        query,
        cells.numerators,
        cells.denominators,
        labels=labels,
        unit="events",
        keep_empty=False,
    )
    notes = _censored_notes(
        cells.denominators,
        ("tilgang", "tilgange"),
        f"fordi de {ORIGIN_WINDOW_WEEKS} uger før tilgangen går tilbage før statusdataenes "
        f"første uge ({week_period(cells.span.first_week).label()}), så den forrige status "
        "ikke kendes",
    )
    return Result(get_indicator("inflow_origin"), query, table, MIKRODATA, notes)


@indicator(
    "status_after_exit",
    partition="status",
    label="Status 6 måneder efter afgang",
    unit="pct.",
    breakdowns=_EXIT_BREAKDOWNS,
    source=SEED + ' ("Kommer de videre? Status 6 mdr. efter")',
)
def status_after_exit(warehouse: Warehouse, query: Query) -> Result:
    """For hver afgang fra en ungegruppe i perioden: status 26 uger efter. En afgang er den sidste
    uge i et forløb i gruppen, efterfulgt af en uge uden for den (også et skift til en anden
    gruppe). Status i ugen 26 uger efter afgangsugen: "offentlig forsørgelse" ved en statuskode i
    kategorien offentlig forsørgelse (går forud for alt andet); ellers "uddannelse eller arbejde"
    ved en kode for uddannelse eller beskæftigelse, eller – uden sådan kode – mindst 78 timers
    arbejde (employment_month) i den måned, ugen hører til; ellers "selvforsørgende, udrejst el.
    lign.". Værdi: andel (pct.) af afgangene i cellen uden statusopdeling (tæller og nævner er
    afgange; personer er de forskellige personer bag tælleren). Afgangen tælles i bopælskommunen
    og med alderen i afgangsugen; youth_group, benefit og target_group er dem, personen forlod.
    Opdeles altid på status. Censurering: ligger ugen 26 uger efter efter statusdataenes sidste
    uge, er status ukendt, og afgangen tælles ikke med; noterne siger hvor mange. Et forløb, der
    varer til statusdataenes sidste uge, er ingen afgang."""
    query = _with_breakdown(query, ("status",), "status")
    cells = _flow_cells("status_after_exit", warehouse, query, _exit_events, ("status",))
    if cells is None:
        return _empty("status_after_exit", query, True, _NO_DATA)
    table = _shares(
        warehouse.con,
        query,
        cells.numerators,
        cells.denominators,
        labels=("status",),
        unit="events",
        keep_empty=False,
    )
    notes = _censored_notes(
        cells.denominators,
        ("afgang", "afgange"),
        f"fordi ugen {AFTER_WEEKS} uger efter ligger efter statusdataenes sidste uge "
        f"({week_period(cells.span.last_week).label()}), så status endnu ikke kendes",
    )
    return Result(get_indicator("status_after_exit"), query, table, MIKRODATA, notes)
