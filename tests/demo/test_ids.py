"""The demo's person identifiers: CPR-shaped, never a real CPR number, consistent and unique.

Replacement numbers (erstatningspersonnumre) have day of birth + 60 (61-91), which no real CPR
number has; ``cpr_facts`` must read the birth date and sex the person file states.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow.parquet as pq

from ungeindsats.demo import DemoManifest
from ungeindsats.demo.ids import replacement_cpr_digits
from ungeindsats.ingest.cpr import cpr_facts


def test_person_file_ids_are_replacement_numbers_matching_birth_date_and_sex(
    small_demo: DemoManifest,
) -> None:
    (person,) = small_demo.of_kind("person")
    table = pq.read_table(person.path, columns=["cpr", "birth_date", "sex"]).to_pylist()
    assert len({row["cpr"] for row in table}) == len(table)
    for row in table:
        text = row["cpr"]
        assert len(text) == 11 and text[6] == "-"
        assert 61 <= int(text[:2]) <= 91  # never a real day of the month
        facts = cpr_facts(text)
        assert facts.birth_date == row["birth_date"]
        assert facts.sex == row["sex"]


def test_dream_pnr_are_the_same_persons_without_hyphen(small_demo: DemoManifest) -> None:
    (dream,) = small_demo.of_kind("dream")
    (person,) = small_demo.of_kind("person")
    pnr = pq.read_table(dream.path, columns=["PNR"]).column("PNR").to_pylist()
    cpr = pq.read_table(person.path, columns=["cpr"]).column("cpr").to_pylist()
    assert all(len(p) == 10 and p.isdigit() for p in pnr)
    assert set(pnr) == {c.replace("-", "") for c in cpr}


def test_many_persons_born_the_same_day_still_get_unique_valid_numbers() -> None:
    """1,900 men and 1,900 women born on 1 March 2001, and a few born in 1985."""
    days = np.array(
        [(date(2001, 3, 1) - date(1970, 1, 1)).days] * 3800
        + [(date(1985, 12, 31) - date(1970, 1, 1)).days] * 4
    )
    male = np.array([True] * 1900 + [False] * 1900 + [True, False, True, False])
    digits = replacement_cpr_digits(days, male)
    numbers = ["".join(chr(c) for c in row) for row in digits]
    assert len(set(numbers)) == len(numbers)
    for number, is_male in zip(numbers, male, strict=True):
        facts = cpr_facts(number)
        assert facts.sex == ("M" if is_male else "K")
        assert facts.birth_date in (date(2001, 3, 1), date(1985, 12, 31))
        assert int(number[:2]) > 60
