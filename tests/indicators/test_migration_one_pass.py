"""Migration and the inflow on a benefit counted in one pass equal the plain count and a count
by hand (Python, distinct persons) on hand-made moves in 2020-2021.

``_count_moves`` counts a move that is alone in its period (``apart``) without grouping by
person, and inside ``memo.shared()`` counts all the planned breakdowns in one pass (GROUPING
SETS) and all the planned years at once. These tests put the edge cases of that shortcut in one
warehouse and compare every way of asking with a count that knows nothing of it: the moves found
row by row in Python, and in, out and persons counted as sets of persons.
"""

from collections import defaultdict
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from ungeindsats.indicators import COUNTRY, Query, get_indicator, memo
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.memo import shared
from ungeindsats.periods import parse_period, parse_range, week_number, week_thursday
from ungeindsats.warehouse import Warehouse, open_warehouse

KBH, AARHUS, VIBORG, SILKEBORG = 101, 751, 791, 740
IN, OUT, NET = "Tilflytning", "Fraflytning", "Nettoflytning"
SINCE = week_number(date(2015, 1, 5))


def w(year: int, month: int, day: int) -> int:
    """The week containing the day."""
    return week_number(date(year, month, day))


# Each person: birth date, sex, origin and residence rows (municipality, district, first week,
# last week; None: still living there). Thursdays 2020: January 2, 9, 16, 23, 30 (five weeks);
# February 6-27; March 5-26; April 2-30 (five); May 7-28; June 4-25; July 2-30 (five).
PEOPLE: dict[int, tuple[date, str, str | None, list[tuple[int, str | None, int, int | None]]]] = {
    # Moves mid-February, Copenhagen to Aarhus.
    1: (
        date(1995, 3, 10),
        "M",
        "dansk",
        [(KBH, None, SINCE, w(2020, 2, 10)), (AARHUS, None, w(2020, 2, 17), None)],
    ),
    # Moves twice in March: Copenhagen → Aarhus → Viborg (Aarhus in and out).
    2: (
        date(1996, 8, 1),
        "K",
        "indvandrer",
        [
            (KBH, None, SINCE, w(2020, 3, 2)),
            (AARHUS, None, w(2020, 3, 9), w(2020, 3, 9)),
            (VIBORG, None, w(2020, 3, 16), None),
        ],
    ),
    # Into Aarhus and back to Copenhagen in April (both municipalities in and out).
    3: (
        date(1997, 1, 20),
        "K",
        None,
        [
            (KBH, None, SINCE, w(2020, 4, 6)),
            (AARHUS, None, w(2020, 4, 13), w(2020, 4, 20)),
            (KBH, None, w(2020, 4, 27), None),
        ],
    ),
    # Turns 25 on 15 May between two moves in May: 24 on Thursday 7 May, 25 on 21 May.
    4: (
        date(1995, 5, 15),
        "M",
        "efterkommer",
        [
            (KBH, None, SINCE, w(2020, 4, 27)),
            (AARHUS, None, w(2020, 5, 4), w(2020, 5, 11)),
            (VIBORG, None, w(2020, 5, 18), None),
        ],
    ),
    # Turns 30 on 15 June between two moves: 29 on Thursday 11 June, 30 on 18 June.
    5: (
        date(1990, 6, 15),
        "M",
        "dansk",
        [
            (VIBORG, None, SINCE, w(2020, 6, 1)),
            (SILKEBORG, None, w(2020, 6, 8), w(2020, 6, 8)),
            (AARHUS, None, w(2020, 6, 15), None),
        ],
    ),
    # Turns 16 on 10 July between moves in consecutive weeks: 15 on 9 July, 16 on 16 July.
    6: (
        date(2004, 7, 10),
        "K",
        "dansk",
        [
            (SILKEBORG, None, SINCE, w(2020, 7, 5)),
            (VIBORG, None, w(2020, 7, 6), w(2020, 7, 12)),
            (KBH, None, w(2020, 7, 13), None),
        ],
    ),
    # Two codes the week before a move in February (inflow: one person, two benefits).
    7: (
        date(1998, 2, 2),
        "M",
        "dansk",
        [(VIBORG, None, SINCE, w(2020, 2, 3)), (KBH, None, w(2020, 2, 10), None)],
    ),
    # Week 53: moves in 2020U53 (Thursday 31 December: December 2020) and two weeks later in
    # 2021U02 (January 2021): close, but in two months and two years.
    8: (
        date(1999, 12, 30),
        "K",
        "efterkommer",
        [
            (AARHUS, None, SINCE, w(2020, 12, 21)),
            (VIBORG, None, w(2020, 12, 28), w(2021, 1, 4)),
            (SILKEBORG, None, w(2021, 1, 11), None),
        ],
    ),
    # Districts: out of Viborg Vest into Aarhus (no district), then within Aarhus to Øst (not a
    # move), then to Copenhagen in another quarter.
    9: (
        date(2000, 9, 9),
        "M",
        "indvandrer",
        [
            (VIBORG, "Vest", SINCE, w(2020, 1, 27)),
            (AARHUS, None, w(2020, 2, 3), w(2020, 3, 30)),
            (AARHUS, "Øst", w(2020, 4, 6), w(2020, 8, 31)),
            (KBH, None, w(2020, 9, 7), None),
        ],
    ),
    # A gap (abroad) between Copenhagen and Viborg: a move, dated on arrival in March.
    10: (
        date(1994, 4, 4),
        "K",
        "dansk",
        [(KBH, None, SINCE, w(2019, 11, 4)), (VIBORG, None, w(2020, 3, 23), None)],
    ),
    # Immigration (first row) and overlapping rows: no moves.
    11: (date(1996, 1, 1), "M", "dansk", [(AARHUS, None, w(2020, 2, 10), None)]),
    12: (
        date(1996, 1, 1),
        "K",
        "dansk",
        [(AARHUS, None, SINCE, None), (VIBORG, None, w(2020, 2, 17), None)],
    ),
    # Moves exactly four weeks apart in January (five weeks: 2020U01, from Monday 30 December
    # 2019, is January's), then five weeks later in March: another month, the same quarter.
    13: (
        date(1993, 10, 10),
        "M",
        "dansk",
        [
            (KBH, None, SINCE, w(2019, 12, 23)),
            (VIBORG, None, w(2019, 12, 30), w(2020, 1, 20)),
            (AARHUS, None, w(2020, 1, 27), w(2020, 2, 24)),
            (KBH, None, w(2020, 3, 2), None),
        ],
    ),
    # A code that starts in the move week only: not on a benefit the week before.
    14: (
        date(1997, 7, 7),
        "K",
        "dansk",
        [(SILKEBORG, None, SINCE, w(2020, 2, 17)), (KBH, None, w(2020, 2, 24), None)],
    ),
    # Emigrates from Aarhus in June; the next person (in person order) immigrates to Viborg in
    # August: a first row, not a move from the other person's Aarhus.
    15: (date(1996, 3, 3), "K", "dansk", [(AARHUS, None, SINCE, w(2020, 6, 1))]),
    16: (date(1996, 3, 3), "M", "dansk", [(VIBORG, None, w(2020, 8, 3), None)]),
}

# Status spells (code, first week, last week): 901 A-dagpenge, 911 kontanthjælp, 922
# uddannelseshjælp, 941 sygedagpenge, 961 fleksjob, 971 education (not public support).
SPELLS: dict[int, list[tuple[int, int, int]]] = {
    1: [(911, w(2020, 1, 6), w(2020, 3, 30))],
    2: [(911, w(2020, 3, 9), w(2020, 3, 9))],
    3: [(922, w(2020, 1, 6), w(2020, 6, 29))],
    4: [(901, w(2020, 5, 11), w(2020, 5, 11)), (971, w(2020, 4, 27), w(2020, 4, 27))],
    7: [(922, w(2020, 1, 27), w(2020, 2, 3)), (941, w(2020, 2, 3), w(2020, 2, 3))],
    8: [(901, w(2020, 12, 21), w(2021, 1, 4))],
    9: [(961, w(2020, 1, 27), w(2020, 12, 28))],
    10: [(911, w(2019, 11, 4), w(2020, 3, 16))],
    13: [(922, w(2019, 12, 23), w(2020, 3, 30))],
    14: [(911, w(2020, 2, 24), w(2020, 3, 30))],
}


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(901, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(911, 'kontanthjaelp', 'jobparat', 'public_support', NULL, 1),"
        "(922, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1),"
        "(941, 'sygedagpenge', '2.5', 'public_support', NULL, 1),"
        "(961, 'fleksjob', '2.7', 'public_support', NULL, 1),"
        "(971, NULL, NULL, 'education', NULL, 1)"
    )
    for pid, (born, sex, origin, rows) in PEOPLE.items():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, origin, import_id) "
            "VALUES (?, ?, ?, ?, 1)",
            [pid, born, sex, origin],
        )
        for municipality, district, first, last in rows:
            con.execute(
                "INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)",
                [pid, municipality, district, first, last],
            )
    for pid, spells in SPELLS.items():
        for code, first, last in spells:
            con.execute("INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)", [pid, code, first, last])
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    ensure_facts(wh)
    return wh


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _by_hand(wh: Warehouse, name: str, query: Query) -> dict[tuple[Any, ...], tuple[float, int]]:
    """The indicator's rows found without SQL: each move from the person's rows in week order,
    its in- and out-row (on the inflow, one each per code of public support the week before),
    and per cell the sets of persons who moved in, out and either."""
    codes = {
        int(code): (benefit, None if group is None else str(group), target_group or "")
        for code, benefit, group, target_group, category in wh.con.execute(
            "SELECT code, benefit, youth_group, target_group, category FROM code_dim"
        ).fetchall()
        if category == "public_support"
    }
    ages = query.ages or get_indicator(name).default_ages
    rows = []  # (person, week, municipality, sign, values)
    for pid, (born, sex, origin, residences) in PEOPLE.items():
        ordered = sorted(residences, key=lambda r: r[2])
        for (from_m, from_d, _, prev_last), (to_m, to_d, first, _) in pairwise(ordered):
            if from_m == to_m or prev_last is None or prev_last >= first:
                continue
            age = _age(born, week_thursday(first))
            band = "15-17" if age <= 17 else "18-24" if age <= 24 else "25-29"
            person = {"age": age, "age_band": band, "sex": sex, "origin": origin or ""}
            found: list[dict[str, Any]] = [{}]
            if name == "inflow_on_benefit":
                found = [
                    dict(zip(("benefit", "youth_group", "target_group"), codes[c], strict=True))
                    for c, f, last in SPELLS.get(pid, [])
                    if c in codes and f <= first - 1 <= last
                ]
            for extra in found:
                for municipality, district, sign in ((to_m, to_d, 1), (from_m, from_d, -1)):
                    values = {**person, **extra, "district": district or ""}
                    rows.append((pid, first, municipality, sign, values))
    by = [b for b in query.by if b != "direction"]
    filters = {k: v for k, v in query.filters.items() if k != "direction"}
    cells: dict[tuple[Any, ...], list[set[int]]] = defaultdict(lambda: [set(), set(), set()])
    for pid, week, municipality, sign, values in rows:
        if not ages[0] <= values["age"] <= ages[1]:
            continue
        if any(values[k] not in allowed for k, allowed in filters.items()):
            continue
        for period in query.periods:
            if not period.first_week <= week <= period.last_week:
                continue
            for place in query.municipalities:
                if place in (COUNTRY, municipality):
                    moved = cells[(place, period.label(), *(values[b] for b in by))]
                    moved[0 if sign == 1 else 1].add(pid)
                    moved[2].add(pid)
    wanted = query.filters.get("direction", (IN, OUT, NET))
    order = list(query.by) if "direction" in query.by else ["direction", *query.by]
    expected = {}
    for (place, period, *cell), (moved_in, moved_out, persons) in cells.items():
        values = dict(zip(by, cell, strict=True))
        figures = {
            IN: (len(moved_in), len(moved_in)),
            OUT: (len(moved_out), len(moved_out)),
            NET: (len(moved_in) - len(moved_out), len(persons)),
        }
        for direction in wanted:
            key = tuple(direction if b == "direction" else values[b] for b in order)
            value, count = figures[direction]
            expected[(place, period, *key)] = (float(value), count)
    return expected


def _answer(wh: Warehouse, name: str, query: Query) -> dict[tuple[Any, ...], tuple[float, int]]:
    result = get_indicator(name)(wh, query)
    keys = ["municipality", "period", *result.query.by]
    rows = result.rows()
    answer = {tuple(r[k] for k in keys): (r["value"], r["persons"]) for r in rows}
    assert len(answer) == len(rows)
    return answer


PLACES = (KBH, AARHUS, VIBORG, SILKEBORG, COUNTRY)
MONTHS = tuple(parse_range("2020M01:2021M01").periods())
MIXED = (
    parse_period("2020M02"),
    parse_period("2020M03"),
    parse_period("2020K1"),
    parse_period("2020K2"),
    parse_period("2020K4"),
    parse_period("2020"),
    parse_period("2021"),
)
MIGRATION_BY = ((), ("age_band",), ("sex",), ("origin",), ("district",), ("age_band", "sex"))
INFLOW_BY = (
    *MIGRATION_BY,
    ("benefit",),
    ("youth_group",),
    ("target_group",),
    ("youth_group", "benefit"),
)


def _queries(name: str) -> list[Query]:
    bys = MIGRATION_BY if name == "migration" else INFLOW_BY
    queries = [Query(PLACES, periods, by=by) for periods in (MONTHS, MIXED) for by in bys]
    queries += [
        Query(PLACES, MIXED, by=("direction", "age_band")),
        Query(PLACES, MONTHS, ages=(15, 29), by=("age_band",)),
        Query(PLACES, MIXED, filters={"direction": (OUT, NET)}, by=("sex",)),
        Query(PLACES, MONTHS, filters={"district": ("Vest",)}),
        Query(PLACES, MIXED, filters={"sex": ("K",), "age_band": ("18-24", "25-29")}),
    ]
    if name == "inflow_on_benefit":
        queries.append(Query(PLACES, MIXED, filters={"benefit": ("uddannelseshjaelp",)}))
    return queries


@pytest.mark.parametrize("name", ["migration", "inflow_on_benefit"])
def test_counts_equal_counting_by_hand(wh: Warehouse, name: str) -> None:
    """Every breakdown, pair, filter and age band, for months (January has five weeks) and for
    mixed months, quarters and years, gives the persons counted by hand: one person per cell
    whatever the number of moves (P2, P3, P13), a birthday between two moves in one month
    splitting them over age bands (P4-P6), two codes the week before (P7), week 53 (P8), moves
    whose districts differ (P9)."""
    for query in _queries(name):
        answer = _answer(wh, name, query)
        assert answer, query
        assert answer == _by_hand(wh, name, query), query


def test_hand_worked_cells(wh: Warehouse) -> None:
    """A few cells worked by hand. March: into Aarhus P2, out of it P2 (who moved on to Viborg)
    and P13: in 1, out 2, net -1 with 2 persons behind it; the country has P2 (two moves) in
    and out once, P10 (arrival after a gap) and P13 once each: 3 in, 3 out, 3 persons.
    April: P3 into Aarhus and back into Copenhagen: both 1 in, 1 out, 1 person. May by age
    band: P4 moved in at 24 and out at 25, so Aarhus has him in 18-24 and out in 25-29. On
    the inflow, Copenhagen February: P7 had two codes the week before: by benefit one person
    in each, in total one (P14's code began in the move week)."""
    march, april, may = (parse_period(p) for p in ("2020M03", "2020M04", "2020M05"))
    moves = _answer(wh, "migration", Query(PLACES, (march, april)))
    assert moves[(AARHUS, "2020M03", IN)] == (1.0, 1)
    assert moves[(AARHUS, "2020M03", NET)] == (-1.0, 2)
    assert moves[(COUNTRY, "2020M03", IN)] == (3.0, 3)
    assert moves[(COUNTRY, "2020M03", NET)] == (0.0, 3)
    assert moves[(AARHUS, "2020M04", NET)] == moves[(KBH, "2020M04", NET)] == (0.0, 1)
    by_age = _answer(wh, "migration", Query((AARHUS,), (may,), by=("age_band",)))
    assert by_age[(AARHUS, "2020M05", IN, "18-24")] == (1.0, 1)
    assert by_age[(AARHUS, "2020M05", OUT, "25-29")] == (1.0, 1)
    assert by_age[(AARHUS, "2020M05", OUT, "18-24")] == (0.0, 0)
    feb = parse_period("2020M02")
    inflow = _answer(wh, "inflow_on_benefit", Query((KBH,), (feb,), by=("benefit",)))
    assert inflow[(KBH, "2020M02", IN, "uddannelseshjaelp")] == (1.0, 1)
    assert inflow[(KBH, "2020M02", IN, "sygedagpenge")] == (1.0, 1)
    total = _answer(wh, "inflow_on_benefit", Query((KBH,), (feb,)))
    assert total[(KBH, "2020M02", IN)] == (1.0, 1)


LAYER_SETS = (
    (),
    ("youth_group",),
    ("benefit",),
    ("age_band",),
    ("sex",),
    ("youth_group", "benefit"),
)


def _remembered(kind: str) -> list[tuple[Any, ...]]:
    """The keys of the pieces of ``kind`` that the shared block remembers."""
    assert memo._memory is not None
    return [k for k in memo._memory.values if isinstance(k, tuple) and k[0] == kind]


@pytest.mark.parametrize("name", ["migration", "inflow_on_benefit"])
def test_one_pass_equals_each_breakdown_alone(wh: Warehouse, name: str) -> None:
    """As ``compute`` asks: inside ``memo.shared()`` and a plan of every month with the layer's
    breakdown sets, the indicator by each set it has is read from one count of all of them, and
    equals the same query asked alone outside the block, table for table (rows in the same
    order). Then the yearly job, a year at a time inside a plan of both years, is read from one
    count of the two years and equals each year asked alone."""
    keys = set(get_indicator(name).breakdowns)
    sets = [s for s in LAYER_SETS if set(s) <= keys]
    jobs = [Query(PLACES, MONTHS, by=by) for by in sets]
    years = (parse_period("2020"), parse_period("2021"))
    chunks = [Query(PLACES, (year,), by=("direction",)) for year in years]
    alone = [get_indicator(name)(wh, q).table for q in [*jobs, *chunks]]
    with shared():
        with memo.planned(MONTHS, LAYER_SETS):
            together = [get_indicator(name)(wh, q).table for q in jobs]
            counted = _remembered("move_cell_sets")
        with memo.planned(years):
            together += [get_indicator(name)(wh, q).table for q in chunks]
            counted_years = _remembered("move_cells")
    assert together == alone
    assert all(t.num_rows for t in alone)
    assert len(counted) == 1
    assert [k[3] for k in counted_years] == [years]


def test_months_of_the_layer_equal_counting_by_hand(wh: Warehouse) -> None:
    """The one-pass cells themselves (not only equal to the plain path, which counts the same
    way) are the persons counted by hand, for both indicators and every layer set."""
    for name in ("migration", "inflow_on_benefit"):
        keys = set(get_indicator(name).breakdowns)
        with shared(), memo.planned(MONTHS, LAYER_SETS):
            for by in (s for s in LAYER_SETS if set(s) <= keys):
                query = Query(PLACES, MONTHS, by=by)
                assert _answer(wh, name, query) == _by_hand(wh, name, query), (name, by)
