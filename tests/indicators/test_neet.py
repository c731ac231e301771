"""Restgruppen (NEET): share, persistence and social characteristics on a hand-made warehouse."""

from dataclasses import replace
from datetime import date

import pytest

from ungeindsats.indicators import COUNTRY, IndicatorError, Query, get_indicator
from ungeindsats.indicators.memo import planned, shared
from ungeindsats.indicators.neet import PERSON_BREAKDOWNS, Dimension, ShareSql, share_cells
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import week

Y2016, Y2017 = parse_period("2016"), parse_period("2017")
VIBORG, KBH = 791, 101


@pytest.fixture
def neet_wh() -> Warehouse:
    """Thirteen persons around the reference weeks (last week of November, by its Thursday):
    2015U48 (Mon 23 Nov, Thu 26 Nov), 2016U47 (Mon 21 Nov, Thu 24 Nov), 2017U48 (Mon 27 Nov,
    Thu 30 Nov, Sun 3 Dec 2017). Everybody lives in Viborg (791) from 2010 unless said.

    Codes: 651 education, 300 kontanthjælp, 790 førtidspension.

    - P1 K 2000-03-01 (17 in 2017), district Nord: code 651 2017U33-2018U26 → in education.
      social_measure.
    - P2 M 1998-01-10, Nord: started 'erhvervsuddannelse' 2017-08-14, never ended → in education.
    - P3 K 1999-02-02, Nord: started 'gymnasial' 2016-08-10, dropout 'Gymnasial ' 2017-03-01
      (same type, other spelling); kontanthjælp 2017U20-2018U10 → NEET 2017; in education at
      2016U47; NEET in 2015 (16, nothing). crime, mental_illness, abuse.
    - P4 M 1996-05-05, Nord: 50 + 30 = 80 hours in Nov 2017 (two rows) → not NEET. crime = FALSE.
    - P5 K 1996-09-09, Syd: 70 hours in Nov 2017 (100 in Oct 2017 does not count); completed
      'forberedende (FGU)' 2017-06-20 (not a youth education) → NEET 2017; NEET 2016 (no
      hours); 100 hours in Nov 2015 → not NEET 2015. mental_illness.
    - P6 M 1997-07-07, Syd: completed 'Gymnasial' 2016-06-20 → not NEET.
    - P7 M 1995-05-05, Syd: nothing (a start on 2017-12-04 is after the reference week) → NEET
      in 2015, 2016 and 2017. Indicators unknown (NULL).
    - P8 K 1994-04-04, Syd: førtidspension 2016U01-2019U52 → not NEET (still among all young
      people). crime, social_measure.
    - P9 M 1997-04-04: Viborg until 2017U40, København (101) from 2017U41 → NEET 2017 in
      København; NEET (in Viborg) in 2016 and 2015.
    - P10 M 1992-11-20: turns 25 on 20 Nov 2017, before Thursday 30 Nov → not in 2017's group.
    - P12 M 2003-06-01: 14 → not in the group.
    - P13: no birth date → not in the group.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(651, NULL, NULL, 'education', NULL, 1),"
        "(300, 'kontanthjaelp', '2.2', 'public_support', NULL, 1),"
        "(790, 'foertidspension', NULL, 'public_support', NULL, 1)"
    )
    # id: birth date, sex, (crime, mental_illness, social_measure, abuse)
    people = {
        1: (date(2000, 3, 1), "K", (None, None, True, None)),
        2: (date(1998, 1, 10), "M", (None, None, None, None)),
        3: (date(1999, 2, 2), "K", (True, True, None, True)),
        4: (date(1996, 5, 5), "M", (False, None, None, None)),
        5: (date(1996, 9, 9), "K", (None, True, None, None)),
        6: (date(1997, 7, 7), "M", (None, None, None, None)),
        7: (date(1995, 5, 5), "M", (None, None, None, None)),
        8: (date(1994, 4, 4), "K", (True, None, True, None)),
        9: (date(1997, 4, 4), "M", (None, None, None, None)),
        10: (date(1992, 11, 20), "M", (None, None, None, None)),
        12: (date(2003, 6, 1), "M", (None, None, None, None)),
        13: (None, "K", (None, None, None, None)),
    }
    for pid, (born, sex, flags) in people.items():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, crime, mental_illness, "
            "social_measure, abuse, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            [pid, born, sex, *flags],
        )
    districts = {1: "Nord", 2: "Nord", 3: "Nord", 4: "Nord", 5: "Syd", 6: "Syd", 7: "Syd", 8: "Syd"}
    for pid in people:
        last = week(2017, 40) if pid == 9 else None
        con.execute(
            "INSERT INTO residence VALUES (?, ?, ?, ?, ?, 1)",
            [pid, VIBORG, districts.get(pid), week(2010, 1), last],
        )
    con.execute("INSERT INTO residence VALUES (9, ?, NULL, ?, NULL, 1)", [KBH, week(2017, 41)])
    for pid, code, first, last in [
        (1, 651, (2017, 33), (2018, 26)),
        (3, 300, (2017, 20), (2018, 10)),
        (8, 790, (2016, 1), (2019, 52)),
    ]:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(*first), week(*last)],
        )
    for pid, day, event, kind in [
        (2, date(2017, 8, 14), "start", "erhvervsuddannelse"),
        (3, date(2016, 8, 10), "start", "gymnasial"),
        (3, date(2017, 3, 1), "dropout", "Gymnasial "),
        (5, date(2017, 6, 20), "completion", "forberedende (FGU)"),
        (6, date(2016, 6, 20), "completion", "Gymnasial"),
        (7, date(2017, 12, 4), "start", "erhvervsuddannelse"),
    ]:
        con.execute(
            "INSERT INTO education_event VALUES (?, ?, ?, ?, NULL, 1)", [pid, day, event, kind]
        )
    for pid, year, month, hours in [
        (4, 2017, 11, 50.0),
        (4, 2017, 11, 30.0),
        (5, 2017, 11, 70.0),
        (5, 2017, 10, 100.0),
        (5, 2015, 11, 100.0),
    ]:
        con.execute(
            "INSERT INTO employment_month VALUES (?, ?, ?, ?, 1)", [pid, year, month, hours]
        )
    return wh


def _rows(wh: Warehouse, name: str, query: Query) -> dict[tuple[object, ...], tuple[object, ...]]:
    """(municipality, period, *breakdowns) → (value, numerator, denominator, persons)."""
    result = get_indicator(name)(wh, query)
    skip = {"value", "numerator", "denominator", "persons"}
    keys = [c for c in result.table.column_names if c not in skip]
    assert result.table.column_names == [*keys, "value", "persons", "numerator", "denominator"]
    return {
        tuple(r[k] for k in keys): (
            round(r["value"], 4),
            r["numerator"],
            r["denominator"],
            r["persons"],
        )
        for r in result.rows()
    }


def test_neet_share_municipality_and_country(neet_wh: Warehouse) -> None:
    """2017U48. Viborg, 15-24: P1-P8 = 8 (P9 moved to København in U41, P10 is 25, P12 is 14,
    P13 has no birth date). NEET: P3 (dropped out, on kontanthjælp), P5 (70 hours; FGU is no
    youth education), P7 (nothing) = 3 → 37.5 %. Not NEET: P1 (education code), P2 (open
    education), P4 (80 hours over two rows), P6 (completed gymnasial), P8 (førtidspension).
    København: P9, 1 of 1 → 100 %. Country: 9 persons, 4 NEET → 44.4444 %."""
    rows = _rows(neet_wh, "neet_share", Query((VIBORG, KBH, 0), (Y2017,)))
    assert rows == {
        (0, "2017"): (44.4444, 4, 9, 4),
        (KBH, "2017"): (100.0, 1, 1, 1),
        (VIBORG, "2017"): (37.5, 3, 8, 3),
    }


def test_neet_share_breakdowns(neet_wh: Warehouse) -> None:
    """Viborg by sex: K = P1, P3, P5, P8 with NEET P3, P5 → 2/4 = 50 %; M = P2, P4, P6, P7 with
    NEET P7 → 1/4 = 25 %. By age band: 15-17 = P1 (17), not NEET → 0 of 1 (a cell with 0);
    18-24 = the other 7 with 3 NEET → 42.8571 %. By district: Nord P1-P4, NEET P3 → 25 %;
    Syd P5-P8, NEET P5, P7 → 50 %. Filtered to age band 18-24 only that cell remains."""
    by_sex = _rows(neet_wh, "neet_share", Query((VIBORG,), (Y2017,), by=("sex",)))
    assert by_sex == {
        (VIBORG, "2017", "K"): (50.0, 2, 4, 2),
        (VIBORG, "2017", "M"): (25.0, 1, 4, 1),
    }
    by_age = _rows(neet_wh, "neet_share", Query((VIBORG,), (Y2017,), by=("age_band",)))
    assert by_age == {
        (VIBORG, "2017", "15-17"): (0.0, 0, 1, 0),
        (VIBORG, "2017", "18-24"): (42.8571, 3, 7, 3),
    }
    by_district = _rows(neet_wh, "neet_share", Query((VIBORG,), (Y2017,), by=("district",)))
    assert by_district == {
        (VIBORG, "2017", "Nord"): (25.0, 1, 4, 1),
        (VIBORG, "2017", "Syd"): (50.0, 2, 4, 2),
    }
    only = Query((VIBORG,), (Y2017,), by=("age_band",), filters={"age_band": ("18-24",)})
    assert _rows(neet_wh, "neet_share", only) == {(VIBORG, "2017", "18-24"): (42.8571, 3, 7, 3)}


def test_neet_share_for_a_month_uses_its_last_week(neet_wh: Warehouse) -> None:
    """2017M09's last week is 2017U39 (Thursday 28 Sep): P9 still lives in Viborg, P10 is 24.
    Viborg: P1-P10 = 10 persons (P12 is 14, P13 has no birth date). No hours are loaded for
    September, so nobody works (and a note says so). NEET: P3, P4 (his hours are in
    November), P5, P7, P9, P10 = 6 → 60 %; P1 (code from U33), P2 (started 14 Aug), P6
    (completed) and P8 (førtidspension) are not."""
    result = get_indicator("neet_share")(neet_wh, Query((VIBORG,), (parse_period("2017M09"),)))
    row = result.rows()[0]
    assert (round(row["value"], 4), row["numerator"], row["denominator"]) == (60.0, 6, 10)
    assert any("2017M09" in note for note in result.notes)


def test_neet_persistence(neet_wh: Warehouse) -> None:
    """Viborg's 2017 NEET group: P3, P5, P7.
    - P7: NEET at 2016U47 (21) and 2015U48 (20) → persists.
    - P5: NEET at 2016U47 (no hours) but 100 hours in Nov 2015 → does not.
    - P3: in education at 2016U47 (gymnasial started 10 Aug 2016) → does not.
    → 1 of 3 = 33.3333 %. København: P9, NEET in 2016 and 2015 while living in Viborg (the
    earlier years count wherever the person lived) → 1/1. Country: P7, P9 of 4 → 50 %."""
    rows = _rows(neet_wh, "neet_persistence", Query((VIBORG, KBH, 0), (Y2017,)))
    assert rows == {
        (0, "2017"): (50.0, 2, 4, 2),
        (KBH, "2017"): (100.0, 1, 1, 1),
        (VIBORG, "2017"): (33.3333, 1, 3, 1),
    }


def test_neet_persistence_needs_both_earlier_years(neet_wh: Warehouse) -> None:
    """Two more in Viborg's 2017 restgruppe (nothing at all, no hours): P14, born 2001-01-01,
    is 16 at 2017U48 and 15 at 2016U47 but 14 at 2015U48; P15, born 1995-01-01, moved in at
    2016U01, so not resident at 2015U48. Each was in restgruppen at every week they count in,
    yet neither could have been in it both earlier years: the denominator stays P3, P5, P7 and
    the share 1 of 3 (test_neet_persistence), while restgruppen 2017 grows from 3 to 5."""
    con = neet_wh.con
    for pid, born, first in (
        (14, date(2001, 1, 1), week(2010, 1)),
        (15, date(1995, 1, 1), week(2016, 1)),
    ):
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'M', 1)",
            [pid, born],
        )
        con.execute("INSERT INTO residence VALUES (?, ?, 'Syd', ?, NULL, 1)", [pid, VIBORG, first])
    query = Query((VIBORG,), (Y2017,))
    assert _rows(neet_wh, "neet_persistence", query) == {(VIBORG, "2017"): (33.3333, 1, 3, 1)}
    assert _rows(neet_wh, "neet_share", query) == {(VIBORG, "2017"): (50.0, 5, 10, 5)}


def test_neet_characteristics(neet_wh: Warehouse) -> None:
    """Viborg 2017. Restgruppen = P3 (crime, mental illness, abuse), P5 (mental illness), P7
    (all unknown = no): Kriminalitet 1/3, Psykisk sygdom 2/3, Social foranstaltning 0/3,
    Misbrug 1/3. Alle unge = P1-P8 (8): crime P3, P8 → 2; mental illness P3, P5 → 2; social
    measure P1, P8 → 2; abuse P3 → 1. P4's explicit FALSE counts as no."""
    rows = _rows(neet_wh, "neet_characteristics", Query((VIBORG,), (Y2017,)))
    assert rows == {
        (VIBORG, "2017", "Restgruppen", "Kriminalitet"): (33.3333, 1, 3, 1),
        (VIBORG, "2017", "Restgruppen", "Psykisk sygdom"): (66.6667, 2, 3, 2),
        (VIBORG, "2017", "Restgruppen", "Social foranstaltning"): (0.0, 0, 3, 0),
        (VIBORG, "2017", "Restgruppen", "Misbrug"): (33.3333, 1, 3, 1),
        (VIBORG, "2017", "Alle unge", "Kriminalitet"): (25.0, 2, 8, 2),
        (VIBORG, "2017", "Alle unge", "Psykisk sygdom"): (25.0, 2, 8, 2),
        (VIBORG, "2017", "Alle unge", "Social foranstaltning"): (25.0, 2, 8, 2),
        (VIBORG, "2017", "Alle unge", "Misbrug"): (12.5, 1, 8, 1),
    }
    # Seed order, Restgruppen first, whatever the alphabet says.
    result = get_indicator("neet_characteristics")(neet_wh, Query((VIBORG,), (Y2017,)))
    assert result.table["indicator"].to_pylist()[:4] == [
        "Kriminalitet",
        "Psykisk sygdom",
        "Social foranstaltning",
        "Misbrug",
    ]
    assert result.table["group"].to_pylist()[0] == "Restgruppen"


def test_neet_indicator_count(neet_wh: Warehouse) -> None:
    """Viborg 2017. Restgruppen: P7 none, P5 one, P3 three → Ingen 1/3, 1 indikator 1/3,
    2 indikatorer 0/3, 3-4 indikatorer 1/3. Alle unge (8): none P2, P4, P6, P7 = 4 (50 %);
    one P1, P5 = 2 (25 %); two P8 (12.5 %); three P3 (12.5 %). Filtering to the group
    "Restgruppen" keeps its four rows."""
    query = Query((VIBORG,), (Y2017,), filters={"group": ("Restgruppen",)})
    rows = _rows(neet_wh, "neet_indicator_count", query)
    assert rows == {
        (VIBORG, "2017", "Restgruppen", "Ingen indikatorer"): (33.3333, 1, 3, 1),
        (VIBORG, "2017", "Restgruppen", "1 indikator"): (33.3333, 1, 3, 1),
        (VIBORG, "2017", "Restgruppen", "2 indikatorer"): (0.0, 0, 3, 0),
        (VIBORG, "2017", "Restgruppen", "3-4 indikatorer"): (33.3333, 1, 3, 1),
    }
    every = _rows(neet_wh, "neet_indicator_count", Query((VIBORG,), (Y2017,), by=("group",)))
    assert {k[3]: v for k, v in every.items() if k[2] == "Alle unge"} == {
        "Ingen indikatorer": (50.0, 4, 8, 4),
        "1 indikator": (25.0, 2, 8, 2),
        "2 indikatorer": (12.5, 1, 8, 1),
        "3-4 indikatorer": (12.5, 1, 8, 1),
    }


def test_neet_refuses_other_ages_and_weeks(neet_wh: Warehouse) -> None:
    with pytest.raises(IndicatorError, match="15-24-årige"):
        get_indicator("neet_share")(neet_wh, Query((VIBORG,), (Y2017,), ages=(18, 29)))
    with pytest.raises(IndicatorError, match=r"ikke pr\. uge"):
        get_indicator("neet_share")(neet_wh, Query((VIBORG,), (parse_period("2017U48"),)))


def test_neet_characteristics_cells_exist_where_their_group_has_persons(neet_wh: Warehouse) -> None:
    """Viborg 2017 by age band. 15-17 is P1 alone, not in restgruppen: only "Alle unge" cells
    (P1 has social_measure: Social foranstaltning 1 of 1, the others 0 of 1), no "Restgruppen"
    cells (as when the groups were joined to the rows: no row, no cell). 18-24: restgruppen P3,
    P5, P7 as in test_neet_characteristics; alle unge P2-P8 (7): crime P3, P8; mental illness
    P3, P5; social measure P8; abuse P3."""
    query = Query((VIBORG,), (Y2017,), by=("age_band",))
    rows = _rows(neet_wh, "neet_characteristics", query)
    assert {k[2:]: v for k, v in rows.items() if k[2] == "15-17"} == {
        ("15-17", "Alle unge", "Kriminalitet"): (0.0, 0, 1, 0),
        ("15-17", "Alle unge", "Psykisk sygdom"): (0.0, 0, 1, 0),
        ("15-17", "Alle unge", "Social foranstaltning"): (100.0, 1, 1, 1),
        ("15-17", "Alle unge", "Misbrug"): (0.0, 0, 1, 0),
    }
    assert {k[3:]: v[1:3] for k, v in rows.items() if k[2] == "18-24"} == {
        ("Restgruppen", "Kriminalitet"): (1, 3),
        ("Restgruppen", "Psykisk sygdom"): (2, 3),
        ("Restgruppen", "Social foranstaltning"): (0, 3),
        ("Restgruppen", "Misbrug"): (1, 3),
        ("Alle unge", "Kriminalitet"): (2, 7),
        ("Alle unge", "Psykisk sygdom"): (2, 7),
        ("Alle unge", "Social foranstaltning"): (1, 7),
        ("Alle unge", "Misbrug"): (1, 7),
    }


_SHARED_NAMES = (
    "neet_share",
    "neet_persistence",
    "neet_characteristics",
    "neet_indicator_count",
    "youth_15_17_activity",
)


def _queries(name: str) -> list[Query]:
    """For Viborg, København and the country: every breakdown of the indicator alone and none,
    the dimensions together and with a person breakdown, filters on a dimension and on a
    person breakdown; for Viborg alone and the country alone: none and the last of those."""
    breakdowns = get_indicator(name).breakdowns
    dimensions = tuple(b for b in breakdowns if b not in PERSON_BREAKDOWNS)
    bys: list[tuple[str, ...]] = [(), *((b,) for b in breakdowns)]
    filters: list[dict[str, tuple[str, ...]]] = [{"sex": ("K",)}]
    if len(dimensions) == 2:
        bys += [dimensions, ("sex", *dimensions), (dimensions[1], "district")]
        filters.append({"group": ("Restgruppen",), "age_band": ("18-24",)})
    if "indicator" in dimensions:
        filters.append({"indicator": ("Misbrug", "Kriminalitet")})
    every = (VIBORG, KBH, COUNTRY)
    queries = [Query(every, (Y2016, Y2017), by=by) for by in bys]
    for places in ((VIBORG,), (COUNTRY,)):
        queries += [Query(places, (Y2016, Y2017), by=by) for by in ((), bys[-1])]
    queries += [Query(every, (Y2017,), by=("sex",), filters=f) for f in filters]
    return queries


def test_shared_equals_plain_for_every_breakdown_and_dimension(neet_wh: Warehouse) -> None:
    """Inside ``memo.shared()`` (reference-week statuses and relations built once, read with
    the person's columns they carry) the NEET indicators and the 15-17-year-olds' activity give
    the very tables they give alone (values, column types and row order), for every breakdown,
    the dimensions (one aggregate per cell instead of joined rows), filters, and municipalities
    with and without the country (one grouped scan for both). Inside ``memo.planned`` (the
    layer asks a year at a time) a year read from the relation of both years equals the year
    alone."""
    alone = {
        (name, i): get_indicator(name)(neet_wh, q)
        for name in _SHARED_NAMES
        for i, q in enumerate(_queries(name))
    }
    assert all(alone[(name, 0)].table.num_rows for name in _SHARED_NAMES)
    with shared():
        together = {
            (name, i): get_indicator(name)(neet_wh, q)
            for name in _SHARED_NAMES
            for i, q in enumerate(_queries(name))
        }
        yearly = {}
        for name in _SHARED_NAMES:
            for by in ((), ("sex",)):
                with planned((Y2016, Y2017)):
                    for year in (Y2016, Y2017):
                        query = Query((VIBORG, KBH, COUNTRY), (year,), by=by)
                        yearly[(name, by, year)] = get_indicator(name)(neet_wh, query)
    for key, result in alone.items():
        assert together[key].table.schema == result.table.schema, key
        assert together[key].table == result.table, key
        assert together[key].notes == result.notes, key
    for (name, by, year), result in yearly.items():
        plain = get_indicator(name)(neet_wh, Query((VIBORG, KBH, COUNTRY), (year,), by=by))
        assert result.table == plain.table and result.notes == plain.notes, (name, by, year)
        assert result.table["period"].to_pylist() == [year.label()] * result.table.num_rows


def test_share_cells_refuses_what_it_cannot_count_per_cell(neet_wh: Warehouse) -> None:
    """With a dimension that ``where`` reads, each aggregate must be one aggregate call (the
    cell's where becomes its FILTER) and ``where`` may take no parameters."""
    kind = Dimension("kind", "q_kind", ("a", "b"))
    spec = ShareSql(
        ctes="WITH rows AS (SELECT 2017 AS period, 791 AS municipality, 1 AS person_id, "
        "20 AS age, NULL AS district)",
        ctes_params=(),
        relation="rows",
        numerator="count(*) + 0",
        denominator="count(*)",
        persons="count(*)",
        where="q_kind.ord = 1",
        dimensions=(kind,),
    )
    query = Query((VIBORG,), (Y2017,))
    with pytest.raises(ValueError, match="one aggregate call"):
        share_cells(neet_wh, query, spec, {})
    with pytest.raises(ValueError, match="no parameters"):
        share_cells(neet_wh, query, replace(spec, numerator="count(*)", where_params=(1,)), {})
    cells = share_cells(neet_wh, query, replace(spec, numerator="count(*)"), {})
    assert cells.select(["kind", "numerator", "denominator"]).to_pylist() == [
        {"kind": "a", "numerator": 1, "denominator": 1}
    ]
