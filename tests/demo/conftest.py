"""A small demo generated once per test session, and the same demo imported with the real
importers into a DuckDB warehouse (the round trip every other demo test builds on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ungeindsats.demo import DemoManifest, generate_demo
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions, ImportOutcome
from ungeindsats.ingest.sources import import_file
from ungeindsats.warehouse import Warehouse, open_warehouse

SMALL_SCALE = 0.05
"""The scale of the session's demo: about 85,000 persons, generated in a few seconds."""


def import_demo(warehouse: Warehouse, manifest: DemoManifest) -> list[ImportOutcome]:
    """Import every file of the manifest, in its order, with the real importers."""
    options = ImportOptions(pseudonymiser=Pseudonymiser(bytes(32)), user="test")
    return [
        import_file(warehouse, file.kind, file.path, options, codes=file.codes)
        for file in manifest.files
    ]


@dataclass(frozen=True)
class ImportedDemo:
    manifest: DemoManifest
    warehouse: Warehouse
    outcomes: list[ImportOutcome]


@pytest.fixture(scope="session")
def demo_importer() -> Callable[[Warehouse, DemoManifest], list[ImportOutcome]]:
    """``import_demo``, for tests that generate their own demo."""
    return import_demo


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_demo(tmp_path_factory.mktemp("demo"), scale=SMALL_SCALE, seed=2019)


@pytest.fixture(scope="session")
def imported_demo(
    small_demo: DemoManifest, tmp_path_factory: pytest.TempPathFactory
) -> ImportedDemo:
    warehouse = open_warehouse(tmp_path_factory.mktemp("warehouse") / "demo.duckdb")
    return ImportedDemo(small_demo, warehouse, import_demo(warehouse, small_demo))
