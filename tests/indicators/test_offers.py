"""Offers, company-based activation, intervention mix and sanctions on a hand-made February 2019."""

from datetime import date

import pytest

from ungeindsats.indicators import Query, get_indicator
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

JAN, FEB = parse_period("2019M01"), parse_period("2019M02")
VIBORG, KBH, COUNTRY = 791, 101, 0


def week(number: int) -> int:
    return iso_week_number(2019, number)


@pytest.fixture
def wh() -> Warehouse:
    """Seven persons, all born 1 May 1995 (23 years old), around February 2019.

    February is U06-U09 (its Thursdays 7, 14, 21, 28 Feb); U05 (Monday 28 Jan - Sunday 3 Feb)
    belongs to January by its Thursday 31 Jan. Codes: 111 A-dagpenge (youth group 1), 140
    uddannelseshjælp uddannelsesparat (group 2), 141 uddannelseshjælp aktivitetsparat (group 3),
    651 education (not public support). Everybody lives in Viborg (791) except as said.

    - A: 140 U06-U09; virksomhedspraktik U07-U08 (inside the benefit weeks).
    - B: 140 U05-U07; mentor U05 and U08-U09: U05 is a benefit week but in January; in
      February the mentor weeks fall outside B's benefit weeks, so no offer in February.
    - C: 141 U06-U07 with uddannelse U06, then 140 U08-U09 with mentor U09: two offer kinds
      (Uddannelsestilbud while in group 3, Støttetilbud while in group 2).
    - D: 141 U06-U09; virksomhedspraktik U06 and løntilskud U08: one kind (Jobrettede tilbud).
    - E: 111 U06-U09, no offer.
    - F: 651 (education) U06-U09 with vejledning og opkvalificering U07: not a recipient.
    - H: 140 U06-U09, Viborg until U07 and København (101) from U08; nytteindsats U08-U09,
      i.e. only in the København weeks.

    Sanctions: A 5 Feb and 19 Feb (uddannelseshjælp); C Friday 1 March (no benefit given; U09,
    whose Thursday is 28 Feb, so February); E Friday 1 Feb (a_dagpenge; U05, so January);
    H 20 Feb (uddannelseshjælp; U08, in København).
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1),"
        "(141, 'uddannelseshjaelp', 'aktivitetsparat', 'public_support', NULL, 1),"
        "(651, NULL, NULL, 'education', NULL, 1)"
    )
    people = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "H": 8}
    for pid in people.values():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'K', 1)",
            [pid, date(1995, 5, 1)],
        )
        if pid != people["H"]:
            con.execute(
                "INSERT INTO residence VALUES (?, ?, NULL, ?, NULL, 1)",
                [pid, VIBORG, iso_week_number(2010, 1)],
            )
    con.execute(
        "INSERT INTO residence VALUES (8, ?, NULL, ?, ?, 1), (8, ?, NULL, ?, NULL, 1)",
        [VIBORG, iso_week_number(2010, 1), week(7), KBH, week(8)],
    )
    spells = [
        ("A", 140, 6, 9),
        ("B", 140, 5, 7),
        ("C", 141, 6, 7),
        ("C", 140, 8, 9),
        ("D", 141, 6, 9),
        ("E", 111, 6, 9),
        ("F", 651, 6, 9),
        ("H", 140, 6, 9),
    ]
    for who, code, first, last in spells:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [people[who], code, week(first), week(last)],
        )
    offers = [
        ("A", "virksomhedspraktik", 7, 8),
        ("B", "mentor", 5, 5),
        ("B", "mentor", 8, 9),
        ("C", "uddannelse", 6, 6),
        ("C", "mentor", 9, 9),
        ("D", "virksomhedspraktik", 6, 6),
        ("D", "loentilskud", 8, 8),
        ("F", "vejledning_opkvalificering", 7, 7),
        ("H", "nytteindsats", 8, 9),
    ]
    for who, offer_type, first, last in offers:
        con.execute(
            "INSERT INTO activation_spell VALUES (?, ?, ?, ?, 1)",
            [people[who], offer_type, week(first), week(last)],
        )
    sanctions = [
        ("A", date(2019, 2, 5), "uddannelseshjaelp"),
        ("A", date(2019, 2, 19), "uddannelseshjaelp"),
        ("C", date(2019, 3, 1), None),
        ("E", date(2019, 2, 1), "a_dagpenge"),
        ("H", date(2019, 2, 20), "uddannelseshjaelp"),
    ]
    for who, day, benefit in sanctions:
        con.execute("INSERT INTO sanction VALUES (?, ?, ?, NULL, 1)", [people[who], day, benefit])
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


def _values(wh: Warehouse, name: str, query: Query) -> dict[tuple, tuple[float, int, int | None]]:
    """(municipality, period, *by) → (value rounded to 2 decimals, persons, denominator)."""
    keys = ["municipality", "period", *query.by]
    rows = get_indicator(name)(wh, query).rows()
    return {
        tuple(r[k] for k in keys): (round(r["value"], 2), r["persons"], r.get("denominator"))
        for r in rows
    }


def test_offers_count_only_inside_benefit_weeks(wh: Warehouse) -> None:
    """Viborg February: recipients A, B, C, D, E, H (H's U06-U07) = 6. With an offer in a
    benefit week: A, C, D = 3 → 50 %. B's mentor weeks U08-U09 are after her benefit ended; F
    is in education. H's nytteindsats is in her København weeks: København 1 of 1 = 100 %.
    Country: A, C, D, H of the same 6 → 66.67 %.
    January (U01-U05): only B is a recipient (U05), with mentor in U05 → 100 %, in Viborg and
    the country."""
    values = _values(wh, "offers", Query((VIBORG, KBH, COUNTRY), (JAN, FEB)))
    assert values == {
        (VIBORG, "2019M01"): (100.0, 1, 1),
        (VIBORG, "2019M02"): (50.0, 3, 6),
        (KBH, "2019M02"): (100.0, 1, 1),
        (COUNTRY, "2019M01"): (100.0, 1, 1),
        (COUNTRY, "2019M02"): (66.67, 4, 6),
    }


def test_offers_by_kind(wh: Warehouse) -> None:
    """Viborg February, 6 recipients: Uddannelsestilbud C (U06) 1/6; Jobrettede tilbud A and
    D (D's two job offers count once) 2/6; Støttetilbud C (U09) 1/6; Andet nobody 0/6 (shown
    as 0, not left out). The shares do not add up to the 50 % with any offer, since C has
    two kinds. Filtered to Jobrettede tilbud, only that row, over the same 6."""
    values = _values(wh, "offers", Query((VIBORG,), (FEB,), by=("offer_kind",)))
    assert values == {
        (VIBORG, "2019M02", "Uddannelsestilbud"): (16.67, 1, 6),
        (VIBORG, "2019M02", "Jobrettede tilbud"): (33.33, 2, 6),
        (VIBORG, "2019M02", "Støttetilbud"): (16.67, 1, 6),
        (VIBORG, "2019M02", "Andet"): (0.0, 0, 6),
    }
    result = get_indicator("offers")(wh, Query((VIBORG,), (FEB,), by=("offer_kind",)))
    assert [r["offer_kind"] for r in result.rows()] == [
        "Uddannelsestilbud",
        "Jobrettede tilbud",
        "Støttetilbud",
        "Andet",
    ]
    jobs = Query((VIBORG,), (FEB,), filters={"offer_kind": ("Jobrettede tilbud",)})
    assert _values(wh, "offers", jobs) == {(VIBORG, "2019M02"): (33.33, 2, 6)}


def test_offers_by_youth_group_follow_the_group_weeks(wh: Warehouse) -> None:
    """Group 1: E, no offer → 0/1. Group 2: A, B, C (U08-U09), H (U06-U07) → A's
    virksomhedspraktik and C's mentor (U09) → 2/4 = 50 %. Group 3: C (U06-U07) with
    uddannelse in U06, D → 2/2 = 100 %. By kind, C's education counts in group 3 only and her
    mentor in group 2 only."""
    values = _values(wh, "offers", Query((VIBORG,), (FEB,), by=("youth_group",)))
    assert values == {
        (VIBORG, "2019M02", "1"): (0.0, 0, 1),
        (VIBORG, "2019M02", "2"): (50.0, 2, 4),
        (VIBORG, "2019M02", "3"): (100.0, 2, 2),
    }
    by_kind = _values(wh, "offers", Query((VIBORG,), (FEB,), by=("youth_group", "offer_kind")))
    assert by_kind[(VIBORG, "2019M02", "2", "Støttetilbud")] == (25.0, 1, 4)
    assert by_kind[(VIBORG, "2019M02", "2", "Uddannelsestilbud")] == (0.0, 0, 4)
    assert by_kind[(VIBORG, "2019M02", "3", "Uddannelsestilbud")] == (50.0, 1, 2)
    assert by_kind[(VIBORG, "2019M02", "3", "Støttetilbud")] == (0.0, 0, 2)


def test_company_based_share(wh: Warehouse) -> None:
    """Virksomhedspraktik or løntilskud in a benefit week: A and D of 6 → 33.33 % (the same as
    offers' Jobrettede tilbud). Country: still A and D of 6."""
    values = _values(wh, "company_based_share", Query((VIBORG, COUNTRY), (FEB,)))
    assert values == {
        (VIBORG, "2019M02"): (33.33, 2, 6),
        (COUNTRY, "2019M02"): (33.33, 2, 6),
    }


def test_intervention_mix(wh: Warehouse) -> None:
    """Viborg February, 6 recipients: no offer B, E, H (her offer is in København) = 3 → 50 %;
    one kind A, D (virksomhedspraktik + løntilskud are one kind) = 2 → 33.33 %; combined C
    (education + mentor) = 1 → 16.67 %. Sums to 100. Country: H has one kind (Andet), so
    2 / 3 / 1 → 33.33 / 50 / 16.67 %. The mix breakdown is added even when not asked for."""
    result = get_indicator("intervention_mix")(wh, Query((VIBORG, COUNTRY), (FEB,)))
    assert result.query.by == ("mix",)
    values = {
        (r["municipality"], r["mix"]): (round(r["value"], 2), r["persons"], r["denominator"])
        for r in result.rows()
    }
    assert values == {
        (VIBORG, "Ingen indsats"): (50.0, 3, 6),
        (VIBORG, "Én slags indsats"): (33.33, 2, 6),
        (VIBORG, "Kombineret indsats"): (16.67, 1, 6),
        (COUNTRY, "Ingen indsats"): (33.33, 2, 6),
        (COUNTRY, "Én slags indsats"): (50.0, 3, 6),
        (COUNTRY, "Kombineret indsats"): (16.67, 1, 6),
    }
    assert [r["mix"] for r in result.rows()][:3] == [
        "Ingen indsats",
        "Én slags indsats",
        "Kombineret indsats",
    ]


def test_sanctions(wh: Warehouse) -> None:
    """Viborg February: A's two sanctions (5 and 19 Feb) and C's on Friday 1 March (week U09,
    Thursday 28 Feb) = 3 sanctions, 2 persons. E's sanction on Friday 1 Feb is in U05
    (Thursday 31 Jan): January. H's 20 Feb is in København (she lives there from U08).
    Country February: 4 sanctions, 3 persons. By benefit: uddannelseshjælp 2 (A), unknown ''
    1 (C)."""
    values = _values(wh, "sanctions", Query((VIBORG, KBH, COUNTRY), (JAN, FEB)))
    assert values == {
        (VIBORG, "2019M01"): (1.0, 1, None),
        (VIBORG, "2019M02"): (3.0, 2, None),
        (KBH, "2019M02"): (1.0, 1, None),
        (COUNTRY, "2019M01"): (1.0, 1, None),
        (COUNTRY, "2019M02"): (4.0, 3, None),
    }
    by_benefit = _values(wh, "sanctions", Query((VIBORG,), (FEB,), by=("benefit",)))
    assert by_benefit == {
        (VIBORG, "2019M02", ""): (1.0, 1, None),
        (VIBORG, "2019M02", "uddannelseshjaelp"): (2.0, 1, None),
    }


def test_sanction_rate(wh: Warehouse) -> None:
    """Viborg February: sanctioned persons A, C = 2 per 6 recipients → 33.33 per 100.
    By benefit: uddannelseshjælp A of A, B, C, D, H = 1/5 → 20; A-dagpenge E has no sanction
    in February → 0 of 1 = 0; C's sanction without a benefit has no recipients to relate to:
    left out, with a note."""
    total = _values(wh, "sanction_rate", Query((VIBORG,), (FEB,)))
    assert total == {(VIBORG, "2019M02"): (33.33, 2, 6)}
    query = Query((VIBORG,), (FEB,), by=("benefit",))
    result = get_indicator("sanction_rate")(wh, query)
    assert _values(wh, "sanction_rate", query) == {
        (VIBORG, "2019M02", "a_dagpenge"): (0.0, 0, 1),
        (VIBORG, "2019M02", "uddannelseshjaelp"): (20.0, 1, 5),
    }
    assert result.notes and "uden oplyst ydelse" in result.notes[0]
