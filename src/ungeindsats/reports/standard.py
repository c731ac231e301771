"""The standard report "Unge på offentlig forsørgelse – nøgletal og indsatser".

``build_report`` gathers the table specs of every section, computes each indicator request once,
publishes all of them in one linked disclosure-control call (``publish_specs``), and composes the
sections in the order of seed 001's key-figure pages, followed by benchmark, economics and the
interventions' status (seed 000, Bilag 1) with the goal board.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date

from ungeindsats.classifications import municipality as municipality_info
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators.memo import shared
from ungeindsats.indicators.precompute import answer_layer
from ungeindsats.keyfigures import Cell, KeyFigureTable
from ungeindsats.periods import Period, parse_period
from ungeindsats.published import output
from ungeindsats.reports.external import BENCHMARK, ECONOMICS
from ungeindsats.reports.model import Report, ReportTable
from ungeindsats.reports.plan import Context, SectionDef
from ungeindsats.reports.sections_groups import GROUP_SECTIONS, MIX
from ungeindsats.reports.sections_overview import DURATIONS, GROUPS, MIGRATION, PER_1000
from ungeindsats.reports.sections_young import NEET, YOUNG
from ungeindsats.reports.steering_sections import GOALS, INTERVENTIONS
from ungeindsats.reports.tables import period_text, publish_specs
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse

TITLE = "Unge på offentlig forsørgelse – nøgletal og indsatser"

INDICATOR_SECTIONS: tuple[SectionDef, ...] = (
    GROUPS,
    PER_1000,
    DURATIONS,
    *GROUP_SECTIONS,
    MIX,
    NEET,
    YOUNG,
    MIGRATION,
)
"""The sections computed from the indicator registry (seed 001's key-figure pages)."""

STANDARD_SECTIONS: tuple[SectionDef, ...] = (
    *INDICATOR_SECTIONS,
    BENCHMARK,
    ECONOMICS,
    INTERVENTIONS,
    GOALS,
)


def disclosure_rule(settings: Settings) -> DisclosureRule:
    return DisclosureRule(settings.disclosure_min_persons, settings.disclosure_marker)


def build_report(
    warehouse: Warehouse,
    settings: Settings,
    kommune: int,
    month: Period,
    *,
    sections: Sequence[SectionDef] = STANDARD_SECTIONS,
    rule: DisclosureRule | None = None,
    made: date | None = None,
) -> Report:
    """The standard report for ``kommune`` in ``month`` (a month, e.g. 2019M02)."""
    if month.kind != "month":
        raise ValueError(f"rapporten laves for en måned, fx 2019M02, ikke '{month}'")
    rule = rule or disclosure_rule(settings)
    name = municipality_info(kommune).name
    context = Context(warehouse, settings, rule, kommune, name, month)
    specs = [spec for section in sections for spec in section.specs]
    with _sharing(warehouse):
        tables = publish_specs(warehouse, rule, specs, kommune, month)
        composed = tuple(section.compose(context, tables) for section in sections)
    return Report(
        title=TITLE,
        municipality=name,
        municipality_code=kommune,
        period=period_text(month),
        period_code=month.label(),
        made=made or date.today(),
        marker=rule.marker,
        min_persons=rule.min_persons,
        sections=composed,
    )


def _sharing(warehouse: Warehouse) -> AbstractContextManager[None]:
    """``memo.shared()`` when the report computes its requests itself (no current layer) and the
    warehouse can be written: the indicators, the benchmark and the economics then compute the
    runs, flows and cells they have in common once (as ``make run`` does), in tables the block
    drops again. With a current layer the few requests left are small, and building a shared
    table for all municipalities would cost more than it saves (13 s against 0,2 s for the
    fte of youth groups 1-3 on the national demo). A read-only connection (the dashboard's)
    cannot hold those tables."""
    if answer_layer(warehouse) is not None:
        return nullcontext()
    [(read_only,)] = warehouse.con.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return nullcontext() if read_only else shared()


def as_key_figure_table(table: ReportTable) -> KeyFigureTable:
    """A numeric report table in the key-figure shape the CLI and the disclosure walk read."""
    rows = tuple(
        (row.label, tuple(c if isinstance(c, Cell) else Cell(None) for c in row.cells))
        for row in table.rows
    )
    return KeyFigureTable(
        table.title,
        table.unit,
        table.period,
        table.row_label,
        table.columns,
        rows,
        table.source,
        table.marker,
        table.notes,
    )


@output("report")
def report_output(
    warehouse: Warehouse, rule: DisclosureRule, kommune: int = 791, month: Period | None = None
) -> list[KeyFigureTable]:
    """The standard report's indicator tables, as published (the benchmark, economics and
    steering sections come from those packages' own registered outputs)."""
    report = build_report(
        warehouse,
        Settings(),
        kommune,
        month or parse_period("2019M02"),
        sections=INDICATOR_SECTIONS,
        rule=rule,
    )
    return [as_key_figure_table(t) for t in report.tables]
