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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _KeepAlive:
    """One user's keep-alive HTTP/1.1 connection for the timed phase, with the session cookie
    that httpx got at login. The load client shares the machine's two cores with the server, and
    httpx spent more CPU per request than the app (``client_cpu_ms_per_request``), which the
    server's latency then showed; this reads a response with a few lines of asyncio instead."""

    def __init__(self, base: str, cookie: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.cookie = host, int(port), cookie
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Cookie: {self.cookie}\r\n\r\n".encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in head[1:] if line)
        )
        if fields.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await reader.readuntil(b"\r\n"))[:-2], 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")
        else:
            body = await reader.readexactly(int(fields.get("content-length", "0")))
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def _load(
    base: str, seconds: float, users: int, months: list[str], server_pid: int
) -> dict[str, Any]:
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
    connections = [
        _KeepAlive(base, "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar))
        for client in clients
    ]
    for client in clients:
        await client.aclose()
    stop = time.monotonic() + seconds
    # CPU of the server and of this client during the timed phase: the two share the machine's
    # cores, so the server's CPU per request says how much of the latency is the app's.
    server_cpu, client_cpu = _cpu_seconds(server_pid), time.process_time()

    async def user(number: int, client: _KeepAlive) -> None:
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
                    status, body = await client.get(url)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(f"{url}: {type(exc).__name__}")
                    client.close()
                    client.streams = None
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                # A whole answer of the right kind, not just a status line.
                whole = "rows" in json.loads(body) if kind == "api" else b"</html>" in body
                if status == 200 and whole:
                    timings[kind].append(elapsed)
                else:
                    errors.append(f"{url}: HTTP {status}")

    try:
        await asyncio.gather(*(user(n, c) for n, c in enumerate(connections)))
        server_cpu = _cpu_seconds(server_pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        for connection in connections:
            connection.close()
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
    answered = sum(len(v) for v in timings.values())
    result["requests_per_s"] = round(answered / seconds, 1)
    result["server_cpu_ms_per_request"] = round(1000 * server_cpu / max(answered, 1), 2)
    result["client_cpu_ms_per_request"] = round(1000 * client_cpu / max(answered, 1), 2)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
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
        load = asyncio.run(_load(base, args.seconds, args.users, months, server.pid))
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
