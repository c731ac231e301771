"""Disclosure control for the project's tidy Arrow tables (keys, values, persons per cell)."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.disclosure.cube import cube_constraints
from ungeindsats.disclosure.engine import Suppressed, suppress_linked
from ungeindsats.disclosure.model import Cell, Key, ProtectedTable
from ungeindsats.disclosure.rule import DisclosureRule

SUPPRESSED = "suppressed"
"""The boolean column of the masked rendering: True where the cell is not published."""

Formatter = Callable[[object], str]


@dataclass(frozen=True)
class ArrowTable:
    """A tidy Arrow table to protect, and what its columns mean.

    ``keys`` identify a cell; ``value_columns`` are published (the marker where suppressed);
    ``persons`` holds the distinct persons behind a cell (None: no such column, e.g. a
    percentage table that is only protected through its link to a count table).
    ``total_markers`` maps a key column to the value marking its total rows ("" or
    "I alt"; 0 for Hele landet; None for a SQL ROLLUP's null); ``hierarchies`` maps a key
    column to ``{parent: children}`` for a nested dimension. Every other column is dropped.
    """

    table: pa.Table
    keys: tuple[str, ...]
    value_columns: tuple[str, ...]
    persons: str | None = "persons"
    total_markers: Mapping[str, Hashable] = field(default_factory=dict)
    hierarchies: Mapping[str, Mapping[Hashable, Sequence[Hashable]]] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True)
class ProtectedArrow:
    """A protected table in two renderings, and the pattern behind them.

    ``text``: the key columns and the value columns as strings, the marker in suppressed
    cells (for CSV and plain output). ``masked``: the key columns, the value columns in their
    own type with null in suppressed cells, and the boolean column ``suppressed`` (for
    renderers that format numbers themselves and print the marker, ``pattern.rule.marker``,
    where ``suppressed`` is true). Neither holds the persons column nor the reasons.
    """

    text: pa.Table
    masked: pa.Table
    pattern: Suppressed


def plain_number(value: object) -> str:
    """A number as text without float noise: 624.0 → "624", 0.1 + 0.2 → "0.3"."""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return format(value, ".12g")
    return str(value)


def protect_arrow(
    table: pa.Table,
    *,
    keys: Sequence[str],
    value_columns: Sequence[str],
    persons: str | None = "persons",
    total_markers: Mapping[str, Hashable] | None = None,
    hierarchies: Mapping[str, Mapping[Hashable, Sequence[Hashable]]] | None = None,
    rule: DisclosureRule | None = None,
    formatter: Formatter = plain_number,
) -> ProtectedArrow:
    """Protect one tidy table: primary suppression, and secondary where it has totals."""
    spec = ArrowTable(
        table, tuple(keys), tuple(value_columns), persons, total_markers or {}, hierarchies or {}
    )
    return protect_arrow_linked([spec], rule, formatter)[0]


def protect_arrow_linked(
    tables: Sequence[ArrowTable],
    rule: DisclosureRule | None = None,
    formatter: Formatter = plain_number,
) -> list[ProtectedArrow]:
    """Protect the tables of one report or page together: rows with the same key values
    share one pattern (a count table and its percentage table). All tables need the same
    key columns (in any order)."""
    rule = rule or DisclosureRule()
    if not tables:
        return []
    order = tables[0].keys
    for spec in tables[1:]:
        if set(spec.keys) != set(order):
            raise ValueError(
                "sammenkædede tabeller skal have de samme nøglekolonner: "
                f"{', '.join(order)} og {', '.join(spec.keys)}"
            )
    models = [_model(spec, order) for spec in tables]
    patterns = suppress_linked(models, rule)
    return [
        _render(spec, pattern, formatter) for spec, pattern in zip(tables, patterns, strict=True)
    ]


def _model(spec: ArrowTable, order: Sequence[str]) -> ProtectedTable:
    table = spec.table
    where = f" i tabellen {spec.name}" if spec.name else ""
    wanted = [*spec.keys, *spec.value_columns, *([spec.persons] if spec.persons else [])]
    missing = [c for c in wanted if c not in table.column_names]
    if missing:
        raise ValueError(
            f"kolonnen/kolonnerne {', '.join(missing)} mangler{where}; "
            f"tabellen har {', '.join(table.column_names)}"
        )
    if SUPPRESSED in wanted:
        raise ValueError(f"kolonnenavnet '{SUPPRESSED}' er reserveret{where}")
    for name in spec.value_columns:
        kind = table[name].type
        if not (
            pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
        ):
            raise ValueError(f"værdikolonnen {name} er ikke tal ({kind}){where}")
    for name in (*spec.total_markers, *spec.hierarchies):
        if name not in spec.keys:
            raise ValueError(f"{name} har totaler, men er ikke en nøglekolonne{where}")
    key_columns = [table[name].to_pylist() for name in order]
    keys: list[Key] = list(zip(*key_columns, strict=True)) if key_columns else []
    if not key_columns:
        keys = [() for _ in range(table.num_rows)]
    persons = table[spec.persons].to_pylist() if spec.persons else [None] * table.num_rows
    value_lists = [[_number(v) for v in table[n].to_pylist()] for n in spec.value_columns]
    cells = [
        Cell(key, None if p is None else int(p), tuple(vs))
        for key, p, *vs in zip(keys, persons, *value_lists, strict=True)
    ]
    position = {name: i for i, name in enumerate(order)}
    constraints = cube_constraints(
        keys,
        {position[name]: marker for name, marker in spec.total_markers.items()},
        {position[name]: tree for name, tree in spec.hierarchies.items()},
    )
    return ProtectedTable(
        tuple(cells), tuple(constraints), tuple(order), spec.value_columns, spec.name
    )


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    raise TypeError(f"ikke et tal: {value!r}")


def _render(spec: ArrowTable, pattern: Suppressed, formatter: Formatter) -> ProtectedArrow:
    table = spec.table
    hidden = pa.array([r is not None for r in pattern.reasons], pa.bool_())
    marker = pattern.rule.marker
    text: dict[str, pa.Array | pa.ChunkedArray] = {k: table[k] for k in spec.keys}
    masked: dict[str, pa.Array | pa.ChunkedArray] = {k: table[k] for k in spec.keys}
    for name in spec.value_columns:
        column = table[name]
        masked[name] = pc.if_else(hidden, pa.nulls(len(hidden), column.type), column)
        text[name] = pa.array(
            [
                marker if h else (None if v is None else formatter(v))
                for h, v in zip(hidden.to_pylist(), column.to_pylist(), strict=True)
            ],
            pa.string(),
        )
    masked[SUPPRESSED] = hidden
    return ProtectedArrow(pa.table(text), pa.table(masked), pattern)


def with_totals(
    table: pa.Table,
    dim: str,
    *,
    keys: Sequence[str],
    value_columns: Sequence[str],
    persons: str | None = "persons",
    marker: Hashable = "",
    disjoint_persons: bool = False,
) -> pa.Table:
    """Add the total rows over ``dim`` (one per combination of the other keys), so that a
    table is protected as it will be published.

    ``value_columns`` are summed (a null part makes the total null); they must be additive
    (counts, fte, weeks; not shares or averages). The total's persons are the largest of its
    parts' persons: a lower bound of the distinct persons, since a person may be in several
    parts (moved, changed group), so the rule errs on the safe side. Pass
    ``disjoint_persons=True`` when no person can be in two parts; the sum is then exact.
    Other columns are null in the total rows. Call it once per dimension for a full cube.
    """
    if dim not in keys:
        raise ValueError(f"{dim} er ikke en nøglekolonne ({', '.join(keys)})")
    column = table[dim]
    try:
        mark = pa.scalar(marker, type=column.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ValueError(
            f"totalmarkøren {marker!r} passer ikke til kolonnen {dim} ({column.type})"
        ) from error
    present = pc.is_null(column) if marker is None else pc.equal(column, mark)
    if pc.any(present).as_py():
        raise ValueError(f"{dim} har allerede totalrækker ({marker!r})")
    if table.num_rows == 0:
        return table
    others = [k for k in keys if k != dim]
    options = pc.ScalarAggregateOptions(skip_nulls=False)
    aggregations: list[tuple[str, str, pc.ScalarAggregateOptions]] = [
        (name, "sum", options) for name in value_columns
    ]
    if persons:
        aggregations.append((persons, "sum" if disjoint_persons else "max", options))
    grouped = table.group_by(others, use_threads=False).aggregate(aggregations)
    n = grouped.num_rows
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for field_ in table.schema:
        name, kind = field_.name, field_.type
        if name in others:
            columns[name] = grouped[name]
        elif name == dim:
            columns[name] = pa.array([marker] * n, kind)
        elif name in value_columns:
            columns[name] = grouped[f"{name}_sum"].cast(kind)
        elif name == persons:
            columns[name] = grouped[f"{name}_{'sum' if disjoint_persons else 'max'}"].cast(kind)
        else:
            columns[name] = pa.nulls(n, kind)
    totals = pa.table(columns, schema=table.schema)
    return pa.concat_tables([table, totals])
