"""``ungeindsats economics ...`` (and the shortcuts ``savings`` and ``business-case``): thin
commands over ``ungeindsats.economics``; every table from the microdata passes disclosure control.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ungeindsats.economics.tables import publish_net_cost, publish_saving  # registers outputs
from ungeindsats.periods import parse_period

if TYPE_CHECKING:
    from ungeindsats.economics import CaseResult, CostOptions
    from ungeindsats.economics.business_case import FollowUpYear, Sensitivity
    from ungeindsats.published import PublishedTable

economics_app = typer.Typer(
    help="Økonomi: kommunal nettoudgift, realiseret besparelse, potentiale og business cases.",
    no_args_is_help=True,
)

KommuneOption = Annotated[str, typer.Option("--kommune", help="Kommunekode eller navn, fx 791.")]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv eller json.")]


def _options() -> CostOptions:
    from ungeindsats import cli
    from ungeindsats.economics import CostOptions

    config = cli.settings()
    return CostOptions.configured(
        config.refund_count_from,
        config.refund_restart_weeks,
        config.refund_restart_window_weeks,
        config.benefit_rates_file,
    )


def _print_published(tables: list[PublishedTable], fmt: str) -> None:
    from ungeindsats import cli
    from ungeindsats.outputs import render_published

    for table in tables:
        cli.out.print(render_published(table, fmt), highlight=False, markup=False)


@economics_app.command("net-cost")
def net_cost_command(
    kommune: KommuneOption = "791",
    year: Annotated[int, typer.Option("--year", help="Året, fx 2018 (fra 2016).")] = 2018,
    fmt: FormatOption = "table",
) -> None:
    """Kommunal nettoudgift efter refusion pr. fuldtidsperson og i alt, efter ungegruppe."""
    from ungeindsats import cli
    from ungeindsats.warehouse import open_warehouse

    code = cli._codes(kommune)[0]

    def run() -> list[PublishedTable]:
        with open_warehouse(cli.settings().warehouse_file) as wh:
            rule = cli.disclosure_rule(cli.settings())
            tables: list[PublishedTable] = publish_net_cost(
                wh, rule, code, year, options=_options()
            )
        return tables

    _print_published(cli._guard(run), fmt)


def saving_command(
    kommune: KommuneOption = "791",
    baseline: Annotated[
        str, typer.Option("--baseline", help="Udgangsperioden, fx 2015M01.")
    ] = "2015M01",
    period: Annotated[str, typer.Option("--period", help="Perioden nu, fx 2017M09.")] = "2017M09",
    unit_cost: Annotated[
        float | None,
        typer.Option(
            "--unit-cost",
            help="Nettoenhedspris i kr. pr. fuldtidsperson pr. år (ellers den billigste ydelses, "
            "beregnet af mikrodata).",
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Realiseret besparelse mod en fastholdt udgangsandel, med hvert trin forklaret."""
    from ungeindsats import cli
    from ungeindsats.warehouse import open_warehouse

    code = cli._codes(kommune)[0]

    def run() -> list[PublishedTable]:
        with open_warehouse(cli.settings().warehouse_file) as wh:
            rule = cli.disclosure_rule(cli.settings())
            table = publish_saving(
                wh,
                rule,
                code,
                parse_period(baseline),
                parse_period(period),
                unit_cost,
                options=_options(),
            )
        return [table]

    _print_published(cli._guard(run), fmt)


economics_app.command("saving")(saving_command)


@economics_app.command("potential")
def potential_command(
    gap: Annotated[float, typer.Option("--gap", help="Forskellen i fuldtidspersoner.")],
    unit_cost: Annotated[
        float, typer.Option("--unit-cost", help="Nettoenhedspris i kr. pr. fuldtidsperson pr. år.")
    ],
) -> None:
    """Potentiale: en forskel i fuldtidspersoner regnet om til kroner om året."""
    from ungeindsats import cli
    from ungeindsats.economics import UnitCost, potential_kroner

    potential = potential_kroner(gap, UnitCost(unit_cost, "angivet enhedspris", "brugerens tal"))
    cli.out.print(potential.explanation, highlight=False)


@economics_app.command("long-term")
def long_term_command(
    kommune: Annotated[
        str, typer.Option("--kommune", help="Kommunekode, fx 791; 000 = hele landet.")
    ] = "000",
    year: Annotated[int, typer.Option("--year", help="Året, de 25-40-årige måles i.")] = 2019,
    unit_cost: Annotated[
        float | None,
        typer.Option("--unit-cost", help="Nettoenhedspris i kr. pr. fuldtidsperson pr. år."),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Langtidsgevinst efter kohortemetoden: ydelse som 18-23-årig mod ydelse nu."""
    from ungeindsats import cli
    from ungeindsats.economics.tables import publish_long_term
    from ungeindsats.warehouse import open_warehouse

    code = cli._codes(kommune)[0]

    def run() -> list[PublishedTable]:
        with open_warehouse(cli.settings().warehouse_file) as wh:
            rule = cli.disclosure_rule(cli.settings())
            return [publish_long_term(wh, rule, code, year, unit_cost)]

    _print_published(cli._guard(run), fmt)


def business_case_command(
    file: Annotated[Path, typer.Argument(help="YAML-fil med forudsætningerne (se docs).")],
    fmt: FormatOption = "table",
) -> None:
    """Business case for en indsats: år for år, nutidsværdi, break-even, følsomhed, opfølgning."""
    from ungeindsats import cli
    from ungeindsats.economics import evaluate, follow_up, read_business_case, sensitivity

    def run() -> tuple[CaseResult, Sensitivity, tuple[FollowUpYear, ...]]:
        case = read_business_case(file)
        return evaluate(case), sensitivity(case), follow_up(case)

    result, grid, followed = cli._guard(run)
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"ukendt format '{fmt}'; vælg table, csv eller json")
    years = [
        {
            "aar": y.year,
            "effekt_fuldtidspersoner": y.effect_fte,
            **{f"besparelse_{payer}": v for payer, v in y.savings.items()},
            "udgift": y.cost,
            "netto_kommune": y.net,
            "diskonteringsfaktor": y.discount_factor,
            "nutidsvaerdi": y.discounted_net,
            "akkumuleret": y.cumulative,
        }
        for y in result.years
    ]
    if fmt == "json":
        cli.out.print_json(
            json.dumps(
                {
                    "titel": result.case.title,
                    "aar": years,
                    "nutidsvaerdi": result.net_present_value,
                    "break_even_aar": result.break_even_year,
                    "foelsomhed": [
                        {
                            "effekt_andel": share,
                            **{
                                f"rente_{rate}": r.net_present_value
                                for rate, r in zip(grid.discount_rates, row, strict=True)
                            },
                        }
                        for share, row in zip(grid.effect_shares, grid.values, strict=True)
                    ],
                    "opfoelgning": [f.__dict__ for f in followed],
                },
                ensure_ascii=False,
            )
        )
        return
    if fmt == "csv":
        cli.out.print(";".join(years[0]), highlight=False)
        for row in years:
            cli.out.print(";".join(_dk(v, 2) for v in row.values()), highlight=False)
        return
    _print_case_tables(result, grid, followed)


def _dk(value: float | int, decimals: int = 0) -> str:
    from ungeindsats.outputs import danish_number

    return danish_number(float(value), decimals) if isinstance(value, float) else str(value)


def _print_case_tables(
    result: CaseResult, grid: Sensitivity, followed: tuple[FollowUpYear, ...]
) -> None:
    from ungeindsats import cli

    case = result.case
    view = Table(title=f"Business case: {case.title}", title_justify="left")
    for column in (
        "År",
        "Fuldtidspersoner",
        "Besparelse kommune",
        "Udgift",
        "Netto kommune",
        "Nutidsværdi",
        "Akkumuleret",
    ):
        view.add_column(column, justify="right")
    for y in result.years:
        view.add_row(
            str(y.year),
            _dk(y.effect_fte, 1),
            _dk(y.savings["kommune"]),
            _dk(y.cost),
            _dk(y.net),
            _dk(y.discounted_net),
            _dk(y.cumulative),
        )
    cli.out.print(view)
    even = f"år {result.break_even_year}" if result.break_even_year else "ikke inden for horisonten"
    cli.out.print(
        f"Nutidsværdi for kommunen: {_dk(result.net_present_value)} kr. over {case.horizon} år "
        f"ved {_dk(case.discount_rate * 100, 1)} % (år 1 udiskonteret). Break-even: {even}.",
        highlight=False,
    )
    sens = Table(title="Følsomhed: nutidsværdi (kr.)", title_justify="left")
    sens.add_column("Effekt")
    for rate in grid.discount_rates:
        sens.add_column(f"{_dk(rate * 100, 1)} %", justify="right")
    for share, row in zip(grid.effect_shares, grid.values, strict=True):
        sens.add_row(f"{_dk(share * 100)} %", *(_dk(r.net_present_value) for r in row))
    cli.out.print(sens)
    if followed:
        follow = Table(title="Opfølgning: realiseret mod forventet", title_justify="left")
        for column in ("År", "Forventet", "Realiseret", "Andel", "Vurdering"):
            follow.add_column(column)
        for f in followed:
            ratio = "" if f.ratio is None else f"{_dk(f.ratio * 100)} %"
            follow.add_row(
                str(f.year), _dk(f.expected_fte, 1), _dk(f.realised_fte, 1), ratio, f.verdict
            )
        cli.out.print(follow)


economics_app.command("business-case")(business_case_command)


def register(app: typer.Typer) -> None:
    """Add ``economics`` and the issue's shortcuts ``savings`` and ``business-case``."""
    app.add_typer(economics_app, name="economics")
    app.command("savings")(saving_command)
    app.command("business-case")(business_case_command)
