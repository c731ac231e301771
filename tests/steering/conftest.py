"""Every steering test runs on a SQLite file and on PostgreSQL.

PostgreSQL (127.0.0.1:5432, trust auth, user postgres) gets one uniquely named database per
test session, dropped at the end, and a fresh schema per test. When the server cannot be
reached the PostgreSQL variants are skipped with the reason; the run ends by saying which
backends were used.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from ungeindsats.steering import SteeringDB, open_steering

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class _Used:
    backends: set[str] = field(default_factory=set)
    skipped: str | None = None


USED = _Used()


@dataclass(frozen=True)
class PgDatabase:
    url: str | None
    reason: str | None


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase]:
    name = f"steering_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL på 127.0.0.1:5432 kan ikke nås ({type(exc.orig).__name__})"
        USED.skipped = reason
        yield PgDatabase(None, reason)
        return
    try:
        yield PgDatabase(PG_SERVER + name, None)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def steering_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_database: PgDatabase
) -> Iterator[str]:
    """The URL of an empty steering database on each backend (no schema yet)."""
    if request.param == "sqlite":
        USED.backends.add("sqlite")
        yield f"sqlite:///{tmp_path / 'steering.sqlite'}"
        return
    if pg_database.url is None:
        pytest.skip(pg_database.reason or "PostgreSQL mangler")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(pg_database.url)
    with engine.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    USED.backends.add("postgresql")
    # Every connection of the test sees only its own schema.
    yield f"{pg_database.url}?options=-csearch_path%3D{schema}"
    with engine.begin() as con:
        con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def db(steering_url: str) -> Iterator[SteeringDB]:
    """A steering database migrated to the newest schema."""
    with open_steering(steering_url) as database:
        yield database


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not USED.backends and USED.skipped is None:
        return
    used = ", ".join(sorted(USED.backends)) or "ingen"
    terminalreporter.write_line(f"styringsdatabasen testet på: {used}")
    if USED.skipped:
        terminalreporter.write_line(f"PostgreSQL sprunget over: {USED.skipped}")
