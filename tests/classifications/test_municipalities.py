from __future__ import annotations

from collections import Counter

import pytest

from ungeindsats.classifications import (
    COUNTRY_CODE,
    format_code,
    municipalities,
    municipality,
    resolve_municipality,
)


def test_exactly_98_municipalities_with_unique_codes() -> None:
    codes = [m.code for m in municipalities()]
    assert len(codes) == 98
    assert len(set(codes)) == 98
    assert COUNTRY_CODE not in codes
    assert 411 not in codes  # Christiansø is run by the state, not a municipality


def test_regions_and_their_counts() -> None:
    counts = Counter((m.region_code, m.region_name) for m in municipalities())
    assert counts == {
        (1084, "Region Hovedstaden"): 29,
        (1085, "Region Sjælland"): 17,
        (1083, "Region Syddanmark"): 22,
        (1082, "Region Midtjylland"): 19,
        (1081, "Region Nordjylland"): 11,
    }


def test_known_codes_and_names() -> None:
    names = {m.code: m.name for m in municipalities()}
    assert names[101] == "København"
    assert names[147] == "Frederiksberg"
    assert names[173] == "Lyngby-Taarbæk"
    assert names[169] == "Høje-Taastrup"
    assert names[461] == "Odense"
    assert names[480] == "Nordfyns"
    assert names[492] == "Ærø"
    assert names[563] == "Fanø"
    assert names[741] == "Samsø"
    assert names[751] == "Aarhus"
    assert names[760] == "Ringkøbing-Skjern"
    assert names[825] == "Læsø"
    assert names[851] == "Aalborg"


def test_viborg_is_in_midtjylland() -> None:
    viborg = municipality(791)
    assert (viborg.name, viborg.region_code, viborg.region_name) == (
        "Viborg",
        1082,
        "Region Midtjylland",
    )


def test_code_0_is_the_country_without_region() -> None:
    country = municipality(0)
    assert (country.name, country.region_code, country.region_name) == ("Hele landet", None, None)


def test_unknown_code_raises_key_error_in_danish() -> None:
    with pytest.raises(KeyError, match="Ukendt kommunekode: 411"):
        municipality(411)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("791", 791),
        ("0791", 791),
        ("Viborg", 791),
        ("Viborg Kommune", 791),
        ("  viborg   KOMMUNE ", 791),
        ("Københavns Kommune", 101),
        ("Københavns", 101),
        ("København", 101),
        ("Frederiksberg Kommune", 147),
        ("Frederiksberg Kommunes", 147),
        ("Nordfyns Kommune", 480),
        ("lyngby-taarbæk", 173),
        ("Århus Kommune", 751),
        ("791 Viborg", 791),
        ("Hele landet", 0),
        ("Hele Landet", 0),
        ("000", 0),
    ],
)
def test_resolve_municipality(text: str, code: int) -> None:
    assert resolve_municipality(text) == code


@pytest.mark.parametrize(
    "text", ["Region Midtjylland", "Christiansø", "411", "Atlantis", "", "791 Aalborg"]
)
def test_resolve_municipality_gives_none_for_non_municipalities(text: str) -> None:
    assert resolve_municipality(text) is None


def test_format_code_pads_to_three_digits() -> None:
    assert [format_code(c) for c in (0, 101, 791)] == ["000", "101", "791"]
    with pytest.raises(ValueError):
        format_code(1084)
