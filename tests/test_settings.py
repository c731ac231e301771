"""Settings: one typed place, every field documented, environment and TOML honoured."""

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from ungeindsats.settings import Settings

DOC = Path(__file__).parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOC.read_text(encoding="utf-8"), re.M))
    assert documented == set(Settings.model_fields)


def test_environment_and_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "u.toml"
    toml.write_text('data_dir = "/srv/x"\nimport_chunk_rows = 5\n')
    monkeypatch.setenv("UNGEINDSATS_CONFIG", str(toml))
    monkeypatch.setenv("UNGEINDSATS_IMPORT_CHUNK_ROWS", "7")
    settings = Settings()
    assert settings.data_dir == Path("/srv/x")
    assert settings.import_chunk_rows == 7  # the environment beats the file
    assert settings.warehouse_file == Path("/srv/x/warehouse.duckdb")
    assert settings.key_path == Path("/srv/x/pseudonym.key")


def test_unknown_key_in_toml_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "u.toml"
    toml.write_text('data_dri = "x"\n')
    monkeypatch.setenv("UNGEINDSATS_CONFIG", str(toml))
    with pytest.raises(ValidationError):
        Settings()
