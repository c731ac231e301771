"""Constraints from a cube description: which cells are totals (margins) of which others."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from ungeindsats.disclosure.model import Constraint, Key


def cube_constraints(
    keys: Sequence[Key],
    totals: Mapping[int, Hashable],
    hierarchies: Mapping[int, Mapping[Hashable, Sequence[Hashable]]] | None = None,
) -> list[Constraint]:
    """The additive constraints of a table with margins, read off its keys.

    For a dimension (key position) ``d`` with total marker ``m`` = ``totals[d]``: among the
    cells that agree on every other key, the one whose ``d`` is ``m`` is the sum of the
    others. Example: keys (municipality, youth_group) with ``totals={0: 0, 1: ""}`` give, for
    each municipality and for Hele landet (0), ``(k, "") = (k, "1") + (k, "2") + (k, "3")``,
    and for each group and for the total ``(0, g) = sum over k of (k, g)``.

    ``hierarchies[d]`` = ``{parent: children}`` describes a nested dimension instead (Hele
    landet = the regions, a region = its municipalities): for each parent present, the parent's
    cell is the sum of the children's cells present. Cells absent from the table count as
    zeros (a tidy result omits empty cells), so a total over the present parts still holds.
    A group without a total cell gives no constraint: that margin is not published.
    """
    hierarchies = hierarchies or {}
    both = set(totals) & set(hierarchies)
    if both:
        raise ValueError(
            f"dimension {sorted(both)} har både en totalmarkør og et hierarki; angiv kun ét"
        )
    constraints: list[Constraint] = []
    for d in sorted({*totals, *hierarchies}):
        groups: dict[Key, dict[Hashable, Key]] = {}
        for key in keys:
            if not 0 <= d < len(key):
                raise ValueError(f"cellen {key} har ingen nøgle nr. {d}")
            groups.setdefault((*key[:d], *key[d + 1 :]), {})[key[d]] = key
        for members in groups.values():
            if d in totals:
                marker = totals[d]
                if marker in members and len(members) > 1:
                    parts = tuple(k for v, k in members.items() if v != marker)
                    constraints.append(Constraint(members[marker], parts))
                continue
            for parent, children in hierarchies[d].items():
                present = tuple(members[c] for c in children if c in members)
                if parent in members and present:
                    constraints.append(Constraint(members[parent], present))
    return constraints
