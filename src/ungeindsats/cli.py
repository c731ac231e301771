"""The command line: each command parses its arguments, makes one library call and prints.

No business logic and no SQL here (docs/architecture.md). Errors meant for people are Danish and go
to stderr with a non-zero exit code.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ungeindsats.cli_benchmark import benchmark_command
from ungeindsats.cli_report import report_command
from ungeindsats.cli_steering import print_goal_board, steering_app, users_app
from ungeindsats.cli_web import serve_command
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.ingest.errors import UserError
from ungeindsats.ingest.load import ImportOptions, ImportOutcome
from ungeindsats.periods import PeriodError
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse, open_warehouse
from ungeindsats.warehouse.status import WarehouseStatus

if TYPE_CHECKING:
    from ungeindsats.keyfigures import KeyFigureTable

app = typer.Typer(
    help="ungeindsats: nøgletal, benchmark, økonomi og styring for unge på offentlig forsørgelse.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Indlæs en fil i lageret.", no_args_is_help=True)
fetch_app = typer.Typer(help="Hent data fra et API til en fil.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(fetch_app, name="fetch")
demo_app = typer.Typer(help="Syntetiske demodata for hele landet.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(steering_app, name="steering")
app.command("serve")(serve_command)
app.command("benchmark")(benchmark_command)
app.command("report")(report_command)

out = Console()
err = Console(stderr=True)
T = TypeVar("T")

_state: dict[str, Settings] = {}

RejectsOption = Annotated[
    Path | None,
    typer.Option("--rejects", help="Skriv afviste rækker hertil i stedet for at afbryde."),
]


def disclosure_rule(config: Settings) -> DisclosureRule:
    return DisclosureRule(config.disclosure_min_persons, config.disclosure_marker)


def settings() -> Settings:
    if "settings" not in _state:
        _state["settings"] = Settings()
    return _state["settings"]


def _configure_logging(config: Settings) -> None:
    config.log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(config.log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("ungeindsats")
    for old in root.handlers:  # one log per invocation; tests invoke the app many times
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


@app.callback()
def main(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Datamappe (ellers fra indstillingerne).")
    ] = None,
) -> None:
    """Læs indstillinger (ungeindsats.toml og UNGEINDSATS_*) og sæt logning op."""
    overrides = {"data_dir": data_dir} if data_dir is not None else {}
    config = Settings(**overrides)  # type: ignore[arg-type]
    _state["settings"] = config
    _configure_logging(config)


def _guard(action: Callable[[], T]) -> T:
    """Run a library call; turn the errors people can act on into a Danish message and exit 1."""
    try:
        return action()
    except (UserError, PeriodError, ValueError, OSError) as exc:
        logging.getLogger("ungeindsats").error("failed: %s", type(exc).__name__)
        err.print(f"[bold red]Fejl:[/] {exc}", highlight=False, markup=True)
        raise typer.Exit(1) from None


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int | None], None]]:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def _options(rejects: Path | None, progress: Callable[[int, int | None], None]) -> ImportOptions:
    from ungeindsats.ingest.cpr import Pseudonymiser, load_or_create_key

    config = settings()
    return ImportOptions(
        rejects_path=rejects,
        pseudonymiser=Pseudonymiser(load_or_create_key(config.key_path)),
        progress=progress,
        user=config.user,
        chunk_rows=config.import_chunk_rows,
        drop_attributes=frozenset(config.drop_person_attributes),
    )


def _run_import(
    label: str, rejects: Path | None, call: Callable[[Warehouse, ImportOptions], ImportOutcome]
) -> None:
    with _progress(label) as progress, open_warehouse(settings().warehouse_file) as warehouse:
        outcome = _guard(lambda: call(warehouse, _options(rejects, progress)))
    out.print(outcome.summary(), highlight=False)
    if outcome.rows_rejected and rejects is not None:
        out.print(f"Afviste rækker er skrevet til {rejects}.", highlight=False)


@import_app.command("dream")
def import_dream_command(
    file: Path,
    codes: Annotated[
        Path, typer.Option("--codes", help="Kodefil: code,benefit,target_group,category")
    ],
    rejects: RejectsOption = None,
) -> None:
    """DREAM (ugentlig status, bredt format) fra CSV, Parquet eller SAS."""
    from ungeindsats.ingest.dream import import_dream

    _run_import("DREAM", rejects, lambda wh, options: import_dream(wh, file, codes, options))


@import_app.command("population")
def import_population_command(file: Path, rejects: RejectsOption = None) -> None:
    """Befolkning (FOLK1A) som StatBank CSV, BULK eller JSON-stat."""
    from ungeindsats.ingest.population import import_population

    _run_import("FOLK1A", rejects, lambda wh, options: import_population(wh, file, options))


@import_app.command("jobindsats")
def import_jobindsats_command(
    file: Path,
    table: Annotated[
        str | None,
        typer.Option("--table", help="Jobindsats-tabel, fx Y38A02, hvis filen ikke siger det."),
    ] = None,
    rejects: RejectsOption = None,
) -> None:
    """Jobindsats: et gemt API-svar (JSON) eller en Excel-eksport."""
    from ungeindsats.ingest.jobindsats import import_jobindsats

    _run_import(
        "Jobindsats",
        rejects,
        lambda wh, options: import_jobindsats(wh, file, options, table=table),
    )


def _register_canonical() -> None:
    """One ``ungeindsats import NAME FILE`` per canonical table (docs/canonical-formats.md)."""
    from ungeindsats.ingest.canonical import CANONICAL_TABLES, import_canonical

    for name, spec in CANONICAL_TABLES.items():

        def command(file: Path, rejects: RejectsOption = None, name: str = name) -> None:
            _run_import(
                name, rejects, lambda wh, options: import_canonical(wh, name, file, options)
            )

        command.__doc__ = f"Kanonisk fil for tabellen {spec.table} (CSV eller Parquet)."
        import_app.command(name)(command)


_register_canonical()


@app.command("status")
def status_command() -> None:
    """Vis hvad lageret indeholder: tabeller, rækker, perioder og importer."""
    from ungeindsats.warehouse.status import warehouse_status

    with open_warehouse(settings().warehouse_file) as warehouse:
        status = warehouse_status(warehouse)
    print_status(status)


def print_status(status: WarehouseStatus) -> None:
    tables = Table(title=f"Lageret {status.path} (skemaversion {status.schema_version})")
    for column in ("Tabel", "Rækker", "Personer", "Fra", "Til"):
        tables.add_column(column, justify="right" if column in ("Rækker", "Personer") else "left")
    for t in status.tables:
        tables.add_row(
            t.name,
            _dk(t.rows),
            "" if t.persons is None else _dk(t.persons),
            t.first or "",
            t.last or "",
        )
    out.print(tables)
    out.print("[bold]Importer[/]")
    for i in status.imports:
        rejected = f", {_dk(i.rows_rejected)} afvist" if i.rows_rejected else ""
        out.print(
            f"  {i.import_id:>3}  {i.finished_at:%Y-%m-%d %H:%M}  {i.source:<11} {i.file_name}: "
            f"{_dk(i.rows_accepted)} rækker{rejected} ({i.imported_by}). {i.detail}",
            highlight=False,
        )


def _dk(number: int) -> str:
    """Danish thousands separator: 1.467."""
    return f"{number:,}".replace(",", ".")


@app.command("run")
def run_command(
    examples: Annotated[
        Path | None,
        typer.Option(
            "--examples", help="Brug de små eksempelfiler i denne mappe i stedet for demodata."
        ),
    ] = None,
    kommune: Annotated[
        str, typer.Option("--kommune", help="Kommunen nøgletallene vises for.")
    ] = "791",
    month: Annotated[
        str, typer.Option("--period", help="Måneden nøgletallene vises for.")
    ] = "2019M02",
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Start dashboardet bagefter (stop med Ctrl+C)."),
    ] = True,
) -> None:
    """Hovedkørslen: demodata (dannes første gang), indlæsning, beregning, nøgletal og
    dashboardet på http://127.0.0.1:8000."""
    from ungeindsats.mainjob import run_main_job

    code = _codes(kommune)[0]
    with _progress("Hovedkørsel") as progress:
        result = _guard(
            lambda: run_main_job(settings(), progress, examples=examples, kommune=code, month=month)
        )
    for line in result.messages:
        out.print(line, highlight=False)
    print_status(result.status)
    for table in result.key_figures:
        print_key_figures(table)
    if result.goal_board is not None:
        print_goal_board(result.goal_board)
    if serve:
        from ungeindsats.cli_web import serve_dashboard

        serve_dashboard(settings(), admin=True)


def print_key_figures(table: KeyFigureTable, decimals: int = 1) -> None:
    """One seminar table as disclosure control published it."""
    from ungeindsats.outputs import danish_number

    if not table.rows:
        out.print(f"{table.title}, {table.period}: ingen data.", highlight=False)
        return
    view = Table(title=f"{table.title}, {table.period} ({table.unit})", title_justify="left")
    view.add_column(table.row_label)
    for column in table.columns:
        view.add_column(column, justify="right")
    for label, cells in table.rows:
        view.add_row(
            label,
            *(
                table.marker
                if c.suppressed
                else "–"
                if c.value is None
                else danish_number(c.value, decimals)
                for c in cells
            ),
        )
    out.print(view)
    for note in table.notes:
        out.print(f"  {note}", highlight=False)


def _pairs(texts: list[str], what: str) -> dict[str, list[str]]:
    """Parse repeated ``NAME=v1,v2`` options."""
    result: dict[str, list[str]] = {}
    for text in texts:
        name, sep, values = text.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"'{text}': skriv {what} som NAVN=værdi1,værdi2")
        result[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return result


@fetch_app.command("statbank")
def fetch_statbank_command(
    table: str,
    out_file: Annotated[Path, typer.Option("--out", help="Filen svaret gemmes i.")],
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="Udvalg som VARIABEL=kode1,kode2 (fx Tid=2019K1). Gentages."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="BULK, CSV eller JSONSTAT.")] = "BULK",
) -> None:
    """Hent en tabel fra Danmarks Statistiks Statistikbank (fx FOLK1A) til en fil."""
    from ungeindsats.ingest.statbank import FOLK1A, StatBankClient, folk1a_variables

    variables = _pairs(var or [], "--var")
    if table.upper() == FOLK1A:
        variables = {**folk1a_variables(), **variables}
    with StatBankClient.from_settings(settings()) as client:
        written = _guard(
            lambda: client.fetch(table.upper(), variables, out_file, fmt=fmt.upper())  # type: ignore[arg-type]
        )
    out.print(f"Gemt i {written}. Indlæs med: ungeindsats import population {written}")


@fetch_app.command("jobindsats")
def fetch_jobindsats_command(
    table: str,
    period: Annotated[list[str], typer.Option("--period", help="Måned, fx 2019M02. Gentages.")],
    out_path: Annotated[Path, typer.Option("--out", help="Fil eller mappe svaret gemmes i.")],
    area: Annotated[str, typer.Option("--area", help="Område; * er alle.")] = "*",
    dim: Annotated[
        list[str] | None,
        typer.Option("--dim", help="Dimension som _NAVN=værdi1,værdi2 (fx _kon=*). Gentages."),
    ] = None,
) -> None:
    """Hent en tabel fra Jobindsats' API (nøgle fra indstillingen jobindsats_api_key)."""
    from ungeindsats.ingest.jobindsats_client import JobindsatsClient

    dimensions = _pairs(dim or [], "--dim")
    with JobindsatsClient.from_settings(settings()) as client:
        written = _guard(lambda: client.fetch(table, area, period, out_path, **dimensions))
    out.print(f"Gemt i {written}. Indlæs med: ungeindsats import jobindsats {written}")


def definition_blocks(text: str) -> list[str]:
    """A definition's paragraphs and list items ("- ..."), each joined into one line, so that
    the console wraps them at its own width instead of also at the docstring's line breaks. A
    list item goes on over its indented lines; an unindented line after it starts a paragraph."""
    blocks: list[list[str]] = []
    in_item = False
    for line in text.splitlines():
        words = line.strip()
        if not words:
            blocks.append([])
            in_item = False
            continue
        item = words.startswith("- ")
        if item or not blocks or (in_item and not line[:1].isspace()):
            blocks.append([])
            in_item = item
        blocks[-1].append(words)
    return [" ".join(block) for block in blocks if block]


def _indented(lines: list[str]) -> Table:
    """``lines`` indented by two, wrapped at the console's width; a list item ("- ...") hangs,
    its following lines indented past the dash."""
    grid = Table.grid()
    grid.add_column(width=2)
    grid.add_column()
    for line in lines:
        body: Text | Table = Text(line)
        if line.startswith("- "):
            body = Table.grid()
            body.add_column(width=2)
            body.add_column()
            body.add_row("-", Text(line[2:]))
        grid.add_row("", body)
    return grid


@app.command("indicators")
def indicators_command() -> None:
    """Vis alle nøgletal med navn, enhed, opdelinger og definition."""
    from ungeindsats.indicators import all_indicators

    for item in all_indicators():
        out.print(f"[bold]{item.name}[/] – {item.label} ({item.unit})")
        lines = [
            *definition_blocks(item.definition),
            f"Opdelinger: {', '.join(item.breakdowns) or 'ingen'}",
            f"Kilde: {item.source}",
        ]
        out.print(_indented(lines), highlight=False)
        out.print()


def _codes(text: str) -> tuple[int, ...]:
    from ungeindsats.classifications import resolve_municipality

    codes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        code = resolve_municipality(part)
        if code is None:
            raise typer.BadParameter(f"'{part}' er ikke en kommune (skriv fx 791 eller Viborg)")
        codes.append(code)
    return tuple(codes)


@app.command("indicator")
def indicator_command(
    name: str,
    kommune: Annotated[
        str, typer.Option("--kommune", help="Kommunekode(r), fx 791; 000 = hele landet.")
    ],
    period: Annotated[
        str,
        typer.Option("--period", help="Periode eller interval, fx 2019M02 eller 2016M03:2019M02."),
    ],
    by: Annotated[str, typer.Option("--by", help="Opdelinger, fx youth_group,benefit.")] = "",
    compare: Annotated[
        str, typer.Option("--compare", help="Sammenlign med kommuner, fx 000,741.")
    ] = "",
    ages: Annotated[str, typer.Option("--ages", help="Aldersgruppe, fx 18-29.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="table, csv eller json.")] = "table",
) -> None:
    """Beregn et nøgletal for kommuner og perioder."""
    from ungeindsats.indicators import Query
    from ungeindsats.outputs import render_published
    from ungeindsats.periods import parse_range
    from ungeindsats.published import publish_indicator

    def run() -> str:
        low, _, high = ages.partition("-")
        query = Query(
            municipalities=_codes(kommune) + _codes(compare),
            periods=tuple(parse_range(period).periods()),
            by=tuple(b.strip() for b in by.split(",") if b.strip()),
            ages=(int(low), int(high)) if ages else None,
        )
        with open_warehouse(settings().warehouse_file) as warehouse:
            table = publish_indicator(warehouse, disclosure_rule(settings()), name, query)
        return render_published(table, fmt)

    out.print(_guard(run), highlight=False, markup=False)


@app.command("compute")
def compute_command() -> None:
    """Genberegn de afledte tabeller og nøgletalslaget efter en import."""
    from ungeindsats.indicators.precompute import compute

    with (
        _progress("Beregner nøgletal") as progress,
        open_warehouse(settings().warehouse_file) as wh,
    ):
        summary = _guard(lambda: compute(wh, progress=progress))
    out.print(str(summary), highlight=False)


@demo_app.command("generate")
def demo_generate_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Mappen filerne skrives i.")],
    scale: Annotated[float, typer.Option("--scale", help="1.0 = hele landet; 0.05 = lille.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Tilfældighedsfrø.")] = 2019,
    years: Annotated[str, typer.Option("--years", help="År, fx 2012:2019.")] = "2012:2019",
) -> None:
    """Dan demodata i de rigtige inputformater (DREAM, FOLK1A, Jobindsats, kanoniske filer)."""
    from ungeindsats.demo import generate_demo

    first, _, last = years.partition(":")
    with _progress("Demodata") as progress:
        manifest = _guard(
            lambda: generate_demo(
                out_dir,
                scale=scale,
                seed=seed,
                years=(int(first), int(last or first)),
                progress=progress,
            )
        )
    for file in manifest.files:
        out.print(f"{file.kind:<14} {file.path}  ({_dk(file.rows)} rækker)", highlight=False)
    out.print(
        f"{_dk(manifest.persons)} personer på {manifest.seconds:.0f} s. Indlæs i rækkefølgen "
        f"ovenfor (se {out_dir / 'manifest.json'}), eller kør 'ungeindsats run'.",
        highlight=False,
    )


from ungeindsats.cli_economics import register as _register_economics  # noqa: E402

_register_economics(app)
