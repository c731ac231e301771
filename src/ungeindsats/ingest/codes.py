"""The status-code mapping that a DREAM import needs: code → benefit, target group, category.

Real DREAM code labels exist only as format files inside Danmarks Statistik's research
environment, so the user supplies the mapping as a CSV file with the header
``code,benefit,target_group,category`` (optionally ``label``). ``target_group`` may be empty;
``category`` is one of ``public_support``, ``education``, ``employment``, ``other``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ungeindsats.ingest.errors import InputError, Problem
from ungeindsats.ingest.files import sniff_text_format

CATEGORIES = ("public_support", "education", "employment", "other")
REQUIRED = ("code", "benefit", "target_group", "category")


@dataclass(frozen=True)
class StatusCode:
    code: int
    benefit: str | None
    target_group: str | None
    category: str
    label: str | None = None


def read_code_mapping(path: Path) -> dict[int, StatusCode]:
    """Read and validate the mapping file; every problem is reported with its line."""
    if not path.is_file():
        raise InputError([Problem(path.name, f"kodefilen findes ikke: {path}")])
    fmt = sniff_text_format(path)
    problems: list[Problem] = []
    mapping: dict[int, StatusCode] = {}
    with path.open(encoding=fmt.encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=fmt.delimiter)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError(
                [
                    Problem(
                        path.name,
                        f"overskriften mangler kolonnen {', '.join(missing)}; "
                        f"forventet: {','.join(REQUIRED)}",
                        line=1,
                    )
                ]
            )
        reader.fieldnames = header
        for line, row in enumerate(reader, start=2):
            raw_code = (row.get("code") or "").strip()
            category = (row.get("category") or "").strip()
            if not raw_code.lstrip("-").isdigit():
                problems.append(
                    Problem(path.name, "koden skal være et heltal", line, "code", raw_code)
                )
                continue
            if category not in CATEGORIES:
                problems.append(
                    Problem(
                        path.name,
                        f"kategorien skal være en af {', '.join(CATEGORIES)}",
                        line,
                        "category",
                        category,
                    )
                )
                continue
            code = int(raw_code)
            if code in mapping:
                problems.append(
                    Problem(path.name, "koden står to gange i kodefilen", line, "code", raw_code)
                )
                continue
            benefit = (row.get("benefit") or "").strip() or None
            if category == "public_support" and benefit is None:
                problems.append(
                    Problem(path.name, "en ydelseskode skal have en ydelse", line, "benefit", "")
                )
                continue
            mapping[code] = StatusCode(
                code,
                benefit,
                (row.get("target_group") or "").strip() or None,
                category,
                (row.get("label") or "").strip() or None,
            )
    if problems:
        raise InputError(problems)
    if not mapping:
        raise InputError([Problem(path.name, "kodefilen indeholder ingen koder")])
    return mapping


def store_code_mapping(
    con: duckdb.DuckDBPyConnection, mapping: dict[int, StatusCode], import_id: int
) -> None:
    """Upsert the mapping into ``status_code`` (a code's latest mapping wins)."""
    con.executemany(
        "INSERT OR REPLACE INTO status_code VALUES (?, ?, ?, ?, ?, ?)",
        [
            (c.code, c.benefit, c.target_group, c.category, c.label, import_id)
            for c in mapping.values()
        ],
    )
