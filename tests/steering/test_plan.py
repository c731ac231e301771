"""Action plan services: every change audited with who, before and after; the engine never
overwrites a hand-entered measurement; editors edit only their own interventions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import SteeringDB, add_user
from ungeindsats.steering.audit import history
from ungeindsats.steering.models import AuditEntry
from ungeindsats.steering.plan import (
    EvaluationData,
    GoalData,
    InterventionData,
    can_edit,
    delete_goal,
    delete_intervention,
    get_goal,
    get_intervention,
    record_measurement,
    save_evaluation,
    save_goal,
    save_intervention,
)

ELEVEN = InterventionData(number="11", title="Straksaktivering", track=2, owner="Jobcentret")
GOAL = GoalData(
    key="jobparate",
    title="Jobparate under 30 år",
    kind="performance",
    direction="down",
    baseline_value=41,
    baseline_date=date(2016, 10, 31),
    target_value=15,
    target_date=date(2017, 10, 31),
    intervention_number="11",
)


def test_audit_trail_of_an_intervention(db: SteeringDB) -> None:
    """create (no before), update (before and after differ only in what changed), delete of
    the evaluation and of the intervention (no after); each with its author."""
    with db.begin() as s:
        assert save_intervention(s, ELEVEN, who="anna")
        assert not save_intervention(s, ELEVEN, who="anna")  # same values: nothing happens
        evaluation = EvaluationData(date(2017, 4, 1), "Formanden", "grøn", progress="I gang")
        assert save_evaluation(s, "11", evaluation, who="anna")
    with db.begin() as s:
        changed = InterventionData(**{**ELEVEN.__dict__, "status": "i gang"})
        assert save_intervention(s, changed, who="bo")
        intervention_id = get_intervention(s, "11").id  # type: ignore[union-attr]
    with db.begin() as s:
        delete_intervention(s, "11", who="carl")
    with db.begin() as s:
        trail = history(s, "intervention", intervention_id)
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.who) for e in trail] == [
        ("create", "anna"),
        ("update", "bo"),
        ("delete", "carl"),
    ]
    create, update, delete = trail
    assert create.before is None and create.after is not None
    assert create.after["title"] == "Straksaktivering"
    assert update.before is not None and update.after is not None
    changed_fields = {k for k in update.after if update.after[k] != update.before.get(k)}
    assert changed_fields == {"status", "updated_at"}
    assert delete.before is not None and delete.before["status"] == "i gang"
    assert delete.after is None
    assert [(e.entity, e.action) for e in entries] == [
        ("intervention", "create"),
        ("evaluation", "create"),
        ("intervention", "update"),
        ("evaluation", "delete"),
        ("intervention", "delete"),
    ]


def test_measurements_hand_entered_win(db: SteeringDB) -> None:
    """Feb 2017: 27 entered by hand; the engine's 30 for the same date is not stored; a new
    date from the engine is; entering by hand over the engine's value replaces it."""
    with db.begin() as s:
        save_intervention(s, ELEVEN, who="anna")
        save_goal(s, GOAL, who="anna")
        assert record_measurement(s, "jobparate", date(2017, 2, 28), 27, who="anna")
        assert not record_measurement(
            s, "jobparate", date(2017, 2, 28), 30, who="motor", source="indicator", persons=30
        )
        assert record_measurement(
            s, "jobparate", date(2017, 3, 31), 25, who="motor", source="indicator", persons=28
        )
        assert not record_measurement(
            s, "jobparate", date(2017, 3, 31), 25, who="motor", source="indicator", persons=28
        )
        assert record_measurement(s, "jobparate", date(2017, 3, 31), 24, who="bo")
    with db.begin() as s:
        goal = get_goal(s, "jobparate")
        assert goal is not None
        rows = [(m.date.month, m.value, m.source, m.entered_by) for m in goal.measurements]
        trail = [
            (e.action, e.who)
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.entity == "measurement").order_by(AuditEntry.id)
            )
        ]
    assert rows == [(2, 27, "manual", "anna"), (3, 24, "manual", "bo")]
    assert trail == [("create", "anna"), ("create", "motor"), ("update", "bo")]


def test_goal_rules(db: SteeringDB) -> None:
    with db.begin() as s:
        save_intervention(s, ELEVEN, who="anna")
        with pytest.raises(UserError, match="måltal kræver både værdi og dato"):
            save_goal(s, GoalData(**{**GOAL.__dict__, "target_date": None}), who="anna")
        with pytest.raises(UserError, match="Indsatsen '12' findes ikke"):
            save_goal(s, GoalData(**{**GOAL.__dict__, "intervention_number": "12"}), who="a")
        with pytest.raises(UserError, match="Trafiklys"):
            save_evaluation(s, "11", EvaluationData(date(2017, 4, 1), "F", "blå"), who="a")
        save_goal(s, GOAL, who="anna")
        record_measurement(s, "jobparate", date(2017, 2, 28), 27, who="anna")
    with db.begin() as s:
        delete_goal(s, "jobparate", who="bo")
        deleted = s.scalars(select(AuditEntry.entity).where(AuditEntry.action == "delete")).all()
    assert deleted == ["measurement", "goal"]


def test_editor_edits_only_own_interventions(db: SteeringDB) -> None:
    with db.begin() as s:
        editor = add_user(s, "eva", "hemmeligt-1", "editor", who="admin")
        other = add_user(s, "ole", "hemmeligt-1", "editor", who="admin")
        viewer = add_user(s, "vic", "hemmeligt-1", "viewer", who="admin")
        analyst = add_user(s, "ana", "hemmeligt-1", "analyst", who="admin")
        save_intervention(
            s, InterventionData(**{**ELEVEN.__dict__, "owner_user_id": editor.id}), who="admin"
        )
        eleven = get_intervention(s, "11")
        assert eleven is not None
        assert can_edit(editor, eleven)
        assert not can_edit(other, eleven)
        assert not can_edit(viewer, eleven)
        assert can_edit(analyst, eleven)
