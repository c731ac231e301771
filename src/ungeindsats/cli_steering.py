"""Commands for the steering database: web users (``ungeindsats users``) and the action plan
(``ungeindsats steering``). Each command parses, makes one library call and prints."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.orm import Session

from ungeindsats.steering import SteeringDB, open_steering
from ungeindsats.steering.board import GoalBoard

users_app = typer.Typer(
    help="Brugere af webløsningen (roller og adgangskoder).", no_args_is_help=True
)
steering_app = typer.Typer(
    help="Handleplanen: indsatser, statusevalueringer og mål.", no_args_is_help=True
)
T = TypeVar("T")

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Læs adgangskoden fra standard input (første linje)."),
]


def _who() -> str:
    from ungeindsats.cli import settings

    return settings().user or getpass.getuser()


def _in_transaction(call: Callable[[Session], T]) -> T:
    """Open the configured steering database and run ``call`` in one transaction, with the
    CLI's Danish error handling."""
    from ungeindsats.cli import _guard, settings

    def run() -> T:
        with open_steering(settings().steering_database_url) as db, db.begin() as session:
            return call(session)

    return _guard(run)


def _with_db(call: Callable[[SteeringDB], T]) -> T:
    from ungeindsats.cli import _guard, settings

    def run() -> T:
        with open_steering(settings().steering_database_url) as db:
            return call(db)

    return _guard(run)


def _password(from_stdin: bool) -> str:
    """The new password, never echoed: the first line of stdin, or a prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(
        typer.prompt("Adgangskode", hide_input=True, confirmation_prompt="Gentag adgangskoden")
    )


@users_app.command("add")
def users_add_command(
    username: str,
    role: Annotated[
        str, typer.Option("--role", help="Rolle: admin, analyst, editor eller viewer.")
    ] = "viewer",
    name: Annotated[str | None, typer.Option("--name", help="Navn der vises.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Opret en bruger. Adgangskoden spørges om to gange (vises ikke)."""
    from ungeindsats.cli import out
    from ungeindsats.steering import add_user

    password = _password(password_stdin)
    user = _in_transaction(
        lambda s: add_user(s, username, password, role, who=_who(), display_name=name)
    )
    out.print(f"Brugeren {user.username} er oprettet med rollen {user.role}.", highlight=False)


@users_app.command("remove")
def users_remove_command(username: str) -> None:
    """Slet en bruger og brugerens sessioner."""
    from ungeindsats.cli import out
    from ungeindsats.steering import remove_user

    _in_transaction(lambda s: remove_user(s, username, who=_who()))
    out.print(f"Brugeren {username} er slettet.", highlight=False)


@users_app.command("passwd")
def users_passwd_command(username: str, password_stdin: PasswordStdin = False) -> None:
    """Giv en bruger en ny adgangskode (brugeren logges ud overalt)."""
    from ungeindsats.cli import out
    from ungeindsats.steering import set_password

    password = _password(password_stdin)
    _in_transaction(lambda s: set_password(s, username, password, who=_who()))
    out.print(f"Adgangskoden for {username} er skiftet.", highlight=False)


@users_app.command("list")
def users_list_command() -> None:
    """Vis brugerne med rolle og om de er aktive."""
    from ungeindsats.cli import out
    from ungeindsats.steering import list_users

    for user in _in_transaction(list_users):
        state = "aktiv" if user.active else "spærret"
        out.print(
            f"{user.username:<20} {user.role:<8} {state:<8} {user.display_name}", highlight=False
        )


@steering_app.command("import")
def steering_import_command(file: Path) -> None:
    """Indlæs en handleplan (YAML) – alt eller intet; uændrede rækker røres ikke."""
    from ungeindsats.cli import out
    from ungeindsats.steering.plan_file import import_plan

    summary = _in_transaction(lambda s: import_plan(s, file, who=_who()))
    out.print(str(summary), highlight=False)


@steering_app.command("export")
def steering_export_command(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Skriv filen hertil (ellers til skærmen).")
    ] = None,
) -> None:
    """Skriv handleplanen som YAML i samme format, som import læser."""
    from ungeindsats.cli import out
    from ungeindsats.steering.plan_file import export_plan

    text = _in_transaction(export_plan)
    if out_file is None:
        out.print(text, highlight=False, markup=False, end="")
        return
    out_file.write_text(text, encoding="utf-8")
    out.print(f"Handleplanen er skrevet til {out_file}.", highlight=False)


@steering_app.command("measure")
def steering_measure_command(
    month: Annotated[str, typer.Option("--period", help="Mål til og med måneden, fx 2019M02.")],
    refresh: Annotated[
        bool, typer.Option("--alle", help="Genberegn også måneder, der allerede er målt.")
    ] = False,
) -> None:
    """Mål de mål, der er knyttet til et nøgletal, fra lageret måned for måned."""
    from ungeindsats.cli import out, settings
    from ungeindsats.periods import parse_period
    from ungeindsats.steering.measure import measure_goals
    from ungeindsats.warehouse import open_warehouse

    def run(session: Session) -> str:
        with open_warehouse(settings().warehouse_file) as warehouse:
            return str(measure_goals(session, warehouse, parse_period(month), refresh=refresh))

    out.print(_in_transaction(run), highlight=False)


@steering_app.command("board")
def steering_board_command(
    month: Annotated[
        str | None, typer.Option("--period", help="Vis målingerne til og med måneden.")
    ] = None,
) -> None:
    """Vis måltavlen: mål, udgangspunkt, måltal, seneste måling og status."""
    from ungeindsats.cli import disclosure_rule, settings
    from ungeindsats.periods import parse_period
    from ungeindsats.steering.board import goal_board

    as_of = parse_period(month).end_date if month else None
    board = _in_transaction(lambda s: goal_board(s, disclosure_rule(settings()), as_of))
    print_goal_board(board)


def _value(value: float | None) -> str:
    from ungeindsats.outputs import danish_number

    if value is None:
        return "–"
    rounded = round(value, 1)
    return danish_number(int(rounded)) if rounded.is_integer() else danish_number(rounded)


def print_goal_board(board: GoalBoard) -> None:
    """The goal board as a table: goal, baseline, target, latest, status and trend."""
    from rich.table import Table

    from ungeindsats.cli import out

    title = "Måltavle" + (f" pr. {board.as_of:%d.%m.%Y}" if board.as_of else "")
    if not board.rows:
        out.print(f"{title}: ingen mål.", highlight=False)
        return
    view = Table(title=title, title_justify="left")
    for column in ("Mål", "Udgangspunkt", "Måltal", "Seneste", "Status", "Tendens"):
        view.add_column(
            column, justify="left" if column in ("Mål", "Status", "Tendens") else "right"
        )
    for row in board.rows:
        card = row.card
        where = f"indsats {row.intervention}: " if row.intervention else ""
        target = "–"
        if row.target:
            target = f"{_value(row.target.value)} ({row.target.date:%d.%m.%Y})"
        latest = "–"
        if card.latest:
            when = row.latest_period or f"{card.latest.date:%d.%m.%Y}"
            latest = f"{_value(card.latest.value)} ({when})"
        view.add_row(
            f"{where}{row.title} ({row.unit})",
            f"{_value(row.baseline.value)} ({row.baseline.date:%d.%m.%Y})",
            target,
            latest,
            card.status_label,
            card.trend.label() if card.trend else "",
        )
    out.print(view)
    hidden = sum(row.hidden for row in board.rows)
    if hidden:
        out.print(
            f"  {hidden} målinger fra nøgletallene hviler på under {board.marker.lstrip('<')} "
            "personer og er udeladt (diskretionering).",
            highlight=False,
        )
