"""Comparable municipalities (sammenlignelige kommuner): nearest in framework conditions, or a
user's cluster list; the municipality's rank among them and the index series.

Nearest: each framework variable is standardised across the municipalities (mean 0, standard
deviation 1, unweighted, so every municipality counts once and no variable dominates by its unit),
and the ``k`` municipalities at the smallest Euclidean distance are the peers (ties by code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ungeindsats.benchmark.model import F64, BenchmarkError, place
from ungeindsats.classifications import resolve_municipality
from ungeindsats.ingest.errors import InputError, Problem, fail

DEFAULT_K = 8


def nearest_peers(
    codes: Sequence[int], matrix: F64, kommune: int, k: int = DEFAULT_K
) -> tuple[int, ...]:
    """The ``k`` codes nearest ``kommune`` in the standardised columns of ``matrix``."""
    if kommune not in codes:
        raise BenchmarkError(f"{place(kommune)} er ikke blandt de sammenlignede kommuner")
    if not 1 <= k < len(codes):
        raise BenchmarkError(
            f"antal sammenlignelige kommuner skal være mellem 1 og {len(codes) - 1}"
        )
    spread = matrix.std(axis=0)
    z = (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    i = list(codes).index(kommune)
    distance = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
    order = sorted(
        (float(d), c) for j, (d, c) in enumerate(zip(distance, codes, strict=True)) if j != i
    )
    return tuple(c for _, c in order[:k])


def read_cluster_file(path: Path, kommune: int) -> tuple[int, ...]:
    """Peers from a user's cluster list: ``municipality;cluster`` (``;`` or ``,``; a code or a
    name). The peers are the other municipalities in ``kommune``'s cluster."""
    name = path.name
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(name, f"filen kan ikke læses: {exc}") from exc
    rows = [
        (n, line)
        for n, line in enumerate(lines, start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not rows:
        raise fail(name, "filen er tom")
    delimiter = ";" if ";" in rows[0][1] else ","
    header = [h.strip().lower() for h in rows[0][1].split(delimiter)]
    if header[:2] != ["municipality", "cluster"]:
        raise fail(name, "de første kolonner skal hedde municipality og cluster", line=rows[0][0])
    clusters: dict[int, str] = {}
    problems = []
    for number, line in rows[1:]:
        cells = [c.strip() for c in line.split(delimiter)]
        code = resolve_municipality(cells[0]) if cells and cells[0] else None
        if code is None or code == 0:
            problems.append(Problem(name, "ikke en kommune", number, "municipality", cells[0][:40]))
        elif len(cells) < 2 or not cells[1]:
            problems.append(Problem(name, "klyngen mangler", number, "cluster"))
        elif code in clusters:
            problems.append(Problem(name, "kommunen står to gange", number, "municipality"))
        else:
            clusters[code] = cells[1]
    if problems:
        raise InputError(problems)
    if kommune not in clusters:
        raise fail(name, f"{place(kommune)} står ikke i filen")
    peers = tuple(sorted(c for c, g in clusters.items() if g == clusters[kommune] and c != kommune))
    if not peers:
        raise fail(name, f"{place(kommune)} er alene i klyngen '{clusters[kommune]}'")
    return peers


@dataclass(frozen=True)
class PeerRank:
    """The municipality's rank among itself and its peers in one period (1 = best)."""

    period: str
    by_actual: int  # by the outcome itself (lowest share = 1)
    by_difference: int  # by actual − expected (furthest below expected = 1)
    of: int


def rank_among(values: F64, position: int) -> int:
    """1 + how many values are strictly below the one at ``position``."""
    return 1 + int(np.sum(values < values[position]))
