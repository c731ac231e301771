"""The warehouse file: creation, migration, calendar, transactions and the status summary."""

from pathlib import Path

import pytest

from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import SCHEMA_VERSION, open_warehouse
from ungeindsats.warehouse.status import warehouse_status


def test_new_file_is_migrated_once_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "warehouse.duckdb"
    with open_warehouse(path) as wh:
        assert wh.schema_version() == SCHEMA_VERSION
        assert {"status_spell", "population", "fte_aggregate", "import_log"} <= set(
            wh.table_names()
        )
    with open_warehouse(path) as wh:
        assert wh.con.execute("SELECT count(*) FROM schema_meta").fetchone() == (SCHEMA_VERSION,)


def test_calendar_applies_the_thursday_rule() -> None:
    """2020U53 (Thu 31 Dec) is December 2020; 2019U01 (Mon 31 Dec 2018) is January 2019."""
    wh = open_warehouse(None)
    row = wh.con.execute(
        "SELECT iso_year, iso_week, year, quarter, month FROM week WHERE week = ?",
        [iso_week_number(2020, 53)],
    ).fetchone()
    assert row == (2020, 53, 2020, 4, 12)
    row = wh.con.execute(
        "SELECT CAST(monday AS VARCHAR), year, month FROM week WHERE week = ?",
        [iso_week_number(2019, 1)],
    ).fetchone()
    assert row == ("2018-12-31", 2019, 1)
    per_month = wh.con.execute(
        "SELECT count(*) FROM week WHERE year = 2019 AND month = 2"
    ).fetchone()
    assert per_month == (4,)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as wh:
        wh.con.execute("INSERT INTO schema_meta VALUES (?, now())", [SCHEMA_VERSION + 1])
    with pytest.raises(RuntimeError, match="opdatér ungeindsats"):
        open_warehouse(path)


def test_transaction_rolls_back_on_error() -> None:
    wh = open_warehouse(None)
    with pytest.raises(ZeroDivisionError), wh.transaction() as con:
        con.execute("INSERT INTO framework VALUES (791, 2019, 'x', 1, 1)")
        _ = 1 / 0
    assert wh.con.execute("SELECT count(*) FROM framework").fetchone() == (0,)


def test_status_reports_rows_persons_and_periods() -> None:
    """Two spells of one person 2019U06-2019U09 and 2019U20-2019U22; population 2019K1-2019K2."""
    wh = open_warehouse(None)
    wh.con.execute(
        "INSERT INTO status_spell VALUES (7, 1, ?, ?, 1), (7, 2, ?, ?, 1)",
        [
            iso_week_number(2019, 6),
            iso_week_number(2019, 9),
            iso_week_number(2019, 20),
            iso_week_number(2019, 22),
        ],
    )
    wh.con.execute(
        "INSERT INTO population VALUES "
        "(791, 2019, 1, 18, 'M', 10, 1), (791, 2019, 2, 18, 'K', 9, 1)"
    )
    tables = {t.name: t for t in warehouse_status(wh).tables}
    spells = tables["status_spell"]
    assert (spells.rows, spells.persons, spells.first, spells.last) == (2, 1, "2019U06", "2019U22")
    population = tables["population"]
    assert (population.rows, population.first, population.last) == (2, "2019K1", "2019K2")
    assert "week" not in tables
