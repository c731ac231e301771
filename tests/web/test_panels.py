"""The page model on hand-made numbers: pivoting a published table into a panel, the king
figure summed from published cells, and the periods a panel shows."""

from __future__ import annotations

import pyarrow as pa

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import Query, Result, get_indicator
from ungeindsats.keyfigures import Cell, KeyFigureTable
from ungeindsats.periods import parse_period
from ungeindsats.published import publish
from ungeindsats.web.pages import PanelSpec
from ungeindsats.web.panels import _headline, _panel, periods_for, with_partition


def _fte_result() -> Result:
    """Viborg (791) and the country (0) in 2019M02 by youth group. Viborg's group 2 rests on
    3 persons, under the threshold of 5, so disclosure control hides it; fte has no partition
    (no known total), so nothing else needs hiding."""
    query = Query((791, 0), (parse_period("2019M02"),), by=("youth_group",))
    table = pa.table(
        {
            "municipality": pa.array([791, 791, 791, 0, 0, 0], pa.int16()),
            "period": ["2019M02"] * 6,
            "youth_group": ["1", "2", "3", "1", "2", "3"],
            "value": [10.0, 3.0, 7.5, 100.0, 50.0, 80.0],
            "persons": pa.array([12, 3, 9, 120, 60, 90], pa.int64()),
        }
    )
    return Result(get_indicator("fte"), query, table, "mikrodata")


def test_a_panel_pivots_groups_down_and_areas_across() -> None:
    spec = PanelSpec("grupper", "Grupper", "fte", "month", "youth_group", by=("youth_group",))
    panel = _panel(spec, publish(_fte_result(), DisclosureRule()), "2019M02")
    assert panel.columns == ("Viborg", "Hele landet")
    assert [label for label, _ in panel.rows] == ["Gruppe 1", "Gruppe 2", "Gruppe 3"]
    assert panel.rows[0][1] == (Cell(10.0), Cell(100.0))
    assert panel.rows[1][1] == (Cell(None, True), Cell(50.0))  # 3 persons: suppressed
    assert panel.period == "2019M02"
    assert panel.unit == "fuldtidspersoner"
    assert panel.marker == "<5"
    # The chart gets the five shown cells; the suppressed one is not drawn.
    drawn = panel.chart["data"]["values"] if panel.chart else []
    assert sorted(v["value"] for v in drawn) == [7.5, 10.0, 50.0, 80.0, 100.0]
    assert {"category": "Gruppe 1", "series": "Viborg", "value": 10.0} in drawn


def test_with_an_unreachable_threshold_every_cell_is_hidden() -> None:
    spec = PanelSpec("grupper", "Grupper", "fte", "month", "youth_group", by=("youth_group",))
    panel = _panel(spec, publish(_fte_result(), DisclosureRule(min_persons=10**6)), "2019M02")
    assert all(cell.suppressed for _, cells in panel.rows for cell in cells)
    assert panel.chart is not None and panel.chart["data"]["values"] == []


def _groups(viborg: tuple[Cell, ...], country: tuple[Cell, ...]) -> KeyFigureTable:
    names = ("Gruppe 1", "Gruppe 2", "Gruppe 3", "Permanente ydelser")
    rows = tuple((n, (v, c)) for n, v, c in zip(names, viborg, country, strict=True))
    return KeyFigureTable(
        "Unge",
        "fuldtidspersoner",
        "2019M02",
        "Ungegruppe",
        ("Viborg", "Hele landet"),
        rows,
        "mikrodata",
        "<5",
    )


def test_the_king_figure_is_groups_one_to_three() -> None:
    """Seed 001, Viborg Feb 2019: 624 + 278 + 565 = 1,467 full-time persons on temporary
    benefits; the 376 on permanent benefits (group 4) are not part of it. The country's
    group 2 is suppressed here, so its sum cannot be shown either."""
    viborg = (Cell(624.0), Cell(278.0), Cell(565.0), Cell(376.0))
    country = (Cell(30000.0), Cell(None, True), Cell(20000.0), Cell(15000.0))
    headline = _headline(_groups(viborg, country), "2019M02")
    assert headline.values[0] == ("Viborg", Cell(1467.0))
    assert headline.values[1] == ("Hele landet", Cell(None, True))


def test_periods_follow_the_seed() -> None:
    """For Feb 2019: the curve is Mar 2016-Feb 2019 (36 months), flows the year 2018, NEET
    2017, and the NEET curve 2013-2017 (5 years)."""
    month = parse_period("2019M02")
    curve = periods_for("curve", month)
    assert len(curve) == 36
    assert (curve[0].label(), curve[-1].label()) == ("2016M03", "2019M02")
    assert [p.label() for p in periods_for("previous_year", month)] == ["2018"]
    assert [p.label() for p in periods_for("two_years_back", month)] == ["2017"]
    assert [p.label() for p in periods_for("neet_years", month)] == [
        "2013",
        "2014",
        "2015",
        "2016",
        "2017",
    ]


def test_a_groups_benefits_are_protected_against_the_group_total() -> None:
    """Group 2 in Viborg by benefit: uddannelseshjælp 20.0 (25 persons), integrationsydelse 3.0
    (3 persons: suppressed), kontanthjælp 6.0 (8 persons). The overview shows the group's total
    (29.0), so hiding integrationsydelse alone would not do: 29 − 20 − 6 = 3. Declared as a
    partition, disclosure control hides a second cell, the smallest other (kontanthjælp)."""
    query = Query((791,), (parse_period("2019M02"),), by=("benefit",))
    table = pa.table(
        {
            "municipality": pa.array([791, 791, 791], pa.int16()),
            "period": ["2019M02"] * 3,
            "benefit": ["uddannelseshjælp", "integrationsydelse", "kontanthjælp"],
            "value": [20.0, 3.0, 6.0],
            "persons": pa.array([25, 3, 8], pa.int64()),
        }
    )
    result = Result(get_indicator("fte"), query, table, "mikrodata")
    alone = publish(result, DisclosureRule())
    assert [r["value"] for r in alone.rows] == [20.0, None, 6.0]
    linked = publish(with_partition(result, "benefit"), DisclosureRule())
    assert [r["value"] for r in linked.rows] == [20.0, None, None]
    assert with_partition(result, None) is result
