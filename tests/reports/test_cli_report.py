"""``ungeindsats report`` through Typer's CliRunner on the demo warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ungeindsats.cli import app


def test_report_command_writes_the_asked_formats(
    demo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNGEINDSATS_WAREHOUSE_PATH", str(demo.path))
    out = tmp_path / "rapport"
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(tmp_path), "report", "--kommune", "Viborg", "--period", "2019M02",
         "--format", "html,xlsx", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["unge-nogletal-791-2019M02.html", "unge-nogletal-791-2019M02.xlsx"]
    assert f"Skrevet: {out / names[0]}" in result.stdout
    html = (out / names[0]).read_text(encoding="utf-8")
    assert "Unge på offentlig forsørgelse – nøgletal og indsatser" in html


def test_report_command_errors_are_danish(
    demo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNGEINDSATS_WAREHOUSE_PATH", str(demo.path))
    runner = CliRunner()
    bad_format = runner.invoke(
        app, ["--data-dir", str(tmp_path), "report", "--format", "docx", "--out", str(tmp_path)]
    )
    assert bad_format.exit_code == 1
    assert "ukendt rapportformat docx" in bad_format.stderr
    bad_period = runner.invoke(
        app, ["--data-dir", str(tmp_path), "report", "--period", "2019", "--out", str(tmp_path)]
    )
    assert bad_period.exit_code == 1
    assert "måned" in bad_period.stderr
    assert not any(tmp_path.glob("unge-nogletal-*"))


def test_report_command_without_a_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNGEINDSATS_WAREHOUSE_PATH", raising=False)
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path), "report", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "intet lager" in result.stderr


def test_report_file_for_a_download(demo: Any) -> None:
    """The dashboard's download: one format in memory, named as the CLI names it."""
    from ungeindsats.reports.write import report_file

    file = report_file(demo.warehouse, demo.settings, 791, "2019M02", "xlsx")
    assert file.name == "unge-nogletal-791-2019M02.xlsx"
    assert file.media_type.endswith("spreadsheetml.sheet")
    assert file.content[:2] == b"PK"  # an XLSX is a zip file
    with pytest.raises(ValueError, match="ét rapportformat"):
        report_file(demo.warehouse, demo.settings, 791, "2019M02", "html,pdf")
    with pytest.raises(ValueError, match="ukendt rapportformat docx"):
        report_file(demo.warehouse, demo.settings, 791, "2019M02", "docx")
