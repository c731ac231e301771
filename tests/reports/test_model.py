"""The report model as data, on the small national demo: its numbers are the indicator
engine's for the same inputs, after disclosure control, and its periods and texts follow."""

from __future__ import annotations

from typing import Any

import pytest

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import COUNTRY, Query, get_indicator
from ungeindsats.keyfigures import Cell, seminar_key_figures
from ungeindsats.periods import parse_period, parse_range
from ungeindsats.reports import Report, ReportTable, build_report

FEB = parse_period("2019M02")


def _table(report: Report, key: str) -> ReportTable:
    return next(t for t in report.tables if t.key == key)


def _engine(demo: Any, name: str, periods: tuple, by: tuple = (), filters: dict | None = None,
            areas: tuple = (791, COUNTRY)) -> list[dict[str, Any]]:  # fmt: skip
    query = Query(areas, periods, by=by, filters=filters or {})
    return get_indicator(name)(demo.warehouse, query).rows()


def _check(cell: Cell, row: dict[str, Any]) -> None:
    """A published cell is the engine's value when the cell rests on 5 or more persons; a cell
    on 1-4 persons must be suppressed (primary suppression). Cells the engine publishes on
    enough persons may still be suppressed as complements (secondary), so those are only
    checked when shown."""
    if 0 < row["persons"] < 5:
        assert cell.suppressed and cell.value is None, row
    elif not cell.suppressed:
        assert cell.value == pytest.approx(row["value"]), row


def test_youth_group_numbers_are_the_engines(report: Report, demo: Any) -> None:
    """fte by youth group, Viborg and the country, February 2019: rows 'Gruppe 1'..'Gruppe 3'
    from fte by youth_group (groups 1-3), 'Permanente ydelser' from group 4, and the temporary
    total from fte with the filter groups 1-3 (no breakdown)."""
    table = _table(report, "fte_grupper")
    assert table.columns == ("Viborg", "Hele landet")
    assert table.period == "februar 2019"
    engine = _engine(demo, "fte", (FEB,), ("youth_group",), {"youth_group": ("1", "2", "3", "4")})
    labels = {"1": "Gruppe 1", "2": "Gruppe 2", "3": "Gruppe 3", "4": "Permanente ydelser"}
    checked = 0
    for row in engine:
        column = "Viborg" if row["municipality"] == 791 else "Hele landet"
        cell = table.cell(labels[row["youth_group"]], column)
        assert isinstance(cell, Cell)
        _check(cell, row)
        checked += not cell.suppressed
    assert checked >= 6  # the country's four groups at least
    total = _engine(demo, "fte", (FEB,), (), {"youth_group": ("1", "2", "3")})
    for row in total:
        column = "Viborg" if row["municipality"] == 791 else "Hele landet"
        cell = table.cell("Midlertidige ydelser (gruppe 1-3)", column)
        assert isinstance(cell, Cell)
        _check(cell, row)
    country_total = next(r for r in total if r["municipality"] == COUNTRY)
    assert table.cell("Midlertidige ydelser (gruppe 1-3)", "Hele landet") == Cell(
        pytest.approx(country_total["value"])
    )


def test_the_trend_is_36_months_up_to_the_month(report: Report, demo: Any) -> None:
    """March 2016 to February 2019 is 10 + 24 + 2 = 36 months, Viborg only, one row each."""
    table = _table(report, "udvikling")
    assert len(table.rows) == 36
    assert (table.rows[0].label, table.rows[-1].label) == ("marts 2016", "februar 2019")
    assert table.columns == ("Viborg",)
    months = tuple(parse_range("2016M03:2019M02").periods())
    engine = _engine(demo, "fte", months, (), {"youth_group": ("1", "2", "3")}, (791,))
    assert len(engine) == 36
    for row, published in zip(engine, table.rows, strict=True):
        cell = published.cells[0]
        assert isinstance(cell, Cell)
        _check(cell, row)


def test_the_group_sections_keep_their_own_group(report: Report, demo: Any) -> None:
    """Status 6 months after exit for group 2 in 2018 (the year before the month): the rows of
    youth group 2 only, against the country."""
    table = _table(report, "g2_status")
    assert table.period == "2018"
    engine = _engine(
        demo, "status_after_exit", (parse_period("2018"),), ("youth_group", "status"),
        {"youth_group": ("2",)},
    )  # fmt: skip
    assert {r.label for r in table.rows} == {r["status"] for r in engine}
    for row in engine:
        column = "Viborg" if row["municipality"] == 791 else "Hele landet"
        cell = table.cell(row["status"], column)
        assert isinstance(cell, Cell)
        _check(cell, row)


def test_intervention_mix_is_the_engines(report: Report, demo: Any) -> None:
    """None / one kind / combined (seed 001's 23 / 50 / 26 %), Viborg and the country: shares
    of one whole, so a suppressed share takes a second one with it."""
    table = _table(report, "indsatsmix")
    engine = _engine(demo, "intervention_mix", (FEB,), ("mix",))
    for row in engine:
        column = "Viborg" if row["municipality"] == 791 else "Hele landet"
        cell = table.cell(row["mix"], column)
        assert isinstance(cell, Cell)
        _check(cell, row)
    for column in table.columns:
        hidden = [r for r in table.rows if r.cells[table.columns.index(column)] == Cell(None, True)]
        assert len(hidden) != 1, column


def test_periods_follow_the_seed(report: Report) -> None:
    """Seed 001 (May 2019, numbers for February 2019) shows durations for 2018 and the NEET
    group and migration for 2017: the year before and two years before the month."""
    assert _table(report, "varighed").period == "2018"
    assert _table(report, "restgruppe_andel").period == "2017"
    assert _table(report, "flytning").period == "2017"
    assert _table(report, "15_17_aktivitet").period == "februar 2019"


def test_shared_tables_equal_the_seminar_key_figures(report: Report, demo: Any) -> None:
    """The key-figure tables of the CLI (keyfigures.seminar_key_figures) and the report come
    from the same indicators; where both publish a cell, the numbers agree."""
    figures = {t.title: t for t in seminar_key_figures(demo.warehouse, DisclosureRule(5), 791, FEB)}
    pairs = [
        ("Gennemsnitlig varighed på ydelsen (uger)", "varighed"),
        ("Antal på offentlig ydelse pr. 1.000 indbyggere (18-29 år)", "pr_1000"),
    ]
    compared = 0
    for title, key in pairs:
        ours = _table(report, key)
        for label, cells in figures[title].rows:
            if label not in {r.label for r in ours.rows}:
                continue
            for column, theirs in zip(figures[title].columns, cells, strict=True):
                mine = ours.cell(label, column)
                assert isinstance(mine, Cell)
                if not mine.suppressed and not theirs.suppressed:
                    assert mine.value == pytest.approx(theirs.value)
                    compared += 1
    assert compared >= 10


def test_text_quotes_the_published_numbers(report: Report) -> None:
    """The first sentence of the report carries the temporary total exactly as its table
    shows it (Danish notation), so text and table cannot disagree."""
    table = _table(report, "fte_grupper")
    shown = table.text(table.cell("Midlertidige ydelser (gruppe 1-3)"))
    first = report.sections[0].paragraphs[0]
    assert f"= {shown} fuldtidspersoner" in first
    assert "februar 2019" in first and "Viborg" in first


def test_every_table_states_source_and_period(report: Report) -> None:
    assert len(report.tables) >= 25
    for table in report.tables:
        assert table.source.startswith("Beregnet af ungeindsats fra"), table.key
        assert table.period, table.key
        assert table.rows, table.key


def test_nothing_escapes_disclosure_control(demo: Any) -> None:
    """With a threshold nobody reaches, every number of the report is suppressed (zeros, which
    identify nobody, excepted), and the text shows the marker instead of numbers."""
    rule = DisclosureRule(10**9)
    report = build_report(demo.warehouse, demo.settings, 791, FEB, rule=rule)
    values = [
        cell
        for table in report.tables
        for row in table.rows
        for cell in row.cells
        if isinstance(cell, Cell)
    ]
    assert values
    assert all(c.suppressed or c.value in (None, 0) for c in values)
    assert "<1000000000" in report.sections[0].paragraphs[0]


def test_a_report_is_for_a_month(demo: Any) -> None:
    with pytest.raises(ValueError, match="måned"):
        build_report(demo.warehouse, demo.settings, 791, parse_period("2018"))


def test_unavailable_sections_carry_no_numbers(report: Report) -> None:
    for section in report.sections:
        if not section.available:
            assert not section.blocks
            assert "ikke tilgængeligt" in section.paragraphs[0]


def test_the_report_is_a_registered_output(demo: Any) -> None:
    """tests/test_published.py walks every registered output; the report is one of them, and
    with an unreachable threshold it publishes nothing but zeros and markers."""
    from ungeindsats.published import OUTPUTS

    tables = OUTPUTS["report"](demo.warehouse, DisclosureRule(10**9))
    values = [cell.value for table in tables for _, cells in table.rows for cell in cells]
    assert values and all(v in (None, 0) for v in values)


def _same_rows(ours: ReportTable, theirs: Any) -> None:
    """Same labels, same suppression, same values (DuckDB sums in parallel, so the last digits
    of a float may differ between two runs of the same query)."""
    assert [r.label for r in ours.rows] == [label for label, _ in theirs.rows]
    for row, (_, cells) in zip(ours.rows, theirs.rows, strict=True):
        for mine, cell in zip(row.cells, cells, strict=True):
            assert isinstance(mine, Cell)
            assert mine.suppressed == cell.suppressed
            assert mine.value == pytest.approx(cell.value)


def _section(report: Report, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.sections if s.key == key)


def test_benchmark_section_is_the_benchmark_packages_table(report: Report, demo: Any) -> None:
    """The benchmark section shows ungeindsats.benchmark's own published table, cell for cell
    (the report adds no number of its own)."""
    from ungeindsats.benchmark.youth import youth_benchmark_table

    section = _section(report, "benchmark")
    assert section.available, section.paragraphs
    theirs = youth_benchmark_table(demo.warehouse, DisclosureRule(5), 791, FEB)
    ours = section.tables[0]
    assert ours.columns == theirs.columns
    _same_rows(ours, theirs)
    assert ours.column_units[0] == "pct." and ours.column_units[-1] == "rang"


def test_economics_section_is_the_economics_packages_tables(report: Report, demo: Any) -> None:
    from ungeindsats.economics.tables import economics_step

    section = _section(report, "okonomi")
    assert section.available, section.paragraphs
    theirs = economics_step(demo.warehouse, DisclosureRule(5), 791, FEB, demo.settings)
    assert [t.title for t in section.tables] == [t.title for t in theirs]
    numeric = [(o, t) for o, t in zip(section.tables, theirs, strict=True) if t.unit != "se trin"]
    assert numeric
    for ours, table in numeric:
        _same_rows(ours, table)
