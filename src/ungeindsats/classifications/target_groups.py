"""Target groups (målgrupper) in the 2016 LAB numbering ("2.1" …) and 2020 LBI numbering ("1" …).

Data: `target_groups.csv`, with the law text each row rests on in its `source` column. Rows whose
number or content could not be checked against that text have `verified` false and say why in
`note`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ungeindsats.classifications._csvfile import package_file, parse_bool, read_rows
from ungeindsats.classifications.benefits import benefit as _benefit

SCHEMES = ("lab2016", "lbi2020")

_COLUMNS = ("scheme", "code", "label", "benefit", "verified", "source", "note")


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """A target group: its numbering scheme, code ("2.12", "4"), Danish label and main benefit."""

    scheme: str
    code: str
    label: str
    benefit: str
    verified: bool
    source: str
    note: str | None


@cache
def _by_scheme() -> dict[str, dict[str, TargetGroup]]:
    result: dict[str, dict[str, TargetGroup]] = {scheme: {} for scheme in SCHEMES}
    for row in read_rows(package_file("target_groups.csv"), _COLUMNS):
        if row["scheme"] not in result:
            raise ValueError(f"target_groups.csv: ukendt nummerering {row['scheme']!r}")
        _benefit(row["benefit"])  # fails on an identifier missing from benefits.csv
        result[row["scheme"]][row["code"]] = TargetGroup(
            scheme=row["scheme"],
            code=row["code"],
            label=row["label"],
            benefit=row["benefit"],
            verified=parse_bool(row["verified"]),
            source=row["source"],
            note=row["note"] or None,
        )
    return result


def _scheme(scheme: str) -> dict[str, TargetGroup]:
    try:
        return _by_scheme()[scheme]
    except KeyError:
        raise ValueError(
            f"Ukendt nummerering af målgrupper: {scheme!r} (kendte: {', '.join(SCHEMES)})"
        ) from None


def target_groups(scheme: str) -> tuple[TargetGroup, ...]:
    """The target groups of `scheme` ("lab2016" or "lbi2020") in file order."""
    return tuple(_scheme(scheme).values())


def target_group(scheme: str, code: str) -> TargetGroup:
    """The target group `code` in `scheme`. KeyError if the code is unknown."""
    try:
        return _scheme(scheme)[code]
    except KeyError:
        raise KeyError(f"Ukendt målgruppe {code!r} i {scheme}") from None
