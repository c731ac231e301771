"""The table model: cells keyed by tuples, and the additive structure that links them."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

Key = tuple[Hashable, ...]
"""A cell's key: its values of the table's key columns, e.g. ``(791, "2019M02", "1")``."""


@dataclass(frozen=True)
class Cell:
    """One cell: its key, the distinct persons behind it and its value(s).

    ``values`` are the cell's numbers (count, fte, share …) in the table's value columns. The
    first one orders candidate complements (smallest first, after persons); a cell with a 0
    in any of them is a zero cell (see the package docstring on zeros).
    """

    key: Key
    persons: int | None
    values: tuple[float | None, ...] = ()

    @property
    def magnitude(self) -> float | None:
        return self.values[0] if self.values else None

    @property
    def is_zero(self) -> bool:
        if not self.values:
            return self.persons == 0
        return any(v == 0 for v in self.values)


@dataclass(frozen=True)
class Constraint:
    """One additive relation: ``total = sum(parts)`` (a margin, marginal).

    ``total`` None means the sum is public knowledge without being a cell of the table
    (e.g. the 100 % a row of shares adds up to).
    """

    total: Key | None
    parts: tuple[Key, ...]

    def members(self) -> tuple[Key, ...]:
        return self.parts if self.total is None else (self.total, *self.parts)


@dataclass(frozen=True)
class ProtectedTable:
    """The cells of one table and its additive structure (the constraints).

    ``key_names`` and ``value_names`` name the key and value columns for rendering; they may
    be left empty. Keys must be unique and every constraint must name cells of the table.
    """

    cells: tuple[Cell, ...]
    constraints: tuple[Constraint, ...] = ()
    key_names: tuple[str, ...] = ()
    value_names: tuple[str, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", tuple(self.cells))
        object.__setattr__(self, "constraints", tuple(self.constraints))
        where = f" i tabellen {self.name}" if self.name else ""
        if len(self.index) != len(self.cells):
            seen: set[Key] = set()
            for cell in self.cells:
                if cell.key in seen:
                    raise ValueError(f"cellen {cell.key} forekommer to gange{where}")
                seen.add(cell.key)
        for constraint in self.constraints:
            if not constraint.parts:
                raise ValueError(f"en sum uden dele{where}: {constraint}")
            for key in constraint.members():
                if key not in self.index:
                    raise ValueError(f"summen {constraint} nævner en ukendt celle {key}{where}")
            if constraint.total is not None and constraint.total in constraint.parts:
                raise ValueError(f"cellen {constraint.total} er en del af sin egen sum{where}")
        for cell in self.cells:
            if self.value_names and len(cell.values) != len(self.value_names):
                raise ValueError(
                    f"cellen {cell.key} har {len(cell.values)} værdier, men tabellen har "
                    f"{len(self.value_names)} værdikolonner{where}"
                )
            if self.key_names and len(cell.key) != len(self.key_names):
                raise ValueError(
                    f"cellen {cell.key} har {len(cell.key)} nøgler, men tabellen har "
                    f"{len(self.key_names)} nøglekolonner{where}"
                )

    @cached_property
    def index(self) -> dict[Key, int]:
        """Position of each cell by key."""
        return {cell.key: i for i, cell in enumerate(self.cells)}

    @classmethod
    def cube(
        cls,
        cells: Iterable[Cell],
        totals: Mapping[int, Hashable],
        hierarchies: Mapping[int, Mapping[Hashable, Sequence[Hashable]]] | None = None,
        *,
        key_names: Sequence[str] = (),
        value_names: Sequence[str] = (),
        name: str = "",
    ) -> ProtectedTable:
        """A table whose constraints come from its total cells (a cube with margins).

        ``totals`` maps a key position to the value that marks the total over that dimension
        (``""``, ``"I alt"``, 0 for Hele landet, None for SQL's ROLLUP); ``hierarchies`` maps a
        key position to ``{parent: children}`` for nested dimensions. See ``cube_constraints``.
        """
        from ungeindsats.disclosure.cube import cube_constraints

        cell_list = tuple(cells)
        constraints = cube_constraints([c.key for c in cell_list], totals, hierarchies)
        return cls(cell_list, tuple(constraints), tuple(key_names), tuple(value_names), name)
