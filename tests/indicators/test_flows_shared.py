"""The flow and duration indicators give the same tables inside ``memo.shared()`` as outside,
and persons with several rows in a period (counted apart, ``cells.person_cells``) once.

Weeks as in test_runs_and_flows.py: January 2019 is U01-U05, February U06-U09 (reference week
U09), 2019K1 U01-U13. Codes: 111 A-dagpenge (youth group 1), 140 uddannelseshjælp
uddannelsesparat (group 2), 141 aktivitetsparat (group 3), 900 other. Everybody is born 1 May
1995 and lives in Viborg (791) unless said otherwise; odd ids are K, even M.
"""

from datetime import date

import pytest

from ungeindsats.indicators import Query, Result, get_indicator
from ungeindsats.indicators.cells import parameter_table
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.flows import (
    _EXPRESSIONS,
    REFERENCE_PAIRS,
    _entry_events,
    _from_facts,
    _reference_events,
)
from ungeindsats.indicators.memo import planned, shared
from ungeindsats.indicators.runs import (
    MAX_GAP_WEEKS,
    data_span,
    event_cells,
    period_table,
)
from ungeindsats.periods import Period, parse_period
from ungeindsats.warehouse import Warehouse

from .test_runs_and_flows import COUNTRY, KBH, VIBORG, _warehouse, runs_wh  # noqa: F401

NAMES = (
    "time_on_support",
    "long_term_share",
    "inflow_origin",
    "status_after_exit",
    "average_duration",
)
FEB = parse_period("2019M02")


@pytest.fixture
def multi_wh() -> Warehouse:
    """Three persons with several rows in February, beside Z (code 900 2018U01-2019U34, the
    span of the status data) and W (141 2018U01-2019U34, one row a month, one run).

    - M1 (41): 111 2018U40-2019U05, 140 U06, 900 U07, 140 U08-U20. Two entries into group 2 in
      February: U06 (111 ended U05, 1 week before → origin "1") and U08 (140 ended U06, 2 weeks
      before → origin "2"); exits from group 2 at U06 (U32: no code, no hours → selvforsørgende)
      and none at U20 (that is in May).
    - M2 (42): 140 2019U01-U09 and 111 2019U05-U12 at the same time: two codes in the reference
      week U09, one run of support from U01 (9 weeks → 0-12 uger); youth groups 1 and 2.
    - M3 (43): 141 2018U30-2019U20, in Viborg until 2019U07, København from U08: two rows of
      facts in February (2 weeks in each municipality), one person in the country.
    """
    born = date(1995, 5, 1)
    ids = {"M1": 41, "M2": 42, "M3": 43, "Z": 30, "W": 31}
    persons = {pid: born for pid in ids.values()}
    residences: list[tuple[int, int, tuple[int, int], tuple[int, int] | None]] = [
        (pid, VIBORG, (2010, 1), None) for name, pid in ids.items() if name != "M3"
    ]
    residences += [(43, VIBORG, (2010, 1), (2019, 7)), (43, KBH, (2019, 8), None)]
    raw = [
        ("M1", 111, (2018, 40), (2019, 5)),
        ("M1", 140, (2019, 6), (2019, 6)),
        ("M1", 900, (2019, 7), (2019, 7)),
        ("M1", 140, (2019, 8), (2019, 20)),
        ("M2", 140, (2019, 1), (2019, 9)),
        ("M2", 111, (2019, 5), (2019, 12)),
        ("M3", 141, (2018, 30), (2019, 20)),
        ("Z", 900, (2018, 1), (2019, 34)),
        ("W", 141, (2018, 1), (2019, 34)),
    ]
    return _warehouse(persons, residences, [(ids[n], c, f, last) for n, c, f, last in raw])


def _cells(result: Result) -> dict[tuple[object, ...], tuple[object, ...]]:
    keys = ["municipality", "period", *result.query.by]
    values = [c for c in result.table.column_names if c not in keys]
    return {tuple(r[k] for k in keys): tuple(r[v] for v in values) for r in result.rows()}


def test_several_rows_in_a_period_are_one_person(multi_wh: Warehouse) -> None:
    """February, Viborg and the country.

    - inflow_origin by youth group: group 2 has M1's two entries (origins "1" and "2", 50 % each
      of 2 entries, each 1 person behind it) and M2's entry at U01 is in January: Viborg and the
      country alike.
    - time_on_support at U09: Viborg M1 (140 from U08, 2 weeks; its run began 2018U40 with the
      gap U07 of 1 week: 2018U40-U52 13 + 9 = 22 weeks → 13-26 uger), M2 (9 weeks, two codes
      → one person in 0-12 uger), W (2018U01-2019U09: 61 weeks → 1-2 år); M3 is in
      København (2018U30-2019U09: 23 + 9 = 32 weeks → 27-52 uger). By youth group M2 is in
      group 1 and in group 2.
    - average_duration: Viborg M1 3 weeks (U06, U08, U09), M2 4 (U06-U09, counted once though
      two codes: weeks are per code, 4 + 4 = 8 weeks), M3 2 (U06-U07), W 4: (3 + 8 + 2 + 4) / 4
      = 4.25 weeks; København M3 2 weeks; country (3 + 8 + 4 + 4) / 4 = 4.75 (M3 once, 4 weeks).
    """
    query = Query((VIBORG, KBH, COUNTRY), (FEB,), by=("youth_group",))
    inflow = get_indicator("inflow_origin")(multi_wh, query)
    for m in (VIBORG, COUNTRY):
        assert _cells(inflow)[(m, "2019M02", "2", "1")] == (50.0, 1, 1, 2)
        assert _cells(inflow)[(m, "2019M02", "2", "2")] == (50.0, 1, 1, 2)

    bands = get_indicator("time_on_support")(multi_wh, Query((VIBORG, KBH, COUNTRY), (FEB,)))
    assert {k: v[1] for k, v in _cells(bands).items()} == {
        (VIBORG, "2019M02", "0-12 uger"): 1,
        (VIBORG, "2019M02", "13-26 uger"): 1,
        (VIBORG, "2019M02", "1-2 år"): 1,
        (KBH, "2019M02", "27-52 uger"): 1,
        (COUNTRY, "2019M02", "0-12 uger"): 1,
        (COUNTRY, "2019M02", "13-26 uger"): 1,
        (COUNTRY, "2019M02", "27-52 uger"): 1,
        (COUNTRY, "2019M02", "1-2 år"): 1,
    }
    by_group = get_indicator("time_on_support")(
        multi_wh, Query((VIBORG,), (FEB,), by=("youth_group", "duration_band"))
    )
    assert {k: v[1] for k, v in _cells(by_group).items()} == {
        (VIBORG, "2019M02", "1", "0-12 uger"): 1,
        (VIBORG, "2019M02", "2", "0-12 uger"): 1,
        (VIBORG, "2019M02", "2", "13-26 uger"): 1,
        (VIBORG, "2019M02", "3", "1-2 år"): 1,
    }

    duration = get_indicator("average_duration")(multi_wh, Query((VIBORG, KBH, COUNTRY), (FEB,)))
    assert _cells(duration) == {
        (VIBORG, "2019M02"): (4, 4.25),
        (KBH, "2019M02"): (1, 2.0),
        (COUNTRY, "2019M02"): (4, 4.75),
    }


def test_shared_equals_plain(multi_wh: Warehouse) -> None:
    """Every indicator of the family by the layer's breakdowns, for two months and a quarter,
    and for the year by youth group (events placed in every week shared with the months), Viborg,
    København and the country: the same tables with the work shared as without, and no shared
    table left afterwards."""
    periods = (parse_period("2019M01"), FEB, parse_period("2019K1"))
    places = (VIBORG, KBH, COUNTRY)
    queries = [
        Query(places, periods, by=by)
        for by in ((), ("youth_group",), ("benefit",), ("age_band",), ("sex",))
    ]
    queries.append(Query(places, (parse_period("2019"),), by=("youth_group",)))
    alone = [get_indicator(n)(multi_wh, q) for n in NAMES for q in queries]
    assert all(result.table.num_rows for result in alone if result.query.periods == periods)
    with shared():
        together = [get_indicator(n)(multi_wh, q) for n in NAMES for q in queries]
    assert [r.table for r in together] == [r.table for r in alone]
    assert [r.notes for r in together] == [r.notes for r in alone]
    left = multi_wh.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
    ).fetchall()
    assert left == [(0,)]


def test_planned_periods_read_from_events_placed_for_all(multi_wh: Warehouse) -> None:
    """As the layer asks an extra job a year at a time: inside ``memo.planned`` of January,
    February and the quarter, each period asked alone gives the same table as outside (events
    placed and flagged once for the three, each query reading its own), and a period outside
    the plan is computed on its own."""
    plan = (parse_period("2019M01"), FEB, parse_period("2019K1"))
    places = (VIBORG, KBH, COUNTRY)
    asked = [(p,) for p in plan] + [(parse_period("2019M03"),)]
    queries = [Query(places, periods, by=("youth_group",)) for periods in asked]
    alone = [get_indicator(n)(multi_wh, q) for n in NAMES for q in queries]
    with shared(), planned(plan):
        together = [get_indicator(n)(multi_wh, q) for n in NAMES for q in queries]
        tables = multi_wh.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
        ).fetchall()
    assert [r.table for r in together] == [r.table for r in alone]
    assert [r.notes for r in together] == [r.notes for r in alone]
    # February's and January's rows are there: the plan's sharing did not empty them.
    assert all(r.table.num_rows for r in alone[:2])
    # Runs of support and of youth groups (2), entries and exits placed in every week (2), the
    # support cells' several-rows pairs (1), and placed events for the plan and for March of
    # each of reference weeks, entries and exits (6): 11. Without the plan, 4 periods × 3 = 12
    # placed, 17 in all.
    assert tables == [(11,)]


def test_planned_breakdown_sets_equal_plain(multi_wh: Warehouse) -> None:
    """As the layer asks each indicator in total and by each breakdown in turn inside
    ``memo.planned(periods, sets)``, and then an extra job a month at a time (youth group with
    the indicator's own label: read from the cells of the plan's months, ``flows._of_plan``):
    the tables equal those of the plain queries."""
    sets = ((), ("youth_group",), ("benefit",), ("age_band",), ("sex",))
    months = (parse_period("2019M01"), FEB, parse_period("2019M03"))
    places = (VIBORG, KBH, COUNTRY)
    queries = [Query(places, months, by=s) for s in sets]
    extras = {
        "time_on_support": ("youth_group", "duration_band"),
        "long_term_share": ("youth_group",),
        "inflow_origin": ("youth_group", "origin_group"),
        "status_after_exit": ("youth_group", "status"),
    }
    alone = [get_indicator(n)(multi_wh, q) for n in extras for q in queries]
    alone_extra = [
        get_indicator(n)(multi_wh, Query(places, (p,), by=by))
        for n, by in extras.items()
        for p in months
    ]
    with shared():
        with planned(months, sets):
            together = [get_indicator(n)(multi_wh, q) for n in extras for q in queries]
        with planned(months, sets):
            together_extra = [
                get_indicator(n)(multi_wh, Query(places, (p,), by=by))
                for n, by in extras.items()
                for p in months
            ]
    assert all(r.table.num_rows for r in alone if r.query.by in ((), ("youth_group",)))
    assert [r.table for r in together] == [r.table for r in alone]
    assert [r.notes for r in together] == [r.notes for r in alone]
    assert [r.table for r in together_extra] == [r.table for r in alone_extra]
    assert [r.notes for r in together_extra] == [r.notes for r in alone_extra]


def _reference_event_cells(
    wh: Warehouse,
    periods: tuple[Period, ...],
    by: tuple[str, ...],
    ages: tuple[int, int],
    *,
    from_facts: bool,
) -> list[dict[str, object]]:
    query = Query((COUNTRY, VIBORG, KBH), periods, by=by)
    events = _reference_events(wh, MAX_GAP_WEEKS, from_facts=from_facts)
    # From the facts the persons with several events are found from the facts too.
    pairs = REFERENCE_PAIRS if from_facts else None
    with parameter_table(wh.con, "q_period", period_table(periods, reference_week=True)):
        cells = event_cells(
            wh, query, events, by=by, filters={}, ages=ages, expressions=_EXPRESSIONS, pairs=pairs
        )
    return sorted(cells.to_pylist(), key=repr)


@pytest.mark.parametrize("fixture", ["multi_wh", "runs_wh"])
def test_reference_events_from_the_facts_equal_the_placed_spells(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """The persons at a month's reference week read from the facts' ``month_end`` rows are the
    spells holding that week placed at its residence and age: M3 moves to København in
    February (counted there, once in the country), M2 holds two codes at U09, P8 turns 30 on
    Thursday 28 February (U09: outside 18-29), P7's January 2016 spans week 53."""
    wh: Warehouse = request.getfixturevalue(fixture)
    ensure_facts(wh)
    labels = ("2019M01", "2019M02", "2019M03", "2016M01", "2018")
    periods = tuple(parse_period(label) for label in labels)
    assert _from_facts(periods, (18, 29))
    counted = 0
    for by in ((), ("duration_band",), ("youth_group", "duration_band"), ("age_band", "sex")):
        for ages in ((18, 29), (15, 29), (25, 29)):
            from_facts = _reference_event_cells(wh, periods, by, ages, from_facts=True)
            placed = _reference_event_cells(wh, periods, by, ages, from_facts=False)
            assert from_facts == placed
            counted += sum(int(str(c["events"])) for c in placed)
    assert counted > 0  # the comparison compared something


def test_reference_events_need_month_ends_and_the_facts_ages() -> None:
    """A week period's reference week is not a month's last week, and ages outside 15-29 are
    not in the facts: those are counted from the spells."""
    months = (parse_period("2019M02"), parse_period("2019K1"), parse_period("2019"))
    assert _from_facts(months, (15, 29))
    assert not _from_facts(months, (15, 30))
    assert not _from_facts(months, (14, 29))
    assert not _from_facts((parse_period("2019U07"),), (18, 29))


def _entry_cells(
    wh: Warehouse, periods: tuple[Period, ...], by: tuple[str, ...]
) -> dict[tuple[object, ...], tuple[object, object]]:
    """The entries' cells (events, persons) by ``by`` in Viborg, København and the country."""
    ensure_facts(wh)
    span = data_span(wh)
    assert span is not None
    query = Query((VIBORG, KBH, COUNTRY), periods, by=by)
    events = _entry_events(wh, span, span.first_week, span.last_week)
    with parameter_table(wh.con, "q_period", period_table(periods)):
        cells = event_cells(
            wh, query, events, by=by, filters={}, ages=(15, 29), expressions=_EXPRESSIONS
        )
    keys = ["municipality", "period", *by]
    return {tuple(r[k] for k in keys): (r["events"], r["persons"]) for r in cells.to_pylist()}


def test_a_years_events_count_every_person_once(multi_wh: Warehouse) -> None:
    """A year is longer than ``runs.FLAGGED_MAX_WEEKS``: its events are not flagged, every
    person is counted distinct, and inside ``memo.shared()`` no flagged table is built for it.

    Entries of 2019: M1 into group 2 at U06 and at U08; M2 into group 2 at U01 (140) and into
    group 1 at U05 (111 beside the 140). M1's group-1 run and W's and M3's runs began in 2018,
    Z's code has no youth group. All in Viborg (M3, who moves, has no entry). In total 4 entries
    by 2 persons; group 2: 3 entries by 2 persons (M1 twice); group 1: 1 entry by 1 person. The
    country the same; København none."""
    year = (parse_period("2019"),)
    expected_total = {(m, "2019"): (4, 2) for m in (VIBORG, COUNTRY)}
    expected_groups = {
        **{(m, "2019", "2"): (3, 2) for m in (VIBORG, COUNTRY)},
        **{(m, "2019", "1"): (1, 1) for m in (VIBORG, COUNTRY)},
    }
    assert _entry_cells(multi_wh, year, ()) == expected_total
    assert _entry_cells(multi_wh, year, ("youth_group",)) == expected_groups
    with shared():
        assert _entry_cells(multi_wh, year, ()) == expected_total
        assert _entry_cells(multi_wh, year, ("youth_group",)) == expected_groups
        tables = multi_wh.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
        ).fetchall()
        # The runs of youth groups and the entries placed in every week; no flagged events.
        assert tables == [(2,)]
        # February is a month: its events are flagged, in a table of their own.
        _entry_cells(multi_wh, (FEB,), ())
        tables = multi_wh.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
        ).fetchall()
        assert tables == [(3,)]
