"""CPR validation, derived facts and the keyed pseudonym."""

import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ungeindsats.ingest.cpr import CprError, Pseudonymiser, cpr_facts, load_or_create_key

KEY = bytes(range(32))


@pytest.mark.parametrize(
    ("cpr", "born", "sex"),
    [
        # 7th digit 0-3: 1900s, whatever the year digits.
        ("010190-1235", date(1990, 1, 1), "M"),
        ("0101902234", date(1990, 1, 1), "K"),
        # 7th digit 4: years 00-36 are 2000s, 37-99 are 1900s.
        ("150536-4001", date(2036, 5, 15), "M"),
        ("150537-4001", date(1937, 5, 15), "M"),
        # 7th digit 5-8: 00-57 → 2000s, 58-99 → 1800s.
        ("311299-5000", date(1899, 12, 31), "K"),
        ("010105-7000", date(2005, 1, 1), "K"),
        ("010157-8000", date(2057, 1, 1), "K"),
        ("010158-8000", date(1858, 1, 1), "K"),
        # 7th digit 9: like 4.
        ("290200-9001", date(2000, 2, 29), "M"),
        ("010137-9001", date(1937, 1, 1), "M"),
        # Replacement number (erstatningspersonnummer): day + 60.
        ("610190-1235", date(1990, 1, 1), "M"),
    ],
)
def test_birth_date_and_sex(cpr: str, born: date, sex: str) -> None:
    facts = cpr_facts(cpr)
    assert facts.birth_date == born
    assert facts.sex == sex


@pytest.mark.parametrize("bad", ["3102901234", "123", "01019012345", "0113901234", "abcdefghij"])
def test_invalid_cpr_is_rejected_without_showing_it(bad: str) -> None:
    with pytest.raises(CprError) as info:
        cpr_facts(bad)
    assert bad not in str(info.value)
    assert "CPR" in str(info.value)


def test_pseudonym_is_stable_keyed_and_kind_separated() -> None:
    one = Pseudonymiser(KEY)
    same = Pseudonymiser(KEY)
    other = Pseudonymiser(bytes(reversed(range(32))))
    assert one.from_cpr("010190-1235") == same.from_cpr("0101901235")
    assert one.from_cpr("0101901235") != other.from_cpr("0101901235")
    assert one.from_key("0101901235") != one.from_cpr("0101901235")
    assert -(2**63) <= one.from_key("abc") < 2**63
    assert "nøgle skjult" in repr(one)


def test_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "pseudonym.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def _scalar(pseudonymiser: Pseudonymiser, text: str) -> object:
    try:
        facts = cpr_facts(text)
    except CprError as exc:
        return str(exc)
    return (pseudonymiser.from_cpr(text), facts.birth_date, facts.sex)


_CPR_LIKE_TEXT = st.one_of(
    # Mostly the CPR shape with any digits (impossible dates included), with or without hyphen.
    st.builds(
        lambda d, h, s, pad: f"{pad}{d[:6]}{h}{d[6:]}{pad}",
        st.text("0123456789", min_size=10, max_size=10),
        st.sampled_from(["", "-"]),
        st.text("0123456789", max_size=0),
        st.sampled_from(["", " "]),
    ),
    st.text(max_size=12),  # and anything at all
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CPR_LIKE_TEXT, max_size=40))
def test_many_at_once_equals_one_at_a_time(texts: list[str]) -> None:
    """``from_cprs`` (arrays, used by the importers) gives for every text exactly what
    ``cpr_facts`` and ``from_cpr`` give for it alone: the same pseudonym, birth date and sex,
    or the same Danish reason."""
    pseudonymiser = Pseudonymiser(KEY)
    batch = pseudonymiser.from_cprs(texts)
    for number, text in enumerate(texts):
        if number in batch.problems:
            got: object = batch.problems[number]
        else:
            got = (
                int(batch.person_id[number]),
                batch.birth_date[number].astype(date),
                "M" if batch.male[number] else "K",
            )
        assert got == _scalar(pseudonymiser, text), text
