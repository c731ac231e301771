"""FOLK1A population files (StatBank CSV, BULK, JSON-stat) into the warehouse's population table.

The files are small and hand-made in the shapes StatBank answers in (header
``OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD``, texts like "Mænd", "18 år", "I alt", codes like
"791", "1", "18", "TOT"); the expected rows are written out in each test.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ungeindsats.ingest.errors import InputError
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.population import (
    BAD,
    KEEP,
    NOT_MUNICIPALITY,
    TOTAL,
    classify_age,
    classify_area,
    classify_civil_status,
    classify_sex,
    classify_time,
    import_population,
)
from ungeindsats.warehouse import Warehouse, open_warehouse

HEADER = "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"

Row = tuple[int, int, int, int, str, int]


def population(wh: Warehouse) -> list[Row]:
    """(municipality, year, quarter, age, sex, persons), sorted."""
    rows = wh.con.execute(
        "SELECT municipality, year, quarter, age, sex, persons FROM population ORDER BY ALL"
    ).fetchall()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_csv_with_text_values_in_latin1(tmp_path: Path) -> None:
    """StatBank's value presentation, saved as Latin-1 (as a spreadsheet does).

    Kept: København (101), Høje-Taastrup (169) and Hele landet (0), men and women aged 18 and
    19, civil status in total. Left out: Region Hovedstaden (2 rows), the sex total (1 row) and
    the age total (1 row).
    """
    file = write(
        tmp_path / "folk1a.csv",
        [
            HEADER,
            "Hele landet;Mænd;18 år;I alt;2019K1;35000",
            "Hele landet;Kvinder;18 år;I alt;2019K1;33000",
            "Region Hovedstaden;Mænd;18 år;I alt;2019K1;9000",
            "Region Hovedstaden;Kvinder;18 år;I alt;2019K1;8800",
            "København;Mænd;18 år;I alt;2019K1;2500",
            "København;Kvinder;18 år;I alt;2019K1;2700",
            "København;I alt;18 år;I alt;2019K1;5200",
            "København;Mænd;Alder i alt;I alt;2019K1;310000",
            "Høje-Taastrup;Mænd;19 år;I alt;2019K1;321",
            "Høje-Taastrup;Kvinder;19 år;I alt;2019K1;300",
        ],
        encoding="latin-1",
    )
    wh = open_warehouse(None)
    outcome = import_population(wh, file, ImportOptions(user="test"))

    assert population(wh) == [
        (0, 2019, 1, 18, "K", 33000),
        (0, 2019, 1, 18, "M", 35000),
        (101, 2019, 1, 18, "K", 2700),
        (101, 2019, 1, 18, "M", 2500),
        (169, 2019, 1, 19, "K", 300),
        (169, 2019, 1, 19, "M", 321),
    ]
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (10, 6, 0)
    assert outcome.detail == (
        "Kvartaler 2019K1 (1 kvartal); 2 kommuner og hele landet; sprunget over: 2 rækker for "
        "regioner, landsdele og Christiansø og 2 rækker med totaler for køn eller alder."
    )
    ids = wh.con.execute("SELECT DISTINCT import_id FROM population").fetchall()
    log = wh.con.execute("SELECT import_id, source, detail FROM import_log").fetchall()
    assert ids == [(outcome.import_id,)]
    assert log == [(outcome.import_id, "population", outcome.detail)]


def test_bulk_with_codes_sums_over_civil_status(tmp_path: Path) -> None:
    """valuePresentation=Code, civil status broken down (U, G, E, F): the stored count is the sum.

    Viborg (791), men aged 25 in 2020K3: 10 + 5 + 0 + 1 = 16; women: 8 + 7 + 1 + 0 = 16.
    Region Midtjylland (082) is left out. Hele landet (000) is municipality 0.
    """
    lines = [HEADER]
    for area, sex, counts in [
        ("791", "1", (10, 5, 0, 1)),
        ("791", "2", (8, 7, 1, 0)),
        ("082", "1", (100, 50, 3, 9)),
        ("000", "1", (900, 500, 30, 90)),
    ]:
        for civil, count in zip("UGEF", counts, strict=True):
            lines.append(f"{area};{sex};25;{civil};2020K3;{count}")
    file = write(tmp_path / "folk1a_bulk.csv", lines)
    wh = open_warehouse(None)
    outcome = import_population(wh, file, ImportOptions())

    assert population(wh) == [
        (0, 2020, 3, 25, "M", 1520),
        (791, 2020, 3, 25, "K", 16),
        (791, 2020, 3, 25, "M", 16),
    ]
    assert (outcome.rows_in, outcome.rows_accepted) == (16, 12)
    assert outcome.detail.startswith("Kvartaler 2020K3 (1 kvartal); 1 kommune og hele landet;")


def test_total_civil_status_is_used_when_present_and_checked_against_the_parts(
    tmp_path: Path,
) -> None:
    """With both "I alt" and all four civil statuses, "I alt" is stored if it equals the sum."""
    good = write(
        tmp_path / "good.csv",
        [
            HEADER,
            "Viborg;Mænd;20 år;I alt;2019K1;30",
            "Viborg;Mænd;20 år;Ugift;2019K1;25",
            "Viborg;Mænd;20 år;Gift/separeret;2019K1;4",
            "Viborg;Mænd;20 år;Enke/enkemand;2019K1;0",
            "Viborg;Mænd;20 år;Fraskilt;2019K1;1",
        ],
    )
    wh = open_warehouse(None)
    import_population(wh, good, ImportOptions())
    assert population(wh) == [(791, 2019, 1, 20, "M", 30)]

    bad = write(
        tmp_path / "bad.csv",
        [
            HEADER,
            "Viborg;Mænd;20 år;I alt;2019K2;31",
            "Viborg;Mænd;20 år;Ugift;2019K2;25",
            "Viborg;Mænd;20 år;Gift/separeret;2019K2;4",
            "Viborg;Mænd;20 år;Enke/enkemand;2019K2;0",
            "Viborg;Mænd;20 år;Fraskilt;2019K2;1",
        ],
    )
    with pytest.raises(InputError, match=r"linje 2.*summen over civilstand \(30\) passer ikke"):
        import_population(wh, bad, ImportOptions())


def test_a_partial_civil_status_breakdown_is_an_error(tmp_path: Path) -> None:
    file = write(
        tmp_path / "partial.csv",
        [HEADER, "Viborg;Mænd;20 år;Ugift;2019K1;25", "Viborg;Mænd;20 år;Gift/separeret;2019K1;4"],
    )
    with pytest.raises(InputError, match=r"civilstand er kun delvist med .*\(2 af 4\)"):
        import_population(open_warehouse(None), file, ImportOptions())


def test_utf8_with_bom_and_without_civil_status_column(tmp_path: Path) -> None:
    """The API's CSV has a byte-order mark; CIVILSTAND may be absent (eliminated)."""
    file = tmp_path / "bom.csv"
    text = "OMRÅDE;KØN;ALDER;TID;INDHOLD\r\nAarhus;Kvinder;100 år og derover;2021K4;12\r\n"
    file.write_bytes(b"\xef\xbb\xbf" + text.encode())
    wh = open_warehouse(None)
    import_population(wh, file, ImportOptions())
    assert population(wh) == [(751, 2021, 4, 100, "K", 12)]


# JSON-stat: 2 areas × 2 sexes × 2 ages × 1 quarter, the last dimension varying fastest.
# Cells in order (area, sex, age): (101,M,18)=1 (101,M,19)=2 (101,K,18)=3 (101,K,19)=4
# (791,M,18)=5 (791,M,19)=6 (791,K,18)=7 (791,K,19)=8.
JSONSTAT_ROWS: list[Row] = [
    (101, 2019, 1, 18, "K", 3),
    (101, 2019, 1, 18, "M", 1),
    (101, 2019, 1, 19, "K", 4),
    (101, 2019, 1, 19, "M", 2),
    (791, 2019, 1, 18, "K", 7),
    (791, 2019, 1, 18, "M", 5),
    (791, 2019, 1, 19, "K", 8),
    (791, 2019, 1, 19, "M", 6),
]


def _dimension(label: str, categories: dict[str, str]) -> dict[str, object]:
    return {
        "label": label,
        "category": {
            "index": {code: i for i, code in enumerate(categories)},
            "label": categories,
        },
    }


def _statbank_jsonstat() -> dict[str, object]:
    """StatBank's JSONSTAT: JSON-stat 1.x, a "dataset" root, id/size/role inside "dimension"."""
    return {
        "dataset": {
            "dimension": {
                "OMRÅDE": _dimension("område", {"101": "København", "791": "Viborg"}),
                "KØN": _dimension("køn", {"1": "Mænd", "2": "Kvinder"}),
                "ALDER": _dimension("alder", {"18": "18 år", "19": "19 år"}),
                "CIVILSTAND": _dimension("civilstand", {"TOT": "I alt"}),
                "ContentsCode": _dimension(
                    "Indhold", {"FOLK1A": "Befolkningen den 1. i kvartalet"}
                ),
                "Tid": _dimension("tid", {"2019K1": "2019K1"}),
                "id": ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "ContentsCode", "Tid"],
                "size": [2, 2, 2, 1, 1, 1],
                "role": {"geo": ["OMRÅDE"], "metric": ["ContentsCode"], "time": ["Tid"]},
            },
            "label": "Befolkningen den 1. i kvartalet efter område, køn, alder, civilstand og tid",
            "source": "Danmarks Statistik",
            "updated": "2019-02-11T08:00:00Z",
            "value": [1, 2, 3, 4, 5, 6, 7, 8],
        }
    }


def test_statbank_jsonstat_1(tmp_path: Path) -> None:
    file = tmp_path / "folk1a.json"
    file.write_text(json.dumps(_statbank_jsonstat(), ensure_ascii=False), encoding="utf-8")
    wh = open_warehouse(None)
    outcome = import_population(wh, file, ImportOptions())
    assert population(wh) == JSONSTAT_ROWS
    assert (outcome.rows_in, outcome.rows_accepted) == (8, 8)


def test_jsonstat_2_with_a_sparse_value_object_and_labels_only_known_by_text(
    tmp_path: Path,
) -> None:
    """JSON-stat 2.0: class "dataset", id/size at the top, values as {cell number: value}.

    Categories whose id we do not know are read by their label (here the areas use made-up ids).
    """
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["område", "køn", "alder", "tid"],
        "size": [2, 2, 2, 1],
        "dimension": {
            "område": _dimension("område", {"a": "København", "b": "Viborg"}),
            "køn": _dimension("køn", {"M": "Mænd", "K": "Kvinder"}),
            "alder": {"category": {"index": ["18", "19"]}},
            "tid": _dimension("tid", {"2019K1": "2019K1"}),
        },
        "value": {str(i): i + 1 for i in range(8)},
    }
    file = tmp_path / "folk1a2.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    wh = open_warehouse(None)
    import_population(wh, file, ImportOptions())
    assert population(wh) == JSONSTAT_ROWS


def test_jsonstat_totals_and_regions_are_left_out_and_unknown_categories_named(
    tmp_path: Path,
) -> None:
    doc = _statbank_jsonstat()
    dims = doc["dataset"]["dimension"]  # type: ignore[index]
    dims["OMRÅDE"] = _dimension("område", {"084": "Region Hovedstaden", "101": "København"})
    dims["KØN"] = _dimension("køn", {"TOT": "I alt", "2": "Kvinder"})
    file = tmp_path / "t.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    wh = open_warehouse(None)
    outcome = import_population(wh, file, ImportOptions())
    # Only cells (101, K, 18) = 7 and (101, K, 19) = 8 remain.
    assert population(wh) == [(101, 2019, 1, 18, "K", 7), (101, 2019, 1, 19, "K", 8)]
    assert "4 rækker for regioner" in outcome.detail
    assert "2 rækker med totaler" in outcome.detail

    dims["OMRÅDE"] = _dimension("område", {"999": "Atlantis", "101": "København"})
    file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.json, kolonne 'OMRÅDE' \(værdi '999'\): ukendt"):
        import_population(wh, file, ImportOptions())


def test_unknown_area_is_an_error_naming_line_and_value(tmp_path: Path) -> None:
    file = write(
        tmp_path / "ukendt.csv",
        [HEADER, "Viborg;Mænd;18 år;I alt;2019K1;5", "Atlantis;Mænd;18 år;I alt;2019K1;5"],
    )
    wh = open_warehouse(None)
    with pytest.raises(InputError) as caught:
        import_population(wh, file, ImportOptions())
    assert "ukendt.csv, linje 3, kolonne 'OMRÅDE' (værdi 'Atlantis'): ukendt område" in str(
        caught.value
    )
    assert population(wh) == []
    assert wh.con.execute("SELECT count(*) FROM import_log").fetchone() == (0,)


def test_wrong_header_names_expected_and_found_columns(tmp_path: Path) -> None:
    file = write(tmp_path / "h.csv", ["KOMMUNE;KØN;ALDER;TID;ANTAL", "Viborg;Mænd;18 år;2019K1;5"])
    with pytest.raises(InputError) as caught:
        import_population(open_warehouse(None), file, ImportOptions())
    message = str(caught.value)
    assert "h.csv, linje 1: forkert overskrift" in message
    assert f"forventede {HEADER}" in message
    assert "fandt KOMMUNE;KØN;ALDER;TID;ANTAL" in message


@pytest.mark.parametrize(
    ("time", "reason"),
    [("2019M01", "tiden er en måned"), ("2019", "tiden er et år"), ("januar", "ukendt tid")],
)
def test_time_must_be_a_quarter(tmp_path: Path, time: str, reason: str) -> None:
    file = write(tmp_path / "m.csv", [HEADER, f"Viborg;Mænd;18 år;I alt;{time};5"])
    with pytest.raises(InputError, match=rf"linje 2, kolonne 'TID' \(værdi '{time}'\): {reason}"):
        import_population(open_warehouse(None), file, ImportOptions())


def test_age_band_and_bad_count_are_errors(tmp_path: Path) -> None:
    file = write(
        tmp_path / "a.csv",
        [HEADER, "Viborg;Mænd;15-19 år;I alt;2019K1;5", "Viborg;Mænd;18 år;I alt;2019K1;..."],
    )
    with pytest.raises(InputError) as caught:
        import_population(open_warehouse(None), file, ImportOptions())
    message = str(caught.value)
    assert "linje 2, kolonne 'ALDER' (værdi '15-19 år'): en aldersgruppe" in message
    assert (
        "linje 3, kolonne 'INDHOLD' (værdi '...'): antal personer skal være et helt tal" in message
    )


def test_only_totals_is_an_error(tmp_path: Path) -> None:
    file = write(tmp_path / "tot.csv", [HEADER, "Viborg;I alt;Alder i alt;I alt;2019K1;97000"])
    with pytest.raises(InputError, match="filen har kun totaler"):
        import_population(open_warehouse(None), file, ImportOptions())


def test_a_cut_off_last_line_is_a_file_error(tmp_path: Path) -> None:
    file = tmp_path / "cut.csv"
    file.write_text(f"{HEADER}\nViborg;Mænd;18 år;I alt;2019K1;5\nViborg;Kvin", encoding="utf-8")
    with pytest.raises(InputError, match=r"cut\.csv, linje 3: sidste linje .* afkortet"):
        import_population(open_warehouse(None), file, ImportOptions())


def test_duplicate_cells_are_errors(tmp_path: Path) -> None:
    file = write(
        tmp_path / "dup.csv",
        [HEADER, "Viborg;Mænd;18 år;I alt;2019K1;5", "791;1;18;TOT;2019K1;5"],
    )
    with pytest.raises(InputError, match=r"linje 3: cellen \(kommune 791, kvartal 2019K1"):
        import_population(open_warehouse(None), file, ImportOptions())


def test_same_file_twice_is_a_no_op(tmp_path: Path) -> None:
    file = write(tmp_path / "f.csv", [HEADER, "Viborg;Mænd;18 år;I alt;2019K1;5"])
    wh = open_warehouse(None)
    first = import_population(wh, file, ImportOptions())
    again = import_population(wh, file, ImportOptions())
    assert again.already_imported
    assert again.import_id == first.import_id
    assert population(wh) == [(791, 2019, 1, 18, "M", 5)]
    assert wh.con.execute("SELECT count(*) FROM import_log").fetchone() == (1,)


def test_a_newer_delivery_replaces_the_municipality_quarters_it_covers(tmp_path: Path) -> None:
    """First delivery: Viborg and Skive in 2019K1 and Viborg in 2019K2. The second covers
    Viborg 2019K1 only: Viborg's 2019K1 rows (both ages) are replaced by the new one; Skive
    2019K1 and Viborg 2019K2 keep their first-delivery rows."""
    wh = open_warehouse(tmp_path / "w.duckdb")
    first = import_population(
        wh,
        write(
            tmp_path / "first.csv",
            [
                HEADER,
                "Viborg;Mænd;18 år;I alt;2019K1;5",
                "Viborg;Mænd;19 år;I alt;2019K1;6",
                "Skive;Mænd;18 år;I alt;2019K1;7",
                "Viborg;Mænd;18 år;I alt;2019K2;8",
            ],
        ),
        ImportOptions(),
    )
    second = import_population(
        wh,
        write(tmp_path / "second.csv", [HEADER, "Viborg;Mænd;18 år;I alt;2019K1;50"]),
        ImportOptions(),
    )
    rows = wh.con.execute(
        "SELECT municipality, year, quarter, age, persons, import_id FROM population ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (779, 2019, 1, 18, 7, first.import_id),
        (791, 2019, 1, 18, 50, second.import_id),
        (791, 2019, 2, 18, 8, first.import_id),
    ]


def test_an_error_half_way_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    wh = open_warehouse(tmp_path / "w.duckdb")
    import_population(
        wh,
        write(tmp_path / "ok.csv", [HEADER, "Viborg;Mænd;18 år;I alt;2019K1;5"]),
        ImportOptions(),
    )
    before = (population(wh), wh.con.execute("SELECT * FROM import_log").fetchall())
    lines = [HEADER] + [f"Viborg;Mænd;{age} år;I alt;2019K1;{age}" for age in range(40)]
    lines.append("Viborg;Mænd;41 år;I alt;2019M03;1")  # the last row is wrong
    with pytest.raises(InputError, match="linje 42"):
        import_population(wh, write(tmp_path / "bad.csv", lines), ImportOptions())
    after = (population(wh), wh.con.execute("SELECT * FROM import_log").fetchall())
    assert after == before
    tables = wh.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_population%'"
    ).fetchall()
    assert tables == []


def test_rejects_file_gets_the_bad_rows_and_the_good_ones_are_imported(tmp_path: Path) -> None:
    file = write(
        tmp_path / "blandet.csv",
        [
            HEADER,
            "Viborg;Mænd;18 år;I alt;2019K1;5",
            "Atlantis;Mænd;18 år;I alt;2019K1;6",
            "",
            "Viborg;Kvinder;18 år;I alt;2019M02;7",
            "Viborg;Kvinder;19 år;I alt;2019K1;8",
        ],
    )
    rejects = tmp_path / "afvist.csv"
    wh = open_warehouse(None)
    outcome = import_population(wh, file, ImportOptions(rejects_path=rejects))
    assert population(wh) == [(791, 2019, 1, 18, "M", 5), (791, 2019, 1, 19, "K", 8)]
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_rejected) == (4, 2, 2)
    with rejects.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[0] == ["fil", "linje", "kolonne", "fejl", *HEADER.split(";")]
    assert [row[:3] for row in written[1:]] == [
        ["blandet.csv", "3", "OMRÅDE"],
        ["blandet.csv", "5", "TID"],
    ]
    assert written[1][4:] == ["Atlantis", "Mænd", "18 år", "I alt", "2019K1", "6"]
    assert written[2][3].startswith("tiden er en måned")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Viborg", 791),
        ("791", 791),
        ("København", 101),
        ("Høje-Taastrup", 169),
        ("Hele landet", 0),
        ("000", 0),
        ("101 København", 101),
        ("Region Midtjylland", None),
        ("082", None),
        ("Landsdel Østjylland", None),
        ("09", None),
        ("Christiansø", None),
    ],
)
def test_areas(text: str, expected: int | None) -> None:
    found = classify_area(text)
    if expected is None:
        assert found.status == NOT_MUNICIPALITY
    else:
        assert (found.status, found.value) == (KEEP, expected)


def test_values_as_text_and_as_codes() -> None:
    assert classify_sex("Mænd").value == classify_sex("1").value == 1
    assert classify_sex("Kvinder").value == classify_sex("2").value == 2
    assert classify_sex("I alt").status == classify_sex("TOT").status == TOTAL
    assert classify_age("18 år").value == classify_age("18").value == 18
    assert classify_age("100 år og derover").value == classify_age("100OV").value == 100
    assert classify_age("Alder i alt").status == classify_age("IALT").status == TOTAL
    assert classify_age("126 år").status == BAD
    assert classify_civil_status("Gift/separeret").value == classify_civil_status("G").value
    assert classify_civil_status("I alt").value == classify_civil_status("TOT").value == 0
    assert classify_time("2019K1").value == 20191
    assert classify_time("2019K5").status == BAD
