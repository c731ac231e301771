"""The ``steering_url`` setting: a SQLite file under data_dir unless a URL is given."""

from pathlib import Path

import pytest

from ungeindsats.settings import Settings


def test_default_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UNGEINDSATS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("UNGEINDSATS_STEERING_URL", raising=False)
    assert (
        Settings(data_dir=Path("/srv/u")).steering_database_url
        == "sqlite:////srv/u/steering.sqlite"
    )
    monkeypatch.setenv("UNGEINDSATS_STEERING_URL", "postgresql+psycopg://u@db/styring")
    assert Settings().steering_database_url == "postgresql+psycopg://u@db/styring"
