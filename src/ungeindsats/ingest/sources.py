"""One entry point for every import source, by its name (the CLI's and the demo manifest's)."""

from __future__ import annotations

from pathlib import Path

from ungeindsats.ingest.load import ImportOptions, ImportOutcome
from ungeindsats.warehouse import Warehouse


def import_file(
    warehouse: Warehouse,
    kind: str,
    path: Path,
    options: ImportOptions,
    *,
    codes: Path | None = None,
    table: str | None = None,
) -> ImportOutcome:
    """Import ``path`` as source ``kind``: dream (needs ``codes``), population, jobindsats
    (optional ``table``) or a canonical table name (person, residence, spells, ...)."""
    if kind == "dream":
        from ungeindsats.ingest.dream import import_dream

        if codes is None:
            raise ValueError("en DREAM-fil skal indlæses med sin kodefil")
        return import_dream(warehouse, path, codes, options)
    if kind == "population":
        from ungeindsats.ingest.population import import_population

        return import_population(warehouse, path, options)
    if kind == "jobindsats":
        from ungeindsats.ingest.jobindsats import import_jobindsats

        return import_jobindsats(warehouse, path, options, table=table)
    from ungeindsats.ingest.canonical import import_canonical

    return import_canonical(warehouse, kind, path, options)
