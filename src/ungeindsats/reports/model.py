"""The report model: one data structure that every renderer (HTML, PDF, XLSX, PPTX) draws.

A ``Report`` is a title, a municipality and a period, and a list of ``Section``s; a section holds
paragraphs of text (with computed numbers already written in) and blocks: ``ReportTable``s and
``Chart``s. Every number in a table has passed disclosure control before it got here
(``ungeindsats.reports.standard`` publishes all of the report's indicator results in one linked
call), so a renderer only formats; it never computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ungeindsats.keyfigures import Cell
from ungeindsats.outputs import danish_number
from ungeindsats.periods import MONTH_NAMES

Value = Cell | str
"""A table cell: a published number (``Cell``) or text (the interventions' status table)."""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Value, ...]
    key: str = ""  # the breakdown's own value behind the label, e.g. "2019M02" for "februar 2019"


@dataclass(frozen=True)
class ReportTable:
    """One table: rows of labelled cells under column headings, with its source and date."""

    key: str  # short identifier; also the XLSX sheet name
    title: str
    unit: str
    period: str  # the period the numbers describe, e.g. "februar 2019"
    row_label: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    source: str
    marker: str
    notes: tuple[str, ...] = ()
    column_units: tuple[str, ...] = ()
    """Per-column units where the columns differ (a benchmark line: pct., persons, rank);
    empty means every column is in ``unit``."""

    @property
    def caption(self) -> str:
        """'Title, period (unit)'; the unit is left out when the title already names it."""
        text = self.title + (f", {self.period}" if self.period else "")
        unit = self.unit if not self.column_units else ""
        return text + (f" ({unit})" if unit and unit not in self.title else "")

    def unit_of(self, column: int) -> str:
        return self.column_units[column] if self.column_units else self.unit

    def cell(self, row: str, column: str | None = None) -> Value:
        """The cell in row ``row`` (label) and ``column`` (default the first column); no such
        cell (e.g. no data for the country) is ``Cell(None)``, shown as '–'."""
        if column is not None and column not in self.columns:
            return Cell(None)
        index = self.columns.index(column) if column else 0
        for item in self.rows:
            if item.label == row:
                return item.cells[index]
        return Cell(None)

    def text(self, value: Value, column: int = 0) -> str:
        """A cell as people read it: Danish number with unit sign, or the disclosure marker."""
        return format_value(value, self.unit_of(column), self.marker)


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite chart drawn from ``table`` (the same numbers, already published)."""

    title: str
    spec: dict[str, Any]
    table: ReportTable

    @property
    def drawable(self) -> bool:
        """False when disclosure control hid every value: there is nothing to draw (Vega would
        lay out an empty chart of infinite size), and the table beside it shows the markers."""
        values = self.spec.get("data", {}).get("values", [])
        return any(isinstance(v, int | float) for row in values for v in row.values())


Block = ReportTable | Chart


@dataclass(frozen=True)
class Section:
    """A heading, its text and its tables and charts. ``available`` is False when the data
    or the capability behind it is missing; the paragraphs then say why."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    available: bool = True

    def __post_init__(self) -> None:
        kept = tuple(b for b in self.blocks if not isinstance(b, Chart) or b.drawable)
        object.__setattr__(self, "blocks", kept)

    @property
    def tables(self) -> list[ReportTable]:
        return [b for b in self.blocks if isinstance(b, ReportTable)]

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass(frozen=True)
class Report:
    title: str
    municipality: str
    municipality_code: int
    period: str  # the report's month, e.g. "februar 2019"
    period_code: str  # e.g. "2019M02"
    made: date
    marker: str
    min_persons: int
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> list[ReportTable]:
        return [t for s in self.sections for t in s.tables]

    @property
    def subtitle(self) -> str:
        return f"{self.municipality}, {self.period}"

    @property
    def disclosure_note(self) -> str:
        return (
            f"Alle tal er diskretioneret: en celle, der hviler på færre end {self.min_persons} "
            f"personer, vises som »{self.marker}«, og så mange andre celler skjules, at den ikke "
            "kan regnes ud af de øvrige."
        )


DECIMALS = {
    "pct.": 1,
    "fuldtidspersoner": 0,
    "personer": 0,
    "uger": 0,
    "pr. 1.000 indbyggere": 0,
    "kr.": 0,
    "kr. pr. år": 0,
    "mio. kr.": 1,
    "pct.-point": 1,
    "rang": 0,
}
"""Decimals shown per unit, as the seeds show them (1.467 fuldtidspersoner; 14,2 %; 7 uger)."""


def format_value(value: Value, unit: str, marker: str) -> str:
    """``Cell(1467.25)`` in fuldtidspersoner → '1.467'; ``Cell(14.16)`` in pct. → '14,2 %';
    a suppressed cell → the marker; no cell → '–'; text stays text."""
    if isinstance(value, str):
        return value
    if value.suppressed:
        return marker
    if value.value is None:
        return "–"
    text = danish_number(float(value.value), DECIMALS.get(unit, 1))
    if text.startswith("-"):
        text = "−" + text[1:]  # a typographic minus, as in print
    return f"{text} %" if unit == "pct." else text


MONTHS = MONTH_NAMES
