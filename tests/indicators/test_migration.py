"""Migration and the inflow of persons already on a benefit, on hand-made moves around Feb 2019."""

from datetime import date

import pytest

from ungeindsats.indicators import Query, get_indicator
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

JAN, FEB = parse_period("2019M01"), parse_period("2019M02")
VIBORG, AARHUS, KBH, SILKEBORG, RANDERS, COUNTRY = 791, 751, 101, 740, 730, 0
IN, OUT, NET = "Tilflytning", "Fraflytning", "Nettoflytning"


def week(number: int) -> int:
    return iso_week_number(2019, number)


@pytest.fixture
def wh() -> Warehouse:
    """Nine persons moving around February 2019 (U06-U09). U05 runs Monday 28 Jan - Sunday
    3 Feb (Thursday 31 Jan: January); U09 runs Monday 25 Feb - Sunday 3 March (Thursday 28 Feb:
    February). Everybody is born 1 May 1995 (23) except M5. Residence rows (from 2010U01 when
    no start is given; the last row is open-ended):

    - M1: Aarhus until U08, Viborg from U09 → into Viborg, out of Aarhus, in February although
      the week ends in March.
    - M2: Viborg until U04, København from U05 → January, although the week ends in February.
    - M3: Viborg until U06, Silkeborg from U07 → out of Viborg in February.
    - M4: first row Viborg from U07 (immigration): not a move.
    - M5: born 1 June 2003 (15), Aarhus until U06, Viborg from U07: outside 16-29.
    - M6: Viborg until U06, Viborg (another district) from U07: not a move.
    - M7: Aarhus until U06, Viborg from U07; uddannelseshjælp (140) U03-U10, so on a benefit
      the week before the move (U06).
    - M8: Viborg until U07, Aarhus from U08; A-dagpenge (111) U08-U10: on a benefit from the
      move week only, not the week before.
    - M9: Viborg until U07, Randers from U08; uddannelseshjælp (140) U01-U10.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1)"
    )
    for pid in range(1, 10):
        born = date(2003, 6, 1) if pid == 5 else date(1995, 5, 1)
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'M', 1)",
            [pid, born],
        )
    since = iso_week_number(2010, 1)
    rows = [
        (1, AARHUS, None, since, week(8)),
        (1, VIBORG, None, week(9), None),
        (2, VIBORG, None, since, week(4)),
        (2, KBH, None, week(5), None),
        (3, VIBORG, None, since, week(6)),
        (3, SILKEBORG, None, week(7), None),
        (4, VIBORG, None, week(7), None),
        (5, AARHUS, None, since, week(6)),
        (5, VIBORG, None, week(7), None),
        (6, VIBORG, "Vest", since, week(6)),
        (6, VIBORG, "Øst", week(7), None),
        (7, AARHUS, None, since, week(6)),
        (7, VIBORG, None, week(7), None),
        (8, VIBORG, None, since, week(7)),
        (8, AARHUS, None, week(8), None),
        (9, VIBORG, None, since, week(7)),
        (9, RANDERS, None, week(8), None),
    ]
    for row in rows:
        con.execute("INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)", list(row))
    for pid, code, first, last in [(7, 140, 3, 10), (8, 111, 8, 10), (9, 140, 1, 10)]:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)", [pid, code, week(first), week(last)]
        )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


def _values(wh: Warehouse, name: str, query: Query) -> dict[tuple, tuple[float, int]]:
    result = get_indicator(name)(wh, query)
    keys = ["municipality", "period", *result.query.by]
    return {tuple(r[k] for k in keys): (r["value"], r["persons"]) for r in result.rows()}


def test_moves_in_and_out(wh: Warehouse) -> None:
    """Viborg February: in M1 (U09), M7 (U07) = 2 (M4 is a first residence, M5 is 15, M6 moved
    within Viborg); out M3 (U07), M8, M9 (U08) = 3; net -1, behind it the 5 persons who moved.
    Viborg January: out M2 (U05) only. Aarhus February: in M8; out M1, M7 (M5 is 15) → net -1,
    3 persons. Country February: the moves M1, M3, M7, M8, M9 between municipalities are each
    one in and one out: 5 in = 5 out, net 0."""
    values = _values(wh, "migration", Query((VIBORG, AARHUS, COUNTRY), (JAN, FEB)))
    assert values == {
        (VIBORG, "2019M01", IN): (0.0, 0),
        (VIBORG, "2019M01", OUT): (1.0, 1),
        (VIBORG, "2019M01", NET): (-1.0, 1),
        (VIBORG, "2019M02", IN): (2.0, 2),
        (VIBORG, "2019M02", OUT): (3.0, 3),
        (VIBORG, "2019M02", NET): (-1.0, 5),
        (AARHUS, "2019M02", IN): (1.0, 1),
        (AARHUS, "2019M02", OUT): (2.0, 2),
        (AARHUS, "2019M02", NET): (-1.0, 3),
        (COUNTRY, "2019M01", IN): (1.0, 1),
        (COUNTRY, "2019M01", OUT): (1.0, 1),
        (COUNTRY, "2019M01", NET): (0.0, 1),
        (COUNTRY, "2019M02", IN): (5.0, 5),
        (COUNTRY, "2019M02", OUT): (5.0, 5),
        (COUNTRY, "2019M02", NET): (0.0, 5),
    }


def test_age_band_and_direction_filter(wh: Warehouse) -> None:
    """With ages 15-29 the 15-year-old M5 counts: Viborg February in = M1, M5, M7 = 3.
    Filtered to Tilflytning only that row comes back."""
    query = Query((VIBORG,), (FEB,), ages=(15, 29), filters={"direction": (IN,)})
    assert _values(wh, "migration", query) == {(VIBORG, "2019M02", IN): (3.0, 3)}


def test_a_year_sums_its_moves(wh: Warehouse) -> None:
    """2019 for Viborg: in M1, M7 = 2; out M2, M3, M8, M9 = 4; net -2 (6 persons)."""
    values = _values(wh, "migration", Query((VIBORG,), (parse_period("2019"),)))
    assert values == {
        (VIBORG, "2019", IN): (2.0, 2),
        (VIBORG, "2019", OUT): (4.0, 4),
        (VIBORG, "2019", NET): (-2.0, 6),
    }


def test_inflow_on_benefit(wh: Warehouse) -> None:
    """Viborg February, persons on public support the week before moving: in M7
    (uddannelseshjælp in U06); out M9 (uddannelseshjælp in U07); M8 got A-dagpenge only from
    the move week U08, so he does not count; M1 and M3 had no benefit. In 1, out 1, net 0 with
    2 persons behind it; by benefit all of it is uddannelseshjælp."""
    values = _values(wh, "inflow_on_benefit", Query((VIBORG,), (FEB,)))
    assert values == {
        (VIBORG, "2019M02", IN): (1.0, 1),
        (VIBORG, "2019M02", OUT): (1.0, 1),
        (VIBORG, "2019M02", NET): (0.0, 2),
    }
    by_benefit = _values(wh, "inflow_on_benefit", Query((VIBORG,), (FEB,), by=("benefit",)))
    assert by_benefit == {
        (VIBORG, "2019M02", IN, "uddannelseshjaelp"): (1.0, 1),
        (VIBORG, "2019M02", OUT, "uddannelseshjaelp"): (1.0, 1),
        (VIBORG, "2019M02", NET, "uddannelseshjaelp"): (0.0, 2),
    }
