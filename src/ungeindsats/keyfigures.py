"""The seminar's key figures for a municipality against the country (seed 001, "nøgletal").

One data model, ``KeyFigureTable``, per table of the seminar deck: rows are the breakdown's cells
(youth groups, statuses, directions), columns the municipality and the country, every cell with
its value and the distinct persons behind it. The CLI prints them; the reports and the dashboard
render the same tables. Every number comes from the indicator registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from ungeindsats.classifications import municipality as municipality_info
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import COUNTRY, Query
from ungeindsats.indicators.precompute import answer_layer, read_or_compute
from ungeindsats.periods import Period, parse_period
from ungeindsats.published import PublishedTable, Source, output, publish_linked
from ungeindsats.warehouse import Warehouse

ROW_ORDER = (
    "1",
    "2",
    "3",
    "4",
    "uddannelse eller arbejde",
    "offentlig forsørgelse",
    "selvforsørgende, udrejst el. lign.",
    "Tilflytning",
    "Fraflytning",
    "Nettoflytning",
)
"""Rows in the seed's order; anything else follows alphabetically."""

GROUP_LABELS = {
    "1": "Gruppe 1",
    "2": "Gruppe 2",
    "3": "Gruppe 3",
    "4": "Permanente ydelser",
}


@dataclass(frozen=True)
class Cell:
    """A published cell: ``value`` None with ``suppressed`` True where disclosure control hid
    it; None without ``suppressed`` where there is no such cell (nobody)."""

    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class KeyFigureTable:
    """One table: a title, a unit, row labels and one column per area."""

    title: str
    unit: str
    period: str
    row_label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    source: str
    marker: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Spec:
    title: str
    indicator: str
    period: str  # "month", "year" (the month's year) or "previous_year"
    by: tuple[str, ...]
    row: str  # the breakdown whose cells are the rows
    row_label: str
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    with_country: bool = True


SPECS = (
    _Spec(
        "Unge på offentlig forsørgelse (fuldtidspersoner)",
        "fte",
        "month",
        ("youth_group",),
        "youth_group",
        "Ungegruppe",
    ),
    _Spec(
        "Andel af de 18-29-årige",
        "population_share",
        "month",
        ("youth_group",),
        "youth_group",
        "Ungegruppe",
    ),
    _Spec(
        "Antal på offentlig ydelse pr. 1.000 indbyggere (18-29 år)",
        "per_1000",
        "month",
        ("youth_group",),
        "youth_group",
        "Ungegruppe",
    ),
    _Spec(
        "Gennemsnitlig varighed på ydelsen (uger)",
        "average_duration",
        "previous_year",
        ("youth_group",),
        "youth_group",
        "Ungegruppe",
    ),
    _Spec(
        "På ydelsen i 3 år eller mere (andel)",
        "long_term_share",
        "month",
        ("youth_group",),
        "youth_group",
        "Ungegruppe",
    ),
    _Spec(
        "Status 6 måneder efter afgang, gruppe 1 (andel)",
        "status_after_exit",
        "previous_year",
        ("youth_group", "status"),
        "status",
        "Status",
        (("youth_group", ("1",)),),
    ),
    _Spec(
        "Status 6 måneder efter afgang, gruppe 2 (andel)",
        "status_after_exit",
        "previous_year",
        ("youth_group", "status"),
        "status",
        "Status",
        (("youth_group", ("2",)),),
    ),
    _Spec(
        "Status 6 måneder efter afgang, gruppe 3 (andel)",
        "status_after_exit",
        "previous_year",
        ("youth_group", "status"),
        "status",
        "Status",
        (("youth_group", ("3",)),),
    ),
    _Spec("Andel i restgruppen (15-24 år)", "neet_share", "two_years_back", (), "", ""),
    _Spec(
        "Nettotilflytning for 16-29-årige",
        "migration",
        "two_years_back",
        ("direction",),
        "direction",
        "",
        with_country=False,
    ),
)


def _period(spec: _Spec, month: Period) -> Period:
    if spec.period == "month":
        return month
    back = {"year": 0, "previous_year": 1, "two_years_back": 2}[spec.period]
    return parse_period(str(month.year - back))


@output("key_figures")
def seminar_key_figures(
    warehouse: Warehouse, rule: DisclosureRule, kommune: int = 791, month: Period | None = None
) -> list[KeyFigureTable]:
    """The seminar's key-figure tables for ``kommune`` in ``month`` (durations and exits for
    the year before; the NEET group and migration two years before, as in seed 001), protected
    together by disclosure control."""
    month = month or parse_period("2019M02")
    areas = (kommune, COUNTRY)
    # Read from the precomputed layer where it holds the answer whole (the same result).
    layer = answer_layer(warehouse)
    sources = []
    for spec in SPECS:
        used = areas if spec.with_country else (kommune,)
        query = Query(used, (_period(spec, month),), by=spec.by, filters=dict(spec.filters))
        sources.append(Source(read_or_compute(warehouse, layer, spec.indicator, query), spec.title))
    return [
        _pivot(spec, table, tuple(municipality_info(code).name for code in areas))
        for spec, table in zip(SPECS, publish_linked(sources, rule), strict=True)
    ]


def _pivot(spec: _Spec, table: PublishedTable, names: tuple[str, ...]) -> KeyFigureTable:
    """Rows = the breakdown's cells, columns = the areas."""
    codes = sorted({int(r["municipality"]) for r in table.rows}, key=lambda c: c == COUNTRY)
    if not spec.with_country:
        names = names[:1]
    cells: dict[tuple[str, int], Cell] = {}
    for row in table.rows:
        key = str(row[spec.row]) if spec.row else "I alt"
        cells[(key, int(row["municipality"]))] = Cell(row["value"], row["value"] is None)
    keys = sorted(
        {k for k, _ in cells},
        key=lambda k: (ROW_ORDER.index(k) if k in ROW_ORDER else len(ROW_ORDER), k),
    )
    columns = codes if codes else []
    rows = tuple(
        (
            GROUP_LABELS.get(key, key) if spec.row == "youth_group" else key,
            tuple(cells.get((key, code), Cell(None)) for code in columns),
        )
        for key in keys
    )
    periods = {str(r["period"]) for r in table.rows}
    return KeyFigureTable(
        spec.title,
        table.unit,
        periods.pop() if len(periods) == 1 else "",
        spec.row_label,
        tuple(municipality_info(code).name for code in columns) or names,
        rows,
        table.source,
        table.marker,
        table.notes,
    )
