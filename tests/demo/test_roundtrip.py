"""The demo round-trips through every real importer without a rejected row.

The session's demo (scale 0.05, seed 2019) is imported file by file in the manifest's order; every
file must be accepted whole, with exactly the data rows the manifest says it wrote.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from ungeindsats.demo import IMPORT_ORDER, DemoManifest, read_manifest


def test_manifest_lists_every_source_in_import_order(small_demo: DemoManifest) -> None:
    kinds = [f.kind for f in small_demo.files]
    assert set(kinds) == set(IMPORT_ORDER)
    assert kinds == sorted(kinds, key=IMPORT_ORDER.index)
    assert all(f.path.is_file() for f in small_demo.files)
    (dream,) = small_demo.of_kind("dream")
    assert dream.codes is not None and dream.codes.is_file()
    assert len(small_demo.of_kind("jobindsats")) == 10  # one file per Jobindsats table
    # The hidden effects are written, but never as an input file.
    assert small_demo.hidden.is_file()
    assert small_demo.hidden not in {f.path for f in small_demo.files}
    assert read_manifest(small_demo.out).files == small_demo.files


def test_code_file_says_the_codes_are_the_demos_own(small_demo: DemoManifest) -> None:
    (dream,) = small_demo.of_kind("dream")
    assert dream.codes is not None
    with dream.codes.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["label"].startswith("Demo-kode, ikke en rigtig DREAM-kode") for r in rows)
    assert {r["category"] for r in rows} == {"public_support", "education", "employment"}


def test_every_file_is_imported_whole(imported_demo: Any) -> None:
    for file, outcome in zip(imported_demo.manifest.files, imported_demo.outcomes, strict=True):
        assert not outcome.already_imported, file.path.name
        assert outcome.rows_rejected == 0, file.path.name
        assert (outcome.rows_in, outcome.rows_accepted) == (file.rows, file.rows), file.path.name


def test_warehouse_holds_what_the_manifest_says(imported_demo: Any) -> None:
    con = imported_demo.warehouse.con
    manifest = imported_demo.manifest
    persons = con.execute("SELECT count(*) FROM person").fetchall()[0][0]
    assert persons == manifest.persons
    dream_persons = con.execute("SELECT count(DISTINCT person_id) FROM status_spell").fetchall()
    assert 0.9 * persons < dream_persons[0][0] <= persons
    # The same replacement CPR number gives the same pseudonym in DREAM and the canonical files.
    orphans = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT person_id FROM status_spell) s "
        "ANTI JOIN person p USING (person_id)"
    ).fetchall()
    assert orphans[0][0] == 0
    imports = con.execute("SELECT count(*), sum(rows_rejected) FROM import_log").fetchall()
    assert imports[0] == (len(manifest.files), 0)
    municipalities = con.execute(
        "SELECT count(DISTINCT municipality) FROM population WHERE municipality <> 0"
    ).fetchall()
    assert municipalities[0][0] == 98
    data = json.loads((manifest.out / "manifest.json").read_text(encoding="utf-8"))
    assert data["persons"] == persons and data["scale"] == manifest.scale


def test_framework_numbers_are_written_without_exponent() -> None:
    from ungeindsats.demo.files import _decimal

    assert _decimal(1_072_850.0) == "1072850"
    assert _decimal(0.0712) == "0,0712"
    assert _decimal(3.0) == "3"
