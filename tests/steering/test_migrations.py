"""Migrations on both backends: from an empty database, and from the previous schema version
with data in it; and the migrated schema matches the models."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ungeindsats.steering import head_revision, open_steering
from ungeindsats.steering.db import create_steering_engine, migrate
from ungeindsats.steering.models import Base
from ungeindsats.steering.plan import record_measurement

CORE = {"users", "web_sessions", "login_attempts", "audit_log", "interventions"}
CORE |= {"status_evaluations", "goals"}


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty(steering_url: str) -> None:
    with open_steering(steering_url) as db:
        assert db.schema_version() == head_revision() == "0002"
        assert _tables(db.engine) == CORE | {"goal_measurements"}
    with open_steering(steering_url) as db:  # opening again is a no-op
        assert db.schema_version() == "0002"


def test_migrated_schema_matches_the_models(steering_url: str) -> None:
    with open_steering(steering_url) as db, db.engine.connect() as con:
        differences = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert differences == []


def test_upgrade_from_previous_version_keeps_the_data(steering_url: str) -> None:
    """At 0001 there are goals but no measurements table; a goal written then survives the
    upgrade to 0002 and can be measured afterwards."""
    engine = create_steering_engine(steering_url)
    migrate(engine, "0001")
    assert _tables(engine) == CORE
    with engine.begin() as con:
        con.execute(
            sa.text(
                "INSERT INTO goals (key, title, kind, unit, direction, baseline_value,"
                " baseline_date, note, created_at) VALUES ('jobparate', 'Jobparate', "
                "'performance', 'helårspersoner', 'down', 41, :day, '', :at)"
            ),
            {"day": date(2016, 10, 31), "at": "2017-01-01 00:00:00"},
        )
    engine.dispose()
    with open_steering(steering_url) as db:
        assert db.schema_version() == "0002"
        assert "ix_audit_log_entity" in {
            i["name"] for i in sa.inspect(db.engine).get_indexes("audit_log")
        }
        with db.begin() as s:
            assert record_measurement(s, "jobparate", date(2017, 2, 28), 27, who="anna")
        with db.engine.connect() as con:
            rows = con.execute(
                sa.text(
                    "SELECT g.key, g.baseline_value, m.value FROM goals g "
                    "JOIN goal_measurements m ON m.goal_id = g.id"
                )
            ).all()
    assert [tuple(r) for r in rows] == [("jobparate", 41.0, 27.0)]
