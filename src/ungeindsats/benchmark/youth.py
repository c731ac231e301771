"""The main job's benchmark step: a municipality's expected-vs-actual line and peer rank for the
youth outcomes, and the registered output that the disclosure walk checks."""

from __future__ import annotations

from typing import Any

from ungeindsats.benchmark.analysis import run_benchmark
from ungeindsats.benchmark.framework import FrameworkData
from ungeindsats.benchmark.publish import (
    LINE_MEASURES,
    PublishedBenchmark,
    publish_benchmark,
    published_cell,
)
from ungeindsats.classifications import municipality
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.keyfigures import Cell, KeyFigureTable
from ungeindsats.periods import Period, parse_period
from ungeindsats.published import PublishedTable, output
from ungeindsats.warehouse import Warehouse

YOUTH_OUTCOMES = (
    ("public_support", "Offentlig forsørgelse i alt", "month"),
    ("youth_group_1", "Gruppe 1", "month"),
    ("youth_group_2", "Gruppe 2", "month"),
    ("youth_group_3", "Gruppe 3", "month"),
    ("neet", "Restgruppen, 15-24 år", "two_years_back"),
)
"""The outcomes of the main job, with the period each is read for: the key figures' month, and
for the NEET group the year two years before (as in the seminar's key figures, seed 001)."""


def _period(kind: str, month: Period) -> Period:
    return month if kind == "month" else parse_period(str(month.year - 2))


def youth_benchmarks(
    warehouse: Warehouse, rule: DisclosureRule, kommune: int, month: Period
) -> list[PublishedBenchmark]:
    """The youth outcomes benchmarked, all against the peers found for the first one."""
    cache: dict[int, FrameworkData] = {}
    first, *rest = YOUTH_OUTCOMES
    runs = [run_benchmark(warehouse, first[0], _period(first[2], month), kommune, cache=cache)]
    for name, _, kind in rest:
        period = _period(kind, month)
        runs.append(
            run_benchmark(warehouse, name, period, kommune, peers=runs[0].peers, cache=cache)
        )
    return [publish_benchmark(b, rule) for b in runs]


def _kommune_cells(published: PublishedBenchmark) -> tuple[Cell, ...]:
    kommune = published.benchmark.kommune
    line = {
        r["measure"]: published_cell(r)
        for r in published.lines.rows
        if r["municipality"] == kommune
    }
    rank = next(
        published_cell(r) for r in published.peer_ranks.rows if r["measure"] == "rank_difference"
    )
    return (*(line[m] for m in LINE_MEASURES), rank)


def youth_benchmark_table(
    warehouse: Warehouse, rule: DisclosureRule, kommune: int = 791, month: Period | None = None
) -> KeyFigureTable:
    """One line per youth outcome: actual and expected share, the difference in points and
    (full-time) persons, the 90 % interval, the rank among the 98 and among the peers."""
    month = month or parse_period("2019M02")
    published = youth_benchmarks(warehouse, rule, kommune, month)
    rows = tuple(
        (f"{label} ({p.benchmark.period})", _kommune_cells(p))
        for (_, label, _), p in zip(YOUTH_OUTCOMES, published, strict=True)
    )
    first = published[0].benchmark
    return KeyFigureTable(
        f"Forventet og faktisk for {municipality(kommune).name}",
        "pct. af befolkningen i aldersgruppen",
        month.label(),
        "Resultatmål",
        (
            *(v for k, v in LINE_MEASURES.items() if k != "rank"),
            f"Rang af {len(first.data.codes)} (1 = længst under forventet)",
            f"Rang blandt {len(first.peers) + 1} sammenlignelige",
        ),
        rows,
        "; ".join(sorted({p.lines.source for p in published})),
        published[0].lines.marker,
        (
            "Forventet: forudsagt ud fra rammevilkårene af en model estimeret uden kommunen "
            "(vægtet regression over de 98 kommuner). Negativ forskel = bedre end forventet; "
            "rang 1 = længst under forventet.",
            f"Sammenlignelige kommuner ({first.peer_source}): "
            + ", ".join(municipality(c).name for c in first.peers)
            + ". Rang blandt dem efter forskel til forventet.",
        ),
    )


@output("benchmark")
def benchmark_output(
    warehouse: Warehouse,
    rule: DisclosureRule,
    outcome: str = "public_support",
    kommune: int = 791,
    period: str = "2017",
    **options: Any,
) -> list[PublishedTable]:
    """``ungeindsats benchmark``: every table of one benchmark (needs all 98 municipalities)."""
    benchmark = run_benchmark(warehouse, outcome, parse_period(period), kommune, **options)
    return list(publish_benchmark(benchmark, rule).tables)
