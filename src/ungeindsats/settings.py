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
    steering_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the steering database (SQLite file or PostgreSQL); "
        "default sqlite:///<data_dir>/steering.sqlite.",
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
    refund_count_from: str = Field(
        "2014U27",
        description="First ISO week counted on the refund ladder (lov nr. 994 af 30/8 2015 § 30).",
    )
    refund_restart_weeks: int = Field(
        52, description="Self-supporting weeks that restart the refund ladder (§ 6)."
    )
    refund_restart_window_weeks: int = Field(
        156, description="The window those weeks must fall within: 3 years (§ 6)."
    )
    benefit_rates_file: Path | None = Field(
        None, description="The user's own benefit rate file; default the shipped rates."
    )
    web_host: str = Field("127.0.0.1", description="Address the dashboard listens on.")
    web_port: int = Field(8000, description="Port the dashboard listens on.")
    web_insecure_loopback: bool = Field(
        True,
        description="Drop the Secure cookie flag for plain http on 127.0.0.1/localhost only.",
    )
    dashboard_kommune: int = Field(791, description="Municipality the dashboard opens on.")
    dashboard_month: str = Field("2019M02", description="Month the dashboard opens on.")
    report_dir: Path | None = Field(
        None, description="Folder the main job writes the standard report to; default out/."
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

    @property
    def report_path(self) -> Path:
        """out/ beside the data folder (data/ → out/), unless ``report_dir`` says otherwise."""
        return self.report_dir or self.data_dir.parent / "out"

    @property
    def steering_database_url(self) -> str:
        return self.steering_url or f"sqlite:///{self.data_dir / 'steering.sqlite'}"
