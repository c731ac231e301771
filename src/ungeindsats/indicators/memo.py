"""Work shared between indicators while the precomputed layer is built.

``compute`` asks every indicator for every municipality and month, once per breakdown. Much of
each answer does not depend on the breakdown: the support cells, the runs and events of the
flow indicators. Inside ``shared()`` such a piece is computed once and remembered (in memory, or
as a table in the warehouse named ``shared_<n>``) until the block ends. Outside the block nothing is
remembered, so an ordinary query always reads the warehouse as it is now. The block must not
contain an import: what it remembers would go stale.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import duckdb

T = TypeVar("T")
P = TypeVar("P", bound=Hashable)


class _Memory:
    def __init__(self) -> None:
        self.values: dict[Hashable, object] = {}
        self.cleanups: list[Callable[[], None]] = []
        self.plan: tuple[Hashable, ...] = ()
        self.sets: tuple[tuple[str, ...], ...] = ()


_memory: _Memory | None = None


@contextmanager
def shared() -> Iterator[None]:
    """Remember shared pieces until the block ends (nested blocks share the outer memory)."""
    global _memory
    if _memory is not None:
        yield
        return
    _memory = _Memory()
    try:
        yield
    finally:
        memory, _memory = _memory, None
        for cleanup in reversed(memory.cleanups):
            cleanup()


def sharing() -> bool:
    """True inside ``shared()``."""
    return _memory is not None


def recall(key: Hashable, make: Callable[[], T], cleanup: Callable[[T], None] | None = None) -> T:
    """``make()`` once per key inside ``shared()`` (its value afterwards); outside, always
    ``make()``. ``cleanup`` runs on the value when the block ends."""
    if _memory is None:
        return make()
    if key not in _memory.values:
        value = make()
        _memory.values[key] = value
        if cleanup is not None:
            _memory.cleanups.append(lambda: cleanup(value))
    return _memory.values[key]  # type: ignore[return-value]


@contextmanager
def planned(periods: Sequence[Hashable], sets: Sequence[Sequence[str]] = ()) -> Iterator[None]:
    """Inside ``shared()``: the periods about to be asked in several queries for the duration
    (the layer asks an extra job a year at a time), and the breakdowns (``sets`` of them) the
    queries will ask one after the other. A piece built per period may be built once for all of
    them (``plan_for``) and read a query's periods from it; cells counted per breakdown may be
    counted for all the sets in one pass (``planned_sets``)."""
    if _memory is None:
        yield
        return
    before = _memory.plan, _memory.sets
    _memory.plan, _memory.sets = tuple(periods), tuple(tuple(s) for s in sets)
    try:
        yield
    finally:
        _memory.plan, _memory.sets = before


def planned_sets(by: Sequence[str]) -> tuple[tuple[str, ...], ...] | None:
    """The planned breakdown sets (``planned``) when ``by`` is one of them, else None."""
    if _memory is None or tuple(by) not in _memory.sets:
        return None
    return _memory.sets


def plan_for(periods: Sequence[P]) -> tuple[P, ...]:
    """The planned periods (``planned``) when they include ``periods``, else ``periods``.

    Only for pieces whose rows for one period do not depend on the other periods asked: read
    from a piece built for more periods, the rows of ``periods`` are the same."""
    plan = () if _memory is None else _memory.plan
    if plan and set(periods) <= set(plan):
        return plan  # type: ignore[return-value]
    return tuple(periods)


_tables = itertools.count()
TABLE_PREFIX = "shared_"


def shared_table(
    con: duckdb.DuckDBPyConnection, key: Hashable, select: str, params: object = None
) -> str | None:
    """Inside ``shared()``: the name of a table holding the rows of ``select``, built the first
    time ``key`` is asked for and dropped when the block ends; outside: None (the caller reads
    ``select`` itself). A temporary table: it is written a third faster than one in the
    database file (no compression for storage; on the national demo the reference-week events,
    9.7 million rows, take 4.0 s instead of 5.2 s), and DuckDB still moves it to its temporary
    directory beyond the memory limit. If even so it does not fit, None: the caller reads
    ``select`` per query, which needs less memory at once (slower, never wrong)."""
    if _memory is None:
        return None

    def build() -> str | None:
        name = f"{TABLE_PREFIX}{next(_tables)}"
        try:
            # OR REPLACE: a block that was killed may have left a table of that name behind.
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}", params)
        except duckdb.OutOfMemoryException:
            return None
        return name

    def drop(name: str | None) -> None:
        if name is not None:
            con.execute(f"DROP TABLE IF EXISTS {name}")

    return recall(("table", key), build, drop)


def drop_leftovers(con: duckdb.DuckDBPyConnection) -> None:
    """Drop shared tables that an interrupted block left behind (temporary ones end with the
    connection; earlier versions built them in the database)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "AND starts_with(table_name, ?)",
        [TABLE_PREFIX],
    ).fetchall()
    for (name,) in rows:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
