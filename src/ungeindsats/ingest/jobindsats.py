"""Jobindsats aggregates (antal personer, fuldtidspersoner) into ``fte_aggregate``.

Two inputs, one result:

* **The API's JSON answer** as saved to a file (``POST /v2/data/{table}/json``, see
  ``jobindsats_client``): a list whose first element holds ``Variables`` (one ``{"Name", "Label"}``
  per column: ``area``, ``period``, dimensions whose names start with ``_`` such as ``_alder`` or
  ``_viskat_2udh``, then the measures) and ``Data`` (rows of values in that column order). Later
  elements of the same shape are read too.
* **An Excel export** (.xlsx) from jobindsats.dk. The exact layout of the site's export could not be
  checked, so this is the assumed layout (documented in the module, tested): the first sheet; any
  number of title rows; one header row with a column "Område" (or "Area") and one "Periode", then
  dimension columns (Alder, Visitationskategori, Ydelsesgrupper, …) and measure columns
  ("Antal personer", "Antal fuldtidspersoner", percentages that are ignored); data rows below it,
  where a blank dimension cell repeats the value above (pivot-style exports); the data end at the
  first row with neither a period nor any measure (footnotes such as "Kilde: …" may follow).

The table id (Y38A02, PTVA02, …) comes from the answer if it names one, else from ``table=``
(``--table``), else from the file name ("Y38A02_2019.json") or, for Excel, a title row. The benefit
follows from the table (``jobindsats_tables.csv`` beside this module) or, for tables covering all
benefits (PTVA02), from the Ydelsesgrupper dimension.

Rules:

* Areas are resolved with ``resolve_municipality``; "Hele landet" is 0. Regions, RAR areas and
  job-centre areas are skipped and counted; any other unknown area is a rejected row.
* Periods must be months (``2019M02``): a quarter or year answer is an error, as the warehouse holds
  months.
* Numbers may be JSON numbers or Danish text ("1.234", "12,5", "1.234,5"); "..", "-" and blanks
  (Jobindsats' marks for missing or discretionary values) become NULL. Text with a single dot and
  three digits after it ("1.234") is read as a thousands separator, as Danish formatting writes it.
* ``target_group``: '' without a Visitationskategori dimension or for its total; the four visitation
  categories become ``jobparat``, ``aktivitetsparat``, ``uddannelsesparat`` and
  ``aabenlyst_uddannelsesparat`` (the identifiers of the youth-group rules); any other value (e.g.
  "Alle uddannelsesparate", a sum Jobindsats publishes) is stored as a lower-case ASCII slug
  (``alle_uddannelsesparate``), so sums and their parts are never added up by accident.
* ``age_band``: '' without an Alder dimension or for its total; "16-24 år" → "16-24",
  "60 år og derover" → "60+", "Under 30 år" → "0-29".
* Any other dimension (Køn, Herkomst, …) must have a total value ("I alt", "… i alt"); only the
  total rows are stored, the breakdown rows are skipped and counted.
* Jobindsats revises its figures: importing a newer file replaces, for every
  (table, municipality, year, month, benefit, target group, age band) it contains, the rows an
  earlier import stored; rows of the earlier import for other keys stay. The same file twice is a
  no-op (``run_import``).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path

import pyarrow as pa

from ungeindsats.classifications import benefit as benefit_info
from ungeindsats.classifications import resolve_municipality
from ungeindsats.classifications._csvfile import read_rows
from ungeindsats.ingest.errors import InputError, Problem
from ungeindsats.ingest.load import ImportContext, ImportOptions, ImportOutcome, Loaded, run_import
from ungeindsats.outputs import parse_danish_number
from ungeindsats.warehouse import Warehouse

SOURCE = "jobindsats"

TABLES_FILE = "jobindsats_tables.csv"

# Table ids as Jobindsats writes them: Y38A02, PTVA02 (ptv_a02 in API paths), Y30R21, OTIJ01.
_TABLE_ID = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{2}_?[A-Za-z][0-9]{2})(?![A-Za-z0-9])")
# Keys under which an answer might name its table; the documented answer need not have any.
_TABLE_KEYS = frozenset({"tableid", "table_id", "table", "tabel", "tabelid", "maalingid"})

_AREA_LABELS = frozenset({"område", "omraade", "area", "kommune"})
_PERIOD_LABELS = frozenset({"periode", "period"})
_MISSING = frozenset({"", "..", "...", "-", "–", "—", "x", ":"})
_REGION_PREFIXES = ("region ", "rar ", "landsdel ", "jobcenter ", "beskæftigelsesregion ")
_REGION_NAMES = frozenset({"hovedstaden", "sjælland", "syddanmark", "midtjylland", "nordjylland"})
_TARGET_GROUPS = {
    "jobparat": "jobparat",
    "jobparate": "jobparat",
    "aktivitetsparat": "aktivitetsparat",
    "aktivitetsparate": "aktivitetsparat",
    "uddannelsesparat": "uddannelsesparat",
    "uddannelsesparate": "uddannelsesparat",
    "åbenlys uddannelsesparat": "aabenlyst_uddannelsesparat",
    "åbenlyst uddannelsesparat": "aabenlyst_uddannelsesparat",
    "åbenlyst uddannelsesparate": "aabenlyst_uddannelsesparat",
    "åbenlyse uddannelsesparate": "aabenlyst_uddannelsesparat",
}
_KEY_COLUMNS = (
    "source_table",
    "municipality",
    "year",
    "month",
    "benefit",
    "target_group",
    "age_band",
)
_STAGED = "jobindsats_staged_rows"


def import_jobindsats(
    warehouse: Warehouse, path: Path, options: ImportOptions, table: str | None = None
) -> ImportOutcome:
    """Import one Jobindsats answer (saved JSON) or Excel export into ``fte_aggregate``.

    ``table`` names the Jobindsats table (``--table``) when neither the answer nor the file name
    does. All or nothing; a newer delivery replaces the rows it covers (see the module docstring).
    """

    def load(ctx: ImportContext) -> Loaded:
        return _load(ctx, table)

    return run_import(warehouse, SOURCE, path, load, options)


def jobindsats_tables() -> dict[str, str]:
    """Known tables: table id → benefit identifier, or "*" when a dimension names the benefit."""
    return dict(_mapping().tables)


# --- the mapping file --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mapping:
    tables: dict[str, str]
    groups: dict[str, str]  # folded Ydelsesgrupper value → benefit, '' = not ours


@cache
def _mapping() -> _Mapping:
    source = resources.files("ungeindsats.ingest").joinpath(TABLES_FILE)
    tables: dict[str, str] = {}
    groups: dict[str, str] = {}
    for row in read_rows(source, ("kind", "key", "benefit", "title")):
        benefit = row["benefit"]
        if benefit not in ("", "*"):
            benefit_info(benefit)  # a typo in the file fails loudly, not as a benefit of its own
        if row["kind"] == "table":
            tables[normalise_table_id(row["key"])] = benefit
        elif row["kind"] == "ydelsesgruppe":
            groups[_fold(row["key"])] = benefit
        else:
            raise ValueError(f"{TABLES_FILE}: ukendt kind {row['kind']!r}")
    return _Mapping(tables, groups)


def normalise_table_id(text: str) -> str:
    """A table id as Jobindsats lists it: upper case without the underscore ("ptv_a02" → PTVA02)."""
    return text.strip().replace("_", "").upper()


# --- reading the two input formats -------------------------------------------------------------


class Role(Enum):
    """What a column holds."""

    AREA = "area"
    PERIOD = "period"
    BENEFIT = "benefit"
    TARGET_GROUP = "target_group"
    AGE = "age"
    OTHER = "other"  # a breakdown we do not store (Køn, Herkomst, …): only its total is kept
    PERSONS = "persons"
    FTE = "fte"
    IGNORED = "ignored"  # a measure we do not store (percentages, averages)


_MEASURES = frozenset({Role.PERSONS, Role.FTE, Role.IGNORED})


@dataclass(frozen=True)
class _Column:
    name: str
    label: str
    role: Role


@dataclass(frozen=True)
class _Row:
    values: tuple[object, ...]
    line: int | None  # physical row of an Excel sheet (header = its own row number)
    where: str  # for JSON, which row of Data: "række 3 i Data"


@dataclass
class _Part:
    columns: list[_Column]
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Answer:
    table_id: str | None
    parts: list[_Part]


def _read(path: Path) -> _Answer:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path)
    raise _fail(
        path.name,
        f"ukendt filtype '{path.suffix}': forventede Jobindsats' JSON-svar (.json) "
        "eller en Excel-eksport (.xlsx)",
    )


def _read_json(path: Path) -> _Answer:
    file = path.name
    try:
        payload = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _fail(file, "filen er ikke UTF-8-kodet JSON") from None
    except json.JSONDecodeError as exc:
        raise _fail(file, f"filen er ikke gyldig JSON ({exc.msg})", line=exc.lineno) from None
    elements = payload if isinstance(payload, list) else [payload]
    if not elements:
        raise _fail(file, "JSON-svaret er en tom liste: Jobindsats sendte ingen data")
    table_id: str | None = None
    parts: list[_Part] = []
    for number, element in enumerate(elements, start=1):
        if not isinstance(element, dict):
            raise _fail(file, f"element {number} i JSON-svaret er ikke et objekt")
        variables, data = _field(element, "Variables"), _field(element, "Data")
        if variables is None or data is None:
            raise _fail(file, _shape_problem(element))
        table_id = table_id or _table_in(element)
        columns = _json_columns(file, variables)
        if not isinstance(data, list):
            raise _fail(file, "'Data' i JSON-svaret er ikke en liste af rækker")
        suffix = "" if len(elements) == 1 else f" (element {number})"
        part = _Part(columns)
        for index, values in enumerate(data, start=1):
            row = tuple(values) if isinstance(values, list) else (values,)
            part.rows.append(_Row(row, None, f"række {index} i Data{suffix}"))
        parts.append(part)
    return _Answer(table_id, parts)


def _field(element: dict[str, object], key: str) -> object | None:
    for name, value in element.items():
        if name.casefold() == key.casefold():
            return value
    return None


def _shape_problem(element: dict[str, object]) -> str:
    keys = [str(k) for k in element]
    # Jobindsats answers a rejected key with an object whose only key is the message.
    if any("nøgle" in k.casefold() for k in keys):
        return f"filen indeholder Jobindsats' fejlsvar i stedet for data: '{keys[0]}'"
    shown = ", ".join(keys[:10]) or "ingen"
    return (
        "JSON-svaret har ikke Jobindsats' form: forventede en liste hvis første element har "
        f"'Variables' (kolonnebeskrivelser) og 'Data' (rækker); fandt nøglerne: {shown}"
    )


def _table_in(element: dict[str, object]) -> str | None:
    for key, value in element.items():
        if key.casefold() in _TABLE_KEYS and isinstance(value, str):
            match = _TABLE_ID.fullmatch(value.strip())
            if match:
                return normalise_table_id(match.group(1))
    return None


def _json_columns(file: str, variables: object) -> list[_Column]:
    if not isinstance(variables, list) or not variables:
        raise _fail(file, "'Variables' i JSON-svaret er ikke en liste af kolonnebeskrivelser")
    columns = []
    for variable in variables:
        if not isinstance(variable, dict):
            raise _fail(file, "'Variables' skal indeholde objekter med 'Name' og 'Label'")
        name = str(_field(variable, "Name") or "").strip()
        label = str(_field(variable, "Label") or name).strip()
        if not name and not label:
            raise _fail(file, "en kolonne i 'Variables' har hverken 'Name' eller 'Label'")
        columns.append(_Column(name, label, _json_role(name, label)))
    return columns


def _json_role(name: str, label: str) -> Role:
    key = name.casefold()
    if key == "area":
        return Role.AREA
    if key == "period":
        return Role.PERIOD
    if key.startswith("_"):
        return _dimension_role(key, label)
    if not key:
        return _label_role(label)
    return _measure_role(label) or Role.IGNORED


def _label_role(label: str) -> Role:
    """The role of an Excel column (or a JSON column without a name), from its label alone."""
    folded = _fold(label)
    if not folded:
        return Role.IGNORED  # an empty header cell: nothing to store
    if folded in _AREA_LABELS:
        return Role.AREA
    if folded in _PERIOD_LABELS:
        return Role.PERIOD
    measure = _measure_role(label)
    if measure is not None:
        return measure
    if any(word in folded for word in ("pct", "andel", "antal", "gennemsnit", "fuldtids")):
        return Role.IGNORED
    return _dimension_role("", label)


def _dimension_role(name: str, label: str) -> Role:
    folded = _fold(label)
    if name.startswith("_alder") or folded.startswith("alder"):
        return Role.AGE
    if name.startswith("_viskat") or "visitationskategori" in folded:
        return Role.TARGET_GROUP
    if name.startswith("_ygrp") or folded in ("ydelsesgrupper", "ydelsesgruppe"):
        return Role.BENEFIT
    return Role.OTHER


def _measure_role(label: str) -> Role | None:
    # Labels may carry their measure group first: "Antal personer og fuldtidspersoner: Antal …".
    folded = _fold(label.rsplit(":", 1)[-1])
    if folded == "antal personer":
        return Role.PERSONS
    if folded in ("antal fuldtidspersoner", "fuldtidspersoner"):
        return Role.FTE
    return None


def _read_excel(path: Path) -> _Answer:
    from openpyxl import load_workbook  # imported here: only Excel imports pay for it

    file = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _fail(
            file, f"filen kan ikke læses som Excel-projektmappe (.xlsx): {type(exc).__name__}"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        table_id: str | None = None
        part: _Part | None = None
        previous: list[object] | None = None
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if part is None:
                if _is_header(cells):
                    labels = ["" if c is None else str(c).strip() for c in cells]
                    part = _Part([_Column("", label, _label_role(label)) for label in labels])
                    continue
                for cell in cells:
                    if table_id is None and isinstance(cell, str):
                        match = _TABLE_ID.search(cell)
                        table_id = normalise_table_id(match.group(1)) if match else None
                continue
            values = [*cells[: len(part.columns)]]
            values += [None] * (len(part.columns) - len(values))
            ended = all(
                _blank(v)
                for v, c in zip(values, part.columns, strict=True)
                if c.role in _MEASURES or c.role is Role.PERIOD
            )
            if ended:
                break
            if previous is not None:
                # A blank dimension cell repeats the value above it, as pivot-style exports show.
                for i, column in enumerate(part.columns):
                    if column.role not in _MEASURES and _blank(values[i]):
                        values[i] = previous[i]
            part.rows.append(_Row(tuple(values), line, ""))
            previous = values
    finally:
        workbook.close()
    if part is None:
        raise _fail(
            file,
            "fandt ingen overskriftsrække med kolonnerne 'Område' og 'Periode' i første ark",
        )
    return _Answer(table_id, [part])


def _is_header(cells: tuple[object, ...]) -> bool:
    folded = {_fold(str(c)) for c in cells if isinstance(c, str)}
    return bool(folded & _AREA_LABELS) and bool(folded & _PERIOD_LABELS)


# --- the loader --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    area: int
    period: int
    benefit: int | None
    target_group: int | None
    age: int | None
    persons: int | None
    fte: int | None
    others: tuple[int, ...]


@dataclass
class _Record:
    persons: float | None
    fte: float | None
    has_persons: bool
    has_fte: bool
    where: str


@dataclass
class _Tally:
    rows_in: int = 0
    regions: int = 0
    breakdowns: int = 0
    totals: int = 0
    other_benefits: Counter[str] = field(default_factory=Counter)


class _RowError(Exception):
    def __init__(self, column: str | None, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def _load(ctx: ImportContext, table_option: str | None) -> Loaded:
    answer = _read(ctx.path)
    table_id = _decide_table(ctx.file, answer.table_id, table_option)
    fixed_benefit = _mapping().tables.get(table_id)
    records: dict[tuple[int, int, int, str, str, str], _Record] = {}
    tally = _Tally()
    for part in answer.parts:
        layout = _layout(ctx.file, part)
        benefit = _part_benefit(ctx.file, table_id, fixed_benefit, layout)
        _require_totals(ctx.file, part, layout)
        for row in part.rows:
            tally.rows_in += 1
            try:
                _take_row(ctx.file, part, layout, row, benefit, records, tally)
            except _RowError as problem:
                ctx.rejects.add(
                    Problem(
                        ctx.file,
                        problem.reason + (f" ({row.where})" if row.where else ""),
                        line=row.line,
                        column=problem.column,
                        value=problem.value,
                    ),
                    _row_dict(part, row),
                )
    ctx.progress(tally.rows_in, tally.rows_in)
    replaced = _write(ctx, table_id, records)
    detail = _detail(table_id, fixed_benefit, records, tally, replaced)
    return Loaded(tally.rows_in, len(records), detail)


def _decide_table(file: str, in_answer: str | None, option: str | None) -> str:
    if option is not None:
        if not _TABLE_ID.fullmatch(option.strip()):
            raise _fail(
                file, f"'{option}' er ikke et tabel-id fra Jobindsats (fx Y38A02 eller PTVA02)"
            )
        option = normalise_table_id(option)
    if in_answer and option and in_answer != option:
        raise _fail(file, f"filen er tabel {in_answer}, men --table siger {option}")
    if in_answer or option:
        return in_answer or option or ""
    match = _TABLE_ID.search(Path(file).stem)
    if match:
        return normalise_table_id(match.group(1))
    raise _fail(
        file,
        "tabel-id'et kendes ikke: angiv det med --table (fx Y38A02), "
        "eller lad filnavnet begynde med det (fx Y38A02_2019.json)",
    )


def _layout(file: str, part: _Part) -> _Layout:
    found: dict[Role, list[int]] = {}
    for index, column in enumerate(part.columns):
        found.setdefault(column.role, []).append(index)
    labels = ", ".join(c.label or c.name for c in part.columns if c.label or c.name)
    expected = (
        "forventede en kolonne for område (Område/area), en for periode (Periode/period) og "
        "'Antal personer' og/eller 'Antal fuldtidspersoner'"
    )
    if Role.AREA not in found or Role.PERIOD not in found:
        raise _fail(file, f"{expected}; fandt: {labels}")
    if Role.PERSONS not in found and Role.FTE not in found:
        raise _fail(file, f"{expected}; fandt ingen af målingerne blandt: {labels}")
    for role in (
        Role.AREA,
        Role.PERIOD,
        Role.BENEFIT,
        Role.TARGET_GROUP,
        Role.AGE,
        Role.PERSONS,
        Role.FTE,
    ):
        if len(found.get(role, [])) > 1:
            twice = ", ".join(part.columns[i].label for i in found[role])
            raise _fail(file, f"flere kolonner med samme betydning ({role.value}): {twice}")

    def one(role: Role) -> int | None:
        return found[role][0] if role in found else None

    return _Layout(
        area=found[Role.AREA][0],
        period=found[Role.PERIOD][0],
        benefit=one(Role.BENEFIT),
        target_group=one(Role.TARGET_GROUP),
        age=one(Role.AGE),
        persons=one(Role.PERSONS),
        fte=one(Role.FTE),
        others=tuple(found.get(Role.OTHER, [])),
    )


def _part_benefit(file: str, table_id: str, fixed: str | None, layout: _Layout) -> str | None:
    """The benefit of every row, or None when the Ydelsesgrupper column names it per row."""
    if layout.benefit is not None:
        return None
    if fixed == "*":
        raise _fail(
            file,
            f"tabel {table_id} dækker flere ydelser, men svaret har ingen kolonne "
            "Ydelsesgrupper (_ygrpa02) der siger hvilken",
        )
    if fixed is None:
        known = ", ".join(sorted(_mapping().tables))
        raise _fail(
            file,
            f"ydelsen i tabel {table_id} kan ikke udledes: tabellen står ikke i {TABLES_FILE} "
            f"og svaret har ingen kolonne Ydelsesgrupper. Kendte tabeller: {known}",
        )
    return fixed


def _require_totals(file: str, part: _Part, layout: _Layout) -> None:
    for index in layout.others:
        values = {_fold(_text(r.values[index])) for r in part.rows if index < len(r.values)}
        if part.rows and not any(_is_total(v) for v in values):
            label = part.columns[index].label
            raise _fail(
                file,
                f"svaret er opdelt på '{label}' uden en 'i alt'-række; ungeindsats gemmer kun "
                "opdelinger på ydelse, visitationskategori og alder. Hent tabellen uden opdeling "
                f"på '{label}' eller med dens total",
                column=label,
            )


def _take_row(
    file: str,
    part: _Part,
    layout: _Layout,
    row: _Row,
    fixed_benefit: str | None,
    records: dict[tuple[int, int, int, str, str, str], _Record],
    tally: _Tally,
) -> None:
    values = row.values
    if len(values) != len(part.columns):
        raise _RowError(
            None, None, f"rækken har {len(values)} værdier, men der er {len(part.columns)} kolonner"
        )

    def label(index: int) -> str:
        return part.columns[index].label or part.columns[index].name

    area = _text(values[layout.area])
    municipality = resolve_municipality(area) if area else None
    if municipality is None:
        if _is_region(area):
            tally.regions += 1
            return
        raise _RowError(
            label(layout.area),
            area,
            "ukendt område: hverken en kommune, 'Hele landet' eller en region",
        )
    year, month = _month(file, values[layout.period], row, label(layout.period))
    if any(not _is_total(_fold(_text(values[i]))) for i in layout.others):
        tally.breakdowns += 1
        return
    benefit = fixed_benefit
    if layout.benefit is not None:
        group = _text(values[layout.benefit])
        folded = _fold(group)
        if _is_total(folded):
            tally.totals += 1
            return
        if folded not in _mapping().groups:
            raise _RowError(
                label(layout.benefit),
                group,
                f"ukendt ydelsesgruppe: den står ikke i {TABLES_FILE}",
            )
        benefit = _mapping().groups[folded]
        if not benefit:
            tally.other_benefits[group] += 1
            return
    assert benefit is not None  # _part_benefit guarantees a fixed benefit or the column
    target_group = (
        ""
        if layout.target_group is None
        else _target_group(label(layout.target_group), values[layout.target_group])
    )
    age_band = "" if layout.age is None else _age_band(label(layout.age), values[layout.age])
    persons = fte = None
    if layout.persons is not None:
        persons = _number(label(layout.persons), values[layout.persons])
    if layout.fte is not None:
        fte = _number(label(layout.fte), values[layout.fte])
    key = (municipality, year, month, benefit, target_group, age_band)
    record = records.get(key)
    if record is None:
        records[key] = _Record(
            persons,
            fte,
            layout.persons is not None,
            layout.fte is not None,
            row.where or f"linje {row.line}",
        )
        return
    if (record.has_persons and layout.persons is not None) or (
        record.has_fte and layout.fte is not None
    ):
        raise _RowError(
            label(layout.area),
            area,
            f"samme område, måned, ydelse, visitationskategori og alder står to gange "
            f"(første gang {record.where})",
        )
    # A second part of the answer with the other measure for the same cell.
    if layout.persons is not None:
        record.persons, record.has_persons = persons, True
    if layout.fte is not None:
        record.fte, record.has_fte = fte, True


def _write(
    ctx: ImportContext, table_id: str, records: dict[tuple[int, int, int, str, str, str], _Record]
) -> int:
    """Replace earlier rows for the same keys and insert these; return how many were replaced."""
    if not records:
        return 0
    keys = list(records)
    staged = pa.table(
        {
            "source_table": pa.array([table_id] * len(keys), pa.string()),
            "municipality": pa.array([k[0] for k in keys], pa.int16()),
            "year": pa.array([k[1] for k in keys], pa.int16()),
            "month": pa.array([k[2] for k in keys], pa.int16()),
            "benefit": pa.array([k[3] for k in keys], pa.string()),
            "target_group": pa.array([k[4] for k in keys], pa.string()),
            "age_band": pa.array([k[5] for k in keys], pa.string()),
            "persons": pa.array([records[k].persons for k in keys], pa.float64()),
            "fte": pa.array([records[k].fte for k in keys], pa.float64()),
        }
    )
    same_key = " AND ".join(f"f.{c} = s.{c}" for c in _KEY_COLUMNS)
    # Counting before and after tells how many earlier rows this delivery replaced.
    before = _count(ctx)
    ctx.con.register(_STAGED, staged)
    try:
        ctx.con.execute(f"DELETE FROM fte_aggregate AS f USING {_STAGED} AS s WHERE {same_key}")
        ctx.con.execute(
            f"INSERT INTO fte_aggregate SELECT {', '.join(_KEY_COLUMNS)}, persons, fte, ? "
            f"FROM {_STAGED}",
            [ctx.import_id],
        )
    finally:
        ctx.con.unregister(_STAGED)
    return before + len(keys) - _count(ctx)


def _count(ctx: ImportContext) -> int:
    rows = ctx.con.execute("SELECT count(*) FROM fte_aggregate").fetchall()
    return int(rows[0][0])


def _detail(
    table_id: str,
    fixed_benefit: str | None,
    records: dict[tuple[int, int, int, str, str, str], _Record],
    tally: _Tally,
    replaced: int,
) -> str:
    """One Danish line for the import log: table, months, municipalities, what was skipped."""
    benefit = f" ({fixed_benefit})" if fixed_benefit not in (None, "*") else ""
    parts = [f"Tabel {table_id}{benefit}"]
    months = sorted({(k[1], k[2]) for k in records})
    if months:
        first, last = (f"{y}M{m:02d}" for y, m in (months[0], months[-1]))
        span = first if first == last else f"{first}–{last}"
        parts.append(f"{span} ({len(months)} {'måned' if len(months) == 1 else 'måneder'})")
        codes = {k[0] for k in records}
        places = f"{len(codes - {0})} {'kommune' if len(codes - {0}) == 1 else 'kommuner'}"
        parts.append(places + (" og hele landet" if 0 in codes else ""))
    else:
        parts.append("ingen rækker gemt")
    if tally.regions:
        parts.append(f"{_rows(tally.regions)} for regioner o.l. sprunget over")
    if tally.breakdowns:
        parts.append(f"{_rows(tally.breakdowns)} med underopdelinger (fx køn) sprunget over")
    if tally.totals:
        parts.append(f"{_rows(tally.totals)} med ydelsesgrupper i alt sprunget over")
    if tally.other_benefits:
        names = ", ".join(sorted(tally.other_benefits))
        parts.append(
            f"{_rows(sum(tally.other_benefits.values()))} for andre ydelser ({names}) sprunget over"
        )
    if replaced:
        parts.append(f"{_rows(replaced)} fra tidligere import erstattet")
    return "; ".join(parts) + "."


def _rows(count: int) -> str:
    return f"{count} {'række' if count == 1 else 'rækker'}"


# --- values ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Comparison key: NFC, case-folded, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_total(folded: str) -> bool:
    return folded in ("i alt", "total", "alle") or folded.endswith(" i alt")


def _is_region(area: str) -> bool:
    folded = _fold(area)
    return folded.startswith(_REGION_PREFIXES) or folded in _REGION_NAMES


_MONTH = re.compile(r"(\d{4})M(\d{1,2})", re.IGNORECASE)
# Quarters (2019Q1, 2019K1), moving annual totals (2019QMAT02), years (2019, 2019Y01),
# half-years and weeks: all valid Jobindsats periods, none a month.
_NOT_MONTH = re.compile(r"\d{4}(?:(?:Q|K|QMAT|Y|H|U)\d{1,2})?", re.IGNORECASE)


def _month(file: str, value: object, row: _Row, column: str) -> tuple[int, int]:
    if isinstance(value, datetime | date):
        return value.year, value.month
    text = _text(value)
    match = _MONTH.fullmatch(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2))
    if _NOT_MONTH.fullmatch(text):
        raise _fail(
            file,
            "perioden er ikke en måned: ungeindsats gemmer Jobindsats' tal pr. måned (fx 2019M02). "
            "Hent tabellen med månedsperioder i stedet for kvartaler eller år"
            + (f" ({row.where})" if row.where else ""),
            line=row.line,
            column=column,
            value=text,
        )
    raise _RowError(column, text, "ukendt periode (forventede en måned som 2019M02)")


def parse_number(value: object) -> float | None:
    """A Jobindsats number: JSON number or Danish text ("1.234", "12,5"); missing marks → None.

    Raises ValueError for text that is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text in _MISSING:
        return None
    return parse_danish_number(text)


def _number(column: str, value: object) -> float | None:
    try:
        return parse_number(value)
    except ValueError:
        raise _RowError(
            column,
            _text(value),
            "ikke et tal (tal skrives som 1.234 eller 12,5; '..' og '-' betyder ingen værdi)",
        ) from None


def _target_group(column: str, value: object) -> str:
    text = _text(value)
    folded = _fold(text)
    if not folded:
        raise _RowError(column, text, "visitationskategorien mangler")
    if _is_total(folded):
        return ""
    return _TARGET_GROUPS.get(folded) or _slug(folded)


def _slug(folded: str) -> str:
    ascii_text = folded.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    ascii_text = unicodedata.normalize("NFKD", ascii_text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


_AGE_RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)(?:\s*år)?")
_AGE_FROM = re.compile(
    r"(\d+)\s*(?:år)?\s*(?:\+|og derover|og over|eller derover|og ældre)(?:\s*år)?"
)
_AGE_UNDER = re.compile(r"under\s*(\d+)(?:\s*år)?")
_AGE_ONE = re.compile(r"(\d+)(?:\s*år)?")


def age_band(text: str) -> str:
    """The age band as stored: "16-24 år" → "16-24", "60 år og derover" → "60+",
    "Under 30 år" → "0-29", a total ("Alder i alt") → "". ValueError if not an age band."""
    folded = _fold(text)
    if _is_total(folded) or folded == "alle aldre":
        return ""
    if match := _AGE_RANGE.fullmatch(folded):
        return f"{int(match.group(1))}-{int(match.group(2))}"
    if match := _AGE_FROM.fullmatch(folded):
        return f"{int(match.group(1))}+"
    if match := _AGE_UNDER.fullmatch(folded):
        return f"0-{int(match.group(1)) - 1}"
    if match := _AGE_ONE.fullmatch(folded):
        return f"{int(match.group(1))}-{int(match.group(1))}"
    raise ValueError(text)


def _age_band(column: str, value: object) -> str:
    text = _text(value)
    try:
        return age_band(text)
    except ValueError:
        raise _RowError(
            column, text, "ukendt aldersgruppe (forventede fx '16-24 år' eller 'Alder i alt')"
        ) from None


def _row_dict(part: _Part, row: _Row) -> dict[str, str]:
    names = [c.label or c.name or f"kolonne {i + 1}" for i, c in enumerate(part.columns)]
    shown = {name: _text(value) for name, value in zip(names, row.values, strict=False)}
    if row.where:
        shown["række"] = row.where
    return shown


def _fail(
    file: str,
    reason: str,
    *,
    line: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> InputError:
    return InputError([Problem(file, reason, line=line, column=column, value=value)])
