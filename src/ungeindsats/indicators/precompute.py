"""The precomputed layer (nøgletalslaget): every indicator per municipality × month, ready to read.

``compute`` materialises ``indicator_cache`` with one row per indicator, municipality (0 = Hele
landet), month, breakdown and cell, for every registered indicator that can be computed per month,
for the country and every municipality in the facts, for every month the facts cover, in total
and by each single breakdown in ``CACHED_BREAKDOWNS`` that the indicator has. The dashboard then
reads a figure with ``read_cached``: a lookup instead of a computation.

The speed comes from asking each indicator once per breakdown for ALL municipalities and ALL
months (one grouped SQL query), instead of once per municipality × month. Values are the
indicators' own (their default age band); the layer never computes anything itself, so a figure
read from it is the figure ``ungeindsats indicator`` prints.

The layer is rebuilt whole: the jobs' rows are kept in memory (Arrow) until all are done, and
one transaction writes them into ``indicator_cache`` (in order of indicator, breakdown,
municipality and period, so that DuckDB's per-block min/max statistics skip almost every block
on a lookup), together with its coverage and the import it was built from (``derived_meta``).
A failure midway leaves the previous layer as it was.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.indicators.cells import BREAKDOWNS
from ungeindsats.indicators.facts import ensure_facts, facts_stale
from ungeindsats.indicators.memo import drop_leftovers, planned, shared
from ungeindsats.indicators.model import (
    COUNTRY,
    Indicator,
    IndicatorError,
    Query,
    Result,
    all_indicators,
    get_indicator,
)
from ungeindsats.indicators.runs import registered
from ungeindsats.periods import Period, PeriodError, parse_period
from ungeindsats.warehouse import Warehouse

Progress = Callable[[int, int | None], None]

CACHED_BREAKDOWNS: list[str] = ["youth_group", "benefit", "age_band", "sex"]
"""Breakdowns the layer holds (each alone, beside the total): the dashboard's. Each one costs a
pass of every indicator, so target group, origin and district (municipality-specific, many cells)
are left to the indicators themselves (``ungeindsats indicator --by``)."""


@dataclass(frozen=True)
class Extra:
    """A further job beside the dashboard's: an indicator by several breakdowns at once, or by
    one the dashboard does not use, for months or for whole years (``periods``), whatever the
    indicator's own cadence."""

    indicator: str
    by: tuple[str, ...]
    periods: str  # "month" or "year"

    @property
    def key(self) -> str:
        """The layer's breakdown column for it, e.g. 'youth_group+status/year'."""
        return "+".join(self.by) + "/" + self.periods


EXTRA_JOBS: tuple[Extra, ...] = (
    Extra("fte", ("youth_group", "benefit"), "month"),
    Extra("long_term_share", ("youth_group",), "month"),
    Extra("time_on_support", ("youth_group", "duration_band"), "month"),
    Extra("offers", ("youth_group", "offer_kind"), "month"),
    Extra("intervention_mix", ("mix",), "month"),
    Extra("average_duration", ("youth_group",), "year"),
    Extra("inflow_origin", ("youth_group", "origin_group"), "year"),
    Extra("status_after_exit", ("youth_group", "status"), "year"),
    Extra("neet_share", (), "year"),
    Extra("neet_persistence", (), "year"),
    Extra("neet_indicator_count", ("group", "indicator_count"), "year"),
    Extra("not_education_ready", ("grade",), "year"),
    Extra("migration", ("direction",), "year"),
    Extra("inflow_on_benefit", ("direction",), "year"),
)
"""The standard report's requests (``ungeindsats.reports``) that the dashboard's jobs do not
answer whole: its group × breakdown tables, its whole years, and the three whose dashboard job
carries notes about some other period (they are asked a year at a time here, see ``_run_job``).
The 15-17-year-olds' activity by month is not held: each month is a reference week of its own
(about 190 s for all 96 months against 3-8 s for the one month a report asks). Held so that a
report made after ``compute`` reads them instead of computing them (docs/reports.md, Speed).
Cells of these jobs are stored as a JSON list of the breakdown values (types and missing values
kept)."""

FAMILIES: tuple[tuple[str, ...], ...] = (
    # The support cells (fte and the others count them, offers and sanctions divide by them).
    (
        "fte",
        "persons",
        "average_duration",
        "population_share",
        "per_1000",
        "offers",
        "company_based_share",
        "intervention_mix",
        "sanctions",
        "sanction_rate",
    ),
    # The runs of a youth group: their entries and exits.
    ("inflow_origin", "status_after_exit"),
    # The runs of public support at each reference week.
    ("time_on_support", "long_term_share"),
    # The moves between municipalities.
    ("migration", "inflow_on_benefit"),
    # Every young person's status at the reference weeks (restgruppen, the 15-17-year-olds).
    (
        "neet_share",
        "neet_persistence",
        "neet_characteristics",
        "neet_indicator_count",
        "youth_15_17_activity",
        "not_education_ready",
    ),
)
"""Indicators that rest on the same pieces built inside ``memo.shared()``. ``compute`` asks
each family's jobs together, in a ``memo.shared()`` block of their own, so that a family's
tables (runs, events, statuses of millions of rows) are dropped before the next family's are
built: kept to the end, they outgrew the memory limit and DuckDB wrote them to disk and read
them back (on the national demo 2 GB; about 4 s of the compute). An indicator in no family is
a family of its own. Which family an indicator is in changes how fast, never what it computes."""

COMPUTE_MEMORY_LIMIT = "4GB"
"""DuckDB's memory limit while computing (the issue allows 6 GB in all; DuckDB spills the rest
to disk). Without it DuckDB takes up to 80 % of the machine's memory."""

BLOCK_ALLOCATOR_BYTES = 3 * 1000**3
"""Memory DuckDB's block allocator may keep for its buffers while computing (DuckDB's default
is none). Without it, every hash table of the hundreds of passes takes fresh pages from the
operating system and gives them back: on the national demo 5 million page faults, a fifth of
the CPU time in the kernel; with it ``compute`` takes about 5 s less. The memory is kept until
the warehouse is closed (DuckDB never lowers the setting), within the memory limit above."""

CACHE_TABLE = "indicator_cache"
COVERAGE_TABLE = "indicator_cache_coverage"
_BUILD_TABLE = "indicator_cache_build"
_BUILD_COVERAGE = "indicator_cache_coverage_build"
_META_NAME = "indicator_cache"
_RUN_COMPUTE = "kør 'ungeindsats compute'"

_CACHE_SCHEMA = pa.schema(
    [
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("municipality", pa.int16(), nullable=False),
        pa.field("period", pa.string(), nullable=False),
        pa.field("breakdown", pa.string(), nullable=False),
        pa.field("cell", pa.string(), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("persons", pa.int64()),
        pa.field("numerator", pa.float64()),
        pa.field("denominator", pa.float64()),
        pa.field("position", pa.int64()),
    ]
)
_COVERAGE_SCHEMA = pa.schema(
    [
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("breakdown", pa.string(), nullable=False),
        pa.field("first_period", pa.string()),
        pa.field("last_period", pa.string()),
        pa.field("rows", pa.int64()),
        pa.field("skipped_reason", pa.string()),
        pa.field("answers", pa.string()),
    ]
)
_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.int16(): "SMALLINT",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
}


def _columns_sql(schema: pa.Schema) -> str:
    """The column definitions of a table of ``schema``."""
    return ", ".join(
        f"{f.name} {_SQL_TYPES[f.type]}{'' if f.nullable else ' NOT NULL'}" for f in schema
    )


class CacheError(IndicatorError):
    """The layer cannot answer: missing, stale, or the figure is not in it (Danish message)."""


@dataclass(frozen=True)
class Skipped:
    """An indicator × breakdown the layer does not hold, and the indicator's own reason."""

    indicator: str
    breakdown: str  # '' for the total
    reason: str


@dataclass(frozen=True)
class JobTime:
    """How long one indicator × breakdown took, and the rows it gave the layer."""

    indicator: str
    breakdown: str  # '' for the total
    seconds: float
    rows: int


@dataclass(frozen=True)
class ComputeSummary:
    """What ``compute`` built."""

    indicators: tuple[str, ...]
    municipalities: int  # Hele landet included
    first_period: str | None
    last_period: str | None
    rows: int
    facts_rebuilt: bool
    import_id: int
    seconds: float
    skipped: tuple[Skipped, ...] = field(default=())
    times: tuple[JobTime, ...] = field(default=())

    def __str__(self) -> str:
        if self.first_period is None:
            return "Nøgletalslaget er tomt: lageret har ingen forløb endnu."
        rows = f"{self.rows:,}".replace(",", ".")
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        lines = [
            f"Nøgletalslaget er beregnet: {len(self.indicators)} nøgletal, "
            f"{self.municipalities - 1} kommuner og hele landet, "
            f"{self.first_period}-{self.last_period}, {rows} rækker på {seconds} s "
            f"(data til og med indlæsning {self.import_id})."
        ]
        if self.facts_rebuilt:
            lines.append("Faktatabellerne blev genopbygget først.")
        for skip in self.skipped:
            what = (
                f"{skip.indicator} opdelt på {skip.breakdown}" if skip.breakdown else skip.indicator
            )
            lines.append(f"Sprunget over: {what}: {skip.reason}")
        return "\n".join(lines)


@dataclass
class _Rows:
    """The layer being built: the jobs' rows (``_CACHE_SCHEMA``) and a coverage row per job.
    Kept in memory and written once (``_swap``): inserted job by job into a table and sorted
    from it they took three times as long (on the national demo 7.1 s for 5 million rows,
    against 2.4 s)."""

    rows: list[pa.Table] = field(default_factory=list)
    coverage: list[tuple[object, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    indicator: Indicator
    breakdown: str  # '' for the total; an extra job's key
    extra: Extra | None = None


def _months(warehouse: Warehouse) -> list[Period]:
    """Every month from the facts' first to their last (months between without rows included)."""
    [(first, last)] = warehouse.con.execute(
        "SELECT min(CAST(year AS INTEGER) * 100 + month), max(CAST(year AS INTEGER) * 100 + month) "
        "FROM fact_status_month"
    ).fetchall()
    if first is None:
        return []
    months = [Period("month", int(first) // 100, int(first) % 100)]
    end = Period("month", int(last) // 100, int(last) % 100)
    while months[-1] != end:
        months.append(months[-1].next())
    return months


def _municipalities(warehouse: Warehouse) -> tuple[int, ...]:
    rows = warehouse.con.execute(
        "SELECT DISTINCT municipality FROM fact_status_month WHERE municipality <> ? "
        "ORDER BY municipality",
        [COUNTRY],
    ).fetchall()
    return (COUNTRY, *(int(r[0]) for r in rows))


def _planned_sets(
    breakdowns: Sequence[str], extras: Sequence[Extra]
) -> tuple[tuple[str, ...], ...]:
    """The breakdown sets the jobs ask in turn: the total, each breakdown, and the monthly
    extras' sets of the common breakdowns (``cells.BREAKDOWNS``; e.g. youth group × benefit)."""
    sets = [(), *((b,) for b in breakdowns)]
    for extra in extras:
        if extra.periods == "month" and set(extra.by) <= set(BREAKDOWNS):
            sets.append(extra.by)
    return tuple(dict.fromkeys(sets))


def _jobs(
    indicators: Sequence[Indicator], breakdowns: Sequence[str], extras: Sequence[Extra]
) -> list[_Job]:
    jobs = []
    for item in indicators:
        jobs.append(_Job(item, ""))
        jobs.extend(_Job(item, b) for b in breakdowns if b in item.breakdowns)
        jobs.extend(_Job(item, e.key, e) for e in extras if e.indicator == item.name)
    return jobs


def _families(jobs: Sequence[_Job]) -> list[list[_Job]]:
    """The jobs by ``FAMILIES``, in its order, then those of indicators in no family, each
    indicator its own family; each indicator's jobs in their order."""
    place = {name: (i, j) for i, names in enumerate(FAMILIES) for j, name in enumerate(names)}
    unlisted = (len(FAMILIES), 0)
    # A stable sort: each indicator's jobs, and the unlisted indicators, keep their order.
    ordered = sorted(jobs, key=lambda job: place.get(job.indicator.name, unlisted))

    def family(job: _Job) -> object:
        name = job.indicator.name
        return place[name][0] if name in place else name

    return [list(members) for _, members in groupby(ordered, key=family)]


def _cache_rows(table: pa.Table, job: _Job, offset: int = 0) -> pa.Table:
    """The indicator's tidy result as rows of the layer (breakdown value as text)."""
    n = table.num_rows

    def column(name: str, kind: pa.DataType) -> pa.Array | pa.ChunkedArray:
        if name in table.column_names:
            return table[name].cast(kind)
        return pa.nulls(n, kind)

    if job.extra is not None:
        columns = [table[b].to_pylist() for b in job.extra.by]
        cell = pa.array(_json_cells(columns, n), pa.string())
    elif job.breakdown:
        cell = column(job.breakdown, pa.string())
    else:
        cell = _repeated("", n)
    return pa.table(
        {
            "indicator": _repeated(job.indicator.name, n),
            "municipality": column("municipality", pa.int16()),
            "period": column("period", pa.string()),
            "breakdown": _repeated(job.breakdown, n),
            # A missing breakdown value (e.g. no youth group) is a cell of its own: ''.
            "cell": pc.fill_null(cell, ""),
            "value": column("value", pa.float64()),
            "persons": column("persons", pa.int64()),
            "numerator": column("numerator", pa.float64()),
            "denominator": column("denominator", pa.float64()),
            # The indicator's own order of its rows, which a report keeps (``layer_result``).
            "position": pa.array(np.arange(offset, offset + n, dtype=np.int64)),
        },
        schema=_CACHE_SCHEMA,
    )


def _repeated(text: str, n: int) -> pa.Array:
    """``text`` ``n`` times (a Python list of millions of strings costs seconds in a compute)."""
    return pa.repeat(pa.scalar(text, pa.string()), n)


def _json_cells(columns: Sequence[list[Any]], rows: int) -> list[str]:
    """Each row's values of ``columns`` as a JSON list; encoded once per distinct combination
    (an extra job has a few dozen cells over hundreds of thousands of rows)."""
    if not columns:
        return ["[]"] * rows
    encoded: dict[tuple[Any, ...], str] = {}
    cells = []
    for values in zip(*columns, strict=True):
        text = encoded.get(values)
        if text is None:
            text = encoded[values] = json.dumps(list(values), ensure_ascii=False)
        cells.append(text)
    return cells


def compute(
    warehouse: Warehouse,
    *,
    indicators: Sequence[str] | None = None,
    breakdowns: Sequence[str] | None = None,
    extras: Sequence[Extra] | None = None,
    progress: Progress | None = None,
) -> ComputeSummary:
    """(Re)build the precomputed layer; the facts first if an import happened since.

    ``indicators`` limits the layer to those (default: all registered); ``breakdowns`` replaces
    ``CACHED_BREAKDOWNS`` (``()`` for totals only); ``extras`` replaces ``EXTRA_JOBS`` (default:
    those when ``breakdowns`` is not given, none when it is). An indicator × breakdown that the
    indicator cannot compute per month (``IndicatorError``, e.g. a missing population) is skipped
    and listed in the summary; any other error leaves the previous layer untouched.
    """
    started = time.perf_counter()
    chosen = all_indicators() if indicators is None else [get_indicator(n) for n in indicators]
    _block_allocator(warehouse, BLOCK_ALLOCATOR_BYTES)
    with (
        _memory_limit(warehouse, COMPUTE_MEMORY_LIMIT),
        _insertion_order(warehouse, preserve=False),
    ):
        rebuilt = facts_stale(warehouse)
        ensure_facts(warehouse)
        [(import_id,)] = warehouse.con.execute(
            "SELECT last_import_id FROM derived_meta WHERE name = 'facts'"
        ).fetchall()
        months = _months(warehouse)
        municipalities = _municipalities(warehouse)
        if extras is None:
            extras = EXTRA_JOBS if breakdowns is None else ()
        breakdowns = CACHED_BREAKDOWNS if breakdowns is None else breakdowns
        jobs = _jobs(chosen, breakdowns, extras)
        # Each indicator is asked in total and by each breakdown in turn, and some by a pair
        # for the report: cells that several indicators share may be counted for all of them
        # in one pass (memo.planned_sets), within their family (FAMILIES).
        sets = _planned_sets(breakdowns, extras)
        times, skipped, rows = _build(
            warehouse, jobs, municipalities, months, int(import_id), sets, progress or _no_progress
        )
    return ComputeSummary(
        indicators=tuple(i.name for i in chosen),
        municipalities=len(municipalities),
        first_period=months[0].label() if months else None,
        last_period=months[-1].label() if months else None,
        rows=rows,
        facts_rebuilt=rebuilt,
        import_id=int(import_id),
        seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
        times=tuple(times),
    )


def _no_progress(done: int, total: int | None) -> None:
    """The default: report nothing."""


@contextmanager
def _memory_limit(warehouse: Warehouse, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered for the duration (it spills to disk beyond it)."""
    con = warehouse.con
    setting = "SELECT current_setting('memory_limit')"
    [(before,)] = con.execute(setting).fetchall()
    con.execute("RESET memory_limit")
    # DuckDB shows the limit rounded (18.7 GiB): restore the default exactly when it was that.
    was_default = con.execute(setting).fetchall() == [(before,)]
    # SET takes no bound parameters; both values are our own (a constant and DuckDB's own).
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute("RESET memory_limit" if was_default else f"SET memory_limit = '{before}'")


def _block_allocator(warehouse: Warehouse, size: int) -> None:
    """Let DuckDB's block allocator keep ``size`` bytes, unless it already may keep more."""
    # DuckDB never lowers the setting: refused, it already keeps more.
    with suppress(duckdb.InvalidInputException):
        # SET takes no bound parameters; the value is our own integer.
        warehouse.con.execute(f"SET block_allocator_memory = '{int(size)}B'")


@contextmanager
def _insertion_order(warehouse: Warehouse, *, preserve: bool) -> Iterator[None]:
    """Whether DuckDB keeps the order of query results for the duration. Not while computing:
    the layer's rows are put in order explicitly (``_swap``), and keeping insertion order costs
    memory on the big shared tables; but while they are written."""
    con = warehouse.con
    [(before,)] = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()
    # SET takes no bound parameters; the values are booleans.
    con.execute(f"SET preserve_insertion_order = {'true' if preserve else 'false'}")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


def _build(
    warehouse: Warehouse,
    jobs: list[_Job],
    municipalities: tuple[int, ...],
    months: list[Period],
    import_id: int,
    sets: tuple[tuple[str, ...], ...],
    report: Progress,
) -> tuple[list[JobTime], list[Skipped], int]:
    """Run the jobs and swap their rows in as the layer."""
    con = warehouse.con
    total = len(jobs) + 1
    report(0, total)
    # Earlier versions built the layer in tables of the database: an interrupted one may have
    # left them.
    con.execute(f"DROP TABLE IF EXISTS {_BUILD_TABLE}")
    con.execute(f"DROP TABLE IF EXISTS {_BUILD_COVERAGE}")
    drop_leftovers(con)
    layer = _Rows()
    times: list[JobTime] = []
    skipped: list[Skipped] = []
    done = 0
    for family in _families(jobs):
        # What the family builds is dropped when its block ends (FAMILIES).
        with shared():
            for job in family:
                job_started = time.perf_counter()
                outcome = _run_job(warehouse, job, municipalities, months, sets, layer)
                if isinstance(outcome, Skipped):
                    skipped.append(outcome)
                rows = outcome if isinstance(outcome, int) else 0
                seconds = time.perf_counter() - job_started
                times.append(JobTime(job.indicator.name, job.breakdown, seconds, rows))
                done += 1
                report(done, total)
    cache_rows = _swap(warehouse, layer, import_id)
    report(total, total)
    return times, skipped, cache_rows


def _run_job(
    warehouse: Warehouse,
    job: _Job,
    municipalities: tuple[int, ...],
    months: list[Period],
    sets: tuple[tuple[str, ...], ...],
    layer: _Rows,
) -> Skipped | int:
    """Compute one indicator × breakdown for everything at once into ``layer``; the number of
    rows, or why it was skipped. An extra job is asked one calendar year at a time, so
    that a note (e.g. "status data begin in 2012M01") is known for the year it concerns, not for
    the whole layer (``layer_result`` reads only answers without notes)."""
    name, breakdown = job.indicator.name, job.breakdown
    cadence = job.indicator.cadence if job.extra is None else job.extra.periods
    periods = _cadence_periods(cadence, months)
    if not periods:
        return 0
    by = job.extra.by if job.extra is not None else (breakdown,) if breakdown else ()
    if job.extra is None:
        chunks = [periods]
    else:
        years = sorted({p.year for p in periods})
        chunks = [[p for p in periods if p.year == year] for year in years]
    answers, parts, count = [], [], 0
    # The year chunks may share what is built for all the periods (memo.plan_for). A monthly
    # extra job's plan is every month, as the other jobs': its cells may be counted with theirs
    # (memo.planned_sets); a yearly one's, a year each, are not counted with the sets.
    monthly = job.extra is None or job.extra.periods == "month"
    try:
        with planned(periods, sets if monthly else ()):
            for chunk in chunks:
                result = job.indicator(warehouse, Query(municipalities, tuple(chunk), by=by))
                part = _cache_rows(result.table, job, count)
                parts.append(part)
                count += part.num_rows
                notes = list(result.notes)
                answers.append([chunk[0].label(), chunk[-1].label(), result.source, notes])
    except IndicatorError as exc:
        layer.coverage.append((name, breakdown, None, None, 0, str(exc), None))
        return Skipped(name, breakdown, str(exc))
    rows = pa.concat_tables(parts)
    layer.rows.append(rows)
    # Each answer's periods, source and notes, for a report that reads the layer.
    answered = json.dumps(answers, ensure_ascii=False)
    first, last = periods[0].label(), periods[-1].label()
    layer.coverage.append((name, breakdown, first, last, rows.num_rows, None, answered))
    return int(rows.num_rows)


def _cadence_periods(cadence: str, months: list[Period]) -> list[Period]:
    """The months, or for a yearly cadence the years the months cover whole."""
    if cadence == "month":
        return months
    years = sorted({m.year for m in months})
    covered = set(months)
    return [
        Period("year", y, 0)
        for y in years
        if all(Period("month", y, n) in covered for n in range(1, 13))
    ]


def _swap(warehouse: Warehouse, layer: _Rows, import_id: int) -> int:
    """Replace the layer by ``layer``'s rows in one transaction; the number of rows."""
    # The jobs' rows in the layer's order: by indicator and breakdown, and each job's own rows
    # are by municipality and period (an extra job's, asked a year at a time, by year first).
    # So the rows are written as they are: sorting them took about 2 s.
    jobs = sorted((t for t in layer.rows if t.num_rows), key=_job_of)
    rows = pa.concat_tables(jobs) if jobs else _CACHE_SCHEMA.empty_table()
    coverage = pa.Table.from_pylist(
        [dict(zip(_COVERAGE_SCHEMA.names, row, strict=True)) for row in layer.coverage],
        schema=_COVERAGE_SCHEMA,
    )
    with (
        warehouse.transaction() as con,
        registered(con, "layer_rows", rows),
        registered(con, "layer_coverage", coverage),
    ):
        con.execute(f"CREATE OR REPLACE TABLE {CACHE_TABLE} ({_columns_sql(_CACHE_SCHEMA)})")
        # In order, so that a lookup by indicator, breakdown, municipality and period touches
        # one block (DuckDB's min/max statistics per block skip the others).
        with _insertion_order(warehouse, preserve=True):
            con.execute(f"INSERT INTO {CACHE_TABLE} SELECT * FROM layer_rows")
        con.execute(f"CREATE OR REPLACE TABLE {COVERAGE_TABLE} ({_columns_sql(_COVERAGE_SCHEMA)})")
        con.execute(
            f"INSERT INTO {COVERAGE_TABLE} "
            "SELECT * FROM layer_coverage ORDER BY indicator, breakdown"
        )
        con.execute(
            "INSERT OR REPLACE INTO derived_meta VALUES (?, ?, now())", [_META_NAME, import_id]
        )
    return int(rows.num_rows)


def _job_of(rows: pa.Table) -> tuple[str, str]:
    """The indicator and breakdown of a job's rows (``_cache_rows``)."""
    return rows["indicator"][0].as_py(), rows["breakdown"][0].as_py()


def cache_stale(warehouse: Warehouse) -> bool:
    """True when the layer is missing, or an import or a rebuild of the facts came after it."""
    return _stale_reason(warehouse) is not None


def _stale_reason(warehouse: Warehouse) -> str | None:
    missing = f"Nøgletalslaget er ikke beregnet endnu: {_RUN_COMPUTE}."
    try:
        # One small query (asked before every read that is not given a LayerState);
        # information_schema is slower.
        rows = warehouse.con.execute(
            "SELECT c.last_import_id, c.built_at, f.built_at, "
            "(SELECT coalesce(max(import_id), 0) FROM import_log), "
            f"(SELECT count(*) FROM {COVERAGE_TABLE}) "
            "FROM derived_meta AS c LEFT JOIN derived_meta AS f ON f.name = 'facts' "
            "WHERE c.name = ?",
            [_META_NAME],
        ).fetchall()
    except duckdb.CatalogException:
        return missing
    if not rows:
        return missing
    built_from, built_at, facts_at, newest, _ = rows[0]
    if int(built_from) < int(newest):
        return (
            "Nøgletalslaget er forældet: der er indlæst data, efter det blev beregnet "
            f"(indlæsning {newest}, laget bygger på {built_from}); {_RUN_COMPUTE}."
        )
    if facts_at is None or built_at < facts_at:
        return f"Nøgletalslaget er forældet: faktatabellerne er genopbygget siden; {_RUN_COMPUTE}."
    return None


@dataclass(frozen=True)
class LayerState:
    """What the layer holds, read once: why it cannot answer (``None`` when it is current) and
    its coverage per indicator and breakdown (first period, last period, reason skipped).

    It stays true for as long as the warehouse cannot change under the reader: a read-only
    connection (the dashboard's) holds DuckDB's file lock, and imports and ``compute`` need the
    file for writing. Such a reader reads it once per connection (``layer_state``) and passes it
    to ``read_cached``, instead of asking the warehouse again on every read."""

    stale_reason: str | None
    coverage: dict[tuple[str, str], tuple[str | None, str | None, str | None]]
    slices: _Slices = field(default_factory=lambda: _Slices(), compare=False, repr=False)


SLICES_KEPT = 512
"""Slices (indicator × breakdown × municipality, every period) a ``LayerState`` keeps; a slice
of a monthly indicator is about a hundred to a few thousand rows."""


class _Slices:
    """The layer's rows per indicator, breakdown and municipality for every period, read with
    one query at the first read of any of its periods and kept (the oldest out first), for
    readers that keep their ``LayerState`` (the dashboard): a user reads one municipality month
    after month, and one query for a slice costs about what one for a single month does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str, int], dict[str, list[tuple[Any, ...]]]] = (
            OrderedDict()
        )

    def rows(
        self, con: duckdb.DuckDBPyConnection, indicator: str, by: str, municipality: int, label: str
    ) -> list[tuple[Any, ...]]:
        key = (indicator, by, municipality)
        with self._lock:
            periods = self._kept.get(key)
            if periods is not None:
                self._kept.move_to_end(key)
        if periods is None:
            periods = {}
            for row in con.execute(
                f"SELECT {_READ_COLUMNS} FROM {CACHE_TABLE} WHERE indicator = ? "
                "AND municipality = ? AND breakdown = ? ORDER BY period, cell",
                [indicator, municipality, by],
            ).fetchall():
                periods.setdefault(row[1], []).append(row)
            with self._lock:
                self._kept[key] = periods
                while len(self._kept) > SLICES_KEPT:
                    self._kept.popitem(last=False)
        return periods.get(label, [])


def layer_state(warehouse: Warehouse) -> LayerState:
    """The layer's freshness and coverage as the warehouse holds them now."""
    reason = _stale_reason(warehouse)
    if reason is not None:
        return LayerState(reason, {})
    rows = warehouse.con.execute(
        f"SELECT indicator, breakdown, first_period, last_period, skipped_reason "
        f"FROM {COVERAGE_TABLE}"
    ).fetchall()
    return LayerState(None, {(i, b): (first, last, why) for i, b, first, last, why in rows})


_READ_COLUMNS = "municipality, period, cell, value, persons, numerator, denominator"


def read_cached(
    warehouse: Warehouse,
    indicator: str,
    municipality: int,
    period: str | Period,
    breakdown: str | None = None,
    *,
    layer: LayerState | None = None,
) -> list[dict[str, Any]]:
    """One indicator for one municipality (0 = Hele landet) and month (a year for a yearly
    indicator, ``Indicator.cadence``) from the layer.

    Rows as ``Result.rows()`` gives them: municipality, period, the breakdown (if any), value,
    persons, numerator and denominator; no rows means no persons in that month. Raises
    ``CacheError`` (Danish) if the layer is missing or stale or does not hold the figure.
    ``layer`` is the layer's state read earlier on the same unchanging connection
    (``LayerState``; it keeps the slices it has read, ``_Slices``); without it the state is read
    now and one period is read.
    """
    state = layer if layer is not None else layer_state(warehouse)
    if state.stale_reason is not None:
        raise CacheError(state.stale_reason)
    try:
        asked = parse_period(period) if isinstance(period, str) else period
    except PeriodError as exc:
        raise CacheError(str(exc)) from None
    cadence = get_indicator(indicator).cadence
    if asked.kind != cadence:
        held = "måneder" if cadence == "month" else "år"
        raise CacheError(
            f"{asked}: nøgletalslaget holder {indicator} for {held}; beregn andre perioder med "
            "'ungeindsats indicator'"
        )
    label, by = asked.label(), breakdown or ""
    con = warehouse.con
    coverage = state.coverage.get((indicator, by))
    what = f"{indicator} opdelt på {by}" if by else indicator
    if coverage is None:
        raise CacheError(f"{what} er ikke i nøgletalslaget; {_RUN_COMPUTE} eller spørg nøgletallet")
    first, last, skipped_reason = coverage
    if skipped_reason is not None:
        raise CacheError(f"{what} er ikke i nøgletalslaget: {skipped_reason}")
    if first is None or last is None or not first <= label <= last:
        raise CacheError(f"{what} findes i nøgletalslaget for {first}-{last}, ikke for {label}")
    if layer is not None:
        rows = layer.slices.rows(con, indicator, by, municipality, label)
    else:
        rows = con.execute(
            f"SELECT {_READ_COLUMNS} FROM {CACHE_TABLE} WHERE indicator = ? "
            "AND municipality = ? AND period = ? AND breakdown = ? ORDER BY cell",
            [indicator, municipality, label, by],
        ).fetchall()
    result = []
    for m, p, cell, value, persons, numerator, denominator in rows:
        row: dict[str, Any] = {"municipality": m, "period": p}
        if by:
            row[by] = cell
        row.update(value=value, persons=persons, numerator=numerator, denominator=denominator)
        result.append(row)
    return result


# --- whole indicator answers for a report ---------------------------------------------------


@dataclass(frozen=True)
class AnswerLayer:
    """The layer as a report reads it: current, built by a version that keeps each answer's
    row order, source and notes; per indicator and breakdown key, the answers the job was
    computed as: first and last period, source, notes. Read once per report (``answer_layer``)."""

    answers: dict[tuple[str, str], list[tuple[str, str, str, list[str]]]]


def answer_layer(warehouse: Warehouse) -> AnswerLayer | None:
    """The layer if a report can read whole answers from it; None when it is missing or stale,
    or was built by an earlier version without row order, source and notes (then the report
    computes everything, as ``compute`` had not run)."""
    if _stale_reason(warehouse) is not None:
        return None
    try:
        warehouse.con.execute(f"SELECT position FROM {CACHE_TABLE} LIMIT 0").fetchall()
        rows = warehouse.con.execute(
            f"SELECT indicator, breakdown, answers FROM {COVERAGE_TABLE} "
            "WHERE skipped_reason IS NULL AND answers IS NOT NULL"
        ).fetchall()
    except duckdb.BinderException:
        return None
    answers: dict[tuple[str, str], list[tuple[str, str, str, list[str]]]] = {}
    for name, key, text in rows:
        answers[(name, key)] = [(a[0], a[1], a[2], list(a[3])) for a in json.loads(text)]
    return AnswerLayer(answers)


def _layer_jobs(indicator: Indicator, query: Query) -> list[tuple[str, bool]]:
    """The layer's breakdown keys whose job answers ``query`` whole, each with whether it is an
    extra job (JSON cells): the extra job first (its notes are known per year), then the
    dashboard's."""
    [period] = query.periods
    jobs = [
        (extra.key, True)
        for extra in EXTRA_JOBS
        if (extra.indicator, extra.by, extra.periods) == (indicator.name, query.by, period.kind)
    ]
    if len(query.by) <= 1 and period.kind == indicator.cadence:
        if not query.by:
            jobs.append(("", False))
        elif query.by[0] in CACHED_BREAKDOWNS:
            jobs.append((query.by[0], False))
    return jobs


def _answered(
    layer: AnswerLayer, name: str, jobs: list[tuple[str, bool]], label: str
) -> tuple[str, bool, str] | None:
    """The first job whose answer for the period ``label`` had no notes: its key, whether it is
    an extra job, and the answer's source."""
    for key, extra in jobs:
        for first, last, source, notes in layer.answers.get((name, key), []):
            if first <= label <= last and not notes:
                return key, extra, source
    return None


def layer_result(
    warehouse: Warehouse, layer: AnswerLayer, name: str, query: Query
) -> Result | None:
    """The indicator's answer to ``query`` read from the layer, exactly as computing it gives it
    (the same cells in the same order, with the same value and persons, source and notes), or
    None when the layer does not hold it whole; the caller then computes it.

    The layer answers a query for one period, the indicator's default ages (left out or given
    explicitly), a breakdown the layer
    holds (a dashboard breakdown at the indicator's cadence, or an ``EXTRA_JOBS`` entry), and
    filters on the breakdowns asked for (a filter then only drops cells). A filter of one value
    on another breakdown is read as that breakdown's cell (youth group 1 by benefit from the
    cells by youth group and benefit); one of several values changes the cells (e.g. the total
    of youth groups 1-3: its persons are not the sum of the groups') and is computed. It
    answers only when the answer the period was computed in had no notes: a note is about the
    whole query (e.g. "3 exits of Viborg, 2018 not counted"), so it cannot be cut to one
    municipality and period, but an answer without notes means no part of it has any. (The
    dashboard's jobs are one answer over all periods; the extra jobs one answer per year.)"""
    indicator = get_indicator(name)
    if len(query.periods) != 1 or query.ages not in (None, indicator.default_ages):
        return None
    # One value of another breakdown is that breakdown's cell: read by it too (``held``), and
    # the answer leaves it out.
    lifted = tuple(f for f in query.filters if f not in query.by)
    if any(len(query.filters[f]) != 1 for f in lifted):
        return None
    held = replace(query, by=(*lifted, *query.by))
    label = query.periods[0].label()
    answered = _answered(layer, name, _layer_jobs(indicator, held), label)
    if answered is None:
        return None
    key, extra, source = answered
    areas = tuple(dict.fromkeys(query.municipalities))
    rows = warehouse.con.execute(
        f"SELECT {_READ_COLUMNS} FROM {CACHE_TABLE} WHERE indicator = ? AND period = ? "
        "AND breakdown = ? "
        f"AND municipality IN ({', '.join('?' * len(areas))}) ORDER BY position",
        [name, label, key, *areas],
    ).fetchall()
    columns: dict[str, list[Any]] = {c: [] for c in ("municipality", "period", *held.by)}
    measures: dict[str, list[Any]] = {
        c: [] for c in ("value", "persons", "numerator", "denominator")
    }
    for m, p, cell, *values in rows:
        # A dashboard job keeps a missing breakdown value as ''; an extra job keeps it as null.
        cells = json.loads(cell) if extra else [cell or None] * len(held.by)
        if any(
            str(cells[held.by.index(b)]) not in allowed for b, allowed in query.filters.items()
        ):
            continue
        for b, v in zip(held.by, cells, strict=True):
            columns[b].append(v)
        columns["municipality"].append(m)
        columns["period"].append(p)
        for c, v in zip(measures, values, strict=True):
            measures[c].append(v)
    table = pa.table(
        {
            "municipality": pa.array(columns["municipality"], pa.int16()),
            "period": pa.array(columns["period"], pa.string()),
            **{b: pa.array(columns[b]) for b in query.by},
            "value": pa.array(measures["value"], pa.float64()),
            "persons": pa.array(measures["persons"], pa.int64()),
            "numerator": pa.array(measures["numerator"], pa.float64()),
            "denominator": pa.array(measures["denominator"], pa.float64()),
        }
    )
    # Only answers without notes are read (see above): the result has none.
    return Result(indicator, query, table, source)


def read_or_compute(
    warehouse: Warehouse, layer: AnswerLayer | None, name: str, query: Query
) -> Result:
    """The indicator's answer to ``query``: read from the layer (``answer_layer``) when it holds
    it whole (``layer_result``), otherwise computed by the indicator."""
    found = layer_result(warehouse, layer, name, query) if layer is not None else None
    return found if found is not None else get_indicator(name)(warehouse, query)
