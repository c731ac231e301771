from __future__ import annotations

import pytest

from ungeindsats.classifications import SCHEMES, benefit, benefits, target_group, target_groups

BENEFIT_IDS = [
    "a_dagpenge",
    "kontanthjaelp",
    "uddannelseshjaelp",
    "integrationsydelse",
    "sygedagpenge",
    "ressourceforloeb",
    "jobafklaring",
    "revalidering",
    "fleksjob",
    "ledighedsydelse",
    "foertidspension",
    "overgangsydelse",
    "andet",
]


def test_benefit_identifiers_are_exactly_the_projects() -> None:
    assert [b.name for b in benefits()] == BENEFIT_IDS


def test_permanent_benefits_and_payers() -> None:
    assert {b.name for b in benefits() if b.permanent} == {
        "fleksjob",
        "ledighedsydelse",
        "foertidspension",
    }
    assert benefit("a_dagpenge").paid_by == "a_kasse"
    assert benefit("uddannelseshjaelp").paid_by == "kommune"
    assert benefit("uddannelseshjaelp").label == "Uddannelseshjælp"


def test_unknown_benefit_raises_key_error() -> None:
    with pytest.raises(KeyError, match="Ukendt ydelse"):
        benefit("dagpenge")


def test_lab2016_codes_benefits_and_verification() -> None:
    groups = {g.code: g for g in target_groups("lab2016")}
    assert list(groups) == [f"2.{n}" for n in (1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14)]
    assert groups["2.1"].benefit == "a_dagpenge"
    assert groups["2.12"].benefit == "uddannelseshjaelp"
    assert groups["2.13"].benefit == "uddannelseshjaelp"
    assert not groups["2.11"].verified and groups["2.11"].note
    assert not groups["2.14"].verified and groups["2.14"].note
    assert groups["2.5"].verified


def test_lbi2020_numbers_1_to_11() -> None:
    groups = target_groups("lbi2020")
    assert [g.code for g in groups] == [str(n) for n in range(1, 12)]
    assert target_group("lbi2020", "7").benefit == "jobafklaring"
    assert target_group("lbi2020", "8").benefit == "ressourceforloeb"


def test_every_target_group_names_a_known_benefit_and_a_source() -> None:
    known = set(BENEFIT_IDS)
    for scheme in SCHEMES:
        for group in target_groups(scheme):
            assert group.benefit in known
            assert group.source


def test_unknown_scheme_and_code() -> None:
    with pytest.raises(ValueError):
        target_groups("lab2010")
    with pytest.raises(KeyError):
        target_group("lab2016", "2.99")
