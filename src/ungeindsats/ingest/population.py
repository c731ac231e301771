"""Population (befolkningstal) from Danmarks Statistik's StatBank table FOLK1A.

FOLK1A is "Befolkningen den 1. i kvartalet efter område, køn, alder, civilstand og tid"
(population on the first day of the quarter). Data from Danmarks Statistik are free to use with
attribution (CC BY 4.0): "Kilde: Danmarks Statistik, FOLK1A".

Accepted files, told apart by their content:

* CSV and BULK answers of the StatBank API (``api.statbank.dk/v1/data``): semicolon-separated,
  header ``OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD`` (CIVILSTAND may be left out), values as
  text (``valuePresentation=Value``: "Viborg", "Mænd", "18 år", "I alt", "2019K1") or as codes
  (``Code``: "791", "1", "18", "TOT", "2019K1"), UTF-8 (with or without byte-order mark; the API's
  CSV has one, BULK has none) or Latin-1 (as a spreadsheet may save it).
* JSON-stat: the API's JSONSTAT answer (JSON-stat 1.x, ``{"dataset": {"dimension": {..., "id",
  "size"}, "value": [...]}}``) and JSON-stat 2.0 (``"class": "dataset"`` with ``id``, ``size``,
  ``dimension`` and ``value`` as an array or a sparse object).

Rules:

* We store the finest breakdown; totals are sums. Rows for the total of sex or age ("I alt",
  "Alder i alt") are left out. Civil status is summed over: a cell's count is the "I alt" row
  when there is one, otherwise the sum of all four civil statuses (a partial set is an error).
* Age must be single years ("18 år"); "100 år og derover" counts as 100; an age band is an error.
* Areas are municipalities (kommuner) by name or code; "Hele landet" (000) is stored as
  municipality 0. Regions, landsdele and Christiansø are not municipalities: they are left out and
  counted in the import's detail. An unknown area is an error naming its line and value.
* Time must be a quarter (``2019K1``); a month or a year is an error.
* A newer delivery supersedes an older one: every (municipality, year, quarter) that the file
  covers is deleted from ``population`` (whatever import wrote it) before the file's rows are
  inserted. A file therefore replaces whole municipality-quarters, all ages and both sexes, not
  single cells. Importing the very same file twice is a no-op (the import runner's rule).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from ungeindsats.classifications import resolve_municipality
from ungeindsats.ingest.errors import Problem, fail
from ungeindsats.ingest.files import detect_encoding, sniff_text_format
from ungeindsats.ingest.load import ImportContext, ImportOptions, ImportOutcome, Loaded, run_import
from ungeindsats.periods import PeriodError, parse_period
from ungeindsats.warehouse import Warehouse

SOURCE = "population"

CIVIL_STATUSES = ("U", "G", "E", "F")
"""FOLK1A's civil statuses (civilstand): ugift, gift/separeret, enke/enkemand, fraskilt."""

MAX_AGE = 125
"""FOLK1A's oldest single year of age."""

_BLOCK_BYTES = 16 << 20

# How a value is used: kept, left out as a total, left out as a non-municipal area, or wrong.
KEEP, TOTAL, NOT_MUNICIPALITY, BAD = 0, 1, 2, 3

_SEX_CODES = {"M": 1, "K": 2}
_CIVIL_TOTAL = 0
_CIVIL_CODES = {code: number for number, code in enumerate(CIVIL_STATUSES, start=1)}

IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]


class Classified(NamedTuple):
    """What one value of a variable means: a status (KEEP, TOTAL, NOT_MUNICIPALITY or BAD), the
    number it stands for (municipality code, age, 1/2 for men/women, civil status 0-4, year * 10
    + quarter) and, when BAD, the Danish reason."""

    status: int
    value: int = 0
    reason: str = ""


def _bad(reason: str) -> Classified:
    return Classified(BAD, 0, reason)


# --- Reading single values, as StatBank writes them (text or code) ------------------------------

_REGION_NAME = re.compile(r"region\s")
_LANDSDEL_NAME = re.compile(r"landsdel\s")
_CODE_AND_TEXT = re.compile(r"(\d+)\s+(\S.*)")


def classify_area(text: str) -> Classified:
    """A municipality or the country (code), a region/landsdel to leave out, or an error."""
    cleaned = text.strip()
    key = cleaned.casefold()
    if not key:
        return _bad("området mangler")
    if _REGION_NAME.match(key) or _LANDSDEL_NAME.match(key) or key == "christiansø":
        return Classified(NOT_MUNICIPALITY)
    if key.isascii() and key.isdigit():
        number = int(key)
        # Region codes as in FOLK1A (081-085) and in NUTS (1081-1085); landsdele are 01-11;
        # Christiansø (411) is in the classification but is no municipality.
        if number in range(81, 86) or number in range(1081, 1086) or number == 411:
            return Classified(NOT_MUNICIPALITY)
        if 1 <= number <= 11 and len(key) <= 2:
            return Classified(NOT_MUNICIPALITY)
    code = resolve_municipality(cleaned)
    if code is not None:
        return Classified(KEEP, code)
    both = _CODE_AND_TEXT.fullmatch(cleaned)  # valuePresentation=CodeAndValue: "084 Region ..."
    if both and classify_area(both.group(2)).status == NOT_MUNICIPALITY:
        return Classified(NOT_MUNICIPALITY)
    return _bad("ukendt område: hverken en kommune, en region eller 'Hele landet'")


_SEX = {
    "mænd": Classified(KEEP, _SEX_CODES["M"]),
    "m": Classified(KEEP, _SEX_CODES["M"]),
    "1": Classified(KEEP, _SEX_CODES["M"]),
    "kvinder": Classified(KEEP, _SEX_CODES["K"]),
    "k": Classified(KEEP, _SEX_CODES["K"]),
    "2": Classified(KEEP, _SEX_CODES["K"]),
    "i alt": Classified(TOTAL),
    "tot": Classified(TOTAL),
    "køn i alt": Classified(TOTAL),
}


def classify_sex(text: str) -> Classified:
    """Men (1) or women (2), a total to leave out, or an error."""
    found = _SEX.get(" ".join(text.split()).casefold())
    if found is None:
        both = _CODE_AND_TEXT.fullmatch(text.strip())
        found = _SEX.get(both.group(1)) if both else None
    return found or _bad("ukendt køn: forventede 'Mænd', 'Kvinder' eller 'I alt' (1, 2, TOT)")


_AGE_TOTALS = {"ialt", "i alt", "alder i alt", "alder, i alt", "tot"}
_AGE_YEAR = re.compile(r"(\d{1,3})(?:\s*år)?")
_AGE_TOP = re.compile(r"(\d{1,3})\s*(?:år og derover|år og over|år\+|\+|ov)")
_AGE_BAND = re.compile(r"\d{1,3}\s*[-–]\s*\d{1,3}(?:\s*år)?")


def classify_age(text: str) -> Classified:
    """A single year of age, a total to leave out, or an error (age bands are errors)."""
    key = " ".join(text.split()).casefold()
    if key in _AGE_TOTALS:
        return Classified(TOTAL)
    match = _AGE_YEAR.fullmatch(key) or _AGE_TOP.fullmatch(key)
    if match is None:
        both = _CODE_AND_TEXT.fullmatch(key)  # CodeAndValue: "18 18 år"
        if both and classify_age(both.group(2)).status != BAD:
            return classify_age(both.group(1))
        if key.startswith("ialt "):
            return Classified(TOTAL)
        if _AGE_BAND.fullmatch(key):
            return _bad("en aldersgruppe; vælg enkelte aldre (ALDER=0, 1, 2, ...)")
        return _bad("ukendt alder: forventede fx '18 år' eller '18'")
    age = int(match.group(1))
    if age > MAX_AGE:
        return _bad(f"alder over {MAX_AGE} år")
    return Classified(KEEP, age)


_CIVIL = {
    "i alt": _CIVIL_TOTAL,
    "tot": _CIVIL_TOTAL,
    "civilstand i alt": _CIVIL_TOTAL,
    "u": _CIVIL_CODES["U"],
    "ugift": _CIVIL_CODES["U"],
    "g": _CIVIL_CODES["G"],
    "gift/separeret": _CIVIL_CODES["G"],
    "e": _CIVIL_CODES["E"],
    "enke/enkemand": _CIVIL_CODES["E"],
    "f": _CIVIL_CODES["F"],
    "fraskilt": _CIVIL_CODES["F"],
}


def classify_civil_status(text: str) -> Classified:
    """The civil status (0 for "I alt") or an error."""
    key = " ".join(text.split()).casefold()
    found = _CIVIL.get(key)
    if found is None:
        both = _CODE_AND_TEXT.fullmatch(key) or re.fullmatch(r"([a-z]+)\s+(\S.*)", key)
        found = _CIVIL.get(both.group(1)) if both else None
    if found is None:
        return _bad(
            "ukendt civilstand: forventede 'I alt', 'Ugift', 'Gift/separeret', "
            "'Enke/enkemand' eller 'Fraskilt' (TOT, U, G, E, F)"
        )
    return Classified(KEEP, found)


def classify_time(text: str) -> Classified:
    """A quarter as year * 10 + quarter (2019K1 → 20191), or an error."""
    try:
        period = parse_period(text)
    except PeriodError:
        return _bad("ukendt tid: forventede et kvartal som 2019K1")
    if period.kind != "quarter":
        kind = {"month": "en måned", "year": "et år", "week": "en uge"}[period.kind]
        return _bad(f"tiden er {kind}; FOLK1A skal være kvartaler som 2019K1")
    return Classified(KEEP, period.year * 10 + period.number)


# --- Variables: header names and JSON-stat dimension ids -------------------------------------


@dataclass(frozen=True)
class _Variable:
    key: str
    names: tuple[str, ...]  # accepted spellings, case-folded
    classify: Callable[[str], Classified]
    required: bool = True


_VARIABLES = (
    _Variable("area", ("område", "omraade", "omrade"), classify_area),
    _Variable("sex", ("køn", "koen", "kon"), classify_sex),
    _Variable("age", ("alder",), classify_age),
    _Variable("civil", ("civilstand",), classify_civil_status, required=False),
    _Variable("time", ("tid",), classify_time),
)
_VALUE_NAMES = ("indhold",)
_METRIC_NAMES = ("contentscode", "indhold")
EXPECTED_HEADER = "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"


def _variable_for(name: str) -> _Variable | None:
    key = name.strip().strip('"').lstrip("\ufeff").strip().casefold()
    return next((v for v in _VARIABLES if key in v.names), None)


class _Lookup:
    """Classifies the distinct values of one variable once, and maps whole columns with them."""

    def __init__(self, classify: Callable[[str], Classified]) -> None:
        self._classify = classify
        self._cache: dict[str, Classified] = {}

    def get(self, text: str) -> Classified:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self._classify(text)
        return found

    def map(self, column: pa.Array) -> tuple[Int8Array, IntArray, list[Classified], IntArray]:
        """Status and value per row, the classes of the distinct values and each row's index."""
        uniques = pc.unique(column)
        classes = [self.get(str(text)) for text in uniques.to_pylist()]
        index = np.asarray(
            pc.index_in(column, value_set=uniques).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        status = np.array([c.status for c in classes], dtype=np.int8)[index]
        value = np.array([c.value for c in classes], dtype=np.int64)[index]
        return status, value, classes, index


# --- Staging: every accepted row, before civil status is summed ------------------------------

_STAGE = "_population_stage"
_STAGE_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("municipality", pa.int16()),
        ("year", pa.int16()),
        ("quarter", pa.int16()),
        ("age", pa.int16()),
        ("sex", pa.int8()),
        ("civil", pa.int8()),
        ("persons", pa.int64()),
    ]
)


@dataclass
class _Rows:
    """One batch of rows (CSV lines or JSON-stat cells), classified variable by variable."""

    line: IntArray | None
    status: dict[str, Int8Array]
    value: dict[str, IntArray]
    persons: IntArray
    persons_ok: BoolArray

    def bad(self) -> BoolArray:
        bad = ~self.persons_ok
        for status in self.status.values():
            bad |= status == BAD
        return bad


@dataclass
class _Stage:
    """Counts and the staging table in the open transaction."""

    ctx: ImportContext
    rows_in: int = 0
    rows_used: int = 0
    skipped_totals: int = 0
    skipped_areas: int = 0

    def __post_init__(self) -> None:
        columns = ", ".join(f"{f.name} {_duck_type(f.type)}" for f in _STAGE_SCHEMA)
        self.ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {_STAGE} ({columns})")

    def add(self, rows: _Rows, bad: BoolArray) -> None:
        """Stage the rows that are neither bad nor left out, and count the left-out ones."""
        area_skip = rows.status["area"] == NOT_MUNICIPALITY
        total_skip = (rows.status["sex"] == TOTAL) | (rows.status["age"] == TOTAL)
        keep = ~bad & ~area_skip & ~total_skip
        self.skipped_areas += int(np.count_nonzero(~bad & area_skip))
        self.skipped_totals += int(np.count_nonzero(~bad & ~area_skip & total_skip))
        self.rows_used += int(np.count_nonzero(keep))
        if not keep.any():
            return
        time = rows.value["time"][keep]
        civil = rows.value.get("civil")
        n = int(np.count_nonzero(keep))
        table = pa.table(
            {
                "line": (
                    pa.array(rows.line[keep], pa.int64())
                    if rows.line is not None
                    else pa.nulls(n, pa.int64())
                ),
                "municipality": pa.array(rows.value["area"][keep].astype(np.int16)),
                "year": pa.array((time // 10).astype(np.int16)),
                "quarter": pa.array((time % 10).astype(np.int16)),
                "age": pa.array(rows.value["age"][keep].astype(np.int16)),
                "sex": pa.array(rows.value["sex"][keep].astype(np.int8)),
                "civil": pa.array(
                    civil[keep].astype(np.int8)
                    if civil is not None
                    else np.full(n, _CIVIL_TOTAL, dtype=np.int8)
                ),
                "persons": pa.array(rows.persons[keep]),
            },
            schema=_STAGE_SCHEMA,
        )
        self.ctx.con.register("_population_batch", table)
        try:
            self.ctx.con.execute(f"INSERT INTO {_STAGE} SELECT * FROM _population_batch")
        finally:
            self.ctx.con.unregister("_population_batch")


def _duck_type(arrow_type: pa.DataType) -> str:
    return {pa.int64(): "BIGINT", pa.int16(): "SMALLINT", pa.int8(): "TINYINT"}[arrow_type]


# --- Delimited text (CSV, BULK) ---------------------------------------------------------------


def _persons(column: pa.Array) -> tuple[IntArray, BoolArray]:
    """Whole non-negative numbers; anything else (empty, "..", "1.234,5") is marked bad."""
    ok = pc.match_substring_regex(column, r"^\s*\d{1,9}\s*$")
    cleaned = pc.if_else(ok, pc.utf8_trim_whitespace(column), "0")
    numbers = np.asarray(pc.cast(cleaned, pa.int64()).to_numpy(), dtype=np.int64)
    return numbers, np.asarray(ok.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _header(ctx: ImportContext, encoding: str, delimiter: str) -> tuple[list[str], list[str]]:
    """The header's names and our variable key per column; a wrong header is a file error."""
    with ctx.path.open(encoding=encoding, newline="") as handle:
        names = [n.strip().strip('"') for n in handle.readline().rstrip("\r\n").split(delimiter)]
    keys: list[str] = []
    for name in names:
        variable = _variable_for(name)
        if variable is not None:
            keys.append(variable.key)
        elif name.casefold() in _VALUE_NAMES:
            keys.append("value")
        else:
            keys.append("?")
    required = [v.key for v in _VARIABLES if v.required] + ["value"]
    wrong = "?" in keys or any(keys.count(k) != 1 for k in required) or keys.count("civil") > 1
    if wrong:
        raise fail(
            ctx.file,
            f"forkert overskrift: forventede {EXPECTED_HEADER} (CIVILSTAND kan mangle), "
            f"fandt {delimiter.join(names)}",
            line=1,
        )
    return names, keys


class _LineNumbers:
    """Physical line numbers of the rows pyarrow returns (it skips rows with the wrong field
    count, which the invalid-row handler has seen)."""

    def __init__(self) -> None:
        self.next = 2  # line 1 is the header
        self.invalid: list[tuple[int, int, str]] = []  # (line, fields, text)

    def take(self, count: int) -> IntArray:
        skipped = np.array(sorted(line for line, _, _ in self.invalid), dtype=np.int64)
        start, end = self.next, self.next + count
        while True:
            inside = int(np.count_nonzero((skipped >= start) & (skipped < end)))
            if end - start - inside == count:
                break
            end = start + count + inside
        lines = np.setdiff1d(np.arange(start, end, dtype=np.int64), skipped)
        self.next = end
        return lines


def _read_delimited(ctx: ImportContext, stage: _Stage) -> None:
    text_format = sniff_text_format(ctx.path)
    names, keys = _header(ctx, text_format.encoding, text_format.delimiter)
    columns = [f"c{i}" for i in range(len(names))]
    lines = _LineNumbers()

    def invalid_row(row: Any) -> str:
        lines.invalid.append((int(row.number), int(row.actual_columns), str(row.text)))
        return "skip"

    lookups = {v.key: _Lookup(v.classify) for v in _VARIABLES}
    read_options = pv.ReadOptions(
        encoding=text_format.encoding,
        use_threads=False,  # keeps pyarrow's row numbers physical line numbers
        column_names=columns,
        skip_rows=1,
        block_size=_BLOCK_BYTES,
    )
    parse_options = pv.ParseOptions(
        delimiter=text_format.delimiter, invalid_row_handler=invalid_row, ignore_empty_lines=False
    )
    convert_options = pv.ConvertOptions(
        column_types={c: pa.string() for c in columns},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        with (
            ctx.path.open("rb") as handle,
            pv.open_csv(handle, read_options, parse_options, convert_options) as reader,
        ):
            for batch in reader:
                take = lines.take(batch.num_rows)
                _delimited_batch(ctx, stage, batch, names, keys, lookups, take)
                ctx.progress(stage.rows_in, None)
    except pa.ArrowInvalid as exc:
        raise fail(ctx.file, f"filen kan ikke læses som semikolonsepareret tekst: {exc}") from exc
    _report_invalid_rows(ctx, stage, names, lines)


def _delimited_batch(
    ctx: ImportContext,
    stage: _Stage,
    batch: pa.RecordBatch,
    names: list[str],
    keys: list[str],
    lookups: dict[str, _Lookup],
    lines: IntArray,
) -> None:
    by_key = {key: batch.column(i) for i, key in enumerate(keys)}
    # Blank lines come back as rows of empty strings: drop them.
    blank = np.ones(batch.num_rows, dtype=np.bool_)
    for column in batch.columns:
        blank &= np.asarray(pc.equal(column, "").to_numpy(zero_copy_only=False), dtype=np.bool_)
    if blank.any():
        batch = batch.filter(pa.array(~blank))
        lines = lines[~blank]
        by_key = {key: batch.column(i) for i, key in enumerate(keys)}
    stage.rows_in += batch.num_rows
    if batch.num_rows == 0:
        return
    status: dict[str, Int8Array] = {}
    value: dict[str, IntArray] = {}
    classes: dict[str, tuple[list[Classified], IntArray]] = {}
    for key, lookup in lookups.items():
        if key not in by_key:
            continue
        status[key], value[key], found, index = lookup.map(by_key[key])
        classes[key] = (found, index)
    persons, persons_ok = _persons(by_key["value"])
    rows = _Rows(lines, status, value, persons, persons_ok)
    bad = rows.bad()
    for row in np.flatnonzero(bad):
        reason, column = "antal personer skal være et helt tal (0 eller derover)", "value"
        for key in status:
            found, index = classes[key]
            if status[key][row] == BAD:
                reason, column = found[index[row]].reason, key
                break
        header_name = names[keys.index(column)]
        cells = {names[i]: str(batch.column(i)[row].as_py()) for i in range(len(names))}
        ctx.rejects.add(
            Problem(ctx.file, reason, int(lines[row]), header_name, cells[header_name]), cells
        )
    stage.add(rows, bad)


def _report_invalid_rows(
    ctx: ImportContext, stage: _Stage, names: list[str], lines: _LineNumbers
) -> None:
    """Rows with too few or too many fields; a short last line means a cut-off download."""
    if not lines.invalid:
        return
    last = max(lines.next - 1, *(line for line, _, _ in lines.invalid))
    for line, fields, text in sorted(lines.invalid):
        if line == last and fields < len(names):
            raise fail(
                ctx.file,
                f"sidste linje har {fields} felter i stedet for {len(names)}; filen er "
                "formentlig afkortet (hent den igen)",
                line=line,
            )
        stage.rows_in += 1
        ctx.rejects.add(
            Problem(ctx.file, f"linjen har {fields} felter i stedet for {len(names)}", line),
            {"linje": text},
        )


# --- JSON-stat --------------------------------------------------------------------------------


def _dataset(doc: Any, file: str) -> dict[str, Any]:
    """The dataset of a JSON-stat 2.0 document or a JSON-stat 1.x bundle (StatBank's JSONSTAT)."""
    if isinstance(doc, dict):
        if doc.get("class") == "dataset":
            return doc
        if isinstance(doc.get("dataset"), dict):
            return dict(doc["dataset"])
        found = [v for v in doc.values() if isinstance(v, dict) and "dimension" in v]
        if len(found) == 1:
            return dict(found[0])
    raise fail(file, "JSON-filen er ikke et JSON-stat-datasæt (mangler 'dataset'/'dimension')")


def _categories(dimension: Any, name: str, size: int, file: str) -> list[tuple[str, str]]:
    """(id, label) of a dimension's categories in storage order."""
    category = dimension.get("category") if isinstance(dimension, dict) else None
    if not isinstance(category, dict):
        raise fail(file, f"JSON-stat-dimensionen '{name}' mangler 'category'")
    labels = category.get("label") or {}
    index = category.get("index")
    if isinstance(index, list):
        ids = [str(i) for i in index]
    elif isinstance(index, dict):
        ids = [str(k) for k, _ in sorted(index.items(), key=lambda item: int(item[1]))]
    else:
        ids = [str(k) for k in labels]
    if len(ids) != size:
        raise fail(
            file, f"JSON-stat-dimensionen '{name}' har {len(ids)} kategorier, men size siger {size}"
        )
    return [(i, str(labels.get(i, i))) for i in ids]


def _cells(values: Any, total: int, file: str) -> tuple[IntArray, list[Any]]:
    """Cell positions and their values from a dense array or a sparse object."""
    if isinstance(values, list):
        if len(values) != total:
            raise fail(
                file, f"JSON-stat har {len(values)} værdier, men dimensionerne giver {total}"
            )
        return np.arange(total, dtype=np.int64), values
    if isinstance(values, dict):
        try:
            positions = np.array([int(k) for k in values], dtype=np.int64)
        except ValueError as exc:
            raise fail(file, "JSON-stat-værdiernes nøgler skal være cellenumre") from exc
        if positions.size and (positions.min() < 0 or positions.max() >= total):
            raise fail(file, "JSON-stat har et cellenummer uden for dimensionerne")
        return positions, list(values.values())
    raise fail(file, "JSON-stat mangler 'value' (en liste eller et objekt)")


def _read_jsonstat(ctx: ImportContext, stage: _Stage) -> None:
    file = ctx.file
    try:
        text = ctx.path.read_text(encoding=detect_encoding(ctx.path, None)).lstrip("\ufeff")
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise fail(file, f"filen er ikke gyldig JSON: {exc}") from exc
    dataset = _dataset(doc, file)
    dimensions = dataset.get("dimension")
    if not isinstance(dimensions, dict):
        raise fail(file, "JSON-stat-datasættet mangler 'dimension'")
    ids = dataset.get("id", dimensions.get("id"))
    sizes = dataset.get("size", dimensions.get("size"))
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or len(ids) != len(sizes)
        or not all(isinstance(s, int) and s >= 0 for s in sizes)
    ):
        raise fail(file, "JSON-stat-datasættet mangler gyldige 'id' og 'size'")
    roles = dataset.get("role", dimensions.get("role")) or {}
    metrics = {str(m) for m in roles.get("metric", [])} if isinstance(roles, dict) else set()

    dims: dict[str, tuple[int, str, list[tuple[str, str]]]] = {}  # key → (axis, id, categories)
    for axis, (name, size) in enumerate(zip(ids, sizes, strict=True)):
        name = str(name)
        variable = _variable_for(name)
        categories = _categories(dimensions.get(name), name, size, file)
        if variable is None:
            if (name in metrics or name.casefold() in _METRIC_NAMES) and size == 1:
                continue  # StatBank's "ContentsCode": the single content, FOLK1A
            raise fail(
                file,
                f"uventet dimension '{name}' med {size} kategorier; forventede OMRÅDE, KØN, "
                "ALDER, CIVILSTAND og Tid",
            )
        if variable.key in dims:
            raise fail(file, f"dimensionen '{name}' findes to gange")
        dims[variable.key] = (axis, name, categories)
    missing = [v.names[0].upper() for v in _VARIABLES if v.required and v.key not in dims]
    if missing:
        raise fail(file, f"JSON-stat mangler dimensionerne {', '.join(missing)}")

    total = int(np.prod(sizes, dtype=np.int64)) if sizes else 0
    positions, raw = _cells(dataset.get("value"), total, file)
    strides = [int(np.prod(sizes[axis + 1 :], dtype=np.int64)) for axis in range(len(sizes))]

    status: dict[str, Int8Array] = {}
    value: dict[str, IntArray] = {}
    bad_cells = np.zeros(positions.size, dtype=np.bool_)
    for variable in _VARIABLES:
        if variable.key not in dims:
            continue
        axis, name, categories = dims[variable.key]
        classes = [_category_class(variable.classify, cid, label) for cid, label in categories]
        for (cid, label), found in zip(categories, classes, strict=True):
            if found.status == BAD:
                ctx.rejects.add(
                    Problem(file, found.reason, None, name, cid),
                    {"dimension": name, "kategori": cid, "tekst": label},
                )
        position = (positions // strides[axis]) % sizes[axis]
        status[variable.key] = np.array([c.status for c in classes], dtype=np.int8)[position]
        value[variable.key] = np.array([c.value for c in classes], dtype=np.int64)[position]
        bad_cells |= status[variable.key] == BAD

    persons, persons_ok = _json_counts(raw)
    stage.rows_in += positions.size
    for i in np.flatnonzero(~persons_ok & ~bad_cells):
        where = {
            name: categories[(positions[i] // strides[axis]) % sizes[axis]][0]
            for axis, name, categories in dims.values()
        }
        ctx.rejects.add(
            Problem(
                file, "antal personer mangler eller er ikke et helt tal", None, "value", str(raw[i])
            ),
            {**where, "værdi": str(raw[i])},
        )
    rows = _Rows(None, status, value, persons, persons_ok)
    stage.add(rows, rows.bad())


def _json_counts(raw: list[Any]) -> tuple[IntArray, BoolArray]:
    """Counts from JSON numbers; a null (missing value), a fraction or a text is bad."""
    try:
        numbers = np.array(raw, dtype=np.float64)  # null becomes NaN
    except (TypeError, ValueError):
        numbers = np.array(
            [v if isinstance(v, int | float) and not isinstance(v, bool) else np.nan for v in raw],
            dtype=np.float64,
        )
    ok = np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers))
    return np.where(ok, numbers, 0).astype(np.int64), ok


def _category_class(classify: Callable[[str], Classified], cid: str, label: str) -> Classified:
    """JSON-stat categories have a code (id) and a text (label): either may be the one we know."""
    found = classify(cid)
    if found.status == BAD and label != cid:
        by_label = classify(label)
        if by_label.status != BAD:
            return by_label
    return found


# --- Summing civil status, replacing the quarters, and the detail ------------------------------


def _finish(ctx: ImportContext) -> None:
    """Sum over civil status, check the cells, and replace the municipality-quarters covered."""
    con = ctx.con
    details = len(CIVIL_STATUSES)
    # One row per cell. It is fine when it occurs once, and civil status is either given in
    # total ("I alt", used as is; if all parts are there too they must add up to it) or in all
    # its parts (summed).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _population_cells AS
        WITH cells AS (
            SELECT municipality, year, quarter, age, sex,
                   count(*) FILTER (WHERE civil = 0) AS n_total,
                   sum(persons) FILTER (WHERE civil = 0) AS total,
                   count(*) FILTER (WHERE civil <> 0) AS n_detail,
                   count(DISTINCT civil) FILTER (WHERE civil <> 0) AS n_kinds,
                   sum(persons) FILTER (WHERE civil <> 0) AS detail,
                   min(line) AS first_line, max(line) AS last_line
            FROM {_STAGE}
            GROUP BY municipality, year, quarter, age, sex
        )
        SELECT *,
               n_total <= 1 AND n_detail = n_kinds
               AND (n_total = 1 OR n_kinds = $details)
               AND NOT (n_total = 1 AND n_kinds = $details AND total <> detail) AS fine
        FROM cells
        """,
        {"details": details},
    )
    problems = con.execute(
        """
        SELECT municipality, year, quarter, age, sex, n_total, total, n_detail, n_kinds,
               detail, first_line, last_line
        FROM _population_cells
        WHERE NOT fine
        ORDER BY first_line NULLS LAST, municipality, year, quarter, age, sex
        """
    ).fetchall()
    for (
        mun,
        year,
        quarter,
        age,
        sex,
        n_total,
        total,
        n_detail,
        n_kinds,
        detail,
        first,
        last,
    ) in problems:
        cell = {
            "kommune": f"{mun:03d}",
            "kvartal": f"{year}K{quarter}",
            "alder": str(age),
            "køn": "M" if sex == _SEX_CODES["M"] else "K",
        }
        where = ", ".join(f"{k} {v}" for k, v in cell.items())
        if n_total > 1 or n_detail > n_kinds:
            problem = Problem(ctx.file, f"cellen ({where}) forekommer flere gange", last)
        elif n_total == 0:
            problem = Problem(
                ctx.file,
                f"civilstand er kun delvist med for {where} ({n_kinds} af {details}); "
                "udtræk CIVILSTAND=TOT eller alle civilstande",
                first,
                "CIVILSTAND",
            )
        else:
            problem = Problem(
                ctx.file,
                f"summen over civilstand ({detail}) passer ikke med 'I alt' ({total}) for {where}",
                first,
                "CIVILSTAND",
            )
        ctx.rejects.add(problem, cell)
    if ctx.rejects.count and not ctx.rejects.tolerated:
        return  # the runner raises and rolls back: no need to write anything
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _population_new AS
        SELECT municipality, year, quarter, age,
               CASE sex WHEN 1 THEN 'M' ELSE 'K' END AS sex,
               CASE WHEN n_total = 1 THEN total ELSE detail END AS persons
        FROM _population_cells
        WHERE fine
        """
    )
    # A newer delivery supersedes: whole municipality-quarters are replaced (see module doc).
    con.execute(
        """
        DELETE FROM population AS p
        WHERE EXISTS (SELECT 1 FROM _population_new AS n
                      WHERE n.municipality = p.municipality AND n.year = p.year
                        AND n.quarter = p.quarter)
        """
    )
    con.execute(
        "INSERT INTO population (municipality, year, quarter, age, sex, persons, import_id) "
        "SELECT municipality, year, quarter, age, sex, persons, ? FROM _population_new",
        [ctx.import_id],
    )


def _detail(ctx: ImportContext, stage: _Stage) -> str:
    """Danish summary: quarters covered, municipalities, and what was left out."""
    row = ctx.con.execute(
        """
        SELECT min(year * 10 + quarter), max(year * 10 + quarter),
               count(DISTINCT year * 10 + quarter),
               count(DISTINCT municipality) FILTER (WHERE municipality <> 0),
               bool_or(municipality = 0)
        FROM _population_new
        """
    ).fetchone()
    parts: list[str] = []
    if row and row[0] is not None:
        first, last, quarters, municipalities, country = row
        span = f"{first // 10}K{first % 10}"
        if last != first:
            span += f"–{last // 10}K{last % 10}"
        parts.append(f"kvartaler {span} ({quarters} kvartal{'er' if quarters != 1 else ''})")
        parts.append(
            f"{municipalities} kommune{'r' if municipalities != 1 else ''}"
            + (" og hele landet" if country else "")
        )
    left_out: list[str] = []
    if stage.skipped_areas:
        left_out.append(
            f"{_number(stage.skipped_areas)} rækker for regioner, landsdele og Christiansø"
        )
    if stage.skipped_totals:
        left_out.append(f"{_number(stage.skipped_totals)} rækker med totaler for køn eller alder")
    if left_out:
        parts.append("sprunget over: " + " og ".join(left_out))
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _number(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # Danish thousands separator


def _first_char(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return head.decode(encoding, errors="strict").lstrip()[:1]
        except UnicodeDecodeError:
            continue
    return ""  # pragma: no cover - latin-1 decodes every byte


def load_population(ctx: ImportContext) -> Loaded:
    """The loader for ``run_import``: FOLK1A as CSV, BULK or JSON-stat into ``population``."""
    stage = _Stage(ctx)
    if _first_char(ctx.path) in ("{", "["):
        _read_jsonstat(ctx, stage)
    else:
        _read_delimited(ctx, stage)
    if stage.rows_in == 0:
        raise fail(ctx.file, "filen har ingen datarækker")
    if stage.rows_used == 0 and ctx.rejects.count == 0:
        raise fail(
            ctx.file,
            "filen har kun totaler eller områder der ikke er kommuner; udtræk KØN=1,2 og enkelte "
            "aldre (ALDER=0, 1, ...) for kommuner eller hele landet",
        )
    _finish(ctx)
    detail = _detail(ctx, stage) if not ctx.rejects.count or ctx.rejects.tolerated else ""
    ctx.con.execute(f"DROP TABLE IF EXISTS {_STAGE}")
    ctx.con.execute("DROP TABLE IF EXISTS _population_cells")
    ctx.con.execute("DROP TABLE IF EXISTS _population_new")
    return Loaded(stage.rows_in, stage.rows_used, detail)


def import_population(warehouse: Warehouse, path: Path, options: ImportOptions) -> ImportOutcome:
    """Import a FOLK1A file (StatBank CSV, BULK or JSON-stat) into ``population``.

    The covered municipality-quarters replace what the warehouse held for them (a newer
    delivery supersedes an older one); the same file twice is a no-op.
    """
    return run_import(warehouse, SOURCE, path, load_population, options)


__all__ = [
    "BAD",
    "CIVIL_STATUSES",
    "EXPECTED_HEADER",
    "KEEP",
    "NOT_MUNICIPALITY",
    "SOURCE",
    "TOTAL",
    "Classified",
    "classify_age",
    "classify_area",
    "classify_civil_status",
    "classify_sex",
    "classify_time",
    "import_population",
    "load_population",
]
