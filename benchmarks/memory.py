"""Peak memory of benchmark children, read from /proc (Linux).

A child reports its own high-water mark (VmHWM) at the end; the parent samples the resident
memory of the child's whole process tree while it runs (helper processes included), and a
benchmark reports the larger of the two.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def own_hwm_kb() -> int:
    """This process's peak resident memory since exec (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants now, in KB (0 once it is gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        pending.extend(int(c) for c in children)
    return total


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module --child *args``, sampling its process tree's resident memory every
    50 ms; its answer (the last line it prints, JSON) with ``peak_rss_mb`` added: the larger of
    the sampled peak and the child's own high-water mark (``hwm_kb``, which it may report).
    Raises RuntimeError if the child fails."""
    command = [sys.executable, "-m", module, "--child", *args]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output, cwd=Path(__file__).parents[1])
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))
            time.sleep(0.05)
        if process.returncode != 0:
            raise RuntimeError(
                f"benchmark child failed (exit {process.returncode}): {module} {' '.join(args)}"
            )
        output.seek(0)
        answer: dict[str, Any] = json.loads(output.read().decode().strip().splitlines()[-1])
    answer["peak_rss_mb"] = max(peak_kb, int(answer.pop("hwm_kb", 0))) / 1024
    return answer
