"""Restgruppen, the 15-17-year-olds and readiness as ``compute`` asks them (inside
``memo.shared()``, a breakdown after the other with ``memo.planned`` sets, the extras a year at a
time) equal the same queries asked alone, on a generated warehouse full of edge cases.

Asked alone, each query runs the plain SQL: the week statuses with each week's hours summed from
``employment_month``, and one grouped scan of the rows per query. Inside ``shared()`` the
hours of the weeks' months are summed once (``neet.REFERENCE_HOURS_SQL``), the rows are grouped
once by municipality and every planned breakdown and each query's cells are added up from those
groups (restgruppen, the 15-17-year-olds), or counted once for all periods and read a year at a
time (readiness, a distinct count); the hours notes are asked once per month.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ungeindsats.indicators import COUNTRY, Query, Result, get_indicator
from ungeindsats.indicators.memo import planned, shared
from ungeindsats.indicators.neet import (
    NEET_AGES,
    ShareSql,
    _additive,
    reference_weeks,
    share_cells,
    week_status,
)
from ungeindsats.indicators.precompute import CACHED_BREAKDOWNS, EXTRA_JOBS, _planned_sets
from ungeindsats.periods import Period, parse_period, week_monday
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import week

VIBORG, KBH, AARHUS = 791, 101, 751
YEARS = tuple(Period("year", y, 0) for y in range(2014, 2018))
PLACES = (COUNTRY, AARHUS, KBH, VIBORG)
NAMES = (
    "neet_characteristics",
    "neet_indicator_count",
    "neet_persistence",
    "neet_share",
    "not_education_ready",
    "youth_15_17_activity",
)
# Reference weeks (last week of November by its Thursday) and the 53rd week of 2015 (Thursday
# 31 Dec 2015: the last week of 2015M12 and 2015K4).
REFERENCE = [week(2012, 48), week(2013, 48), week(2014, 48), week(2015, 48), week(2016, 47)]
REFERENCE += [week(2017, 48), week(2015, 53)]


@pytest.fixture(scope="module")
def edges_wh() -> Warehouse:
    """120 generated persons (a fixed seed) in Viborg, København and Aarhus, and a few made by
    hand, with every kind of edge around the reference weeks 2012-2017 and 2015U53:

    - birthdays on and the day after a reference Thursday (turning 15, 18 and 25 that week), 29
      February, no birth date;
    - sex, origin, district and the social indicators missing for some;
    - moves in the reference week itself and the week after, overlapping residences (the one
      begun latest counts), a residence loaded twice, gaps without residence, no residence;
    - two or three codes in the same week (education with kontanthjælp, førtidspension with
      fleksjob), spells ending the week before;
    - hours in November and December, two rows in a month, exactly 78 hours, none in November
      2012 (a note);
    - education starts, completions and dropouts on the same day and the reference week's Monday
      and Sunday, types in other spellings, preparatory educations;
    - readiness assessments: several grades, the same day ready and not ready, in 2015U53
      (31 December 2015 and 2 January 2016: year 2015), persons without residence that week.
    """
    rng = random.Random(20240601)
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(651, NULL, NULL, 'education', NULL, 1),"
        "(500, NULL, NULL, 'employment', NULL, 1),"
        "(300, 'kontanthjaelp', '2.2', 'public_support', NULL, 1),"
        "(790, 'foertidspension', NULL, 'public_support', NULL, 1),"
        "(795, 'fleksjob', NULL, 'public_support', NULL, 1),"
        "(900, NULL, NULL, 'other', NULL, 1)"
    )
    thursdays = [week_monday(w) + timedelta(days=3) for w in REFERENCE]
    places = (VIBORG, KBH, AARHUS)
    persons, residences, spells, hours, events, assessments = [], [], [], [], [], []
    for pid in range(1, 121):
        pick = rng.random()
        if pick < 0.25:
            # A birthday on or the day after a reference Thursday, turning 15, 18 or 25.
            thursday = rng.choice(thursdays)
            age = rng.choice((15, 18, 25))
            born = date(thursday.year - age, thursday.month, thursday.day)
            born += timedelta(days=rng.choice((0, 1)))
        elif pick < 0.27:
            born = date(2000, 2, 29)
        elif pick < 0.29:
            born = None
        else:
            born = date(1986, 1, 1) + timedelta(days=rng.randrange(18 * 365))
        flags = [rng.choice((True, False, None)) for _ in range(4)]
        sex = rng.choice(("M", "K", "K", "M", None))
        origin = rng.choice(("dansk", "indvandrer", "efterkommer", None))
        persons.append((pid, born, sex, origin, *flags))
        district = rng.choice(("Nord", "Syd", None))
        home = rng.choice(places)
        kind = rng.random()
        if kind < 0.05:
            pass  # no residence
        elif kind < 0.35:
            # A move in or around a reference week (also the 53rd).
            moved = rng.choice(REFERENCE) + rng.choice((-1, 0, 1))
            residences.append((pid, home, district, week(2010, 1), moved - 1))
            residences.append((pid, rng.choice(places), district, moved, None))
        elif kind < 0.42:
            # Overlapping residences around a reference week.
            around = rng.choice(REFERENCE)
            residences.append((pid, home, district, week(2010, 1), None))
            residences.append((pid, rng.choice(places), None, around - 2, around + 2))
        elif kind < 0.45:
            residences += [(pid, home, district, week(2013, 1), week(2016, 52))] * 2
        elif kind < 0.5:
            # Away from Denmark for a while.
            gone = rng.choice(REFERENCE)
            residences.append((pid, home, district, week(2010, 1), gone - 1))
            residences.append((pid, home, district, gone + 60, None))
        else:
            residences.append((pid, home, district, week(2010, 1), None))
        for _ in range(rng.randrange(4)):
            around = rng.choice(REFERENCE)
            first = around + rng.randrange(-30, 2)
            last = max(first, around + rng.choice((-1, 0, 0, 5, 40)))
            spells.append((pid, rng.choice((651, 500, 300, 790, 795, 900)), first, last))
        for year in range(2013, 2018):
            for month in (11, 12):
                if rng.random() < 0.3:
                    amount = rng.choice((78.0, 77.5, 40.0, 0.0, 120.0))
                    hours.append((pid, year, month, amount))
                    if rng.random() < 0.3:
                        hours.append((pid, year, month, rng.choice((38.0, 0.5))))
        for _ in range(rng.randrange(4)):
            monday = week_monday(rng.choice(REFERENCE))
            day = monday + timedelta(days=rng.choice((-400, -200, -1, 0, 6, 7, 100)))
            event = rng.choice(("start", "start", "completion", "dropout"))
            kind_text = rng.choice(
                ("stx", " STX", "eud", "forberedende (FGU)", "Gymnasial ", "kvu")
            )
            events.append((pid, day, event, kind_text))
            if rng.random() < 0.2:
                events.append((pid, day, rng.choice(("completion", "dropout")), kind_text))
        if born is not None and rng.random() < 0.6:
            for grade in rng.sample((8, 9, 10), rng.randrange(1, 4)):
                day = rng.choice(
                    (date(2015, 12, 31), date(2016, 1, 2), date(2014, 3, 3), date(2017, 6, 1))
                )
                day += timedelta(days=rng.choice((0, 0, 9)))
                assessments.append((pid, day, grade, rng.random() < 0.5))
                if rng.random() < 0.25:
                    assessments.append((pid, day, grade, not assessments[-1][3]))
    # No hours at all in November 2012: every restgruppen answer looking there has a note.
    hours = [h for h in hours if (h[1], h[2]) != (2012, 11)]
    con.executemany(
        "INSERT INTO person (person_id, birth_date, sex, origin, crime, mental_illness, "
        "social_measure, abuse, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        persons,
    )
    con.executemany("INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)", residences)
    con.executemany("INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)", spells)
    con.executemany("INSERT INTO employment_month VALUES (?, ?, ?, ?, 1)", hours)
    con.executemany("INSERT INTO education_event VALUES (?, ?, ?, ?, NULL, 1)", events)
    con.executemany("INSERT INTO readiness_assessment VALUES (?, ?, ?, ?, 1)", assessments)
    return wh


def _layer_queries(name: str) -> list[tuple[tuple[object, ...], tuple[Query, ...]]]:
    """The queries ``compute`` asks of the indicator, in its order: the total and each of the
    dashboard's breakdowns with the planned sets, then each extra job a year at a time; each
    with what ``memo.planned`` is given (periods, sets)."""
    indicator = get_indicator(name)
    extras = [e for e in EXTRA_JOBS if e.indicator == name]
    sets = _planned_sets(CACHED_BREAKDOWNS, EXTRA_JOBS)
    jobs: list[tuple[tuple[object, ...], tuple[Query, ...]]] = []
    for by in [(), *((b,) for b in CACHED_BREAKDOWNS if b in indicator.breakdowns)]:
        jobs.append(((YEARS, sets), (Query(PLACES, YEARS, by=by),)))
    for extra in extras:
        assert extra.periods == "year"
        jobs.append(((YEARS, ()), tuple(Query(PLACES, (y,), by=extra.by) for y in YEARS)))
    return jobs


def _same(result: Result, alone: Result) -> None:
    assert result.table.schema == alone.table.schema
    assert result.table == alone.table
    assert result.notes == alone.notes


def test_the_layers_questions_equal_each_asked_alone(edges_wh: Warehouse) -> None:
    """Every answer ``compute`` would store, asked as it asks (shared, planned), is the very
    table (values, types, row order) and notes of the same query asked alone."""
    asked = []
    with shared():
        for name in NAMES:
            for (periods, sets), queries in _layer_queries(name):
                with planned(periods, sets):
                    for query in queries:
                        asked.append((name, query, get_indicator(name)(edges_wh, query)))
    assert len(asked) == 32
    rows = 0
    for name, query, result in asked:
        alone = get_indicator(name)(edges_wh, query)
        _same(result, alone)
        rows += alone.table.num_rows
    # The fixture is not empty where it matters: every indicator has cells in every place.
    for name in NAMES:
        places = {m for n, _, r in asked if n == name for m in r.table["municipality"].to_pylist()}
        assert places == set(PLACES), name
    assert rows > 2000
    notes = {n for _, _, r in asked for n in r.notes}
    assert any("2012M11" in n for n in notes)


@pytest.mark.parametrize(
    "places", [(VIBORG, KBH), (COUNTRY,), (AARHUS, COUNTRY)], ids=["municipal", "country", "both"]
)
def test_added_groups_equal_counted_groups_for_any_places_and_periods(
    edges_wh: Warehouse, places: tuple[int, ...]
) -> None:
    """The sums of the groups by municipality equal the groups counted for the places asked,
    alone or with the country (its own aggregate), for months and quarters too (2015M12 and
    2015K4 end with the 53rd week), asked in another order than the layer's."""
    periods = (parse_period("2015M12"), parse_period("2015K4"), parse_period("2016"))
    sets = ((), ("sex",), ("age_band",), ("age_band", "sex"))
    queries = [
        (name, Query(places, periods, by=by))
        for name in NAMES
        for by in (("sex",), (), ("age_band",), ("age_band", "sex"))
        if set(by) <= set(get_indicator(name).breakdowns)
    ]
    with shared(), planned(periods, sets):
        together = [get_indicator(name)(edges_wh, query) for name, query in queries]
    for (name, query), result in zip(queries, together, strict=True):
        _same(result, get_indicator(name)(edges_wh, query))


def test_a_year_read_from_all_planned_years_equals_the_year_alone(edges_wh: Warehouse) -> None:
    """Readiness by grade and restgruppen by group and count, asked a year at a time with
    every year planned (the layer's extras), are each year asked alone; a filtered query is
    counted from the rows, also inside the plan."""
    with shared(), planned(YEARS):
        yearly = {
            (name, year, by): get_indicator(name)(edges_wh, Query(PLACES, (year,), by=by))
            for year in YEARS
            for name, by in (
                ("not_education_ready", ("grade",)),
                ("neet_indicator_count", ("group", "indicator_count")),
                ("neet_persistence", ()),
            )
        }
        filtered = Query(PLACES, (YEARS[1],), by=("sex",), filters={"sex": ("K",)})
        kept = get_indicator("neet_share")(edges_wh, filtered)
    for (name, year, by), result in yearly.items():
        _same(result, get_indicator(name)(edges_wh, Query(PLACES, (year,), by=by)))
        assert set(result.table["period"].to_pylist()) <= {year.label()}
    assert yearly[("not_education_ready", YEARS[1], ("grade",))].table.num_rows
    _same(kept, get_indicator("neet_share")(edges_wh, filtered))


def _statuses(wh: Warehouse, ref: pa.Table) -> pa.Table:
    ctes, params, tables = week_status(wh, ref)
    for name, table in tables.items():
        wh.con.register(name, table)
    try:
        sql = f"{ctes} SELECT * FROM status ORDER BY period, lag, person_id"
        return wh.con.sql(sql, params=list(params)).to_arrow_table()
    finally:
        for name in tables:
            wh.con.unregister(name)


def test_week_status_with_the_months_hours_summed_once(edges_wh: Warehouse) -> None:
    """Inside ``shared()`` the hours of the months of the weeks about to be built are summed in
    one scan, in two rounds here (restgruppen's years, then their persistence's earlier years
    and December's 53rd week): the statuses equal those with each week's hours summed alone,
    including two rows in a month, exactly 78 hours and a month without hours."""
    years = [*YEARS, parse_period("2015M12")]
    first = reference_weeks(years, NEET_AGES)
    second = reference_weeks(years, NEET_AGES, (0, 1, 2))
    with shared():
        built = [_statuses(edges_wh, first), _statuses(edges_wh, second)]
        again = _statuses(edges_wh, second)
    alone = [_statuses(edges_wh, first), _statuses(edges_wh, second)]
    assert built == alone
    assert again == alone[1]
    hours = alone[1]["hours"].to_pylist()
    assert 78.0 in hours and 116.0 in hours and alone[1].num_rows > 400


def test_only_counts_of_rows_are_added_up(edges_wh: Warehouse) -> None:
    """A distinct count, a sum or a count with more to it does not add up over municipalities
    and breakdowns: such cells are counted from the rows, inside the plan as alone (person 1
    lives in two municipalities: one person in the country, not two)."""
    rows = ", ".join(
        f"('2016', {m}, {p}, {a}, {d})"
        for m, p, a, d in [
            (VIBORG, 1, 20, "'Nord'"),
            (KBH, 1, 20, "NULL"),
            (KBH, 2, 16, "'Syd'"),
            (AARHUS, 3, 24, "NULL"),
            (AARHUS, 3, 24, "NULL"),
        ]
    )
    base = ShareSql(
        ctes=f"WITH rows AS (SELECT * FROM (VALUES {rows}) AS v(period, municipality, "
        "person_id, age, district))",
        ctes_params=(),
        relation="rows",
        numerator="count(*)",
        denominator="count(*)",
        persons="count(DISTINCT f.person_id)",
    )
    specs = [
        base,
        replace(base, persons="count(*)", numerator="count(*) + 1"),
        replace(base, persons="count(*)", numerator="CAST(sum(f.age) AS BIGINT)"),
        replace(base, persons="count(*) FILTER (WHERE f.age > 18)"),
    ]
    assert [_additive(s.numerator) and _additive(s.persons) for s in specs] == [
        False,
        False,
        False,
        True,
    ]
    year = parse_period("2016")
    queries = [Query(PLACES, (year,), by=by) for by in ((), ("sex",), ("age_band", "district"))]
    with shared(), planned((year,), ((), ("sex",), ("age_band",))):
        together = [share_cells(edges_wh, q, s, {}) for s in specs for q in queries]
    alone = [share_cells(edges_wh, q, s, {}) for s in specs for q in queries]
    assert together == alone
    assert alone[0].filter(pc.equal(alone[0]["municipality"], COUNTRY))["persons"].to_pylist() == [
        3
    ]
