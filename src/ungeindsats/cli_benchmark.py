"""``ungeindsats benchmark``: expected vs actual, comparable municipalities, ranks and potential.

Parses the options, makes one library call (``ungeindsats.benchmark``) and prints the published
tables: for people as tables, for machines as CSV or JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ungeindsats.periods import Period
    from ungeindsats.warehouse import Warehouse


def _unit_cost(
    warehouse: Warehouse, text: str, outcome: str, kommune: int, period: Period
) -> float | None:
    """A number, or ``auto``: the economics' average net cost per full-time person a year in
    the municipality and year, for the outcome's youth group when it has one."""
    if not text:
        return None
    if text != "auto":
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise typer.BadParameter(f"'{text}' er hverken et beløb eller auto") from None
    from ungeindsats.benchmark import get_outcome
    from ungeindsats.economics import ALL, net_cost, unit_cost

    item = get_outcome(outcome)
    if item.indicator != "fte":
        raise typer.BadParameter(f"{outcome} tæller ikke ydelsesmodtagere; angiv et beløb")
    groups = item.filters.get("youth_group", ())
    cost = unit_cost(
        net_cost(warehouse, [period.year]),
        kommune,
        period.year,
        youth_group=groups[0] if len(groups) == 1 else ALL,
    )
    return cost.amount if cost is not None else None


def benchmark_command(
    kommune: Annotated[str, typer.Option("--kommune", help="Kommunen, fx 791 eller Viborg.")],
    period: Annotated[str, typer.Option("--period", help="Perioden, fx 2017 eller 2019M02.")],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="Resultatmål: public_support, temporary, youth_group_1, youth_group_2, "
            "youth_group_3, permanent eller neet.",
        ),
    ] = "public_support",
    peers: Annotated[
        str,
        typer.Option(
            "--peers",
            help="auto (de nærmeste i rammevilkår) eller en klyngefil med kolonnerne "
            "municipality;cluster.",
        ),
    ] = "auto",
    k: Annotated[
        int, typer.Option("--k", help="Antal sammenlignelige kommuner ved --peers auto.")
    ] = 8,
    history: Annotated[
        str,
        typer.Option(
            "--history",
            help="Perioder til rangen over tid og indekset, fx 2013:2017 (første = 100).",
        ),
    ] = "",
    variables: Annotated[
        str,
        typer.Option("--variables", help="Rammevilkår i modellen, fx ledighed_pct,ikke_vestlig."),
    ] = "",
    variables_file: Annotated[
        Path | None,
        typer.Option(
            "--variables-file",
            help="Egne rammevilkår: municipality;variable;value (og evt. year).",
        ),
    ] = None,
    unit_cost: Annotated[
        str,
        typer.Option(
            "--unit-cost",
            help="Nettoudgift i kr. pr. helårsperson til potentialet i kr., eller auto: "
            "kommunens gennemsnitlige nettoudgift beregnet af mikrodata (økonomi).",
        ),
    ] = "",
    fmt: Annotated[str, typer.Option("--format", help="table, csv eller json.")] = "table",
) -> None:
    """Forventet og faktisk for en kommune, rang blandt de 98 og blandt sammenlignelige
    kommuner, indeks og potentiale."""
    from ungeindsats.benchmark import key_figure_tables, publish_benchmark, run_benchmark
    from ungeindsats.benchmark.framework import read_variables_file
    from ungeindsats.cli import _codes, _guard, disclosure_rule, out, print_key_figures, settings
    from ungeindsats.outputs import FORMATS, render_published
    from ungeindsats.periods import parse_period, parse_range
    from ungeindsats.warehouse import open_warehouse

    if fmt not in FORMATS:
        raise typer.BadParameter(f"ukendt format '{fmt}'; vælg {', '.join(FORMATS)}")
    code = _codes(kommune)[0]

    def run() -> str | None:
        names = [v.strip() for v in variables.split(",") if v.strip()] or None
        with open_warehouse(settings().warehouse_file) as warehouse:
            benchmark = run_benchmark(
                warehouse,
                outcome,
                parse_period(period),
                code,
                history=parse_range(history).periods() if history else (),
                peers=None if peers == "auto" else Path(peers),
                k=k,
                variables=names,
                variables_file=read_variables_file(variables_file) if variables_file else None,
                unit_cost_kr=_unit_cost(warehouse, unit_cost, outcome, code, parse_period(period)),
            )
        published = publish_benchmark(benchmark, disclosure_rule(settings()))
        if fmt == "json":
            documents = [json.loads(render_published(t, "json")) for t in published.tables]
            return json.dumps(documents, ensure_ascii=False, indent=2)
        if fmt == "csv":
            return "\n".join(f"# {t.title}\n{render_published(t, 'csv')}" for t in published.tables)
        tables = key_figure_tables(published)
        for table in tables:
            print_key_figures(table, 3 if table is tables[-1] else 1)
        return None

    text = _guard(run)
    if text is not None:
        out.print(text, highlight=False, markup=False, soft_wrap=True)
