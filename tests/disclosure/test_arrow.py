"""Protecting the project's tidy Arrow tables: totals added by summation, both renderings,
links between tables, and the columns that are never published."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ungeindsats.disclosure import DisclosureRule, Reason
from ungeindsats.disclosure.arrow import (
    ArrowTable,
    protect_arrow,
    protect_arrow_linked,
    with_totals,
)

KEYS = ["municipality", "period", "youth_group"]


def fte_table() -> pa.Table:
    """An indicator result: fte by municipality and youth group in February 2019, with the
    persons behind each cell and a working column (weeks) that is not to be published."""
    return pa.table(
        {
            "municipality": pa.array([791, 791, 791, 101, 101, 101], pa.int16()),
            "period": ["2019M02"] * 6,
            "youth_group": ["1", "2", "3"] * 2,
            "value": [2.5, 20.0, 30.0, 12.0, 15.0, 40.0],
            "persons": pa.array([3, 22, 35, 14, 16, 44], pa.int64()),
            "weeks": pa.array([10, 80, 120, 48, 60, 160], pa.int32()),
        }
    )


def test_with_totals_adds_the_margins_by_summation() -> None:
    """Totals over youth group (""), then over municipality (0 = Hele landet): the second
    call also sums the first call's total rows, giving the grand total. Persons of a total
    are the largest part's (a person may be in two groups in a month); weeks are null."""
    table = with_totals(fte_table(), "youth_group", keys=KEYS, value_columns=["value"])
    table = with_totals(table, "municipality", keys=KEYS, value_columns=["value"], marker=0)
    assert table.schema == fte_table().schema
    added = table.slice(6).select(["municipality", "youth_group", "value", "persons", "weeks"])
    assert added.to_pylist() == [
        {"municipality": 791, "youth_group": "", "value": 52.5, "persons": 35, "weeks": None},
        {"municipality": 101, "youth_group": "", "value": 67.0, "persons": 44, "weeks": None},
        {"municipality": 0, "youth_group": "1", "value": 14.5, "persons": 14, "weeks": None},
        {"municipality": 0, "youth_group": "2", "value": 35.0, "persons": 22, "weeks": None},
        {"municipality": 0, "youth_group": "3", "value": 70.0, "persons": 44, "weeks": None},
        {"municipality": 0, "youth_group": "", "value": 119.5, "persons": 44, "weeks": None},
    ]


def test_with_totals_disjoint_persons_nulls_and_errors() -> None:
    table = pa.table({"g": ["a", "b"], "value": [1.0, None], "persons": [6, 7]})
    summed = with_totals(table, "g", keys=["g"], value_columns=["value"], disjoint_persons=True)
    assert summed.slice(2).to_pylist() == [{"g": "", "value": None, "persons": 13}]
    with pytest.raises(ValueError, match="allerede totalrækker"):
        with_totals(summed, "g", keys=["g"], value_columns=["value"])
    with pytest.raises(ValueError, match="passer ikke til kolonnen"):
        with_totals(fte_table(), "municipality", keys=KEYS, value_columns=["value"])
    with pytest.raises(ValueError, match="ikke en nøglekolonne"):
        with_totals(fte_table(), "value", keys=KEYS, value_columns=["value"])


def test_protect_a_cube_with_municipal_and_country_totals() -> None:
    """
    ::

               g1          g2          g3        | I alt
        791    2.5 (3)     20.0 (22)   30.0 (35) |  52.5 (35)
        101   12.0 (14)    15.0 (16)   40.0 (44) |  67.0 (44)
        0     14.5 (14)    35.0 (22)   70.0 (44) | 119.5 (44)

    (persons in brackets). 2.5 rests on 3 persons. Column g1: hide 12.0 (14 persons, before
    the country cell). Row 791: hide 20.0 (22 persons, fewer than 35). Row 101 has 12.0 alone:
    15.0 (16 persons) also closes column g2, so 15.0. Totals stay published.
    """
    table = with_totals(fte_table(), "youth_group", keys=KEYS, value_columns=["value"])
    table = with_totals(table, "municipality", keys=KEYS, value_columns=["value"], marker=0)
    protected = protect_arrow(
        table,
        keys=KEYS,
        value_columns=["value"],
        total_markers={"youth_group": "", "municipality": 0},
    )
    assert protected.text.column_names == [*KEYS, "value"]
    assert protected.text.select(["municipality", "youth_group", "value"]).to_pylist() == [
        {"municipality": 791, "youth_group": "1", "value": "<5"},
        {"municipality": 791, "youth_group": "2", "value": "<5"},
        {"municipality": 791, "youth_group": "3", "value": "30"},
        {"municipality": 101, "youth_group": "1", "value": "<5"},
        {"municipality": 101, "youth_group": "2", "value": "<5"},
        {"municipality": 101, "youth_group": "3", "value": "40"},
        {"municipality": 791, "youth_group": "", "value": "52.5"},
        {"municipality": 101, "youth_group": "", "value": "67"},
        {"municipality": 0, "youth_group": "1", "value": "14.5"},
        {"municipality": 0, "youth_group": "2", "value": "35"},
        {"municipality": 0, "youth_group": "3", "value": "70"},
        {"municipality": 0, "youth_group": "", "value": "119.5"},
    ]
    masked = protected.masked
    assert masked.column_names == [*KEYS, "value", "suppressed"]
    assert masked.schema.field("value").type == pa.float64()
    assert masked.schema.field("municipality").type == pa.int16()
    assert masked["value"].to_pylist()[:6] == [None, None, 30.0, None, None, 40.0]
    assert masked["suppressed"].to_pylist() == [True, True, False, True, True, False] + [False] * 6
    pattern = protected.pattern
    assert pattern.reason((791, "2019M02", "1")) == Reason.PRIMARY
    assert pattern.reason((101, "2019M02", "2")) == Reason.SECONDARY


def test_a_table_without_totals_gets_primary_suppression_only() -> None:
    protected = protect_arrow(fte_table(), keys=KEYS, value_columns=["value", "weeks"])
    assert protected.masked["suppressed"].to_pylist() == [True] + [False] * 5
    assert protected.text.to_pylist()[0] == {
        "municipality": 791,
        "period": "2019M02",
        "youth_group": "1",
        "value": "<5",
        "weeks": "<5",
    }


def test_rollup_totals_marked_by_null_and_a_configured_rule() -> None:
    """SQL's ROLLUP marks the total by null: 2 + 3 + 9 = 14 with N = 3 hides 2 and 3."""
    table = pa.table(
        {
            "benefit": ["a_dagpenge", "kontanthjaelp", "sygedagpenge", None],
            "value": [2, 3, 9, 14],
            "persons": [2, 3, 9, 14],
        }
    )
    protected = protect_arrow(
        table,
        keys=["benefit"],
        value_columns=["value"],
        total_markers={"benefit": None},
        rule=DisclosureRule(min_persons=3, marker="x"),
    )
    assert protected.text["value"].to_pylist() == ["x", "x", "9", "14"]
    assert protected.masked["value"].type == pa.int64()


def test_linked_count_and_percentage_tables() -> None:
    """Counts and row percentages for Viborg: 3 is primary, 40 its complement; the
    percentage table (its keys in another order, no persons) hides the same rows."""
    counts = pa.table(
        {
            "municipality": [791] * 4,
            "youth_group": ["1", "2", "3", ""],
            "value": [3, 40, 57, 100],
            "persons": [3, 40, 57, 100],
        }
    )
    shares = pa.table(
        {
            "youth_group": ["", "3", "2", "1"],
            "municipality": [791] * 4,
            "share": [100.0, 57.0, 40.0, 3.0],
        }
    )
    count_out, share_out = protect_arrow_linked(
        [
            ArrowTable(
                counts, ("municipality", "youth_group"), ("value",), "persons", {"youth_group": ""}
            ),
            ArrowTable(
                shares, ("youth_group", "municipality"), ("share",), None, {"youth_group": ""}
            ),
        ]
    )
    assert count_out.text["value"].to_pylist() == ["<5", "<5", "57", "100"]
    assert share_out.text["share"].to_pylist() == ["100", "57", "<5", "<5"]
    assert share_out.text.column_names == ["youth_group", "municipality", "share"]
    assert share_out.pattern.reason((791, "1")) == Reason.DERIVED


def test_bad_specifications_are_refused_in_danish() -> None:
    with pytest.raises(ValueError, match="mangler"):
        protect_arrow(fte_table(), keys=KEYS, value_columns=["fte"])
    with pytest.raises(ValueError, match="ikke tal"):
        protect_arrow(fte_table(), keys=["municipality"], value_columns=["period"])
    with pytest.raises(ValueError, match="ikke en nøglekolonne"):
        protect_arrow(fte_table(), keys=KEYS, value_columns=["value"], total_markers={"weeks": 0})
    with pytest.raises(ValueError, match="samme nøglekolonner"):
        protect_arrow_linked(
            [
                ArrowTable(fte_table(), tuple(KEYS), ("value",)),
                ArrowTable(fte_table(), ("municipality",), ("value",)),
            ]
        )
