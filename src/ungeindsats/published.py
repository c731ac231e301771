"""The output model: every table that leaves the library is a ``PublishedTable``.

A ``PublishedTable`` can only be made by ``publish`` (or ``publish_linked``), which runs
disclosure control (``ungeindsats.disclosure``) on the cells and their known sums; the renderers
(``ungeindsats.outputs``) accept nothing else, so there is no path to a renderer that skips it.
Outputs register themselves in ``OUTPUTS`` so that a test can walk every one of them and prove it.

The published table holds values only: the persons behind each cell, the numerators and the
denominators stay behind (a published denominator with published shares would let a reader
recover a suppressed count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ungeindsats.disclosure import Cell, Constraint, DisclosureRule, ProtectedTable, suppress_linked
from ungeindsats.indicators import COUNTRY, Query, Result, get_indicator
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

_MINTED = object()


@dataclass(frozen=True)
class Source:
    """What one table to publish is made of: an indicator result and how to show it."""

    result: Result
    title: str | None = None


@dataclass(frozen=True)
class PublishedTable:
    """A table that has passed disclosure control. ``rows`` hold None where a cell is
    suppressed; ``marker`` is what renderers print there."""

    title: str
    unit: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    marker: str
    source: str
    notes: tuple[str, ...]
    suppressed: int
    _minted: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._minted is not _MINTED:
            raise TypeError("a PublishedTable is made by publish(), which applies disclosure")

    @property
    def cells(self) -> int:
        return len(self.rows)

    @property
    def suppression_rate(self) -> float:
        return self.suppressed / self.cells if self.rows else 0.0


_MEASURES = ("value", "persons", "numerator", "denominator")


def _keys(result: Result) -> tuple[str, ...]:
    """Every column that identifies a cell (an indicator may add its own breakdowns)."""
    return tuple(c for c in result.table.column_names if c not in _MEASURES)


def _model(result: Result, name: str) -> ProtectedTable:
    keys = _keys(result)
    rows = result.rows()
    cells = [Cell(tuple(row[k] for k in keys), row.get("persons"), (row["value"],)) for row in rows]
    constraints = []
    partition = result.indicator.partition
    if partition and partition in keys:
        # Shares of one whole: the sum over the partition's cells is known to every reader.
        position = keys.index(partition)
        groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for cell in cells:
            groups.setdefault(cell.key[:position] + cell.key[position + 1 :], []).append(cell.key)
        constraints = [
            Constraint(None, tuple(group)) for group in groups.values() if len(group) > 1
        ]
    return ProtectedTable(
        tuple(cells), tuple(constraints), key_names=keys, value_names=("value",), name=name
    )


def publish_linked(sources: Sequence[Source], rule: DisclosureRule) -> list[PublishedTable]:
    """Protect the tables of one page or report together (cells with the same key and the same
    persons share one suppression pattern, so a count table and its rate table cannot be played
    off each other; see ``_same_persons``), and return them as published tables."""
    models = [_model(s.result, s.title or s.result.indicator.label) for s in sources]
    patterns: list[Any] = [None] * len(sources)
    for indexes in _same_persons(models):
        linked = suppress_linked([models[i] for i in indexes], rule)
        for i, pattern in zip(indexes, linked, strict=True):
            patterns[i] = pattern
    published = []
    for source, model, pattern in zip(sources, models, patterns, strict=True):
        result = source.result
        keys = _keys(result)
        rows = []
        hidden = 0
        for cell in model.cells:
            shown = pattern.published(cell.key)
            hidden += not shown
            rows.append(
                {
                    **dict(zip(keys, cell.key, strict=True)),
                    "value": cell.values[0] if shown else None,
                }
            )
        published.append(
            PublishedTable(
                source.title or result.indicator.label,
                result.indicator.unit,
                (*keys, "value"),
                keys,
                tuple(rows),
                rule.marker,
                result.source,
                result.notes,
                hidden,
                _MINTED,
            )
        )
    return published


def _same_persons(models: Sequence[ProtectedTable]) -> list[list[int]]:
    """The tables to protect together: those with the same key columns whose cells rest on
    the same persons wherever they share a key (a count, its share and its rate per 1,000).

    Tables about other persons in the same cells (the exits of last year, the subset on
    support for 3 years or more) give nothing of each other away, so a small cell in one
    must not hide the large cell of the other (it hid Viborg's whole group 1 in the seminar
    tables because fewer than 5 of it had been on support for 3 years). A cell without a
    persons count agrees with anything: unknown is linked, to be safe."""
    persons = [{c.key: c.persons for c in m.cells} for m in models]
    parent = list(range(len(models)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def agree(a: int, b: int) -> bool:
        shared = persons[a].keys() & persons[b].keys()
        return bool(shared) and all(
            persons[a][k] is None or persons[b][k] is None or persons[a][k] == persons[b][k]
            for k in shared
        )

    for b in range(len(models)):
        for a in range(b):
            if models[a].key_names == models[b].key_names and agree(a, b):
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(models)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def publish(result: Result, rule: DisclosureRule, title: str | None = None) -> PublishedTable:
    """One indicator result as a published table."""
    return publish_linked([Source(result, title)], rule)[0]


Output = Callable[..., Any]
OUTPUTS: dict[str, Output] = {}
"""Every output path of the library, by name; tests walk them all (tests/test_published.py)."""


def output(name: str) -> Callable[[Output], Output]:
    """Register an output path: a function that returns the published tables it shows."""

    def register(function: Output) -> Output:
        OUTPUTS[name] = function
        return function

    return register


@output("indicator")
def publish_indicator(
    warehouse: Warehouse, rule: DisclosureRule, name: str = "fte", query: Query | None = None
) -> PublishedTable:
    """``ungeindsats indicator``: one indicator for the asked municipalities and periods."""
    query = query or Query((791, COUNTRY), (parse_period("2019M02"),))
    return publish(get_indicator(name)(warehouse, query), rule)
