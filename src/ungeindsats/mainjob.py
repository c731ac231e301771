"""The main job behind ``make run``: data in, figures computed, key figures out.

On a fresh machine it generates the national demo data once (``<data_dir>/demo``), imports every
file with the real importers (a file already imported is skipped), rebuilds the derived fact
tables when an import changed anything, and returns the seminar's
key figures for the chosen municipality with a summary of the warehouse. Later capabilities
(benchmark, economics, steering, reports, dashboard) extend this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.ingest.cpr import Pseudonymiser, load_or_create_key
from ungeindsats.ingest.load import ImportOptions, Progress, no_progress
from ungeindsats.ingest.sources import import_file
from ungeindsats.keyfigures import KeyFigureTable, seminar_key_figures
from ungeindsats.periods import parse_period
from ungeindsats.settings import Settings
from ungeindsats.steering.board import GoalBoard
from ungeindsats.steering.demo import steering_step
from ungeindsats.warehouse import open_warehouse
from ungeindsats.warehouse.status import WarehouseStatus, warehouse_status

EXAMPLE_FILES: tuple[tuple[str, str, str | None], ...] = (
    ("dream", "dream.csv", "dream_koder.csv"),
    ("population", "folk1a.csv", None),
    ("jobindsats", "jobindsats_Y38A02.json", None),
    ("person", "personer.csv", None),
    ("residence", "bopael.csv", None),
    ("activation", "tilbud.csv", None),
)
"""The small bundled example set (examples/): source, file, code file."""


@dataclass(frozen=True)
class MainJobResult:
    messages: list[str]
    key_figures: list[KeyFigureTable]
    status: WarehouseStatus
    goal_board: GoalBoard | None = None


def _files(
    settings: Settings, examples: Path | None, progress: Progress
) -> list[tuple[str, Path, Path | None]]:
    if examples is not None:
        return [
            (kind, examples / name, examples / codes if codes else None)
            for kind, name, codes in EXAMPLE_FILES
        ]
    from ungeindsats.demo import generate_demo, read_manifest

    folder = settings.data_dir / "demo"
    if (folder / "manifest.json").exists():
        manifest = read_manifest(folder)
    else:
        manifest = generate_demo(
            folder, scale=settings.demo_scale, seed=settings.demo_seed, progress=progress
        )
    return [(f.kind, f.path, f.codes) for f in manifest.files]


def run_main_job(
    settings: Settings,
    progress: Progress = no_progress,
    *,
    examples: Path | None = None,
    kommune: int = 791,
    month: str = "2019M02",
) -> MainJobResult:
    """Bring the demo data (or the bundled ``examples``) in, compute, and summarise."""
    from ungeindsats.indicators.facts import ensure_facts, facts_stale

    options = ImportOptions(
        pseudonymiser=Pseudonymiser(load_or_create_key(settings.key_path)),
        progress=progress,
        user=settings.user,
        chunk_rows=settings.import_chunk_rows,
        drop_attributes=frozenset(settings.drop_person_attributes),
    )
    messages = []
    with open_warehouse(settings.warehouse_file) as warehouse:
        for kind, path, codes in _files(settings, examples, progress):
            outcome = import_file(warehouse, kind, path, options, codes=codes)
            messages.append(outcome.summary())
        # The derived facts the key figures read; the full precomputed layer (for the
        # dashboard) is `ungeindsats compute`, which is not yet fast enough for every run.
        data_changed = facts_stale(warehouse)
        ensure_facts(warehouse)
        rule = DisclosureRule(settings.disclosure_min_persons, settings.disclosure_marker)
        figures = seminar_key_figures(warehouse, rule, kommune, parse_period(month))
        if examples is None:  # the benchmark needs all 98 municipalities; the examples hold one
            from ungeindsats.benchmark.youth import youth_benchmark_table

            figures.append(youth_benchmark_table(warehouse, rule, kommune, parse_period(month)))
        from ungeindsats.economics.tables import economics_step

        figures.extend(economics_step(warehouse, rule, kommune, parse_period(month), settings))
        steering = steering_step(
            settings.steering_database_url,
            warehouse,
            rule,
            parse_period(month),
            who=settings.user or "ungeindsats",
            refresh=data_changed,
        )
        messages.extend(steering.messages)
        if examples is None:  # the standard report for the demo municipality, in out/
            from ungeindsats.reports.write import write_report

            written = write_report(
                warehouse, settings, kommune, month, out_dir=settings.report_path
            )
            messages.extend(f"Rapport skrevet: {path}" for path in written)
        status = warehouse_status(warehouse)
    return MainJobResult(messages, figures, status, steering.board)
