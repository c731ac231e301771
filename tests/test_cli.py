"""The command line: every command has Danish help, the import contract holds, and the main job
runs end to end on the bundled examples without leaking a CPR number anywhere."""

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from ungeindsats.cli import app, definition_blocks
from ungeindsats.indicators import all_indicators
from ungeindsats.warehouse import open_warehouse

EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every command below a (Typer) group, with its full name."""
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if hasattr(command, "commands"):
            found.extend(_commands(command, prefix + name + " "))
    return found


def test_every_command_has_help() -> None:
    commands = _commands(typer.main.get_command(app))
    names = {name for name, _ in commands}
    assert {"import dream", "import population", "import jobindsats", "import spells"} <= names
    assert {"status", "run", "fetch statbank", "fetch jobindsats"} <= names
    for name, command in commands:
        assert command.help and command.help.strip(), f"'{name}' mangler hjælpetekst"


def test_import_dream_contract(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    codes = str(EXAMPLES / "dream_koder.csv")
    result = runner.invoke(
        app, [*data, "import", "dream", str(EXAMPLES / "dream.csv"), "--codes", codes]
    )
    assert result.exit_code == 0, result.output
    assert "40 af 40 rækker indlæst" in result.stdout

    again = runner.invoke(
        app, [*data, "import", "dream", str(EXAMPLES / "dream.csv"), "--codes", codes]
    )
    assert again.exit_code == 0
    assert "allerede indlæst" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("ID;y_1901\n1;111\n")
    failed = runner.invoke(app, [*data, "import", "dream", str(bad), "--codes", codes])
    assert failed.exit_code != 0
    assert "Fejl:" in failed.stderr
    assert "bad.csv" in failed.stderr
    assert "PNR" in failed.stderr


def _example_cprs() -> set[str]:
    with (EXAMPLES / "dream.csv").open(encoding="utf-8") as handle:
        return {row["PNR"] for row in csv.DictReader(handle, delimiter=";")}


def test_main_job_runs_twice_and_leaks_no_cpr(tmp_path: Path) -> None:
    """`ungeindsats run`: every example file imported once, the indicator layer built once; the
    second run changes nothing.

    Afterwards no table, no log and no printed output holds any of the 40 example CPR numbers,
    with or without the hyphen.
    """
    data = tmp_path / "data"
    first = runner.invoke(
        app, ["--data-dir", str(data), "run", "--examples", str(EXAMPLES), "--no-serve"]
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app, ["--data-dir", str(data), "run", "--examples", str(EXAMPLES), "--no-serve"]
    )
    assert second.exit_code == 0, second.output
    assert second.stdout.count("allerede indlæst") == 6
    # The layer is built by the first run and found current by the second.
    assert "Nøgletalslaget er beregnet" in first.stdout
    assert "Nøgletalslaget er opdateret." in second.stdout

    cprs = _example_cprs()
    assert len(cprs) == 40
    patterns = {c for cpr in cprs for c in (cpr, cpr.replace("-", ""))}
    texts = [first.output, second.output, (data / "ungeindsats.log").read_text()]
    with open_warehouse(data / "warehouse.duckdb") as wh:
        counts = dict(
            wh.con.execute(
                "SELECT 'person', count(*) FROM person UNION ALL "
                "SELECT 'status_spell', count(DISTINCT person_id) FROM status_spell"
            ).fetchall()
        )
        for table in wh.table_names():
            for row in wh.con.execute(f"SELECT * FROM {table}").fetchall():
                texts.append(" ".join(str(v) for v in row))
    assert counts == {"person": 40, "status_spell": 40}
    everything = "\n".join(texts)
    assert not [p for p in patterns if p in everything]
    assert not re.search(r"\b\d{6}-\d{4}\b", everything)


@pytest.mark.parametrize("command", [["status"]])
def test_status_on_an_empty_warehouse(tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), *command])
    assert result.exit_code == 0, result.output
    assert "status_spell" in result.stdout
    assert "skemaversion 1" in result.stdout


def test_definition_blocks_join_a_docstrings_lines() -> None:
    """Worked by hand: the two lines of the first paragraph make one; each "- " item takes its
    indented line along; an unindented line after the list, and a line after a blank one,
    start paragraphs of their own."""
    text = "Første linje\nfortsat.\n- punkt et\n  fortsat\n- punkt to\nEfter listen.\n\nNyt afsnit."
    assert definition_blocks(text) == [
        "Første linje fortsat.",
        "- punkt et fortsat",
        "- punkt to",
        "Efter listen.",
        "Nyt afsnit.",
    ]


def test_indicators_lists_every_definition_indented(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "indicators"])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    names = [item.name for item in all_indicators()]
    headings = [line.split(" – ")[0] for line in lines if line.split(" – ")[0] in names]
    assert headings == names
    # Restgruppen's criteria: the items at the definition's indent, their wrapped lines past
    # the dash, and the paragraph after the list on lines of its own.
    start = lines.index(next(line for line in lines if line.startswith("neet_share ")))
    block = lines[start + 1 : lines.index("", start)]
    items = [i for i, line in enumerate(block) if line.startswith("  - ")]
    assert len(items) == 5
    wrapped = block[items[0] + 1 : items[1]]  # the first item is longer than 80 characters
    assert wrapped and all(line.startswith("    ") for line in wrapped)
    assert any(line.startswith("  Nævneren er personerne") for line in block[items[-1] :])
    assert "  Opdelinger: sex, origin, age_band, district" in block
