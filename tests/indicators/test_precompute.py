"""The precomputed layer on the hand-made February 2019 (conftest.py's ``feb_2019``)."""

from collections.abc import Iterator

import pytest

from ungeindsats.indicators import IndicatorError, Query, Result, all_indicators, get_indicator
from ungeindsats.indicators.memo import shared
from ungeindsats.indicators.model import REGISTRY, indicator
from ungeindsats.indicators.precompute import (
    BLOCK_ALLOCATOR_BYTES,
    CACHE_TABLE,
    CACHED_BREAKDOWNS,
    EXTRA_JOBS,
    FAMILIES,
    CacheError,
    Extra,
    _json_cells,
    _planned_sets,
    answer_layer,
    cache_stale,
    compute,
    layer_result,
    layer_state,
    read_cached,
)
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import week

SUPPORT = ("fte", "persons", "average_duration", "population_share", "per_1000")


def _cache(wh: Warehouse) -> list[tuple[object, ...]]:
    return wh.con.execute(f"SELECT * FROM {CACHE_TABLE} ORDER BY ALL").fetchall()


def _values(rows: list[dict[str, object]], key: str | None = None) -> dict[object, object]:
    return {(r[key] if key else None): (r["value"], r["persons"]) for r in rows}


def _new_import(wh: Warehouse) -> None:
    """Import 2: A gets A-dagpenge (111, youth group 1) in 2019U09, whose Thursday is 28 Feb."""
    wh.con.execute(
        "INSERT INTO import_log VALUES (2, 'test', 'ny', 'y', 0, 0, 0, now(), now(), 't', '')"
    )
    wh.con.execute(
        "INSERT INTO status_spell VALUES (1, 111, ?, ?, 2)", [week(2019, 9), week(2019, 9)]
    )


def test_the_layer_holds_the_indicators_own_values(feb_2019: Warehouse) -> None:
    """Feb 2019, ages 18-29 (test_support.py works these out): Viborg by youth group 1: B 2 weeks
    → 0.5; 2: A 3 + D 2 = 5 weeks → 1.25; 3: C 3 weeks → 0.75; in total 10 weeks / 4 = 2.5 fte,
    4 persons. The country: 12 weeks → 3.0 fte, 4 persons. København has no one in January (D
    moved there in U08), so the layer holds no row for it: no persons, not a missing figure.
    The fixture's population of København has women only, so the share and the rate per 1,000
    by sex cannot be computed for D (a man): those two are skipped."""
    limit = "SELECT current_setting('memory_limit')"
    before = feb_2019.con.execute(limit).fetchall()
    summary = compute(feb_2019, indicators=SUPPORT)
    assert feb_2019.con.execute(limit).fetchall() == before  # lowered only while computing
    assert not cache_stale(feb_2019)
    assert summary.municipalities == 3  # Hele landet, København, Viborg
    assert (summary.first_period, summary.last_period) == ("2019M01", "2019M03")
    assert summary.facts_rebuilt and summary.import_id == 1
    assert [(s.indicator, s.breakdown) for s in summary.skipped] == [
        ("population_share", "sex"),
        ("per_1000", "sex"),
    ]
    assert str(summary).startswith(
        "Nøgletalslaget er beregnet: 5 nøgletal, 2 kommuner og hele landet, 2019M01-2019M03, "
    )

    by_group = read_cached(feb_2019, "fte", 791, "2019M02", "youth_group")
    assert _values(by_group, "youth_group") == {"1": (0.5, 1), "2": (1.25, 2), "3": (0.75, 1)}
    assert by_group[0] == {
        "municipality": 791,
        "period": "2019M02",
        "youth_group": "1",
        "value": 0.5,
        "persons": 1,
        "numerator": None,
        "denominator": None,
    }
    assert _values(read_cached(feb_2019, "fte", 791, "2019M02")) == {None: (2.5, 4)}
    assert _values(read_cached(feb_2019, "fte", 0, parse_period("2019M02"))) == {None: (3.0, 4)}
    assert read_cached(feb_2019, "fte", 101, "2019M01") == []


def test_every_cached_cell_equals_the_indicator_asked_directly(feb_2019: Warehouse) -> None:
    """Not only the hand-worked cells: for a count, a duration and a rate, in total and by two
    breakdowns, for every area × month the layer holds exactly what the indicator answers for
    that one cell. The rate by sex is skipped for everyone, since one area's population is
    missing: the layer is computed for all areas at once."""
    compute(feb_2019, indicators=SUPPORT)
    for name in ("fte", "average_duration", "per_1000"):
        for by in ("", "youth_group", "sex"):
            for area in (0, 101, 791):
                for month in ("2019M01", "2019M02", "2019M03"):
                    if by == "sex" and name in ("population_share", "per_1000"):
                        # Skipped as a whole: København's FOLK1A has no men (see above).
                        with pytest.raises(CacheError, match="befolkningstal mangler"):
                            read_cached(feb_2019, name, area, month, by)
                        continue
                    query = Query((area,), (parse_period(month),), by=(by,) if by else ())
                    direct = get_indicator(name)(feb_2019, query).rows()
                    cached = read_cached(feb_2019, name, area, month, by or None)
                    assert _values(cached, by or None) == _values(direct, by or None), (
                        name,
                        by,
                        area,
                        month,
                    )


def test_a_kept_layer_state_reads_whole_slices_and_answers_the_same(feb_2019: Warehouse) -> None:
    """The dashboard keeps its ``LayerState``: the first read of fte by youth group for Viborg
    reads every month of that slice at once; the other months then come from it, equal to a
    read without the state, and a month without persons (København, January) is no rows."""
    compute(feb_2019, indicators=SUPPORT)
    state = layer_state(feb_2019)
    for area in (791, 101, 0):
        for month in ("2019M01", "2019M02", "2019M03"):
            for by in (None, "youth_group"):
                kept = read_cached(feb_2019, "fte", area, month, by, layer=state)
                assert kept == read_cached(feb_2019, "fte", area, month, by), (area, month, by)
    assert read_cached(feb_2019, "fte", 101, "2019M01", layer=state) == []
    # One slice per municipality × breakdown read, whatever the months.
    assert len(state.slices._kept) == 3 * 2


def test_a_yearly_indicator_is_held_for_the_whole_years_the_facts_cover(
    feb_2019: Warehouse,
) -> None:
    """With A also on uddannelseshjælp (140) all of 2018, the facts cover 2018M01-2019M03: the
    whole year 2018 and not 2019. Restgruppen is measured at the last week of November 2018
    (Thursday 29 Nov): A (23), B (17), D (22) and E (21) live in Viborg, C is 29 (outside
    15-24); none is in education (E's 651 is in 2019) or has hours of work, so all 4 are in the
    group: 100 %. The layer holds the year, and refuses a month of it."""
    feb_2019.con.execute(
        "INSERT INTO status_spell VALUES (1, 140, ?, ?, 1)", [week(2018, 1), week(2018, 52)]
    )
    summary = compute(feb_2019, indicators=("neet_share",), breakdowns=())
    assert (summary.first_period, summary.last_period) == ("2018M01", "2019M03")
    cached = read_cached(feb_2019, "neet_share", 791, "2018")
    direct = get_indicator("neet_share")(feb_2019, Query((791,), (parse_period("2018"),)))
    assert _values(cached) == _values(direct.rows()) == {None: (100.0, 4)}
    with pytest.raises(CacheError, match="holder neet_share for år"):
        read_cached(feb_2019, "neet_share", 791, "2018M11")
    with pytest.raises(CacheError, match="2018-2018, ikke for 2019"):
        read_cached(feb_2019, "neet_share", 791, "2019")


def test_a_new_import_makes_the_layer_stale_until_recomputed(feb_2019: Warehouse) -> None:
    """After import 2 (A on A-dagpenge in U09) Viborg's February has 11 weeks → 2.75 fte, youth
    group 1 has B 2 + A 1 = 3 weeks → 0.75 with 2 persons. The layer says it is stale and refuses
    to answer until ``compute`` has run again."""
    compute(feb_2019, indicators=SUPPORT)
    _new_import(feb_2019)
    assert cache_stale(feb_2019)
    with pytest.raises(CacheError, match=r"forældet.*ungeindsats compute"):
        read_cached(feb_2019, "fte", 791, "2019M02")

    summary = compute(feb_2019, indicators=SUPPORT)
    assert summary.facts_rebuilt and summary.import_id == 2
    assert not cache_stale(feb_2019)
    assert _values(read_cached(feb_2019, "fte", 791, "2019M02")) == {None: (2.75, 4)}
    by_group = read_cached(feb_2019, "fte", 791, "2019M02", "youth_group")
    assert _values(by_group, "youth_group")["1"] == (0.75, 2)


def test_rebuilt_facts_make_the_layer_stale(feb_2019: Warehouse) -> None:
    """Facts rebuilt after the layer (e.g. with another youth-group mapping) outdate it too."""
    from ungeindsats.indicators.facts import build_facts

    compute(feb_2019, indicators=("fte",))
    build_facts(feb_2019)
    assert cache_stale(feb_2019)
    with pytest.raises(CacheError, match="faktatabellerne er genopbygget"):
        read_cached(feb_2019, "fte", 791, "2019M02")


def test_an_interrupted_compute_leaves_the_old_layer_intact(feb_2019: Warehouse) -> None:
    """Ctrl-C after three of the jobs (fte in total and by two breakdowns are computed by then):
    the previous layer, its coverage and its import stamp are untouched, and no build table (as
    earlier versions made) is left behind."""
    compute(feb_2019, indicators=SUPPORT)
    before = _cache(feb_2019)
    _new_import(feb_2019)

    def interrupt(done: int, total: int | None) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compute(feb_2019, indicators=SUPPORT, progress=interrupt)
    assert _cache(feb_2019) == before
    assert cache_stale(feb_2019)  # still the layer of import 1
    assert not [t for t in feb_2019.table_names() if t.endswith("_build")]


@pytest.fixture
def broken_indicator() -> Iterator[str]:
    """An indicator that fails the way a bug does (not an IndicatorError), registered for one
    test only."""
    name = "test_broken"

    @indicator(name, label="Fejler", unit="stk.", breakdowns=("sex",), source="test")
    def broken(warehouse: Warehouse, query: Query) -> Result:
        """Fejler altid."""
        if query.by:
            raise RuntimeError("a bug")
        return get_indicator("fte")(warehouse, query)

    try:
        yield name
    finally:
        del REGISTRY[name]


def test_a_failing_indicator_leaves_the_old_layer_intact(
    feb_2019: Warehouse, broken_indicator: str
) -> None:
    """fte is computed first, then the broken indicator's total, then its breakdown fails."""
    compute(feb_2019, indicators=SUPPORT)
    before = _cache(feb_2019)
    with pytest.raises(RuntimeError, match="a bug"):
        compute(feb_2019, indicators=("fte", broken_indicator))
    assert _cache(feb_2019) == before
    assert not cache_stale(feb_2019)
    assert _values(read_cached(feb_2019, "fte", 791, "2019M02")) == {None: (2.5, 4)}


def test_an_unknown_indicator_is_refused_before_any_work(feb_2019: Warehouse) -> None:
    compute(feb_2019, indicators=("fte",))
    before = _cache(feb_2019)
    with pytest.raises(IndicatorError, match="ukendt nøgletal 'nope'"):
        compute(feb_2019, indicators=("fte", "nope"))
    assert _cache(feb_2019) == before


def test_what_an_indicator_cannot_compute_is_skipped_and_said(feb_2019: Warehouse) -> None:
    """Without FOLK1A the rate per 1,000 cannot be computed: it is skipped with the indicator's
    own reason, and the layer says so when asked for it. (Persons: A and C women, B and D men.)"""
    feb_2019.con.execute("DELETE FROM population")
    summary = compute(feb_2019, indicators=("fte", "per_1000"), breakdowns=("sex",))
    assert [(s.indicator, s.breakdown) for s in summary.skipped] == [
        ("per_1000", ""),
        ("per_1000", "sex"),
    ]
    assert "Sprunget over: per_1000 opdelt på sex: befolkningstal mangler" in str(summary)
    with pytest.raises(CacheError, match="per_1000 er ikke i nøgletalslaget: befolkningstal"):
        read_cached(feb_2019, "per_1000", 791, "2019M02")
    # fte by sex is still there: Viborg in February, women A 3 + C 3 weeks, men B 2 + D 2.
    assert _values(read_cached(feb_2019, "fte", 791, "2019M02", "sex"), "sex") == {
        "K": (1.5, 2),
        "M": (1.0, 2),
    }


def test_an_empty_warehouse_gives_an_empty_layer() -> None:
    with open_warehouse(None) as wh:
        summary = compute(wh, indicators=("fte",))
        assert str(summary) == "Nøgletalslaget er tomt: lageret har ingen forløb endnu."
        assert not cache_stale(wh)
        with pytest.raises(CacheError, match="fte er ikke i nøgletalslaget"):
            read_cached(wh, "fte", 791, "2019M02")


def _block_allocator(wh: Warehouse) -> str:
    [(value,)] = wh.con.execute("SELECT current_setting('block_allocator_memory')").fetchall()
    return str(value)


def test_compute_lets_the_block_allocator_keep_memory_and_never_lowers_it() -> None:
    """DuckDB keeps no memory for its block allocator by default ('0 bytes'); compute lets it
    keep BLOCK_ALLOCATOR_BYTES (3e9 bytes, shown in GiB as 2.7 GiB), and on a connection that
    already keeps more (4e9 bytes = 3.7 GiB), compute runs and leaves it so."""
    assert BLOCK_ALLOCATOR_BYTES == 3 * 1000**3
    with open_warehouse(None) as wh:
        assert _block_allocator(wh) == "0 bytes"
        compute(wh, indicators=("fte",))
        assert _block_allocator(wh) == "2.7 GiB"
    with open_warehouse(None) as wh:
        wh.con.execute("SET block_allocator_memory = '4GB'")
        compute(wh, indicators=("fte",))
        assert _block_allocator(wh) == "3.7 GiB"


def test_questions_the_layer_cannot_answer_are_explained(feb_2019: Warehouse) -> None:
    with pytest.raises(CacheError, match=r"ikke beregnet endnu.*ungeindsats compute"):
        read_cached(feb_2019, "fte", 791, "2019M02")
    compute(feb_2019, indicators=("fte",), breakdowns=("youth_group",))
    with pytest.raises(CacheError, match="holder fte for måneder"):
        read_cached(feb_2019, "fte", 791, "2019K1")
    with pytest.raises(CacheError, match="opdelt på district er ikke i nøgletalslaget"):
        read_cached(feb_2019, "fte", 791, "2019M02", "district")
    with pytest.raises(CacheError, match="persons er ikke i nøgletalslaget"):
        read_cached(feb_2019, "persons", 791, "2019M02")
    with pytest.raises(CacheError, match="2019M01-2019M03, ikke for 2019M04"):
        read_cached(feb_2019, "fte", 791, "2019M04")
    with pytest.raises(CacheError, match="ikke en periode"):
        read_cached(feb_2019, "fte", 791, "februar")


def test_every_registered_indicator_goes_into_the_layer_or_says_why(feb_2019: Warehouse) -> None:
    """The whole registry runs against the small warehouse: each indicator × breakdown is either
    in the layer or skipped with a reason; none breaks the build."""
    summary = compute(feb_2019)
    names = {i.name for i in all_indicators()}
    assert set(summary.indicators) == names
    held = feb_2019.con.execute(
        "SELECT DISTINCT indicator FROM indicator_cache_coverage WHERE skipped_reason IS NULL"
    ).fetchall()
    assert {"fte", "persons", "per_1000"} <= {r[0] for r in held}
    assert all(s.reason for s in summary.skipped)


def test_facts_built_by_an_earlier_definition_are_rebuilt(feb_2019: Warehouse) -> None:
    """Facts record the definition that built them: facts from an earlier version (which, say,
    still held education weeks) count as stale, so no query reads them, and the next
    ``ensure_facts`` rebuilds them."""
    from ungeindsats.indicators.facts import FACTS_VERSION, ensure_facts, facts_stale

    ensure_facts(feb_2019)
    assert not facts_stale(feb_2019)
    feb_2019.con.execute("COMMENT ON TABLE fact_status_month IS 'version 1'")
    assert FACTS_VERSION != "1" and facts_stale(feb_2019)
    ensure_facts(feb_2019)
    assert not facts_stale(feb_2019)


def _answer(result: Result | None) -> list[tuple[object, ...]]:
    """What disclosure control reads of an answer: its key columns and cells in order, value
    and persons, and its source and notes."""
    assert result is not None
    keys = [c for c in result.table.column_names if c not in ("value", "persons")]
    keys = [c for c in keys if c not in ("numerator", "denominator")]
    return [(*(row[k] for k in keys), row["value"], row["persons"]) for row in result.rows()] + [
        (tuple(keys), result.source, result.notes)
    ]


def test_a_report_reads_whole_answers_from_the_layer(feb_2019: Warehouse) -> None:
    """fte by youth group × benefit is an extra job of the layer. February 2019, groups 2 and 3
    (the filter only drops cells, so the layer can answer it): the country first (group 2: A 3
    weeks + D 4 weeks = 7 → 1.75 fte, 2 persons; group 3: C 3 weeks → 0.75, 1 person), then
    Viborg (group 2: A 3 + D 2 weeks, until he moves in U08 → 1.25, 2 persons; group 3: C →
    0.75), all on uddannelseshjælp. The answer read equals the one computed, cell by cell and in
    the indicator's order; so does a dashboard breakdown (fte by youth group alone)."""
    compute(feb_2019, indicators=("fte",))
    layer = answer_layer(feb_2019)
    assert layer is not None
    month = (parse_period("2019M02"),)
    query = Query(
        (791, 0), month, by=("youth_group", "benefit"), filters={"youth_group": ("2", "3")}
    )
    read = layer_result(feb_2019, layer, "fte", query)
    assert _answer(read)[:-1] == [
        (0, "2019M02", "2", "uddannelseshjaelp", 1.75, 2),
        (0, "2019M02", "3", "uddannelseshjaelp", 0.75, 1),
        (791, "2019M02", "2", "uddannelseshjaelp", 1.25, 2),
        (791, "2019M02", "3", "uddannelseshjaelp", 0.75, 1),
    ]
    assert _answer(read) == _answer(get_indicator("fte")(feb_2019, query))
    single = Query((791, 0), month, by=("youth_group",))
    assert _answer(layer_result(feb_2019, layer, "fte", single)) == _answer(
        get_indicator("fte")(feb_2019, single)
    )


def test_the_layer_does_not_answer_what_it_does_not_hold_whole(feb_2019: Warehouse) -> None:
    """A filter on a breakdown not asked for (the total of groups 1-3 is not a cell of the
    layer), two periods, another age band, a cross breakdown it does not hold, a month it does
    not cover: None, and the report computes them. A stale layer answers nothing."""
    compute(feb_2019, indicators=("fte",))
    layer = answer_layer(feb_2019)
    assert layer is not None
    feb, mar = parse_period("2019M02"), parse_period("2019M03")
    for query in (
        Query((791,), (feb,), filters={"youth_group": ("1", "2", "3")}),
        Query((791,), (feb, mar)),
        Query((791,), (feb,), ages=(18, 24)),
        Query((791,), (feb,), by=("youth_group", "sex")),
        Query((791,), (parse_period("2019M04"),)),
        Query((791,), (parse_period("2019"),)),
    ):
        assert layer_result(feb_2019, layer, "fte", query) is None, query
    assert layer_result(feb_2019, layer, "fte", Query((791,), (feb,))) is not None
    # The default ages given explicitly are the default: read, and the same answer.
    explicit = Query((791,), (feb,), ages=get_indicator("fte").default_ages)
    read = layer_result(feb_2019, layer, "fte", explicit)
    assert read is not None and read.query == explicit
    assert _answer(read) == _answer(get_indicator("fte")(feb_2019, explicit))
    _new_import(feb_2019)
    assert answer_layer(feb_2019) is None


@pytest.fixture
def noted_indicator() -> Iterator[str]:
    """fte with a note on every answer, registered for one test only."""
    name = "test_noted"

    @indicator(name, label="Med note", unit="stk.", breakdowns=("youth_group",), source="test")
    def noted(warehouse: Warehouse, query: Query) -> Result:
        """fte med en note."""
        result = get_indicator("fte")(warehouse, query)
        return Result(result.indicator, query, result.table, result.source, ("En note.",))

    try:
        yield name
    finally:
        del REGISTRY[name]


def test_an_answer_with_notes_is_computed_not_read(
    feb_2019: Warehouse, noted_indicator: str
) -> None:
    """A note belongs to the whole query the layer was built with (all areas and months), so it
    cannot be cut to one area and month: such a job is held for the dashboard but not read by a
    report. A layer built before the layer kept source, notes and order answers nothing."""
    compute(feb_2019, indicators=("fte", noted_indicator), breakdowns=())
    layer = answer_layer(feb_2019)
    assert layer is not None
    query = Query((791,), (parse_period("2019M02"),))
    assert layer_result(feb_2019, layer, noted_indicator, query) is None
    assert _values(read_cached(feb_2019, noted_indicator, 791, "2019M02")) == {None: (2.5, 4)}
    assert layer_result(feb_2019, layer, "fte", query) is not None
    feb_2019.con.execute(f"ALTER TABLE {CACHE_TABLE} DROP COLUMN position")
    assert answer_layer(feb_2019) is None


def test_extra_jobs_are_held_for_their_own_periods(feb_2019: Warehouse) -> None:
    """An extra job by years over facts that cover no whole year (2019M01-M03) holds nothing;
    by default the layer's own extras come after the dashboard's breakdowns, and ``extras=()``
    leaves them out. An extra job by no breakdown holds what the total holds: the country,
    Viborg (A in January, E in March) and København (D, February only) for 2019M01-M03:
    3 + 3 + 1 = 7 rows."""
    summary = compute(
        feb_2019, indicators=("fte",), extras=(Extra("fte", ("youth_group",), "year"),)
    )
    jobs = [(t.breakdown, t.rows) for t in summary.times]
    assert jobs[-1] == ("youth_group/year", 0)
    assert [b for b, _ in jobs[:-1]] == ["", "youth_group", "benefit", "age_band", "sex"]
    summary = compute(feb_2019, indicators=("fte",))
    assert [t.breakdown for t in summary.times][5:] == ["youth_group+benefit/month"]
    summary = compute(feb_2019, indicators=("fte",), extras=())
    assert len(summary.times) == 5
    # Without breakdowns: one cell per area and month with anyone on support.
    summary = compute(
        feb_2019, indicators=("fte",), breakdowns=(), extras=(Extra("fte", (), "month"),)
    )
    assert [(t.breakdown, t.rows) for t in summary.times] == [("", 7), ("/month", 7)]


def test_monthly_extras_of_common_breakdowns_are_counted_with_the_dashboards_sets(
    feb_2019: Warehouse,
) -> None:
    """The report's monthly extras by common breakdowns join the dashboard's breakdown sets:
    fte by youth group × benefit is counted in the support cells' one pass, time_on_support by
    youth group × duration band and long_term_share by youth group in the reference cells' one
    pass. The offers by youth group × offer kind are not (offer kind is not a breakdown of the
    support cells). Every answer read from the layer equals the one computed, month by month;
    the durations' answers carry a note here (the status data begin in 2019), so the layer does
    not answer them (test_flows_shared holds their cells equal under the same plan)."""
    assert _planned_sets(CACHED_BREAKDOWNS, EXTRA_JOBS) == (
        (),
        ("youth_group",),
        ("benefit",),
        ("age_band",),
        ("sex",),
        ("youth_group", "benefit"),
    )
    names = ("fte", "time_on_support", "long_term_share")
    compute(feb_2019, indicators=names)
    layer = answer_layer(feb_2019)
    assert layer is not None
    answered = []
    for extra in EXTRA_JOBS:
        if extra.indicator not in names:
            continue
        for month in ("2019M01", "2019M02", "2019M03"):
            query = Query((0, 101, 791), (parse_period(month),), by=extra.by)
            read = layer_result(feb_2019, layer, extra.indicator, query)
            direct = get_indicator(extra.indicator)(feb_2019, query)
            if read is None:
                assert direct.notes, (extra, month)
                continue
            assert _answer(read) == _answer(direct)
            answered.append(extra.indicator)
    assert answered == ["fte"] * 3


def test_extra_cells_are_json_lists_of_their_values() -> None:
    """An extra job's cell is the JSON list of its breakdown values (missing values and
    non-ASCII letters kept), the same text for the same values; no breakdown gives []."""
    columns = [["2", "3", "2"], [None, "støtte", None]]
    assert _json_cells(columns, 3) == ['["2", null]', '["3", "støtte"]', '["2", null]']
    assert _json_cells([[1, 2]], 2) == ["[1]", "[2]"]
    assert _json_cells([], 2) == ["[]", "[]"]


def test_every_family_member_is_a_registered_indicator_in_one_family() -> None:
    """A misspelt name in FAMILIES would silently make a family of its own."""
    members = [name for family in FAMILIES for name in family]
    assert len(members) == len(set(members))
    assert set(members) <= {i.name for i in all_indicators()}


def test_a_familys_shared_tables_are_dropped_before_the_next_family_runs(
    feb_2019: Warehouse,
) -> None:
    """The jobs run family by family (FAMILIES, in its order, then the rest), each family in a
    ``memo.shared()`` block of its own: after each job, no table that an earlier family built is
    left, and the layer holds the same rows as when every job shares one block."""
    seen_after: list[set[str]] = []

    def progress(done: int, total: int | None) -> None:
        rows = feb_2019.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
        ).fetchall()
        seen_after.append({name for (name,) in rows})

    summary = compute(feb_2019, progress=progress)
    layer = _cache(feb_2019)
    # The first call comes before any job, the last after the swap.
    per_job = seen_after[1 : len(summary.times) + 1]
    family_of = {name: i for i, family in enumerate(FAMILIES) for name in family}
    families = [family_of.get(t.indicator, len(FAMILIES)) for t in summary.times]
    ranks = [family_of[t.indicator] for t in summary.times if t.indicator in family_of]
    assert ranks == sorted(ranks)
    built_by: dict[int, set[str]] = {}
    for family, tables in zip(families, per_job, strict=True):
        built_by.setdefault(family, set()).update(tables)
        earlier = set().union(*(built_by[f] for f in built_by if f != family))
        assert not tables & earlier
    # Several families built tables of their own (the check above compared something).
    assert sum(1 for tables in built_by.values() if tables) >= 3
    assert seen_after[-1] == set()

    with shared():
        compute(feb_2019)
    assert _cache(feb_2019) == layer
