"""The import runner: all-or-nothing, the import log, idempotence and rejects."""

from pathlib import Path

import pytest

from ungeindsats.ingest.errors import InputError, Problem
from ungeindsats.ingest.load import ImportContext, ImportOptions, Loaded, run_import
from ungeindsats.warehouse import open_warehouse


def _framework_loader(fail_after: int | None = None, bad_lines: tuple[int, ...] = ()):
    """Writes one framework row per line 'municipality,value'; may fail after N rows."""

    def load(ctx: ImportContext) -> Loaded:
        lines = ctx.path.read_text().splitlines()
        accepted = 0
        for number, text in enumerate(lines, start=1):
            if fail_after is not None and accepted == fail_after:
                raise InputError([Problem(ctx.file, "fejl midt i filen", line=number)])
            if number in bad_lines:
                ctx.rejects.add(Problem(ctx.file, "ugyldig", line=number), {"linje": text})
                continue
            kommune, value = text.split(",")
            ctx.con.execute(
                "INSERT INTO framework VALUES (?, 2019, 'x', ?, ?)",
                [int(kommune), float(value), ctx.import_id],
            )
            accepted += 1
        return Loaded(len(lines), accepted, "test")

    return load


def _rows(wh) -> list[tuple]:
    return wh.con.execute("SELECT municipality, value, import_id FROM framework").fetchall()


def test_success_is_logged_and_the_same_file_twice_is_a_no_op(tmp_path: Path) -> None:
    file = tmp_path / "f.csv"
    file.write_text("791,1.5\n101,2\n")
    wh = open_warehouse(None)
    first = run_import(wh, "test", file, _framework_loader(), ImportOptions(user="ana"))
    assert (first.import_id, first.rows_in, first.rows_accepted) == (1, 2, 2)
    assert sorted(_rows(wh)) == [(101, 2.0, 1), (791, 1.5, 1)]
    log = wh.con.execute(
        "SELECT source, file_name, rows_in, imported_by FROM import_log"
    ).fetchall()
    assert log == [("test", "f.csv", 2, "ana")]

    again = run_import(wh, "test", file, _framework_loader(), ImportOptions())
    assert again.already_imported
    assert again.import_id == 1
    assert "allerede indlæst" in again.summary()
    assert len(_rows(wh)) == 2
    assert wh.con.execute("SELECT count(*) FROM import_log").fetchone() == (1,)


def test_failure_half_way_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    wh = open_warehouse(tmp_path / "w.duckdb")
    good = tmp_path / "good.csv"
    good.write_text("791,1\n")
    run_import(wh, "test", good, _framework_loader(), ImportOptions())
    before = (_rows(wh), wh.con.execute("SELECT * FROM import_log").fetchall())

    bad = tmp_path / "bad.csv"
    bad.write_text("101,1\n147,2\n151,3\n")
    with pytest.raises(InputError, match=r"bad\.csv, linje 3: fejl midt i filen"):
        run_import(wh, "test", bad, _framework_loader(fail_after=2), ImportOptions())
    after = (_rows(wh), wh.con.execute("SELECT * FROM import_log").fetchall())
    assert after == before


def test_rejected_rows_fail_the_import_unless_a_rejects_file_is_given(tmp_path: Path) -> None:
    file = tmp_path / "r.csv"
    file.write_text("791,1\nxx\n101,2\n")
    wh = open_warehouse(None)
    with pytest.raises(InputError, match=r"r\.csv, linje 2: ugyldig"):
        run_import(wh, "test", file, _framework_loader(bad_lines=(2,)), ImportOptions())
    assert _rows(wh) == []

    rejects = tmp_path / "out" / "afviste.csv"
    outcome = run_import(
        wh, "test", file, _framework_loader(bad_lines=(2,)), ImportOptions(rejects_path=rejects)
    )
    assert (outcome.rows_accepted, outcome.rows_rejected) == (2, 1)
    assert rejects.read_text().splitlines() == [
        "fil;linje;kolonne;fejl;linje",
        "r.csv;2;;ugyldig;xx",
    ]


def test_missing_file_is_a_danish_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="filen findes ikke"):
        run_import(
            open_warehouse(None),
            "test",
            tmp_path / "nope.csv",
            _framework_loader(),
            ImportOptions(),
        )
