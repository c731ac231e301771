"""The report's charts: the dashboard's own chart specs (``ungeindsats.charts``) fed with the
rows of a published ``ReportTable``, at a fixed size for paper and slides.

A suppressed cell is passed on as None, which the shared specs leave out of the drawing (the
table beside the chart shows the marker), never as zero.
"""

from __future__ import annotations

from typing import Any

from ungeindsats.charts import chart_comparison_bars, chart_monthly_curve
from ungeindsats.reports.model import Chart, ReportTable

PRINT_WIDTH = 460
"""Points; the dashboard's specs fill their container, which a file does not have."""
PRINT_FONT = "DejaVu Sans"
"""A concrete font for files: vl-convert lays the text out with it, and the browser (inline
SVG) and Typst draw it with the same font, so labels keep the room measured for them (with
"system-ui" a wider browser font ran long labels off the chart's edge)."""


def _rows(table: ReportTable, key: str, use_key: bool) -> list[dict[str, Any]]:
    return [
        {key: row.key if use_key else row.label, "series": column, "value": cell.value}
        for row in table.rows
        for column, cell in zip(table.columns, row.cells, strict=True)
        if not isinstance(cell, str)
    ]


def _sized(spec: dict[str, Any]) -> dict[str, Any]:
    return {**spec, "width": PRINT_WIDTH, "config": {**spec["config"], "font": PRINT_FONT}}


def bars(table: ReportTable, title: str | None = None) -> Chart:
    """Bars per row, the municipality beside the country (``chart_comparison_bars``)."""
    spec = chart_comparison_bars(
        _rows(table, "category", False), title=title or table.title, unit=table.unit
    )
    return Chart(title or table.title, _sized(spec), table)


def curve(table: ReportTable, title: str | None = None) -> Chart:
    """A monthly series, one line per area (``chart_monthly_curve``); rows keyed by month."""
    spec = chart_monthly_curve(
        _rows(table, "period", True), title=title or table.title, unit=table.unit
    )
    return Chart(title or table.title, _sized(spec), table)
