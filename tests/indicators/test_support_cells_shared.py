"""The support cells inside ``memo.shared()`` (the persons with several rows in a month found
once for all months, breakdowns and period sets) equal the cells outside it (the same SQL for the
query's months), for every breakdown and for months, a quarter and a year."""

import pyarrow as pa
import pytest

from ungeindsats.indicators import COUNTRY, Query
from ungeindsats.indicators.cells import BREAKDOWNS, support_cells
from ungeindsats.indicators.memo import planned, shared
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

from .conftest import week

JAN, FEB, MAR = (parse_period(f"2019M0{m}") for m in (1, 2, 3))
Q1, Y2019 = parse_period("2019K1"), parse_period("2019")
VIBORG, KBH = 791, 101
AGES = (18, 29)


@pytest.fixture
def several_rows(feb_2019: Warehouse) -> Warehouse:
    """feb_2019 (conftest: A-E) and two persons with several rows in a month:

    - F (6), born 1998-03-10, K, efterkommer: Viborg district Nord until U07, Viborg district
      Syd from U08 (a move within the month); 111 (youth group 1) U06-U07, then 141 (group 3)
      U08-U11. February: (Nord, 111, 2 weeks) and (Syd, 141, 2 weeks); March: (Syd, 141, 2).
    - G (7), born 2000-01-15, M: København; 140 (group 2) U06-U13 and at the same time 111
      (group 1) U09-U10 (two codes in the same weeks). February: 140 4 weeks + 111 1 week;
      March: 140 4 + 111 1.

    Already in feb_2019: D moves from Viborg to København in February (U08), and B turns 18
    within it (a row at 17 and one at 18).
    """
    con = feb_2019.con
    con.execute(
        "INSERT INTO person (person_id, birth_date, sex, origin, import_id) VALUES "
        "(6, DATE '1998-03-10', 'K', 'efterkommer', 1), (7, DATE '2000-01-15', 'M', NULL, 1)"
    )
    for pid, kommune, district, first, last in [
        (6, VIBORG, "Nord", week(2010, 1), week(2019, 7)),
        (6, VIBORG, "Syd", week(2019, 8), None),
        (7, KBH, None, week(2010, 1), None),
    ]:
        con.execute(
            "INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)", [pid, kommune, district, first, last]
        )
    for pid, code, first, last in [
        (6, 111, 6, 7),
        (6, 141, 8, 11),
        (7, 140, 6, 13),
        (7, 111, 9, 10),
    ]:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(2019, first), week(2019, last)],
        )
    return feb_2019


def _cells(table: pa.Table, by: tuple[str, ...]) -> dict[tuple[object, ...], tuple[int, int]]:
    keys = ["municipality", "period", *by]
    return {tuple(r[k] for k in keys): (r["weeks"], r["persons"]) for r in table.to_pylist()}


def test_shared_support_cells_equal_plain_for_every_breakdown_and_period(
    several_rows: Warehouse,
) -> None:
    """Every breakdown (and none) and a filter, for January-March as months, for 2019K1 and
    for 2019, in Viborg, København and the country: the same tables with and without the block.

    Worked by hand (ages 18-29): February, Viborg, by youth group: 1 = B 2 + F 2 = 4 weeks, 2
    persons; 2 = A 3 + D 2 = 5 weeks, 2 persons; 3 = C 3 + F 2 = 5 weeks, 2 persons (F once in
    each). February, Viborg, by district: '' = A 3 + B 2 + C 3 + D 2 = 10 weeks, 4 persons;
    Nord = F 2, 1; Syd = F 2, 1. February, København: D 2 + G 4 + G 1 = 7 weeks, 2 persons.
    February, the country: 14 + 7 = 21 weeks, persons A, B, C, D, F, G = 6 (D and F once).
    2019K1 and 2019 (every spell lies in the quarter): Viborg 15 (test_support.py) + F 6 = 21
    weeks, 6 persons; the country 21 + D 2 + G 10 = 33 weeks, 7 persons.
    """
    places = (VIBORG, KBH, COUNTRY)
    queries = [
        Query(places, periods, by=by)
        for periods in ((JAN, FEB, MAR), (Q1,), (Y2019,))
        for by in ((), *((b,) for b in BREAKDOWNS), ("youth_group", "benefit"))
    ]
    queries.append(Query(places, (FEB, MAR), by=("sex",), filters={"youth_group": ("1", "3")}))
    alone = [support_cells(several_rows, q, AGES) for q in queries]
    with shared():
        together = [support_cells(several_rows, q, AGES) for q in queries]
        tables = several_rows.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
        ).fetchall()
        assert tables == [(1,)]
    assert together == alone
    assert all(t.num_rows for t in alone)

    by_group = _cells(alone[1], ("youth_group",))
    assert {k[2]: v for k, v in by_group.items() if k[:2] == (VIBORG, "2019M02")} == {
        "1": (4, 2),
        "2": (5, 2),
        "3": (5, 2),
    }
    district = 1 + list(BREAKDOWNS).index("district")
    by_district = _cells(alone[district], ("district",))
    assert {k[2]: v for k, v in by_district.items() if k[:2] == (VIBORG, "2019M02")} == {
        "": (10, 4),
        "Nord": (2, 1),
        "Syd": (2, 1),
    }
    totals = _cells(alone[0], ())
    assert totals[(KBH, "2019M02")] == (7, 2)
    assert totals[(COUNTRY, "2019M02")] == (21, 6)
    per_set = len(BREAKDOWNS) + 2
    for period, index in (("2019K1", per_set), ("2019", 2 * per_set)):
        totals = _cells(alone[index], ())
        assert totals[(VIBORG, period)] == (21, 6)
        assert totals[(COUNTRY, period)] == (33, 7)


def test_planned_breakdown_sets_are_counted_in_one_pass_and_equal_plain(
    several_rows: Warehouse,
) -> None:
    """As ``compute`` asks them: inside ``memo.planned`` with every breakdown as a set (and the
    total), each breakdown's cells come from one GROUPING SETS pass and equal the plain cells,
    for months, a quarter and a year; a combination outside the sets (youth group × benefit)
    and a filtered query are counted on their own, also equal; February alone and March alone
    are read from the cells of the three planned months, equal to their own. A NULL youth
    group is not confused with the rolled-up total (GROUPING tells them apart): H (8), on a
    benefit without a youth group (code 990) in Viborg U06-U09, is the cell NULL by youth
    group (4 weeks, 1 person), beside groups 1-3 as worked by hand in the test above, and the
    total (February, Viborg: 14 + 4 = 18 weeks, 5 + 1 = 6 persons)."""
    con = several_rows.con
    con.execute("INSERT INTO status_code VALUES (990, 'andet', NULL, 'public_support', NULL, 1)")
    con.execute(
        "INSERT INTO person (person_id, birth_date, sex, import_id) "
        "VALUES (8, DATE '1996-04-04', 'M', 1)"
    )
    con.execute("INSERT INTO residence VALUES (8, ?, NULL, ?, NULL, 1)", [VIBORG, week(2010, 1)])
    con.execute("INSERT INTO status_spell VALUES (8, 990, ?, ?, 1)", [week(2019, 6), week(2019, 9)])
    sets = ((), *((b,) for b in BREAKDOWNS))
    places = (VIBORG, KBH, COUNTRY)
    queries = [
        Query(places, periods, by=by)
        for periods in ((JAN, FEB, MAR), (Q1,), (Y2019,))
        for by in (*sets, ("youth_group", "benefit"))
    ]
    queries.append(Query(places, (FEB, MAR), by=("sex",), filters={"youth_group": ("1", "3")}))
    # Some of the planned months (the layer's year chunks): read from the cells of all three.
    queries += [Query(places, (FEB,), by=("youth_group", "benefit")), Query(places, (MAR,))]
    alone = [support_cells(several_rows, q, AGES) for q in queries]
    with shared(), planned((JAN, FEB, MAR), sets):
        together = [support_cells(several_rows, q, AGES) for q in queries]
    assert together == alone
    by_group = _cells(together[1], ("youth_group",))
    assert {k[2]: v for k, v in by_group.items() if k[:2] == (VIBORG, "2019M02")} == {
        "1": (4, 2),
        "2": (5, 2),
        "3": (5, 2),
        None: (4, 1),
    }
    total = _cells(together[0], ())
    assert total[(VIBORG, "2019M02")] == (18, 6)
