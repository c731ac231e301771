"""Benchmark of the reports (issue 10): the full standard report for one municipality in all four
formats (HTML, PDF, XLSX, PPTX); target ≤ 15 s.

    python -m benchmarks.bench_reports --out bench-results/reports.json              # scale 1.0
    python -m benchmarks.bench_reports --out /tmp/reports.json --scale 0.05          # quick
    python -m benchmarks.bench_reports --out /tmp/r.json --warehouse data/warehouse.duckdb

The warehouse is the demo at ``--scale`` generated and imported with the real importers (kept in
``--workdir`` for the next run), or a copy of an existing warehouse (``--warehouse``). Each run is
a fresh child process (so vl-convert's and Typst's start-up count, as for ``ungeindsats report``)
that times the phases of ``write_report``: the report model (every indicator, one disclosure
control pass; the requests the precomputed layer holds are read from it when the warehouse's
layer is current, so give a warehouse after ``ungeindsats compute`` to measure the report as a
user gets it), the charts (vl-convert SVG and PNG) and each format. The figure against the target
is the median total of ``--repeat`` runs (with the CPU seconds and the load average beside it,
since a shared machine stretches wall time); peak memory is the largest child's high-water mark.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.memory import own_hwm_kb

TARGET_S = 15.0
KEY = bytes(range(32))  # a fixed benchmark key, never a real one


def _child(warehouse: Path, kommune: int, period: str, out: Path) -> dict[str, Any]:
    from ungeindsats.indicators.facts import ensure_facts
    from ungeindsats.indicators.precompute import answer_layer
    from ungeindsats.periods import parse_period
    from ungeindsats.reports.images import chart_png, chart_svg
    from ungeindsats.reports.standard import build_report
    from ungeindsats.reports.write import RENDERERS, report_file_name
    from ungeindsats.settings import Settings
    from ungeindsats.warehouse import open_warehouse

    phases: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    with open_warehouse(warehouse) as wh:
        ensure_facts(wh)
        layer = answer_layer(wh) is not None
        mark = time.perf_counter()
        report = build_report(wh, Settings(data_dir=out), kommune, parse_period(period))
        phases["model_s"] = time.perf_counter() - mark
    charts = [c for s in report.sections for c in s.charts]
    mark = time.perf_counter()
    for chart in charts:
        chart_svg(chart)
        chart_png(chart)
    phases["charts_s"] = time.perf_counter() - mark
    stem = report_file_name(kommune, report.period_code)
    sizes = {}
    for fmt, render in RENDERERS.items():
        mark = time.perf_counter()
        path = render(report, out / f"{stem}.{fmt}")
        phases[f"{fmt}_s"] = time.perf_counter() - mark
        sizes[fmt] = path.stat().st_size
    return {
        "total_s": time.perf_counter() - started,
        # CPU seconds of the whole process (DuckDB's threads and vl-convert's included): on a
        # busy machine a fairer estimate of the work than the wall time.
        "cpu_s": time.process_time() - cpu,
        "phases": phases,
        # Whether the model read the precomputed layer (current and built by this version).
        "layer": layer,
        "tables": len(report.tables),
        "charts": len(charts),
        "sections": len(report.sections),
        "bytes": sizes,
        "hwm_kb": own_hwm_kb(),
    }


def _warehouse(workdir: Path, scale: float, given: Path | None) -> tuple[Path, dict[str, Any]]:
    """A copy of ``given``, or the demo at ``scale`` imported once and kept in ``workdir`` (the
    same national warehouse the indicator and economics benchmarks use)."""
    from benchmarks.bench_indicators import _national

    workdir.mkdir(parents=True, exist_ok=True)
    if given is None:
        return _national(workdir, scale)
    copy = workdir / "given.duckdb"
    shutil.copyfile(given, copy)
    return copy, {"warehouse": str(given)}


def _ensure_layer(warehouse: Path) -> float | None:
    """Build the precomputed layer (``ungeindsats compute``) unless it is current: a user makes
    reports after it. Seconds it took, or None when it was current already."""
    from ungeindsats.indicators.precompute import answer_layer, compute
    from ungeindsats.warehouse import open_warehouse

    with open_warehouse(warehouse) as wh:
        if answer_layer(wh) is not None:
            return None
        started = time.perf_counter()
        compute(wh)
        return time.perf_counter() - started


def run(args: argparse.Namespace) -> dict[str, Any]:
    print(f"Rapportbenchmark (arbejdsmappe {args.workdir})", flush=True)
    warehouse, info = _warehouse(args.workdir, args.scale, args.warehouse)
    if not args.no_layer:
        seconds = _ensure_layer(warehouse)
        if seconds is not None:
            print(f"  nøgletalslaget beregnet på {seconds:.0f} s", flush=True)
            info = {**info, "compute_s": seconds}
    runs = []
    for number in range(args.repeat):
        with tempfile.TemporaryDirectory(dir=args.workdir) as out:
            command = [
                sys.executable, "-m", "benchmarks.bench_reports", "--child",
                str(warehouse), str(args.kommune), args.period, out,
            ]  # fmt: skip
            answer = subprocess.run(command, capture_output=True, text=True, check=True)
            runs.append(json.loads(answer.stdout.strip().splitlines()[-1]))
        print(f"  kørsel {number + 1}: {runs[-1]['total_s']:.1f} s {runs[-1]['phases']}")
    median = statistics.median(r["total_s"] for r in runs)
    return {
        "benchmark": "reports",
        "target": f"standard report, one municipality, four formats ≤ {TARGET_S:g} s",
        "kommune": args.kommune,
        "period": args.period,
        "data": info,
        "runs": runs,
        "median_total_s": median,
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "load_average": list(os.getloadavg()),
        "peak_rss_mb": max(r["hwm_kb"] for r in runs) / 1024,
        "met": median <= TARGET_S,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        warehouse, kommune, period, out = sys.argv[2:6]
        print(json.dumps(_child(Path(warehouse), int(kommune), period, Path(out))))
        return
    parser = argparse.ArgumentParser(description="Mål rapporten i alle fire formater.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ungeindsats-bench-reports"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kommune", type=int, default=791)
    parser.add_argument("--period", default="2019M02")
    parser.add_argument(
        "--no-layer",
        action="store_true",
        help="mål uden at beregne nøgletalslaget først (rapporten beregner alt selv)",
    )
    args = parser.parse_args()
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        f"Median {report['median_total_s']:.1f} s (mål ≤ {TARGET_S:g} s), "
        f"højst {report['peak_rss_mb']:,.0f} MB. Skrevet til {args.out}"
    )


if __name__ == "__main__":
    main()
