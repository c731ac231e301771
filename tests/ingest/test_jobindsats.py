"""Jobindsats importer: the API's JSON answer and the Excel export into fte_aggregate.

The JSON answers follow the shape public client code reads (Randers-Kommune-Digitalisering/etl):
a list whose first element has ``Variables`` ({"Name", "Label"} per column) and ``Data`` (rows).
Measure names such as ``memba02_1`` are made up; the importer goes by the labels
("Antal personer", "Antal fuldtidspersoner").
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ungeindsats.ingest.errors import InputError
from ungeindsats.ingest.jobindsats import (
    age_band,
    import_jobindsats,
    jobindsats_tables,
    parse_number,
)
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.warehouse import Warehouse, open_warehouse

AREA = {"Name": "area", "Label": "Area"}
PERIOD = {"Name": "period", "Label": "Periode"}
VISKAT = {"Name": "_viskat_2udh", "Label": "Visitationskategori"}
AGE = {"Name": "_alder", "Label": "Alder"}
SEX = {"Name": "_kon", "Label": "Køn"}
GROUPS = {"Name": "_ygrpa02", "Label": "Ydelsesgrupper"}
PERSONS = {"Name": "memba02_1", "Label": "Antal personer"}
FTE = {"Name": "memba02_2", "Label": "Antal fuldtidspersoner"}
PCT = {"Name": "memba02_4b", "Label": "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"}

OPTIONS = ImportOptions(user="test")


def _answer(path: Path, variables: list[dict[str, str]], data: list[list[Any]]) -> Path:
    path.write_text(json.dumps([{"Variables": variables, "Data": data}], ensure_ascii=False))
    return path


def _rows(wh: Warehouse) -> list[tuple[Any, ...]]:
    return wh.con.execute(
        "SELECT source_table, municipality, year, month, benefit, target_group, age_band, "
        "persons, fte, import_id FROM fte_aggregate "
        "ORDER BY municipality, year, month, target_group, age_band"
    ).fetchall()


def test_json_answer_with_persons_and_fte(tmp_path: Path) -> None:
    """Y38A02 (uddannelseshjælp) for Viborg and the country, by visitation category and age.

    The percentage column is not stored; "Visitationskategori i alt" is the total ('').
    """
    file = _answer(
        tmp_path / "Y38A02_2019.json",
        [AREA, PERIOD, VISKAT, AGE, PERSONS, FTE, PCT],
        [
            ["Viborg", "2019M02", "Uddannelsesparat", "16-24 år", "301", "267,4", "0,6"],
            ["Viborg", "2019M02", "Aktivitetsparat", "25-29 år", "380", "344", "0,7"],
            ["Viborg", "2019M02", "Åbenlys uddannelsesparat", "16-24 år", "20", "17", "0,1"],
            ["Viborg", "2019M02", "Visitationskategori i alt", "Alder i alt", "701", "628,4",
             "1,4"],
            ["Hele landet", "2019M02", "Aktivitetsparat", "25-29 år", 20123, 18950.5, "0,7"],
        ],
    )
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, file, OPTIONS)

    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (5, 5, 0)
    b = "uddannelseshjaelp"
    assert _rows(wh) == [
        ("Y38A02", 0, 2019, 2, b, "aktivitetsparat", "25-29", 20123.0, 18950.5, 1),
        ("Y38A02", 791, 2019, 2, b, "", "", 701.0, 628.4, 1),
        ("Y38A02", 791, 2019, 2, b, "aabenlyst_uddannelsesparat", "16-24", 20.0, 17.0, 1),
        ("Y38A02", 791, 2019, 2, b, "aktivitetsparat", "25-29", 380.0, 344.0, 1),
        ("Y38A02", 791, 2019, 2, b, "uddannelsesparat", "16-24", 301.0, 267.4, 1),
    ]
    assert outcome.detail == (
        "Tabel Y38A02 (uddannelseshjaelp); 2019M02 (1 måned); 1 kommune og hele landet."
    )
    logged = wh.con.execute("SELECT source, detail FROM import_log").fetchall()
    assert logged == [("jobindsats", outcome.detail)]


def test_danish_number_formatting_and_missing_values(tmp_path: Path) -> None:
    """'1.234' is 1234 (thousands separator), '12,5' is 12.5; '..' and '-' are NULL."""
    file = _answer(
        tmp_path / "y01a02.json",
        [AREA, PERIOD, PERSONS, FTE],
        [
            ["Aarhus", "2019M01", "1.234", "1.012,5"],
            ["Viborg", "2019M01", "..", "-"],
            ["Skive", "2019M01", "12", ".."],
            ["Odense", "2019M01", " 2 345 ", "12.5"],
        ],
    )
    wh = open_warehouse(None)
    import_jobindsats(wh, file, OPTIONS)
    got = wh.con.execute(
        "SELECT municipality, persons, fte FROM fte_aggregate ORDER BY municipality"
    ).fetchall()
    assert got == [(461, 2345.0, 12.5), (751, 1234.0, 1012.5), (779, 12.0, None),
                   (791, None, None)]
    assert {r[4] for r in _rows(wh)} == {"a_dagpenge"}


def test_parse_number_and_age_band() -> None:
    assert parse_number("1.234") == 1234.0
    assert parse_number("1.234.567") == 1234567.0
    assert parse_number("12,5") == 12.5
    assert parse_number("-3,5") == -3.5
    assert parse_number(7) == 7.0
    assert parse_number("..") is None
    assert parse_number(None) is None
    with pytest.raises(ValueError):
        parse_number("mange")
    assert age_band("16-24 år") == "16-24"
    assert age_band("25 - 29 år") == "25-29"
    assert age_band("Alder i alt") == ""
    assert age_band("60 år og derover") == "60+"
    assert age_band("Under 30 år") == "0-29"
    with pytest.raises(ValueError):
        age_band("unge")


def _excel(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_excel_export(tmp_path: Path) -> None:
    """Title rows (with the table id), header, data with blank cells repeating the value above
    (pivot style), a blank row and a footnote. Sheet rows: 1-2 titles, 3 blank, 4 header,
    5-8 data, 9 blank, 10 footnote. A column without a header is ignored."""
    file = _excel(
        tmp_path / "eksport.xlsx",
        [
            ["Uddannelseshjælp"],
            ["Y38A02: Antal personer og fuldtidspersoner"],
            [],
            ["Område", "Periode", "Visitationskategori", "Antal personer",
             "Antal fuldtidspersoner", "Fuldtidspersoner i pct. af befolkningen 16-66 år", None],
            ["Viborg", "2019M01", "Uddannelsesparat", 290, 270.2, 0.5, "note in a blank column"],
            [None, "2019M02", "Uddannelsesparat", 301, "267,4", 0.5],
            [None, None, "Aktivitetsparat", "..", 344, 0.6],
            ["Skive", "2019M02", "Aktivitetsparat", 100, 90, 0.4],
            [],
            ["Kilde: Jobindsats.dk"],
        ],
    )
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, file, OPTIONS)
    b = "uddannelseshjaelp"
    assert _rows(wh) == [
        ("Y38A02", 779, 2019, 2, b, "aktivitetsparat", "", 100.0, 90.0, 1),
        ("Y38A02", 791, 2019, 1, b, "uddannelsesparat", "", 290.0, 270.2, 1),
        ("Y38A02", 791, 2019, 2, b, "aktivitetsparat", "", None, 344.0, 1),
        ("Y38A02", 791, 2019, 2, b, "uddannelsesparat", "", 301.0, 267.4, 1),
    ]
    assert "2019M01–2019M02 (2 måneder); 2 kommuner" in outcome.detail


def test_excel_error_names_the_sheet_row(tmp_path: Path) -> None:
    file = _excel(
        tmp_path / "Y01A02.xlsx",
        [["A-dagpenge"], ["Område", "Periode", "Antal personer"], ["Viborg", "2019M01", "mange"]],
    )
    with pytest.raises(InputError) as caught:
        import_jobindsats(open_warehouse(None), file, OPTIONS)
    assert str(caught.value).splitlines()[1] == (
        "Y01A02.xlsx, linje 3, kolonne 'Antal personer' (værdi 'mange'): ikke et tal "
        "(tal skrives som 1.234 eller 12,5; '..' og '-' betyder ingen værdi)"
    )


def test_regions_are_skipped_and_counted(tmp_path: Path) -> None:
    file = _answer(
        tmp_path / "Y07A02.json",
        [AREA, PERIOD, PERSONS, FTE],
        [
            ["Region Midtjylland", "2019M02", "9.000", "7.000"],
            ["RAR Vestjylland", "2019M02", "3.000", "2.500"],
            ["Viborg", "2019M02", "170", "145"],
        ],
    )
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, file, OPTIONS)
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (3, 1, 0)
    assert _rows(wh) == [("Y07A02", 791, 2019, 2, "sygedagpenge", "", "", 170.0, 145.0, 1)]
    assert "2 rækker for regioner o.l. sprunget over" in outcome.detail


def test_unknown_area_is_an_error_naming_row_and_value(tmp_path: Path) -> None:
    file = _answer(
        tmp_path / "Y07A02.json",
        [AREA, PERIOD, PERSONS],
        [["Viborg", "2019M02", "170"], ["Narnia", "2019M02", "3"]],
    )
    wh = open_warehouse(None)
    with pytest.raises(InputError) as caught:
        import_jobindsats(wh, file, OPTIONS)
    assert str(caught.value).splitlines()[1] == (
        "Y07A02.json, kolonne 'Area' (værdi 'Narnia'): ukendt område: hverken en kommune, "
        "'Hele landet' eller en region (række 2 i Data)"
    )
    assert _rows(wh) == []
    assert wh.con.execute("SELECT count(*) FROM import_log").fetchone() == (0,)


@pytest.mark.parametrize("period", ["2019Q1", "2019QMAT02", "2019Y01", "2019"])
def test_a_quarter_or_year_period_is_an_error(tmp_path: Path, period: str) -> None:
    file = _answer(tmp_path / "Y07A02.json", [AREA, PERIOD, PERSONS], [["Viborg", period, "170"]])
    with pytest.raises(InputError) as caught:
        import_jobindsats(open_warehouse(None), file, OPTIONS)
    message = str(caught.value)
    assert f"kolonne 'Periode' (værdi '{period}'): perioden er ikke en måned" in message
    assert "(række 1 i Data)" in message


def test_wrong_shape_is_a_clear_error(tmp_path: Path) -> None:
    file = tmp_path / "Y07A02.json"
    file.write_text(json.dumps([{"Data": [["Viborg", "2019M02", "1"]]}]))
    with pytest.raises(InputError) as caught:
        import_jobindsats(open_warehouse(None), file, OPTIONS)
    assert "forventede en liste hvis første element har 'Variables'" in str(caught.value)
    assert "fandt nøglerne: Data" in str(caught.value)


def test_a_saved_key_error_is_named(tmp_path: Path) -> None:
    """Jobindsats answers a bad key with {"<message>": ""}; saved by mistake, it is named."""
    file = tmp_path / "Y30R21.json"
    file.write_text(json.dumps({"Forkert nøgle eller nøglen er udløbet.": ""}, ensure_ascii=False))
    with pytest.raises(InputError) as caught:
        import_jobindsats(open_warehouse(None), file, OPTIONS)
    assert "Jobindsats' fejlsvar i stedet for data: 'Forkert nøgle" in str(caught.value)


def test_missing_measures_name_expected_and_found_columns(tmp_path: Path) -> None:
    file = _answer(tmp_path / "Y07A02.json", [AREA, PERIOD, PCT], [["Viborg", "2019M02", "1"]])
    with pytest.raises(InputError) as caught:
        import_jobindsats(open_warehouse(None), file, OPTIONS)
    message = str(caught.value)
    assert "'Antal personer' og/eller 'Antal fuldtidspersoner'" in message
    assert "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år" in message


def test_same_file_twice_is_a_no_op(tmp_path: Path) -> None:
    file = _answer(tmp_path / "Y07A02.json", [AREA, PERIOD, FTE], [["Viborg", "2019M02", "145"]])
    wh = open_warehouse(None)
    first = import_jobindsats(wh, file, OPTIONS)
    again = import_jobindsats(wh, file, OPTIONS)
    assert again.already_imported and again.import_id == first.import_id
    assert _rows(wh) == [("Y07A02", 791, 2019, 2, "sygedagpenge", "", "", None, 145.0, 1)]


def test_a_newer_delivery_replaces_the_rows_it_covers(tmp_path: Path) -> None:
    """Import 1: Feb and Mar. Import 2 (revised): Mar and Apr. Feb stays from import 1; Mar is
    replaced, not doubled; Apr is new. Another table's March is untouched."""
    wh = open_warehouse(None)
    other = _answer(tmp_path / "Y01A02.json", [AREA, PERIOD, FTE], [["Viborg", "2019M03", "349"]])
    import_jobindsats(wh, other, OPTIONS)
    first = _answer(
        tmp_path / "Y07A02_a.json",
        [AREA, PERIOD, PERSONS, FTE],
        [["Viborg", "2019M02", "170", "145"], ["Viborg", "2019M03", "160", "140"]],
    )
    second = _answer(
        tmp_path / "Y07A02_b.json",
        [AREA, PERIOD, PERSONS, FTE],
        [["Viborg", "2019M03", "162", "141,5"], ["Viborg", "2019M04", "150", "130"]],
    )
    import_jobindsats(wh, first, OPTIONS)
    outcome = import_jobindsats(wh, second, OPTIONS)
    assert _rows(wh) == [
        ("Y07A02", 791, 2019, 2, "sygedagpenge", "", "", 170.0, 145.0, 2),
        ("Y01A02", 791, 2019, 3, "a_dagpenge", "", "", None, 349.0, 1),
        ("Y07A02", 791, 2019, 3, "sygedagpenge", "", "", 162.0, 141.5, 3),
        ("Y07A02", 791, 2019, 4, "sygedagpenge", "", "", 150.0, 130.0, 3),
    ]
    assert "1 række fra tidligere import erstattet" in outcome.detail


def test_failure_half_way_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    """A later file whose last row is a quarter fails after the good rows were read: nothing of
    it is kept, and the earlier import's rows (which it would have replaced) are still there."""
    wh = open_warehouse(tmp_path / "w.duckdb")
    good = _answer(tmp_path / "Y07A02.json", [AREA, PERIOD, FTE], [["Viborg", "2019M02", "145"]])
    import_jobindsats(wh, good, OPTIONS)
    before = _rows(wh)
    bad = _answer(
        tmp_path / "Y07A02_ny.json",
        [AREA, PERIOD, FTE],
        [["Viborg", "2019M02", "999"], ["Skive", "2019M02", "50"], ["Skive", "2019K1", "50"]],
    )
    with pytest.raises(InputError):
        import_jobindsats(wh, bad, OPTIONS)
    assert _rows(wh) == before
    assert wh.con.execute("SELECT count(*) FROM import_log").fetchone() == (1,)


def test_rejects_file_takes_the_bad_rows(tmp_path: Path) -> None:
    file = _answer(
        tmp_path / "Y38A02.json",
        [AREA, PERIOD, VISKAT, PERSONS, FTE],
        [
            ["Viborg", "2019M02", "Uddannelsesparat", "301", "267,4"],
            ["Narnia", "2019M02", "Uddannelsesparat", "3", "2"],
            ["Skive", "2019M02", "Aktivitetsparat", "mange", "2"],
            ["Viborg", "2019M02", "Uddannelsesparat", "1", "1"],
        ],
    )
    rejects = tmp_path / "afviste.csv"
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, file, ImportOptions(rejects_path=rejects, user="test"))
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (4, 1, 3)
    assert _rows(wh) == [
        ("Y38A02", 791, 2019, 2, "uddannelseshjaelp", "uddannelsesparat", "", 301.0, 267.4, 1)
    ]
    with rejects.open(encoding="utf-8") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[0] == ["fil", "linje", "kolonne", "fejl", "Area", "Periode",
                          "Visitationskategori", "Antal personer", "Antal fuldtidspersoner",
                          "række"]
    assert [(r[2], r[4], r[-1]) for r in written[1:]] == [
        ("Area", "Narnia", "række 2 i Data"),
        ("Antal personer", "Skive", "række 3 i Data"),
        ("Area", "Viborg", "række 4 i Data"),
    ]
    assert "første gang række 1 i Data" in written[3][3]


def test_table_id_from_option_and_conflicts(tmp_path: Path) -> None:
    """No id in the answer or the name: --table decides; an answer naming another table fails."""
    data = [["Viborg", "2019M02", "58"]]
    file = _answer(tmp_path / "svar.json", [AREA, PERIOD, FTE], data)
    wh = open_warehouse(None)
    with pytest.raises(InputError, match="angiv det med --table"):
        import_jobindsats(wh, file, OPTIONS)
    import_jobindsats(wh, file, OPTIONS, table="y12a02")
    assert _rows(wh) == [("Y12A02", 791, 2019, 2, "jobafklaring", "", "", None, 58.0, 1)]

    named = tmp_path / "named.json"
    named.write_text(json.dumps([{"TableID": "y11a02", "Variables": [AREA, PERIOD, FTE],
                                  "Data": data}]))
    with pytest.raises(InputError, match="filen er tabel Y11A02, men --table siger Y12A02"):
        import_jobindsats(wh, named, OPTIONS, table="Y12A02")


def test_unknown_table_needs_a_benefit_dimension(tmp_path: Path) -> None:
    file = _answer(tmp_path / "Y99A02.json", [AREA, PERIOD, FTE], [["Viborg", "2019M02", "1"]])
    with pytest.raises(InputError, match="ydelsen i tabel Y99A02 kan ikke udledes"):
        import_jobindsats(open_warehouse(None), file, OPTIONS)


def test_all_benefits_table_takes_the_benefit_from_its_dimension(tmp_path: Path) -> None:
    """PTVA02 (ptv_a02 in API paths): the benefit is in _ygrpa02. The group total and benefits
    outside ungeindsats' list (Efterløn) are skipped and counted; an unknown group is rejected."""
    file = _answer(
        tmp_path / "ptv_a02_2019.json",
        [AREA, PERIOD, GROUPS, PERSONS, FTE],
        [
            ["Viborg", "2019M02", "Førtidspension", "2.400", "2.380"],
            ["Viborg", "2019M02", "Jobafklaringsforløb", "65", "58"],
            ["Viborg", "2019M02", "Efterløn", "1.100", "1.000"],
            ["Viborg", "2019M02", "Ydelsesgrupper i alt", "9.000", "8.000"],
        ],
    )
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, file, OPTIONS)
    got = wh.con.execute(
        "SELECT source_table, benefit, persons, fte FROM fte_aggregate ORDER BY benefit"
    ).fetchall()
    assert got == [("PTVA02", "foertidspension", 2400.0, 2380.0),
                   ("PTVA02", "jobafklaring", 65.0, 58.0)]
    assert "1 række med ydelsesgrupper i alt sprunget over" in outcome.detail
    assert "1 række for andre ydelser (Efterløn) sprunget over" in outcome.detail
    assert jobindsats_tables()["PTVA02"] == "*"


def test_other_breakdowns_keep_only_their_total(tmp_path: Path) -> None:
    """A Køn column: only "I alt" rows are stored; without a total the file is refused."""
    with_total = _answer(
        tmp_path / "Y01A02.json",
        [AREA, PERIOD, SEX, FTE],
        [["Viborg", "2019M02", "Mænd", "200"], ["Viborg", "2019M02", "Kvinder", "149"],
         ["Viborg", "2019M02", "I alt", "349"]],
    )
    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, with_total, OPTIONS)
    assert _rows(wh) == [("Y01A02", 791, 2019, 2, "a_dagpenge", "", "", None, 349.0, 1)]
    assert "2 rækker med underopdelinger (fx køn) sprunget over" in outcome.detail

    without = _answer(
        tmp_path / "Y01A02_kon.json",
        [AREA, PERIOD, SEX, FTE],
        [["Viborg", "2019M03", "Mænd", "200"], ["Viborg", "2019M03", "Kvinder", "149"]],
    )
    with pytest.raises(InputError, match="opdelt på 'Køn' uden en 'i alt'-række"):
        import_jobindsats(wh, without, OPTIONS)


def test_two_parts_with_one_measure_each_are_merged(tmp_path: Path) -> None:
    """Later elements of the answer list are read too: persons and fte for the same cell merge."""
    file = tmp_path / "Y09A02.json"
    file.write_text(json.dumps([
        {"Variables": [AREA, PERIOD, PERSONS], "Data": [["Viborg", "2019M02", "40"]]},
        {"Variables": [AREA, PERIOD, FTE], "Data": [["Viborg", "2019M02", "35,5"]]},
    ]))
    wh = open_warehouse(None)
    import_jobindsats(wh, file, OPTIONS)
    assert _rows(wh) == [("Y09A02", 791, 2019, 2, "ledighedsydelse", "", "", 40.0, 35.5, 1)]


def test_unknown_file_type_and_bad_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "Y07A02.csv"
    csv_file.write_text("a;b\n")
    with pytest.raises(InputError, match=r"ukendt filtype '\.csv'"):
        import_jobindsats(open_warehouse(None), csv_file, OPTIONS)
    broken = tmp_path / "Y07A02.json"
    broken.write_text('[{"Variables": [}')
    with pytest.raises(InputError, match=r"Y07A02\.json, linje 1: filen er ikke gyldig JSON"):
        import_jobindsats(open_warehouse(None), broken, OPTIONS)
