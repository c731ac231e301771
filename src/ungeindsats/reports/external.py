"""Sections drawn from the benchmark and economics packages.

These capabilities publish their own tables through disclosure control (as ``KeyFigureTable``s
for the main job); the report takes those tables as they are. A section uses its package when it
is installed and answers, and otherwise says that the section is not available — never a number
of its own.
"""

from __future__ import annotations

import importlib.util
import logging

from ungeindsats.keyfigures import KeyFigureTable
from ungeindsats.reports.figures import bars
from ungeindsats.reports.model import Block, ReportTable, Row, Section, format_value
from ungeindsats.reports.plan import Context, SectionDef, Tables, unavailable

log = logging.getLogger(__name__)


def installed(package: str) -> bool:
    return importlib.util.find_spec(f"ungeindsats.{package}") is not None


def column_unit(column: str, unit: str) -> str:
    """The unit of one column of a mixed table, from its heading ('Rang …', '… (antal)')."""
    if column.startswith("Rang"):
        return "rang"
    if "(antal)" in column:
        return "personer"
    if "pct.-point" in column:
        return "pct.-point"
    return "pct." if unit.startswith("pct.") else unit


def from_key_figures(key: str, table: KeyFigureTable, *, mixed: bool = False) -> ReportTable:
    """A published key-figure table as a report table; ``mixed`` gives each column its unit."""
    units = tuple(column_unit(c, table.unit) for c in table.columns) if mixed else ()
    return ReportTable(
        key=key,
        title=table.title,
        unit="pct." if table.unit.startswith("pct.") and not mixed else table.unit,
        period=table.period,
        row_label=table.row_label,
        columns=table.columns,
        rows=tuple(Row(label, cells, label) for label, cells in table.rows),
        source=f"Beregnet af ungeindsats fra {table.source}",
        marker=table.marker,
        notes=table.notes,
        column_units=units,
    )


def _step_unit(label: str) -> str:
    """The realised saving is a worked calculation whose steps have different units."""
    if "Andel" in label:
        return "pct."
    if "Besparelse" in label:
        return "kr."
    return "fuldtidspersoner"


def _steps(key: str, table: KeyFigureTable) -> ReportTable:
    """Seed 002's calculation, step by step, each number in its own unit (as text)."""
    rows = tuple(
        Row(
            label,
            tuple(format_value(c, _step_unit(label), table.marker) for c in cells),
            label,
        )
        for label, cells in table.rows
    )
    base = from_key_figures(key, table)
    return ReportTable(
        key, table.title, "", table.period, table.row_label, table.columns, rows,
        base.source, table.marker, table.notes,
    )  # fmt: skip


BENCHMARK_TITLE = "Benchmark: forventet og faktisk niveau og placering blandt sammenlignelige"


def _benchmark(ctx: Context, tables: Tables) -> Section:
    if not installed("benchmark"):
        return unavailable("benchmark", BENCHMARK_TITLE, "benchmarkmodellen er ikke installeret.")
    try:
        from ungeindsats.benchmark.youth import youth_benchmark_table

        published = youth_benchmark_table(ctx.warehouse, ctx.rule, ctx.kommune, ctx.month)
    except Exception as exc:  # a missing capability must not stop the rest of the report
        log.warning("benchmark section unavailable: %s", type(exc).__name__)
        return unavailable("benchmark", BENCHMARK_TITLE, f"benchmarkmodellen svarede ikke ({exc}).")
    table = from_key_figures("benchmark", published, mixed=True)
    first = table.rows[0] if table.rows else None
    paragraphs = [*published.notes]
    if first is not None:
        actual, expected = first.cells[0], first.cells[1]
        paragraphs.insert(
            0,
            f"{first.label}: faktisk {table.text(actual, 0)} af de unge i {ctx.name} mod "
            f"forventet {table.text(expected, 1)} ud fra kommunens rammevilkår "
            f"(rang {table.text(first.cells[-1], len(table.columns) - 1)} blandt de "
            "sammenlignelige kommuner).",
        )
    return Section("benchmark", BENCHMARK_TITLE, tuple(paragraphs), (table,))


ECONOMICS_TITLE = "Økonomi: nettoudgift, realiseret besparelse og potentiale"


def _economics(ctx: Context, tables: Tables) -> Section:
    if not installed("economics"):
        return unavailable("okonomi", ECONOMICS_TITLE, "økonomimodellen er ikke installeret.")
    try:
        from ungeindsats.economics.tables import economics_step

        published = economics_step(ctx.warehouse, ctx.rule, ctx.kommune, ctx.month, ctx.settings)
    except Exception as exc:  # a missing capability must not stop the rest of the report
        log.warning("economics section unavailable: %s", type(exc).__name__)
        return unavailable("okonomi", ECONOMICS_TITLE, f"økonomimodellen svarede ikke ({exc}).")
    blocks: list[Block] = []
    for number, item in enumerate(published, start=1):
        key = f"okonomi_{number}"
        if item.unit == "se trin":
            blocks.append(_steps(key, item))
            continue
        table = from_key_figures(key, item)
        blocks.extend((bars(table), table))
    paragraphs = [
        "Kommunens nettoudgift til forsørgelse af de unge efter statsrefusion "
        "(refusionstrappen) og den realiserede besparelse som i seed 002: forskellen mellem det "
        "antal fuldtidspersoner, en uændret andel af de 18-29-årige ville have givet, og det "
        "faktiske antal, prissat fra den billigste ydelse til den faktiske ydelsesfordeling."
    ]
    return Section("okonomi", ECONOMICS_TITLE, tuple(paragraphs), tuple(blocks))


BENCHMARK = SectionDef("benchmark", (), _benchmark)
ECONOMICS = SectionDef("okonomi", (), _economics)
