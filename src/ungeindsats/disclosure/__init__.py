"""Disclosure control (diskretionering): primary and secondary suppression of any table.

A leaf layer: it imports nothing from the rest of ungeindsats and works on plain Python,
NumPy and PyArrow data, so every output (web, API, CLI, reports, spreadsheets, charts) can
apply it once, in its data model, before a renderer sees the numbers.

Model
-----
A ``ProtectedTable`` is a tuple of ``Cell(key, persons, values)`` (the key values, the
distinct persons behind the cell, its numbers) and its additive structure: ``Constraint(total,
parts)`` says ``total = sum(parts)`` (a margin). Declare constraints yourself, or read them
off the keys of a cube with margins: ``cube_constraints`` / ``ProtectedTable.cube`` take, per
key position, the value that marks the total over that dimension ("", "I alt", 0 for Hele
landet, None for SQL's ROLLUP) or a ``{parent: children}`` hierarchy (Hele landet → regions →
municipalities). For the project's tidy Arrow tables, ``protect_arrow`` does it all from
column names; ``with_totals`` adds total rows by summation first, so that a table is
protected as it will be published.

The rule
--------
``DisclosureRule(min_persons=5, marker="<5")`` (the marker defaults to ``f"<{min_persons}"``).
Primary suppression ("primær"): a cell resting on 1 to N-1 persons. A cell with 0 persons is
published: an empty cell reveals nothing about a person, and Danmarks Statistik publishes
zeros. A cell whose persons are unknown (None: an aggregate the source already published, or a
percentage table protected through its count table) is not primary-sensitive.

Secondary suppression ("sekundær")
----------------------------------
1. Singleton rule. A constraint in which a hidden cell is the only one that can vary gets one
   more hidden cell, chosen in this order: a part before a total (by depth: cells, then
   subtotals, then the grand total), then a cell that also closes another such constraint,
   then the fewest persons, the smallest (first) value, the first in table order. Repeat
   until no constraint has one.
2. Audit (audit.py). For each connected component of the constraints, with the published
   cells moved to the right-hand side, a hidden cell is recoverable when its unit vector lies
   in the row space of the constraint matrix over the hidden cells (null-space test by SVD,
   tolerance stated in audit.py). For the first recoverable cell, hide the first cell of its
   constraints (same order as above, at most 40 tried) that makes it movable, else the
   first; then go back to 1. If its constraints hold nothing left to hide, look in the whole
   component; if nothing non-zero is left there, hide the whole component.
The result is deterministic: the same table (same row order) gives the same pattern.

Zeros. Every count is at least 0, so a hidden 0 can only move up: a pattern leaning on hidden
zeros can leave a small cell pinned by non-negativity. The audit therefore holds hidden zeros
fixed, as if published, and zero cells are never chosen as complements. A hidden zero that is
not primary (hidden only through a link or the last resort above) needs no protection itself:
revealing a 0 reveals no person.

Linked tables ("afledt")
------------------------
``suppress_linked`` / ``protect_arrow_linked`` protect the tables of one report or page
together: cells with the same key share one pattern (the union of the tables' patterns), and
every table's constraints are audited until none changes. A cell hidden only because its
linked cell is hidden has the reason "afledt". Use it for a count table and its percentage
table, fte and persons tables of the same cells, rates per 1,000: a value that is the count
times a published factor (a published total, the population) gives nothing beyond the count
once the pattern is shared. Values in the same tidy row (value columns of one table) share
the pattern anyway.

Output
------
``Suppressed``: per cell ``published(key)`` and ``reason(key)``; ``rows()`` renders with the
marker. ``ProtectedArrow``: ``text`` (values as strings, the marker where hidden) and
``masked`` (values in their own type, null where hidden, plus a boolean ``suppressed``), and
the pattern. The persons column is never published: it is what the rule is about, and the
persons of totals are not additive. The reasons are not published either, and every hidden
cell shows the same marker, since telling primary from secondary cells would narrow the
primary ones to 1..N-1. Columns that are neither keys nor value columns are dropped.

Guarantees (tested in tests/disclosure, against an exact rational elimination and against
linear programming with scipy, independently of the engine's SVD):
- no published cell rests on 1..N-1 persons;
- no hidden cell that is primary or non-zero is determined by the published cells and the
  constraints, even knowing that every cell is at least 0: the audit finds a direction in
  which the hidden non-zero cells can move together without changing any constraint, and a
  small step along it keeps every cell non-negative;
- in the documented simple cases no more is hidden than needed: a row with one small cell
  loses exactly one more cell, the smallest; a two-way table with margins and one small
  interior cell loses the four corners of a rectangle.

Limits
------
- A greedy heuristic, not an optimal (integer programming) pattern like τ-ARGUS's: it may hide
  more than the least possible in complex tables.
- It prevents exact recovery only; a hidden cell's known interval can be narrow (3 and 7
  hidden in a row: each lies in 0..10). There are no protection levels (sliding intervals).
- It sees only the constraints it is given. Relations it is not told about are not
  protected: the same cells published in another report, differencing between overlapping
  periods or areas (2019 against 2019K1-K3), totals published elsewhere. Protect the tables of
  one report or page together, and keep their totals in the tables.
- The non-negativity argument assumes additive values at least 0 (counts, fte, weeks). Shares
  and averages with total rows get the pattern of the structure, as if additive.
- The last resort (hide a whole component) relies on every total being a sum of cells, as in
  a cube or hierarchy; arbitrary declared constraints are audited but not guaranteed.
- ``with_totals`` gives a total the largest of its parts' persons (a lower bound of its
  distinct persons, hence safe) unless the parts are disjoint.
- Cost: one SVD per block of hidden cells linked by constraints. A 98 municipality × 6 group ×
  12 month table with margins (7,000 cells) takes a fraction of a second; a three-way cube
  with year totals (7,700 cells in one component) a few seconds. On a busy machine set
  ``OPENBLAS_NUM_THREADS=1``: the matrices are small and BLAS threads only cost.
"""

from ungeindsats.disclosure.arrow import (
    SUPPRESSED,
    ArrowTable,
    ProtectedArrow,
    plain_number,
    protect_arrow,
    protect_arrow_linked,
    with_totals,
)
from ungeindsats.disclosure.cube import cube_constraints
from ungeindsats.disclosure.engine import Suppressed, recoverable_cells, suppress, suppress_linked
from ungeindsats.disclosure.model import Cell, Constraint, Key, ProtectedTable
from ungeindsats.disclosure.rule import DisclosureRule, Reason

__all__ = [
    "SUPPRESSED",
    "ArrowTable",
    "Cell",
    "Constraint",
    "DisclosureRule",
    "Key",
    "ProtectedArrow",
    "ProtectedTable",
    "Reason",
    "Suppressed",
    "cube_constraints",
    "plain_number",
    "protect_arrow",
    "protect_arrow_linked",
    "recoverable_cells",
    "suppress",
    "suppress_linked",
    "with_totals",
]
