"""Demo data: a synthetic national register of 15-29-year-olds in the real input formats.

``generate_demo(out)`` simulates all 98 municipalities' young people week by week (``model``),
derives every input the tool reads (``outputs``) and writes them in the formats the importers of
``ungeindsats.ingest`` read (``files``), with ``manifest.json`` listing the files in import order.
The model and its calibration to the seed documents are described in docs/demo.md; the
calibration is measured from an imported warehouse by ``ungeindsats.demo.calibration``.

The demo never imports the engine: it only writes files. Its persons carry replacement CPR
numbers (day of birth + 60), which can never be a real person's number.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ungeindsats.demo import outputs
from ungeindsats.demo.files import Writer
from ungeindsats.demo.model import simulate
from ungeindsats.demo.parameters import Parameters, load_parameters

__all__ = [
    "IMPORT_ORDER",
    "DemoFile",
    "DemoManifest",
    "generate_demo",
    "read_manifest",
]

Progress = Callable[[int, int | None], None]

IMPORT_ORDER = (
    "dream",
    "population",
    "jobindsats",
    "person",
    "residence",
    "target-groups",
    "activation",
    "education",
    "readiness",
    "employment",
    "sanction",
    "framework",
)
"""The import sources, in the order the files should be imported (manifest order)."""


@dataclass(frozen=True)
class DemoFile:
    """One written file: its import source (``kind``), path, data rows and, for DREAM, the code
    mapping file that goes with it."""

    kind: str
    path: Path
    rows: int
    codes: Path | None = None


@dataclass(frozen=True)
class DemoManifest:
    """What ``generate_demo`` wrote, in import order, and how."""

    out: Path
    files: tuple[DemoFile, ...]
    persons: int
    scale: float
    seed: int
    years: tuple[int, int]
    seconds: float  # how long the generation took (not written to manifest.json)
    hidden: Path

    def of_kind(self, kind: str) -> tuple[DemoFile, ...]:
        return tuple(f for f in self.files if f.kind == kind)

    def to_json(self) -> dict[str, object]:
        def rel(path: Path | None) -> str | None:
            return None if path is None else path.relative_to(self.out).as_posix()

        return {
            "generator": "ungeindsats.demo",
            "note": "Syntetiske demodata: ingen rigtige personer. Koderne er demoens egne.",
            "scale": self.scale,
            "seed": self.seed,
            "years": list(self.years),
            "persons": self.persons,
            "hidden": rel(self.hidden),
            "files": [
                {"kind": f.kind, "path": rel(f.path), "rows": f.rows, "codes": rel(f.codes)}
                for f in self.files
            ],
        }


def read_manifest(out: Path) -> DemoManifest:
    """The manifest a previous ``generate_demo(out)`` wrote."""
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = tuple(
        DemoFile(
            f["kind"], out / f["path"], int(f["rows"]), out / f["codes"] if f["codes"] else None
        )
        for f in data["files"]
    )
    return DemoManifest(
        out=out,
        files=files,
        persons=int(data["persons"]),
        scale=float(data["scale"]),
        seed=int(data["seed"]),
        years=(int(data["years"][0]), int(data["years"][1])),
        seconds=0.0,
        hidden=out / data["hidden"],
    )


_TABLES = (
    ("person", "personer.parquet", outputs.person_table),
    ("residence", "bopael.parquet", outputs.residence_table),
    ("target-groups", "maalgrupper.parquet", outputs.target_group_table),
    ("activation", "tilbud.parquet", outputs.activation_table),
    ("education", "uddannelse.parquet", outputs.education_table),
    ("readiness", "upv.parquet", outputs.readiness_table),
    ("employment", "beskaeftigelse.parquet", outputs.employment_tables),
    ("sanction", "sanktioner.parquet", outputs.sanction_table),
)
"""The person-level canonical files: import source, file name and the function building it."""


def generate_demo(
    out: Path,
    *,
    scale: float = 1.0,
    seed: int = 2019,
    years: tuple[int, int] = (2012, 2019),
    progress: Progress | None = None,
    parameters: Parameters | None = None,
) -> DemoManifest:
    """Simulate and write the demo data to ``out`` (created if missing); deterministic for the
    arguments. ``scale`` 1.0 is the whole country (about 1.1 million aged 15-29 at a time);
    ``progress(done, total)`` is told how far it has come."""
    if not 0 < scale <= 2:
        raise ValueError("skalaen skal være over 0 og højst 2")
    outputs.check_window(years)
    started = time.perf_counter()
    params = parameters or load_parameters()
    out.mkdir(parents=True, exist_ok=True)
    done = 0

    def step_sim(i: int, total: int) -> None:
        if progress is not None:
            progress(i, total + 40)

    sim = simulate(params, scale=scale, seed=seed, years=years, progress=step_sim)
    sim_weeks = sim.last_week - sim.first_week + 1
    output = outputs.prepare(sim, params, np.random.default_rng([seed, 1]))
    del sim  # the output keeps what it needs; the full spell log can go
    blocks_total = -(-output.n // outputs.BLOCK_ROWS)
    total = sim_weeks + blocks_total + 12
    lock = threading.Lock()

    def step() -> None:
        nonlocal done
        with lock:
            done += 1
            if progress is not None:
                progress(sim_weeks + done, total)

    writer = Writer(output, out)
    # The DREAM file (the weekly matrix, and the aggregates counted on the way) is written on
    # a second thread while this one builds the person-level tables: both spend their time in
    # NumPy and Arrow code that releases the interpreter lock.
    with ThreadPoolExecutor(1, thread_name_prefix="demo-dream") as pool:
        dream = pool.submit(writer.dream, step)
        for kind, name, build in _TABLES:
            writer.canonical(kind, name, build(output))
            step()
        dream.result()
    writer.population()
    step()
    writer.jobindsats()
    step()
    writer.framework()
    hidden = writer.hidden()
    step()
    order = {kind: i for i, kind in enumerate(IMPORT_ORDER)}
    files = sorted(writer.files, key=lambda f: order[f[0]])
    manifest = DemoManifest(
        out=out,
        files=tuple(DemoFile(kind, path, rows, codes) for kind, path, rows, codes in files),
        persons=output.n,
        scale=scale,
        seed=seed,
        years=years,
        seconds=time.perf_counter() - started,
        hidden=hidden,
    )
    (out / "manifest.json").write_text(
        json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if progress is not None:
        progress(total, total)
    return manifest
