"""Primary and secondary suppression (primær og sekundær diskretionering) of linked tables."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ungeindsats.disclosure.audit import Row, movable
from ungeindsats.disclosure.model import Key, ProtectedTable
from ungeindsats.disclosure.rule import DisclosureRule, Reason

# A determined cell is fixed by suppressing the first candidate (smallest first) that makes it
# movable; trying more than this many candidates buys little on real tables.
_TRIALS = 40


@dataclass(frozen=True)
class Suppressed:
    """The suppression pattern of one table: per cell, None (published) or the reason."""

    table: ProtectedTable
    rule: DisclosureRule
    reasons: tuple[Reason | None, ...]

    def published(self, key: Key) -> bool:
        return self.reasons[self.table.index[key]] is None

    def reason(self, key: Key) -> Reason | None:
        return self.reasons[self.table.index[key]]

    @property
    def suppressed_keys(self) -> tuple[Key, ...]:
        return tuple(c.key for c, r in zip(self.table.cells, self.reasons, strict=True) if r)

    def rows(self) -> list[dict[str, object]]:
        """The table as published: key and value columns, the marker in suppressed cells.

        The persons column is never part of the output (see the package docstring).
        """
        table = self.table
        width = len(table.cells[0].key) if table.cells else 0
        depth = len(table.cells[0].values) if table.cells else 0
        key_names = table.key_names or tuple(f"key{i}" for i in range(width))
        value_names = table.value_names or tuple(f"value{i}" for i in range(depth))
        out: list[dict[str, object]] = []
        for cell, reason in zip(table.cells, self.reasons, strict=True):
            row: dict[str, object] = dict(zip(key_names, cell.key, strict=True))
            for name, value in zip(value_names, cell.values, strict=True):
                row[name] = self.rule.marker if reason else value
            out.append(row)
        return out


def suppress(table: ProtectedTable, rule: DisclosureRule | None = None) -> Suppressed:
    """Primary and secondary suppression of one table (see the package docstring)."""
    return suppress_linked([table], rule)[0]


def suppress_linked(
    tables: Sequence[ProtectedTable], rule: DisclosureRule | None = None
) -> list[Suppressed]:
    """Suppress linked tables together: cells with the same key share one pattern.

    Use it for the tables of one report or page that show the same cells (counts and their
    percentages, fte and persons): a cell suppressed in one is suppressed in all ("afledt"
    where it was not needed for the table's own sake), and each table's constraints are
    audited until no table changes.
    """
    rule = rule or DisclosureRule()
    problem = _Problem(tables, rule)
    problem.solve()
    results: list[Suppressed] = []
    for t, table in enumerate(tables):
        start = problem.offsets[t]
        reasons = tuple(problem.reason[start : start + len(table.cells)])
        results.append(Suppressed(table, rule, reasons))
    return results


def recoverable_cells(table: ProtectedTable, suppressed: Iterable[Key]) -> list[Key]:
    """The suppressed cells whose value the published cells and constraints determine.

    Empty for every pattern ``suppress`` returns; use it to check a pattern made elsewhere.
    """
    problem = _Problem([table], DisclosureRule())
    for key in suppressed:
        problem.suppressed[table.index[key]] = True
    bad = [i for comp in range(len(problem.comp_cells)) for i in problem.unprotected(comp)]
    return [table.cells[i].key for i in sorted(bad)]


class _Problem:
    """All cells of the linked tables numbered globally, with their constraints and links."""

    def __init__(self, tables: Sequence[ProtectedTable], rule: DisclosureRule) -> None:
        self.offsets: list[int] = []
        self.persons: list[float] = []
        self.magnitude: list[float] = []
        self.zero: list[bool] = []
        self.primary: list[bool] = []
        self.depth: list[int] = []
        self.rows: list[Row] = []
        self.members: list[tuple[int, ...]] = []
        by_key: dict[Key, list[int]] = {}
        for table in tables:
            start = len(self.persons)
            self.offsets.append(start)
            for i, cell in enumerate(table.cells):
                self.persons.append(math.inf if cell.persons is None else cell.persons)
                m = cell.magnitude
                self.magnitude.append(math.inf if m is None or math.isnan(m) else m)
                self.zero.append(cell.is_zero)
                self.primary.append(rule.is_sensitive(cell.persons))
                by_key.setdefault(cell.key, []).append(start + i)
            for constraint in table.constraints:
                parts = [start + table.index[k] for k in constraint.parts]
                row = [(p, 1.0) for p in parts]
                members = parts
                if constraint.total is not None:
                    total = start + table.index[constraint.total]
                    row.append((total, -1.0))
                    members = [total, *parts]
                self.rows.append(row)
                self.members.append(tuple(members))
            self.depth.extend(_depths(table))
        n = len(self.persons)
        self.cell_rows: list[list[int]] = [[] for _ in range(n)]
        for r, row_members in enumerate(self.members):
            for i in row_members:
                self.cell_rows[i].append(r)
        self.component, self.comp_cells, self.comp_rows = _components(n, self.members)
        self.ties: list[tuple[int, ...]] = [(i,) for i in range(n)]
        for group in by_key.values():
            for i in group:
                self.ties[i] = tuple(group)
        self.suppressed = [False] * n
        self.reason: list[Reason | None] = [None] * n
        self.full: set[int] = set()  # components suppressed entirely (the fallback)
        self.dirty: set[int] = set()
        self.bad: dict[int, list[int]] = {}

    # -- state ------------------------------------------------------------------------------

    def is_free(self, i: int) -> bool:
        """Suppressed and able to move: a suppressed zero is held at 0 (non-negativity)."""
        return self.suppressed[i] and not self.zero[i]

    def needs_protection(self, i: int) -> bool:
        """Suppressed and worth protecting: a revealed 0 reveals no person unless primary."""
        return self.suppressed[i] and (self.primary[i] or not self.zero[i])

    def suppress(self, i: int, reason: Reason) -> None:
        for j in self.ties[i]:
            if not self.suppressed[j]:
                self.suppressed[j] = True
                self.reason[j] = reason if j == i else Reason.DERIVED
                self.dirty.add(self.component[j])

    # -- the algorithm ----------------------------------------------------------------------

    def solve(self) -> None:
        for i, primary in enumerate(self.primary):
            if primary:
                self.suppressed[i] = True
                self.reason[i] = Reason.PRIMARY
                self.dirty.add(self.component[i])
        for i, primary in enumerate(self.primary):
            if primary:
                self.suppress(i, Reason.PRIMARY)
        while True:
            self.singleton_pass()
            for comp in sorted(self.dirty):
                self.bad[comp] = self.unprotected(comp)
            self.dirty.clear()
            worst = min((b[0] for b in self.bad.values() if b), default=None)
            if worst is None:
                return
            self.fix(worst)

    def exposed(self, r: int) -> int | None:
        """A member of constraint ``r`` needing protection with no other free member."""
        members = self.members[r]
        free = [j for j in members if self.is_free(j)]
        for i in members:
            if self.needs_protection(i) and all(j == i for j in free):
                return i
        return None

    def singleton_pass(self) -> None:
        """Rule 1: a constraint with one suppressed member gets one more (the smallest)."""
        changed = True
        while changed:
            changed = False
            for comp in sorted(self.dirty):  # a link may make another component dirty
                for r in self.comp_rows[comp]:
                    while self.exposed(r) is not None:
                        candidate = self.singleton_candidate(r)
                        if candidate is None:
                            break
                        self.suppress(candidate, Reason.SECONDARY)
                        changed = True

    def singleton_candidate(self, r: int) -> int | None:
        """The complement for constraint ``r``: a part before a total, then one that also
        closes another exposed constraint, then the fewest persons, the smallest value."""
        candidates = self.candidates(self.members[r])
        if not candidates:
            return None

        def closes(c: int) -> int:
            return sum(1 for s in self.cell_rows[c] if s != r and self.exposed(s) is not None)

        return min(
            candidates,
            key=lambda c: (self.depth[c], -closes(c), self.persons[c], self.magnitude[c], c),
        )

    def candidates(self, cells: Iterable[int]) -> list[int]:
        """Published non-zero cells, best complement first."""
        found = {c for c in cells if not self.suppressed[c] and not self.zero[c]}
        return sorted(found, key=lambda c: (self.depth[c], self.persons[c], self.magnitude[c], c))

    def unprotected(self, comp: int) -> list[int]:
        """Rule 2, the audit: the cells of a component whose value the published ones fix."""
        if comp in self.full:
            return []
        cells = self.comp_cells[comp]
        rows = [self.rows[r] for r in self.comp_rows[comp]]
        free = [c for c in cells if self.is_free(c)]
        moves = movable(rows, free)
        bad: list[int] = []
        for i in cells:
            if not self.needs_protection(i):
                continue
            # A primary cell with value 0 may move (upwards); the other zeros may not.
            ok = moves[i] if i in moves else movable(rows, [*free, i], {i})[i]
            if not ok:
                bad.append(i)
        return bad

    def protected_with(self, i: int, candidate: int) -> bool:
        """Would cell ``i`` move if ``candidate`` were suppressed too?"""
        comp = self.component[i]
        rows = [self.rows[r] for r in self.comp_rows[comp]]
        free = {c for c in self.comp_cells[comp] if self.is_free(c)} | {i, candidate}
        return movable(rows, sorted(free), {i})[i]

    def fix(self, i: int) -> None:
        """Suppress one more cell near the determined cell ``i``."""
        comp = self.component[i]
        candidates = self.candidates(c for r in self.cell_rows[i] for c in self.members[r])
        if not candidates:
            candidates = self.candidates(self.comp_cells[comp])
        if not candidates:
            # Nothing non-zero left to suppress: suppress the whole component. With totals
            # that are sums of parts, every cell can then grow with its totals.
            for c in self.comp_cells[comp]:
                self.suppress(c, Reason.SECONDARY)
            self.full.add(comp)
            return
        chosen = next((c for c in candidates[:_TRIALS] if self.protected_with(i, c)), None)
        self.suppress(candidates[0] if chosen is None else chosen, Reason.SECONDARY)


def _depths(table: ProtectedTable) -> list[int]:
    """0 for a cell that is no total, else 1 + the deepest of its parts (capped on cycles)."""
    depth = [0] * len(table.cells)
    index = table.index
    for _ in range(len(table.cells)):
        changed = False
        for constraint in table.constraints:
            if constraint.total is None:
                continue
            level = 1 + max(depth[index[k]] for k in constraint.parts)
            t = index[constraint.total]
            if level > depth[t]:
                depth[t] = level
                changed = True
        if not changed:
            break
    return depth


def _components(
    n: int, members: Sequence[tuple[int, ...]]
) -> tuple[list[int], list[list[int]], list[list[int]]]:
    """Connected components of the cells through shared constraints (union-find)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in members:
        root = find(row[0])
        for i in row[1:]:
            other = find(i)
            if other != root:
                parent[max(other, root)] = min(other, root)
                root = min(other, root)
    number: dict[int, int] = {}
    component = [number.setdefault(find(i), len(number)) for i in range(n)]
    comp_cells: list[list[int]] = [[] for _ in number]
    for i, c in enumerate(component):
        comp_cells[c].append(i)
    comp_rows: list[list[int]] = [[] for _ in number]
    for r, row in enumerate(members):
        comp_rows[component[row[0]]].append(r)
    return component, comp_cells, comp_rows
