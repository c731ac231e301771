"""Benchmark of the precomputed indicator layer (issue 4): speed and memory against the targets.

    python -m benchmarks.bench_indicators --out bench-results/indicators.json          # national
    python -m benchmarks.bench_indicators --out /tmp/indicators.json --quick           # scale 0.05

The national warehouse is the demo (``ungeindsats.demo.generate_demo``, all 98 municipalities,
2012-2019) imported with the real importers. Every measurement runs in a child process of its own:

- ``compute``: ``ungeindsats compute``'s library call on a freshly imported warehouse (so the facts
  are rebuilt first, as after an import): wall time and peak memory; targets ≤ 60 s, ≤ 6 GB;
- ``read``: the median of 100 ``read_cached`` calls (random indicator, municipality, month and
  breakdown, on an open warehouse); target ≤ 20 ms;
- ``naive``: the straightforward formulation, one indicator query per municipality × month. All
  9,500 queries would take long, so a sample (``fte`` in total for 10 municipalities × 12 months
  spread over the range; ``--naive-months 0`` for every month) is timed and extrapolated to 99
  areas × every month; beside it, in the same child,
  ``compute`` of the same indicator and breakdown (one grouped query), and the ratio of the two.
  The sampled answers are checked against the layer.

Peak memory is the larger of the child's own high-water mark (VmHWM from /proc, read by the child
at the end) and the largest resident size of the child's process tree that the parent sees when it
samples /proc every 50 ms. ``getrusage(RUSAGE_CHILDREN)`` is not used: on Linux a child's
ru_maxrss starts from the parent's resident size at fork, so it would measure this driver.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.memory import own_hwm_kb, run_child

TARGET_COMPUTE_S = 60.0
TARGET_COMPUTE_MB = 6 * 1024
TARGET_READ_MS = 20.0
READS = 100
SAMPLE_MUNICIPALITIES = 10
NAIVE_INDICATOR = "fte"
KEY = bytes(range(32))  # a fixed benchmark key, never a real one


# --- building the national warehouse (child) -------------------------------------------------


def _child_import(demo: Path, warehouse: Path) -> dict[str, Any]:
    """Import every demo file, in manifest order, with the real importers."""
    from ungeindsats.demo import read_manifest
    from ungeindsats.ingest.cpr import Pseudonymiser
    from ungeindsats.ingest.errors import InputError
    from ungeindsats.ingest.load import ImportOptions
    from ungeindsats.ingest.sources import import_file
    from ungeindsats.warehouse import open_warehouse

    manifest = read_manifest(demo)
    options = ImportOptions(pseudonymiser=Pseudonymiser(KEY), user="benchmark")
    seconds: dict[str, float] = {}
    failed: list[str] = []
    with open_warehouse(warehouse) as wh:
        for file in manifest.files:
            started = time.perf_counter()
            try:
                import_file(wh, file.kind, file.path, options, codes=file.codes)
            except InputError as exc:
                # Reported, not fatal: the indicators may not need that file.
                failed.append(f"{file.path.name}: {str(exc).splitlines()[-1]}")
            seconds[file.kind] = seconds.get(file.kind, 0.0) + time.perf_counter() - started
        [(spells,)] = wh.con.execute("SELECT count(*) FROM status_spell").fetchall()
    return {
        "wall_s": sum(seconds.values()),
        "by_kind_s": seconds,
        "spells": spells,
        "persons": manifest.persons,
        "failed": failed,
        "hwm_kb": own_hwm_kb(),
    }


# --- the measured children -------------------------------------------------------------------


def _child_compute(warehouse: Path, exclude: list[str]) -> dict[str, Any]:
    from ungeindsats.indicators import all_indicators
    from ungeindsats.indicators.precompute import compute
    from ungeindsats.warehouse import open_warehouse

    marks: list[tuple[float, int]] = []
    with open_warehouse(warehouse) as wh:
        started = time.perf_counter()

        def progress(done: int, total: int | None) -> None:
            marks.append((time.perf_counter() - started, done))
            print(f"    {done}/{total} efter {marks[-1][0]:.0f} s", file=sys.stderr, flush=True)

        names = [i.name for i in all_indicators() if i.name not in exclude]
        summary = compute(wh, indicators=None if not exclude else names, progress=progress)
        wall = time.perf_counter() - started
        [(facts_rows,)] = wh.con.execute("SELECT count(*) FROM fact_status_month").fetchall()
    # The first progress call comes after the facts are (re)built and the jobs are planned.
    return {
        "wall_s": wall,
        "facts_s": marks[0][0] if marks else None,
        "facts_rows": facts_rows,
        "rows": summary.rows,
        "indicators": list(summary.indicators),
        "municipalities": summary.municipalities,
        "periods": [summary.first_period, summary.last_period],
        "jobs": len(summary.times),
        "times": [
            {
                "indicator": t.indicator,
                "breakdown": t.breakdown,
                "seconds": t.seconds,
                "rows": t.rows,
            }
            for t in summary.times
        ],
        "skipped": [f"{s.indicator}/{s.breakdown or 'i alt'}: {s.reason}" for s in summary.skipped],
        "summary": str(summary),
        "hwm_kb": own_hwm_kb(),
    }


def _child_read(warehouse: Path) -> dict[str, Any]:
    from ungeindsats.indicators.precompute import CACHED_BREAKDOWNS, read_cached
    from ungeindsats.warehouse import open_warehouse

    started = time.perf_counter()
    wh = open_warehouse(warehouse)
    open_s = time.perf_counter() - started
    # Questions a dashboard asks: held figures (indicator, breakdown) × any area × any month.
    # The dashboard's figures: each indicator in total and by each cached breakdown (the
    # report's extra jobs, cross breakdowns and whole years, are read through ``layer_result``).
    dashboard = ["", *CACHED_BREAKDOWNS]
    held = wh.con.execute(
        "SELECT indicator, breakdown FROM indicator_cache_coverage "
        "WHERE skipped_reason IS NULL AND list_contains(?, breakdown)",
        [dashboard],
    ).fetchall()
    areas = [
        r[0]
        for r in wh.con.execute(
            "SELECT DISTINCT municipality FROM indicator_cache ORDER BY 1"
        ).fetchall()
    ]
    # Each held figure's own periods: months, or years for a yearly indicator.
    periods = {
        name: [r[0] for r in rows]
        for name, rows in (
            (
                name,
                wh.con.execute(
                    "SELECT DISTINCT period FROM indicator_cache "
                    "WHERE indicator = ? AND breakdown = '' ORDER BY 1",
                    [name],
                ).fetchall(),
            )
            for name in {h[0] for h in held}
        )
    }
    pick = random.Random(4)
    questions = []
    for _ in range(READS):
        name, breakdown = pick.choice(held)
        questions.append((name, breakdown, pick.choice(areas), pick.choice(periods[name])))
    times, rows = [], 0
    first_started = time.perf_counter()
    read_cached(wh, questions[0][0], questions[0][2], questions[0][3], questions[0][1] or None)
    first_ms = (time.perf_counter() - first_started) * 1000
    for name, breakdown, area, month in questions:
        t0 = time.perf_counter()
        rows += len(read_cached(wh, name, area, month, breakdown or None))
        times.append((time.perf_counter() - t0) * 1000)
    wh.close()
    ordered = sorted(times)
    return {
        "reads": READS,
        "median_ms": statistics.median(times),
        "p95_ms": ordered[int(0.95 * len(ordered)) - 1],
        "max_ms": ordered[-1],
        "first_read_ms": first_ms,
        "open_warehouse_ms": open_s * 1000,
        "rows_returned": rows,
        "hwm_kb": own_hwm_kb(),
    }


def _child_naive(warehouse: Path, sample_months: int) -> dict[str, Any]:
    from ungeindsats.indicators import Query, get_indicator
    from ungeindsats.indicators.precompute import compute, read_cached
    from ungeindsats.periods import parse_period
    from ungeindsats.warehouse import open_warehouse

    with open_warehouse(warehouse) as wh:
        areas = [
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT municipality FROM indicator_cache ORDER BY 1"
            ).fetchall()
        ]
        months = [
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT period FROM indicator_cache "
                "WHERE indicator = ? AND breakdown = '' ORDER BY 1",
                [NAIVE_INDICATOR],
            ).fetchall()
        ]
        sample = sorted(random.Random(7).sample(areas, min(SAMPLE_MUNICIPALITIES, len(areas))))
        # Every month, or that many spread evenly over the range (each query costs the same).
        step = len(months) / sample_months if 0 < sample_months < len(months) else 1.0
        chosen = [months[int(i * step)] for i in range(round(len(months) / step))]
        fte = get_indicator(NAIVE_INDICATOR)
        answers: dict[tuple[int, str], tuple[Any, Any]] = {}
        started = time.perf_counter()
        for area in sample:
            for month in chosen:
                for row in fte(wh, Query((area,), (parse_period(month),))).rows():
                    answers[(area, month)] = (row["value"], row["persons"])
        naive_sample_s = time.perf_counter() - started
        queries = len(sample) * len(chosen)

        # The same figure from the layer: it must agree with the one-by-one answers.
        mismatches = 0
        for area in sample:
            for month in chosen:
                cached = read_cached(wh, NAIVE_INDICATOR, area, month)
                got = (cached[0]["value"], cached[0]["persons"]) if cached else None
                want = answers.get((area, month))
                if got != want and not (
                    got and want and abs(got[0] - want[0]) < 1e-9 and got[1] == want[1]
                ):
                    mismatches += 1

        # Ours for the same indicator and breakdown (totals only): one grouped query.
        started = time.perf_counter()
        compute(wh, indicators=[NAIVE_INDICATOR], breakdowns=())
        ours_s = time.perf_counter() - started
    per_query_s = naive_sample_s / queries
    all_queries = len(areas) * len(months)
    extrapolated = per_query_s * all_queries
    return {
        "indicator": NAIVE_INDICATOR,
        "sample_municipalities": sample,
        "sample_months": chosen,
        "sample_queries": queries,
        "sample_s": naive_sample_s,
        "per_query_ms": per_query_s * 1000,
        "all_queries": all_queries,
        "extrapolated_s": extrapolated,
        "ours_same_figure_s": ours_s,
        "ratio": extrapolated / ours_s,
        "mismatches_vs_layer": mismatches,
        "hwm_kb": own_hwm_kb(),
    }


CHILDREN = {
    "import": lambda a: _child_import(Path(a[0]), Path(a[1])),
    "compute": lambda a: _child_compute(Path(a[0]), a[1:]),
    "read": lambda a: _child_read(Path(a[0])),
    "naive": lambda a: _child_naive(Path(a[0]), int(a[1])),
}


# --- the parent side -------------------------------------------------------------------------


def _as_after_import(warehouse: Path) -> None:
    """Forget when the facts were built, so that ``compute`` rebuilds them (``facts_stale``)."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        # A warehouse fresh from its import has no derived_meta yet: its facts are stale already.
        known = "SELECT 1 FROM duckdb_tables() WHERE table_name = 'derived_meta'"
        if con.execute(known).fetchall():
            con.execute("DELETE FROM derived_meta WHERE name = 'facts'")
    finally:
        con.close()


def _measure(kind: str, *args: str) -> dict[str, Any]:
    """Run one child; its answer with ``peak_rss_mb`` (its process tree) added."""
    return run_child("benchmarks.bench_indicators", kind, *args)


def _national(workdir: Path, scale: float) -> tuple[Path, dict[str, Any]]:
    """The imported demo warehouse (built once per scale and kept in ``workdir``)."""
    from ungeindsats.demo import generate_demo, read_manifest

    tag = f"{scale:g}"
    demo, warehouse = workdir / f"demo_{tag}", workdir / f"national_{tag}.duckdb"
    info_file = workdir / f"national_{tag}.json"
    if warehouse.exists() and info_file.exists():
        print(f"  genbruger {warehouse}", flush=True)
        return warehouse, dict(json.loads(info_file.read_text()))
    started = time.perf_counter()
    if (demo / "manifest.json").exists() and read_manifest(demo).scale == scale:
        manifest, generated = read_manifest(demo), None
        print(f"  genbruger demodata i {demo}", flush=True)
    else:
        manifest = generate_demo(demo, scale=scale)
        generated = time.perf_counter() - started
        print(
            f"  demo (skala {tag}): {manifest.persons:,} personer på {generated:.0f} s", flush=True
        )
    warehouse.unlink(missing_ok=True)
    imported = _measure("import", str(demo), str(warehouse))
    print(f"  indlæst på {imported['wall_s']:.0f} s ({imported['spells']:,} forløb)", flush=True)
    for failure in imported["failed"]:
        print(f"  IKKE indlæst: {failure}", flush=True)
    shutil.rmtree(demo)
    info = {
        "scale": scale,
        "persons": manifest.persons,
        "generate_s": generated,
        "import": imported,
        "warehouse_mb": warehouse.stat().st_size / 2**20,
    }
    info_file.write_text(json.dumps(info, indent=2))
    return warehouse, info


def run(
    scale: float, workdir: Path, repeat: int, naive_months: int, exclude: list[str]
) -> dict[str, Any]:
    print(f"Nøgletalsbenchmark: demo i skala {scale:g} (arbejdsmappe {workdir})", flush=True)
    imported, info = _national(workdir, scale)
    work = workdir / "compute.duckdb"
    computes = []
    for _ in range(repeat):
        # A fresh copy each time, with the facts made stale, as right after an import: the
        # economics and report benchmarks build the facts (and a layer) in the kept warehouse.
        shutil.copyfile(imported, work)
        _as_after_import(work)
        computes.append(_measure("compute", str(work), *exclude))
        print(
            f"  compute: {computes[-1]['wall_s']:.1f} s, {computes[-1]['peak_rss_mb']:,.0f} MB",
            flush=True,
        )
    read = _measure("read", str(work))
    print(f"  read_cached: median {read['median_ms']:.2f} ms", flush=True)
    naive = _measure("naive", str(work), str(naive_months))
    print(
        f"  naiv: {naive['per_query_ms']:.1f} ms pr. forespørgsel, ratio {naive['ratio']:.0f}×",
        flush=True,
    )
    work.unlink()

    compute_wall = statistics.median(c["wall_s"] for c in computes)
    compute_peak = max(c["peak_rss_mb"] for c in computes)
    first = computes[0]
    naive_full_s = naive["per_query_ms"] / 1000 * naive["all_queries"] * first["jobs"]
    by_indicator: dict[str, float] = {}
    for job in first["times"]:
        by_indicator[job["indicator"]] = by_indicator.get(job["indicator"], 0.0) + job["seconds"]
    return {
        "benchmark": "indicator_layer",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "data": info,
        "excluded_indicators": exclude,
        "targets": {
            "compute_wall_s": TARGET_COMPUTE_S,
            "compute_peak_rss_mb": TARGET_COMPUTE_MB,
            "read_median_ms": TARGET_READ_MS,
        },
        "compute": {"runs": computes, "wall_s_median": compute_wall, "peak_rss_mb": compute_peak},
        "read": read,
        "naive": naive,
        "compute_seconds_by_indicator": dict(
            sorted(by_indicator.items(), key=lambda item: -item[1])
        ),
        "summary": {
            "scale": scale,
            "compute_wall_s": compute_wall,
            "compute_facts_s": first["facts_s"],
            "compute_peak_rss_mb": compute_peak,
            "compute_meets_time_target": compute_wall <= TARGET_COMPUTE_S,
            "compute_meets_memory_target": compute_peak <= TARGET_COMPUTE_MB,
            "read_median_ms": read["median_ms"],
            "read_meets_target": read["median_ms"] <= TARGET_READ_MS,
            "naive_per_query_ms": naive["per_query_ms"],
            "naive_extrapolated_same_figure_s": naive["extrapolated_s"],
            "ours_same_figure_s": naive["ours_same_figure_s"],
            "ratio_naive_to_ours_same_figure": naive["ratio"],
            "naive_extrapolated_whole_layer_s": naive_full_s,
            "ratio_naive_to_ours_whole_layer": naive_full_s / compute_wall,
            "naive_matches_layer": naive["mismatches_vs_layer"] == 0,
        },
        "notes": [
            "naive = one indicator query per municipality × month through the library "
            f"({NAIVE_INDICATOR}, totals); timed on {naive['sample_queries']} queries "
            f"({len(naive['sample_municipalities'])} municipalities × "
            f"{len(naive['sample_months'])} months spread over the range) and "
            f"extrapolated to {naive['all_queries']} (every area incl. Hele landet × every month)",
            "whole-layer extrapolation multiplies the naive per-query time by the number of "
            "indicator × breakdown jobs; other indicators and breakdowns may cost more or less "
            "per query than fte in total",
            "compute runs on a freshly imported copy, so it includes rebuilding the facts",
            *(
                [f"NOT the whole layer: left out of compute: {', '.join(exclude)}"]
                if exclude
                else []
            ),
            "the machine has 2 cores shared with other work: times are noisy; ratios come from "
            "one run",
        ],
    }


def print_table(report: dict[str, Any]) -> None:
    s = report["summary"]
    t = report["targets"]
    print(f"\n{'måling':<44}{'målt':>14}{'mål':>12}  ok")
    lines = [
        (
            "compute, hele laget (s)",
            s["compute_wall_s"],
            t["compute_wall_s"],
            s["compute_meets_time_target"],
        ),
        ("  heraf faktatabeller (s)", s["compute_facts_s"], None, None),
        (
            "compute, top-RSS (MB)",
            s["compute_peak_rss_mb"],
            t["compute_peak_rss_mb"],
            s["compute_meets_memory_target"],
        ),
        (
            "read_cached, median af 100 (ms)",
            s["read_median_ms"],
            t["read_median_ms"],
            s["read_meets_target"],
        ),
        ("naiv, pr. kommune × måned (ms)", s["naive_per_query_ms"], None, None),
        ("naiv, fte i alt, fremskrevet (s)", s["naive_extrapolated_same_figure_s"], None, None),
        ("vores, fte i alt (s)", s["ours_same_figure_s"], None, None),
        ("forhold naiv/vores, fte i alt (×)", s["ratio_naive_to_ours_same_figure"], None, None),
        ("naiv, hele laget, fremskrevet (s)", s["naive_extrapolated_whole_layer_s"], None, None),
        ("forhold naiv/vores, hele laget (×)", s["ratio_naive_to_ours_whole_layer"], None, None),
    ]
    for label, value, target, ok in lines:
        shown_target = f"{target:,.0f}" if target is not None else ""
        shown_ok = "" if ok is None else ("ja" if ok else "NEJ")
        value_text = "–" if value is None else f"{value:,.2f}"
        print(f"{label:<44}{value_text:>14}{shown_target:>12}  {shown_ok}")
    print(f"\n  naive svar = laget: {s['naive_matches_layer']}")
    print("\n  compute-tid pr. nøgletal (s, i alt og alle opdelinger):")
    for name, seconds in report["compute_seconds_by_indicator"].items():
        print(f"    {name:<28}{seconds:>10,.1f}")
    for note in report["notes"]:
        print(f"  * {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Nøgletalslagets hastighed og hukommelse.")
    parser.add_argument("--out", type=Path, help="JSON-fil med alle tal")
    parser.add_argument("--scale", type=float, default=1.0, help="demoens skala (1,0 = landet)")
    parser.add_argument("--quick", action="store_true", help="skala 0,05")
    parser.add_argument("--repeat", type=int, default=1, help="kørsler af compute (median)")
    parser.add_argument("--workdir", type=Path, help="hvor demo og lager gemmes (genbruges)")
    parser.add_argument(
        "--naive-months",
        type=int,
        default=12,
        help="måneder i stikprøven af den naive formulering (0 = alle)",
    )
    parser.add_argument(
        "--exclude", default="", help="nøgletal, der udelades af compute (kommasepareret)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        print(json.dumps(CHILDREN[kind](rest)))
        return
    scale = 0.05 if args.quick else args.scale
    exclude = [name.strip() for name in args.exclude.split(",") if name.strip()]
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = run(scale, args.workdir, args.repeat, args.naive_months, exclude)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-indicators-") as tmp:
            report = run(scale, Path(tmp), args.repeat, args.naive_months, exclude)
    print_table(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nSkrevet til {args.out}")


if __name__ == "__main__":
    main()
