"""The demo is deterministic for its seed: the same seed writes the same bytes, another does not."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ungeindsats.demo import generate_demo
from ungeindsats.demo.model import _run_parts

TINY = {"scale": 0.004, "years": (2018, 2019)}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", seed=7, **TINY)  # type: ignore[arg-type]
    again = generate_demo(tmp_path / "b", seed=7, **TINY)  # type: ignore[arg-type]
    other = generate_demo(tmp_path / "c", seed=8, **TINY)  # type: ignore[arg-type]
    a, b, c = _hashes(first.out), _hashes(again.out), _hashes(other.out)
    assert a == b
    assert set(a) == set(c)
    assert a["dream.parquet"] != c["dream.parquet"]
    assert a["personer.parquet"] != c["personer.parquet"]


def test_rejects_a_scale_or_years_it_cannot_make(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="skalaen"):
        generate_demo(tmp_path, scale=0)
    with pytest.raises(ValueError, match="årene"):
        generate_demo(tmp_path, scale=0.01, years=(2019, 2012))


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: the parts run in this process")
def test_a_part_that_fails_in_its_child_says_why() -> None:
    """A failing part surfaces as an error carrying the child's traceback (here: a part without
    persons), not as the bare EOFError of a pipe closed without an answer."""
    job = (None, None, None, (2019, 2019), [7, 7, 0])
    with pytest.raises(RuntimeError, match=r"delproces [01]:") as failure:
        _run_parts([job, job], None, 1)  # type: ignore[list-item]
    assert "Traceback" in str(failure.value)
    assert "AttributeError" in str(failure.value)
