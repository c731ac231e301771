"""Hand cases of primary and secondary suppression, each worked out in its docstring.

Notation: a row is ``total = part + part + …``; "primær" cells rest on fewer than 5 persons,
"sekundær" cells are hidden so that no primary cell can be recovered by subtraction.
"""

from __future__ import annotations

import pytest

from ungeindsats.disclosure import (
    Cell,
    Constraint,
    DisclosureRule,
    Key,
    ProtectedTable,
    Reason,
    Suppressed,
    recoverable_cells,
    suppress,
    suppress_linked,
)

from .conftest import interval, linearly_determined, pinned_by_lp

P, S, D = Reason.PRIMARY, Reason.SECONDARY, Reason.DERIVED


def count(key: tuple[object, ...], n: int) -> Cell:
    """A cell counting ``n`` persons."""
    return Cell(key, n, (float(n),))


def grid(rows: dict[object, list[int]], columns: list[object]) -> ProtectedTable:
    """A two-way table of counts with row totals, column totals and the grand total ("")."""
    cells = []
    for r, values in rows.items():
        cells += [count((r, c), v) for c, v in zip(columns, values, strict=True)]
        cells.append(count((r, ""), sum(values)))
    sums = [sum(col) for col in zip(*rows.values(), strict=True)]
    cells += [count(("", c), v) for c, v in zip(columns, sums, strict=True)]
    cells.append(count(("", ""), sum(sums)))
    return ProtectedTable.cube(cells, {0: "", 1: ""})


def pattern(result: Suppressed) -> dict[Key, Reason]:
    return {key: reason for key in result.suppressed_keys if (reason := result.reason(key))}


def assert_safe(result: Suppressed) -> None:
    """The independent checks of conftest.py agree that nothing can be recovered."""
    assert linearly_determined(result) == []
    assert pinned_by_lp(result) == []
    assert recoverable_cells(result.table, result.suppressed_keys) == []


def test_rule_defaults_and_marker() -> None:
    assert DisclosureRule().min_persons == 5
    assert DisclosureRule().marker == "<5"
    assert DisclosureRule(min_persons=3).marker == "<3"
    assert DisclosureRule(marker="x").marker == "x"
    rule = DisclosureRule()
    assert [rule.is_sensitive(n) for n in (None, 0, 1, 4, 5, 100)] == [
        False,
        False,  # an empty cell reveals no person
        True,
        True,
        False,
        False,
    ]
    with pytest.raises(ValueError, match="mindst 1 person"):
        DisclosureRule(min_persons=0)


def test_2x2_with_one_cell_of_3() -> None:
    """
    ::

               c1   c2 | I alt
        r1      3   10 |   13
        r2     12   20 |   32
        I alt  15   30 |   45

    3 is primary. Row r1 then has one hidden part: hide the smallest other part, 10 (a part
    before the total 13). Column c1 likewise: hide 12. Now row r2 has one hidden part (12):
    hide 20, which also closes column c2 (10 and 20). The four interior cells are hidden, all
    margins are published: r1 gives 3 + 10 = 13, c1 gives 3 + 12 = 15, …, and the interior
    can move by (+t, -t, -t, +t) without changing a margin, so no cell is recovered. Four
    cells is the least any pattern with published margins can do.
    """
    result = suppress(grid({"r1": [3, 10], "r2": [12, 20]}, ["c1", "c2"]))
    assert pattern(result) == {("r1", "c1"): P, ("r1", "c2"): S, ("r2", "c1"): S, ("r2", "c2"): S}
    assert_safe(result)
    assert interval(result, ("r1", "c1")) == (0.0, 13.0)  # 3 lies anywhere in 0..13


def test_row_with_one_small_cell_loses_exactly_the_smallest_other_cell() -> None:
    """Youth groups 1-4 and their total: 3 + 12 + 7 + 40 = 62. 3 is primary; of the other
    parts 7 is the smallest, so exactly 3 and 7 are hidden (3 + 7 = 10 is all one learns)."""
    cells = [count((g,), n) for g, n in [("1", 3), ("2", 12), ("3", 7), ("4", 40), ("", 62)]]
    result = suppress(ProtectedTable.cube(cells, {0: ""}))
    assert pattern(result) == {("1",): P, ("3",): S}
    assert_safe(result)


def test_smallest_means_fewest_persons_then_smallest_value_then_first() -> None:
    """Values are fte here. Group 2 rests on 6 persons (fte 5.5) and group 3 on 7 (fte 2.0):
    the complement is group 2 (fewer persons). With persons and value equal the first wins."""
    cells = [
        Cell(("1",), 3, (2.5,)),
        Cell(("2",), 6, (5.5,)),
        Cell(("3",), 7, (2.0,)),
        Cell(("4",), 30, (20.0,)),
        Cell(("",), 46, (30.0,)),
    ]
    assert pattern(suppress(ProtectedTable.cube(cells, {0: ""}))) == {("1",): P, ("2",): S}
    same = [count(("a",), 2), count(("b",), 9), count(("c",), 9), count(("",), 20)]
    assert pattern(suppress(ProtectedTable.cube(same, {0: ""}))) == {("a",): P, ("b",): S}


def test_row_where_the_only_other_cell_is_the_total() -> None:
    """Total = the one part: publishing the total would publish the part, so it is hidden
    too. Resting on the same 3 persons it is primary itself; when the caller's structure
    says it rests on more (9 persons, e.g. a count of events), it is hidden as secondary."""
    same = ProtectedTable((count(("a",), 3), count(("",), 3)), (Constraint(("",), (("a",),)),))
    assert pattern(suppress(same)) == {("a",): P, ("",): P}
    wider = ProtectedTable(
        (Cell(("a",), 3, (3.0,)), Cell(("",), 9, (3.0,))), (Constraint(("",), (("a",),)),)
    )
    result = suppress(wider)
    assert pattern(result) == {("a",): P, ("",): S}
    assert_safe(result)


def test_zero_cells_are_published_and_never_used_as_complements() -> None:
    """3 + 0 + 20 + 30 = 53. The 0 rests on no person and is published. It is not chosen as
    the complement although it is the smallest: every count is known to be at least 0, so a
    hidden 0 could only move up, and a pattern leaning on such cells can leave the small
    cell pinned; 20 is hidden instead."""
    cells = [count((g,), n) for g, n in [("a", 3), ("z", 0), ("b", 20), ("c", 30), ("", 53)]]
    result = suppress(ProtectedTable.cube(cells, {0: ""}))
    assert pattern(result) == {("a",): P, ("b",): S}
    assert result.published(("z",))


def test_a_total_that_is_itself_small_is_protected_in_its_own_margin() -> None:
    """
    ::

               c1   c2 | I alt
        r1      3    0 |    3
        r2     12   20 |   32
        I alt  15   20 |   35

    3 and its row total 3 are primary (the 0 is published). Column c1: hide 12. The margin
    column I alt = r1 + r2 (35 = 3 + 32) has one hidden member: hide 32 (a total of depth 1
    before the grand total). Row r2 then has 12 and 32 hidden. Unknowns 3, 12, r1, r2 move
    by (+t, -t, +t, -t) without changing anything published.
    """
    result = suppress(grid({"r1": [3, 0], "r2": [12, 20]}, ["c1", "c2"]))
    assert pattern(result) == {("r1", "c1"): P, ("r1", ""): P, ("r2", "c1"): S, ("r2", ""): S}
    assert_safe(result)


def test_municipalities_by_youth_group_with_municipal_and_country_totals() -> None:
    """Three levels: cells, a total per municipality (youth group "") and Hele landet (0).

    ::

                 g1   g2   g3 | I alt
        101       2   30   40 |   72
        147       8   25   50 |   83
        0 (land) 10   55   90 |  155

    2 is primary. Column g1 (Hele landet = 101 + 147): hide 8 (before the country cell).
    Row 101: hide 30 (smallest of 30, 40). Row 147 has 8 alone: of 25 and 50, 25 also closes
    column g2 (where 30 is alone), so 25. The 2×2 block 101/147 × g1/g2 is hidden; every
    municipal and country total is published.
    """
    rows = {101: [2, 30, 40], 147: [8, 25, 50]}
    cells = []
    for m, values in rows.items():
        cells += [count((m, g), v) for g, v in zip(["1", "2", "3"], values, strict=True)]
        cells.append(count((m, ""), sum(values)))
    country = [10, 55, 90]
    cells += [count((0, g), v) for g, v in zip(["1", "2", "3"], country, strict=True)]
    cells.append(count((0, ""), 155))
    result = suppress(ProtectedTable.cube(cells, {0: 0, 1: ""}))
    assert pattern(result) == {(101, "1"): P, (101, "2"): S, (147, "1"): S, (147, "2"): S}
    assert_safe(result)


def test_regions_as_a_hierarchy() -> None:
    """Hele landet (0) = regions 1081 + 1082; 1081 = Aalborg 851 + Thisted 787; 1082 =
    Aarhus 751 + Viborg 791; youth groups 1, 2 and their total "".

    ::

                g1   g2 | I alt
        851     20   30 |   50
        787      3   15 |   18
        751     40   60 |  100
        791     25   35 |   60
        1081    23   45 |   68
        1082    65   95 |  160
        0       88  140 |  228

    3 is primary. Region 1081's g1 = 851 + 787: hide 20. Row 851: hide 30. Row 787 has 3
    alone: 15 also closes region 1081's g2 (30 alone), so 15. The block 851/787 × g1/g2 is
    hidden; regions, Hele landet and the other region's municipalities are published.
    """
    rows = {851: [20, 30], 787: [3, 15], 751: [40, 60], 791: [25, 35]}
    rows |= {1081: [23, 45], 1082: [65, 95], 0: [88, 140]}
    cells = []
    for m, values in rows.items():
        cells += [count((m, "1"), values[0]), count((m, "2"), values[1])]
        cells.append(count((m, ""), sum(values)))
    tree = {0: [1081, 1082], 1081: [851, 787], 1082: [751, 791]}
    result = suppress(ProtectedTable.cube(cells, {1: ""}, {0: tree}))
    assert pattern(result) == {(851, "1"): S, (851, "2"): S, (787, "1"): P, (787, "2"): S}
    assert_safe(result)


def test_percentage_table_linked_to_its_count_table() -> None:
    """Counts by youth group for Viborg (791) and Aarhus (751), and the same as percentages
    of the municipality's total (the total row is 100 %).

    ::

        count   g1  g2  g3 | I alt        pct   g1    g2    g3 | I alt
        791      3  40  57 |  100         791   3.0  40.0  57.0 | 100
        751     10  20  30 |   60         751  16.7  33.3  50.0 | 100

    In the counts 3 is primary and 40 its complement. The percentage table has no persons of
    its own (nothing is primary there), yet 3.0 % and 40.0 % of Viborg's 100 would give the
    counts back: the same two cells are hidden ("afledt"), and Aarhus is published in both.
    """
    groups = ["1", "2", "3", ""]
    counts = {791: [3, 40, 57, 100], 751: [10, 20, 30, 60]}
    shares = {791: [3.0, 40.0, 57.0, 100.0], 751: [16.7, 33.3, 50.0, 100.0]}
    count_cells = [
        count((m, g), v) for m, vs in counts.items() for g, v in zip(groups, vs, strict=True)
    ]
    share_cells = [
        Cell((m, g), None, (v,))
        for m, vs in shares.items()
        for g, v in zip(groups, vs, strict=True)
    ]
    count_result, share_result = suppress_linked(
        [
            ProtectedTable.cube(count_cells, {1: ""}, name="antal"),
            ProtectedTable.cube(share_cells, {1: ""}, name="pct"),
        ]
    )
    assert pattern(count_result) == {(791, "1"): P, (791, "2"): S}
    assert pattern(share_result) == {(791, "1"): D, (791, "2"): D}
    assert_safe(count_result)
    assert_safe(share_result)
    alone = suppress(ProtectedTable.cube(share_cells, {1: ""}))
    assert alone.suppressed_keys == ()  # without the link nothing would be hidden


def test_link_works_both_ways_until_stable() -> None:
    """Table A (counts by group) and table B (fte by the same groups) with its own, different
    small cell. A: 3 + 20 + 30 = 53 (3 primary). B: 9.0 + 1.5 + 30.0 = 40.5, fte 1.5 rests on 4
    persons (primary). The union {g1, g2} is hidden in both, and each row then has two hidden
    parts, so nothing more is needed."""
    groups = ["1", "2", "3", ""]
    a = [count((g,), v) for g, v in zip(groups, [3, 20, 30, 53], strict=True)]
    b = [
        Cell((g,), p, (v,))
        for g, p, v in zip(groups, [10, 4, 31, 45], [9.0, 1.5, 30.0, 40.5], strict=True)
    ]
    ra, rb = suppress_linked([ProtectedTable.cube(a, {0: ""}), ProtectedTable.cube(b, {0: ""})])
    assert pattern(ra) == {("1",): P, ("2",): D}
    assert pattern(rb) == {("1",): D, ("2",): P}


def test_zero_primary_falls_back_to_hiding_its_whole_table() -> None:
    """A cell with value 0 resting on 3 persons (no events among 3 persons) in a row whose
    total is 0 (caller says it rests on 8 persons) and whose other part is 0. Every count is
    at least 0, so a published total 0 pins the hidden part at 0, and there is no non-zero
    cell to hide instead: the whole row is hidden. The total can then be anything ≥ 0."""
    cells = (Cell(("a",), 3, (0.0,)), Cell(("b",), 0, (0.0,)), Cell(("",), 8, (0.0,)))
    result = suppress(ProtectedTable(cells, (Constraint(("",), (("a",), ("b",))),)))
    assert pattern(result) == {("a",): P, ("b",): S, ("",): S}
    assert interval(result, ("a",))[1] == float("inf")


def test_marker_and_rows() -> None:
    """The rendered rows show the configured marker in every hidden cell and drop persons."""
    cells = [count((g,), n) for g, n in [("1", 2), ("2", 9), ("3", 30), ("", 41)]]
    table = ProtectedTable.cube(cells, {0: ""}, key_names=("youth_group",), value_names=("n",))
    rows = suppress(table, DisclosureRule(min_persons=3, marker="..")).rows()
    assert rows == [
        {"youth_group": "1", "n": ".."},
        {"youth_group": "2", "n": ".."},
        {"youth_group": "3", "n": 30.0},
        {"youth_group": "", "n": 41.0},
    ]
    assert suppress(table, DisclosureRule(min_persons=2)).rows()[0]["n"] == 2.0
    assert suppress(table, DisclosureRule(min_persons=3)).rows()[0]["n"] == "<3"


def test_recoverable_cells_finds_a_lone_hidden_cell() -> None:
    cells = [count((g,), n) for g, n in [("1", 3), ("2", 9), ("", 12)]]
    table = ProtectedTable.cube(cells, {0: ""})
    assert recoverable_cells(table, [("1",)]) == [("1",)]
    assert recoverable_cells(table, [("1",), ("2",)]) == []


def test_bad_structures_are_refused_in_danish() -> None:
    with pytest.raises(ValueError, match="forekommer to gange"):
        ProtectedTable((count(("a",), 1), count(("a",), 2)))
    with pytest.raises(ValueError, match="ukendt celle"):
        ProtectedTable((count(("a",), 1),), (Constraint(("",), (("a",),)),))
    with pytest.raises(ValueError, match="del af sin egen sum"):
        ProtectedTable((count(("a",), 1),), (Constraint(("a",), (("a",),)),))
