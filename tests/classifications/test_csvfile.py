from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from ungeindsats.classifications._csvfile import read_rows


def test_comment_lines_bom_and_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "fil.csv"
    path.write_text("\ufeff# source: test\n\n# note\na,b\n 1 , x \n\n2,y\n", encoding="utf-8")
    assert read_rows(path, ("a", "b")) == [{"a": "1", "b": "x"}, {"a": "2", "b": "y"}]


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "fil.csv"
    path.write_text("a\n1\n")
    with pytest.raises(ValueError, match="mangler kolonne"):
        read_rows(path, ("a", "b"))


def test_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "fil.csv"
    path.write_text("# c\na,b\n1,2,3\n")
    with pytest.raises(ValueError, match="linje 3"):
        read_rows(path, ("a", "b"))


def test_every_shipped_file_names_its_source() -> None:
    folder = resources.files("ungeindsats.classifications")
    files = [f for f in folder.iterdir() if f.name.endswith(".csv")]
    assert len(files) == 8  # 7 + municipal_tax_rates.csv (economics)
    for file in files:
        header = [line for line in file.read_text(encoding="utf-8").splitlines() if line[:1] == "#"]
        assert any("source" in line.lower() for line in header), file.name
