"""Bilag 1 (seed 000's layout) and the goal board, read from a real steering database on SQLite
and on PostgreSQL (127.0.0.1:5432; a uniquely named database, dropped afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.periods import parse_period
from ungeindsats.reports import Report, build_report
from ungeindsats.reports.steering_sections import GOALS, INTERVENTIONS, STATUS_COLUMNS
from ungeindsats.settings import Settings
from ungeindsats.steering import open_steering
from ungeindsats.steering.plan import (
    EvaluationData,
    GoalData,
    InterventionData,
    record_measurement,
    save_evaluation,
    save_goal,
    save_intervention,
)
from ungeindsats.warehouse import open_warehouse

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@pytest.fixture(params=["sqlite", "postgresql"])
def steering_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'steering.sqlite'}"
        return
    name = f"report_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        pytest.skip("PostgreSQL på 127.0.0.1:5432 kan ikke nås")
    try:
        yield PG + name
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _plan(url: str) -> None:
    """Seed 000/002's intervention 11 with two status evaluations and its goal:
    - evaluation 2016-11-30 (gul): "Startet oktober 2016."
    - evaluation 2017-03-15 (grøn): "27 helårspersoner." with result "Fra 41 mod 15."
    - goal 'jobparate': from 41 (2016-10-31) down to 15 (2017-10-31), measured by hand 27 on
      2017-02-28; at that date the straight path from 41 to 15 over 12 months is at about 32,
      so 27 is ahead of it ("På sporet")."""
    with open_steering(url) as db, db.begin() as session:
        save_intervention(
            session,
            InterventionData("11", "Straksaktivering af jobparate", 2, "Straksaktivering.",
                             "Jobparate under 30 år"),
            who="test",
        )  # fmt: skip
        for day, light, progress, results in (
            (date(2016, 11, 30), "gul", "Startet oktober 2016.", ""),
            (date(2017, 3, 15), "grøn", "27 helårspersoner.", "Fra 41 mod 15."),
        ):
            save_evaluation(
                session,
                "11",
                EvaluationData(day, "Arbejdsgruppen", light, "Straksaktivering på Jobigen.",
                               "Unge jobparate", progress, results),
                who="test",
            )  # fmt: skip
        save_goal(
            session,
            GoalData("jobparate", "Jobparate under 30 år", "performance", "down", 41.0,
                     date(2016, 10, 31), 15.0, date(2017, 10, 31), "helårspersoner", "11"),
            who="test",
        )  # fmt: skip
        record_measurement(session, "jobparate", date(2017, 2, 28), 27.0, who="test")


def _report(url: str, tmp_path: Path, month: str) -> Report:
    settings = Settings(data_dir=tmp_path, steering_url=url)
    warehouse = open_warehouse(None)
    return build_report(
        warehouse, settings, 791, parse_period(month), sections=(INTERVENTIONS, GOALS),
        rule=DisclosureRule(5),
    )  # fmt: skip


def test_bilag_1_in_seed_000s_layout(steering_url: str, tmp_path: Path) -> None:
    _plan(steering_url)
    report = _report(steering_url, tmp_path, "2019M02")
    status = report.sections[0].tables[0]
    assert status.row_label == "Handleplanen – nr. og titel"
    assert status.columns == STATUS_COLUMNS
    assert [r.label for r in status.rows] == ["11. Straksaktivering af jobparate"]
    what, who, how_far = status.rows[0].cells
    assert (what, who) == ("Straksaktivering på Jobigen.", "Unge jobparate")
    assert how_far == "27 helårspersoner. Fra 41 mod 15. Status: grøn (2017-03-15)."


def test_status_is_as_of_the_report_month(steering_url: str, tmp_path: Path) -> None:
    """January 2017 is before the second evaluation: the first one is shown; October 2016 is
    before both, and the intervention's own fields stand in."""
    _plan(steering_url)
    january = _report(steering_url, tmp_path, "2017M01").sections[0].tables[0]
    assert january.rows[0].cells[2] == "Startet oktober 2016. Status: gul (2016-11-30)."
    october = _report(steering_url, tmp_path, "2016M10").sections[0].tables[0]
    assert october.rows[0].cells[0] == "Straksaktivering."
    assert october.rows[0].cells[2].endswith("(ingen statusevaluering)")


def test_goal_board(steering_url: str, tmp_path: Path) -> None:
    _plan(steering_url)
    board = _report(steering_url, tmp_path, "2019M02").sections[1]
    table = board.tables[0]
    assert table.columns == ("Udgangspunkt", "Måltal", "Seneste måling", "Status")
    assert [r.label for r in table.rows] == ["Jobparate under 30 år"]
    assert table.rows[0].cells == (
        "41 helårspersoner (2016-10-31)",
        "15 helårspersoner (2017-10-31)",
        "27 helårspersoner (2017-02-28)",
        "På sporet",
    )
    assert board.paragraphs == ("1 mål i handleplanen pr. 2019-02-28: 1 på sporet.",)


def test_no_steering_database_no_numbers(tmp_path: Path) -> None:
    """Without a steering database the two sections say so, and none is created."""
    url = f"sqlite:///{tmp_path / 'mangler.sqlite'}"
    report = _report(url, tmp_path, "2019M02")
    assert [s.available for s in report.sections] == [False, False]
    assert "ingen styringsdatabase" in report.sections[0].paragraphs[0]
    assert not (tmp_path / "mangler.sqlite").exists()
