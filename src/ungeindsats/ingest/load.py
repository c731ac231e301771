"""Running one import: hash, all-or-nothing transaction, import log, rejects.

Every importer is a function ``load(ctx) -> Loaded`` that writes its rows through ``ctx.con``
inside one transaction. ``run_import`` wraps it: a file whose hash was already imported for the
same source is a no-op; any exception rolls everything back, so a failed import leaves the
warehouse exactly as it was (import log included).
"""

from __future__ import annotations

import csv
import getpass
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.errors import MAX_LISTED, InputError, Problem
from ungeindsats.ingest.files import file_sha256
from ungeindsats.warehouse import Warehouse

log = logging.getLogger("ungeindsats.ingest")


Progress = Callable[[int, int | None], None]
"""Told how far a long import has come: rows done and the total if known (adapters draw a bar)."""


def no_progress(done: int, total: int | None) -> None:
    """The default: report nothing."""


@dataclass
class Rejects:
    """Rows that failed validation. With a path they are written there and the import goes on;
    without one, any rejected row fails the whole import with the problems listed."""

    path: Path | None
    problems: list[Problem] = field(default_factory=list)
    rows: list[Mapping[str, str]] = field(default_factory=list)
    count: int = 0

    @property
    def tolerated(self) -> bool:
        return self.path is not None

    def add(self, problem: Problem, row: Mapping[str, str] | None = None) -> None:
        """Record one bad row; ``row`` must already have its person identifier masked."""
        self.count += 1
        if self.tolerated or len(self.problems) < MAX_LISTED:
            self.problems.append(problem)
            self.rows.append(dict(row or {}))

    def raise_if_not_tolerated(self) -> None:
        if self.count and not self.tolerated:
            raise InputError(self.problems, total=self.count)

    def write(self) -> None:
        """Write the rejected rows with line, column and reason (Danish headers)."""
        if self.path is None or not self.count:
            return
        columns: list[str] = []
        for row in self.rows:
            columns.extend(c for c in row if c not in columns)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["fil", "linje", "kolonne", "fejl", *columns])
            for problem, row in zip(self.problems, self.rows, strict=True):
                writer.writerow(
                    [problem.file, problem.line or "", problem.column or "", problem.reason]
                    + [row.get(c, "") for c in columns]
                )


@dataclass
class ImportContext:
    """What an importer gets: the open transaction, its import id, the file and helpers."""

    con: duckdb.DuckDBPyConnection
    import_id: int
    path: Path
    rejects: Rejects
    pseudonymiser: Pseudonymiser | None
    progress: Progress = no_progress
    chunk_rows: int = 100_000
    drop_attributes: frozenset[str] = frozenset()

    @property
    def file(self) -> str:
        return self.path.name

    def require_pseudonymiser(self) -> Pseudonymiser:
        if self.pseudonymiser is None:
            raise RuntimeError("this importer needs the pseudonymisation key")
        return self.pseudonymiser


@dataclass(frozen=True)
class Loaded:
    """What an importer reports back."""

    rows_in: int
    rows_accepted: int
    detail: str = ""


@dataclass(frozen=True)
class ImportOutcome:
    """The result of ``run_import``, for the adapters to print."""

    source: str
    file: Path
    import_id: int | None
    rows_in: int
    rows_accepted: int
    rows_rejected: int
    already_imported: bool
    detail: str = ""

    def summary(self) -> str:
        """One Danish sentence about what happened."""
        if self.already_imported:
            return (
                f"{self.file.name} er allerede indlæst (import {self.import_id}); intet er ændret."
            )
        text = (
            f"{self.file.name}: {self.rows_accepted:,} af {self.rows_in:,} rækker indlæst "
            f"som import {self.import_id} ({self.source})"
        ).replace(",", ".")
        if self.rows_rejected:
            text += f"; {self.rows_rejected:,} afvist".replace(",", ".")
        return text + (f". {self.detail}" if self.detail else ".")


Loader = Callable[[ImportContext], Loaded]


def previous_import(warehouse: Warehouse, source: str, file_hash: str) -> int | None:
    row = warehouse.con.execute(
        "SELECT min(import_id) FROM import_log WHERE source = ? AND file_hash = ?",
        [source, file_hash],
    ).fetchall()[0]
    return int(row[0]) if row[0] is not None else None


@dataclass(frozen=True)
class ImportOptions:
    """How to run an import (the same for every source)."""

    rejects_path: Path | None = None
    pseudonymiser: Pseudonymiser | None = None
    progress: Progress = no_progress
    user: str | None = None
    chunk_rows: int = 100_000
    drop_attributes: frozenset[str] = frozenset()
    """Optional personal attributes not to keep (setting ``drop_person_attributes``)."""


def run_import(
    warehouse: Warehouse, source: str, path: Path, load: Loader, options: ImportOptions
) -> ImportOutcome:
    """Import one file all-or-nothing and record it in the import log."""
    if not path.is_file():
        raise InputError([Problem(path.name, f"filen findes ikke: {path}")])
    started = datetime.now()
    file_hash = file_sha256(path)
    earlier = previous_import(warehouse, source, file_hash)
    if earlier is not None:
        log.info("import skipped: %s already imported as %s", path.name, earlier)
        return ImportOutcome(source, path, earlier, 0, 0, 0, already_imported=True)

    rejects = Rejects(options.rejects_path)
    with warehouse.transaction() as con:
        # fetchall, not fetchone: a half-read result keeps DuckDB from registering Arrow tables.
        import_id = int(
            con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0]
        )
        ctx = ImportContext(
            con,
            import_id,
            path,
            rejects,
            options.pseudonymiser,
            options.progress,
            chunk_rows=options.chunk_rows,
            drop_attributes=options.drop_attributes,
        )
        loaded = load(ctx)
        rejects.raise_if_not_tolerated()
        con.execute(
            "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)",
            [
                import_id,
                source,
                path.name,
                file_hash,
                loaded.rows_in,
                loaded.rows_accepted,
                rejects.count,
                started,
                options.user or getpass.getuser(),
                loaded.detail,
            ],
        )
    rejects.write()
    log.info(
        "import %s: %s %s rows in=%s accepted=%s rejected=%s",
        import_id,
        source,
        path.name,
        loaded.rows_in,
        loaded.rows_accepted,
        rejects.count,
    )
    return ImportOutcome(
        source,
        path,
        import_id,
        loaded.rows_in,
        loaded.rows_accepted,
        rejects.count,
        already_imported=False,
        detail=loaded.detail,
    )
