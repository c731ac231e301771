"""The linear-algebra audit: can a suppressed cell be recovered from the published ones?

The constraints are rows ``sum(coef * cell) = 0``. Move the published cells to the right-hand
side: what remains is ``A_F x_F = b`` over the free (suppressed) cells F. The value of cell
``i`` is determined by the published cells exactly when every solution of ``A_F d = 0``
has ``d_i = 0``, i.e. when ``e_i`` lies in the row space of ``A_F``. With N a basis of the
null space of ``A_F``, ``i`` can move exactly when the i-th row of N is not zero;
``||N_i||^2``, the i-th diagonal entry of the projection onto the null space, is
``1 - ||V_i||^2`` with V the row-space basis from the (thin) singular value decomposition.
Tolerances: singular values below ``max(shape) * eps * s_max`` count as zero (NumPy's
``matrix_rank`` rule), and a cell can move when ``||N_i||^2 > 1e-9``. That entry is
either 0 or at least ``d_i^2 / ||d||^2`` for any null vector ``d``; in a table with margins
a cycle of alternating +1/-1 cells through ``i`` is such a vector, giving at least 1/(its
length), so 1e-9 separates the two cases for any real table.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

Row = Sequence[tuple[int, float]]
"""One constraint: (cell, coefficient) pairs whose weighted sum is zero."""

MOVABLE_TOLERANCE = 1e-9


def movable(
    rows: Sequence[Row], free: Sequence[int], wanted: Collection[int] | None = None
) -> dict[int, bool]:
    """For each free cell: can it change while every other cell stays as published?

    Cells not in ``free`` are held at their published values. Rows touching no free cell
    say nothing about the free cells and are ignored; the rest fall apart into blocks of
    free cells linked by shared rows, whose null spaces are independent. With ``wanted``,
    only the blocks holding one of those cells are computed.
    """
    result: dict[int, bool] = {}
    for cells, block_rows in _blocks(rows, free):
        if wanted is None or any(cell in wanted for cell in cells):
            result.update(_movable_block(block_rows, cells))
    return result


def _blocks(rows: Sequence[Row], free: Sequence[int]) -> list[tuple[list[int], list[Row]]]:
    """The free cells grouped by the rows they share (union-find), each with its rows."""
    parent = {cell: cell for cell in free}

    def find(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    touching: list[tuple[int, Row]] = []
    for row in rows:
        cells = [cell for cell, _ in row if cell in parent]
        if not cells:
            continue
        root = find(cells[0])
        for cell in cells[1:]:
            other = find(cell)
            if other != root:
                parent[other] = root
        touching.append((cells[0], row))
    members: dict[int, list[int]] = {}
    for cell in free:
        members.setdefault(find(cell), []).append(cell)
    block_rows: dict[int, list[Row]] = {root: [] for root in members}
    for cell, row in touching:
        block_rows[find(cell)].append(row)
    return [(members[root], block_rows[root]) for root in members]


def _movable_block(rows: Sequence[Row], free: Sequence[int]) -> dict[int, bool]:
    if not rows:
        return dict.fromkeys(free, True)
    column = {cell: j for j, cell in enumerate(free)}
    matrix = np.zeros((len(rows), len(free)))
    for r, row in enumerate(rows):
        for cell, coef in row:
            j = column.get(cell)
            if j is not None:
                matrix[r, j] += coef
    _, singular, vh = np.linalg.svd(matrix, full_matrices=False)
    tolerance = max(matrix.shape) * np.finfo(float).eps * singular[0]
    rank = int(np.count_nonzero(singular > tolerance))
    # ||N_i||^2 = 1 - (projection of e_i onto the row space, spanned by vh[:rank])
    weight = 1.0 - np.einsum("ij,ij->j", vh[:rank], vh[:rank])
    return {cell: bool(weight[j] > MOVABLE_TOLERANCE) for cell, j in column.items()}
