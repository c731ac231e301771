"""Full-time persons, persons, durations, shares and rates on the hand-made February 2019."""

import pytest

from ungeindsats.indicators import IndicatorError, Query, get_indicator
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

FEB = parse_period("2019M02")


def _values(wh: Warehouse, name: str, query: Query) -> dict[tuple, tuple[float, int]]:
    result = get_indicator(name)(wh, query)
    keys = ["municipality", "period", *query.by]
    return {tuple(r[k] for k in keys): (round(r["value"], 4), r["persons"]) for r in result.rows()}


def test_fte_february_viborg_and_country(feb_2019: Warehouse) -> None:
    """Viborg, ages 18-29, Feb 2019 (4 weeks): A 3 weeks (U06-U08; U05 is January), B 2 weeks
    (18 from Thursday 21 Feb), C 3 weeks (30 on Thursday 28 Feb), D 2 weeks (moved to
    København from U08), E 0 (education). 10 weeks / 4 = 2.5 fte, 4 persons.
    København: D 2 weeks → 0.5 fte, 1 person. Country: 12 weeks → 3.0 fte, persons A-D = 4."""
    values = _values(feb_2019, "fte", Query((791, 101, 0), (FEB,)))
    assert values == {
        (791, "2019M02"): (2.5, 4),
        (101, "2019M02"): (0.5, 1),
        (0, "2019M02"): (3.0, 4),
    }


def test_fte_by_youth_group(feb_2019: Warehouse) -> None:
    """Group 1: B 2 weeks → 0.5; group 2: A 3 + D 2 = 5 weeks → 1.25; group 3: C 3 → 0.75.
    The groups sum to the total 2.5."""
    values = _values(feb_2019, "fte", Query((791,), (FEB,), by=("youth_group",)))
    assert values == {
        (791, "2019M02", "1"): (0.5, 1),
        (791, "2019M02", "2"): (1.25, 2),
        (791, "2019M02", "3"): (0.75, 1),
    }
    assert sum(v for v, _ in values.values()) == 2.5


def test_ages_15_17_see_the_weeks_before_the_18th_birthday(feb_2019: Warehouse) -> None:
    """B is 17 on the Thursdays 7 and 14 Feb: 2 weeks → 0.5 fte among 15-17-year-olds."""
    values = _values(feb_2019, "fte", Query((791,), (FEB,), ages=(15, 17)))
    assert values == {(791, "2019M02"): (0.5, 1)}


def test_quarter_and_filters(feb_2019: Warehouse) -> None:
    """2019K1 (13 weeks), Viborg: A 4 (U05-U08), B 2, C 3, D 2, E 4 (March) = 15 weeks →
    15/13 = 1.1538 fte, 5 persons. Filtered to youth group 2: A 4 + D 2 + E 4 = 10 → 0.7692."""
    q1 = parse_period("2019K1")
    assert _values(feb_2019, "fte", Query((791,), (q1,))) == {(791, "2019K1"): (1.1538, 5)}
    only_2 = Query((791,), (q1,), filters={"youth_group": ("2",)})
    assert _values(feb_2019, "fte", only_2) == {(791, "2019K1"): (0.7692, 3)}


def test_persons_and_average_duration(feb_2019: Warehouse) -> None:
    """Persons: 4 in Viborg. Average duration = 10 weeks / 4 persons = 2.5 weeks
    (= fte 2.5 ÷ persons 4 × 4 weeks)."""
    assert _values(feb_2019, "persons", Query((791,), (FEB,))) == {(791, "2019M02"): (4.0, 4)}
    assert _values(feb_2019, "average_duration", Query((791,), (FEB,))) == {
        (791, "2019M02"): (2.5, 4)
    }


def test_per_1000_and_share(feb_2019: Warehouse) -> None:
    """Feb's population is 2019K1's (the quarter containing 28 Feb): Viborg 18-29 = 1,000
    → 2.5 per 1,000 and 0.25 %. Country = Viborg + København = 4,000 (FOLK1A's own 9,999 row is
    not used) → 3.0 / 4,000 × 1,000 = 0.75."""
    assert _values(feb_2019, "per_1000", Query((791, 0), (FEB,))) == {
        (791, "2019M02"): (2.5, 4),
        (0, "2019M02"): (0.75, 4),
    }
    assert _values(feb_2019, "population_share", Query((791,), (FEB,))) == {
        (791, "2019M02"): (0.25, 4)
    }


def test_missing_population_and_bad_queries_are_explained(feb_2019: Warehouse) -> None:
    april = parse_period("2019M04")
    with pytest.raises(IndicatorError, match="ukendt nøgletal"):
        get_indicator("nope")
    with pytest.raises(IndicatorError, match="kan ikke opdeles på shoe_size"):
        get_indicator("fte")(feb_2019, Query((791,), (FEB,), by=("shoe_size",)))
    with pytest.raises(IndicatorError, match=r"ikke pr\. uge"):
        get_indicator("fte")(feb_2019, Query((791,), (parse_period("2019U07"),)))
    # No spells in April: no cells, so no population is needed.
    assert get_indicator("per_1000")(feb_2019, Query((791,), (april,))).rows() == []


def test_municipalities_without_microdata_use_jobindsats_aggregates(feb_2019: Warehouse) -> None:
    """Samsø (741) has no microdata, only Jobindsats Y38A02 (uddannelseshjælp): January fte 10
    (5 weeks), February 8 in total and by category 5 (uddannelsesparat) + 3 (aktivitetsparat),
    March 6 (4 weeks). The country has an aggregate row of 1,000 in February, and the microdata
    hold only 2 of 98 municipalities, so the country comes from the aggregates too.

    - Samsø, Feb: the table's total, 8.0 (persons 9, the published count).
    - Samsø, Feb by youth group: the category rows, group 2 = 5.0, group 3 = 3.0.
    - Samsø, 2019K1: (10×5 + 8×4 + 6×4) / 13 = 106/13 = 8.1538 fte; persons = the largest
      monthly count, 12 (distinct persons cannot be summed over months).
    - Viborg still comes from the microdata: 2.5.
    """
    rows = [
        (741, 1, "", 12, 10.0),
        (741, 2, "", 9, 8.0),
        (741, 2, "uddannelsesparat", 6, 5.0),
        (741, 2, "aktivitetsparat", 3, 3.0),
        (741, 3, "", 7, 6.0),
        (0, 2, "", 1100, 1000.0),
    ]
    for kommune, month, group, persons, fte in rows:
        feb_2019.con.execute(
            "INSERT INTO fte_aggregate VALUES ('Y38A02', ?, 2019, ?, 'uddannelseshjaelp', ?, '',"
            " ?, ?, 2)",
            [kommune, month, group, persons, fte],
        )
    result = get_indicator("fte")(feb_2019, Query((791, 741, 0), (FEB,)))
    assert result.source == "mikrodata og Jobindsats (aggregater)"
    assert "Samsø, Hele landet: fra Jobindsats' aggregater" in result.notes[0]
    values = {(r["municipality"], r["period"]): (r["value"], r["persons"]) for r in result.rows()}
    assert values == {
        (791, "2019M02"): (2.5, 4),
        (741, "2019M02"): (8.0, 9),
        (0, "2019M02"): (1000.0, 1100),
    }
    by_group = _values(feb_2019, "fte", Query((741,), (FEB,), by=("youth_group",)))
    assert by_group == {(741, "2019M02", "2"): (5.0, 6), (741, "2019M02", "3"): (3.0, 3)}
    quarter = _values(feb_2019, "fte", Query((741,), (parse_period("2019K1"),)))
    assert quarter == {(741, "2019K1"): (8.1538, 12)}
    with pytest.raises(IndicatorError, match="kun Jobindsats' aggregater"):
        get_indicator("fte")(feb_2019, Query((741,), (FEB,), by=("sex",)))
