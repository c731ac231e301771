"""Peak memory of benchmark children, read from /proc (Linux).

A child reports its own high-water mark (VmHWM) at the end; the parent samples the resident
memory of the child's whole process tree while it runs (helper processes included), and a
benchmark reports the larger of the two.
"""

from __future__ import annotations

from pathlib import Path


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
