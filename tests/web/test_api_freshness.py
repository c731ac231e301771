"""The API reads the indicator layer's state once per warehouse connection (``LayerState``), not
before every read. That is only right because the data cannot change while the dashboard holds
the warehouse: an import in another process is refused, and after a reload (a restart) the new
connection sees the import and the stale layer is no longer used."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.sources import import_file
from ungeindsats.settings import Settings
from ungeindsats.warehouse import open_warehouse
from ungeindsats.web import create_app

from .conftest import Clients

EXAMPLES = Path(__file__).parents[2] / "examples"
URL = "/api/v1/indicators/fte?kommune=791&period=2019M02&by=youth_group"


def _try_import(warehouse: Path) -> str:
    """Open the warehouse for writing in another process, as ``ungeindsats import`` does."""
    code = textwrap.dedent(
        f"""
        from ungeindsats.warehouse import open_warehouse
        try:
            open_warehouse({str(warehouse)!r}).close()
            print("opened")
        except Exception as exc:
            print(type(exc).__name__)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_an_import_is_seen_after_reload_and_never_during(web_data: Path, tmp_path: Path) -> None:
    """The copy of the test warehouse has fte by youth group in the layer: Viborg 2019M02 is
    answered from it (source 'nøgletalslaget'). While the app holds the file, another process
    cannot open it for writing. After a reload an import (the example population file) makes
    the facts stale: the API answers 503 and names 'ungeindsats compute'. With the facts rebuilt
    but not the layer, the same question is answered by the indicator itself (source
    'mikrodata') with the same published cells as before, since the population import does not
    touch fte's numbers."""
    for name in ("warehouse.duckdb", "steering.sqlite"):
        shutil.copy(web_data / name, tmp_path / name)
    app = create_app(Settings(data_dir=tmp_path))
    clients = Clients(app)
    try:
        viewer = clients.as_role("viewer")
        before = viewer.get(URL)
        assert before.status_code == 200, before.text
        assert before.json()["source"] == "nøgletalslaget"

        assert _try_import(tmp_path / "warehouse.duckdb") != "opened"

        app.state.data.reload()  # what a restart of the server does
        assert _try_import(tmp_path / "warehouse.duckdb") == "opened"
        options = ImportOptions(pseudonymiser=Pseudonymiser(bytes(32)), user="test")
        with open_warehouse(tmp_path / "warehouse.duckdb") as warehouse:
            import_file(warehouse, "population", EXAMPLES / "folk1a.csv", options)

        # Facts older than the import: the dashboard refuses rather than show old figures.
        refused = viewer.get(URL)
        assert refused.status_code == 503 and "ungeindsats compute" in refused.json()["detail"]
        with open_warehouse(tmp_path / "warehouse.duckdb") as warehouse:
            ensure_facts(warehouse)  # the facts only, as if the layer's rebuild had not run

        after = viewer.get(URL)
        assert after.status_code == 200, after.text
        assert after.json()["source"] == "mikrodata"
        assert after.json()["rows"] == before.json()["rows"]
    finally:
        clients.close()
        app.state.data.close()
        app.state.steering.close()


def test_the_api_reads_the_layer_without_asking_for_its_state_again(web_app: Any) -> None:
    """The state the connection found is kept with it: the same object for every read until
    the connection is reloaded."""
    data = web_app.state.data
    _, first = data.reading()
    _, again = data.reading()
    assert first is again and first.stale_reason is None
    assert ("fte", "youth_group") in first.coverage
