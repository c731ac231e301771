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
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import duckdb

T = TypeVar("T")


class _Memory:
    def __init__(self) -> None:
        self.values: dict[Hashable, object] = {}
        self.cleanups: list[Callable[[], None]] = []


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


_tables = itertools.count()
TABLE_PREFIX = "shared_"


def shared_table(
    con: duckdb.DuckDBPyConnection, key: Hashable, select: str, params: object = None
) -> str | None:
    """Inside ``shared()``: the name of a table holding the rows of ``select``, built the first
    time ``key`` is asked for and dropped when the block ends; outside: None (the caller reads
    ``select`` itself). An ordinary table, not a temporary one: DuckDB can move it out of memory,
    and some of these (every young person at every reference week) are millions of rows. If
    even so it does not fit in DuckDB's memory limit, None: the caller reads ``select`` per
    query, which needs less memory at once (slower, never wrong)."""
    if _memory is None:
        return None

    def build() -> str | None:
        name = f"{TABLE_PREFIX}{next(_tables)}"
        try:
            # OR REPLACE: a block that was killed may have left a table of that name behind.
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}", params)
        except duckdb.OutOfMemoryException:
            return None
        return name

    def drop(name: str | None) -> None:
        if name is not None:
            con.execute(f"DROP TABLE IF EXISTS {name}")

    return recall(("table", key), build, drop)


def drop_leftovers(con: duckdb.DuckDBPyConnection) -> None:
    """Drop shared tables that an interrupted block left behind."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND starts_with(table_name, ?)",
        [TABLE_PREFIX],
    ).fetchall()
    for (name,) in rows:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
