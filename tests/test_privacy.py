"""Privacy end to end: attributes an installation drops never arrive, and no CPR number reaches
a table, the log or a rejects file after importing CPR-bearing files."""

import re
from pathlib import Path

from ungeindsats.ingest.canonical import import_canonical
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.warehouse import open_warehouse

EXAMPLES = Path(__file__).parents[1] / "examples"
KEY = bytes(range(32))
CPR_SHAPE = re.compile(r"\b\d{6}-?\d{4}\b")


def test_dropped_attributes_never_reach_the_warehouse() -> None:
    """examples/personer.csv carries origin and the four social indicators for 40 persons;
    with crime and abuse dropped, those two columns are NULL for all 40, origin is kept."""
    wh = open_warehouse(None)
    options = ImportOptions(
        pseudonymiser=Pseudonymiser(KEY), drop_attributes=frozenset({"crime", "abuse"})
    )
    import_canonical(wh, "person", EXAMPLES / "personer.csv", options)
    row = wh.con.execute(
        "SELECT count(*), count(crime), count(abuse), count(origin), count(mental_illness) "
        "FROM person"
    ).fetchall()[0]
    assert row == (40, 0, 0, 40, 40)


def test_rejects_file_and_log_hold_no_cpr(tmp_path: Path) -> None:
    """Two rows: one good, one with an unknown origin; the rejects file names line 3 and
    shows <skjult> where the CPR number was."""
    good, bad = "610190-1235", "620291-2234"
    file = tmp_path / "p.csv"
    file.write_text(f"cpr;origin\n{good};dansk\n{bad};marsboer\n", encoding="utf-8")
    rejects = tmp_path / "afviste.csv"
    wh = open_warehouse(tmp_path / "w.duckdb")
    outcome = import_canonical(
        wh, "person", file, ImportOptions(pseudonymiser=Pseudonymiser(KEY), rejects_path=rejects)
    )
    assert (outcome.rows_accepted, outcome.rows_rejected) == (1, 1)
    text = rejects.read_text(encoding="utf-8")
    assert "<skjult>" in text and ";3;" in text
    dumped = [text, outcome.summary()]
    for table in wh.table_names():
        dumped.extend(
            " ".join(map(str, r)) for r in wh.con.execute(f"SELECT * FROM {table}").fetchall()
        )
    everything = "\n".join(dumped)
    for cpr in (good, bad):
        assert cpr not in everything and cpr.replace("-", "") not in everything
    assert not CPR_SHAPE.search(everything)
