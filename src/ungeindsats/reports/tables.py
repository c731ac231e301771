"""From indicator requests to published report tables, with disclosure control applied once.

A section declares what it shows as ``TableSpec``s: a ``Request`` (indicator, period rule,
breakdowns, filters, with or without the country) and how to lay the answer out (which breakdown
makes the rows; which published rows to keep). ``publish_specs`` answers each distinct request
once (from the precomputed layer where it holds the answer whole, otherwise by computing it),
publishes all of them together with ``publish_linked`` (cells with the same key and the same
persons share one suppression pattern across the whole report), and pivots each spec's rows into
a ``ReportTable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ungeindsats.classifications import benefit as benefit_info
from ungeindsats.classifications import municipality as municipality_info
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import COUNTRY, Query, Result, get_indicator
from ungeindsats.indicators.precompute import AnswerLayer, answer_layer, read_or_compute
from ungeindsats.keyfigures import GROUP_LABELS, Cell
from ungeindsats.periods import Period, PeriodRange, parse_period
from ungeindsats.published import PublishedTable, Source, publish_linked
from ungeindsats.reports.model import MONTHS, ReportTable, Row
from ungeindsats.warehouse import Warehouse

WHEN = ("month", "previous_year", "two_years_back", "trend")
"""Period rules, relative to the report's month: the month itself; the calendar year before it
(durations, flows — a whole year, as seed 001 shows 2018 in a 2019 deck); two years before (the
NEET group and migration, whose registers lag, as in seed 001); the 36 months up to the month
(the "kongenøgletal" trend of seed 001)."""


@dataclass(frozen=True)
class Request:
    """One indicator query, relative to the report's municipality and month."""

    indicator: str
    when: str = "month"
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    country: bool = True
    partition: str | None = None
    """A breakdown whose cells add up to a total the report shows elsewhere (e.g. fte by
    youth group 1-3, whose sum is the »kongenøgletal«): disclosure control then treats their
    sum as known, so that no single suppressed cell can be recovered from that total."""

    def __post_init__(self) -> None:
        if self.when not in WHEN:
            raise ValueError(f"unknown period rule {self.when!r}; one of {', '.join(WHEN)}")

    def query(self, kommune: int, month: Period) -> Query:
        areas = (kommune, COUNTRY) if self.country and kommune != COUNTRY else (kommune,)
        return Query(areas, periods_for(self.when, month), by=self.by, filters=dict(self.filters))


@dataclass(frozen=True)
class TableSpec:
    """How one report table is cut from a request's published answer."""

    key: str
    title: str
    request: Request
    row: str  # the breakdown whose cells are the rows; "period" for a series; "" for one row
    row_label: str = ""
    where: tuple[tuple[str, str], ...] = ()
    extra: tuple[Request, ...] = ()
    """Further requests whose rows are appended (a request without the row breakdown gives
    one row, labelled ``total_label``)."""
    total_label: str = "I alt"

    @property
    def requests(self) -> tuple[Request, ...]:
        return (self.request, *self.extra)


def periods_for(when: str, month: Period) -> tuple[Period, ...]:
    if when == "month":
        return (month,)
    if when == "trend":
        start = Period("month", month.year - 3, month.number).next()
        return tuple(PeriodRange(start, month).periods())
    back = {"previous_year": 1, "two_years_back": 2}[when]
    return (parse_period(str(month.year - back)),)


def period_text(period: Period | str) -> str:
    """'2019M02' → 'februar 2019'; '2018' → '2018'; '2019K1' → '1. kvartal 2019'."""
    period = parse_period(period) if isinstance(period, str) else period
    if period.kind == "month":
        return f"{MONTHS[period.number - 1]} {period.year}"
    if period.kind == "quarter":
        return f"{period.number}. kvartal {period.year}"
    return period.label()


def row_text(breakdown: str, value: Any) -> str:
    """A breakdown value as the seeds name it: youth group 1 → 'Gruppe 1', benefit
    'a_dagpenge' → 'A-dagpenge', month '2019M02' → 'februar 2019'."""
    text = str(value)
    if breakdown in ("youth_group", "origin_group") and text in GROUP_LABELS:
        return GROUP_LABELS[text]
    if breakdown in ("benefit", "origin_benefit"):
        try:
            return benefit_info(text).label
        except (KeyError, ValueError):
            return text
    if breakdown == "grade" and text.isdigit():
        return f"{text}. klasse"
    if breakdown == "period":
        return period_text(text)
    return text


def publish_specs(
    warehouse: Warehouse,
    rule: DisclosureRule,
    specs: Sequence[TableSpec],
    kommune: int,
    month: Period,
) -> dict[str, ReportTable]:
    """Every spec's table, keyed by ``spec.key``, from one linked publication."""
    requests = list(dict.fromkeys(r for spec in specs for r in spec.requests))
    layer = answer_layer(warehouse)
    sources = [Source(_compute(warehouse, r, kommune, month, layer)) for r in requests]
    published = dict(zip(requests, publish_linked(sources, rule), strict=True))
    return {spec.key: pivot(spec, [published[r] for r in spec.requests]) for spec in specs}


def _compute(
    warehouse: Warehouse,
    request: Request,
    kommune: int,
    month: Period,
    layer: AnswerLayer | None = None,
) -> Result:
    """The request's answer: read from the precomputed layer when it is current and holds the
    answer whole (``read_or_compute``: the same cells, values and persons, so disclosure control
    gets the same input), otherwise computed by the indicator."""
    result = read_or_compute(warehouse, layer, request.indicator, request.query(kommune, month))
    if request.partition is None:
        return result
    return replace(result, indicator=replace(result.indicator, partition=request.partition))


def pivot(spec: TableSpec, tables: Sequence[PublishedTable]) -> ReportTable:
    """Rows = the breakdown's cells (in the indicator's order), then the rows of the extra
    requests; columns = the areas (the municipality first, then the country)."""
    rows = [
        r for table in tables for r in table.rows if all(str(r.get(k)) == v for k, v in spec.where)
    ]
    codes = sorted({int(r["municipality"]) for r in rows}, key=lambda c: c == COUNTRY)
    cells: dict[tuple[str, int], Cell] = {}
    for row in rows:
        key = str(row[spec.row]) if spec.row in row else spec.total_label
        cells[(key, int(row["municipality"]))] = Cell(row["value"], row["value"] is None)
    table = tables[0]
    keys = list(dict.fromkeys(key for key, _ in cells))
    periods = sorted({str(r["period"]) for r in rows})
    return ReportTable(
        key=spec.key,
        title=spec.title,
        unit=table.unit,
        period=_periods_text(periods),
        row_label=spec.row_label,
        columns=tuple(municipality_info(code).name for code in codes),
        rows=tuple(
            Row(
                row_text(spec.row, key) if spec.row and key != spec.total_label else key,
                tuple(cells.get((key, code), Cell(None)) for code in codes),
                key,
            )
            for key in keys
        ),
        source=_source_text(spec, table),
        marker=table.marker,
        notes=table.notes,
    )


def _periods_text(periods: list[str]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return period_text(periods[0])
    return f"{period_text(periods[0])} – {period_text(periods[-1])}"


def _source_text(spec: TableSpec, table: PublishedTable) -> str:
    indicator = get_indicator(spec.request.indicator)
    return (
        f"Beregnet af ungeindsats fra {table.source}: nøgletallet "
        f"»{indicator.label}« ({indicator.name}); definition: {indicator.source}"
    )
