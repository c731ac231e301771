"""Benefit types (ydelser) and their identifiers, e.g. `uddannelseshjaelp` for uddannelseshjælp.

Data: `benefits.csv`. Every other classification refers to benefits by these identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ungeindsats.classifications._csvfile import package_file, parse_bool, read_rows

_PAYERS = ("kommune", "a_kasse")


@dataclass(frozen=True, slots=True)
class Benefit:
    """A benefit type.

    `paid_by` is "kommune" (the municipality's expense, with state refund) or "a_kasse"
    (A-dagpenge: paid by the a-kasse, co-financed by the municipality); None for "andet".
    `permanent` marks the varige ydelser (fleksjob, ledighedsydelse, førtidspension).
    """

    name: str
    label: str
    paid_by: str | None
    permanent: bool


@cache
def _by_name() -> dict[str, Benefit]:
    result: dict[str, Benefit] = {}
    rows = read_rows(package_file("benefits.csv"), ("benefit", "label", "paid_by", "permanent"))
    for row in rows:
        if row["paid_by"] and row["paid_by"] not in _PAYERS:
            raise ValueError(f"benefits.csv: ukendt betaler {row['paid_by']!r}")
        result[row["benefit"]] = Benefit(
            name=row["benefit"],
            label=row["label"],
            paid_by=row["paid_by"] or None,
            permanent=parse_bool(row["permanent"]),
        )
    return result


def benefits() -> tuple[Benefit, ...]:
    """All benefit types in file order."""
    return tuple(_by_name().values())


def benefit(name: str) -> Benefit:
    """The benefit with identifier `name`. KeyError if unknown."""
    try:
        return _by_name()[name]
    except KeyError:
        raise KeyError(f"Ukendt ydelse: {name!r}") from None
