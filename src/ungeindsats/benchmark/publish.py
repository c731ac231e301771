"""A benchmark as published tables (disclosure control) and as printable key-figure tables.

Every number leaves through ``publish_linked``. A municipality's line (actual, expected,
differences, interval, rank) rests on the distinct persons behind its numerator, so a line on 1-4
persons is hidden as a whole; a figure that combines municipalities (a peer rank, a gap to the
best peer) is hidden when any of them is. The model report is a fit across all municipalities
and rests on all the persons behind the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from ungeindsats.benchmark.analysis import Benchmark
from ungeindsats.classifications import municipality
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import Result
from ungeindsats.keyfigures import Cell, KeyFigureTable
from ungeindsats.outputs import danish_number
from ungeindsats.published import PublishedTable, Source, publish_linked

LINE_MEASURES = {
    "actual": "Faktisk (pct.)",
    "expected": "Forventet (pct.)",
    "difference_points": "Forskel (pct.-point)",
    "difference_persons": "Forskel (antal)",
    "lower": "90 %-interval, fra",
    "upper": "90 %-interval, til",
    "rank": "Rang (1 = længst under forventet)",
}
RANK_MEASURES = {
    "rank_actual": "Rang efter andel",
    "rank_difference": "Rang efter forskel til forventet",
    "group_size": "Antal kommuner i gruppen",
}
POTENTIAL_MEASURES = {
    "level": "Niveau (pct.)",
    "persons": "Forskel (antal)",
    "kroner": "Kr. om året",
}
MODEL_MEASURES = {
    "estimate": "Koefficient",
    "std_error": "Standardfejl",
    "lower": "90 %-interval, fra",
    "upper": "90 %-interval, til",
    "p_value": "p-værdi",
}
_INTEGER = {"rank", "rank_actual", "rank_difference", "group_size"}


def _persons(counts: Sequence[int]) -> int:
    """Persons a combined figure rests on: its smallest non-zero count (0 if all are 0), so the
    figure is hidden when any municipality in it is."""
    nonzero = [int(c) for c in counts if c > 0]
    return min(nonzero) if nonzero else 0


def _result(b: Benchmark, columns: dict[str, list[Any]], title: str, unit: str) -> Source:
    types = {"municipality": pa.int16(), "value": pa.float64(), "persons": pa.int64()}
    table = pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in columns.items()})
    indicator = replace(b.data.result.indicator, label=title, unit=unit, partition=None)
    return Source(
        Result(indicator, b.data.result.query, table, b.data.result.source, b.data.result.notes),
        title,
    )


def _lines(b: Benchmark) -> Source:
    main = b.main
    row = b.data.periods.index(b.period)
    fit = main.fit
    measures = {
        "actual": fit.actual,
        "expected": fit.expected,
        "difference_points": fit.difference,
        "difference_persons": fit.difference / 100.0 * b.data.population[row],
        "lower": fit.lower,
        "upper": fit.upper,
        "rank": fit.rank.astype(np.float64),
    }
    columns: dict[str, list[Any]] = {
        k: [] for k in ("municipality", "period", "measure", "value", "persons")
    }
    for j, code in enumerate(b.data.codes):
        for name, values in measures.items():
            columns["municipality"].append(code)
            columns["period"].append(b.period)
            columns["measure"].append(name)
            columns["value"].append(float(values[j]))
            columns["persons"].append(int(b.data.persons[row, j]))
    return _result(b, columns, f"Forventet og faktisk: {b.outcome.label}", "pct.")


def _ranks(b: Benchmark) -> Source:
    group = [b.position(c) for c in (b.kommune, *b.peers)]
    columns: dict[str, list[Any]] = {
        k: [] for k in ("municipality", "period", "measure", "value", "persons")
    }
    for i, rank in enumerate(b.peer_ranks):
        values = {
            "rank_actual": rank.by_actual,
            "rank_difference": rank.by_difference,
            "group_size": rank.of,
        }
        for name, value in values.items():
            columns["municipality"].append(b.kommune)
            columns["period"].append(rank.period)
            columns["measure"].append(name)
            columns["value"].append(float(value))
            columns["persons"].append(_persons(b.data.persons[i, group].tolist()))
    return _result(b, columns, "Rang blandt sammenlignelige kommuner", "rang (1 = bedst)")


def _potential(b: Benchmark) -> Source:
    row = b.data.periods.index(b.period)
    columns: dict[str, list[Any]] = {k: [] for k in ("target", "measure", "value", "persons")}
    for item in b.potential:
        persons = _persons([int(b.data.persons[row, b.position(c)]) for c in item.rests_on])
        values = {"level": item.level, "persons": item.persons, "kroner": item.kroner}
        for name, value in values.items():
            if value is None:
                continue
            columns["target"].append(item.label)
            columns["measure"].append(name)
            columns["value"].append(float(value))
            columns["persons"].append(persons)
    unit = f"pct., {b.outcome.unit} og kr."
    return _result(b, columns, "Potentiale", unit)


def _model(b: Benchmark) -> Source:
    fit = b.main.fit
    columns: dict[str, list[Any]] = {k: [] for k in ("term", "measure", "value", "persons")}
    everyone = int(b.data.persons[b.data.periods.index(b.period)].sum())
    rows = [
        (c.name, name, float(getattr(c, name))) for c in fit.coefficients for name in MODEL_MEASURES
    ]
    rows += [("Model", "r_squared", fit.r_squared), ("Model", "n", float(fit.n))]
    for term, name, value in rows:
        columns["term"].append(term)
        columns["measure"].append(name)
        columns["value"].append(value)
        columns["persons"].append(everyone)
    return _result(b, columns, "Modellen (vægtet mindste kvadraters metode)", "se kolonnerne")


@dataclass(frozen=True)
class PublishedBenchmark:
    """The benchmark's tables after disclosure control."""

    benchmark: Benchmark
    lines: PublishedTable
    peer_ranks: PublishedTable
    index: PublishedTable
    potential: PublishedTable
    model: PublishedTable

    @property
    def tables(self) -> tuple[PublishedTable, ...]:
        return (self.lines, self.peer_ranks, self.index, self.potential, self.model)


def publish_benchmark(b: Benchmark, rule: DisclosureRule) -> PublishedBenchmark:
    index_title = f"Indeks ({b.data.periods[0]} = 100): {b.outcome.label}"
    sources = [_lines(b), _ranks(b), Source(b.index, index_title), _potential(b), _model(b)]
    return PublishedBenchmark(b, *publish_linked(sources, rule))


# --------------------------------------------------------------------------- printable views


def published_cell(row: dict[str, Any]) -> Cell:
    value = row["value"]
    if value is not None and row.get("measure") in _INTEGER:
        value = int(value)
    return Cell(value, value is None)


def _grid(
    table: PublishedTable, row_key: str, col_key: str, rows: Sequence[Any], cols: dict[str, str]
) -> tuple[tuple[str, tuple[Cell, ...]], ...]:
    cells = {(r[row_key], r[col_key]): published_cell(r) for r in table.rows}
    return tuple(
        (str(label), tuple(cells.get((key, c), Cell(None)) for c in cols)) for key, label in rows
    )


def key_figure_tables(published: PublishedBenchmark) -> list[KeyFigureTable]:
    """The municipality and its peers, the peer ranks over time, the index, the potential and
    the model, as tables for people."""
    b = published.benchmark
    shown = [(c, f"{c} {municipality(c).name}") for c in (b.kommune, *b.peers)]
    head = (
        f"Sammenlignelige kommuner: {b.peer_source}. Forventet = forudsagt af modellen uden "
        f"kommunen selv; rang blandt {len(b.data.codes)} kommuner."
    )
    model_notes = (
        f"R² = {b.main.fit.r_squared:.2f}, n = {b.main.fit.n} kommuner, vægtet med befolkningen.",
        *(
            f"{n}: {s}"
            for n, s in zip(b.main.framework.names, b.main.framework.sources, strict=True)
        ),
        *b.main.framework.notes,
    )
    money = (
        "Forskel = (kommunens andel − målets andel) × befolkningen; positiv = så mange færre, "
        "hvis kommunen nåede målet."
        + (
            f" Kr. om året = forskel × {danish_number(b.unit_cost_kr, 0)} kr. pr. helårsperson."
            if b.unit_cost_kr is not None
            else ""
        ),
    )
    periods = [(p, p) for p in b.data.periods]
    series = {s: s for s in ("Kommunen", "Sammenlignelige kommuner", "Hele landet")}
    targets = [(p.label, p.label) for p in b.potential]
    terms = [(c.name, c.name) for c in b.main.fit.coefficients]
    specs = (
        (published.lines, "municipality", "measure", shown, LINE_MEASURES, "Kommune", (head,)),
        (published.peer_ranks, "period", "measure", periods, RANK_MEASURES, "Periode", ()),
        (published.index, "period", "series", periods, series, "Periode", ()),
        (published.potential, "target", "measure", targets, POTENTIAL_MEASURES, "Mål", money),
        (published.model, "term", "measure", terms, MODEL_MEASURES, "Rammevilkår", model_notes),
    )
    return [
        KeyFigureTable(
            table.title,
            table.unit,
            b.period,
            label,
            tuple(cols.values()),
            _grid(table, row_key, col_key, rows, cols),
            table.source,
            table.marker,
            (*notes, *table.notes),
        )
        for table, row_key, col_key, rows, cols, label, notes in specs
    ]
