"""A page's data model: its panels computed, published together, and shaped for display.

One function, ``build_page``, feeds the HTML page, its CSV/XLSX downloads and the JSON API
(style.md §3). Disclosure control runs once, here, over all the page's tables together
(``publish_linked``), before any chart or table sees a number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ungeindsats.charts import CHARTS, CURVES
from ungeindsats.classifications import municipality as municipality_info
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import COUNTRY, IndicatorError, Query, Result, get_indicator
from ungeindsats.indicators.precompute import answer_layer
from ungeindsats.keyfigures import (
    GROUP_LABELS,
    ROW_ORDER,
    Cell,
    KeyFigureTable,
    seminar_key_figures,
)
from ungeindsats.periods import Period, parse_period
from ungeindsats.published import PublishedTable, Source, publish_linked
from ungeindsats.warehouse import Warehouse
from ungeindsats.web.pages import CURVE_MONTHS, NEET_YEARS, OVERVIEW, PAGES, PageSpec, PanelSpec
from ungeindsats.web.source import indicator_result


@dataclass(frozen=True)
class Panel:
    """One chart and the table beside it; ``rows`` hold published cells only."""

    key: str
    title: str
    unit: str
    period: str
    row_label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    chart: dict[str, Any] | None
    source: str
    notes: tuple[str, ...]
    marker: str
    error: str | None = None


@dataclass(frozen=True)
class Headline:
    """The king figure (kongenøgletallet): temporary benefits 18-29 in the month."""

    label: str
    period: str
    values: tuple[tuple[str, Cell], ...]  # (area, cell)


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    intro: str
    kommune: int
    month: str
    panels: tuple[Panel, ...]
    headline: Headline | None = None

    def panel(self, key: str) -> Panel | None:
        return next((p for p in self.panels if p.key == key), None)


def periods_for(when: str, month: Period) -> tuple[Period, ...]:
    """The periods a panel shows for the chosen month (see ``PanelSpec``)."""
    if when == "month":
        return (month,)
    if when == "curve":
        months = [month]
        for _ in range(CURVE_MONTHS - 1):
            months.insert(0, _previous_month(months[0]))
        return tuple(months)
    if when == "previous_year":
        return (parse_period(str(month.year - 1)),)
    if when == "two_years_back":
        return (parse_period(str(month.year - 2)),)
    if when == "neet_years":
        last = month.year - 2
        return tuple(parse_period(str(y)) for y in range(last - NEET_YEARS + 1, last + 1))
    raise ValueError(f"unknown period kind {when}")


def _previous_month(month: Period) -> Period:
    year, number = (month.year - 1, 12) if month.number == 1 else (month.year, month.number - 1)
    return Period("month", year, number)


def label(field: str, value: Any) -> str:
    """A cell key as people read it: municipality names, "Gruppe 1", periods as they are."""
    if field == "municipality":
        return municipality_info(int(value)).name
    if field == "youth_group":
        return GROUP_LABELS.get(str(value), f"Gruppe {value}" if value else "Uden gruppe")
    return str(value) if value not in (None, "") else "I alt"


def _order(field: str, values: list[str]) -> list[str]:
    if field == "period":
        return sorted(values)
    if field in ("duration_band", "indicator_count", "grade"):
        return values  # the indicators return these in their natural order
    return sorted(values, key=lambda k: (ROW_ORDER.index(k) if k in ROW_ORDER else 99, k))


def _panel(spec: PanelSpec, table: PublishedTable, month: str) -> Panel:
    """Pivot a published table: ``spec.rows`` down, ``spec.series`` across."""
    cells: dict[tuple[str, str], Cell] = {}
    row_keys: list[str] = []
    series_keys: list[Any] = []
    for row in table.rows:
        r = str(row.get(spec.rows) or "")
        s = row.get(spec.series, "")
        if r not in row_keys:
            row_keys.append(r)
        if s not in series_keys:
            series_keys.append(s)
        cells[(r, str(s))] = Cell(row["value"], row["value"] is None)
    if spec.series == "municipality":
        series_keys.sort(key=lambda code: int(code) == COUNTRY)
    else:
        series_keys = _order(spec.series, [str(s) for s in series_keys])
    ordered = _order(spec.rows, row_keys)
    columns = tuple(label(spec.series, s) for s in series_keys)
    rows = tuple(
        (
            label(spec.rows, r),
            tuple(cells.get((r, str(s)), Cell(None)) for s in series_keys),
        )
        for r in ordered
    )
    periods = sorted({str(row["period"]) for row in table.rows})
    shown = periods[0] if len(periods) == 1 else f"{periods[0]}-{periods[-1]}" if periods else month
    panel = Panel(
        spec.key,
        spec.title,
        table.unit,
        shown,
        "Periode" if spec.rows == "period" else _row_heading(spec.rows),
        columns,
        rows,
        None,
        table.source,
        table.notes,
        table.marker,
    )
    return _with_chart(panel, spec.chart)


def _row_heading(field: str) -> str:
    from ungeindsats.outputs import COLUMN_LABELS

    return COLUMN_LABELS.get(field, field)


def _with_chart(panel: Panel, chart: str) -> Panel:
    key = "period" if chart in CURVES else "category"
    data = [
        {key: row_label, "series": column, "value": cell.value}
        for row_label, cells in panel.rows
        for column, cell in zip(panel.columns, cells, strict=True)
        if not (cell.value is None and not cell.suppressed)
    ]
    spec = CHARTS[chart](data, title=panel.title, unit=panel.unit)
    return Panel(**{**panel.__dict__, "chart": spec})


def key_figure_panel(index: int, table: KeyFigureTable) -> Panel:
    """One of the seminar's key-figure tables as a panel with bars."""
    panel = Panel(
        f"noegletal-{index + 1}",
        table.title,
        table.unit,
        table.period,
        table.row_label or "",
        table.columns,
        table.rows,
        None,
        table.source,
        table.notes,
        table.marker,
    )
    return _with_chart(panel, "comparison_bars")


def _error_panel(spec: PanelSpec, message: str, marker: str) -> Panel:
    return Panel(spec.key, spec.title, "", "", "", (), (), None, "", (), marker, message)


def with_partition(result: Result, partition: str | None) -> Result:
    """The result with ``partition`` as the breakdown whose sum readers know (None: as is)."""
    if partition is None:
        return result
    return replace(result, indicator=replace(result.indicator, partition=partition))


def build_page(
    warehouse: Warehouse, rule: DisclosureRule, page: str, kommune: int, month: Period
) -> Page:
    """Every panel of the indicator page ``page`` for ``kommune`` and ``month``, published
    together. A panel whose indicator cannot answer (e.g. no population imported) carries the
    indicator's Danish message instead of numbers."""
    spec: PageSpec = PAGES[page]
    answers = answer_layer(warehouse)
    errors: dict[str, str] = {}
    sources: list[tuple[PanelSpec, Source]] = []
    for panel in spec.panels:
        areas = (kommune, COUNTRY) if panel.country and kommune != COUNTRY else (kommune,)
        query = Query(
            areas,
            periods_for(panel.when, month),
            by=panel.by,
            filters=dict(panel.filters),
        )
        try:
            result = indicator_result(warehouse, panel.indicator, query, answers=answers)
        except IndicatorError as exc:
            errors[panel.key] = str(exc)
            continue
        if panel.partition is not None:
            result = replace(result, indicator=replace(result.indicator, partition=panel.partition))
        title = f"{panel.title} ({get_indicator(panel.indicator).label})"
        sources.append((panel, Source(result, title)))
    published = publish_linked([s for _, s in sources], rule) if sources else []
    built = {
        p.key: _panel(p, t, month.label()) for (p, _), t in zip(sources, published, strict=True)
    }
    panels = [
        built[p.key] if p.key in built else _error_panel(p, errors[p.key], rule.marker)
        for p in spec.panels
    ]
    headline = None
    if spec is OVERVIEW:
        tables = seminar_key_figures(warehouse, rule, kommune, month)
        panels += [key_figure_panel(i, t) for i, t in enumerate(tables)]
        headline = _headline(tables[0], month.label())
    return Page(spec.key, spec.title, spec.intro, kommune, month.label(), tuple(panels), headline)


def _headline(groups: KeyFigureTable, month: str) -> Headline:
    """Groups 1-3 summed from the published cells; suppressed if any part is."""
    temporary = [
        cells for name, cells in groups.rows if name in ("Gruppe 1", "Gruppe 2", "Gruppe 3")
    ]
    values = []
    for index, area in enumerate(groups.columns):
        parts = [cells[index] for cells in temporary]
        if any(c.suppressed for c in parts):
            values.append((area, Cell(None, True)))
        elif not parts or all(c.value is None for c in parts):
            values.append((area, Cell(None)))
        else:
            values.append((area, Cell(sum(c.value or 0.0 for c in parts))))
    return Headline(
        "Fuldtidspersoner på midlertidige ydelser, 18-29 år (ungegruppe 1-3)", month, tuple(values)
    )
