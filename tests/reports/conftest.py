"""The small national demo (scale 0.05) imported with the real importers, and the standard
report for Viborg, February 2019, built once per session and rendered once per format.

The fixtures re-declare the pattern of tests/demo/conftest.py (importlib mode cannot import
another test package's conftest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ungeindsats.demo import generate_demo
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.sources import import_file
from ungeindsats.periods import parse_period
from ungeindsats.reports import Report, build_report
from ungeindsats.reports.write import render_report
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse, open_warehouse

SCALE = 0.05
MADE = date(2019, 5, 8)  # a fixed "made on" date, so that the files can be checked for it


@dataclass(frozen=True)
class Demo:
    warehouse: Warehouse
    path: Path
    settings: Settings


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("report-demo")
    manifest = generate_demo(folder / "demo", scale=SCALE, seed=2019)
    path = folder / "warehouse.duckdb"
    warehouse = open_warehouse(path)
    options = ImportOptions(pseudonymiser=Pseudonymiser(bytes(32)), user="test")
    for file in manifest.files:
        import_file(warehouse, file.kind, file.path, options, codes=file.codes)
    ensure_facts(warehouse)
    return Demo(warehouse, path, Settings(data_dir=folder))


@pytest.fixture(scope="session")
def report(demo: Demo) -> Report:
    return build_report(
        demo.warehouse,
        demo.settings,
        791,
        parse_period("2019M02"),
        rule=DisclosureRule(5),
        made=MADE,
    )


@pytest.fixture(scope="session")
def files(report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report-files")
    written = render_report(report, ("html", "pdf", "xlsx", "pptx"), out)
    return {path.suffix[1:]: path for path in written}
