"""What the warehouse holds: tables, rows, periods covered and imports (``ungeindsats status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ungeindsats.periods import Period, week_period
from ungeindsats.warehouse.connection import Warehouse

_MONTH = "CAST(year AS INTEGER) * 100 + month"
_QUARTER = "CAST(year AS INTEGER) * 100 + quarter"
_YEAR = "CAST(year AS INTEGER) * 100"

# How each table's coverage is read: the unit and the SQL for its first and last period as
# week numbers or year*100 + month/quarter. Table names come from our schema, never from users.
_COVERAGE: dict[str, tuple[str, str, str]] = {
    "status_spell": ("week", "first_week", "last_week"),
    "residence": ("week", "first_week", "coalesce(last_week, first_week)"),
    "target_group_spell": ("week", "first_week", "last_week"),
    "activation_spell": ("week", "first_week", "last_week"),
    "fte_aggregate": ("month", _MONTH, _MONTH),
    "employment_month": ("month", _MONTH, _MONTH),
    "population": ("quarter", _QUARTER, _QUARTER),
    "framework": ("year", _YEAR, _YEAR),
}
_HIDDEN = ("schema_meta", "week", "import_log")


def _label(unit: str, value: int) -> str:
    if unit == "week":
        return week_period(value).label()
    year, number = divmod(value, 100)
    return Period(unit, year, number).label()  # type: ignore[arg-type]


@dataclass(frozen=True)
class TableStatus:
    name: str
    rows: int
    persons: int | None
    first: str | None  # first period covered, in Danmarks Statistik notation
    last: str | None


@dataclass(frozen=True)
class ImportEntry:
    import_id: int
    source: str
    file_name: str
    rows_in: int
    rows_accepted: int
    rows_rejected: int
    finished_at: datetime
    imported_by: str
    detail: str


@dataclass(frozen=True)
class WarehouseStatus:
    path: str
    schema_version: int
    tables: list[TableStatus]
    imports: list[ImportEntry]


def _coverage(warehouse: Warehouse, table: str) -> tuple[str | None, str | None]:
    if table not in _COVERAGE:
        return None, None
    unit, first, last = _COVERAGE[table]
    row = warehouse.con.execute(f"SELECT min({first}), max({last}) FROM {table}").fetchall()[0]
    if not row or row[0] is None:
        return None, None
    return _label(unit, int(row[0])), _label(unit, int(row[1]))


def warehouse_status(warehouse: Warehouse) -> WarehouseStatus:
    """Summarise the warehouse for people: rows, distinct persons and periods per table."""
    tables = []
    for name in warehouse.table_names():
        if name in _HIDDEN:
            continue
        columns = {
            str(r[0])
            for r in warehouse.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
            ).fetchall()
        }
        persons_sql = "count(DISTINCT person_id)" if "person_id" in columns else "NULL"
        row = warehouse.con.execute(f"SELECT count(*), {persons_sql} FROM {name}").fetchall()[0]
        assert row is not None
        first, last = _coverage(warehouse, name)
        tables.append(
            TableStatus(name, int(row[0]), None if row[1] is None else int(row[1]), first, last)
        )
    imports = [
        ImportEntry(*r)
        for r in warehouse.con.execute(
            "SELECT import_id, source, file_name, rows_in, rows_accepted, rows_rejected, "
            "finished_at, imported_by, coalesce(detail, '') FROM import_log ORDER BY import_id"
        ).fetchall()
    ]
    return WarehouseStatus(
        str(warehouse.path or ":memory:"), warehouse.schema_version(), tables, imports
    )
