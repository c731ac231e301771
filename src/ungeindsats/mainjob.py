"""The main job behind ``make run``: data in, figures computed, key figures out.

On a fresh machine it generates the national demo data once (``<data_dir>/demo``), imports every
file with the real importers (a file already imported is skipped), rebuilds the derived fact
tables when an import changed anything and the precomputed indicator layer when it is stale (the
dashboard and the report read it), and then, for the chosen municipality and month: the
seminar's key figures, the youth benchmark, the economics, the goal board (the demo action plan
is loaded once) and the standard report in four formats. Each step's time is in the summary.
The CLI serves the dashboard afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
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
from ungeindsats.warehouse import Warehouse, open_warehouse
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


class _Steps:
    """The main job's steps with their wall time, for the summary (where the minutes go)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        self.lines.append(f"Trin '{name}': {seconds} s")


def _layer(warehouse: Warehouse, progress: Progress) -> list[str]:
    """The precomputed layer (``ungeindsats compute``), rebuilt when an import or a rebuild of
    the facts made it stale (``cache_stale``): the dashboard that ``make run`` serves reads its
    figures from it (without it a page of the national demo computes for 8-14 s), and the key
    figures and the report read what it holds."""
    from ungeindsats.indicators.precompute import cache_stale, compute

    if not cache_stale(warehouse):
        return ["Nøgletalslaget er opdateret."]
    return str(compute(warehouse, progress=progress)).splitlines()


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
    from ungeindsats.indicators.memo import drop_leftovers, shared
    from ungeindsats.indicators.precompute import answer_layer

    options = ImportOptions(
        pseudonymiser=Pseudonymiser(load_or_create_key(settings.key_path)),
        progress=progress,
        user=settings.user,
        chunk_rows=settings.import_chunk_rows,
        drop_attributes=frozenset(settings.drop_person_attributes),
    )
    messages = []
    steps = _Steps()
    period = parse_period(month)
    rule = DisclosureRule(settings.disclosure_min_persons, settings.disclosure_marker)
    with open_warehouse(settings.warehouse_file) as warehouse:
        with steps.step("indlæsning"):
            for kind, path, codes in _files(settings, examples, progress):
                outcome = import_file(warehouse, kind, path, options, codes=codes)
                messages.append(outcome.summary())
        # The derived facts every figure reads.
        data_changed = facts_stale(warehouse)
        with steps.step("faktatabeller"):
            ensure_facts(warehouse)
        drop_leftovers(warehouse.con)
        with steps.step("nøgletalslag"):
            messages.extend(_layer(warehouse, progress))
        # No import from here on. Without a current layer the steps share the work they have in
        # common (the same flows and cells asked for by the key figures, the benchmark and the
        # report); with one, what is left to compute is asked for a few municipalities, and a
        # shared table of all of them would cost more than it saves (reports.standard._sharing).
        with shared() if answer_layer(warehouse) is None else nullcontext():
            with steps.step("nøgletal"):
                figures = seminar_key_figures(warehouse, rule, kommune, period)
            if examples is None:  # the benchmark needs all 98 municipalities
                from ungeindsats.benchmark.youth import youth_benchmark_table

                with steps.step("benchmark"):
                    figures.append(youth_benchmark_table(warehouse, rule, kommune, period))
            from ungeindsats.economics.tables import economics_step

            with steps.step("økonomi"):
                figures.extend(economics_step(warehouse, rule, kommune, period, settings))
            with steps.step("styring"):
                steering = steering_step(
                    settings.steering_database_url,
                    warehouse,
                    rule,
                    period,
                    who=settings.user or "ungeindsats",
                    refresh=data_changed,
                )
            messages.extend(steering.messages)
            if examples is None:  # the standard report for the demo municipality, in out/
                from ungeindsats.reports.write import write_report

                with steps.step("rapport"):
                    written = write_report(
                        warehouse, settings, kommune, month, out_dir=settings.report_path
                    )
                messages.extend(f"Rapport skrevet: {path}" for path in written)
        status = warehouse_status(warehouse)
    return MainJobResult([*messages, *steps.lines], figures, status, steering.board)
