"""Independent checks of a suppression pattern and a builder of cubes with margins.

The engine decides with floating-point linear algebra (an SVD). These checks use other
methods: exact rational elimination for "do the equations determine the cell", and linear
programming (scipy's HiGHS) for "do the equations and non-negativity pin the cell to one
value" (the interval test: its minimum must be below its maximum).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from ungeindsats.disclosure import Cell, Key, ProtectedTable, Suppressed

TOTAL = -1  # the total marker of the cubes built here


def cube_table(interior: dict[Key, int], sizes: Sequence[int]) -> ProtectedTable:
    """A cube with every margin: cells whose key has TOTAL in some places are sums.

    Value and persons are equal, as for a count of persons.
    """
    axes = [[*range(n), TOTAL] for n in sizes]
    cells = []
    for key in itertools.product(*axes):
        value = sum(
            v
            for k, v in interior.items()
            if all(t in (TOTAL, x) for t, x in zip(key, k, strict=True))
        )
        cells.append(Cell(key, value, (float(value),)))
    return ProtectedTable.cube(cells, dict.fromkeys(range(len(sizes)), TOTAL))


def _system(result: Suppressed) -> tuple[list[Key], list[list[Fraction]], list[Fraction]]:
    """Equations A x = b over the suppressed cells x, the published cells moved right."""
    table = result.table
    hidden = [c.key for c in table.cells if not result.published(c.key)]
    column = {k: j for j, k in enumerate(hidden)}
    value = {c.key: Fraction(c.values[0] or 0) for c in table.cells}
    matrix, rhs = [], []
    for constraint in table.constraints:
        row = [Fraction(0)] * len(hidden)
        b = Fraction(0)
        terms = [(k, 1) for k in constraint.parts]
        if constraint.total is not None:
            terms.append((constraint.total, -1))
        for key, coef in terms:
            if key in column:
                row[column[key]] += coef
            else:
                b -= coef * value[key]
        if any(row):
            matrix.append(row)
            rhs.append(b)
    return hidden, matrix, rhs


def linearly_determined(result: Suppressed) -> list[Key]:
    """Suppressed cells fixed by the equations alone: e_i is a row of the exact RREF."""
    hidden, matrix, _ = _system(result)
    rows = [r[:] for r in matrix]
    pivot_row = 0
    for col in range(len(hidden)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    determined = []
    for row in rows[:pivot_row]:
        nonzero = [j for j, x in enumerate(row) if x != 0]
        if len(nonzero) == 1:
            determined.append(hidden[nonzero[0]])
    return determined


def interval(result: Suppressed, key: Key) -> tuple[float, float]:
    """The smallest and largest value of a suppressed cell consistent with what is
    published, given that every cell is non-negative (max may be infinite)."""
    hidden, matrix, rhs = _system(result)
    j = hidden.index(key)
    a = np.array([[float(x) for x in row] for row in matrix]).reshape(len(matrix), len(hidden))
    b = np.array([float(x) for x in rhs])
    objective = np.zeros(len(hidden))
    objective[j] = 1.0
    equalities = {"A_eq": a, "b_eq": b} if len(matrix) else {}
    low = linprog(objective, bounds=(0, None), method="highs", **equalities)
    high = linprog(-objective, bounds=(0, None), method="highs", **equalities)
    assert low.status == 0, low.message
    assert high.status in (0, 3), high.message  # 3: unbounded above
    return float(low.fun), (float(-high.fun) if high.status == 0 else float("inf"))


def pinned_by_lp(result: Suppressed) -> list[Key]:
    """Suppressed cells that need protection (value > 0 or primary) yet have min == max."""
    pinned = []
    for cell in result.table.cells:
        reason = result.reason(cell.key)
        if reason is None or (cell.values[0] == 0 and reason != "primær"):
            continue
        low, high = interval(result, cell.key)
        if high - low < 1e-6:
            pinned.append(cell.key)
    return pinned
