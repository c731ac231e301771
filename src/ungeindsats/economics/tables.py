"""The economics tables that leave the library, every one through disclosure control.

Each table is an indicator-style ``Result`` (a tidy table with the distinct persons behind each
cell) published by ``ungeindsats.published``; the key-figure form (``KeyFigureTable``) is what the
CLI and the main job print. Money rests on the persons whose weeks it prices: a cell of fewer
than N persons is hidden, and so is anything it could be recovered from (the youth groups of a
municipality add up to its published total, which disclosure control is told).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from ungeindsats.classifications import municipality as municipality_info
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.economics.measured import MeasuredSaving, measure_saving
from ungeindsats.economics.netcost import ALL, COUNTRY, CostOptions, NetCost, net_cost
from ungeindsats.indicators import Indicator, IndicatorError, Query, Result
from ungeindsats.keyfigures import Cell, KeyFigureTable
from ungeindsats.periods import Period, parse_period
from ungeindsats.published import PublishedTable, Source, output, publish_linked
from ungeindsats.warehouse import Warehouse

SOURCE = "mikrodata; satser og refusionstrappe (docs/economics.md)"
CELLS_READ = ((), ("benefit",), ("youth_group",))
"""The net-cost breakdowns these tables read (``net_cost_sources``: the total and by youth group,
and by benefit for the unpriced note; the realised saving: the total and by benefit): only
those are computed, for the municipality asked and the country (``net_cost``)."""
GROUP_LABELS = {"1": "Gruppe 1", "2": "Gruppe 2", "3": "Gruppe 3", "4": "Permanente ydelser"}
GROUP_ORDER = ("1", "2", "3", "4", "ingen", ALL)


def _unregistered(warehouse: Warehouse, query: Query) -> Result:
    """An economics table is computed by its own function, not through the indicator registry."""
    raise NotImplementedError


def economic_result(
    name: str,
    label: str,
    unit: str,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    notes: Sequence[str] = (),
    partition: str | None = None,
) -> Result:
    """Rows (keys, value, persons) as a Result that ``publish`` accepts."""
    columns: dict[str, pa.Array] = {}
    for key in keys:
        kind = pa.int16() if key == "municipality" else pa.string()
        columns[key] = pa.array([r[key] for r in rows], kind)
    columns["value"] = pa.array([r["value"] for r in rows], pa.float64())
    columns["persons"] = pa.array([r["persons"] for r in rows], pa.int64())
    indicator = Indicator(name, label, unit, (), (18, 29), SOURCE, _unregistered, partition)
    return Result(indicator, Query((), ()), pa.table(columns), "mikrodata", tuple(notes))


def net_cost_sources(cost: NetCost, municipalities: Sequence[int], year: int) -> list[Source]:
    """Net cost per full-time person and in total by youth group, and the total, for the areas."""
    notes = _notes(cost)
    per_fte, total, overall = [], [], []
    for row in cost.table.to_pylist():
        if (
            row["municipality"] not in municipalities
            or row["year"] != year
            or row["benefit"] != ALL
            or row["step"] != ALL
        ):
            continue
        base = {"municipality": row["municipality"], "period": str(year), "persons": row["persons"]}
        if row["youth_group"] == ALL:
            overall.append({**base, "value": row["net"] / 1e6})
            continue
        group = {**base, "youth_group": row["youth_group"]}
        if not row["priced_fte"]:
            continue  # benefits without a rate (permanent benefits, revalidering): not priced
        per_fte.append({**group, "value": row["net"] / row["priced_fte"]})
        total.append({**group, "value": row["net"] / 1e6})
    keys = ("municipality", "period", "youth_group")
    return [
        Source(
            economic_result(
                "net_cost_per_fte",
                "Kommunal nettoudgift pr. fuldtidsperson",
                "kr. pr. år",
                per_fte,
                keys,
                notes,
            ),
            "Kommunal nettoudgift pr. fuldtidsperson (18-29 år)",
        ),
        Source(
            economic_result(
                "net_cost_total",
                "Kommunal nettoudgift",
                "mio. kr.",
                total,
                keys,
                notes,
                partition="youth_group",
            ),
            "Kommunal nettoudgift efter ungegruppe (18-29 år)",
        ),
        Source(
            economic_result(
                "net_cost_all",
                "Kommunal nettoudgift i alt",
                "mio. kr.",
                overall,
                ("municipality", "period"),
                notes,
            ),
            "Kommunal nettoudgift i alt (18-29 år)",
        ),
    ]


def _notes(cost: NetCost) -> list[str]:
    notes = [
        "Nettoudgift = bruttosats × (1 − statsrefusion efter refusionstrappen); A-dagpenge: "
        "kommunens medfinansiering. Pr. fuldtidsperson er over de uger, der har en sats.",
    ]
    if cost.unpriced:
        notes.append(
            f"Uden sats (tæller på trappen, men prissættes ikke): {', '.join(cost.unpriced)}."
        )
    return notes


def saving_source(measured: MeasuredSaving) -> Source:
    """The realised saving's steps as one published table (rows = steps)."""
    saving = measured.saving
    least = min(measured.baseline_persons, measured.current_persons)
    persons = [measured.baseline_persons] * 2 + [measured.current_persons] * 2
    persons += [least] * (len(saving.steps) - len(persons))
    rows = [
        {
            "municipality": measured.municipality,
            "step": f"{i}. {step.label}",
            "value": step.value,
            "persons": n,
        }
        for i, (step, n) in enumerate(zip(saving.steps, persons, strict=True), start=1)
    ]
    notes = [f"{i}. {step.how}" for i, step in enumerate(saving.steps, start=1)]
    return Source(
        economic_result(
            "realised_saving",
            "Realiseret besparelse",
            "se trin",
            rows,
            ("municipality", "step"),
            notes,
        ),
        "Realiseret besparelse (18-29 år)",
    )


def _pivot(
    table: PublishedTable, row_key: str, areas: Sequence[int], labels: dict[str, str]
) -> list[tuple[str, tuple[Cell, ...]]]:
    cells = {
        (str(r[row_key]), int(r["municipality"])): Cell(r["value"], r["value"] is None)
        for r in table.rows
    }
    keys = sorted(
        {k for k, _ in cells}, key=lambda k: (GROUP_ORDER.index(k) if k in GROUP_ORDER else -1, k)
    )
    return [(labels.get(k, k), tuple(cells.get((k, a), Cell(None)) for a in areas)) for k in keys]


def _key_figures(
    title: str,
    unit: str,
    period: str,
    row_label: str,
    areas: Sequence[int],
    rows: list[tuple[str, tuple[Cell, ...]]],
    table: PublishedTable,
) -> KeyFigureTable:
    return KeyFigureTable(
        title,
        unit,
        period,
        row_label,
        tuple(municipality_info(a).name for a in areas),
        tuple(rows),
        table.source,
        table.marker,
        table.notes,
    )


@output("net_cost")
def publish_net_cost(
    warehouse: Warehouse,
    rule: DisclosureRule,
    kommune: int = 791,
    year: int = 2018,
    options: CostOptions | None = None,
) -> list[PublishedTable]:
    """``ungeindsats economics net-cost``: per full-time person and in total by youth group, and
    the total, for ``kommune`` and the country in ``year``."""
    cost = net_cost(
        warehouse, [year], options=options, municipalities=(kommune,), breakdowns=CELLS_READ
    )
    return publish_linked(net_cost_sources(cost, (kommune, COUNTRY), year), rule)


@output("realised_saving")
def publish_saving(
    warehouse: Warehouse,
    rule: DisclosureRule,
    kommune: int = 791,
    baseline: Period | None = None,
    period: Period | None = None,
    unit_cost: float | None = None,
    options: CostOptions | None = None,
) -> PublishedTable:
    """``ungeindsats savings``: the realised saving's steps (defaults: 2018M02 → 2019M02)."""
    measured = measure_saving(
        warehouse,
        kommune,
        baseline or parse_period("2018M02"),
        period or parse_period("2019M02"),
        user_unit_cost=unit_cost,
        options=options,
    )
    return publish_linked([saving_source(measured)], rule)[0]


@output("economics")
def economics_key_figures(
    warehouse: Warehouse,
    rule: DisclosureRule,
    kommune: int = 791,
    year: int = 2018,
    baseline: Period | None = None,
    period: Period | None = None,
    unit_cost: float | None = None,
    options: CostOptions | None = None,
) -> list[KeyFigureTable]:
    """The main job's economics: the net cost by youth group in ``year`` for ``kommune`` and the
    country, and the realised saving from ``baseline`` to ``period`` (the main job passes seed
    002's 2015M01 → 2017M09; the defaults fit the bundled examples), protected together. When
    the saving cannot be measured (no data for a period) its table is empty and says why."""
    baseline = baseline or parse_period("2018M02")
    period = period or parse_period("2019M02")
    cost = net_cost(
        warehouse,
        sorted({year, period.year}),
        options=options,
        municipalities=(kommune,),
        breakdowns=CELLS_READ,
    )
    areas = (kommune, COUNTRY)
    sources = net_cost_sources(cost, areas, year)
    try:
        measured = measure_saving(
            warehouse, kommune, baseline, period, user_unit_cost=unit_cost, cost=cost
        )
    except IndicatorError as exc:
        measured, why = None, str(exc)
    if measured is not None:
        sources.append(saving_source(measured))
    published = publish_linked(sources, rule)
    per_fte, total, overall = published[:3]
    total_rows = _pivot(total, "youth_group", areas, GROUP_LABELS)
    total_rows += _pivot(overall, "period", areas, {str(year): "I alt"})
    tables = [
        _key_figures(
            per_fte.title,
            per_fte.unit,
            str(year),
            "Ungegruppe",
            areas,
            _pivot(per_fte, "youth_group", areas, GROUP_LABELS),
            per_fte,
        ),
        _key_figures(total.title, total.unit, str(year), "Ungegruppe", areas, total_rows, total),
    ]
    span = f"{baseline.label()}–{period.label()}"
    if measured is None:
        name = municipality_info(kommune).name
        tables.append(
            KeyFigureTable(
                "Realiseret besparelse (18-29 år)",
                "se trin",
                span,
                "Trin",
                (name,),
                (),
                SOURCE,
                rule.marker,
                (why,),
            )
        )
    else:
        saving = published[3]
        tables.append(
            _key_figures(
                saving.title,
                "se trin",
                span,
                "Trin",
                (kommune,),
                _pivot(saving, "step", (kommune,), {}),
                saving,
            )
        )
    return tables


def economics_step(
    warehouse: Warehouse,
    rule: DisclosureRule,
    kommune: int,
    month: Period,
    settings: EconomicsSettings,
) -> list[KeyFigureTable]:
    """The main job's step: the net cost by youth group in the year before ``month`` and seed
    002's realised saving (2015M01 → 2017M09) for ``kommune``, with the configured ladder."""
    options = CostOptions.configured(
        settings.refund_count_from,
        settings.refund_restart_weeks,
        settings.refund_restart_window_weeks,
        settings.benefit_rates_file,
    )
    tables: list[KeyFigureTable] = economics_key_figures(
        warehouse,
        rule,
        kommune,
        month.year - 1,
        parse_period("2015M01"),
        parse_period("2017M09"),
        options=options,
    )
    return tables


class EconomicsSettings(Protocol):
    """The settings the economics step reads (``ungeindsats.settings.Settings`` has them)."""

    refund_count_from: str
    refund_restart_weeks: int
    refund_restart_window_weeks: int
    benefit_rates_file: Path | None


def publish_long_term(
    warehouse: Warehouse,
    rule: DisclosureRule,
    kommune: int = COUNTRY,
    year: int = 2019,
    unit_cost: float | None = None,
) -> PublishedTable:
    """``ungeindsats economics long-term``: the cohort method's line, means and (with a net unit
    cost) the value of one avoided week, each resting on the cohort's persons. Not in the output
    registry: the bundled examples (2018–2019) hold no observed cohort to walk."""
    from ungeindsats.economics.longterm import cohort

    found = cohort(warehouse, year, kommune)
    line = found.support_now
    rows = [
        ("1. Ekstra uger på ydelse nu pr. uge på ydelse som 18-23-årig", line.slope),
        ("2. Nedre grænse (95 %)", line.low),
        ("3. Øvre grænse (95 %)", line.high),
        ("4. Uger på ydelse nu, med ydelse som 18-23-årig", found.with_support_mean),
        ("5. Uger på ydelse nu, uden ydelse som 18-23-årig", found.without_support_mean),
    ]
    if unit_cost is not None:
        value, low, high = found.value_per_avoided_week(unit_cost)
        rows += [
            ("6. Værdi af én undgået uge, kr. (10 år, 3,5 %)", value),
            ("7. Nedre grænse, kr.", low),
            ("8. Øvre grænse, kr.", high),
        ]
    table = [
        {"municipality": kommune, "step": label, "value": value, "persons": found.persons}
        for label, value in rows
        if value is not None
    ]
    notes = [
        f"Kohorte: {found.persons} personer, der er {year - 40}-{year - 25} født og har alle uger "
        "som 18-23-årige i data. En sammenhæng, ikke en årsagseffekt; lageret har ingen "
        "indkomst (timer i arbejde bruges i stedet, hvor de findes).",
    ]
    result = economic_result(
        "long_term",
        "Langtidsgevinst (kohortemetoden)",
        "se trin",
        table,
        ("municipality", "step"),
        notes,
    )
    return publish_linked([Source(result, f"Langtidsgevinst, kohortemetoden, {year}")], rule)[0]
