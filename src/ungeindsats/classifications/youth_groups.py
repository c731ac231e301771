"""Youth groups (ungegrupper 0–4): which group a young person on a benefit belongs to.

The grouping is seed 001's (Viborg): 1 can manage with a little advice and bridge-building, 2 can
become ready with the right support, 3 complex social and health problems or markedly reduced work
capacity, 4 permanent benefits (varige ydelser); group 0 is 15–17-year-olds at risk, decided by age
rather than benefit. It is configuration: a municipality may supply its own rule file.

Rule file (`youth_groups.csv` in the package, or the municipality's own with the same columns):
`benefit,target_group,youth_group`. `benefit` is an identifier from `benefits.csv`. `target_group`
is `*` (any, also unknown), a visitation category — `jobparat`, `aktivitetsparat`,
`uddannelsesparat`, `aabenlyst_uddannelsesparat` (åbenlyst uddannelsesparat) — or a LAB 2016
target-group code such as `2.12`. For a (benefit, target group) pair the most specific rule wins:
an exact target-group rule beats the benefit's `*` rule. Pairs without a rule have no group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ungeindsats.classifications._csvfile import (
    CsvSource,
    package_file,
    parse_bool,
    parse_int,
    read_rows,
)
from ungeindsats.classifications.benefits import benefit as _benefit

ANY = "*"


@dataclass(frozen=True, slots=True)
class YouthGroup:
    """A youth group: number, Danish label, age band, and whether its benefits are temporary.

    `temporary` is True for midlertidige ydelser (groups 1–3), False for varige ydelser (group 4)
    and None for group 0, which is defined by age and risk rather than by a benefit.
    """

    number: int
    label: str
    age_min: int
    age_max: int
    temporary: bool | None


@dataclass(frozen=True, slots=True)
class YouthGroupRule:
    """One row of the rule table: (benefit, target group or `*`) → youth group."""

    benefit: str
    target_group: str
    youth_group: int


def _norm(text: str) -> str:
    return text.strip().lower()


class YouthGroupMapping:
    """Rule table from (benefit, target group) to youth group; the most specific rule wins."""

    def __init__(self, rules: Iterable[YouthGroupRule]) -> None:
        self._rules = tuple(rules)
        self._lookup: dict[tuple[str, str], int] = {}
        for rule in self._rules:
            key = (_norm(rule.benefit), _norm(rule.target_group))
            if key in self._lookup:
                raise ValueError(f"Dobbelt regel for ydelse {key[0]!r}, målgruppe {key[1]!r}")
            _benefit(key[0])  # an unknown benefit is a typo in the file, not a group of its own
            self._lookup[key] = rule.youth_group

    @classmethod
    def from_file(cls, path: str | Path) -> YouthGroupMapping:
        """The mapping in a rule file with columns benefit, target_group, youth_group."""
        return cls(_read_rules(path))

    @classmethod
    def default(cls) -> YouthGroupMapping:
        """Seed 001's grouping, shipped as `youth_groups.csv`."""
        return _default_mapping()

    @property
    def rules(self) -> tuple[YouthGroupRule, ...]:
        """The rules in file order."""
        return self._rules

    def group_for(self, benefit: str, target_group: str | None) -> int | None:
        """The youth group for `benefit` and `target_group` (None: unknown); None if no rule."""
        key = _norm(benefit)
        if target_group is not None:
            exact = self._lookup.get((key, _norm(target_group)))
            if exact is not None:
                return exact
        return self._lookup.get((key, ANY))


def _read_rules(source: CsvSource) -> list[YouthGroupRule]:
    rows = read_rows(source, ("benefit", "target_group", "youth_group"))
    return [
        YouthGroupRule(row["benefit"], row["target_group"], parse_int(row["youth_group"]))
        for row in rows
    ]


@cache
def _default_mapping() -> YouthGroupMapping:
    return YouthGroupMapping(_read_rules(package_file("youth_groups.csv")))


@cache
def _default_groups() -> tuple[YouthGroup, ...]:
    return _read_groups(package_file("youth_group_labels.csv"))


def _read_groups(source: CsvSource) -> tuple[YouthGroup, ...]:
    rows = read_rows(source, ("youth_group", "label", "age_min", "age_max", "temporary"))
    return tuple(
        YouthGroup(
            number=parse_int(row["youth_group"]),
            label=row["label"],
            age_min=parse_int(row["age_min"]),
            age_max=parse_int(row["age_max"]),
            temporary=parse_bool(row["temporary"]) if row["temporary"] else None,
        )
        for row in rows
    )


def youth_groups(path: str | Path | None = None) -> tuple[YouthGroup, ...]:
    """The groups' labels and age bands (`youth_group_labels.csv`, or the file at `path`)."""
    return _default_groups() if path is None else _read_groups(path)
