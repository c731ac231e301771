"""The canonical importers: one small hand-made file per table, and every way a file can be wrong.

CPR numbers here are replacement numbers (erstatningspersonnumre, day + 60): never a real
person's. A = 610190-1235 is a man born 1 January 1990 (odd last digit); B = 620295-1244 a woman
born 2 February 1995; C = 711200-4322 a woman born 11 December 2000 (7th digit 4, year 00 → 2000).
Week numbers are worked out independently of ungeindsats.periods: weeks since Monday 1990-01-01.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ungeindsats.ingest.canonical import CANONICAL_TABLES, import_canonical, render_markdown
from ungeindsats.ingest.codes import StatusCode, store_code_mapping
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.errors import InputError
from ungeindsats.ingest.load import ImportOptions, ImportOutcome
from ungeindsats.warehouse import Warehouse, open_warehouse

ROOT = Path(__file__).resolve().parents[2]
PSEUDONYMISER = Pseudonymiser(b"canonical-test-key-" * 2)
A, B, C = "610190-1235", "620295-1244", "7112004322"
CPR_DIGITS = ("6101901235", "6202951244", "7112004322")


def pid(cpr: str) -> int:
    return PSEUDONYMISER.from_cpr(cpr)


def week(iso_year: int, iso_week: int) -> int:
    """Weeks since ISO week 1990U01, whose Monday is 1 January 1990."""
    return (date.fromisocalendar(iso_year, iso_week, 1) - date(1990, 1, 1)).days // 7


@pytest.fixture
def warehouse() -> Iterator[Warehouse]:
    wh = open_warehouse(None)
    yield wh
    wh.close()


def options(**extra: object) -> ImportOptions:
    settings: dict[str, object] = {"pseudonymiser": PSEUDONYMISER, "user": "test", **extra}
    return ImportOptions(**settings)  # type: ignore[arg-type]


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def load(wh: Warehouse, table: str, path: Path, **extra: object) -> ImportOutcome:
    return import_canonical(wh, table, path, options(**extra))


def rows(wh: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return wh.con.execute(sql).fetchall()


def failure(wh: Warehouse, table: str, path: Path, **extra: object) -> str:
    """The message of the InputError the import raises; it never contains a CPR number."""
    with pytest.raises(InputError) as caught:
        load(wh, table, path, **extra)
    message = str(caught.value)
    for cpr in (A, B, C, *CPR_DIGITS):
        assert cpr not in message
    return message


def add_codes(wh: Warehouse, *codes: int) -> None:
    mapping = {c: StatusCode(c, "kontanthjaelp", None, "public_support") for c in codes}
    store_code_mapping(wh.con, mapping, 0)


# --- each table once ---------------------------------------------------------------------------


def test_person_derives_birth_date_and_sex_from_the_cpr_number(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """A gets birth date and sex from the CPR number; B's agree with hers (Danish date form);
    C has a blank birth date and lower-case sex, also filled and normalised."""
    path = write(
        tmp_path,
        "personer.csv",
        "CPR,birth_date,sex,origin,origin_region,parents_education,crime,mental_illness,"
        "social_measure,abuse,_note\n"
        f"{A},,,dansk,,grundskole,0,1,nej,false,kommentar\n"
        f"{B},02.02.1995,K,Indvandrer,ikke-vestlig,,ja,,,TRUE,\n"
        f"{C}, ,k,efterkommer,vestlig,lang videregående,,,,,\n",
    )
    outcome = load(warehouse, "person", path)
    assert (outcome.source, outcome.rows_in, outcome.rows_accepted) == ("person", 3, 3)
    assert outcome.detail == "3 personer"
    assert sorted(rows(warehouse, "SELECT * FROM person")) == sorted(
        [
            (
                pid(A),
                date(1990, 1, 1),
                "M",
                "dansk",
                None,
                "grundskole",
                False,
                True,
                False,
                False,
                1,
            ),
            (
                pid(B),
                date(1995, 2, 2),
                "K",
                "indvandrer",
                "ikke_vestlig",
                None,
                True,
                None,
                None,
                True,
                1,
            ),
            (
                pid(C),
                date(2000, 12, 11),
                "K",
                "efterkommer",
                "vestlig",
                "lang videregående",
                None,
                None,
                None,
                None,
                1,
            ),
        ]
    )


def test_person_with_pnr_has_no_derived_facts(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "pnr;sex\nABC123;M\nXYZ789;\n")
    load(warehouse, "person", path)
    assert sorted(rows(warehouse, "SELECT person_id, birth_date, sex FROM person")) == sorted(
        [
            (PSEUDONYMISER.from_key("ABC123"), None, "M"),
            (PSEUDONYMISER.from_key("XYZ789"), None, None),
        ]
    )


def test_residence_semicolon_latin1_with_danish_letters(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Municipality by code, name and genitive name; a date in a week column means its week
    (2019-02-14 is a Thursday in 2019U07); an empty last week means still living there."""
    path = write(
        tmp_path,
        "bopæl.csv",
        "cpr;municipality;district;first_week;last_week\n"
        f"{A};791;Ørum Sønderlyng;2015U32;2019U06\n"
        f"{A};Københavns Kommune;Østerbro;2019-02-14;\n"
        f"{B};Århus;;2018U01;2018u52\n",
        encoding="latin-1",
    )
    assert load(warehouse, "residence", path).rows_accepted == 3
    assert sorted(rows(warehouse, "SELECT * FROM residence")) == sorted(
        [
            (pid(A), 791, "Ørum Sønderlyng", week(2015, 32), week(2019, 6), 1),
            (pid(A), 101, "Østerbro", week(2019, 7), None, 1),
            (pid(B), 751, None, week(2018, 1), week(2018, 52), 1),
        ]
    )


def test_status_spells(warehouse: Warehouse, tmp_path: Path) -> None:
    add_codes(warehouse, 130, 210)
    path = write(
        tmp_path,
        "spells.csv",
        "cpr,code,first_week,last_week\n"
        f"{A},130,2019U01,2019U10\n"
        f"{A},210,2019U11,2019U11\n"
        f"{B},130,2020U53,2021U02\n",
    )
    outcome = load(warehouse, "spells", path)
    assert outcome.source == "spells"
    assert sorted(rows(warehouse, "SELECT * FROM status_spell")) == sorted(
        [
            (pid(A), 130, week(2019, 1), week(2019, 10), 1),
            (pid(A), 210, week(2019, 11), week(2019, 11), 1),
            (pid(B), 130, week(2020, 53), week(2021, 2), 1),
        ]
    )
    assert rows(warehouse, "SELECT source, rows_in, rows_accepted FROM import_log") == [
        ("spells", 3, 3)
    ]


def test_target_group_spells(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mg.csv",
        "cpr;target_group;first_week;last_week\n"
        f"{A};Åbenlyst uddannelsesparat;2019U01;2019U04\n"
        f"{A};2.12;2019U05;2019U09\n"
        f"{B};3;2020U10;2020U20\n",
    )
    load(warehouse, "target-groups", path)
    assert sorted(rows(warehouse, "SELECT * FROM target_group_spell")) == sorted(
        [
            (pid(A), "aabenlyst_uddannelsesparat", week(2019, 1), week(2019, 4), 1),
            (pid(A), "2.12", week(2019, 5), week(2019, 9), 1),
            (pid(B), "3", week(2020, 10), week(2020, 20), 1),
        ]
    )


def test_activation_spells(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "akt.csv",
        "cpr;offer_type;first_week;last_week\n"
        f"{A};Løntilskud;2019-03-04;2019-06-30\n"
        f"{B};vejledning og opkvalificering;2019U20;2019U25\n",
    )
    load(warehouse, "activation", path)
    assert sorted(rows(warehouse, "SELECT * FROM activation_spell")) == sorted(
        [
            (pid(A), "loentilskud", week(2019, 10), week(2019, 26), 1),
            (pid(B), "vejledning_opkvalificering", week(2019, 20), week(2019, 25), 1),
        ]
    )


def test_education_events(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "udd.csv",
        "cpr;event_date;event;education_type;institution\n"
        f"{A};15.08.2019;start;erhvervsuddannelse;Mercantec\n"
        f"{A};1-2-2020;Afbrudt;erhvervsuddannelse;Mercantec\n"
        f"{B};2019-06-21;completion;gymnasial;\n",
    )
    load(warehouse, "education", path)
    assert sorted(rows(warehouse, "SELECT * FROM education_event")) == sorted(
        [
            (pid(A), date(2019, 8, 15), "start", "erhvervsuddannelse", "Mercantec", 1),
            (pid(A), date(2020, 2, 1), "dropout", "erhvervsuddannelse", "Mercantec", 1),
            (pid(B), date(2019, 6, 21), "completion", "gymnasial", None, 1),
        ]
    )


def test_readiness_assessments(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "upv.csv",
        f"cpr;assessment_date;grade;ready\n{C};2014-01-20;8;nej\n{C};2015-01-19;9;ja\n",
    )
    load(warehouse, "readiness", path)
    assert sorted(rows(warehouse, "SELECT * FROM readiness_assessment")) == [
        (pid(C), date(2014, 1, 20), 8, False, 1),
        (pid(C), date(2015, 1, 19), 9, True, 1),
    ]


def test_employment_months(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "timer.csv",
        f"cpr;month;hours\n{A};2019M02;37,5\n{A};2019M03;0\n{B};2019m12;160.25\n",
    )
    load(warehouse, "employment", path)
    assert sorted(rows(warehouse, "SELECT * FROM employment_month")) == sorted(
        [
            (pid(A), 2019, 2, 37.5, 1),
            (pid(A), 2019, 3, 0.0, 1),
            (pid(B), 2019, 12, 160.25, 1),
        ]
    )


def test_sanctions(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sanktion.csv",
        "cpr;sanction_date;benefit;reason\n"
        f"{A};06.05.2019;Uddannelseshjaelp;udeblevet fra samtale\n"
        f"{B};2019-07-01;;\n",
    )
    load(warehouse, "sanction", path)
    assert sorted(rows(warehouse, "SELECT * FROM sanction")) == sorted(
        [
            (pid(A), date(2019, 5, 6), "uddannelseshjaelp", "udeblevet fra samtale", 1),
            (pid(B), date(2019, 7, 1), None, None, 1),
        ]
    )


def test_framework_has_no_person_key(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ramme.csv",
        "municipality;year;variable;value\n"
        "Viborg;2019;andel_ikke_vestlige;0,071\n"
        "Hele landet;2019;andel_ikke_vestlige;0.094\n",
    )
    outcome = load(warehouse, "framework", path, pseudonymiser=None)
    assert outcome.detail == ""
    assert sorted(rows(warehouse, "SELECT * FROM framework")) == [
        (0, 2019, "andel_ikke_vestlige", 0.094, 1),
        (791, 2019, "andel_ikke_vestlige", 0.071, 1),
    ]


@pytest.mark.parametrize("table", list(CANONICAL_TABLES))
def test_the_documented_example_imports(table: str, warehouse: Warehouse, tmp_path: Path) -> None:
    """The example in docs/canonical-formats.md for every table is a valid file."""
    add_codes(warehouse, 130)
    spec = CANONICAL_TABLES[table]
    header = (["cpr"] if spec.person_key else []) + [c.name for c in spec.columns]
    values = ([A] if spec.person_key else []) + [c.example for c in spec.columns]
    path = write(tmp_path, "example.csv", ";".join(header) + "\n" + ";".join(values) + "\n")
    assert load(warehouse, table, path).rows_accepted == 1
    assert rows(warehouse, f"SELECT count(*) FROM {spec.table}") == [(1,)]


# --- reading -----------------------------------------------------------------------------------


def test_parquet_with_typed_columns(warehouse: Warehouse, tmp_path: Path) -> None:
    """Dates as dates, codes as integers, a week as a date, hours as floats with a gap."""
    add_codes(warehouse, 130)
    path = tmp_path / "spells.parquet"
    pq.write_table(
        pa.table(
            {
                "cpr": [A, B],
                "code": pa.array([130, 130], pa.int32()),
                "first_week": pa.array([date(2019, 2, 14), date(2019, 1, 1)]),
                "last_week": ["2019U10", "2019U01"],
            }
        ),
        path,
    )
    load(warehouse, "spells", path)
    assert sorted(
        rows(warehouse, "SELECT person_id, code, first_week, last_week FROM status_spell")
    ) == sorted(
        [(pid(A), 130, week(2019, 7), week(2019, 10)), (pid(B), 130, week(2019, 1), week(2019, 1))]
    )
    hours = tmp_path / "timer.parquet"
    pq.write_table(
        pa.table(
            {
                "pnr": pa.array([17, 18]),
                "month": ["2019M01", "2019M02"],
                "hours": pa.array([12.5, None]),
            }
        ),
        hours,
    )
    message = failure(warehouse, "employment", hours)
    assert "timer.parquet, linje 3, kolonne 'hours'" in message
    assert "værdien mangler" in message


def test_line_numbers_count_blank_lines_and_breaks_inside_values(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Line 2 holds a reason over two physical lines, line 4 is blank, line 5 is ';;;', so the
    bad date is on physical line 6."""
    path = write(
        tmp_path,
        "s.csv",
        "cpr;sanction_date;benefit;reason\n"
        f'{A};2019-01-01;;"første linje\nanden linje"\n'
        "\n"
        ";;;\n"
        f"{B};2019-13-01;;\n",
    )
    message = failure(warehouse, "sanction", path)
    assert "s.csv, linje 6, kolonne 'sanction_date' (værdi '2019-13-01'): datoen findes ikke" in (
        message
    )


def test_a_line_with_too_few_fields_fails_the_file(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", f"cpr;month;hours\n{A};2019M01;10\n{B};2019M01\n")
    message = failure(warehouse, "employment", path, rejects_path=tmp_path / "afvist.csv")
    assert "t.csv, linje 3: linjen har 2 felter, men overskriften har 3" in message
    assert rows(warehouse, "SELECT count(*) FROM employment_month") == [(0,)]


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_file_cut_off_inside_quotes_fails(
    ending: str, warehouse: Warehouse, tmp_path: Path
) -> None:
    """Arrow would take the rest of the file as the value of a quote that is never closed."""
    path = write(
        tmp_path,
        "u.csv",
        "cpr;event_date;event;education_type;institution\n"
        f'{A};2019-01-01;start;eud;"Mercan\ntec"\n'
        f'{B};2019-01-01;start;eud;"Merc{ending}',
    )
    assert "u.csv, linje 4: filen slutter inde i en værdi i anførselstegn" in failure(
        warehouse, "education", path
    )
    fine = write(tmp_path, "v.csv", path.read_text(encoding="utf-8") + 'antec"')
    assert load(warehouse, "education", fine).rows_accepted == 2
    assert sorted(rows(warehouse, "SELECT institution FROM education_event")) == sorted(
        [("Mercan\ntec",), (f"Merc{ending}antec",)]
    )


def test_a_person_file_with_only_the_key(warehouse: Warehouse, tmp_path: Path) -> None:
    """One column: there is no delimiter to see in the header."""
    load(warehouse, "person", write(tmp_path, "p.csv", f"cpr\n{C}\n"))
    assert rows(warehouse, "SELECT person_id, birth_date, sex FROM person") == [
        (pid(C), date(2000, 12, 11), "K")
    ]


# --- errors --------------------------------------------------------------------------------


def test_birth_date_that_disagrees_with_the_cpr_number(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = write(tmp_path, "p.csv", f"cpr;birth_date;sex\n{A};1990-01-01;M\n{B};1995-02-03;M\n")
    message = failure(warehouse, "person", path)
    assert (
        "p.csv, linje 3, kolonne 'birth_date' (værdi '1995-02-03'): stemmer ikke med "
        "CPR-nummerets fødselsdato; desuden kolonne 'sex' (værdi 'M'): stemmer ikke med "
        "CPR-nummerets køn"
    ) in message
    assert rows(warehouse, "SELECT count(*) FROM person") == [(0,)]


def test_invalid_cpr_numbers_are_reported_without_the_number(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = write(tmp_path, "p.csv", f"cpr;sex\n{A};M\n320190-1234;K\n12345;K\n;K\n")
    message = failure(warehouse, "person", path)
    assert "320190-1234" not in message
    assert "p.csv, linje 3, kolonne 'cpr': ugyldigt CPR-nummer: fødselsdatoen findes ikke" in (
        message
    )
    assert "p.csv, linje 4, kolonne 'cpr': ugyldigt CPR-nummer: skal være 10 cifre" in message
    assert "p.csv, linje 5, kolonne 'cpr': værdien mangler" in message


def test_unknown_column_is_an_error(warehouse: Warehouse, tmp_path: Path) -> None:
    add_codes(warehouse, 130)
    path = write(
        tmp_path, "s.csv", f"cpr;code;frist_week;last_week;_ok\n{A};130;2019U01;2019U02;x\n"
    )
    message = failure(warehouse, "spells", path)
    assert "s.csv, linje 1, kolonne 'frist_week': kolonnen kendes ikke i tabellen spells" in (
        message
    )
    assert "forventede kolonner: cpr eller pnr, code, first_week, last_week" in message
    assert "_ok" not in message.replace("begynder med _,", "")


def test_missing_columns_name_the_expected_ones(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "b.csv", "municipality;first_week\n791;2019U01\n")
    message = failure(warehouse, "residence", path)
    assert "b.csv, linje 1: overskriften mangler en personkolonne (cpr eller pnr)" in message
    assert (
        "forventede kolonner: cpr eller pnr, municipality, district (valgfri), first_week, "
        "last_week (valgfri)"
    ) in message

    both = write(tmp_path, "c.csv", f"cpr;pnr;month;hours\n{A};17;2019M01;1\n")
    assert "filen har både cpr og pnr" in failure(warehouse, "employment", both)

    no_hours = write(tmp_path, "d.csv", f"cpr;month\n{A};2019M01\n")
    assert "d.csv, linje 1, kolonne 'hours': overskriften mangler kolonnen" in failure(
        warehouse, "employment", no_hours
    )


def test_unknown_status_codes_are_listed_and_fail_even_with_rejects(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    add_codes(warehouse, 130)
    path = write(
        tmp_path,
        "s.csv",
        "cpr;code;first_week;last_week\n"
        f"{A};130;2019U01;2019U02\n"
        f"{A};999;2019U03;2019U04\n"
        f"{B};999;2019U03;2019U04\n"
        f"{B};17;2019U05;2019U06\n",
    )
    message = failure(warehouse, "spells", path, rejects_path=tmp_path / "afvist.csv")
    assert (
        "s.csv, kolonne 'code': 2 værdier findes ikke i lagerets status_code-tabel: "
        "17 (1 række, første på linje 5), 999 (2 rækker, første på linje 3)"
    ) in message
    assert rows(warehouse, "SELECT count(*) FROM status_spell") == [(0,)]
    assert not (tmp_path / "afvist.csv").exists()


def test_first_week_after_last_week(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", f"cpr;offer_type;first_week;last_week\n{A};mentor;2019U10;2019U09\n"
    )
    assert (
        "a.csv, linje 2, kolonne 'last_week' (værdi '2019U09'): sidste uge ligger før første "
        "uge (first_week = 2019U10)"
    ) in failure(warehouse, "activation", path)


def test_bad_values(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "u.csv",
        "cpr;event_date;event;education_type\n"
        f"{A};31/12/2019;start;eud\n"
        f"{A};2019-02-30;start;eud\n"
        f"{A};2019-03-01;begyndt;eud\n"
        f"{A};2019-03-01;start;\n",
    )
    message = failure(warehouse, "education", path)
    assert (
        "u.csv, linje 2, kolonne 'event_date' (værdi '31/12/2019'): skal være en dato: "
        "ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ"
    ) in message
    assert "u.csv, linje 3, kolonne 'event_date' (værdi '2019-02-30'): datoen findes ikke" in (
        message
    )
    assert (
        "u.csv, linje 4, kolonne 'event' (værdi 'begyndt'): skal være en af: start, "
        "completion, dropout"
    ) in message
    assert "u.csv, linje 5, kolonne 'education_type' (værdi ''): værdien mangler" in message

    weeks = write(tmp_path, "w.csv", f"cpr;code;first_week;last_week\n{A};1;2019U54;2019M02\n")
    add_codes(warehouse, 1)
    message = failure(warehouse, "spells", weeks)
    assert "kolonne 'first_week' (værdi '2019U54'): uge 54 findes ikke i 2019" in message
    assert "kolonne 'last_week' (værdi '2019M02'): skal være en uge (fx 2019U07)" in message


def test_cpr_numbers_in_free_text_are_refused_and_never_shown(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "s.csv",
        f"cpr;sanction_date;reason\n{A};2019-01-01;samtale med {B} udeblev\n",
    )
    assert (
        "s.csv, linje 2, kolonne 'reason': teksten ligner et CPR-nummer; fjern det før indlæsning"
    ) in failure(warehouse, "sanction", path)


def test_a_person_twice_in_the_person_file(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", f"cpr;sex\n{A};M\n{B};K\n{A.replace('-', '')};M\n")
    assert "p.csv, linje 4, kolonne 'cpr': samme person som linje 2" in failure(
        warehouse, "person", path
    )


# --- all or nothing, idempotence, rejects, re-delivery ---------------------------------------


def test_same_file_twice_is_a_no_op(warehouse: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", f"cpr;month;hours\n{A};2019M01;10\n")
    first = load(warehouse, "employment", path)
    again = load(warehouse, "employment", path)
    assert again.already_imported
    assert again.import_id == first.import_id == 1
    assert rows(warehouse, "SELECT count(*) FROM employment_month") == [(1,)]
    assert rows(warehouse, "SELECT count(*) FROM import_log") == [(1,)]


def test_failure_half_way_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    """A bad row fails the whole file; so does an interruption after the delivery's rows were
    deleted and inserted (here: the progress callback raising at the end)."""
    wh = open_warehouse(tmp_path / "w.duckdb")
    add_codes(wh, 130)
    first = write(tmp_path, "s1.csv", f"cpr;code;first_week;last_week\n{A};130;2019U01;2019U05\n")
    load(wh, "spells", first)
    before = rows(wh, "SELECT * FROM status_spell"), rows(wh, "SELECT * FROM import_log")

    bad = write(
        tmp_path,
        "s2.csv",
        f"cpr;code;first_week;last_week\n{A};130;2019U10;2019U12\n{B};130;2019U10;x\n",
    )
    assert "s2.csv, linje 3, kolonne 'last_week'" in failure(wh, "spells", bad)
    assert (rows(wh, "SELECT * FROM status_spell"), rows(wh, "SELECT * FROM import_log")) == before

    def interrupt(done: int, total: int | None) -> None:
        if done == total:
            raise KeyboardInterrupt

    good = write(tmp_path, "s3.csv", f"cpr;code;first_week;last_week\n{A};130;2019U10;2019U12\n")
    with pytest.raises(KeyboardInterrupt):
        load(wh, "spells", good, progress=interrupt)
    assert (rows(wh, "SELECT * FROM status_spell"), rows(wh, "SELECT * FROM import_log")) == before
    wh.close()


def test_rejects_file_gets_the_bad_rows_with_the_cpr_masked(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "cpr;month;hours;_note\n"
        f"{A};2019M01;10;ok\n"
        f"{B};2019M13;-1;ringet til {A}\n"
        f"{C};2019M02;8;\n",
    )
    rejects = tmp_path / "afvist.csv"
    outcome = load(warehouse, "employment", path, rejects_path=rejects)
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (3, 2, 1)
    assert sorted(
        rows(warehouse, "SELECT person_id, year, month, hours FROM employment_month")
    ) == (sorted([(pid(A), 2019, 1, 10.0), (pid(C), 2019, 2, 8.0)]))
    text = rejects.read_text(encoding="utf-8")
    for cpr in (A, B, C, *CPR_DIGITS):
        assert cpr not in text
    assert list(csv.reader(text.splitlines(), delimiter=";")) == [
        ["fil", "linje", "kolonne", "fejl", "cpr", "month", "hours", "_note"],
        [
            "t.csv",
            "3",
            "month",
            "måneden skal være 01-12; desuden kolonne 'hours' (værdi '-1'): må ikke være under 0",
            "<skjult>",
            "2019M13",
            "-1",
            "ringet til <skjult>",
        ],
    ]


def test_spell_redelivery_replaces_the_rows_of_the_persons_in_the_file(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """First delivery: A and B. Second: A only, with a corrected history; B is untouched."""
    add_codes(warehouse, 130, 210)
    first = write(
        tmp_path,
        "s1.csv",
        "cpr;code;first_week;last_week\n"
        f"{A};130;2019U01;2019U10\n{A};210;2019U11;2019U20\n{B};130;2019U01;2019U52\n",
    )
    second = write(tmp_path, "s2.csv", f"cpr;code;first_week;last_week\n{A};210;2019U01;2019U30\n")
    load(warehouse, "spells", first)
    outcome = load(warehouse, "spells", second)
    assert outcome.detail == "1 person; 2 tidligere rækker erstattet"
    assert sorted(rows(warehouse, "SELECT * FROM status_spell")) == sorted(
        [
            (pid(A), 210, week(2019, 1), week(2019, 30), 2),
            (pid(B), 130, week(2019, 1), week(2019, 52), 1),
        ]
    )


def test_person_redelivery_replaces_the_whole_row(warehouse: Warehouse, tmp_path: Path) -> None:
    load(warehouse, "person", write(tmp_path, "p1.csv", f"cpr;origin;crime\n{A};dansk;1\n{B};;\n"))
    load(warehouse, "person", write(tmp_path, "p2.csv", f"cpr;origin\n{A};efterkommer\n"))
    assert sorted(rows(warehouse, "SELECT person_id, origin, crime, import_id FROM person")) == (
        sorted([(pid(A), "efterkommer", None, 2), (pid(B), None, None, 1)])
    )


def test_employment_redelivery_replaces_by_person_and_month(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(
        warehouse,
        "employment",
        write(tmp_path, "t1.csv", f"cpr;month;hours\n{A};2019M01;10\n{A};2019M02;20\n"),
    )
    load(
        warehouse,
        "employment",
        write(tmp_path, "t2.csv", f"cpr;month;hours\n{A};2019M02;25\n{A};2019M03;30\n"),
    )
    assert sorted(rows(warehouse, "SELECT month, hours, import_id FROM employment_month")) == [
        (1, 10.0, 1),
        (2, 25.0, 2),
        (3, 30.0, 2),
    ]
    twice = write(tmp_path, "t3.csv", f"cpr;month;hours\n{A};2019M04;1\n{A};2019M04;2\n")
    assert (
        "t3.csv, linje 3, kolonne 'month' (værdi '2019M04'): samme person og month som "
        "linje 2" in failure(warehouse, "employment", twice)
    )


def test_unknown_table_name() -> None:
    with pytest.raises(ValueError, match="ukendt tabel 'spell'; kendte tabeller: person"):
        import_canonical(open_warehouse(None), "spell", Path("x.csv"), options())


# --- documentation -----------------------------------------------------------------------------


def test_committed_documentation_matches_the_specs() -> None:
    """The doc is generated from the specs, so it cannot drift from the code."""
    committed = (ROOT / "docs" / "canonical-formats.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "docs/canonical-formats.md is stale; regenerate it with "
        ".venv/bin/python -m ungeindsats.ingest.canonical > docs/canonical-formats.md"
    )


def test_documentation_covers_every_table_and_column() -> None:
    text = render_markdown()
    for spec in CANONICAL_TABLES.values():
        assert f"### `{spec.name}`" in text
        for column in spec.columns:
            assert f"| `{column.name}` |" in text
            assert column.description and column.example is not None
