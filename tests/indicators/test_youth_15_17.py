"""The 15-17-year-olds' activity and education readiness by grade, on hand-made warehouses."""

from datetime import date

import pytest

from ungeindsats.indicators import IndicatorError, Query, get_indicator
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import week

MARCH = parse_period("2019M03")
JANUARY = parse_period("2019M01")
VIBORG, KBH = 791, 101


def _rows(wh: Warehouse, name: str, query: Query) -> dict[tuple, tuple]:
    """(municipality, period, *breakdowns) → (value, numerator, denominator, persons)."""
    result = get_indicator(name)(wh, query)
    skip = {"value", "numerator", "denominator", "persons"}
    keys = [c for c in result.table.column_names if c not in skip]
    return {
        tuple(r[k] for k in keys): (
            round(r["value"], 4),
            r["numerator"],
            r["denominator"],
            r["persons"],
        )
        for r in result.rows()
    }


@pytest.fixture
def march_2019() -> Warehouse:
    """Ten young people at 2019M03's last week, 2019U13 (Mon 25, Thu 28, Sun 31 March 2019).
    All live in Viborg from 2010 unless said. Codes: 651 education, 300 kontanthjælp (public
    support), 500 employment.

    - Y21 K 2002-05-05 (16): code 651 2018U33-2019U26 → Uddannelse.
    - Y22 M 2003-01-01 (16): started 'erhvervsuddannelse' 2018-08-13 and 20 hours in March →
      Uddannelse (education before work).
    - Y23 M 2002-02-02 (17): 30 hours in March → Beskæftigelse.
    - Y24 K 2001-06-06 (17): kontanthjælp 2019U10-U20 → Offentlig forsørgelse.
    - Y25 M 2001-07-07 (17): kontanthjælp 2019U10-U20 and 10 hours in March → Beskæftigelse
      (work before public support).
    - Y26 K 2003-03-03 (16): 40 hours in April only → Hverken uddannelse eller beskæftigelse.
    - Y27 M 2001-03-27: turns 18 on Wednesday 27 March, 18 on Thursday 28 → not counted.
    - Y28 K 2004-03-28: turns 15 on Thursday 28 March → counted; nothing → Hverken.
    - Y29 M 2002-08-08: Viborg until 2019U11, København from U12; employment code 500
      2019U01-U20 → Beskæftigelse in København.
    - Y30 K 2002-09-09: started 'gymnasial' 2018-08-13, dropped out Tuesday 26 March 2019, in
      the reference week (one day counts) → Uddannelse.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(651, NULL, NULL, 'education', NULL, 1),"
        "(300, 'kontanthjaelp', '2.2', 'public_support', NULL, 1),"
        "(500, NULL, NULL, 'employment', NULL, 1)"
    )
    people = {
        21: (date(2002, 5, 5), "K"),
        22: (date(2003, 1, 1), "M"),
        23: (date(2002, 2, 2), "M"),
        24: (date(2001, 6, 6), "K"),
        25: (date(2001, 7, 7), "M"),
        26: (date(2003, 3, 3), "K"),
        27: (date(2001, 3, 27), "M"),
        28: (date(2004, 3, 28), "K"),
        29: (date(2002, 8, 8), "M"),
        30: (date(2002, 9, 9), "K"),
    }
    for pid, (born, sex) in people.items():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, ?, 1)",
            [pid, born, sex],
        )
        con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, ?, 1)",
            [pid, VIBORG, week(2010, 1), week(2019, 11) if pid == 29 else None],
        )
    con.execute("INSERT INTO residence VALUES (29, ?, NULL, ?, NULL, 1)", [KBH, week(2019, 12)])
    for pid, code, first, last in [
        (21, 651, (2018, 33), (2019, 26)),
        (24, 300, (2019, 10), (2019, 20)),
        (25, 300, (2019, 10), (2019, 20)),
        (29, 500, (2019, 1), (2019, 20)),
    ]:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(*first), week(*last)],
        )
    for pid, day, event, kind in [
        (22, date(2018, 8, 13), "start", "erhvervsuddannelse"),
        (30, date(2018, 8, 13), "start", "gymnasial"),
        (30, date(2019, 3, 26), "dropout", "gymnasial"),
    ]:
        con.execute(
            "INSERT INTO education_event VALUES (?, ?, ?, ?, NULL, 1)", [pid, day, event, kind]
        )
    for pid, month, hours in [(22, 3, 20.0), (23, 3, 30.0), (25, 3, 10.0), (26, 4, 40.0)]:
        con.execute("INSERT INTO employment_month VALUES (?, 2019, ?, ?, 1)", [pid, month, hours])
    return wh


def test_activity_of_the_15_17_year_olds(march_2019: Warehouse) -> None:
    """Viborg (8: Y21-Y26, Y28, Y30; Y27 is 18, Y29 moved): Uddannelse Y21, Y22, Y30 = 3
    (37.5 %); Beskæftigelse Y23, Y25 = 2 (25 %); Offentlig forsørgelse Y24 = 1 (12.5 %);
    Hverken Y26, Y28 = 2 (25 %). København: Y29 in work, 1 of 1; the other activities 0.
    Country (9): 3 / 3 / 1 / 2 → 33.3333 / 33.3333 / 11.1111 / 22.2222 %."""
    rows = _rows(march_2019, "youth_15_17_activity", Query((VIBORG, KBH, 0), (MARCH,)))
    assert rows == {
        (0, "2019M03", "Uddannelse"): (33.3333, 3, 9, 3),
        (0, "2019M03", "Beskæftigelse"): (33.3333, 3, 9, 3),
        (0, "2019M03", "Offentlig forsørgelse"): (11.1111, 1, 9, 1),
        (0, "2019M03", "Hverken uddannelse eller beskæftigelse"): (22.2222, 2, 9, 2),
        (KBH, "2019M03", "Uddannelse"): (0.0, 0, 1, 0),
        (KBH, "2019M03", "Beskæftigelse"): (100.0, 1, 1, 1),
        (KBH, "2019M03", "Offentlig forsørgelse"): (0.0, 0, 1, 0),
        (KBH, "2019M03", "Hverken uddannelse eller beskæftigelse"): (0.0, 0, 1, 0),
        (VIBORG, "2019M03", "Uddannelse"): (37.5, 3, 8, 3),
        (VIBORG, "2019M03", "Beskæftigelse"): (25.0, 2, 8, 2),
        (VIBORG, "2019M03", "Offentlig forsørgelse"): (12.5, 1, 8, 1),
        (VIBORG, "2019M03", "Hverken uddannelse eller beskæftigelse"): (25.0, 2, 8, 2),
    }
    result = get_indicator("youth_15_17_activity")(march_2019, Query((VIBORG,), (MARCH,)))
    assert result.table["activity"].to_pylist() == [
        "Uddannelse",
        "Beskæftigelse",
        "Offentlig forsørgelse",
        "Hverken uddannelse eller beskæftigelse",
    ]


def test_activity_by_sex_and_filtered(march_2019: Warehouse) -> None:
    """Viborg girls (K): Y21, Y24, Y26, Y28, Y30 = 5; Uddannelse Y21, Y30 → 40 %. Boys (M):
    Y22, Y23, Y25 = 3; Uddannelse Y22 → 33.3333 %."""
    query = Query((VIBORG,), (MARCH,), by=("sex",), filters={"activity": ("Uddannelse",)})
    assert _rows(march_2019, "youth_15_17_activity", query) == {
        (VIBORG, "2019M03", "K", "Uddannelse"): (40.0, 2, 5, 2),
        (VIBORG, "2019M03", "M", "Uddannelse"): (33.3333, 1, 3, 1),
    }
    with pytest.raises(IndicatorError, match="15-17-årige"):
        get_indicator("youth_15_17_activity")(march_2019, Query((VIBORG,), (MARCH,), ages=(15, 24)))


@pytest.fixture
def january_2019() -> Warehouse:
    """Assessments around 2019M01 = weeks 2019U01 (Mon 31 Dec 2018) to 2019U05 (Thu 31 Jan,
    Sun 3 Feb 2019). All live in Viborg from 2010 unless said.

    - R41 grade 8 not ready 15 Jan.       - R42 grade 8 ready 15 Jan.
    - R43 grade 8 not ready 15 Jan, re-assessed ready 29 Jan → counts once, ready.
    - R44 grade 9 not ready 15 Jan.       - R45 grade 9 ready 15 Jan.
    - R46 grade 10 not ready 15 Jan.
    - R47 grade 8 not ready Fri 28 Dec 2018 (week 2018U52, December) → not in January.
    - R48 grade 9 not ready Sat 2 Feb 2019: its week 2019U05 has its Thursday in January → counts
      in January, not in February.
    - R49 lives in København: grade 8 not ready 15 Jan.
    - R50 has no residence: grade 8 not ready 15 Jan → municipality unknown, not counted.
    """
    wh = open_warehouse(None)
    con = wh.con
    for pid in range(41, 51):
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, ?, 1)",
            [pid, date(2004, 6, 1), "K" if pid % 2 else "M"],
        )
        if pid != 50:
            con.execute(
                "INSERT INTO residence VALUES (?, ?, NULL, ?, NULL, 1)",
                [pid, KBH if pid == 49 else VIBORG, week(2010, 1)],
            )
    for pid, day, grade, ready in [
        (41, date(2019, 1, 15), 8, False),
        (42, date(2019, 1, 15), 8, True),
        (43, date(2019, 1, 15), 8, False),
        (43, date(2019, 1, 29), 8, True),
        (44, date(2019, 1, 15), 9, False),
        (45, date(2019, 1, 15), 9, True),
        (46, date(2019, 1, 15), 10, False),
        (47, date(2018, 12, 28), 8, False),
        (48, date(2019, 2, 2), 9, False),
        (49, date(2019, 1, 15), 8, False),
        (50, date(2019, 1, 15), 8, False),
    ]:
        con.execute(
            "INSERT INTO readiness_assessment VALUES (?, ?, ?, ?, 1)", [pid, day, grade, ready]
        )
    return wh


def test_not_education_ready_by_grade(january_2019: Warehouse) -> None:
    """Viborg: 8th R41 not ready, R42 ready, R43 ready at the latest → 1 of 3 = 33.3333 %;
    9th R44 and R48 not ready, R45 ready → 2 of 3 = 66.6667 %; 10th R46 → 1 of 1.
    Country: 8th adds R49 (København) → 2 of 4 = 50 %; R50 (no residence) is not counted."""
    query = Query((VIBORG, 0), (JANUARY,), by=("grade",))
    assert _rows(january_2019, "not_education_ready", query) == {
        (0, "2019M01", "8"): (50.0, 2, 4, 2),
        (0, "2019M01", "9"): (66.6667, 2, 3, 2),
        (0, "2019M01", "10"): (100.0, 1, 1, 1),
        (VIBORG, "2019M01", "8"): (33.3333, 1, 3, 1),
        (VIBORG, "2019M01", "9"): (66.6667, 2, 3, 2),
        (VIBORG, "2019M01", "10"): (100.0, 1, 1, 1),
    }
    result = get_indicator("not_education_ready")(january_2019, query)
    assert result.table["grade"].to_pylist()[:3] == ["8", "9", "10"]


def test_not_education_ready_all_grades_and_february(january_2019: Warehouse) -> None:
    """All grades together, Viborg January: not ready R41, R44, R46, R48 = 4 of 7 assessments
    → 57.1429 %. February has no assessment (R48's Saturday belongs to January's week) → no
    rows. The year 2019 holds January's 7 (R47's December 2018 is outside)."""
    assert _rows(january_2019, "not_education_ready", Query((VIBORG,), (JANUARY,))) == {
        (VIBORG, "2019M01"): (57.1429, 4, 7, 4)
    }
    feb = Query((VIBORG,), (parse_period("2019M02"),))
    assert _rows(january_2019, "not_education_ready", feb) == {}
    year = Query((VIBORG,), (parse_period("2019"),))
    assert _rows(january_2019, "not_education_ready", year) == {
        (VIBORG, "2019"): (57.1429, 4, 7, 4)
    }
