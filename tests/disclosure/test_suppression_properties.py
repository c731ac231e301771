"""Properties of suppression over random tables with margins (hypothesis).

Each example is a cube of 1-3 dimensions with every margin (row, column and layer totals and
the grand total), counts of persons as values, many of them small. After suppression:
(a) no published cell rests on 1..N-1 persons; (b) no suppressed cell is recoverable, checked
by exact rational elimination (the equations alone) and by linear programming (the equations
and non-negativity: the cell's minimum is below its maximum); (c) the same input gives the
same pattern. Minimality is checked where it is known: a single row with one small cell
loses exactly one more cell, the smallest.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ungeindsats.disclosure import (
    Cell,
    DisclosureRule,
    Key,
    ProtectedTable,
    Reason,
    suppress,
    suppress_linked,
)

from .conftest import TOTAL, cube_table, linearly_determined, pinned_by_lp

counts = st.one_of(st.integers(0, 4), st.integers(0, 60))


@st.composite
def cubes(draw: st.DrawFn) -> tuple[dict[Key, int], list[int]]:
    ndim = draw(st.integers(1, 3))
    largest = {1: 8, 2: 5, 3: 3}[ndim]
    sizes = draw(st.lists(st.integers(2, largest), min_size=ndim, max_size=ndim))
    keys = list(itertools.product(*(range(n) for n in sizes)))
    values = draw(st.lists(counts, min_size=len(keys), max_size=len(keys)))
    return dict(zip(keys, values, strict=True)), sizes


@settings(max_examples=120, deadline=None)
@given(cube=cubes(), n=st.integers(2, 8))
def test_random_cubes_are_protected(cube: tuple[dict[Key, int], list[int]], n: int) -> None:
    interior, sizes = cube
    table = cube_table(interior, sizes)
    rule = DisclosureRule(min_persons=n)
    result = suppress(table, rule)
    for cell in table.cells:
        if cell.persons is not None and 0 < cell.persons < n:
            assert result.reason(cell.key) == Reason.PRIMARY
        else:
            assert result.reason(cell.key) != Reason.PRIMARY
    assert linearly_determined(result) == []
    assert pinned_by_lp(result) == []
    assert suppress(cube_table(interior, sizes), rule) == result


@settings(max_examples=80, deadline=None)
@given(
    small=st.integers(1, 4),
    others=st.lists(st.integers(5, 100), min_size=1, max_size=8),
    at=st.integers(0, 8),
)
def test_a_row_with_one_small_cell_loses_exactly_the_smallest(
    small: int, others: list[int], at: int
) -> None:
    parts = [*others]
    parts.insert(at % (len(others) + 1), small)
    cells = [Cell((i,), v, (float(v),)) for i, v in enumerate(parts)]
    cells.append(Cell((TOTAL,), sum(parts), (float(sum(parts)),)))
    result = suppress(ProtectedTable.cube(cells, {0: TOTAL}))
    small_at = parts.index(small)
    smallest_other = min((v, i) for i, v in enumerate(parts) if i != small_at)[1]
    assert set(result.suppressed_keys) == {(small_at,), (smallest_other,)}


@settings(max_examples=40, deadline=None)
@given(cube=cubes())
def test_linked_percentages_share_the_pattern(cube: tuple[dict[Key, int], list[int]]) -> None:
    """Row percentages (each cell as a share of its total over the last dimension) linked to
    the counts: the same cells are hidden in both, and neither table gives a cell away."""
    interior, sizes = cube
    counts_table = cube_table(interior, sizes)
    value = {c.key: c.values[0] or 0.0 for c in counts_table.cells}
    shares = []
    for c in counts_table.cells:
        whole = value[(*c.key[:-1], TOTAL)]
        shares.append(Cell(c.key, None, (100 * value[c.key] / whole if whole else 0.0,)))
    share_table = ProtectedTable.cube(shares, {len(sizes) - 1: TOTAL})
    counted, shared = suppress_linked([counts_table, share_table])
    assert counted.suppressed_keys == shared.suppressed_keys
    assert linearly_determined(counted) == []
    assert pinned_by_lp(counted) == []
    assert pinned_by_lp(shared) == []


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(2, 6),
    columns=st.integers(2, 6),
    data=st.data(),
)
def test_one_small_cell_in_a_table_with_margins_hides_a_rectangle(
    rows: int, columns: int, data: st.DataObject
) -> None:
    """Four cells is the least that protects one interior cell when all margins are published:
    two rows × two columns of interior cells, one of them the small cell."""
    keys = list(itertools.product(range(rows), range(columns)))
    values = data.draw(st.lists(st.integers(5, 80), min_size=len(keys), max_size=len(keys)))
    small_at = data.draw(st.sampled_from(keys))
    interior = dict(zip(keys, values, strict=True)) | {small_at: data.draw(st.integers(1, 4))}
    result = suppress(cube_table(interior, [rows, columns]))
    hidden = set(result.suppressed_keys)
    assert small_at in hidden
    assert len(hidden) == 4
    assert len({r for r, _ in hidden}) == 2 and len({c for _, c in hidden}) == 2
    assert TOTAL not in {k for key in hidden for k in key}
