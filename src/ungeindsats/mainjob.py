"""The main job behind ``make run``: bring the example data into the warehouse and summarise it.

Later capabilities (demo generation, indicators, reports, the dashboard) extend this one function,
so that ``make run`` on a fresh machine always shows the whole system at work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ungeindsats.ingest.cpr import Pseudonymiser, load_or_create_key
from ungeindsats.ingest.load import ImportOptions, ImportOutcome, Progress, no_progress
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse, open_warehouse
from ungeindsats.warehouse.status import WarehouseStatus, warehouse_status

Step = Callable[[Warehouse, Path, ImportOptions], ImportOutcome]


def _dream(warehouse: Warehouse, folder: Path, options: ImportOptions) -> ImportOutcome:
    from ungeindsats.ingest.dream import import_dream

    return import_dream(warehouse, folder / "dream.csv", folder / "dream_koder.csv", options)


def _population(warehouse: Warehouse, folder: Path, options: ImportOptions) -> ImportOutcome:
    from ungeindsats.ingest.population import import_population

    return import_population(warehouse, folder / "folk1a.csv", options)


def _jobindsats(warehouse: Warehouse, folder: Path, options: ImportOptions) -> ImportOutcome:
    from ungeindsats.ingest.jobindsats import import_jobindsats

    return import_jobindsats(warehouse, folder / "jobindsats_Y38A02.json", options)


def _canonical(table: str, file: str) -> Step:
    def step(warehouse: Warehouse, folder: Path, options: ImportOptions) -> ImportOutcome:
        from ungeindsats.ingest.canonical import import_canonical

        return import_canonical(warehouse, table, folder / file, options)

    return step


EXAMPLE_STEPS: tuple[Step, ...] = (
    _dream,
    _population,
    _jobindsats,
    _canonical("person", "personer.csv"),
    _canonical("residence", "bopael.csv"),
    _canonical("activation", "tilbud.csv"),
)
"""The bundled example files (examples/README.md says what each one is)."""


@dataclass(frozen=True)
class MainJobResult:
    messages: list[str]
    status: WarehouseStatus


def run_main_job(
    settings: Settings, examples: Path, progress: Progress = no_progress
) -> MainJobResult:
    """Import every example file (one already imported is skipped); summarise the warehouse."""
    options = ImportOptions(
        pseudonymiser=Pseudonymiser(load_or_create_key(settings.key_path)),
        progress=progress,
        user=settings.user,
        chunk_rows=settings.import_chunk_rows,
    )
    messages = []
    with open_warehouse(settings.warehouse_file) as warehouse:
        for step in EXAMPLE_STEPS:
            messages.append(step(warehouse, examples, options).summary())
        status = warehouse_status(warehouse)
    return MainJobResult(messages, status)
