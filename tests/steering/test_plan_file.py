"""The action plan as YAML: the demo plan loads idempotently and round-trips; bad files are
refused with a Danish message naming file, line and field, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import SteeringDB, open_steering
from ungeindsats.steering.demo import DEMO_PLAN
from ungeindsats.steering.models import AuditEntry, Goal, Intervention, Measurement
from ungeindsats.steering.plan_file import export_plan, import_plan
from ungeindsats.steering.yaml_reader import PlanError

GOOD = """\
indsatser:
  - nummer: "11"
    titel: Straksaktivering af jobparate
    spor: 2
    start: 2016-10-01
mål:
  - nøgle: jobparate
    titel: Jobparate under 30 år
    type: indsats
    indsats: "11"
    retning: ned
    udgangspunkt: {værdi: 41, dato: 2016-10-31}
    måltal: {værdi: 15, dato: 2017-10-31}
    indikator: {navn: fte, kommune: Viborg, alder: 18-29, filtre: {target_group: [jobparat]}}
"""


def _counts(db: SteeringDB) -> tuple[int, int, int, int]:
    with db.begin() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(t))
            for t in (Intervention, Goal, Measurement, AuditEntry)
        )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_plan_loads_idempotently_and_round_trips(db: SteeringDB, tmp_path: Path) -> None:
    """Seed 000 has 16 long-term interventions (1a–1d, 2–13) and seed 002 nine quick wins:
    25 interventions; five goals with one hand-entered measurement each."""
    with db.begin() as s:
        first = import_plan(s, DEMO_PLAN, who="demo")
    counts = _counts(db)
    assert counts[:3] == (25, 5, 5)
    assert counts[3] == first.changed  # one audit entry per row written
    with db.begin() as s:
        second = import_plan(s, DEMO_PLAN, who="demo")
        exported = export_plan(s)
    assert second.changed == 0 and second.unchanged == first.changed
    assert _counts(db) == counts  # nothing changed, nothing audited
    with db.begin() as s:
        goal = s.scalars(select(Goal).where(Goal.key == "jobparate-under-30")).one()
        assert (goal.baseline_value, goal.target_value) == (41, 15)
        assert goal.intervention is not None and goal.intervention.number == "11"
        assert [(m.value, m.source) for m in goal.measurements] == [(27, "manual")]
        assert goal.indicator_query == {
            "municipality": 791,
            "ages": [18, 29],
            "filters": {"benefit": ["kontanthjaelp"], "target_group": ["jobparat"]},
        }
    # The export reads back to the same plan (into a SQLite file, whatever the backend).
    again = tmp_path / "again.yaml"
    again.write_text(exported, encoding="utf-8")
    with open_steering(f"sqlite:///{tmp_path / 'again.sqlite'}") as other:
        with other.begin() as s:
            import_plan(s, again, who="demo")
        with other.begin() as s:
            assert export_plan(s) == exported


def test_changing_one_field_changes_one_row_and_audits_before_and_after(
    db: SteeringDB, tmp_path: Path
) -> None:
    path = _write(tmp_path, GOOD)
    with db.begin() as s:
        import_plan(s, path, who="anna")
    path.write_text(GOOD.replace("start: 2016-10-01", "start: 2016-11-01"), encoding="utf-8")
    with db.begin() as s:
        summary = import_plan(s, path, who="bo")
        entries = s.scalars(select(AuditEntry).where(AuditEntry.who == "bo")).all()
    assert summary.changed == 1
    (entry,) = entries
    assert (entry.action, entry.entity) == ("update", "intervention")
    assert entry.before is not None and entry.after is not None
    assert entry.before["start_date"] == "2016-10-01"
    assert entry.after["start_date"] == "2016-11-01"
    assert entry.before["number"] == entry.after["number"] == "11"


BAD_CASES = [
    (
        GOOD.replace("    spor: 2\n", "    spor: 2\n    farve: blå\n"),
        r"plan\.yaml, linje 5: felt 'indsatser\[1\]\.farve': ukendt felt 'farve'",
    ),
    (
        GOOD.replace("navn: fte", "navn: fuldtid"),
        r"plan\.yaml, linje 14 \(værdi 'fuldtid'\): felt 'mål\[1\]\.indikator\.navn': "
        r"ukendt nøgletal",
    ),
    (
        GOOD.replace("start: 2016-10-01", "start: 01-10-2016"),
        r"plan\.yaml, linje 5 \(værdi '01-10-2016'\): felt 'indsatser\[1\]\.start': "
        r"forkert datoformat; skriv ÅÅÅÅ-MM-DD",
    ),
    (
        GOOD.replace(
            "mål:\n",
            '  - nummer: "11"\n    titel: Igen\n    spor: 1\nmål:\n',
        ),
        r"plan\.yaml, linje 6 \(værdi '11'\): felt 'indsatser\[2\]\.nummer': "
        r"indsatsnummeret '11' står to gange \(også indsatser\[1\]\)",
    ),
    (
        GOOD.replace('indsats: "11"', 'indsats: "99"'),
        r"linje 10 \(værdi '99'\): felt 'mål\[1\]\.indsats': ukendt indsats",
    ),
    (
        GOOD.replace("filtre: {target_group: [jobparat]}", "filtre: {kommune: [1]}"),
        r"felt 'mål\[1\]\.indikator\.filtre\.kommune': fte kan ikke opdeles på 'kommune'",
    ),
    (GOOD.replace("    spor: 2\n", "    spor: 3\n"), r"felt 'indsatser\[1\]\.spor': skal være 1"),
    (
        GOOD.replace("start: 2016-10-01", "start: 2017-02-30"),
        r"linje 5 \(værdi '2017-02-30'\): felt 'indsatser\[1\]\.start': datoen findes ikke",
    ),
    (
        GOOD.replace("dato: 2016-10-31}", "dato: 31.10.2016}"),
        r"linje 12 \(værdi '31.10.2016'\): felt 'mål\[1\]\.udgangspunkt\.dato': forkert datoformat",
    ),
    (GOOD.replace("retning: ned", "retning: nedad"), r"felt 'mål\[1\]\.retning': skal være en af"),
    (
        GOOD.replace("    titel: Straks", "    titel: [Straks"),
        r"plan\.yaml, linje \d+: ugyldig YAML",
    ),
    (
        GOOD.replace("    spor: 2\n", "    spor: 2\n    spor: 1\n"),
        r"felt 'indsatser\[1\]\.spor': feltet står to gange",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_CASES)
def test_bad_file_is_refused_and_nothing_is_written(
    db: SteeringDB, tmp_path: Path, text: str, message: str
) -> None:
    with db.begin() as s:  # a plan already there must stay exactly as it is
        import_plan(s, DEMO_PLAN, who="demo")
    before = _counts(db)
    with pytest.raises(PlanError, match=message) as caught, db.begin() as s:
        import_plan(s, _write(tmp_path, text), who="anna")
    assert str(caught.value).startswith("Filen blev ikke indlæst; styringsdatabasen er uændret.")
    assert _counts(db) == before


def test_every_problem_is_listed_and_a_good_part_is_not_written(
    db: SteeringDB, tmp_path: Path
) -> None:
    """The first intervention is fine, the second has a bad date: neither is written."""
    text = GOOD.replace(
        "mål:\n", '  - nummer: "12"\n    titel: Sent ankomne\n    spor: 2\n    slut: 2017\nmål:\n'
    ).replace("navn: fte", "navn: ukendt")
    with pytest.raises(PlanError) as caught, db.begin() as s:
        import_plan(s, _write(tmp_path, text), who="anna")
    assert len(caught.value.problems) == 2
    assert _counts(db) == (0, 0, 0, 0)


def test_missing_file_and_wrong_encoding(db: SteeringDB, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="findes ikke"), db.begin() as s:
        import_plan(s, tmp_path / "ingen.yaml", who="anna")
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("indsatser:\n  - titel: Målgruppe\n".encode("latin-1"))
    with (
        pytest.raises(PlanError, match=r"latin1\.yaml: filen er ikke gemt som UTF-8"),
        db.begin() as s,
    ):
        import_plan(s, latin, who="anna")
