"""Reading the classification CSV files (package data or a user-supplied file).

File convention, shared by every classification file: UTF-8 (a byte-order mark, as Excel writes
it, is tolerated), comma-separated, one header row, and any number of `#` comment lines or blank
lines before the header. The comment lines carry the source (`# source: ...`) and notes; they are
not data. Values are stripped of surrounding whitespace; blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGE = "ungeindsats.classifications"

CsvSource = Traversable | Path | str


def package_file(name: str) -> Traversable:
    """The data file `name` shipped inside this package."""
    return resources.files(_PACKAGE).joinpath(name)


def read_rows(source: CsvSource, columns: Collection[str]) -> list[dict[str, str]]:
    """Rows of a classification CSV as dicts of stripped strings.

    Raises ValueError (in Danish, since the file may be the user's own) when a column named in
    `columns` is missing or a row has the wrong number of fields.
    """
    path: Traversable | Path = Path(source) if isinstance(source, str) else source
    lines = io.StringIO(path.read_text(encoding="utf-8-sig"), newline="").readlines()
    start = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None
    )
    if start is None:
        raise ValueError(f"{path.name}: filen har ingen kolonneoverskrifter")
    reader = csv.DictReader(lines[start:])
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path.name}: mangler kolonne(r): {', '.join(missing)}")
    rows: list[dict[str, str]] = []
    for row in reader:
        if None in row or None in row.values():
            line_no = start + reader.line_num
            raise ValueError(f"{path.name}, linje {line_no}: forkert antal felter")
        if any(value.strip() for value in row.values()):
            rows.append({key: value.strip() for key, value in row.items()})
    return rows


def parse_bool(value: str) -> bool:
    """`true`/`false` (any case) as a bool; anything else is an error."""
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"forventede true eller false, fik {value!r}")
    return lowered == "true"


def parse_int(value: str) -> int:
    """A whole number; the error names the value in Danish for users' own files."""
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"forventede et heltal, fik {value!r}") from None
