"""Settings: one typed place, read from ``ungeindsats.toml`` and ``UNGEINDSATS_*`` variables.

Every field is documented in ``docs/settings.md``; a test keeps the two in step.
Precedence: explicit arguments, then environment variables, then the TOML file, then defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE_ENV = "UNGEINDSATS_CONFIG"
DROPPABLE_ATTRIBUTES = frozenset(
    {
        "origin",
        "origin_region",
        "parents_education",
        "crime",
        "mental_illness",
        "social_measure",
        "abuse",
        "district",
    }
)
"""Person attributes an installation may choose not to keep (docs/privacy.md)."""


class Settings(BaseSettings):
    """The settings of one installation."""

    model_config = SettingsConfigDict(env_prefix="UNGEINDSATS_", extra="forbid")

    data_dir: Path = Field(
        Path("data"), description="Folder for the warehouse, the steering database and the key."
    )
    warehouse_path: Path | None = Field(
        None, description="The DuckDB warehouse file; default <data_dir>/warehouse.duckdb."
    )
    key_file: Path | None = Field(
        None,
        description="The pseudonymisation key (kept outside the warehouse); "
        "default <data_dir>/pseudonym.key.",
    )
    log_file: Path | None = Field(
        None, description="The application log; default <data_dir>/ungeindsats.log."
    )
    user: str | None = Field(
        None, description="Name written in the import log; default the operating-system user."
    )
    statbank_url: str = Field(
        "https://api.statbank.dk/v1",
        description="Base address of Danmarks Statistik's StatBank API.",
    )
    jobindsats_url: str = Field(
        "https://api.jobindsats.dk/v2", description="Base address of the Jobindsats API (v2)."
    )
    jobindsats_api_key: SecretStr | None = Field(
        None, description="API key for Jobindsats (sent in the Authorization header)."
    )
    http_timeout: float = Field(60.0, description="Seconds to wait for an API answer.")
    disclosure_min_persons: int = Field(
        5, description="Cells resting on fewer distinct persons are suppressed (diskretionering)."
    )
    disclosure_marker: str = Field(
        "", description="Shown instead of a suppressed value; empty means '<N'."
    )
    drop_person_attributes: list[str] = Field(
        default_factory=list,
        description="Optional personal attributes not to keep at import: any of "
        "origin, origin_region, parents_education, crime, mental_illness, social_measure, "
        "abuse, district.",
    )
    demo_scale: float = Field(
        1.0, description="Size of the generated demo data (1.0 = the whole country)."
    )
    demo_seed: int = Field(2019, description="Random seed of the generated demo data.")
    import_chunk_rows: int = Field(
        100_000, description="Rows per chunk when streaming large DREAM files (bounds memory)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get(CONFIG_FILE_ENV, "ungeindsats.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @field_validator("drop_person_attributes")
    @classmethod
    def _known_attributes(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - DROPPABLE_ATTRIBUTES)
        if unknown:
            raise ValueError(
                f"kan ikke udelade {', '.join(unknown)}; mulige: "
                f"{', '.join(sorted(DROPPABLE_ATTRIBUTES))}"
            )
        return value

    @property
    def warehouse_file(self) -> Path:
        return self.warehouse_path or self.data_dir / "warehouse.duckdb"

    @property
    def key_path(self) -> Path:
        return self.key_file or self.data_dir / "pseudonym.key"

    @property
    def log_path(self) -> Path:
        return self.log_file or self.data_dir / "ungeindsats.log"
