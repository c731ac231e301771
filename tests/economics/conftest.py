"""Hand-made tiny warehouses for the economics tests (each test's docstring works the answer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ungeindsats.classifications import BenefitRate
from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse, open_warehouse

# Status codes of the hand-made warehouses: 111 A-dagpenge (youth group 1), 140 uddannelses-
# hjælp uddannelsesparat (group 2), 141 uddannelseshjælp aktivitetsparat (group 3), 150
# revalidering (no rate, no group), 981 ordinary work (self-support).
Spell = tuple[int, int, tuple[int, int], tuple[int, int]]
"""(person, code, (iso year, iso week) first, (iso year, iso week) last)."""


def week(year: int, number: int) -> int:
    return iso_week_number(year, number)


def flat_rates(per_week: int = 1000) -> list[BenefitRate]:
    """Round rates for hand computation: every priced benefit at ``per_week`` kr. a week."""
    groups = {
        "uddannelseshjaelp": ("under 25 udeboende", "25-29 udeboende"),
        "a_dagpenge": ("fuldtid maks",),
    }
    return [
        BenefitRate(name, group, year, Decimal(per_week), "kr/uge", "test")
        for name, names in groups.items()
        for group in names
        for year in (2015, 2016, 2017, 2018, 2019)
    ]


def build(
    spells: Sequence[Spell],
    born: dict[int, date] | None = None,
    municipality: int = 791,
    population: Sequence[tuple[int, int, int, int, int]] = (),
    path: Path | None = None,
) -> Warehouse:
    """A warehouse with the test codes, one resident per person (default born 1995-06-01, living
    in ``municipality`` throughout), the spells and ``population`` rows (kommune, year, quarter,
    age, persons); in memory, or in the file ``path``."""
    wh = open_warehouse(path)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1),"
        "(141, 'uddannelseshjaelp', 'aktivitetsparat', 'public_support', NULL, 1),"
        "(150, 'revalidering', NULL, 'public_support', NULL, 1),"
        "(981, NULL, NULL, 'employment', NULL, 1)"
    )
    people = sorted({s[0] for s in spells} | set(born or {}))
    for pid in people:
        birth = (born or {}).get(pid, date(1995, 6, 1))
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'K', 1)",
            [pid, birth],
        )
        con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, NULL, 1)",
            [pid, municipality, week(2010, 1)],
        )
    for pid, code, first, last in spells:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(*first), week(*last)],
        )
    for row in population:
        con.execute("INSERT INTO population VALUES (?, ?, ?, ?, 'M', ?, 1)", list(row))
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


@pytest.fixture
def make_warehouse() -> Callable[..., Warehouse]:
    """``build``: a hand-made warehouse from spells (see its docstring)."""
    return build


@pytest.fixture
def rates() -> list[BenefitRate]:
    """``flat_rates()``: 1,000 kr. a week for uddannelseshjælp and A-dagpenge, 2015–2019."""
    return flat_rates()
