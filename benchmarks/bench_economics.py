"""Benchmark of the economics (issue 7): the net-cost computation on the demo warehouse.

    python -m benchmarks.bench_economics --out bench-results/economics.json            # national
    python -m benchmarks.bench_economics --out /tmp/economics.json --scale 0.05        # small
    python -m benchmarks.bench_economics --warehouse data/warehouse.duckdb --out x.json  # as is

The warehouse is the demo (all 98 municipalities, 2012-2019) imported with the real importers,
built once per scale by ``benchmarks.bench_indicators`` (``--workdir`` keeps it). Each measurement
runs in a child process of its own, after the derived facts are in place:

- ``net_cost``: ``net_cost`` for 2016-2019 (the refund ladder over every public-support spell since
  2014U27, every municipality and the country, by benefit, youth group and step), cold (the
  ladder table built, as after an import) and warm (the ladder table reused); target ≤ 60 s and
  ≤ 4 GB at national scale, cold;
- ``main_job``: the main job's economics step (``economics_step``: net cost for two years, the
  key-figure tables and Viborg's realised saving, through disclosure control), after the above
  (the ladder table in place, as on a second ``make run``).

Peak memory is the child's process tree as the parent samples it every 50 ms, or the child's own
high-water mark if larger (see ``benchmarks.memory``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.memory import own_hwm_kb, run_child

TARGET_S = 60.0
TARGET_MB = 4 * 1024


def _child_net_cost(warehouse: str) -> dict[str, Any]:
    from ungeindsats.economics import net_cost
    from ungeindsats.indicators.facts import ensure_facts
    from ungeindsats.warehouse import open_warehouse

    with open_warehouse(Path(warehouse)) as wh:
        ensure_facts(wh)
        [(spells, persons)] = wh.con.execute(
            "SELECT count(*), count(DISTINCT person_id) FROM status_spell"
        ).fetchall()
        # Cold: the ladder positions (a derived table reused until the next import) are built.
        wh.con.execute("DROP TABLE IF EXISTS economics_ladder")
        started = time.perf_counter()
        cost = net_cost(wh, [2016, 2017, 2018, 2019])
        wall = time.perf_counter() - started
        started = time.perf_counter()
        net_cost(wh, [2016, 2017, 2018, 2019])
        warm = time.perf_counter() - started
        country = cost.cell(0, 2019)
    return {
        "wall_s": wall,
        "warm_s": warm,
        "spells": spells,
        "persons_in_dream": persons,
        "cells": cost.table.num_rows,
        "country_2019_net_mio_kr": None if country is None else country.net / 1e6,
        "country_2019_fte": None if country is None else country.fte,
        "hwm_kb": own_hwm_kb(),
    }


def _child_main_job(warehouse: str) -> dict[str, Any]:
    from ungeindsats.disclosure import DisclosureRule
    from ungeindsats.economics.tables import economics_step
    from ungeindsats.indicators.facts import ensure_facts
    from ungeindsats.periods import parse_period
    from ungeindsats.settings import Settings
    from ungeindsats.warehouse import open_warehouse

    with open_warehouse(Path(warehouse)) as wh:
        ensure_facts(wh)
        started = time.perf_counter()
        tables = economics_step(wh, DisclosureRule(), 791, parse_period("2019M02"), Settings())
        wall = time.perf_counter() - started
    return {"wall_s": wall, "tables": len(tables), "hwm_kb": own_hwm_kb()}


CHILDREN = {"net_cost": _child_net_cost, "main_job": _child_main_job}


def _measure(kind: str, warehouse: Path) -> dict[str, Any]:
    """Run one child; its answer with ``peak_rss_mb`` (its process tree) added."""
    return run_child("benchmarks.bench_economics", kind, str(warehouse))


def run(warehouse: Path, scale: float | None) -> dict[str, Any]:
    cost = _measure("net_cost", warehouse)
    print(
        f"  net_cost 2016-2019: {cost['wall_s']:.1f} s kold, {cost['warm_s']:.1f} s varm, "
        f"{cost['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    step = _measure("main_job", warehouse)
    print(
        f"  hovedkørslens trin: {step['wall_s']:.1f} s, {step['peak_rss_mb']:,.0f} MB", flush=True
    )
    report: dict[str, Any] = {
        "scale": scale,
        "targets": {"net_cost_s": TARGET_S, "net_cost_mb": TARGET_MB, "at_scale": 1.0},
        "net_cost": cost,
        "main_job": step,
    }
    if scale:
        # Work grows with the spells; a linear estimate, stated as such.
        report["national_estimate_s"] = {
            "net_cost": cost["wall_s"] / scale,
            "net_cost_warm": cost["warm_s"] / scale,
            "main_job": step["wall_s"] / scale,
        }
    if scale == 1.0:
        report["met"] = cost["wall_s"] <= TARGET_S and cost["peak_rss_mb"] <= TARGET_MB
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Økonomiberegningens hastighed og hukommelse.")
    parser.add_argument("--out", type=Path, help="JSON-fil med alle tal")
    parser.add_argument("--scale", type=float, default=1.0, help="demoens skala (1,0 = landet)")
    parser.add_argument("--workdir", type=Path, help="hvor demo og lager gemmes (genbruges)")
    parser.add_argument("--warehouse", type=Path, help="brug dette indlæste lager i stedet")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, warehouse = args.child
        print(json.dumps(CHILDREN[kind](warehouse)))
        return
    if args.warehouse is not None:
        print(f"Økonomibenchmark på {args.warehouse}", flush=True)
        report = run(args.warehouse, None)
    else:
        from benchmarks.bench_indicators import _national

        with tempfile.TemporaryDirectory(prefix="bench-economics-") as tmp:
            workdir = args.workdir or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            print(f"Økonomibenchmark: demo i skala {args.scale:g} ({workdir})", flush=True)
            warehouse, info = _national(workdir, args.scale)
            report = {**run(warehouse, args.scale), "warehouse": info}
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"Skrevet til {args.out}")


if __name__ == "__main__":
    main()
