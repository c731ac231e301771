"""Any series as an index to a base period, on a hand-made two-municipality series in 2015."""

from dataclasses import replace
from datetime import date

import pyarrow as pa
import pytest

from ungeindsats.indicators import IndicatorError, Query, get_indicator
from ungeindsats.indicators.index import index_series
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

VIBORG, KBH = 791, 101
SUMMER = tuple(parse_period(p) for p in ("2015M07", "2015M08", "2015M09"))


@pytest.fixture
def wh() -> Warehouse:
    """July 2015 is U27-U31 (Thursdays 2-30 July, 5 weeks), August U32-U35, September U36-U39
    (U36's Thursday is 3 September; U40's is 1 October). Everybody is born 1 May 1990 (25)
    and on uddannelseshjælp (140, youth group 2) unless said otherwise.

    Viborg: V1, V2 U27-U39; V3, V4 U27-U31; V5, V6, V7 U36-U39.
      → persons July 4, August 2, September 5.
    København: K1 U27-U39; K2 U27-U31; K3 (A-dagpenge 111, youth group 1) and K4 U32-U35;
      K5 U36-U39. → persons July 2, August 3, September 2.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1)"
    )
    spells = [
        (1, VIBORG, 140, 27, 39),
        (2, VIBORG, 140, 27, 39),
        (3, VIBORG, 140, 27, 31),
        (4, VIBORG, 140, 27, 31),
        (5, VIBORG, 140, 36, 39),
        (6, VIBORG, 140, 36, 39),
        (7, VIBORG, 140, 36, 39),
        (11, KBH, 140, 27, 39),
        (12, KBH, 140, 27, 31),
        (13, KBH, 111, 32, 35),
        (14, KBH, 140, 32, 35),
        (15, KBH, 140, 36, 39),
    ]
    for pid, kommune, code, first, last in spells:
        con.execute(
            "INSERT INTO person (person_id, birth_date, import_id) VALUES (?, ?, 1)",
            [pid, date(1990, 5, 1)],
        )
        con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, NULL, 1)",
            [pid, kommune, iso_week_number(2010, 1)],
        )
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, iso_week_number(2015, first), iso_week_number(2015, last)],
        )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


def test_index_with_july_2015_as_base(wh: Warehouse) -> None:
    """Viborg 4, 2, 5 persons → 100, 50, 125; København 2, 3, 2 → 100, 150, 100. The persons
    behind each cell are kept; the base period may be written in lower case."""
    assert SUMMER[0].weeks == 5 and SUMMER[2].weeks == 4
    result = get_indicator("persons")(wh, Query((VIBORG, KBH), SUMMER))
    indexed = index_series(result, "2015m07")
    assert {
        (r["municipality"], r["period"]): (r["value"], r["persons"]) for r in indexed.rows()
    } == {
        (KBH, "2015M07"): (100.0, 2),
        (KBH, "2015M08"): (150.0, 3),
        (KBH, "2015M09"): (100.0, 2),
        (VIBORG, "2015M07"): (100.0, 4),
        (VIBORG, "2015M08"): (50.0, 2),
        (VIBORG, "2015M09"): (125.0, 5),
    }
    assert indexed.table.column_names == ["municipality", "period", "value", "persons"]
    assert indexed.indicator.unit == "indeks (2015M07 = 100)"
    assert indexed.notes[-1].startswith("Indeks: 2015M07 = 100")


def test_zero_base_is_an_error(wh: Warehouse) -> None:
    """Nobody has an offer: the offers share is 0 % in July, and an index on 0 cannot be formed."""
    result = get_indicator("offers")(wh, Query((VIBORG,), SUMMER))
    with pytest.raises(IndicatorError, match="Viborg: basisperioden 2015M07 har værdien 0"):
        index_series(result, "2015M07")


def test_missing_base_is_an_error(wh: Warehouse) -> None:
    """By youth group, København's group 1 (K3) exists only in August: no July value. A base
    period outside the result, and one that cannot be read, are errors too."""
    by_group = get_indicator("persons")(wh, Query((VIBORG, KBH), SUMMER, by=("youth_group",)))
    with pytest.raises(
        IndicatorError, match="København, youth_group = 1: basisperioden 2015M07 har intet tal"
    ):
        index_series(by_group, "2015M07")
    august_on = get_indicator("persons")(wh, Query((VIBORG,), SUMMER[1:]))
    with pytest.raises(IndicatorError, match="2015M07 er ikke blandt resultatets perioder"):
        index_series(august_on, "2015M07")
    with pytest.raises(IndicatorError, match="basisperioden kan ikke læses"):
        index_series(august_on, "juli")


def test_index_keeps_breakdown_cells_apart(wh: Warehouse) -> None:
    """Viborg by youth group: group 2 only (4, 2, 5 → 100, 50, 125), the same series as the
    total. A hand-made share with numerator/denominator: 20 % → 30 % is 100 → 150."""
    only_viborg = get_indicator("persons")(wh, Query((VIBORG,), SUMMER, by=("youth_group",)))
    indexed = index_series(only_viborg, "2015M07")
    assert [(r["youth_group"], r["value"]) for r in indexed.rows()] == [
        ("2", 100.0),
        ("2", 50.0),
        ("2", 125.0),
    ]
    share = replace(
        only_viborg,
        table=pa.table(
            {
                "municipality": pa.array([VIBORG, VIBORG], pa.int16()),
                "period": ["2015M07", "2015M08"],
                "value": [20.0, 30.0],
                "persons": [2, 3],
                "numerator": [2, 3],
                "denominator": [10, 10],
            }
        ),
    )
    assert [(r["value"], r["persons"]) for r in index_series(share, "2015M07").rows()] == [
        (100.0, 2),
        (150.0, 3),
    ]
