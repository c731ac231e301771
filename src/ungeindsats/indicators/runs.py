"""Runs (forløb): continuous time on public support, runs of a youth group, and event cells.

A *run* merges a person's spells into one stretch of time when the gap between them is short.
Two kinds are built here, both by the same gaps-and-islands query (window functions only, so it
is standard SQL):

* the run of **public support** (sammenhængende forløb på offentlig forsørgelse): every spell with a
  status code in the category ``public_support``, whatever the benefit, municipality or age; a gap
  of at most ``MAX_GAP_WEEKS`` weeks without support does not break it, and the gap's weeks count
  as part of the run;
* the run of a **youth group** (ungegruppe): spells whose codes map to the same group; any week
  outside the group breaks it (gap 0), so its first week is an entry (tilgang) and its last week
  an exit (afgang).

``event_cells`` counts events (a person at a reference week, an entry, an exit) per municipality
(0 = Hele landet, its own aggregate), period and breakdown cell, with the distinct persons behind
each cell; the indicators in ``flows.py`` turn those counts into their values.

SQL values are named parameters (``$name``); identifiers and SQL fragments come from this module
and ``cells.BREAKDOWNS`` only, never from user input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from ungeindsats.indicators.cells import (
    carried_columns,
    joins_for,
    multi_flag,
    multi_pairs_sql,
    person_cells,
    person_columns,
    person_of_row,
)
from ungeindsats.indicators.facts import AGE_AT_THURSDAY
from ungeindsats.indicators.memo import recall, shared_table, sharing
from ungeindsats.indicators.model import COUNTRY, Query
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

MAX_GAP_WEEKS = 4
"""Weeks without public support that do not break a run (domain.md §6: "gaps of up to 4 weeks";
configurable through ``max_gap_weeks``)."""


@dataclass(frozen=True)
class Sql:
    """A piece of SQL text with the named parameters (``$name``) it uses."""

    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __add__(self, other: Sql) -> Sql:
        clash = [k for k in other.params if k in self.params and self.params[k] != other.params[k]]
        if clash:
            raise ValueError(f"SQL parameter bound twice with different values: {clash}")
        return Sql(self.text + other.text, {**self.params, **other.params})


def islands_sql(
    intervals: str,
    keys: Sequence[str],
    gap_param: str,
    carry: Sequence[str] = (),
    aggregates: str = "",
) -> str:
    """Gaps and islands: merge the intervals ``(*keys, first_week, last_week)`` into runs.

    An interval starts a new run when more than ``$gap_param`` weeks separate it from the latest
    end of the earlier intervals of the same keys (overlapping and adjacent intervals always
    merge). Output columns: ``*keys, first_week, last_week`` and ``aggregates`` (a select-list
    tail over the run's intervals, which also have the columns ``carry`` of ``intervals``).
    """
    k = ", ".join(keys)
    c = "".join(f", {column}" for column in carry)
    order = f"PARTITION BY {k} ORDER BY first_week, last_week"
    return f"""
    SELECT {k}, min(first_week) AS first_week, max(last_week) AS last_week{aggregates}
    FROM (
        SELECT {k}, first_week, last_week{c},
               sum(new_run) OVER ({order} ROWS UNBOUNDED PRECEDING) AS run_no
        FROM (
            SELECT {k}, first_week, last_week{c},
                   CASE WHEN first_week - 1 - max(last_week) OVER (
                            {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                        ) <= ${gap_param}
                        THEN 0 ELSE 1 END AS new_run
            FROM ({intervals}) AS intervals
        ) AS flagged
    ) AS numbered
    GROUP BY {k}, run_no
    """


def support_runs_sql(max_gap_weeks: int = MAX_GAP_WEEKS) -> Sql:
    """Runs of public support: ``(person_id, first_week, last_week)``.

    Built from ``status_spell`` and ``status_code`` (category ``public_support``) alone, so a
    move between municipalities, a change of benefit or a birthday never starts a new run.
    """
    if max_gap_weeks < 0:
        raise ValueError("max_gap_weeks must be 0 or more")
    intervals = (
        "SELECT DISTINCT s.person_id, s.first_week, s.last_week FROM status_spell AS s "
        "JOIN status_code AS sc ON sc.code = s.code WHERE sc.category = 'public_support'"
    )
    return Sql(islands_sql(intervals, ("person_id",), "max_gap"), {"max_gap": max_gap_weeks})


def group_runs_sql() -> Sql:
    """Runs of each youth group: ``(person_id, youth_group, first_week, last_week, first_code,
    last_code)``; ``first_code`` is the group's code held in the first week (the lowest, should
    a source give a person two codes in one week; DREAM gives one), ``last_code`` in the last.

    Any week outside the group breaks the run. Needs ``code_dim`` (``facts.ensure_facts``).
    The spells holding a run's first week are those of the run that begin then (one beginning
    earlier would have made the run longer), so the edge codes come with the runs: finding them
    afterwards joins millions of entries and exits to the spells.
    """
    intervals = (
        "SELECT DISTINCT s.person_id, c.youth_group, s.first_week, s.last_week, s.code "
        "FROM status_spell AS s JOIN code_dim AS c ON c.code = s.code "
        "WHERE c.youth_group IS NOT NULL"
    )
    # The lowest code among the earliest first weeks (latest last weeks): week * 2^32 + code
    # orders by week, then code, for any INTEGER week and code (a struct key does the same at
    # twice the cost).
    edges = (
        ", arg_min(code, CAST(first_week AS BIGINT) * 4294967296 + code) AS first_code"
        ", arg_max(code, CAST(last_week AS BIGINT) * 4294967296 - code) AS last_code"
    )
    keys = ("person_id", "youth_group")
    return Sql(islands_sql(intervals, keys, "group_gap", ("code",), edges), {"group_gap": 0})


def support_runs(warehouse: Warehouse, max_gap_weeks: int = MAX_GAP_WEEKS) -> pa.Table:
    """Every run of public support in the warehouse, ordered by person and first week."""
    runs = support_runs_sql(max_gap_weeks)
    sql = f"SELECT * FROM ({runs.text}) AS runs ORDER BY person_id, first_week"
    return warehouse.con.sql(sql, params=dict(runs.params)).to_arrow_table()


@dataclass(frozen=True)
class DataSpan:
    """The first and last week with any status code: what the status data can tell about."""

    first_week: int
    last_week: int


def data_span(warehouse: Warehouse) -> DataSpan | None:
    """The weeks the status data cover (None when there are no spells).

    DREAM gives everybody a column for every week, so the earliest and latest coded week of
    anybody bound what is known; before and after them, "no code" means "not known". Inside
    ``memo.shared()`` read once (a scan of every spell; a compute asks it per query).
    """

    def read() -> DataSpan | None:
        row = warehouse.con.execute(
            "SELECT min(first_week), max(last_week) FROM status_spell"
        ).fetchall()[0]
        if row[0] is None:
            return None
        return DataSpan(int(row[0]), int(row[1]))

    return recall(("data_span", id(warehouse)), read)


def period_table(periods: Sequence[Period], *, reference_week: bool = False) -> pa.Table:
    """One row per period: label, first and last week (both the last week when
    ``reference_week``: the indicator is measured at the period's last week)."""
    return pa.table(
        {
            "period": pa.array([p.label() for p in periods], pa.string()),
            "first_week": pa.array(
                [p.last_week if reference_week else p.first_week for p in periods], pa.int32()
            ),
            "last_week": pa.array([p.last_week for p in periods], pa.int32()),
        }
    )


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` visible to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


def placed_events(source: str, columns: Sequence[str]) -> str:
    """SQL placing events of ``source`` (``person_id, week, code, *columns``) in the query's
    periods (``q_period``), at the municipality, district and age (at the Thursday) of the week.

    Events with no residence or birth date that week are left out: where or how old the person
    was is unknown (as in ``fact_status_month``)."""
    # The periods' weeks first (a range join of two small tables), then an equi-join: a range
    # join of millions of events against the periods is slow.
    return f"""
    SELECT q.period, e.* FROM ({placed_weeks(source, columns)}) AS e
    JOIN ({_period_weeks()}) AS q ON q.week = e.week
    """


def placed_weeks(source: str, columns: Sequence[str]) -> str:
    """SQL: the events of ``source`` at the municipality, district and age of their week, in
    any period (``placed_events`` without the period): ``person_id, code, week, municipality,
    district, age, *columns`` and the person's ``cells.PERSON_COLUMNS`` (the person is joined
    for the age anyway; carried, a breakdown by sex needs no join of millions of events again).
    A week's place and age do not depend on the periods asked."""
    extra = "".join(f", e.{c}" for c in columns)
    return f"""
    SELECT e.person_id, e.code, e.week, r.municipality, r.district,
           {AGE_AT_THURSDAY} AS age{extra}{person_columns()}
    FROM {source} AS e
    JOIN week AS w ON w.week = e.week
    JOIN person AS p ON p.person_id = e.person_id
    JOIN residence AS r
      ON r.person_id = e.person_id
     AND e.week >= r.first_week
     AND (r.last_week IS NULL OR e.week <= r.last_week)
    """


def _period_weeks() -> str:
    """SQL: (period, week) for every week of the periods in ``q_period``."""
    return (
        "SELECT qp.period, qw.week FROM q_period AS qp "
        "JOIN week AS qw ON qw.week BETWEEN qp.first_week AND qp.last_week"
    )


def shared_placed(warehouse: Warehouse, source: Sql, name: str, columns: Sequence[str]) -> Sql:
    """``source`` (a WITH clause whose last query is ``name``, events that do not depend on the
    query's periods) followed by ``ev``: its events placed in the query's periods
    (``placed_events``). Inside ``memo.shared()`` the events are placed once, in every week
    (``placed_weeks``), into a table built the first time the same SQL and parameters are asked
    for; each set of periods (the months, and the years of an extra job) then only picks its
    weeks: the range join with the residences is the expensive part of placing."""
    if sharing():
        select = f"{source.text} {placed_weeks(name, columns)}"
        key = ("placed", id(warehouse), select, tuple(sorted(source.params.items())))
        table = shared_table(warehouse.con, key, select, dict(source.params))
        if table is not None:
            return Sql(
                f"WITH ev AS (SELECT q.period, e.* FROM {table} AS e "
                f"JOIN ({_period_weeks()}) AS q ON q.week = e.week) "
            )
    return source + Sql(f", ev AS ({placed_events(name, columns)}) ")


def event_cells(
    warehouse: Warehouse,
    query: Query,
    events: Sql,
    *,
    by: Sequence[str],
    filters: Mapping[str, tuple[str, ...]],
    ages: tuple[int, int],
    expressions: Mapping[str, str],
    condition: Sql | None = None,
    sets: Sequence[Sequence[str]] | None = None,
    pairs: Sql | None = None,
) -> pa.Table:
    """Count events per municipality, period and breakdown cell.

    ``events`` is a WITH clause whose last query is ``ev``: one row per event with the columns
    of ``placed_events`` (the person's ``cells.PERSON_COLUMNS`` among them) and ``censored``
    (1 = the event happened but its outcome cannot be known; it is counted apart).
    ``expressions`` maps breakdown names to SQL over ``f`` (the event), ``c`` (``code_dim`` of
    the event's code) and ``p`` (the person's columns that the event carries). ``condition``
    (SQL over the same) narrows the counted events, e.g. to a numerator.

    ``pairs`` is SQL of the (period, person_id) pairs with more than one event in ``ev``, for
    events whose source knows them more cheaply than ``ev`` does (``_flagging``); None: found
    from ``ev``.

    Columns: municipality, period, *by, events, persons (distinct, uncensored), censored; with
    ``sets`` (subsets of ``by``) the cells of each set, counted in one pass, and ``cell_set``
    (``cells.person_cells``, ``cells.one_set``).
    """
    params: dict[str, object] = {"age_low": ages[0], "age_high": ages[1]}
    where = ["f.age BETWEEN $age_low AND $age_high"]
    for i, (name, values) in enumerate(filters.items()):
        names = [f"filter_{i}_{j}" for j in range(len(values))]
        where.append(f"{expressions[name]} IN ({', '.join('$' + n for n in names)})")
        params.update(zip(names, values, strict=True))
    if condition is not None:
        where.append(condition.text)
        params.update(condition.params)
    select_by = "".join(f", {expressions[b]} AS {b}" for b in by)
    # Join the code table only when a breakdown or filter reads it: a compute of the whole
    # country asks every breakdown of events for millions of persons.
    read = " ".join([*(expressions[b] for b in by), *where])
    rows = (
        f"SELECT f.municipality, f.period, f.person_id, f.multi, 1 - f.censored AS counted"
        f"{select_by}, 1 - f.censored AS events, f.censored "
        f"FROM ev_flagged AS f{person_of_row(carried_columns(read))}{joins_for(read, 'c')} "
        f"WHERE {' AND '.join(where)}"
    )
    municipal = [m for m in query.municipalities if m != COUNTRY]
    names = [f"municipality_{i}" for i in range(len(municipal))]
    params.update(zip(names, municipal, strict=True))
    periods = tuple(warehouse.con.execute("SELECT * FROM q_period ORDER BY ALL").fetchall())
    unflagged = _unflagged(periods)
    cells = person_cells(
        rows,
        by,
        {"events": "sum", "censored": "sum"},
        municipal=f"municipality IN ({', '.join('$' + n for n in names)})" if municipal else None,
        country=COUNTRY in query.municipalities,
        sets=sets,
        all_multi=unflagged,
    )
    columns = "".join(f", {b}" for b in by) + (", cell_set" if sets is not None else "")
    if unflagged:
        flagged = events + Sql(", ev_flagged AS (SELECT ev.*, 1 AS multi FROM ev) ")
    else:
        flagged = _flagged_events(warehouse, events, pairs, periods)
    sql = flagged + Sql(f", {cells}", params)
    text = (
        f"SELECT municipality, period{columns}, events, persons, censored "
        f"FROM ({sql.text}) AS cells"
    )
    return warehouse.con.sql(text, params=dict(sql.params)).to_arrow_table()


def _flagging(events: Sql, pairs: Sql | None) -> Sql:
    """``events`` followed by ``ev_flagged``: the events with the ``multi`` flag of
    ``cells.multi_flag`` (the person has several events in the period), by ``pairs`` or, None,
    by the events' own pairs. Found from the events, the pairs make DuckDB keep every event in
    memory for a second reading (on the national demo the reference events' 9.7 million)."""
    join, multi = multi_flag("ev_pairs", "ev")
    found = Sql(multi_pairs_sql("ev")) if pairs is None else pairs
    return (
        events
        + Sql(", ev_pairs AS (")
        + found
        + Sql(f"), ev_flagged AS (SELECT ev.*, {multi} AS multi FROM ev{join}) ")
    )


FLAGGED_MAX_WEEKS = 5
"""The longest periods (a month's weeks) whose events are flagged (``_flagging``): in longer
ones every event's person is counted distinct. Finding the persons with several events in each
year costs more than it saves (on the national demo the report's yearly flows took 1.1-1.4 s less
each)."""


def _unflagged(periods: tuple[tuple[object, int, int], ...]) -> bool:
    """Whether every period (rows of ``q_period``) is longer than ``FLAGGED_MAX_WEEKS``: then
    the events are not flagged, ``multi`` is 1 for all (``person_cells`` then counts every
    person distinct, which is right for any row)."""
    return bool(periods) and all(last - first + 1 > FLAGGED_MAX_WEEKS for _, first, last in periods)


def _flagged_events(
    warehouse: Warehouse,
    events: Sql,
    pairs: Sql | None,
    periods: tuple[tuple[object, int, int], ...],
) -> Sql:
    """``_flagging(events, pairs)``, or, inside ``memo.shared()``, ``ev_flagged`` read from a table
    built the first time the same events (same SQL, parameters and ``q_period``, whose rows are
    ``periods``) are asked for: the numerator and denominator of every breakdown of a flow
    indicator rest on the same events, and building them (runs over every spell in the country)
    is the expensive part."""
    flagged = _flagging(events, pairs)
    if not sharing():
        return flagged
    con = warehouse.con
    key = ("events", id(warehouse), flagged.text, tuple(sorted(flagged.params.items())), periods)
    name = shared_table(con, key, f"{flagged.text} SELECT * FROM ev_flagged", dict(flagged.params))
    if name is None:
        return flagged
    # Read twice by ``person_cells``: a table needs no copy.
    return Sql(f"WITH ev_flagged AS NOT MATERIALIZED (SELECT * FROM {name}) ")


def shared_runs(warehouse: Warehouse, runs: Sql) -> Sql:
    """``runs`` (``group_runs_sql`` or ``support_runs_sql``), or, inside ``memo.shared()``, a
    table of them built once: the entries and the exits rest on the same runs, and every
    query's periods (a compute asks some a year at a time) on the same runs of support."""
    if not sharing():
        return runs
    key = ("runs", id(warehouse), runs.text, tuple(sorted(runs.params.items())))
    name = shared_table(warehouse.con, key, runs.text, dict(runs.params))
    return runs if name is None else Sql(f"SELECT * FROM {name}")
