"""How a report is put together: sections declared as table specs plus a compose function.

A ``SectionDef`` names the tables a section needs (``TableSpec``s) and a function that turns
the published tables into a ``Section`` with text. ``ungeindsats.reports.standard`` collects the
specs of every section, publishes them in one linked call, then composes the sections in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.periods import Period
from ungeindsats.reports.model import ReportTable, Section, Value
from ungeindsats.reports.tables import TableSpec, period_text
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse


@dataclass(frozen=True)
class Context:
    """What every section knows: where the data is, the rule, the municipality and month."""

    warehouse: Warehouse
    settings: Settings
    rule: DisclosureRule
    kommune: int
    name: str  # the municipality's name, e.g. "Viborg"
    month: Period

    @property
    def month_text(self) -> str:
        return period_text(self.month)


Tables = Mapping[str, ReportTable]
Compose = Callable[[Context, Tables], Section]


@dataclass(frozen=True)
class SectionDef:
    key: str
    specs: tuple[TableSpec, ...]
    compose: Compose


def unavailable(key: str, title: str, why: str) -> Section:
    """A section whose data or capability is missing: it says so, with no numbers."""
    return Section(key, title, (f"Afsnittet er ikke tilgængeligt: {why}",), (), available=False)


def say(table: ReportTable, row: str, column: str | None = None) -> str:
    """One published cell as text for a sentence (the marker where it is suppressed)."""
    index = table.columns.index(column) if column in table.columns else 0
    return table.text(table.cell(row, column), index)


def cell_value(table: ReportTable, row: str, column: str | None = None) -> Value:
    return table.cell(row, column)
