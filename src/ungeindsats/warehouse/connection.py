"""Opening the warehouse, migrating its schema and running all-or-nothing transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from ungeindsats.periods import EPOCH, week_number, week_thursday

CALENDAR_END = date(2060, 12, 31)
"""The week table covers 1990U01 up to this day; DREAM starts in 1991."""


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("ungeindsats.warehouse") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(version for version, _ in _migrations())
"""The schema version this code expects; older warehouse files are migrated on open."""


def _calendar() -> pa.Table:
    weeks = list(range(week_number(EPOCH), week_number(CALENDAR_END) + 1))
    thursdays = [week_thursday(w) for w in weeks]
    isos = [t.isocalendar() for t in thursdays]
    return pa.table(
        {
            "week": pa.array(weeks, pa.int32()),
            "iso_year": pa.array([i.year for i in isos], pa.int16()),
            "iso_week": pa.array([i.week for i in isos], pa.int16()),
            "monday": pa.array([date.fromordinal(t.toordinal() - 3) for t in thursdays]),
            "thursday": pa.array(thursdays),
            "year": pa.array([t.year for t in thursdays], pa.int16()),
            "quarter": pa.array([(t.month - 1) // 3 + 1 for t in thursdays], pa.int16()),
            "month": pa.array([t.month for t in thursdays], pa.int16()),
        }
    )


class Warehouse:
    """A connection to the warehouse file; one writer at a time (DuckDB's rule)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.con = con
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: on any exception every change inside is rolled back."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def schema_version(self) -> int:
        # fetchall: a half-read result would keep DuckDB from registering Arrow tables.
        row = self.con.execute("SELECT max(version) FROM schema_meta").fetchall()[0]
        return int(row[0]) if row[0] is not None else 0

    def table_names(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION, each step in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_meta "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"Lageret har skemaversion {current}, men programmet kender kun op til "
                f"{SCHEMA_VERSION}; opdatér ungeindsats."
            )
        for version, sql in _migrations():
            if version <= current:
                continue
            with self.transaction() as con:
                con.execute(sql)
                if version == 1:
                    calendar = _calendar()
                    con.register("calendar_arrow", calendar)
                    con.execute("INSERT INTO week SELECT * FROM calendar_arrow")
                    con.unregister("calendar_arrow")
                con.execute("INSERT INTO schema_meta VALUES (?, now())", [version])


def open_warehouse(path: Path | str | None, *, read_only: bool = False) -> Warehouse:
    """Open (and create or migrate) the warehouse file; ``None`` gives an in-memory warehouse."""
    if path is None:
        warehouse = Warehouse(duckdb.connect(":memory:"), None)
    else:
        file = Path(path)
        if not read_only:
            file.parent.mkdir(parents=True, exist_ok=True)
        warehouse = Warehouse(duckdb.connect(str(file), read_only=read_only), file)
    if not read_only:
        warehouse.migrate()
    return warehouse
