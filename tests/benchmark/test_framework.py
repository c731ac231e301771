"""Framework variables computed from the warehouse, on a hand-made fixture."""

from __future__ import annotations

import math
from datetime import date

import pytest

from ungeindsats.benchmark import BenchmarkError
from ungeindsats.benchmark.framework import framework_data
from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse, open_warehouse

VARIABLES = [
    "ikke_vestlig",
    "foraeldre_grundskole",
    "foraeldre_videregaaende",
    "social_indikator",
    "alder_25_29",
    "befolkning_log",
]


@pytest.fixture
def residents() -> Warehouse:
    """2019's first week is 2019U01 (Thursday 3 January); ages are taken on 1 January 2019.

    København (101), resident since 2015U01 unless said:
      1. born 2000-01-01 (19): indvandrer, ikke-vestlig, parents grundskole, crime
      2. born 1995-06-01 (23): dansk (no region), parents videregående, no indicators
      3. born 1990-06-01 (28): efterkommer, vestlig, parents and indicators unknown
      4. born 1985-01-01 (34): ikke-vestlig, outside 15-29, not counted
      6. born 2000-01-01, resident only from 2019U10: not counted
    Frederiksberg (147):
      5. born 2000-01-01, lived in 101 until 2018U39, in 147 from 2018U40: dansk, parents
         grundskole, abuse.

    FOLK1A 2019: 101 has 600 aged 20 and 400 aged 27 in each quarter (and 999 aged 30, outside);
    147 has 50 aged 16 in the first quarter only.
    """
    wh = open_warehouse(None)
    people = [
        (1, date(2000, 1, 1), "indvandrer", "ikke_vestlig", "grundskole", True, False),
        (2, date(1995, 6, 1), "dansk", None, "videregående", False, False),
        (3, date(1990, 6, 1), "efterkommer", "vestlig", None, None, None),
        (4, date(1985, 1, 1), "indvandrer", "ikke_vestlig", "grundskole", False, False),
        (5, date(2000, 1, 1), "dansk", None, "grundskole", False, True),
        (6, date(2000, 1, 1), "indvandrer", "ikke_vestlig", "grundskole", True, True),
    ]
    for pid, born, origin, region, parents, crime, abuse in people:
        wh.con.execute(
            "INSERT INTO person VALUES (?, ?, 'M', ?, ?, ?, ?, ?, ?, ?, 1)",
            [pid, born, origin, region, parents, crime, None, None, abuse],
        )
    w = iso_week_number
    for pid, code, first, last in [
        (1, 101, w(2015, 1), None),
        (2, 101, w(2015, 1), None),
        (3, 101, w(2015, 1), None),
        (4, 101, w(2015, 1), None),
        (5, 101, w(2015, 1), w(2018, 39)),
        (5, 147, w(2018, 40), None),
        (6, 101, w(2019, 10), None),
    ]:
        wh.con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, ?, 1)", [pid, code, first, last]
        )
    for quarter in (1, 2, 3, 4):
        wh.con.execute(
            "INSERT INTO population VALUES (101, 2019, ?, 20, 'M', 600, 1), "
            "(101, 2019, ?, 27, 'K', 400, 1), (101, 2019, ?, 30, 'K', 999, 1)",
            [quarter] * 3,
        )
    wh.con.execute("INSERT INTO population VALUES (147, 2019, 1, 16, 'M', 50, 1)")
    return wh


def test_computed_variables_by_hand(residents: Warehouse) -> None:
    """København counts persons 1, 2, 3. Origin is known for all three, one is non-western:
    33.3 %. Parents' education is known for 1 and 2: grundskole 50 %, videregående 50 %. The
    social indicators are known for 1 and 2 (3 has none recorded), 1 has one: 50 %. FOLK1A:
    400 of 1,000 are 25-29: 40 %; 4,000 over four quarters is 1,000 on average: ln 1,000.

    Frederiksberg counts person 5 only: 0 % non-western, 100 % grundskole, 0 % videregående,
    100 % with an indicator; FOLK1A 50 aged 16 in one quarter: 0 % aged 25-29, ln 50."""
    data = framework_data(residents, 2019, (101, 147), VARIABLES)
    assert data.names == tuple(VARIABLES)
    assert data.matrix[0].tolist() == pytest.approx(
        [100 / 3, 50.0, 50.0, 50.0, 40.0, math.log(1000)]
    )
    assert data.matrix[1].tolist() == pytest.approx([0.0, 100.0, 0.0, 100.0, 0.0, math.log(50)])


def test_defaults_leave_out_what_the_data_lack(residents: Warehouse) -> None:
    """No framework table rows: the default model drops ledighed_pct and urbaniseringsgrad
    with a note; asked for by name, a missing variable is an error."""
    data = framework_data(residents, 2019, (101, 147))
    assert "ledighed_pct" not in data.names and "ikke_vestlig" in data.names
    assert any("ledighed_pct er udeladt" in n for n in data.notes)
    with pytest.raises(BenchmarkError, match="ledighed_pct findes ikke for 2019"):
        framework_data(residents, 2019, (101, 147), ["ledighed_pct"])
    with pytest.raises(BenchmarkError, match="ikke_vestlig mangler for 151 Ballerup i 2019"):
        framework_data(residents, 2019, (101, 147, 151), ["ikke_vestlig"])
