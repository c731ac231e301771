"""The interventions' status table in the layout of seed 000 ("Bilag 1") and the goal board,
from the steering database (``ungeindsats.steering``).

The steering database is read as of the report's month: the latest status evaluation of each
intervention dated up to the month's end, and the goal board with measurements up to then. The
goal board has passed disclosure control in ``ungeindsats.steering.board`` (a measurement on
too few persons is left out); the interventions' texts are the plan's own words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ungeindsats.outputs import danish_number
from ungeindsats.reports.external import installed
from ungeindsats.reports.model import ReportTable, Row, Section
from ungeindsats.reports.plan import Context, SectionDef, Tables, unavailable

log = logging.getLogger(__name__)

STATUS_TITLE = "Bilag 1: Status på indsatserne"
BOARD_TITLE = "Måltavle: effektmål og måltal"
STATUS_COLUMNS = (
    "Hvad går indsatsen ud på?",
    "Hvem er målgruppen for indsatsen?",
    "Hvor langt er vi? (eventuelle, foreløbige resultater)",
)
"""Seed 000's columns; the first, "Handleplanen – nr. og titel", is the row label."""
SOURCE = "Styringsdatabasen (handleplanens indsatser, statusevalueringer og mål)"


def _missing_database(url: str) -> bool:
    """A SQLite steering database that has not been made yet (opening would create it)."""
    prefix = "sqlite:///"
    return url.startswith(prefix) and not Path(url[len(prefix) :]).exists()


def _why_not(ctx: Context) -> str | None:
    if not installed("steering"):
        return "styringsdatabasen er ikke installeret."
    if _missing_database(ctx.settings.steering_database_url):
        return (
            "der er ingen styringsdatabase endnu (indlæs en handleplan, fx med 'ungeindsats run')."
        )
    return None


def _status_table(ctx: Context) -> ReportTable:
    from ungeindsats.steering.db import open_steering
    from ungeindsats.steering.plan import list_interventions

    as_of = ctx.month.end_date
    rows = []
    url = ctx.settings.steering_database_url
    with open_steering(url, upgrade=False) as db, db.begin() as session:
        for item in list_interventions(session):
            shown = [e for e in item.evaluations if e.date <= as_of]
            latest = shown[-1] if shown else None
            if latest is None:
                cells = (
                    item.purpose,
                    item.target_group,
                    f"{item.status} (ingen statusevaluering)",
                )
            else:
                progress = " ".join(p for p in (latest.progress, latest.results) if p)
                cells = (
                    latest.description or item.purpose,
                    latest.target_group or item.target_group,
                    f"{progress} Status: {latest.traffic_light} ({latest.date.isoformat()}).",
                )
            rows.append(Row(f"{item.number}. {item.title}", cells, item.number))
    return ReportTable(
        "indsatser", "Resumé over status på indsatserne", "", f"pr. {as_of.isoformat()}",
        "Handleplanen – nr. og titel", STATUS_COLUMNS, tuple(rows), SOURCE, ctx.rule.marker,
    )  # fmt: skip


def _point(value: float | None, when: date | None, unit: str) -> str:
    if value is None:
        return "–"
    text = danish_number(float(value), 1).removesuffix(",0")
    return f"{text} {unit} ({when.isoformat()})" if when else f"{text} {unit}"


def _board_table(ctx: Context) -> ReportTable:
    from ungeindsats.steering.board import goal_board
    from ungeindsats.steering.db import open_steering

    url = ctx.settings.steering_database_url
    with open_steering(url, upgrade=False) as db, db.begin() as session:
        board = goal_board(session, ctx.rule, as_of=ctx.month.end_date)
    rows = []
    for goal in board.rows:
        card = goal.card
        latest = card.latest
        rows.append(
            Row(
                goal.title,
                (
                    _point(goal.baseline.value, goal.baseline.date, goal.unit),
                    _point(goal.target.value, goal.target.date, goal.unit) if goal.target else "–",
                    _point(latest.value, latest.date, goal.unit) if latest else "–",
                    card.status_label,
                ),
                goal.key,
            )
        )
    return ReportTable(
        "maal", "Måltavle", "", f"pr. {ctx.month.end_date.isoformat()}", "Mål",
        ("Udgangspunkt", "Måltal", "Seneste måling", "Status"), tuple(rows), SOURCE,
        board.marker,
        ("Målinger fra nøgletallene, der hviler på for få personer, er udeladt.",),
    )  # fmt: skip


def _from_steering(
    ctx: Context, key: str, title: str, build: Callable[[Context], ReportTable]
) -> ReportTable | Section:
    """The section's table from the steering database, or the section saying why not: a
    missing capability must not stop the rest of the report."""
    why = _why_not(ctx)
    if why is not None:
        return unavailable(key, title, why)
    try:
        return build(ctx)
    except Exception as exc:
        log.warning("%s unavailable: %s", key, type(exc).__name__)
        return unavailable(key, title, f"styringsdatabasen svarede ikke ({exc}).")


def _interventions(ctx: Context, tables: Tables) -> Section:
    table = _from_steering(ctx, "indsatser", STATUS_TITLE, _status_table)
    if isinstance(table, Section):
        return table
    text = (
        f"Resuméet af den seneste statusevaluering af hver af handleplanens "
        f"{len(table.rows)} indsatser, som den foreligger {table.period}."
    )
    return Section("indsatser", STATUS_TITLE, (text,), (table,))


def _goals(ctx: Context, tables: Tables) -> Section:
    table = _from_steering(ctx, "maal", BOARD_TITLE, _board_table)
    if isinstance(table, Section):
        return table
    statuses = [row.cells[-1] for row in table.rows]
    counts = ", ".join(f"{statuses.count(s)} {str(s).lower()}" for s in dict.fromkeys(statuses))
    text = f"{len(table.rows)} mål i handleplanen {table.period}: {counts}."
    return Section("maal", BOARD_TITLE, (text,), (table,))


INTERVENTIONS = SectionDef("indsatser", (), _interventions)
GOALS = SectionDef("maal", (), _goals)
