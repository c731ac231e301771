"""``ungeindsats steering import/export/board`` through the real CLI."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ungeindsats.cli import app
from ungeindsats.steering.demo import DEMO_PLAN

runner = CliRunner()


def test_import_export_board(steering_url: str, tmp_path: Path) -> None:
    env = {"UNGEINDSATS_STEERING_URL": steering_url, "COLUMNS": "220"}  # no wrapping
    base = ["--data-dir", str(tmp_path / "data"), "steering"]

    first = runner.invoke(app, [*base, "import", str(DEMO_PLAN)], env=env)
    assert first.exit_code == 0, first.output
    assert "61 ændret eller ny, 0 uændret" in first.output
    second = runner.invoke(app, [*base, "import", str(DEMO_PLAN)], env=env)
    assert "0 ændret eller ny, 61 uændret" in second.output

    exported = tmp_path / "plan.yaml"
    done = runner.invoke(app, [*base, "export", "--out", str(exported)], env=env)
    assert done.exit_code == 0, done.output
    assert "nummer: '11'" in exported.read_text(encoding="utf-8")

    board = runner.invoke(app, [*base, "board"], env=env)
    assert board.exit_code == 0, board.output
    assert "Måltavle" in board.output
    # Intervention 11's goal: 41 (Oct 2016) → 15 (Oct 2017); 27 in Feb 2017 is on track.
    line = next(x for x in board.output.splitlines() if "Jobparate" in x)
    assert "41" in line and "15" in line and "27" in line and "På sporet" in line
    assert "Nået" in next(x for x in board.output.splitlines() if "Sager pr." in x)

    bad = tmp_path / "forkert.yaml"
    bad.write_text("indsatser:\n  - nummer: '1'\n    titel: x\n    spor: 2\n    slut: 2017\n")
    failed = runner.invoke(app, [*base, "import", str(bad)], env=env)
    assert failed.exit_code == 1
    assert "forkert.yaml, linje 5" in failed.output
    assert "felt 'indsatser[1].slut'" in failed.output
