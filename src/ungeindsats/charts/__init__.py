"""Chart specifications shared by the dashboard and the reports (Vega-Lite v5, as plain dicts).

Every function here is pure: it takes the rows of a published (disclosure-controlled) table and
returns a Vega-Lite specification with the data inline. The dashboard draws the spec in the
browser with the JavaScript bundle that ``vl-convert-python`` provides; the reports render the
same spec to SVG/PNG with ``vl_convert``. Suppressed cells arrive as ``value`` None and are not
drawn (a missing bar or a gap in a line), never as zero.

The specs are written as dicts rather than built with Altair: they are small, and a dict costs
nothing to build on every request (Altair's schema validation takes milliseconds per chart).
A test validates them against Vega-Lite by compiling them with ``vl_convert``.

Row shapes (keys are plain strings, values already Danish labels):

* ``chart_monthly_curve``: ``{"period": "2019M02", "series": "Viborg", "value": 12.5}``
* ``chart_comparison_bars``: ``{"category": "Gruppe 1", "series": "Viborg", "value": 624.0}``
* ``chart_stacked_curve``: like the monthly curve; the series are stacked (parts of a whole)
* ``chart_expected_actual``: ``{"name": "Viborg", "expected": 14.1, "actual": 13.2,
  "highlight": True}``
* ``chart_rank_over_time``: ``{"period": "2015K1", "rank": 10}``
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ungeindsats.periods import MONTH_NAMES

Row = dict[str, Any]
Spec = dict[str, Any]

VEGA_LITE_VERSION = "6.4"
"""The Vega-Lite version the specs are written for: the dashboard's bundle is made with it and
the reports should render with it (``vl_convert.vegalite_to_svg(spec, vl_version=...)``)."""

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
"""Vega-Lite's schema address: an identifier only; nothing is fetched from it."""

PALETTE = ("#1f5f8b", "#c4501b", "#2e7d32", "#6a3d9a", "#8c6d1f", "#555555")
"""Colours with at least 4.5:1 contrast against white (WCAG AA for graphics and text)."""

_CONFIG: Spec = {
    "font": "system-ui, sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "view": {"stroke": None},
    "range": {"category": list(PALETTE)},
    "locale": {
        # Danish number and time formats (d3's da-DK locale, as vl_convert.get_*_locale gives).
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]},
        "time": {
            "dateTime": "%A den %d %B %Y %X",
            "date": "%d-%m-%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
            "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
            "months": list(MONTH_NAMES),
            "shortMonths": [
                "jan",
                "feb",
                "mar",
                "apr",
                "maj",
                "jun",
                "jul",
                "aug",
                "sep",
                "okt",
                "nov",
                "dec",
            ],
        },
    },
}


def _base(title: str, description: str, rows: Sequence[Row]) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "width": "container",
        "height": 260,
        "data": {"values": [dict(r) for r in rows if r.get("value", 0) is not None]},
        "config": _CONFIG,
    }


def _series(data: Sequence[Row]) -> list[str]:
    """The series in the rows' order (the municipality before the country), for the colours."""
    return list(dict.fromkeys(str(r["series"]) for r in data))


def _month_date(period: str) -> str:
    """``2019M02`` → ``2019-02-01`` (Vega-Lite reads ISO dates as time)."""
    year, _, month = period.partition("M")
    return f"{year}-{month}-01" if month else f"{year}-01-01"


def _spoken(*parts: str) -> Spec:
    """The ``description`` channel: what a screen reader says of a mark (SVG aria-label), built
    from Vega expression ``parts``. Vega-Lite's default repeats every field and reads numbers
    with all their decimals ("4,33131282")."""
    return {"value": {"expr": " + ".join(parts)}}


def _field(name: str) -> str:
    """Vega expression: the mark's value of field ``name``."""
    return f"datum[{json.dumps(name)}]"


def _number(name: str, unit: str = "") -> str:
    """Vega expression: field ``name`` as the tooltips show it (one decimal, Danish locale),
    followed by ``unit`` if any."""
    return f"format({_field(name)}, ',.1f')" + (f" + {_text(' ' + unit)}" if unit else "")


def _text(text: str) -> str:
    """Vega expression: the literal ``text``."""
    return json.dumps(text)


def chart_monthly_curve(data: Sequence[Row], *, title: str = "", unit: str = "") -> Spec:
    """Lines over months, one per series (e.g. the municipality and the country).

    Rows: ``period`` (``2019M02``), ``series``, ``value``. A suppressed month (None) leaves a gap.
    """
    rows = [{**r, "month": _month_date(str(r["period"]))} for r in data]
    spec = _base(title, f"Kurve over måneder: {unit}", rows)
    spec.update(
        mark={"type": "line", "point": True, "strokeWidth": 2},
        encoding={
            "x": {
                "field": "month",
                "type": "temporal",
                "title": "Måned",
                "axis": {"format": "%b %Y"},
            },
            "y": {"field": "value", "type": "quantitative", "title": unit},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": _series(data)},
            "tooltip": [
                {"field": "period", "title": "Periode"},
                {"field": "series", "title": "Område"},
                {"field": "value", "title": unit, "format": ",.1f"},
            ],
            "description": _spoken(
                _field("series"),
                _text(", "),
                _field("period"),
                _text(": "),
                _number("value", unit),
            ),
        },
    )
    return spec


def chart_stacked_curve(data: Sequence[Row], *, title: str = "", unit: str = "") -> Spec:
    """Stacked areas over months: the series are parts of one whole (e.g. youth groups 1–3,
    whose sum is the full-time persons on temporary benefits).

    Rows: ``period``, ``series``, ``value``.
    """
    spec = chart_monthly_curve(data, title=title, unit=unit)
    spec["mark"] = {"type": "area", "line": True, "opacity": 0.85}
    spec["encoding"]["y"]["stack"] = "zero"
    spec["encoding"]["color"]["title"] = None
    spec["description"] = f"Stablet kurve over måneder: {unit}"
    return spec


def chart_comparison_bars(data: Sequence[Row], *, title: str = "", unit: str = "") -> Spec:
    """Horizontal bars per category, side by side per series (municipality vs the country).

    Rows: ``category``, ``series``, ``value``. The categories keep the rows' order.
    """
    order = list(dict.fromkeys(str(r["category"]) for r in data))
    spec = _base(title, f"Søjler: {unit}", data)
    series = len({str(r["series"]) for r in data}) or 1
    # A fixed height from the number of bars (a "step" height would stop the chart from
    # fitting the container's width).
    spec["height"] = max(80, 14 * series * len(order) + 8 * len(order))
    spec.update(
        mark={"type": "bar"},
        encoding={
            "y": {"field": "category", "type": "nominal", "title": None, "sort": order},
            "yOffset": {"field": "series", "type": "nominal"},
            "x": {"field": "value", "type": "quantitative", "title": unit},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": _series(data)},
            "tooltip": [
                {"field": "category", "title": "Kategori"},
                {"field": "series", "title": "Område"},
                {"field": "value", "title": unit, "format": ",.1f"},
            ],
            "description": _spoken(
                _field("category"),
                _text(", "),
                _field("series"),
                _text(": "),
                _number("value", unit),
            ),
        },
    )
    return spec


def chart_expected_actual(data: Sequence[Row], *, title: str = "", unit: str = "") -> Spec:
    """Benchmark scatter: expected (x) against actual (y) per municipality with the line
    actual = expected; points below the line do better than their framework conditions predict.

    Rows: ``name``, ``expected``, ``actual``, ``highlight`` (the municipality in focus).
    """
    rows = [r for r in data if r.get("expected") is not None and r.get("actual") is not None]
    values = [float(r[k]) for r in rows for k in ("expected", "actual")]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    spec = _base(title, f"Forventet mod faktisk: {unit}", [])
    spec["data"] = {"values": [dict(r) for r in rows]}
    spec["layer"] = [
        {
            "data": {"values": [{"x": low, "y": low}, {"x": high, "y": high}]},
            "mark": {"type": "line", "color": "#555555", "strokeDash": [4, 4]},
            "encoding": {
                "x": {"field": "x", "type": "quantitative"},
                "y": {"field": "y", "type": "quantitative"},
                "description": {"value": "Linjen, hvor faktisk er lig med forventet"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {
                "x": {
                    "field": "expected",
                    "type": "quantitative",
                    "title": f"Forventet ({unit})",
                    "scale": {"zero": False},
                },
                "y": {
                    "field": "actual",
                    "type": "quantitative",
                    "title": f"Faktisk ({unit})",
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "highlight",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": [PALETTE[5], PALETTE[1]]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "name", "title": "Kommune"},
                    {"field": "expected", "title": "Forventet", "format": ",.1f"},
                    {"field": "actual", "title": "Faktisk", "format": ",.1f"},
                ],
                "description": _spoken(
                    _field("name"),
                    _text(": forventet "),
                    _number("expected"),
                    _text(", faktisk "),
                    _number("actual", unit),
                ),
            },
        },
    ]
    return spec


def chart_rank_over_time(data: Sequence[Row], *, title: str = "", unit: str = "plads") -> Spec:
    """A municipality's rank among its peers over periods (1 at the top).

    Rows: ``period`` (any label, kept in order), ``rank``.
    """
    order = [str(r["period"]) for r in data]
    spec = _base(title, "Placering over tid", [])
    spec["data"] = {"values": [dict(r) for r in data if r.get("rank") is not None]}
    spec.update(
        mark={"type": "line", "point": True, "strokeWidth": 2},
        encoding={
            "x": {"field": "period", "type": "ordinal", "title": "Periode", "sort": order},
            "y": {
                "field": "rank",
                "type": "quantitative",
                "title": unit,
                "scale": {"reverse": True, "zero": False},
            },
            "tooltip": [
                {"field": "period", "title": "Periode"},
                {"field": "rank", "title": "Placering"},
            ],
            "description": _spoken(_field("period"), _text(": placering "), _field("rank")),
        },
    )
    return spec


CHARTS = {
    "monthly_curve": chart_monthly_curve,
    "stacked_curve": chart_stacked_curve,
    "comparison_bars": chart_comparison_bars,
    "expected_actual": chart_expected_actual,
    "rank_over_time": chart_rank_over_time,
}
"""Every chart by name, for pages and reports that pick a chart by configuration."""

CURVES = frozenset({"monthly_curve", "stacked_curve"})
"""The charts whose rows are keyed by ``period`` (the others by ``category``)."""
