"""Benchmark of the DREAM import (issue 2): speed and peak memory against the targets.

    python -m benchmarks.bench_dream --out bench-results/dream.json            # full scale
    python -m benchmarks.bench_dream --out /tmp/dream.json --persons 60000     # quick

Every measured import runs in a child process of its own. Its peak memory is the larger of
(a) the child's own high-water mark (VmHWM, read by the child from /proc at the end) and (b) the
largest sum of resident memory of the child and its descendants (the import's helper process
for pseudonyms) seen by the parent, which samples /proc every 50 ms. ``getrusage`` and
``wait4`` are not used: on Linux a child's ru_maxrss starts from its parent's resident size at
fork, so it would measure the benchmark driver rather than the import.

Measured:
- ours, CSV, at full scale (1,500,000 persons × 417 weeks, about 1.7 GB) into a file warehouse:
  target ≤ 30 s and ≤ 3 GB;
- the naive baseline at a third of that (500,000 persons): DuckDB ``read_csv`` with
  auto-detection, ``UNPIVOT`` and a gaps-and-islands window query into a spell table, beside
  ours on the same file: target ours ≥ 6× faster;
- ours on Parquet at 500,000 persons;
- peak memory of ours at 250,000 / 500,000 / 1,500,000 persons: it should stay flat.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import dream_data
from benchmarks.memory import own_hwm_kb, run_child

TARGET_SECONDS = 30.0
TARGET_MEMORY_MB = 3 * 1024
TARGET_RATIO = 6.0
KEY = bytes(range(32))  # a fixed benchmark key, never a real one


@dataclass
class Measurement:
    """One measured import; ``wall_s`` is the median of the runs, all of them are kept."""

    name: str
    persons: int
    input: str
    size_mb: float
    wall_s: float
    peak_rss_mb: float
    spells: int | None = None
    note: str = ""
    walls_s: list[float] | None = None
    peaks_mb: list[float] | None = None


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _repeat(args: list[str], repeat: int) -> tuple[list[float], list[float], int]:
    """Run a child ``repeat`` times: wall times, peak memory (MB) and the spell count."""
    walls, peaks, spells = [], [], 0
    for _ in range(repeat):
        warehouse = Path(args[-1])
        warehouse.unlink(missing_ok=True)
        answer, peak = _measure(args)
        warehouse.unlink(missing_ok=True)
        walls.append(float(answer["wall_s"]))  # type: ignore[arg-type]
        peaks.append(peak)
        spells = int(answer["spells"])  # type: ignore[call-overload]
    return walls, peaks, spells


# --- the child side --------------------------------------------------------------------------


def _child_ours(file: Path, codes: Path, warehouse: Path) -> dict[str, object]:
    from ungeindsats.ingest.cpr import Pseudonymiser
    from ungeindsats.ingest.dream import import_dream
    from ungeindsats.ingest.load import ImportOptions
    from ungeindsats.warehouse import open_warehouse

    wh = open_warehouse(warehouse)
    started = time.perf_counter()
    outcome = import_dream(
        wh, file, codes, ImportOptions(pseudonymiser=Pseudonymiser(KEY), user="benchmark")
    )
    wall = time.perf_counter() - started
    [(spells,)] = wh.con.execute("SELECT count(*) FROM status_spell").fetchall()
    wh.close()
    return {"wall_s": wall, "spells": spells, "hwm_kb": own_hwm_kb(), "rows": outcome.rows_accepted}


BASELINE_SQL = """
CREATE TABLE status_spell AS
WITH wide AS (
    SELECT * FROM read_csv(?, auto_detect = true, header = true)
), long AS (
    UNPIVOT wide ON COLUMNS('^y_') INTO NAME name VALUE code
), numbered AS (
    SELECT l.PNR, l.code, w.week,
           w.week - row_number() OVER (PARTITION BY l.PNR, l.code ORDER BY w.week) AS island
    FROM long AS l JOIN weeks AS w USING (name)
)
SELECT PNR, code, min(week) AS first_week, max(week) AS last_week
FROM numbered
GROUP BY PNR, code, island
"""


def _child_baseline(file: Path, warehouse: Path) -> dict[str, object]:
    import duckdb
    import pyarrow as pa

    from ungeindsats.periods import iso_week_number

    names = dream_data.week_columns()
    numbers = [iso_week_number(2000 + int(n[2:4]), int(n[4:6])) for n in names]
    con = duckdb.connect(str(warehouse))
    con.register("weeks", pa.table({"name": names, "week": numbers}))
    started = time.perf_counter()
    con.execute(BASELINE_SQL, [str(file)])
    wall = time.perf_counter() - started
    [(spells,)] = con.execute("SELECT count(*) FROM status_spell").fetchall()
    con.close()
    return {"wall_s": wall, "spells": spells, "hwm_kb": own_hwm_kb()}


# --- the parent side -------------------------------------------------------------------------


def _measure(args: list[str]) -> tuple[dict[str, object], float]:
    """Run one child; its answer and its peak memory in MB (helper process included)."""
    answer = run_child("benchmarks.bench_dream", *args)
    return answer, float(answer.pop("peak_rss_mb"))


def _ours(
    name: str, file: Path, codes: Path, workdir: Path, persons: int, repeat: int
) -> Measurement:
    args = ["ours", str(file), str(codes), str(workdir / f"{name}.duckdb")]
    walls, peaks, spells = _repeat(args, repeat)
    return Measurement(
        name,
        persons,
        file.suffix.lstrip("."),
        file.stat().st_size / 2**20,
        _median(walls),
        max(peaks),
        spells,
        "",
        walls,
        peaks,
    )


def _baseline(file: Path, workdir: Path, persons: int, repeat: int) -> Measurement:
    args = ["baseline", str(file), "-", str(workdir / "baseline.duckdb")]
    walls, peaks, spells = _repeat(args, repeat)
    return Measurement(
        "baseline_duckdb_unpivot",
        persons,
        "csv",
        file.stat().st_size / 2**20,
        _median(walls),
        max(peaks),
        spells,
        "read_csv auto-detect + UNPIVOT + gaps-and-islands; no pseudonyms, no validation",
        walls,
        peaks,
    )


def _csv(workdir: Path, persons: int) -> Path:
    path = workdir / f"dream_{persons}.csv"
    if not path.exists():
        started = time.perf_counter()
        dream_data.write_csv(path, persons)
        print(
            f"  skrev {path.name} ({path.stat().st_size / 2**20:,.0f} MB) på "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return path


def run(persons: int, workdir: Path, include_baseline: bool, repeat: int) -> dict[str, object]:
    codes = dream_data.write_codes(workdir / "dream_codes.csv")
    full, mid, small = persons, max(persons // 3, 1), max(persons // 6, 1)
    results: list[Measurement] = []

    print(f"DREAM-benchmark: {full:,} personer × 417 uger (arbejdsmappe {workdir})", flush=True)
    big = _csv(workdir, full)
    results.append(_ours("ours_csv_full", big, codes, workdir, full, repeat))
    big.unlink()  # 1.7 GB: do not keep it longer than needed

    middle = _csv(workdir, mid)
    results.append(_ours("ours_csv_mid", middle, codes, workdir, mid, repeat))
    if include_baseline:
        results.append(_baseline(middle, workdir, mid, repeat))
    parquet = workdir / f"dream_{mid}.parquet"
    dream_data.write_parquet(parquet, mid)
    results.append(_ours("ours_parquet_mid", parquet, codes, workdir, mid, repeat))
    middle.unlink()
    parquet.unlink()

    little = _csv(workdir, small)
    results.append(_ours("ours_csv_small", little, codes, workdir, small, repeat))
    little.unlink()

    by_name = {m.name: m for m in results}
    ours_full, ours_mid = by_name["ours_csv_full"], by_name["ours_csv_mid"]
    summary: dict[str, object] = {
        "full_wall_s": ours_full.wall_s,
        "full_best_wall_s": min(ours_full.walls_s or [ours_full.wall_s]),
        "full_peak_rss_mb": ours_full.peak_rss_mb,
        "full_meets_time_target": ours_full.wall_s <= TARGET_SECONDS,
        "full_meets_memory_target": ours_full.peak_rss_mb <= TARGET_MEMORY_MB,
        "memory_by_persons_mb": {
            str(by_name[n].persons): round(by_name[n].peak_rss_mb, 1)
            for n in ("ours_csv_small", "ours_csv_mid", "ours_csv_full")
        },
    }
    if include_baseline:
        baseline = by_name["baseline_duckdb_unpivot"]
        ratio = baseline.wall_s / ours_mid.wall_s
        summary["speed_ratio_vs_baseline"] = ratio
        summary["speed_ratio_best_of_runs"] = min(baseline.walls_s or [baseline.wall_s]) / min(
            ours_mid.walls_s or [ours_mid.wall_s]
        )
        summary["meets_ratio_target"] = ratio >= TARGET_RATIO
        summary["same_spell_count_as_baseline"] = baseline.spells == ours_mid.spells
    return {
        "benchmark": "dream_import",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "repeat": repeat,
        "note": "wall_s is the median of the repeats; peak_rss_mb the largest",
        "targets": {
            "full_wall_s": TARGET_SECONDS,
            "full_peak_rss_mb": TARGET_MEMORY_MB,
            "speed_ratio": TARGET_RATIO,
        },
        "measurements": [asdict(m) for m in results],
        "summary": summary,
    }


def print_table(report: dict[str, object]) -> None:
    rows = report["measurements"]
    assert isinstance(rows, list)
    print(
        f"\n{'måling':<26}{'personer':>11}{'input':>8}{'MB':>7}{'sek. (median)':>15}"
        f"{'spænd':>13}{'top-RSS MB':>12}{'forløb':>13}"
    )
    for m in rows:
        spells = f"{m['spells']:,}" if m["spells"] is not None else ""
        walls = m["walls_s"] or [m["wall_s"]]
        spread = f"{min(walls):.1f}-{max(walls):.1f}"
        print(
            f"{m['name']:<26}{m['persons']:>11,}{m['input']:>8}{m['size_mb']:>7,.0f}"
            f"{m['wall_s']:>15.1f}{spread:>13}{m['peak_rss_mb']:>12,.0f}{spells:>13}"
        )
    summary = report["summary"]
    assert isinstance(summary, dict)
    print()
    for key, value in summary.items():
        shown = f"{value:.2f}" if isinstance(value, float) else value
        print(f"  {key}: {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description="DREAM-importens hastighed og hukommelse.")
    parser.add_argument("--out", type=Path, help="JSON-fil med alle tal")
    parser.add_argument(
        "--persons",
        type=int,
        default=1_500_000,
        help="personer i den store fil (de andre er 1/3 og 1/6 af den)",
    )
    parser.add_argument("--quick", action="store_true", help="60.000 personer")
    parser.add_argument("--no-baseline", action="store_true", help="spring DuckDB-UNPIVOT over")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="kørsler pr. måling (medianen rapporteres; maskinen støjer)",
    )
    parser.add_argument("--workdir", type=Path, help="hvor datafilerne skrives (midlertidigt)")
    parser.add_argument(
        "--child", nargs=4, metavar=("KIND", "FILE", "CODES", "WAREHOUSE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        kind, file, codes, warehouse = args.child
        if kind == "ours":
            answer = _child_ours(Path(file), Path(codes), Path(warehouse))
        else:
            answer = _child_baseline(Path(file), Path(warehouse))
        print(json.dumps(answer))
        return
    persons = 60_000 if args.quick else args.persons
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_dream_"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report = run(persons, workdir, not args.no_baseline, max(args.repeat, 1))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"\nTal skrevet til {args.out}")


if __name__ == "__main__":
    main()
