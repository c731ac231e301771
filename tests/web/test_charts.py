"""The chart specs: pure functions of published rows, valid Vega-Lite (compiled by vl_convert),
and a suppressed cell is never drawn as a number."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert

from ungeindsats.charts import (
    CHARTS,
    VEGA_LITE_VERSION,
    chart_comparison_bars,
    chart_expected_actual,
    chart_monthly_curve,
    chart_rank_over_time,
    chart_stacked_curve,
)

CURVE = [
    {"period": "2019M01", "series": "Viborg", "value": 10.0},
    {"period": "2019M02", "series": "Viborg", "value": None},  # suppressed
    {"period": "2019M01", "series": "Hele landet", "value": 12.5},
    {"period": "2019M02", "series": "Hele landet", "value": 13.0},
]
BARS = [
    {"category": "Gruppe 1", "series": "Viborg", "value": 624.0},
    {"category": "Gruppe 2", "series": "Viborg", "value": None},  # suppressed
    {"category": "Gruppe 1", "series": "Hele landet", "value": 30000.0},
]
SCATTER = [
    {"name": "Viborg", "expected": 14.0, "actual": 12.0, "highlight": True},
    {"name": "Aarhus", "expected": 11.0, "actual": 13.0, "highlight": False},
    {"name": "Skjult", "expected": 10.0, "actual": None, "highlight": False},  # suppressed
]
RANKS = [{"period": "2015K1", "rank": 10}, {"period": "2016K1", "rank": 4}]

EXAMPLES = {
    "monthly_curve": CURVE,
    "stacked_curve": CURVE,
    "comparison_bars": BARS,
    "expected_actual": SCATTER,
    "rank_over_time": RANKS,
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_compiles_to_svg(name: str) -> None:
    spec = CHARTS[name](EXAMPLES[name], title="Titel", unit="pct.")
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    assert svg.lstrip().startswith("<svg")
    assert "Titel" in svg
    json.dumps(spec)  # plain JSON: the page embeds it as is


def test_a_suppressed_month_is_left_out_not_drawn_as_zero() -> None:
    """Four rows, one suppressed (Viborg 2019M02): three points are drawn, none of them 0."""
    spec = chart_monthly_curve(CURVE, unit="fuldtidspersoner")
    values = spec["data"]["values"]
    assert len(values) == 3
    assert [v["value"] for v in values] == [10.0, 12.5, 13.0]
    # Months become dates for the time axis: 2019M01 -> 2019-01-01.
    assert values[0]["month"] == "2019-01-01"
    # The municipality gets the first colour: series in the rows' order, not alphabetical.
    assert spec["encoding"]["color"]["sort"] == ["Viborg", "Hele landet"]


def test_stacked_curve_stacks_the_parts() -> None:
    spec = chart_stacked_curve(CURVE)
    assert spec["mark"]["type"] == "area"
    assert spec["encoding"]["y"]["stack"] == "zero"


def test_bars_keep_the_category_order_and_size_with_the_bars() -> None:
    """Categories in the rows' order (Gruppe 1 before Gruppe 2), 2 series: height
    14 × 2 series × 2 categories + 8 × 2 = 72, raised to the minimum of 80."""
    spec = chart_comparison_bars(BARS)
    assert spec["encoding"]["y"]["sort"] == ["Gruppe 1", "Gruppe 2"]
    assert spec["height"] == 80
    assert len(spec["data"]["values"]) == 2


def test_expected_actual_line_spans_the_points() -> None:
    """The diagonal runs from the smallest to the largest shown value: the suppressed row is
    not shown, so from 11 (Aarhus expected) to 14 (Viborg expected)."""
    spec = chart_expected_actual(SCATTER, unit="pct.")
    assert [r["name"] for r in spec["data"]["values"]] == ["Viborg", "Aarhus"]
    assert spec["layer"][0]["data"]["values"] == [{"x": 11.0, "y": 11.0}, {"x": 14.0, "y": 14.0}]


def test_rank_axis_is_reversed() -> None:
    spec = chart_rank_over_time(RANKS)
    assert spec["encoding"]["y"]["scale"]["reverse"] is True
    assert spec["encoding"]["x"]["sort"] == ["2015K1", "2016K1"]


def test_marks_are_spoken_with_their_labels_and_one_decimal() -> None:
    """A screen reader reads each mark's aria-label in the SVG: the labels and the value as the
    tooltip shows it (one decimal, Danish), not Vega-Lite's default of every field with every
    decimal (it read "pct.: 4,33131282; category: ...")."""
    bars = [
        {"category": "Gruppe 1", "series": "Viborg", "value": 4.33131282},
        {"category": "Gruppe 1", "series": "Hele landet", "value": 1234.56},
    ]
    scatter = [{"name": "Viborg", "expected": 14.04, "actual": 12.96, "highlight": True}]
    spoken = {
        name: re.findall(
            r'aria-label="([^"]*)"',
            vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION),
        )
        for name, spec in (
            ("bars", chart_comparison_bars(bars, unit="pct.")),
            ("curve", chart_monthly_curve(CURVE, unit="fuldtidspersoner")),
            ("scatter", chart_expected_actual(scatter, unit="pct.")),
            ("ranks", chart_rank_over_time(RANKS)),
        )
    }
    assert "Gruppe 1, Viborg: 4,3 pct." in spoken["bars"]
    assert "Gruppe 1, Hele landet: 1.234,6 pct." in spoken["bars"]
    assert "Hele landet, 2019M02: 13,0 fuldtidspersoner" in spoken["curve"]
    assert "Viborg: forventet 14,0, faktisk 13,0 pct." in spoken["scatter"]
    assert "Linjen, hvor faktisk er lig med forventet" in spoken["scatter"]
    assert "2016K1: placering 4" in spoken["ranks"]
    assert not any(re.search(r"\d,\d{3,}", label) for labels in spoken.values() for label in labels)
