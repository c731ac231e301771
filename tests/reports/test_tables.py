"""Report tables on a hand-made warehouse, number formatting, period rules and formats."""

from __future__ import annotations

from datetime import date

import pytest

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.keyfigures import Cell
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.reports.model import format_value
from ungeindsats.reports.sections_groups import GROUP_SECTIONS
from ungeindsats.reports.sections_overview import GROUPS
from ungeindsats.reports.tables import period_text, periods_for, publish_specs, row_text
from ungeindsats.reports.write import parse_formats
from ungeindsats.warehouse import Warehouse, open_warehouse

FEB = parse_period("2019M02")  # ISO weeks 2019U06-U09


@pytest.fixture
def thirteen() -> Warehouse:
    """Thirteen persons born 1995-05-01, living in Viborg, all in youth group 1 in Feb 2019:

    - persons 1-6: A-dagpenge (code 111) in U06-U09, 4 of 4 weeks → 6 fte, 6 persons;
    - persons 7-12: kontanthjælp, jobparat (120) in U06-U09 → 6 fte, 6 persons;
    - person 13: sygedagpenge (130) in U06-U08, 3 of 4 weeks → 0.75 fte, 1 person.

    Group 1 in Viborg: 12.75 fte on 13 persons. Population 18-29 in 2019K1: 1,000.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(120, 'kontanthjaelp', 'jobparat', 'public_support', NULL, 1),"
        "(130, 'sygedagpenge', '2.5', 'public_support', NULL, 1)"
    )
    for pid in range(1, 14):
        code, last = (111, 9) if pid <= 6 else (120, 9) if pid <= 12 else (130, 8)
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'K', 1)",
            [pid, date(1995, 5, 1)],
        )
        con.execute(
            "INSERT INTO residence VALUES (?, 791, NULL, ?, NULL, 1)",
            [pid, iso_week_number(2010, 1)],
        )
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, iso_week_number(2019, 6), iso_week_number(2019, last)],
        )
    con.execute("INSERT INTO population VALUES (791, 2019, 1, 24, 'K', 1000, 1)")
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    ensure_facts(wh)
    return wh


def test_group_and_benefit_tables_by_hand(thirteen: Warehouse) -> None:
    """Group 1 = 6 + 6 + 0.75 = 12.75 fte (shown '13'); share of 1,000 = 1.275 % ('1,3 %').

    Benefits within group 1: sygedagpenge rests on 1 person and is suppressed. The benefits add
    up to the group's 12.75, which the report shows, so the report declares that sum known: one
    more benefit must be suppressed, or sygedagpenge = 12.75 - 6 - 6 could be read off. The two
    other benefits are 6 each, so exactly one of them is shown, with 6."""
    specs = [*GROUPS.specs, *GROUP_SECTIONS[0].specs]
    tables = publish_specs(thirteen, DisclosureRule(5), specs, 791, FEB)
    groups = tables["fte_grupper"]
    assert groups.cell("Gruppe 1", "Viborg") == Cell(pytest.approx(12.75))
    assert groups.text(groups.cell("Gruppe 1", "Viborg")) == "13"
    assert groups.cell("Midlertidige ydelser (gruppe 1-3)", "Viborg") == Cell(pytest.approx(12.75))
    share = tables["andel_grupper"]
    assert share.text(share.cell("Gruppe 1", "Viborg")) == "1,3 %"

    benefits = tables["g1_ydelser"]
    assert benefits.columns == ("Viborg",)
    cells = {row.label: row.cells[0] for row in benefits.rows}
    assert set(cells) == {"A-dagpenge", "Kontanthjælp", "Sygedagpenge"}
    assert cells["Sygedagpenge"] == Cell(None, True)
    shown = [c for c in cells.values() if isinstance(c, Cell) and not c.suppressed]
    assert [c.value for c in shown] == [pytest.approx(6.0)]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Cell(1467.25), "fuldtidspersoner", "1.467"),
        (Cell(14.16), "pct.", "14,2 %"),
        (Cell(-435.0), "personer", "−435"),
        (Cell(110.4), "pr. 1.000 indbyggere", "110"),
        (Cell(None, True), "pct.", "<5"),
        (Cell(None), "uger", "–"),
        ("1a. Frafald på ungdomsuddannelser", "", "1a. Frafald på ungdomsuddannelser"),
    ],
)
def test_danish_notation(value: Cell | str, unit: str, text: str) -> None:
    assert format_value(value, unit, "<5") == text


def test_period_rules() -> None:
    """Relative to February 2019: the trend runs March 2016 - February 2019 (36 months)."""
    trend = periods_for("trend", FEB)
    assert (len(trend), str(trend[0]), str(trend[-1])) == (36, "2016M03", "2019M02")
    assert [str(p) for p in periods_for("previous_year", FEB)] == ["2018"]
    assert [str(p) for p in periods_for("two_years_back", FEB)] == ["2017"]
    assert period_text("2019M02") == "februar 2019"
    assert period_text("2019K1") == "1. kvartal 2019"


def test_row_labels_as_the_seed_names_them() -> None:
    assert row_text("youth_group", "4") == "Permanente ydelser"
    assert row_text("benefit", "a_dagpenge") == "A-dagpenge"
    assert row_text("grade", "8") == "8. klasse"
    assert row_text("benefit", "ukendt_ydelse") == "ukendt_ydelse"


def test_formats_are_checked() -> None:
    assert parse_formats("PDF, html,pdf") == ("pdf", "html")
    with pytest.raises(ValueError, match="ukendt rapportformat docx"):
        parse_formats("html,docx")
    with pytest.raises(ValueError, match="ukendt rapportformat"):
        parse_formats("")


def test_a_missing_cell_reads_as_a_dash() -> None:
    """A table with no data for the country (e.g. one municipality's own files) has no such
    column: asking for it gives no cell, shown as '–', instead of failing."""
    from ungeindsats.reports.model import ReportTable, Row

    table = ReportTable(
        "t", "T", "pct.", "2019", "Række", ("Viborg",), (Row("a", (Cell(12.0),)),), "k", "<5"
    )
    assert table.cell("a", "Hele landet") == Cell(None)
    assert table.text(table.cell("a", "Hele landet")) == "–"
    assert table.text(table.cell("b")) == "–"
    assert table.text(table.cell("a")) == "12,0 %"


def test_a_chart_with_every_value_hidden_is_not_drawn() -> None:
    """Group 3's origins in a small municipality can be suppressed cell by cell: the table keeps
    its markers, but a chart of nothing is left out of the section (Vega would lay it out at an
    infinite size, which no PDF can hold). A chart with one value left is kept."""
    from ungeindsats.keyfigures import Cell
    from ungeindsats.reports.figures import bars
    from ungeindsats.reports.model import ReportTable, Row, Section

    def table(cells: tuple[Cell, Cell]) -> ReportTable:
        return ReportTable(
            "origin", "Hvad kommer de fra", "pct.", "2018", "Fra", ("Viborg", "Hele landet"),
            (Row("Gruppe 1", cells, "1"),), "test", "<5",
        )  # fmt: skip

    hidden = table((Cell(None, True), Cell(None, True)))
    shown = table((Cell(None, True), Cell(40.0)))
    section = Section("s", "Gruppe 3", blocks=(bars(hidden), hidden, bars(shown), shown))
    assert section.tables == [hidden, shown]
    assert [c.table for c in section.charts] == [shown]
