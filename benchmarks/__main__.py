"""``make bench``: run every benchmark in its own process and collect the figures.

Each benchmark module writes a JSON file with its targets and measurements; this runner calls
them one after the other (the machine has two cores, so they must not compete), then writes
``summary.md`` beside the JSON files and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# name → (module, extra arguments for a full run, extra arguments for a quick run). "{work}" is
# one folder for the run, so that the national demo warehouse is generated and imported once.
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "dream": ("benchmarks.bench_dream", [], ["--quick"]),
    "demo": ("benchmarks.bench_demo", [], ["--scale", "0.05"]),
    "indicators": ("benchmarks.bench_indicators", ["--workdir", "{work}"], ["--scale", "0.05"]),
    "benchmark": ("benchmarks.bench_benchmark", [], ["--scale", "0.05"]),
    "economics": ("benchmarks.bench_economics", ["--workdir", "{work}"], ["--scale", "0.05"]),
    "reports": ("benchmarks.bench_reports", ["--workdir", "{work}"], ["--scale", "0.05"]),
    "web": ("benchmarks.bench_web", [], ["--seconds", "10"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description="Kør alle benchmarks og saml tallene.")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--quick", action="store_true", help="små datamængder (røgtest)")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "UNGEINDSATS_FULL_CALIBRATION": "0" if args.quick else "1"}
    summary = ["# Benchmark results", "", f"Run at {time.strftime('%Y-%m-%d %H:%M')}.", ""]
    failed = []
    for name in args.only or BENCHMARKS:
        module, full, quick = BENCHMARKS[name]
        target = args.out / f"{name}.json"
        command = [
            sys.executable,
            "-m",
            module,
            "--out",
            str(target),
            *(
                a.replace("{work}", str(args.out / "national"))
                for a in (quick if args.quick else full)
            ),
        ]
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.run(command, env=env, check=False).returncode
        summary.append(f"## {name} ({time.perf_counter() - started:.0f} s, exit {code})")
        if code != 0 or not target.exists():
            failed.append(name)
            summary.append("Failed; see the output above.\n")
            continue
        report = json.loads(target.read_text(encoding="utf-8"))
        summary.append("```json")
        summary.append(json.dumps(report, ensure_ascii=False, indent=1)[:6000])
        summary.append("```\n")
    (args.out / "summary.md").write_text("\n".join(summary), encoding="utf-8")
    print(f"Figures written to {args.out}/ (summary.md and one JSON file per benchmark).")
    if failed:
        sys.exit(f"Benchmarks that failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
