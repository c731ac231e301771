"""A small hand-made warehouse shared by the indicator tests (see each test's docstring)."""

from datetime import date

import pytest

from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse, open_warehouse

STATUS_CODES_SQL = (
    "INSERT INTO status_code VALUES "
    "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
    "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1),"
    "(141, 'uddannelseshjaelp', 'aktivitetsparat', 'public_support', NULL, 1),"
    "(651, NULL, NULL, 'education', NULL, 1)"
)
"""The status codes of the hand-made warehouses: A-dagpenge (youth group 1), uddannelseshjælp
uddannelsesparat (2) and aktivitetsparat (3), and an education."""


def week(year: int, number: int) -> int:
    return iso_week_number(year, number)


@pytest.fixture
def feb_2019() -> Warehouse:
    """Five persons around February 2019 (weeks 2019U06-U09; January ends with U05, March is
    U10-U13; 2019K1 has 13 weeks).

    Codes: 111 A-dagpenge (youth group 1), 140 uddannelseshjælp uddannelsesparat (group 2),
    141 uddannelseshjælp aktivitetsparat (group 3), 651 education (not public support).

    - A, born 1995-05-01, Viborg: 140 in U05-U08.
    - B, born 2001-02-20 (turns 18 on Wednesday 20 Feb), Viborg: 111 in U06-U09. Thursdays
      7 and 14 Feb she is 17, 21 and 28 Feb she is 18.
    - C, born 1989-02-25 (turns 30 on Monday 25 Feb), Viborg: 141 in U06-U09; 29 on the
      Thursdays 7, 14, 21 Feb, 30 on 28 Feb.
    - D, born 1996-01-01, Viborg until U07, København (101) from U08: 140 in U06-U09.
    - E, born 1997-06-01, Viborg: 651 (education) U06-U09, then 140 in U10-U13.

    Population 2019K1 ages 18-29: Viborg 600 + 400 = 1,000 (and 50 aged 17, outside the band);
    København 3,000; FOLK1A's own country row (9,999) is ignored because municipal rows exist.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(STATUS_CODES_SQL)
    people = {
        1: date(1995, 5, 1),
        2: date(2001, 2, 20),
        3: date(1989, 2, 25),
        4: date(1996, 1, 1),
        5: date(1997, 6, 1),
    }
    for pid, born in people.items():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, ?, 1)",
            [pid, born, "K" if pid % 2 else "M"],
        )
    residences = [
        (1, 791, 2010, 1, None),
        (2, 791, 2010, 1, None),
        (3, 791, 2010, 1, None),
        (4, 791, 2010, 1, (2019, 7)),
        (4, 101, 2019, 8, None),
        (5, 791, 2010, 1, None),
    ]
    for pid, kommune, year, wk, end in residences:
        con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, ?, 1)",
            [pid, kommune, week(year, wk), week(*end) if end else None],
        )
    spells = [
        (1, 140, 5, 8),
        (2, 111, 6, 9),
        (3, 141, 6, 9),
        (4, 140, 6, 9),
        (5, 651, 6, 9),
        (5, 140, 10, 13),
    ]
    for pid, code, first, last in spells:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(2019, first), week(2019, last)],
        )
    con.execute(
        "INSERT INTO population VALUES "
        "(791, 2019, 1, 20, 'M', 600, 1), (791, 2019, 1, 25, 'K', 400, 1),"
        "(791, 2019, 1, 17, 'M', 50, 1), (101, 2019, 1, 22, 'K', 3000, 1),"
        "(0, 2019, 1, 22, 'K', 9999, 1)"
    )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh
