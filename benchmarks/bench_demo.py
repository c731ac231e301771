"""Benchmark of the demo generator (issue 3): speed and peak memory, then the calibration.

    python -m benchmarks.bench_demo --out bench-results/demo.json                # full scale
    python -m benchmarks.bench_demo --out /tmp/demo.json --scale 0.05            # quick

The generation runs in a child process of its own (``--child``). Its peak memory is the largest
sum of resident memory of the child and its descendants (the simulation forks two workers) seen
by the parent, which samples /proc every 50 ms, or the child's own high-water mark (VmHWM) if
that is larger. Forked workers share pages with the child, so the sum overstates the real peak
a little: the figure is conservative.

Targets at scale 1.0: generation ≤ 90 s and ≤ 4 GB. With ``--calibrate`` (or
``UNGEINDSATS_FULL_CALIBRATION=1``, as ``make bench`` sets it) the generated files are then
imported with the real importers into a fresh DuckDB file (timed) and the calibration is
measured: the issue's tolerances at scale 1.0, the wide small-scale ones below; the table is
written as ``calibration.md`` beside the JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.memory import own_hwm_kb, run_child

TARGET_SECONDS = 90.0
TARGET_MEMORY_MB = 4 * 1024
KEY = bytes(range(32))  # a fixed benchmark key, never a real one


def _child(out: Path, scale: float, seed: int) -> None:
    from ungeindsats.demo import generate_demo

    started = time.perf_counter()
    manifest = generate_demo(out, scale=scale, seed=seed)
    wall = time.perf_counter() - started
    print(json.dumps({"wall_s": wall, "persons": manifest.persons, "hwm_kb": own_hwm_kb()}))


def _generate(out: Path, scale: float, seed: int) -> dict[str, float]:
    answer = run_child(
        "benchmarks.bench_demo", str(out), "--scale", str(scale), "--seed", str(seed)
    )
    return {
        "wall_s": float(answer["wall_s"]),
        "persons": answer["persons"],
        "peak_mb": answer["peak_rss_mb"],
    }


def _calibrate(out: Path, scale: float, report: Path) -> dict[str, object]:
    from ungeindsats.demo import read_manifest
    from ungeindsats.demo.calibration import measure, render_markdown
    from ungeindsats.ingest.cpr import Pseudonymiser
    from ungeindsats.ingest.load import ImportOptions
    from ungeindsats.ingest.sources import import_file
    from ungeindsats.warehouse import open_warehouse

    manifest = read_manifest(out)
    warehouse = open_warehouse(out / "warehouse.duckdb")
    options = ImportOptions(pseudonymiser=Pseudonymiser(KEY), user="bench")
    timings: dict[str, float] = {}
    rejected = 0
    started = time.perf_counter()
    for file in manifest.files:
        began = time.perf_counter()
        outcome = import_file(warehouse, file.kind, file.path, options, codes=file.codes)
        rejected += outcome.rows_rejected
        timings[file.kind] = timings.get(file.kind, 0.0) + time.perf_counter() - began
    imported = time.perf_counter() - started
    level = "full" if scale >= 1.0 else "small"
    began = time.perf_counter()
    measurements = measure(warehouse.con, scale=scale, level=level)
    measured = time.perf_counter() - began
    warehouse.con.close()
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        render_markdown(measurements, scale=scale, seed=manifest.seed), encoding="utf-8"
    )
    failed = [m.target.name for m in measurements if not m.passed]
    return {
        "import_s": round(imported, 1),
        "import_s_by_source": {k: round(v, 1) for k, v in timings.items()},
        "rows_rejected": rejected,
        "measure_s": round(measured, 1),
        "level": level,
        "targets": len(measurements),
        "passed": len(measurements) - len(failed),
        "failed": failed,
        "report": str(report),
        "values": {
            m.target.name: None if m.value is None else round(m.value, 2) for m in measurements
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark af demodata-generatoren.")
    parser.add_argument("--out", type=Path, default=Path("bench-results/demo.json"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--calibrate", action="store_true", help="indlæs demoen og mål kalibreringen bagefter"
    )
    parser.add_argument("--keep", type=Path, default=None, help="behold demoen i denne mappe")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.scale, args.seed)
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_demo_"))
    try:
        if folder.exists() and args.keep is not None:
            shutil.rmtree(folder)
        generated = _generate(folder, args.scale, args.seed)
        result: dict[str, object] = {
            "benchmark": "demo",
            "scale": args.scale,
            "seed": args.seed,
            "persons": generated["persons"],
            "generate_s": round(generated["wall_s"], 1),
            "peak_rss_mb": round(generated["peak_mb"]),
            "targets": {
                "generate_s": TARGET_SECONDS,
                "peak_rss_mb": TARGET_MEMORY_MB,
                "at_scale": 1.0,
            },
        }
        if args.scale >= 1.0:
            result["within_targets"] = (
                generated["wall_s"] <= TARGET_SECONDS and generated["peak_mb"] <= TARGET_MEMORY_MB
            )
        if args.calibrate or os.environ.get("UNGEINDSATS_FULL_CALIBRATION") == "1":
            report = args.out.with_name("calibration.md")
            result["calibration"] = _calibrate(folder, args.scale, report)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(json.dumps({k: v for k, v in result.items() if k != "calibration"}, indent=1))
        calibration = result.get("calibration")
        if isinstance(calibration, dict):
            print(
                f"calibration: {calibration['passed']} of {calibration['targets']} targets "
                f"({calibration['level']} tolerances); failed: {calibration['failed']}"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
