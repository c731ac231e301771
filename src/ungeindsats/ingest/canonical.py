"""Importing canonical CSV/Parquet files (kanoniske filer) into the warehouse tables.

One generic importer serves every table in ``CANONICAL_TABLES``; what differs between tables is
declared in their specs (``ungeindsats.ingest.canonical_tables``). The work is vectorised so that
files with millions of rows import quickly:

1. the file is read into an Arrow table of stripped text (pyarrow.csv or pyarrow.parquet);
2. each column is parsed once per *distinct* value (CPR numbers are validated and pseudonymised
   once per person) and mapped back to the rows with Arrow kernels; free text is checked with
   Arrow regexes;
3. checks across columns (CPR versus birth date, first ≤ last week, duplicates, unknown status
   codes) run as Arrow kernels or DuckDB queries on the Arrow arrays;
4. problems are built only for the failing rows; the good rows are inserted with one
   ``INSERT … SELECT`` from the registered Arrow table, after deleting the rows they replace.

Line numbers are physical lines: the header is line 1, the first row line 2, and line breaks
inside quoted values are counted. A Parquet row is numbered as if it were CSV (row number + 1).
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ungeindsats.ingest.canonical_tables import (
    CANONICAL_TABLES,
    CPR_DESCRIPTION,
    CPR_LIKE,
    DATE_FORMS,
    PERSON_KEYS,
    PNR_DESCRIPTION,
    Column,
    TableSpec,
    ValueProblem,
    ValueType,
)
from ungeindsats.ingest.cpr import CprError, Pseudonymiser
from ungeindsats.ingest.errors import InputError, Problem
from ungeindsats.ingest.files import TextFormat, detect_encoding, sniff_text_format
from ungeindsats.ingest.load import (
    ImportContext,
    ImportOptions,
    ImportOutcome,
    Loaded,
    run_import,
)
from ungeindsats.warehouse import Warehouse

__all__ = [
    "CANONICAL_TABLES",
    "canonical_spec",
    "import_canonical",
    "load_canonical",
    "read_canonical_text",
    "render_markdown",
]

MASK = "<skjult>"
"""What a CPR number is replaced with in a rejects file."""

_CPR_LIKE_RE2 = r"(^|[^0-9])[0-36-9][0-9][01][0-9]{3}-?[0-9]{4}([^0-9]|$)"
"""CPR_LIKE for Arrow's RE2 engine, which has no look-around."""

_PARQUET_MAGIC = b"PAR1"
_ROWS_VIEW = "canonical_rows"
_Rows = npt.NDArray[np.int64]


def import_canonical(
    warehouse: Warehouse, table: str, path: Path | str, options: ImportOptions
) -> ImportOutcome:
    """Import one canonical file into the table whose command-line name is ``table``.

    All or nothing; a file already imported for the same table is a no-op. The import log's
    source is the command-line name (``person``, ``spells``, …).
    """
    spec = canonical_spec(table)
    return run_import(warehouse, spec.name, Path(path), partial(load_canonical, spec), options)


def canonical_spec(table: str) -> TableSpec:
    """The spec by command-line name (``spells``) or warehouse table name (``status_spell``)."""
    for spec in CANONICAL_TABLES.values():
        if table in (spec.name, spec.table):
            return spec
    raise ValueError(f"ukendt tabel '{table}'; kendte tabeller: {', '.join(CANONICAL_TABLES)}")


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawFile:
    """A file's cells as stripped text (no nulls), blank rows dropped, with each row's line."""

    table: pa.Table
    lines: _Rows
    unnamed: frozenset[str]
    """Internal names of columns whose header cell is empty."""

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)

    def column(self, name: str) -> Any:
        return self.table.column(name)

    def has(self, name: str) -> bool:
        return name in self.table.column_names


def read_canonical_text(path: Path) -> RawFile:
    """Read a canonical CSV or Parquet file (told apart by content) as text cells."""
    with path.open("rb") as handle:
        is_parquet = handle.read(4) == _PARQUET_MAGIC
    table, lines, unnamed = _read_parquet(path) if is_parquet else _read_csv(path)
    table = pa.table([pc.utf8_trim_whitespace(c) for c in table.columns], names=table.column_names)
    if table.num_columns and table.num_rows:
        filled = [pc.not_equal(c, "") for c in table.columns]
        keep = filled[0]
        for more in filled[1:]:
            keep = pc.or_(keep, more)
        keep_np = _bools(keep)
        if not keep_np.all():  # blank lines, or lines of bare delimiters from a spreadsheet
            table = table.filter(pa.array(keep_np))
            lines = lines[keep_np]
    return RawFile(table, lines, unnamed)


def _column_names(file: str, header: Sequence[str]) -> tuple[list[str], frozenset[str]]:
    names: list[str] = []
    unnamed: set[str] = set()
    problems: list[Problem] = []
    for number, cell in enumerate(header, start=1):
        name = cell.strip().lower()
        if not name:
            name = f"_kolonne_{number}"
            unnamed.add(name)
        if name in names:
            problems.append(Problem(file, "kolonnen står to gange i overskriften", 1, name))
        names.append(name)
    if problems:
        raise InputError(problems)
    return names, frozenset(unnamed)


def _text_format(path: Path) -> TextFormat:
    """Encoding and delimiter; a header of one column (``cpr``) has no delimiter to see."""
    try:
        return sniff_text_format(path)
    except InputError:
        encoding = detect_encoding(path, None)
        with path.open(encoding=encoding, newline="") as handle:
            header = handle.readline().strip()
        if header and header.replace("_", "").isalnum():
            return TextFormat(encoding, ",")
        raise


def _physical_lines(path: Path) -> tuple[int, bool]:
    """The number of lines in a file, and whether it ends with a line feed."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(8 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n"), last == b"\n"


def _odd_quotes_at_end(path: Path, lines: int) -> bool:
    """Whether the last ``lines`` lines of the file hold an odd number of quote characters."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (1 << 20)))
        tail = handle.read()
    pieces = tail.split(b"\n")
    if len(pieces) <= lines and len(tail) < size:
        return False  # a last row over a megabyte: not checked
    return b"\n".join(pieces[-lines:]).count(b'"') % 2 == 1


def _ends_inside_quotes(path: Path, last_line: int, last_breaks: int) -> bool:
    """Whether the last row is cut off inside a quoted value (a truncated file).

    Arrow accepts a quote that is never closed and takes the rest of the file as the value. With
    a final line feed, that value swallows it, so the row seems to end after the file does;
    without one, the last row's lines hold an odd number of quote characters.
    """
    physical, final_line_feed = _physical_lines(path)
    if last_line + last_breaks > physical:
        return True
    return not final_line_feed and _odd_quotes_at_end(path, last_breaks + 1)


def _read_csv(path: Path) -> tuple[pa.Table, _Rows, frozenset[str]]:
    fmt = _text_format(path)
    with path.open(encoding=fmt.encoding, newline="") as handle:
        header = next(csv.reader(handle, delimiter=fmt.delimiter), [])
    names, unnamed = _column_names(path.name, header)
    encoding = "utf8" if fmt.encoding.startswith("utf-8") else fmt.encoding
    invalid: list[tuple[int | None, int, int]] = []

    def read(threads: bool) -> pa.Table:
        def on_invalid(row: Any) -> str:
            invalid.append((row.number, row.expected_columns, row.actual_columns))
            return "skip"

        try:
            return pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, encoding=encoding, use_threads=threads
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=fmt.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,  # keeps row index + 2 = line number
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, OSError) as exc:
            # Arrow's message may quote a row, and so a CPR number: mask before showing it.
            reason = CPR_LIKE.sub(MASK, str(exc))
            raise InputError(
                [Problem(path.name, f"filen kan ikke læses som CSV: {reason}")]
            ) from None

    table = read(threads=True)
    if invalid:
        if any(number is None for number, _, _ in invalid):
            invalid.clear()
            read(threads=False)  # Arrow knows the line numbers only when reading in one thread
        raise InputError(
            [
                Problem(
                    path.name,
                    f"linjen har {actual} felter, men overskriften har {expected}; "
                    "er filen afkortet, eller mangler et anførselstegn?",
                    line=number,
                )
                for number, expected, actual in invalid
            ]
        )
    lines = np.arange(table.num_rows, dtype=np.int64) + 2
    if table.num_rows:
        breaks = np.zeros(table.num_rows, dtype=np.int64)
        for column in table.columns:
            breaks += _ints(pc.count_substring(column, "\n"))
        if breaks.any():
            lines += np.cumsum(breaks) - breaks
        if _ends_inside_quotes(path, int(lines[-1]), int(breaks[-1])):
            raise InputError(
                [
                    Problem(
                        path.name,
                        "filen slutter inde i en værdi i anførselstegn; er filen afkortet, "
                        "eller mangler et anførselstegn?",
                        line=int(lines[-1]),
                    )
                ]
            )
    return table, lines, unnamed


def _read_parquet(path: Path) -> tuple[pa.Table, _Rows, frozenset[str]]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        reason = CPR_LIKE.sub(MASK, str(exc))
        raise InputError(
            [Problem(path.name, f"filen kan ikke læses som Parquet: {reason}")]
        ) from None
    names, unnamed = _column_names(path.name, table.column_names)
    columns = []
    for name, column in zip(names, table.columns, strict=True):
        try:
            columns.append(_parquet_text(column, pad=name == "cpr"))
        except pa.ArrowException:
            raise InputError(
                [Problem(path.name, f"kolonnetypen {column.type} kan ikke læses", 1, name)]
            ) from None
    lines = np.arange(table.num_rows, dtype=np.int64) + 2
    return pa.table(columns, names=names), lines, unnamed


def _parquet_text(column: Any, *, pad: bool) -> Any:
    """A typed Parquet column as the text a CSV file would have held."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_floating(kind):
        # Integers stored as floats (pandas does that to a column with gaps) must not read "791.0".
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
        with contextlib.suppress(pa.ArrowInvalid):  # not all whole numbers: keep the decimals
            column = pc.cast(column, pa.int64())
    elif pa.types.is_timestamp(kind):
        column = pc.cast(column, pa.date32(), safe=False)
    text = pc.cast(column, pa.string())
    if pad and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        text = pc.utf8_lpad(text, width=10, padding="0")  # a CPR stored as a number lost its 0
    return pc.fill_null(text, "")


def _bools(array: Any) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _ints(array: Any) -> _Rows:
    return np.asarray(array.to_numpy(), dtype=np.int64)


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Issue:
    row: int
    column: str
    value: str | None
    reason: str


def _shown(value: str | None) -> str | None:
    """A value fit for a message: never anything that looks like a CPR number."""
    return None if value is None or CPR_LIKE.search(value) else value


class _CprKey(ValueType):
    """A CPR number → its pseudonym, birth date and sex (all distinct numbers at once)."""

    arrow_type = pa.struct(
        [("person_id", pa.int64()), ("birth_date", pa.date32()), ("sex", pa.string())]
    )

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        self.pseudonymiser = pseudonymiser

    def parse_all(self, texts: list[str]) -> tuple[pa.Array, dict[int, ValueProblem]]:
        batch = self.pseudonymiser.from_cprs(texts)
        invalid = np.zeros(len(texts), np.bool_)
        invalid[list(batch.problems)] = True
        values = pa.StructArray.from_arrays(
            [
                pa.array(batch.person_id, pa.int64()),
                pa.array(batch.birth_date.astype("datetime64[D]"), pa.date32()),
                pa.array(np.where(batch.male, "M", "K"), pa.string()),
            ],
            fields=list(self.arrow_type),
            mask=pa.array(invalid),
        )
        problems = {
            n: ValueProblem(reason, hide_value=True) for n, reason in batch.problems.items()
        }
        return values, problems


class _PnrKey(ValueType):
    """An already pseudonymised key → its pseudonym in this warehouse."""

    arrow_type = pa.int64()

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        self.pseudonymiser = pseudonymiser

    def parse(self, text: str) -> object:
        try:
            return self.pseudonymiser.from_key(text)
        except CprError as exc:
            raise ValueProblem(str(exc)) from None


def _convert(
    raw: Any, name: str, value_type: ValueType, *, required: bool, hide: bool = False
) -> tuple[Any, list[_Issue]]:
    """Parse a text column: each distinct value once, then mapped back to the rows."""
    if value_type.vectorised:
        return _convert_text(raw, name, required=required)
    uniques = pc.unique(raw)
    texts: list[str] = uniques.to_pylist()
    present = [number for number, text in enumerate(texts) if text]
    parsed, problems = value_type.parse_all([texts[number] for number in present])
    failures = {present[position]: problem for position, problem in problems.items()}
    if required:
        failures.update({n: ValueProblem("værdien mangler") for n, t in enumerate(texts) if not t})
    slots = np.full(len(texts), -1, np.int64)
    slots[present] = np.arange(len(present))
    values = pc.take(parsed, pa.array(slots, mask=slots < 0))  # empty text → null
    positions = pc.index_in(raw, value_set=uniques)
    converted = pc.take(values, positions)
    issues: list[_Issue] = []
    if failures:
        codes = _ints(positions)
        failed = np.zeros(len(texts), dtype=np.bool_)
        failed[list(failures)] = True
        for row in np.flatnonzero(failed[codes]):
            code = int(codes[row])
            problem = failures[code]
            shown = None if hide or problem.hide_value else _shown(texts[code])
            issues.append(_Issue(int(row), name, shown, problem.reason))
    return converted, issues


def _convert_text(raw: Any, name: str, *, required: bool) -> tuple[Any, list[_Issue]]:
    """Free text: checked with Arrow kernels (such columns can have a value per row)."""
    empty = pc.equal(raw, "")
    values = pc.if_else(empty, pa.scalar(None, pa.string()), raw)
    issues: list[_Issue] = []
    cpr_like = _bools(pc.match_substring_regex(raw, _CPR_LIKE_RE2))
    for row in np.flatnonzero(cpr_like):
        issues.append(
            _Issue(int(row), name, None, "teksten ligner et CPR-nummer; fjern det før indlæsning")
        )
    if required:
        for row in np.flatnonzero(_bools(empty)):
            issues.append(_Issue(int(row), name, "", "værdien mangler"))
    return values, issues


def _cell(raw: RawFile, name: str, row: int, *, hide: bool = False) -> str | None:
    return None if hide else _shown(str(raw.column(name)[row].as_py()))


def _header_problems(spec: TableSpec, raw: RawFile, file: str) -> str | None:
    """Check the header; return the person key column (``cpr``/``pnr``), if the table has one."""
    names = raw.table.column_names
    known = set(spec.file_columns) | (set(PERSON_KEYS) if spec.person_key else set())
    expected = f"forventede kolonner: {expected_columns(spec)}"
    problems = [
        Problem(
            file,
            f"kolonnen kendes ikke i tabellen {spec.name}; {expected} (kolonner, hvis navn "
            "begynder med _, ignoreres)",
            1,
            name,
        )
        for name in names
        if name not in known and not name.startswith("_")
    ]
    problems += [
        Problem(file, f"overskriften mangler kolonnen; {expected}", 1, c.name)
        for c in spec.columns
        if c.required and c.name not in names
    ]
    key = None
    if spec.person_key:
        present = [k for k in PERSON_KEYS if k in names]
        if not present:
            problems.append(
                Problem(
                    file, f"overskriften mangler en personkolonne (cpr eller pnr); {expected}", 1
                )
            )
        elif len(present) > 1:
            problems.append(
                Problem(file, "filen har både cpr og pnr; brug kun én af dem", 1, "pnr")
            )
        else:
            key = present[0]
    for name in sorted(raw.unnamed):
        filled = np.flatnonzero(_bools(pc.not_equal(raw.column(name), "")))
        if filled.size:
            problems.append(
                Problem(
                    file,
                    f"kolonne nr. {name.rsplit('_', 1)[1]} har ingen overskrift, men indeholder "
                    "værdier",
                    int(raw.lines[filled[0]]),
                )
            )
    if problems:
        raise InputError(problems)
    return key


def expected_columns(spec: TableSpec) -> str:
    """The columns of a table as a Danish list, e.g. ``cpr eller pnr, code, first_week, …``."""
    parts = ["cpr eller pnr"] if spec.person_key else []
    parts += [c.name if c.required else f"{c.name} (valgfri)" for c in spec.columns]
    return ", ".join(parts)


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """An Arrow table visible to SQL as ``name`` while the block runs."""
    con.complete()  # DuckDB refuses to register while an earlier result is still unread
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


def _check_references(ctx: ImportContext, column: Column, values: Any, raw: RawFile) -> None:
    """Every value must already exist in the referenced warehouse table (file-level error)."""
    assert column.references is not None
    table, key = column.references  # identifiers from our own specs, never from the file
    distinct = pa.table({"value": pc.unique(pc.drop_null(values))})
    with _registered(ctx.con, "canonical_distinct", distinct):
        unknown = [
            row[0]
            for row in ctx.con.execute(
                f"SELECT value FROM canonical_distinct WHERE value NOT IN "
                f"(SELECT {key} FROM {table}) ORDER BY value"
            ).fetchall()
        ]
    if not unknown:
        return
    rows = np.flatnonzero(_bools(pc.is_in(values, value_set=pa.array(unknown))))
    codes = values.take(pa.array(rows)).to_pylist()
    first: dict[object, int] = {}
    counts: dict[object, int] = {}
    for row, code in zip(rows, codes, strict=True):
        first.setdefault(code, int(raw.lines[row]))
        counts[code] = counts.get(code, 0) + 1
    listed = [
        f"{code} ({_rows_text(counts[code])}, første på linje {first[code]})" for code in unknown
    ]
    shown = ", ".join(listed[:20]) + (f" og {len(listed) - 20} flere" if len(listed) > 20 else "")
    raise InputError(
        [
            Problem(
                ctx.file,
                f"{len(unknown)} værdier findes ikke i lagerets {table}-tabel: {shown}. "
                f"Indlæs først den DREAM-fil eller kodefil, der forklarer dem "
                "(hele filen er afvist, også med --rejects)",
                column=column.name,
            )
        ]
    )


def _duplicates(ctx: ImportContext, keys: dict[str, Any], rows: int) -> list[tuple[int, int]]:
    """(row, first row) for every row whose key already occurred on an earlier row."""
    table = pa.table({"row": pa.array(np.arange(rows, dtype=np.int64)), **keys})
    complete = pc.is_valid(table.column(1))
    for column in table.columns[2:]:
        complete = pc.and_(complete, pc.is_valid(column))
    partition = ", ".join(f'"{k}"' for k in keys)
    with _registered(ctx.con, "canonical_keys", table.filter(complete)):
        found = ctx.con.execute(
            "SELECT row, first_row FROM (SELECT row, min(row) OVER (PARTITION BY "
            f"{partition}) AS first_row FROM canonical_keys) WHERE row <> first_row ORDER BY row"
        ).fetchall()
    return [(int(a), int(b)) for a, b in found]


# --- the loader --------------------------------------------------------------------------------


def load_canonical(spec: TableSpec, ctx: ImportContext) -> Loaded:
    """Read, check and write one canonical file (the ``Loader`` that ``run_import`` runs)."""
    raw = read_canonical_text(ctx.path)
    key = _header_problems(spec, raw, ctx.file)
    rows = raw.rows
    ctx.progress(0, rows)
    issues: list[_Issue] = []
    out: dict[str, Any] = {}  # warehouse column → values
    cpr: Any = None
    if key is not None:
        out["person_id"], cpr, found = _person_key(ctx, raw, key)
        issues += found

    parsed: dict[str, Any] = {}  # file column → values
    for column in spec.columns:
        values, found = _column_values(raw, column, cpr)
        issues += found
        if column.references:
            _check_references(ctx, column, values, raw)
        parsed[column.name] = values
        targets = column.warehouse_columns
        if len(targets) == 1:
            out[targets[0]] = values
        else:
            for target in targets:
                out[target] = pc.struct_field(values, target)

    if spec.weeks:
        first, last = spec.weeks
        reversed_rows = np.flatnonzero(_bools(pc.greater(parsed[first], parsed[last])))
        issues += [
            _Issue(
                int(row),
                last,
                _cell(raw, last, int(row)),
                f"sidste uge ligger før første uge ({first} = {_cell(raw, first, int(row))})",
            )
            for row in reversed_rows
        ]

    if spec.unique_key:
        duplicates = _duplicates(ctx, {k: out[k] for k in spec.replace_key}, rows)
        if duplicates:
            column_name, hide = _key_column(spec, key)
            what = _and_list(_key_names(spec))
            issues += [
                _Issue(
                    row,
                    column_name,
                    _cell(raw, column_name, row, hide=hide),
                    f"samme {what} som linje {int(raw.lines[first_row])}",
                )
                for row, first_row in duplicates
            ]

    bad = _report(spec, ctx, raw, key, issues)
    if ctx.rejects.count and not ctx.rejects.tolerated:
        return Loaded(rows, 0)  # run_import raises with the problems listed

    keep = np.ones(rows, dtype=np.bool_)
    keep[bad] = False
    mask = pa.array(keep)
    columns = {name: pc.filter(values, mask) for name, values in out.items()}
    accepted = int(keep.sum())
    columns["import_id"] = pa.array(np.full(accepted, ctx.import_id, dtype=np.int32))
    deleted = _write(ctx, spec, pa.table(columns))
    ctx.progress(rows, rows)
    return Loaded(rows, accepted, _detail(columns.get("person_id"), deleted))


def _key_names(spec: TableSpec) -> list[str]:
    """The replace key in the file's terms: 'person' and the file columns holding the key."""
    names: list[str] = []
    for target in spec.replace_key:
        name = (
            "person"
            if target == "person_id"
            else next(c.name for c in spec.columns if target in c.warehouse_columns)
        )
        if name not in names:
            names.append(name)
    return names


def _and_list(items: Sequence[str]) -> str:
    """'a', 'a og b', 'a, b og c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _rows_text(count: int) -> str:
    return "1 række" if count == 1 else f"{_danish_count(count)} rækker"


_CPR_FACT = {"birth_date": "fødselsdato", "sex": "køn"}


def _person_key(ctx: ImportContext, raw: RawFile, key: str) -> tuple[Any, Any, list[_Issue]]:
    """person_id for every row, and for a ``cpr`` column also the CPR facts (a struct)."""
    pseudonymiser = ctx.require_pseudonymiser()
    if key == "pnr":
        ids, issues = _convert(raw.column(key), key, _PnrKey(pseudonymiser), required=True)
        return ids, None, issues
    facts, issues = _convert(raw.column(key), key, _CprKey(pseudonymiser), required=True, hide=True)
    return pc.struct_field(facts, "person_id"), facts, issues


def _column_values(raw: RawFile, column: Column, cpr: Any) -> tuple[Any, list[_Issue]]:
    """A column's values (all NULL when the file leaves it out), filled in from the CPR number
    where the spec says so, with a problem for every value that disagrees with it."""
    if raw.has(column.name):
        values, issues = _convert(
            raw.column(column.name), column.name, column.type, required=column.required
        )
    else:
        values, issues = pa.chunked_array([pa.nulls(raw.rows, column.type.arrow_type)]), []
    if column.from_cpr is None or cpr is None:
        return values, issues
    derived = pc.struct_field(cpr, column.from_cpr)
    if raw.has(column.name):
        issues += [
            _Issue(
                int(row),
                column.name,
                _cell(raw, column.name, int(row)),
                f"stemmer ikke med CPR-nummerets {_CPR_FACT[column.from_cpr]}",
            )
            for row in np.flatnonzero(_bools(pc.not_equal(values, derived)))
        ]
    return pc.coalesce(values, derived), issues


def _key_column(spec: TableSpec, key: str | None) -> tuple[str, bool]:
    """The file column to name for a duplicated key: the last key column that is in the file."""
    for target in reversed(spec.replace_key):
        for column in spec.columns:
            if target in column.warehouse_columns:
                return column.name, False
    assert key is not None
    return key, key == "cpr"


def _report(
    spec: TableSpec, ctx: ImportContext, raw: RawFile, key: str | None, issues: list[_Issue]
) -> _Rows:
    """Tell the rejects about each failing row, all its problems in one; return those rows."""
    if not issues:
        return np.zeros(0, dtype=np.int64)
    order = {name: i for i, name in enumerate([key or "", *spec.file_columns])}
    by_row: dict[int, list[_Issue]] = {}
    for issue in sorted(issues, key=lambda i: (i.row, order.get(i.column, len(order)))):
        by_row.setdefault(issue.row, []).append(issue)
    bad = np.fromiter(by_row, dtype=np.int64, count=len(by_row))
    cells: Iterable[dict[str, Any] | None]
    if ctx.rejects.tolerated:
        cells = raw.table.take(pa.array(bad)).to_pylist()
    else:
        cells = (None for _ in bad)
    for (row, found), row_cells in zip(by_row.items(), cells, strict=True):
        main, *more = found
        reason = main.reason + "".join(
            f"; desuden kolonne '{i.column}'"
            + (f" (værdi '{i.value}')" if i.value is not None else "")
            + f": {i.reason}"
            for i in more
        )
        problem = Problem(ctx.file, reason, int(raw.lines[row]), main.column, main.value)
        ctx.rejects.add(problem, _masked(row_cells, key) if row_cells is not None else None)
    return bad


def _masked(cells: dict[str, Any], key: str | None) -> dict[str, str]:
    """A rejected row for the rejects file: the CPR number, and anything like one, hidden."""
    masked = {name: CPR_LIKE.sub(MASK, str(value)) for name, value in cells.items()}
    if key == "cpr" and masked.get("cpr"):
        masked["cpr"] = MASK
    return masked


def _write(ctx: ImportContext, spec: TableSpec, rows: pa.Table) -> int:
    """Delete the rows the delivery replaces, insert its rows; the number deleted.

    Optional personal attributes the installation does not keep are dropped here, so they
    never reach the warehouse (they are then unknown, NULL)."""
    dropped = [c for c in rows.column_names if c in ctx.drop_attributes]
    rows = rows.drop_columns(dropped)
    names = ", ".join(rows.column_names)  # from our specs, never from the file
    match = " AND ".join(f"n.{k} = {spec.table}.{k}" for k in spec.replace_key)
    with _registered(ctx.con, _ROWS_VIEW, rows):
        result = ctx.con.execute(
            f"DELETE FROM {spec.table} WHERE EXISTS (SELECT 1 FROM {_ROWS_VIEW} n WHERE {match})"
        ).fetchall()
        ctx.con.execute(
            f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM {_ROWS_VIEW}"
        ).fetchall()
    return int(result[0][0]) if result else 0


def _danish_count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _detail(persons: Any, deleted: int) -> str:
    parts = []
    if persons is not None:
        count = int(pc.count_distinct(persons).as_py())
        parts.append("1 person" if count == 1 else f"{_danish_count(count)} personer")
    if deleted:
        parts.append(f"{_danish_count(deleted)} tidligere rækker erstattet")
    return "; ".join(parts)


# --- documentation -----------------------------------------------------------------------------

_INTRO = f"""\
# Kanoniske filformater

<!-- Genereret af ungeindsats.ingest.canonical.render_markdown() ud fra
     src/ungeindsats/ingest/canonical_tables.py. Ret dér, ikke her; skriv filen igen med
     .venv/bin/python -m ungeindsats.ingest.canonical > docs/canonical-formats.md -->

Data fra kommunens fagsystemer (Momentum, KMD, Opera …) og fra forskningsmiljøer indlæses i
lageret som én fil pr. tabel i det kanoniske format, der er beskrevet her. En fil indlæses med
`ungeindsats import NAVN FIL`, hvor NAVN er tabellens navn nedenfor (fx
`ungeindsats import spells forloeb.csv`); lagertabellen står ved hver tabel.

## Fælles regler

### Filer
- CSV med semikolon, komma eller tabulator som skilletegn, i tegnsættet UTF-8 (med eller uden
  BOM) eller Latin-1. Første linje er overskriften. En værdi med skilletegn, anførselstegn eller
  linjeskift sættes i anførselstegn (`"…"`), som regneark gør.
- Eller Parquet. Formatet genkendes på indholdet, ikke på filnavnet. Kolonnerne må være tekst,
  tal, datoer eller sand/falsk; et CPR-nummer gemt som tal får sit foranstillede 0 igen.
- Kolonnenavnene skrives som i tabellerne nedenfor; store og små bogstaver er ligegyldige, og
  rækkefølgen er fri.
- Kolonner, hvis navn begynder med `_`, er kommentarer og ignoreres. Enhver anden ukendt kolonne
  er en fejl: en stavefejl i et kolonnenavn ville ellers tabe data i stilhed.
- Mellemrum før og efter en værdi fjernes. Tomme linjer og linjer, hvor alle felter er tomme,
  springes over. En tom værdi i en valgfri kolonne betyder »ukendt«.
- Fritekst må ikke indeholde CPR-numre (sagsbehandleres noter gør det tit); en række med noget,
  der ligner et CPR-nummer, i en tekstkolonne afvises.

### Personer
Hver fil (undtagen rammevilkår) har præcis én personkolonne:
- `cpr`: {CPR_DESCRIPTION}
  Erstatningspersonnumre (dag + 60) accepteres. Modulus 11-kontrollen bruges ikke (CPR-numre
  uden den er udstedt siden 2007).
- `pnr`: {PNR_DESCRIPTION}

Det samme CPR-nummer giver altid det samme pseudonym, så filer fra forskellige systemer kan
kobles. Et CPR-nummer vises aldrig i en fejlmeddelelse og skrives aldrig i lageret eller i en
afvisningsfil.

### Værdier
- Datoer: {DATE_FORMS}.
  Dag og måned må skrives med ét ciffer i de danske former (`1.2.2019`).
- Uger skrives som ISO-uger: `2019U07` er uge 7 i ISO-året 2019 (mandag–søndag; uge 1 er den,
  der indeholder årets første torsdag). En dato i en ugekolonne betyder den uge, der indeholder
  datoen: `2019-02-14` er `2019U07`. Lageret gemmer ugen som et ugenummer (uger siden 1990U01).
- Måneder skrives `2019M02`.
- Ja/nej-kolonner: `ja`/`nej`, `1`/`0` eller `true`/`false`.
- Tal: decimaltegn `,` eller `.`, ingen tusindtalsskilletegn.
- Valgkolonner: store og små bogstaver, æ/ø/å skrevet som ae/oe/aa, mellemrum, bindestreger og
  understregninger er ligegyldige: `Løntilskud` er det samme som `loentilskud`.
- Kommuner: den trecifrede kommunekode (`791`) eller navnet (`Viborg`, `Viborg Kommune`).
- Forløb: første uge skal ligge før eller være lig med sidste uge.
- Datoer, uger og måneder skal ligge i årene 1900–2099.

### Fejl og afviste rækker
- En fil indlæses helt eller slet ikke: er der fejl, er lageret uændret. Fejlmeddelelser nævner
  fil, linje, kolonne og værdi (aldrig et CPR-nummer). Linje 1 er overskriften; linjeskift inde
  i en værdi tælles med. I en Parquet-fil er »linje« rækkenummeret + 1, som i en CSV-fil.
- Med `--rejects FIL` skrives de fejlbehæftede rækker i FIL (semikolon, UTF-8) med linje, kolonne
  og fejl, og de gode rækker indlæses. CPR-numre er erstattet af `{MASK}` i FIL.
- Manglende eller ukendte kolonner, forkert antal felter på en linje, en afkortet sidste linje
  og ukendte statuskoder afviser hele filen, også med `--rejects`.
- En fil, der allerede er indlæst i den samme tabel (samme indhold), springes over.

### Genindlæsning
Hver tabel siger, hvilke tidligere rækker en ny levering erstatter. For forløb og hændelser er
reglen, at en levering rummer hele historikken for de personer, der står i den: deres tidligere
rækker i tabellen slettes, og filens rækker indsættes. Personer, der ikke står i filen, berøres
ikke. Sletning og indsættelse sker i samme transaktion.

## Tabellerne
"""


def _replacement_text(spec: TableSpec) -> str:
    if spec.replace_key == ("person_id",):
        if spec.unique_key:
            return (
                "En person må kun stå én gang i filen. Ved genindlæsning erstatter filens række "
                "personens tidligere række helt, også kolonner, filen ikke har."
            )
        return (
            "Ved genindlæsning slettes alle tidligere rækker i tabellen for de personer, der "
            "står i filen, og filens rækker indsættes."
        )
    key = _and_list([n if n == "person" else f"`{n}`" for n in _key_names(spec)])
    unique = f"Hver kombination af {key} må kun stå én gang i filen. " if spec.unique_key else ""
    return unique + f"Ved genindlæsning erstatter en række den tidligere række med samme {key}."


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_markdown(spec: TableSpec) -> str:
    rows = ["| Kolonne | Krav | Format | Beskrivelse |", "|---|---|---|---|"]
    if spec.person_key:
        rows.append("| `cpr` eller `pnr` | påkrævet (én af dem) | se *Personer* | Personen. |")
    for column in spec.columns:
        need = "påkrævet" if column.required else "valgfri"
        if column.from_cpr:
            need += " (udledes af `cpr`)"
        rows.append(
            f"| `{column.name}` | {need} | {_markdown_cell(column.type.describe())} | "
            f"{_markdown_cell(column.description)} |"
        )
    example = [
        ";".join((["cpr"] if spec.person_key else []) + [c.name for c in spec.columns]),
        ";".join((["610190-1235"] if spec.person_key else []) + [c.example for c in spec.columns]),
    ]
    warehouse = f"Lagertabel `{spec.table}`"
    if any(len(c.warehouse_columns) > 1 for c in spec.columns):
        warehouse += "; " + "; ".join(
            f"`{c.name}` gemmes som " + " og ".join(f"`{t}`" for t in c.warehouse_columns)
            for c in spec.columns
            if len(c.warehouse_columns) > 1
        )
    parts = [
        f"### `{spec.name}` – {spec.title}",
        "",
        spec.description,
        "",
        *rows,
        "",
        f"{warehouse}.",
        "",
        f"**Genindlæsning:** {_replacement_text(spec)}",
        "",
        "Eksempel:",
        "",
        "```",
        *example,
        "```",
    ]
    return "\n".join(parts)


def render_markdown() -> str:
    """The canonical formats as Markdown (``docs/canonical-formats.md``), from the specs."""
    tables = "\n\n".join(_table_markdown(spec) for spec in CANONICAL_TABLES.values())
    return f"{_INTRO}\n{tables}\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
