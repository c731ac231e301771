"""Fixtures: a hand-made warehouse of five municipalities, and the small national demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ungeindsats.demo import DemoManifest, generate_demo
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.sources import import_file
from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse, open_warehouse

FIVE = (101, 147, 151, 153, 155)
"""København, Frederiksberg, Ballerup, Brøndby, Dragør."""
ON_SUPPORT = (1, 3, 2, 5, 4)
"""Persons on uddannelseshjælp all of February 2019 in each of FIVE."""


@pytest.fixture
def five() -> Warehouse:
    """Five municipalities (FIVE), each with 100 inhabitants aged 20 in 2019K1 (FOLK1A), a
    framework variable ``x`` = 1, 2, 3, 4, 5 in 2019, and 1, 3, 2, 5, 4 persons aged 20 on
    uddannelseshjælp (code 140) in all four weeks of February 2019 (2019U06-U09). So the
    outcome public_support in 2019M02 is 1, 3, 2, 5, 4 full-time persons = 1, 3, 2, 5, 4 pct.
    of the 18-29-year-olds, resting on as many distinct persons."""
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES (140, 'uddannelseshjaelp', 'uddannelsesparat', "
        "'public_support', NULL, 1)"
    )
    person = 0
    for code, count, x in zip(FIVE, ON_SUPPORT, (1, 2, 3, 4, 5), strict=True):
        con.execute("INSERT INTO population VALUES (?, 2019, 1, 20, 'M', 100, 1)", [code])
        con.execute("INSERT INTO framework VALUES (?, 2019, 'x', ?, 1)", [code, float(x)])
        for _ in range(count):
            person += 1
            con.execute(
                "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'M', 1)",
                [person, date(1998, 6, 1)],
            )
            con.execute(
                "INSERT INTO residence VALUES (?, ?, NULL, ?, NULL, 1)",
                [person, code, iso_week_number(2015, 1)],
            )
            con.execute(
                "INSERT INTO status_spell VALUES (?, 140, ?, ?, 1)",
                [person, iso_week_number(2019, 6), iso_week_number(2019, 9)],
            )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


@dataclass(frozen=True)
class Demo:
    manifest: DemoManifest
    data_dir: Path  # holds warehouse.duckdb, for the CLI's --data-dir
    warehouse: Warehouse


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The small national demo (scale 0.05, as tests/demo uses), imported with the real
    importers; its hidden/effectiveness.csv is what the ranking is checked against."""
    manifest = generate_demo(tmp_path_factory.mktemp("demo"), scale=0.05, seed=2019)
    data_dir = tmp_path_factory.mktemp("data")
    warehouse = open_warehouse(data_dir / "warehouse.duckdb")
    options = ImportOptions(pseudonymiser=Pseudonymiser(bytes(32)), user="test")
    for file in manifest.files:
        import_file(warehouse, file.kind, file.path, options, codes=file.codes)
    return Demo(manifest, data_dir, warehouse)
