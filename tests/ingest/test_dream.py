"""The DREAM importer: weekly codes → status_spell, on small hand-made files.

Week numbers in the expected rows are written as ISO weeks ("2012U01") and converted with
``periods.parse_period``; PNRs are replacement CPR numbers (day + 60) or opaque keys, and the
expected person_id is the test key's pseudonym of them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ungeindsats.ingest import dream
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.dream import import_dream, parse_header
from ungeindsats.ingest.dream_kernel import find_runs
from ungeindsats.ingest.errors import InputError
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import open_warehouse

KEY = bytes(range(32))
PSEUDONYMS = Pseudonymiser(KEY)

CODES = """code,benefit,target_group,category
111,a_dagpenge,2.1,public_support
130,kontanthjaelp,2.2,public_support
651,,,education
"""

# Replacement CPR numbers (day + 60): never a real person's number.
ANNA = "6101901234"  # born 1 January 1990
BO = "150295-4321"  # day 15 + 60 = 75, with a hyphen: 15 February 1995
KEY_C = "K000123"  # an already pseudonymised PNR (Danmarks Statistik)


def pid(pnr: str) -> int:
    digits = pnr.replace("-", "")
    return PSEUDONYMS.from_cpr(pnr) if digits.isdigit() and len(digits) == 10 else (
        PSEUDONYMS.from_key(pnr)
    )


def week(label: str) -> int:
    return parse_period(label).first_week


def spell(pnr: str, code: int, first: str, last: str) -> tuple[int, int, int, int]:
    return (pid(pnr), code, week(first), week(last))


def options(chunk_rows: int = 100_000, rejects_path: Path | None = None) -> ImportOptions:
    return ImportOptions(
        pseudonymiser=PSEUDONYMS, user="test", chunk_rows=chunk_rows, rejects_path=rejects_path
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def codes(tmp_path: Path) -> Path:
    return write(tmp_path / "koder.csv", CODES)


def spells(wh) -> list[tuple[int, int, int, int]]:
    return sorted(
        wh.con.execute(
            "SELECT person_id, code, first_week, last_week FROM status_spell"
        ).fetchall()
    )


def counts(wh) -> dict[str, int]:
    return {
        table: wh.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("status_spell", "status_code", "import_log")
    }


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.column, p.reason) for p in exc.value.problems]


# --- the good path ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_runs_become_spells_with_comma_or_semicolon(
    tmp_path: Path, codes: Path, delimiter: str
) -> None:
    """Anna: 111 for 2012U01-U03, an empty week, 111 again in U05-U06 (a new spell).
    Bo: 130 in U01-U02, then 651 from U03 to the end (a code change is a new spell).
    C: no code at all: no spells, but still a person read and accepted."""
    rows = [
        ["PNR", "y_1201", "y_1202", "y_1203", "y_1204", "y_1205", "y_1206"],
        [ANNA, "111", "111", "111", "", "111", "111"],
        [BO, "130", "130", "651", "651", "651", "651"],
        [KEY_C, "", "", "", "", "", ""],
    ]
    file = write(tmp_path / "dream.csv", "\n".join(delimiter.join(r) for r in rows) + "\n")
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options())
    assert spells(wh) == sorted(
        [
            spell(ANNA, 111, "2012U01", "2012U03"),
            spell(ANNA, 111, "2012U05", "2012U06"),
            spell(BO, 130, "2012U01", "2012U02"),
            spell(BO, 651, "2012U03", "2012U06"),
        ]
    )
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (3, 3, 0)
    assert outcome.detail == "uger 2012U01-2012U06, 3 personer, 4 forløb"
    import_ids = wh.con.execute("SELECT DISTINCT import_id FROM status_spell").fetchall()
    assert import_ids == [(outcome.import_id,)]
    stored = wh.con.execute("SELECT code, benefit, category FROM status_code ORDER BY code")
    assert stored.fetchall() == [
        (111, "a_dagpenge", "public_support"),
        (130, "kontanthjaelp", "public_support"),
        (651, None, "education"),
    ]


def test_latin1_file_with_ignored_monthly_columns(tmp_path: Path, codes: Path) -> None:
    """Latin-1 bytes in an ignored column's header and values; monthly columns are ignored;
    a code changes in mid-year (2012U52 → 2013U01 keeps the run, 130 → 111 ends it)."""
    text = (
        "pnr;y_1251;y_1252;y_1301;y_1302;grad_2012_12;kommentar_æøå\n"
        f"{ANNA};130;130;130;111;0,5;Århus ø\n"
    )
    file = write(tmp_path / "dream.csv", text, "latin-1")
    wh = open_warehouse(None)
    import_dream(wh, file, codes, options())
    assert spells(wh) == [
        spell(ANNA, 111, "2013U02", "2013U02"),
        spell(ANNA, 130, "2012U51", "2013U01"),
    ]


def test_iso_week_53_is_a_week_like_any_other(tmp_path: Path, codes: Path) -> None:
    """2015 has 53 ISO weeks: y_1552, y_1553 and y_1601 are three consecutive weeks."""
    file = write(
        tmp_path / "dream.csv",
        f"PNR,y_1552,y_1553,y_1601\n{ANNA},651,651,651\n{BO},,111,\n",
    )
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options())
    assert spells(wh) == sorted(
        [spell(ANNA, 651, "2015U52", "2016U01"), spell(BO, 111, "2015U53", "2015U53")]
    )
    assert outcome.detail.startswith("uger 2015U52-2016U01")


def test_a_missing_week_column_breaks_the_run(tmp_path: Path, codes: Path) -> None:
    """y_1203 is missing: 111 in U02 and U04 are two spells, not one."""
    file = write(tmp_path / "dream.csv", f"PNR,y_1201,y_1202,y_1204\n{ANNA},111,111,111\n")
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options())
    assert spells(wh) == [
        spell(ANNA, 111, "2012U01", "2012U02"),
        spell(ANNA, 111, "2012U04", "2012U04"),
    ]
    assert "1 uger mangler i filen" in outcome.detail


def test_parquet_input(tmp_path: Path, codes: Path) -> None:
    file = tmp_path / "dream.parquet"
    table = pa.table(
        {
            "PNR": [ANNA, KEY_C],
            "y_1901": pa.array([111, None], pa.int32()),
            "y_1902": pa.array([111, 651], pa.int64()),
            "y_1903": pa.array([None, 651.0], pa.float64()),
            "branche_2019_01": ["x", "y"],
        }
    )
    pq.write_table(table, file)
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options())
    assert spells(wh) == sorted(
        [spell(ANNA, 111, "2019U01", "2019U02"), spell(KEY_C, 651, "2019U02", "2019U03")]
    )
    assert outcome.rows_accepted == 2


def test_parquet_with_a_fraction_in_a_week_column(tmp_path: Path, codes: Path) -> None:
    file = tmp_path / "dream.parquet"
    pq.write_table(pa.table({"PNR": [ANNA, BO], "y_1901": [111.0, 130.5]}), file)
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    assert problems(exc) == [(2, "y_1901", "ugekoden skal være et heltal")]
    assert exc.value.problems[0].value == "130.5"


def test_sas_transport_file(tmp_path: Path, codes: Path) -> None:
    """pyreadstat cannot write .sas7bdat, so the SAS path is tested with the transport format
    (.xpt), read through the same chunked pyreadstat reader; SAS numbers are floats, missing
    is NaN."""
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    frame = pd.DataFrame(
        {
            "PNR": [ANNA, KEY_C],
            "y_1201": [111.0, float("nan")],
            "y_1202": [111.0, 130.0],
            "y_1203": [float("nan"), 130.0],
        }
    )
    file = tmp_path / "dream.xpt"
    pyreadstat.write_xport(frame, str(file), file_format_version=8)
    wh = open_warehouse(None)
    import_dream(wh, file, codes, options(chunk_rows=1))
    assert spells(wh) == sorted(
        [spell(ANNA, 111, "2012U01", "2012U02"), spell(KEY_C, 130, "2012U02", "2012U03")]
    )


def test_the_helper_process_gives_the_same_pseudonyms(
    tmp_path: Path, codes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big files pseudonymise in a helper process; force it on a small file."""
    monkeypatch.setattr(dream, "PARALLEL_FROM_ROWS", 0)
    lines = ["PNR,y_1201,y_1202", f"{ANNA},111,", f"{KEY_C},,651", "6113901234,111,111"]
    file = write(tmp_path / "dream.csv", "\n".join(lines) + "\n")
    rejects = tmp_path / "afviste.csv"
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options(chunk_rows=1, rejects_path=rejects))
    assert spells(wh) == sorted(
        [spell(ANNA, 111, "2012U01", "2012U01"), spell(KEY_C, 651, "2012U02", "2012U02")]
    )
    assert outcome.rows_rejected == 1
    assert "ugyldigt CPR-nummer" in rejects.read_text(encoding="utf-8")


# --- all-or-nothing, idempotence and re-delivery ---------------------------------------------


def test_the_same_file_twice_is_a_no_op(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"PNR,y_1201\n{ANNA},111\n")
    wh = open_warehouse(None)
    first = import_dream(wh, file, codes, options())
    before = counts(wh)
    again = import_dream(wh, file, codes, options())
    assert again.already_imported and again.import_id == first.import_id
    assert counts(wh) == before == {"status_spell": 1, "status_code": 3, "import_log": 1}


def test_redelivery_replaces_the_persons_in_the_new_file(tmp_path: Path, codes: Path) -> None:
    """The second delivery has Anna (changed) and C (new); Bo is not in it and keeps his
    spell from the first delivery."""
    first = write(tmp_path / "dream1.csv", f"PNR,y_1201,y_1202\n{ANNA},111,111\n{BO},130,130\n")
    second = write(tmp_path / "dream2.csv", f"PNR,y_1202,y_1203\n{ANNA},,651\n{KEY_C},651,\n")
    wh = open_warehouse(None)
    one = import_dream(wh, first, codes, options())
    two = import_dream(wh, second, codes, options())
    rows = wh.con.execute(
        "SELECT person_id, code, first_week, last_week, import_id FROM status_spell"
    ).fetchall()
    assert sorted(rows) == sorted(
        [
            (*spell(ANNA, 651, "2012U03", "2012U03"), two.import_id),
            (*spell(BO, 130, "2012U01", "2012U02"), one.import_id),
            (*spell(KEY_C, 651, "2012U02", "2012U02"), two.import_id),
        ]
    )


@pytest.mark.parametrize("helper", [False, True], ids=["in-process", "helper-process"])
def test_failure_in_the_third_chunk_leaves_the_warehouse_unchanged(
    tmp_path: Path, codes: Path, monkeypatch: pytest.MonkeyPatch, helper: bool
) -> None:
    """chunk_rows=2: lines 2-3 and 4-5 are imported before line 6 (the third chunk) fails.
    With the helper process the failure must also stop it without hanging."""
    if helper:
        monkeypatch.setattr(dream, "PARALLEL_FROM_ROWS", 0)
    wh = open_warehouse(tmp_path / "w.duckdb")
    earlier = write(tmp_path / "tidligere.csv", f"PNR,y_1201\n{BO},130\n")
    import_dream(wh, earlier, codes, options())
    before = counts(wh)
    log_before = wh.con.execute("SELECT * FROM import_log").fetchall()
    spells_before = spells(wh)
    persons = [f"K{i:03d}" for i in range(6)]
    lines = ["PNR,y_1201,y_1202"] + [f"{p},111,111" for p in persons]
    lines[5] = f"{persons[4]},111,1x1"  # line 6
    file = write(tmp_path / "dream.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        import_dream(wh, file, codes, options(chunk_rows=2))
    assert problems(exc) == [(6, "y_1202", "ugekoden skal være et heltal")]
    assert exc.value.problems[0].value == "1x1"
    assert counts(wh) == before
    assert wh.con.execute("SELECT * FROM import_log").fetchall() == log_before
    assert spells(wh) == spells_before


def test_chunks_give_the_same_spells_as_one_chunk(tmp_path: Path, codes: Path) -> None:
    rng = np.random.default_rng(7)
    matrix = rng.choice([0, 111, 130, 651], size=(23, 9), p=[0.4, 0.3, 0.2, 0.1])
    header = "PNR," + ",".join(f"y_12{w:02d}" for w in range(1, 10))
    body = [
        f"K{i}," + ",".join("" if v == 0 else str(v) for v in row) for i, row in enumerate(matrix)
    ]
    file = write(tmp_path / "dream.csv", "\n".join([header, *body]) + "\n")
    results = []
    for chunk_rows in (1, 5, 100_000):
        wh = open_warehouse(None)
        import_dream(wh, file, codes, options(chunk_rows=chunk_rows))
        results.append(spells(wh))
    assert results[0] == results[1] == results[2]
    expected = 0
    for row in matrix:
        previous = 0
        for value in row:
            expected += bool(value and value != previous)
            previous = value
    assert len(results[0]) == expected


# --- errors ----------------------------------------------------------------------------------


def test_header_without_pnr(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"CPR,y_1201\n{ANNA},111\n")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    [(line, _, reason)] = problems(exc)
    assert line == 1
    assert "mangler kolonnen PNR" in reason and "fundet: CPR, y_1201" in reason


def test_week_53_in_a_year_without_it(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"PNR,y_1652,y_1653\n{ANNA},111,111\n")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    [(line, column, reason)] = problems(exc)
    assert (line, column) == (1, "y_1653")
    assert "uge 53 findes ikke i 2016" in reason


def test_week_columns_out_of_order_or_misspelt() -> None:
    with pytest.raises(InputError) as exc:
        parse_header(["PNR", "y_1203", "y_1201", "y_1203", "y_121", "branche_2012_01"], "f.csv")
    assert problems(exc) == [
        (
            1,
            "y_1201",
            "ugekolonnerne skal stå i tidsorden, men y_1201 (2012U01) står efter y_1203 "
            "(2012U03)",
        ),
        (1, "y_1203", "ugen står to gange (også som y_1203)"),
        (
            1,
            "y_121",
            "kolonnen ligner en ugekolonne, men navnet skal have formen y_ÅÅUU "
            "(fx y_1201 for 2012U01)",
        ),
    ]


def test_two_digit_years_below_90_are_this_century() -> None:
    layout = parse_header(["y_9152", "PNR", "y_8901"], "f.csv")
    assert layout.label() == "uger 1991U52-2089U01"


def test_a_person_twice(tmp_path: Path, codes: Path) -> None:
    """Anna is on line 2 and again on line 4 (the later row is the one rejected)."""
    file = write(
        tmp_path / "dream.csv", f"PNR,y_1201\n{ANNA},111\n{BO},130\n{ANNA},651\n"
    )
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    assert problems(exc) == [(4, "PNR", "personen står også i linje 2")]


def test_a_person_twice_across_chunks(tmp_path: Path, codes: Path) -> None:
    file = write(
        tmp_path / "dream.csv", f"PNR,y_1201\n{KEY_C},111\n{BO},130\n{ANNA},130\n {KEY_C} ,651\n"
    )
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options(chunk_rows=2))
    assert problems(exc) == [(5, "PNR", "personen står også i linje 2")]


def test_truncated_last_line(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"PNR,y_1201,y_1202,y_1203\n{ANNA},111,111,111\n{BO},13")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    assert problems(exc) == [
        (3, None, "den sidste linje er afkortet: den har 2 felter, overskriften har 4")
    ]
    assert ANNA not in str(exc.value) and "6101" not in str(exc.value)


def test_invalid_cpr_number_is_not_shown(tmp_path: Path, codes: Path) -> None:
    bad = "3202951234"  # 32 February
    file = write(tmp_path / "dream.csv", f"PNR,y_1201\n{ANNA},111\n{bad},130\n")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    [(line, column, reason)] = problems(exc)
    assert (line, column) == (3, "PNR")
    assert reason.startswith("ugyldigt CPR-nummer")
    assert exc.value.problems[0].value is None
    assert bad not in str(exc.value) and "320295" not in str(exc.value)


def test_unknown_codes_are_listed_with_their_week_counts(tmp_path: Path, codes: Path) -> None:
    """999 is in 3 weeks (first on line 3, in y_1202), 5 in 1 week (line 4); 111 is known."""
    file = write(
        tmp_path / "dream.csv",
        f"PNR,y_1201,y_1202,y_1203\n{ANNA},111,111,\n{BO},111,999,999\n{KEY_C},5,,999\n",
    )
    wh = open_warehouse(None)
    with pytest.raises(InputError) as exc:
        import_dream(wh, file, codes, options(chunk_rows=2))
    assert [(p.line, p.column, p.value, p.reason) for p in exc.value.problems] == [
        (4, "y_1201", "5", "koden findes ikke i kodefilen; 1 uge har den (første gang i linje 4)"),
        (
            3,
            "y_1202",
            "999",
            "koden findes ikke i kodefilen; 3 uger har den (første gang i linje 3)",
        ),
    ]
    assert counts(wh) == {"status_spell": 0, "status_code": 0, "import_log": 0}


def test_zero_is_an_unknown_code_not_an_empty_week(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"PNR,y_1201,y_1202\n{ANNA},0,111\n")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    assert [(p.line, p.column, p.value) for p in exc.value.problems] == [(2, "y_1201", "0")]


def test_non_integer_value_names_line_column_and_value(tmp_path: Path, codes: Path) -> None:
    file = write(tmp_path / "dream.csv", f"PNR;y_1201;y_1202\n{ANNA};111;\n{BO};;13,0\n")
    with pytest.raises(InputError) as exc:
        import_dream(open_warehouse(None), file, codes, options())
    assert [(p.line, p.column, p.value) for p in exc.value.problems] == [(3, "y_1202", "13,0")]


def test_rejects_file_takes_the_bad_rows_and_no_cpr(tmp_path: Path, codes: Path) -> None:
    """Line 3 has an unknown code, line 4 an invalid CPR number, line 5 repeats Anna."""
    file = write(
        tmp_path / "dream.csv",
        f"PNR,y_1201,y_1202\n{ANNA},111,111\n{BO},999,130\n6113901234,111,\n{ANNA},651,\n"
        f"{KEY_C},,651\n",
    )
    rejects = tmp_path / "afviste.csv"
    wh = open_warehouse(None)
    outcome = import_dream(wh, file, codes, options(rejects_path=rejects))
    assert spells(wh) == sorted(
        [spell(ANNA, 111, "2012U01", "2012U02"), spell(KEY_C, 651, "2012U02", "2012U02")]
    )
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (5, 2, 3)
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["linje"], r["kolonne"], r["fejl"]) for r in rows] == [
        ("3", "y_1201", "koden 999 findes ikke i kodefilen"),
        ("4", "PNR", "ugyldigt CPR-nummer: fødselsdatoen findes ikke"),
        ("5", "PNR", "personen står også i linje 2"),
    ]
    assert [(r["PNR"], r["ugekoder"]) for r in rows] == [
        ("<skjult>", "999: 2012U01; 130: 2012U02"),
        ("<skjult>", "111: 2012U01"),
        ("<skjult>", "651: 2012U01"),
    ]
    text = rejects.read_text(encoding="utf-8")
    for cpr in (ANNA, BO, "6113901234", "150295"):
        assert cpr not in text


# --- the kernel ------------------------------------------------------------------------------


def test_find_runs_on_columns() -> None:
    """Row 0: 5 5 0 5 | 7 (break before column 4); row 1: 0 6 6 6 6."""
    columns = [np.array(c, np.int16) for c in ([5, 0], [5, 6], [0, 6], [5, 6], [7, 6])]
    breaks = np.array([False, False, False, False, True])
    runs = find_runs(columns, breaks, 0)
    found = sorted(
        zip(runs.row.tolist(), runs.code.tolist(), runs.first.tolist(), runs.last.tolist(),
            strict=True)
    )
    assert found == [(0, 5, 0, 1), (0, 5, 3, 3), (0, 7, 4, 4), (1, 6, 1, 3), (1, 6, 4, 4)]


def test_codes_beyond_16_bits(tmp_path: Path) -> None:
    """A mapping with a code above 32767 switches the week columns to 32-bit integers."""
    codes = write(tmp_path / "koder.csv", CODES + "40000,,,other\n")
    file = write(tmp_path / "dream.csv", f"PNR,y_1201,y_1202,y_1203\n{ANNA},40000,40000,111\n")
    wh = open_warehouse(None)
    import_dream(wh, file, codes, options())
    assert spells(wh) == sorted(
        [spell(ANNA, 40000, "2012U01", "2012U02"), spell(ANNA, 111, "2012U03", "2012U03")]
    )
