"""The offer rows (``offers._OFFER_ROWS``) and the offer counts equal the plain week expansion
they replaced, on a hand-made warehouse of edge cases.

``_PLAIN_ROWS`` is that definition: every offer piece expanded into its weeks, each week's month
and age read from the week table, and the rows made distinct. ``_OFFER_ROWS`` cuts the pieces at
birthdays and expands them into months only, keeps repeated rows (they change no bitwise or) and
marks persons with several rows in a month (``multi``), whom ``_count_offers`` counts per
person; the others it counts row by row. The counts are compared with a count in Python of the
plain rows, in months, a quarter and a year, by cell sets, inside and outside ``memo.shared()``.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from ungeindsats.indicators.cells import BREAKDOWNS, period_months, set_columns, set_id
from ungeindsats.indicators.facts import AGE_AT_THURSDAY, ensure_facts
from ungeindsats.indicators.memo import planned, shared
from ungeindsats.indicators.model import Query
from ungeindsats.indicators.offers import (
    _COMPANY_BIT,
    _KIND_MASK,
    _KINDS,
    _OFFER_ROWS,
    KIND_ORDER,
    OTHER_KIND,
    _count_offers,
    _kind_bit,
)
from ungeindsats.periods import Period, iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import STATUS_CODES_SQL

VIBORG, KBH, AARHUS, COUNTRY = 791, 101, 751, 0
MUNICIPALITIES = (COUNTRY, VIBORG, KBH, AARHUS)

_PLAIN_ROWS = f"""
offer_spell AS MATERIALIZED (
    SELECT s.person_id, s.code, a.offer_type,
           greatest(s.first_week, a.first_week, ?) AS first_week,
           least(s.last_week, a.last_week, ?) AS last_week
    FROM status_spell AS s
    JOIN activation_spell AS a
      ON a.person_id = s.person_id
     AND a.first_week <= s.last_week AND a.last_week >= s.first_week
    WHERE s.last_week >= ? AND s.first_week <= ? AND a.last_week >= ? AND a.first_week <= ?
      AND s.code IN (SELECT code FROM code_dim WHERE category = 'public_support')
),
offer_piece AS (
    SELECT o.person_id, o.code, o.offer_type, r.municipality, r.district, p.birth_date,
           greatest(o.first_week, r.first_week) AS first_week,
           least(o.last_week, coalesce(r.last_week, o.last_week)) AS last_week
    FROM offer_spell AS o
    JOIN residence AS r
      ON r.person_id = o.person_id
     AND r.first_week <= o.last_week
     AND (r.last_week IS NULL OR r.last_week >= o.first_week)
    JOIN person AS p ON p.person_id = o.person_id
),
offer_week AS (
    SELECT DISTINCT p.municipality, w.year, w.month, p.person_id, p.code, p.district,
           p.offer_type, CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age
    FROM (SELECT *, unnest(range(first_week, last_week + 1)) AS week FROM offer_piece) AS p
    JOIN week AS w ON w.week = p.week
),
offer_row AS (
    SELECT f.municipality, f.year, f.month, f.person_id, f.age,
           {", ".join(f"{expr} AS {name}" for name, expr in BREAKDOWNS.items())},
           coalesce(m.bits, ?) AS bits
    FROM offer_week AS f
    JOIN code_dim AS c ON c.code = f.code
    JOIN person AS p ON p.person_id = f.person_id
    LEFT JOIN offer_kind_map AS m ON m.offer_type = f.offer_type
)"""

PERIODS = tuple(
    parse_period(label)
    for label in (
        "2018M12",
        "2019M01",
        "2019M02",
        "2019M03",
        "2019K1",
        "2019",
        "2020M12",
        "2021M01",
    )
)


def week(year: int, number: int) -> int:
    return iso_week_number(year, number)


@pytest.fixture
def edge_wh() -> Warehouse:
    """Codes 111 A-dagpenge (youth group 1), 140 and 141 uddannelseshjælp (groups 2 and 3),
    651 education (not public support). Everybody lives in Viborg (district Nord) from 2010
    except as said. February 2019 is U06-U09 (Thursday 28 Feb in U09), March U10-U13.

    - P1, born 25 Feb 1989 (30 on Monday 25 Feb 2019, so from U09): 140 2019U05-U12, mentor
      U07-U11: 29 in February's U07-U08, 30 in U09 (February) and in March.
    - P2, born 20 Feb 2001 (18 on Wednesday 20 Feb 2019, so from U08): 111 U06-U09,
      virksomhedspraktik U06-U09: 17 in U06-U07, 18 in U08-U09.
    - P3: Viborg until U07, København (no district) from U08, a move in mid-February; 140
      U05-U10, løntilskud U06-U10.
    - P4: 140 2019U01-U10; uddannelse U05-U06 (U05, Monday 28 Jan - Sunday 3 Feb, is January by
      its Thursday) and andet U09-U10 (U09 ends Sunday 3 March but is February).
    - P5, born 31 Dec 1998 (22 on Thursday 31 Dec 2020, the Thursday of week 53): 140
      2020U50-2021U03, nytteindsats 2020U52-2021U02: 21 in U52, 22 in U53 (December) and in
      2021U01-U02 (January).
    - P6: 140 U06-U07 and 141 U07-U09 (two codes in U07); mentor U06-U08 and again U07-U09
      (repeated rows), uddannelse U09 (two kinds in February).
    - P7: 140 U06-U07, then 651 U08-U10; vejledning og opkvalificering U04-U10, partly outside
      the benefit weeks (only U06-U07 count).
    - P8: no birth date: 140 U06-U09, mentor U06-U09 (no age, so no row).
    - P9, born 29 Feb 2000 (19 on 1 March 2019, a Friday in U09, so from U10): 140 U08-U11,
      løntilskud U08-U11: 18 in February, 19 in March.
    - P10: 140 2018U50-2019U10, løntilskud 2018U51-2019U08, across the new year (2019U01 begins
      Monday 31 Dec 2018 and is January 2019).
    - P11: Viborg from 2010 and also Aarhus U07-U08 (two residences at once); 140 U06-U09 with
      an offer type the kind map does not know ("ukendt": Andet) U06-U09.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(STATUS_CODES_SQL)
    born = {
        1: date(1989, 2, 25),
        2: date(2001, 2, 20),
        5: date(1998, 12, 31),
        8: None,
        9: date(2000, 2, 29),
    }
    for pid in range(1, 12):
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, origin, import_id) "
            "VALUES (?, ?, ?, ?, 1)",
            [pid, born.get(pid, date(1995, 5, 1)), "K" if pid % 2 else "M", "dansk"],
        )
    residences: list[tuple[int, int, str | None, int, int | None]] = [
        (pid, VIBORG, "Nord", week(2010, 1), None) for pid in range(1, 12) if pid != 3
    ]
    residences += [
        (3, VIBORG, "Nord", week(2010, 1), week(2019, 7)),
        (3, KBH, None, week(2019, 8), None),
        (11, AARHUS, "Syd", week(2019, 7), week(2019, 8)),
    ]
    for pid, municipality, district, first, last in residences:
        con.execute(
            "INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)",
            [pid, municipality, district, first, last],
        )
    spells = [
        (1, 140, (2019, 5), (2019, 12)),
        (2, 111, (2019, 6), (2019, 9)),
        (3, 140, (2019, 5), (2019, 10)),
        (4, 140, (2019, 1), (2019, 10)),
        (5, 140, (2020, 50), (2021, 3)),
        (6, 140, (2019, 6), (2019, 7)),
        (6, 141, (2019, 7), (2019, 9)),
        (7, 140, (2019, 6), (2019, 7)),
        (7, 651, (2019, 8), (2019, 10)),
        (8, 140, (2019, 6), (2019, 9)),
        (9, 140, (2019, 8), (2019, 11)),
        (10, 140, (2018, 50), (2019, 10)),
        (11, 140, (2019, 6), (2019, 9)),
    ]
    for pid, code, since, until in spells:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(*since), week(*until)],
        )
    offers = [
        (1, "mentor", (2019, 7), (2019, 11)),
        (2, "virksomhedspraktik", (2019, 6), (2019, 9)),
        (3, "loentilskud", (2019, 6), (2019, 10)),
        (4, "uddannelse", (2019, 5), (2019, 6)),
        (4, "andet", (2019, 9), (2019, 10)),
        (5, "nytteindsats", (2020, 52), (2021, 2)),
        (6, "mentor", (2019, 6), (2019, 8)),
        (6, "mentor", (2019, 7), (2019, 9)),
        (6, "uddannelse", (2019, 9), (2019, 9)),
        (7, "vejledning_opkvalificering", (2019, 4), (2019, 10)),
        (8, "mentor", (2019, 6), (2019, 9)),
        (9, "loentilskud", (2019, 8), (2019, 11)),
        (10, "loentilskud", (2018, 51), (2019, 8)),
        (11, "ukendt", (2019, 6), (2019, 9)),
    ]
    for pid, offer_type, since, until in offers:
        con.execute(
            "INSERT INTO activation_spell VALUES (?, ?, ?, ?, 1)",
            [pid, offer_type, week(*since), week(*until)],
        )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    ensure_facts(wh)
    return wh


def _table(wh: Warehouse, ctes: str, bounds: tuple[int, int]) -> pa.Table:
    """``offer_row`` of the CTEs for the weeks ``bounds``."""
    first, last = bounds
    params = [first, last, first, last, first, last, _kind_bit(OTHER_KIND)]
    wh.con.register("offer_kind_map", _KINDS)
    try:
        return wh.con.sql(f"WITH {ctes} SELECT * FROM offer_row", params=params).to_arrow_table()
    finally:
        wh.con.unregister("offer_kind_map")


def _rows(wh: Warehouse, ctes: str, bounds: tuple[int, int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _table(wh, ctes, bounds).to_pylist()
    return rows


def _plain(wh: Warehouse, bounds: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """The plain rows of persons with a known age (``_OFFER_ROWS`` leaves out the others)."""
    rows = _rows(wh, _PLAIN_ROWS, bounds or _all_weeks(wh))
    return [r for r in rows if r["age"] is not None]


def _all_weeks(wh: Warehouse) -> tuple[int, int]:
    [(first, last)] = wh.con.execute("SELECT min(week), max(week) FROM week").fetchall()
    return int(first), int(last)


def _without_multi(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {tuple(v for k, v in r.items() if k != "multi") for r in rows}


def test_offer_rows_equal_the_week_expansion(edge_wh: Warehouse) -> None:
    """The same rows and column types as ``_PLAIN_ROWS``, for all weeks and for the weeks of
    2019M02-2019M03 (the pieces cut at those bounds); only the person without a birth date, whose
    plain rows have no age, has none."""
    feb, mar = parse_period("2019M02"), parse_period("2019M03")
    for bounds in (_all_weeks(edge_wh), (feb.first_week, mar.last_week)):
        plain = _plain(edge_wh, bounds)
        new = _rows(edge_wh, _OFFER_ROWS, bounds)
        assert len(plain) > 15
        assert _without_multi(new) == {tuple(r.values()) for r in plain}
    everyone = _table(edge_wh, _PLAIN_ROWS, _all_weeks(edge_wh))
    assert {r["person_id"] for r in everyone.to_pylist() if r["age"] is None} == {8}
    new_schema = _table(edge_wh, _OFFER_ROWS, _all_weeks(edge_wh)).schema
    assert new_schema.remove(new_schema.get_field_index("multi")) == everyone.schema


def test_multi_marks_every_month_with_several_rows(edge_wh: Warehouse) -> None:
    """A row without ``multi`` is its person's only row in the month, in the plain rows too;
    every person-month with several plain rows (P1's two ages, P3's two municipalities, P6's
    two codes and kinds) is marked; P6's repeated mentor rows are marked as well (counted per
    person: right, only slower)."""
    plain: dict[tuple[int, int, int], int] = defaultdict(int)
    for r in _plain(edge_wh):
        plain[(r["person_id"], r["year"], r["month"])] += 1
    new: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for r in _rows(edge_wh, _OFFER_ROWS, _all_weeks(edge_wh)):
        new[(r["person_id"], r["year"], r["month"])].append(r["multi"])
    assert set(new) == set(plain)
    for key, flags in new.items():
        assert set(flags) == ({1} if len(flags) > 1 else {0}), key
        if plain[key] > 1:
            assert flags[0] == 1, key
    marked = {key for key, flags in new.items() if flags[0] == 1}
    assert {(1, 2019, 2), (3, 2019, 2), (6, 2019, 2), (11, 2019, 2)} <= marked
    assert (1, 2019, 3) not in marked
    assert len(new[(6, 2019, 2)]) > plain[(6, 2019, 2)]


def test_offer_rows_edge_cases(edge_wh: Warehouse) -> None:
    """The hand-worked months, ages and places of the fixture, so that the plain rows are not
    equal by being wrong in the same way."""
    rows = _rows(edge_wh, _OFFER_ROWS, _all_weeks(edge_wh))

    def of(pid: int, *columns: str) -> set[tuple[Any, ...]]:
        return {
            (r["year"], r["month"], *(r[c] for c in columns)) for r in rows if r["person_id"] == pid
        }

    assert of(1, "age") == {(2019, 2, 29), (2019, 2, 30), (2019, 3, 30)}
    assert of(2, "age") == {(2019, 2, 17), (2019, 2, 18)}
    assert of(3, "municipality", "district") == {
        (2019, 2, VIBORG, "Nord"),
        (2019, 2, KBH, ""),
        (2019, 3, KBH, ""),
    }
    assert of(4, "bits") == {(2019, 1, 1), (2019, 2, 1), (2019, 2, 8), (2019, 3, 8)}
    assert of(5, "age") == {(2020, 12, 21), (2020, 12, 22), (2021, 1, 22)}
    assert of(6, "youth_group", "bits") == {
        (2019, 2, "2", 4),
        (2019, 2, "3", 4),
        (2019, 2, "3", 1),
    }
    assert of(7) == {(2019, 2)}
    assert of(8) == set()
    assert of(9, "age") == {(2019, 2, 18), (2019, 3, 19)}
    assert of(10) == {(2018, 12), (2019, 1), (2019, 2)}
    assert of(11, "municipality", "bits") == {(2019, 2, VIBORG, 8), (2019, 2, AARHUS, 8)}


_FIGURES = ("wanted", *(f"kind_{i}" for i in range(len(KIND_ORDER))), "company", "one", "combined")


def _plain_counts(
    rows: list[dict[str, Any]],
    periods: Sequence[Period],
    by: Sequence[str],
    ages: tuple[int, int],
    wanted: tuple[str, ...],
) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """(municipality, period, *by) → the figures of ``_count_offers``, counted person by
    person from the plain rows."""
    members = defaultdict(list)
    for m in period_months(periods).to_pylist():
        members[(m["year"], m["month"])].append(m["period"])
    bits: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in rows:
        if not ages[0] <= r["age"] <= ages[1]:
            continue
        for period in members[(r["year"], r["month"])]:
            for municipality in {r["municipality"], COUNTRY}:
                key = (municipality, period, *(r[b] for b in by), r["person_id"])
                bits[key] |= r["bits"]
    wanted_bits = sum(_kind_bit(k) for k in wanted) if wanted else _KIND_MASK
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(_FIGURES))
    for key, b in bits.items():
        kinds = b & _KIND_MASK
        flags = [
            b & wanted_bits != 0,
            *(b & _kind_bit(k) != 0 for k in KIND_ORDER),
            b & _COMPANY_BIT != 0,
            kinds & (kinds - 1) == 0,
            kinds & (kinds - 1) != 0,
        ]
        for i, flag in enumerate(flags):
            counts[key[:-1]][i] += int(flag)
    return {k: tuple(v) for k, v in counts.items()}


def _counted(
    rows: list[dict[str, Any]], by: Sequence[str]
) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """(municipality, period, *by) → the figures of rows of ``_count_offers``."""
    return {
        (r["municipality"], r["period"], *(r[b] for b in by)): tuple(r[f] for f in _FIGURES)
        for r in rows
    }


@pytest.mark.parametrize("ages", [(18, 29), (15, 30)])
@pytest.mark.parametrize("wanted", [(), ("Støttetilbud", "Andet")])
def test_counts_equal_the_plain_count(
    edge_wh: Warehouse, ages: tuple[int, int], wanted: tuple[str, ...]
) -> None:
    """``_count_offers`` by one breakdown or none, in months, a quarter and a year (where
    every person is counted per person), outside and inside ``memo.shared()``, and by all the
    cell sets in one pass."""
    plain = _plain(edge_wh)
    for by in [(), ("youth_group",), ("age_band", "sex"), ("district",)]:
        query = Query(MUNICIPALITIES, PERIODS, by=by)
        expected = _plain_counts(plain, PERIODS, by, ages, wanted)
        assert expected
        assert _counted(_count_offers(edge_wh, query, ages, wanted).to_pylist(), by) == expected
        with shared():
            counts = _count_offers(edge_wh, query, ages, wanted).to_pylist()
            assert _counted(counts, by) == expected
    sets: tuple[tuple[str, ...], ...] = (
        (),
        ("youth_group",),
        ("age_band",),
        ("youth_group", "benefit"),
    )
    every = Query(MUNICIPALITIES, PERIODS, by=set_columns(sets))
    with shared(), planned(PERIODS, sets):
        table = _count_offers(edge_wh, every, ages, wanted, sets).to_pylist()
    for cells in sets:
        of_set = [r for r in table if r["cell_set"] == set_id(every.by, cells)]
        assert all(r[b] is None for r in of_set for b in every.by if b not in cells)
        expected = _plain_counts(plain, PERIODS, cells, ages, wanted)
        assert _counted(of_set, cells) == expected
