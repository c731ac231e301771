"""The benchmark and economics pages: the models of ``ungeindsats.benchmark`` and
``ungeindsats.economics``, published there, shaped into the same panels as the indicator pages.

No model runs here; a model that cannot answer (e.g. framework variables or benefit rates not
imported) gives a page whose panel says why in Danish.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ungeindsats.benchmark import publish_benchmark, run_benchmark
from ungeindsats.benchmark.publish import PublishedBenchmark, key_figure_tables
from ungeindsats.charts import chart_expected_actual, chart_monthly_curve, chart_rank_over_time
from ungeindsats.classifications import municipality
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import IndicatorError
from ungeindsats.ingest.errors import UserError
from ungeindsats.periods import Period
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse
from ungeindsats.web.panels import Page, Panel, key_figure_panel, periods_for

BENCHMARK_OUTCOME = "public_support"
"""The benchmark page's outcome: full-time persons 18-29 on public support as a share of the
age group (``ungeindsats.benchmark.outcomes``)."""


def _failed(key: str, title: str, message: str, marker: str) -> Panel:
    return Panel(key, title, "", "", "", (), (), None, "", (), marker, message)


def _history(month: Period) -> tuple[Period, ...]:
    """Every third month over the three years up to ``month`` (the rank and index curves)."""
    months = periods_for("curve", month)
    return tuple(months[len(months) - 1 :: -3][::-1])


def _scatter(published: PublishedBenchmark) -> dict[str, Any]:
    """Expected against actual for every municipality whose line disclosure control shows."""
    lines: dict[int, dict[str, Any]] = {}
    for row in published.lines.rows:
        lines.setdefault(int(row["municipality"]), {})[row["measure"]] = row["value"]
    kommune = published.benchmark.kommune
    rows = [
        {
            "name": municipality(code).name,
            "expected": values.get("expected"),
            "actual": values.get("actual"),
            "highlight": code == kommune,
        }
        for code, values in lines.items()
    ]
    return chart_expected_actual(
        rows, title="Forventet og faktisk andel, alle kommuner", unit="pct."
    )


def _ranks(published: PublishedBenchmark) -> dict[str, Any]:
    rows = [
        {"period": str(r["period"]), "rank": r["value"]}
        for r in published.peer_ranks.rows
        if r["measure"] == "rank_difference"
    ]
    rows.sort(key=lambda r: r["period"])
    return chart_rank_over_time(rows, title="Rang blandt sammenlignelige kommuner")


def _index(published: PublishedBenchmark) -> dict[str, Any]:
    rows = [
        {"period": str(r["period"]), "series": str(r["series"]), "value": r["value"]}
        for r in published.index.rows
    ]
    return chart_monthly_curve(rows, title=published.index.title, unit="indeks")


def benchmark_page(warehouse: Warehouse, rule: DisclosureRule, kommune: int, month: Period) -> Page:
    """Expected vs actual (scatter), the rank among the peers over time, the index, the
    potential and the model, for ``kommune`` in ``month``."""
    title = "Benchmark: forventet og faktisk"
    intro = (
        "Fuldtidspersoner 18-29 år på offentlig forsørgelse som andel af aldersgruppen, mod det "
        "niveau kommunens rammevilkår lader forvente (docs/benchmark.md)."
    )
    try:
        benchmark = run_benchmark(
            warehouse, BENCHMARK_OUTCOME, month, kommune, history=_history(month)
        )
    except (UserError, IndicatorError) as exc:
        panel = _failed("benchmark", title, str(exc), rule.marker)
        return Page("benchmark", title, intro, kommune, month.label(), (panel,))
    published = publish_benchmark(benchmark, rule)
    tables = key_figure_tables(published)
    charts = (_scatter(published), _ranks(published), _index(published), None, None)
    panels = tuple(
        replace(key_figure_panel(i, table), key=f"benchmark-{i + 1}", chart=chart)
        for i, (table, chart) in enumerate(zip(tables, charts, strict=False))
    )
    return Page("benchmark", title, intro, kommune, month.label(), panels)


def economics_page(
    warehouse: Warehouse, rule: DisclosureRule, kommune: int, month: Period, settings: Settings
) -> Page:
    """Net cost by youth group (the year before ``month``) and the realised saving (seed 002's
    2015M01 → 2017M09), as the main job computes them."""
    from ungeindsats.economics.tables import economics_step

    title = "Økonomi: nettoudgifter og realiseret besparelse"
    intro = (
        "Kommunens nettoudgift efter statsrefusion pr. fuldtidsperson og i alt, og besparelsen "
        "ved at færre unge er på offentlig forsørgelse end ved den oprindelige andel "
        "(docs/economics.md). Potentialet ved at nå forventet niveau står på benchmarksiden."
    )
    try:
        tables = economics_step(warehouse, rule, kommune, month, settings)
    except (UserError, IndicatorError) as exc:
        panel = _failed("oekonomi", title, str(exc), rule.marker)
        return Page("oekonomi", title, intro, kommune, month.label(), (panel,))
    # The saving's steps mix shares, persons and kroner: a table, not a chart.
    panels = tuple(
        replace(
            key_figure_panel(i, t),
            key=f"oekonomi-{i + 1}",
            chart=None if t.unit == "se trin" else key_figure_panel(i, t).chart,
        )
        for i, t in enumerate(tables)
    )
    return Page("oekonomi", title, intro, kommune, month.label(), panels)
