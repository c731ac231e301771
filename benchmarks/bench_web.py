"""Load test of the dashboard (issue 9): 20 concurrent users on the loopback, bounded in time.

    python -m benchmarks.bench_web --out bench-results/web.json --scale 0.05
    python -m benchmarks.bench_web --out /tmp/web.json --data-dir data   # an existing data folder

The app runs as ``ungeindsats serve`` would, in a uvicorn subprocess (one process, the default
thread pool), on the demo warehouse imported with the real importers, with the facts and the
precomputed layer for ``fte`` by youth group built (``ungeindsats compute`` for that indicator).
Each simulated user logs in with its own session (all logins first, then the clock starts) and
then, until the time is up, asks in turn for
the overview, a youth-group page and an API indicator read (``fte`` by youth group for a random
municipality and month of the layer). Targets: overview and group pages p95 ≤ 150 ms, API
indicator reads p95 ≤ 50 ms, no errors.

A page is built once per municipality and month and then kept until the data change (see
``ungeindsats.web.state``): the load phase measures the pages as users meet them after that first
build, for the default municipality and a few others warmed first; the first builds ("cold") are
timed and reported beside. API reads are not warmed: every municipality × month asked is new.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_PAGE_P95_MS = 150.0
TARGET_API_P95_MS = 50.0
USERS = 20
SECONDS = 20.0
PASSWORD = "belastningstest-123"
WARM_MUNICIPALITIES = (791, 101, 751, 461)
GROUP_PAGES = ("gruppe-1", "gruppe-2", "gruppe-3", "gruppe-4")
KEY = bytes(range(32))  # a fixed benchmark key, never a real one


def _build(data_dir: Path, scale: float) -> dict[str, Any]:
    """Demo data imported, facts built, fte by youth group in the layer, a user to log in."""
    from ungeindsats.demo import generate_demo
    from ungeindsats.indicators.precompute import compute
    from ungeindsats.ingest.cpr import Pseudonymiser
    from ungeindsats.ingest.load import ImportOptions
    from ungeindsats.ingest.sources import import_file
    from ungeindsats.warehouse import open_warehouse

    started = time.perf_counter()
    manifest = generate_demo(data_dir / "demo", scale=scale, seed=2019)
    options = ImportOptions(pseudonymiser=Pseudonymiser(KEY), user="benchmark")
    with open_warehouse(data_dir / "warehouse.duckdb") as warehouse:
        for file in manifest.files:
            import_file(warehouse, file.kind, file.path, options, codes=file.codes)
        summary = compute(warehouse, indicators=["fte"], breakdowns=["youth_group"])
    return {
        "persons": manifest.persons,
        "build_s": round(time.perf_counter() - started, 1),
        "layer": f"{summary.first_period}-{summary.last_period}",
    }


def _add_user(data_dir: Path) -> None:
    from ungeindsats.settings import Settings
    from ungeindsats.steering import add_user, get_user, open_steering

    url = Settings(data_dir=data_dir).steering_database_url
    with open_steering(url) as db, db.begin() as session:
        if get_user(session, "belastning") is None:
            add_user(session, "belastning", PASSWORD, "viewer", who="benchmark")


def _serve(data_dir: Path, port: int) -> None:
    """The child: the app on the loopback until killed."""
    import uvicorn

    from ungeindsats.settings import Settings
    from ungeindsats.web import create_app

    app = create_app(Settings(data_dir=data_dir))
    # Keep-alive longer than the login phase: a connection closed while idle races the next
    # request (a client-side RemoteProtocolError, not an answer of the app).
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=60,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _login(client: Any) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    answer = await client.post(
        "/login",
        data={"username": "belastning", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 303, answer.text


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _load(base: str, seconds: float, users: int, months: list[str]) -> dict[str, Any]:
    import httpx

    from ungeindsats.classifications import municipalities

    codes = [m.code for m in municipalities() if m.code != 0]

    timings: dict[str, list[float]] = {"overview": [], "group": [], "api": []}
    errors: list[str] = []
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(users)]
    # Everybody logs in first (argon2 is slow on purpose, and logins are rare); the clock for
    # the reads starts when all are in.
    started = time.perf_counter()
    await asyncio.gather(*(_login(client) for client in clients))
    login_s = time.perf_counter() - started
    stop = time.monotonic() + seconds

    async def user(number: int, client: Any) -> None:
        rng = random.Random(number)
        while time.monotonic() < stop:
            kommune = rng.choice(WARM_MUNICIPALITIES)
            asks = [
                ("overview", f"/side/overblik?kommune={kommune}"),
                ("group", f"/side/{rng.choice(GROUP_PAGES)}?kommune={kommune}"),
                (
                    "api",
                    f"/api/v1/indicators/fte?kommune={rng.choice(codes)}"
                    f"&period={rng.choice(months)}&by=youth_group",
                ),
            ]
            for kind, url in asks:
                began = time.perf_counter()
                try:
                    answer = await client.get(url)
                except httpx.HTTPError as exc:
                    errors.append(f"{url}: {type(exc).__name__}")
                    continue
                if answer.status_code == 200:
                    timings[kind].append((time.perf_counter() - began) * 1000)
                else:
                    errors.append(f"{url}: HTTP {answer.status_code}")

    try:
        await asyncio.gather(*(user(n, c) for n, c in enumerate(clients)))
    finally:
        for client in clients:
            await client.aclose()
    result: dict[str, Any] = {
        "errors": len(errors),
        "error_examples": errors[:5],
        "logins_s": round(login_s, 1),
    }
    for kind, values in timings.items():
        result[kind] = {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(_percentile(values, 0.95) or 0.0, 1) if values else None,
            "max_ms": round(max(values), 1) if values else None,
        }
    result["requests_per_s"] = round(sum(len(v) for v in timings.values()) / seconds, 1)
    return result


async def _warm(base: str) -> dict[str, float]:
    """First builds of the pages the load asks for (seconds each)."""
    import httpx

    cold: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        await _login(client)
        for kommune in WARM_MUNICIPALITIES:
            for page in ("overblik", *GROUP_PAGES):
                started = time.perf_counter()
                answer = await client.get(f"/side/{page}?kommune={kommune}")
                assert answer.status_code == 200, (page, answer.status_code)
                cold[f"{page}/{kommune}"] = round(time.perf_counter() - started, 2)
    return cold


def main() -> None:
    parser = argparse.ArgumentParser(description="Belastningstest af dashboardet.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="brug en eksisterende datamappe"
    )
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--serve", nargs=2, metavar=("DATA_DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(Path(args.serve[0]), int(args.serve[1]))
        return
    scratch = None
    if args.data_dir is None:
        scratch = Path(tempfile.mkdtemp(prefix="bench-web-"))
        data_dir = scratch
        built = _build(data_dir, args.scale)
    else:
        data_dir, built = args.data_dir, {"data_dir": str(args.data_dir)}
    _add_user(data_dir)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_web",
            "--out",
            "-",
            "--serve",
            str(data_dir),
            str(port),
        ],
        env={**os.environ},
    )
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the dashboard did not start") from None
                time.sleep(0.2)
        cold = asyncio.run(_warm(base))
        months = [f"2018M{m:02d}" for m in range(1, 13)] + ["2019M01", "2019M02"]
        load = asyncio.run(_load(base, args.seconds, args.users, months))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    pages = [load["overview"]["p95_ms"], load["group"]["p95_ms"]]
    report = {
        "scale": args.scale if args.data_dir is None else None,
        "users": args.users,
        "seconds": args.seconds,
        "data": built,
        "load": load,
        "cold_page_builds_s": cold,
        "targets": {
            "page_p95_ms": TARGET_PAGE_P95_MS,
            "api_p95_ms": TARGET_API_P95_MS,
            "errors": 0,
        },
        "met": {
            "pages": all(p is not None and p <= TARGET_PAGE_P95_MS for p in pages),
            "api": (load["api"]["p95_ms"] or 1e9) <= TARGET_API_P95_MS,
            "errors": load["errors"] == 0,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
