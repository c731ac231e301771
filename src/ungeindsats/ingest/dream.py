"""DREAM, STAR's weekly status register (forløbsregister): wide weekly codes → ``status_spell``.

The file has one row per person, the key column ``PNR`` and one column per ISO week named
``y_YYWW`` (two-digit year: below 90 → 20YY, else 19YY), e.g. ``y_1201`` for 2012U01. A week's
cell holds an integer status code or is empty (no code that week). Other columns are accepted
and ignored, among them the monthly ``branche_YYYY_MM`` and ``grad_YYYY_MM`` columns (not
imported yet); only a column that looks like a misspelt week column (``y_201``, ``Y2012_01``)
is an error. Week columns must stand in time order; a week missing between two columns is
allowed and ends any run across it.

Formats: CSV (comma, semicolon or tab; UTF-8 or Latin-1), Parquet and SAS (``.sas7bdat``, and
the SAS transport format ``.xpt``). Everything is streamed in chunks of about
``ImportOptions.chunk_rows`` rows, so memory stays flat however big the file is. In messages,
"linje" is the physical line of a CSV file (the header is line 1) and the row number (1 = the
first person) in Parquet and SAS files.

Each run of equal codes in consecutive weeks becomes one ``status_spell`` row (person, code,
first week, last week). ``PNR`` is pseudonymised: a valid CPR number with ``from_cpr``; any
other value (Danmarks Statistik's DREAM carries an already pseudonymised PNR) with
``from_key``. A PNR that looks like a CPR number (ten digits, optional hyphen) but is not a
valid one is an error, as is a person who appears twice, and a code missing from the code
mapping. With ``--rejects`` such rows are written to the rejects file and the rest imported.

How it stays fast and flat (1.5 million persons × 417 weeks, 1.7 GB of CSV, in about 20 s and
1.3 GB on two cores): a reader thread cuts the file into blocks of whole lines, parses each with
pyarrow on all cores and run-length encodes it with NumPy (``dream_kernel``) while the main
thread checks and inserts the previous block; for a big file the keyed hash of the PNR, the
one cost per person that Python must pay, runs in a helper process beside both.

Re-delivery (genlevering): the spells of every person in the new file *replace* that person's
earlier ``status_spell`` rows, whichever import they came from; persons not in the new file
keep theirs. A person in the new file whose row has no code at all ends with no spells. (The
earlier rows are deleted at the end of the import, inside the same transaction, so the result
is the same as deleting before inserting.)
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ungeindsats.ingest.codes import StatusCode, read_code_mapping, store_code_mapping
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.dream_kernel import (
    CPR_LIKE,
    PersonIds,
    PseudonymPool,
    Runs,
    column_codes,
    find_runs,
    pseudonymise,
)
from ungeindsats.ingest.errors import MAX_LISTED, InputError, Problem
from ungeindsats.ingest.files import sniff_text_format
from ungeindsats.ingest.load import ImportContext, ImportOptions, ImportOutcome, Loaded, run_import
from ungeindsats.periods import PeriodError, iso_week_number, week_period
from ungeindsats.warehouse import Warehouse

SOURCE = "dream"
log = logging.getLogger("ungeindsats.ingest.dream")
MASK = "<skjult>"

_WEEK = re.compile(r"y_(\d{2})(\d{2})", re.IGNORECASE)
_WEEKISH = re.compile(r"y[\W_]*\d", re.IGNORECASE)  # "y" then digits: meant as a week column
_CPR_VALUE = re.compile(CPR_LIKE.strip("^$"))
_SAS_SUFFIXES = {".sas7bdat", ".xpt", ".xport"}
_CSV_NULLS = ["", "."]  # "." is how SAS writes a missing number when it exports CSV

T = TypeVar("T")


def import_dream(
    warehouse: Warehouse, path: Path, codes_path: Path, options: ImportOptions
) -> ImportOutcome:
    """Import a DREAM file with its code mapping file (``code,benefit,target_group,category``).

    The mapping is read (and validated) first and stored in ``status_code`` in the same
    transaction as the spells; the import is all-or-nothing and a file already imported is a
    no-op.
    """
    mapping = read_code_mapping(codes_path)
    return run_import(warehouse, SOURCE, path, partial(_load, mapping=mapping), options)


# --- the header ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the columns that matter are: ``PNR`` and the week columns in time order."""

    names: list[str]
    pnr: int
    weeks: list[int]  # positions in ``names``
    week_numbers: npt.NDArray[np.int32]
    breaks: npt.NDArray[np.bool_]  # True where a week is missing before this column

    @property
    def week_names(self) -> list[str]:
        return [self.names[i] for i in self.weeks]

    @cached_property
    def week_labels(self) -> list[str]:
        """``2012U01`` etc., one per week column."""
        return [week_period(int(w)).label() for w in self.week_numbers]

    @property
    def pnr_name(self) -> str:
        return self.names[self.pnr]

    def label(self) -> str:
        first = week_period(int(self.week_numbers[0])).label()
        last = week_period(int(self.week_numbers[-1])).label()
        return f"uger {first}-{last}"

    @property
    def missing_weeks(self) -> int:
        span = int(self.week_numbers[-1] - self.week_numbers[0]) + 1
        return span - len(self.week_numbers)


def parse_header(names: list[str], file: str, line: int | None = 1) -> Layout:
    """Check the header and find ``PNR`` and the ``y_YYWW`` week columns (InputError if wrong)."""
    cleaned = [n.strip() for n in names]
    problems: list[Problem] = []
    pnr = [i for i, n in enumerate(cleaned) if n.lower() == "pnr"]
    if not pnr:
        shown = ", ".join(cleaned[:8]) + (", ..." if len(cleaned) > 8 else "")
        problems.append(
            Problem(
                file,
                f"overskriften mangler kolonnen PNR (personnøglen); forventet PNR og ugekolonner "
                f"y_ÅÅUU (fx y_1201), fundet: {shown or 'ingen kolonner'}",
                line,
            )
        )
    elif len(pnr) > 1:
        problems.append(Problem(file, "kolonnen PNR står mere end én gang", line, "PNR"))
    weeks: list[int] = []
    numbers: list[int] = []
    for i, name in enumerate(cleaned):
        match = _WEEK.fullmatch(name)
        if match is None:
            if _WEEKISH.match(name):
                problems.append(
                    Problem(
                        file,
                        "kolonnen ligner en ugekolonne, men navnet skal have formen y_ÅÅUU "
                        "(fx y_1201 for 2012U01)",
                        line,
                        name,
                    )
                )
            continue
        yy, ww = int(match.group(1)), int(match.group(2))
        year = 2000 + yy if yy < 90 else 1900 + yy
        try:
            number = iso_week_number(year, ww)
        except PeriodError as exc:
            problems.append(Problem(file, f"kolonnen er ikke en rigtig ISO-uge: {exc}", line, name))
            continue
        if numbers and number <= numbers[-1]:
            previous = cleaned[weeks[-1]]
            reason = (
                f"ugen står to gange (også som {previous})"
                if number == numbers[-1]
                else f"ugekolonnerne skal stå i tidsorden, men {name} "
                f"({week_period(number).label()}) står efter {previous} "
                f"({week_period(numbers[-1]).label()})"
            )
            problems.append(Problem(file, reason, line, name))
            continue
        weeks.append(i)
        numbers.append(number)
    if not weeks and not problems:
        problems.append(
            Problem(file, "filen har ingen ugekolonner; forventet y_ÅÅUU (fx y_1201)", line)
        )
    if problems:
        raise InputError(problems)
    week_numbers = np.array(numbers, np.int32)
    breaks = np.zeros(len(numbers), bool)
    breaks[1:] = np.diff(week_numbers) > 1
    return Layout(cleaned, pnr[0], weeks, week_numbers, breaks)


# --- chunks from the three formats -----------------------------------------------------------


@dataclass
class Chunk:
    """Up to ``chunk_rows`` persons: PNR as text and each week column as int16/int32 with nulls."""

    first_line: int
    pnr: pa.Array | pa.ChunkedArray
    weeks: list[pa.Array | pa.ChunkedArray]

    def __len__(self) -> int:
        return len(self.pnr)


@dataclass(frozen=True)
class Source:
    """A readable DREAM file: its layout, its chunks and (if known) its number of rows."""

    layout: Layout
    chunks: Generator[Chunk, None, None]
    total: int | None
    rows_hint: int  # the number of rows, or an estimate from the file size


def _numpy_type(codes_type: pa.DataType) -> np.dtype[np.integer]:
    return np.dtype(np.int16) if codes_type == pa.int16() else np.dtype(np.int32)


def _codes_type(mapping: dict[int, StatusCode]) -> pa.DataType:
    """int16 when every mapped code fits (half the memory); any code outside is unknown anyway."""
    limit = np.iinfo(np.int16)
    fits = all(limit.min < code <= limit.max for code in mapping)
    return pa.int16() if fits else pa.int32()


def _open_source(path: Path, chunk_rows: int, codes_type: pa.DataType) -> Source:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_source(path, chunk_rows, codes_type)
    if suffix in _SAS_SUFFIXES:
        return _sas_source(path, chunk_rows, codes_type)
    return _csv_source(path, chunk_rows, codes_type)


# CSV: pyarrow's streaming reader (open_csv) parses on one thread, which makes a 1.8 GB file
# take twice as long. Instead we cut the file ourselves into blocks of whole lines (counting the
# newlines, so every row's physical line is known) and parse each block with read_csv, which
# uses all cores; a background thread parses the next block while this one is processed.


@dataclass(frozen=True)
class _CsvFile:
    path: Path
    encoding: str
    delimiter: str
    names: list[str]
    data_start: int  # byte offset of line 2


def _read_csv_header(path: Path) -> _CsvFile:
    fmt = sniff_text_format(path, whole_file=False)
    with path.open("rb") as handle:
        raw = handle.readline()
    text = raw.decode(fmt.encoding).rstrip("\r\n")
    names = next(csv.reader([text], delimiter=fmt.delimiter), [])
    return _CsvFile(path, fmt.encoding, fmt.delimiter, names, len(raw))


def _csv_source(path: Path, chunk_rows: int, codes_type: pa.DataType) -> Source:
    file = _read_csv_header(path)
    layout = parse_header(file.names, path.name)
    size = path.stat().st_size - file.data_start
    hint = size // _bytes_per_row(file)
    return Source(layout, _csv_chunks(file, layout, chunk_rows, codes_type), None, hint)


def _bytes_per_row(file: _CsvFile) -> int:
    """An estimate from the first 64 KB of data."""
    with file.path.open("rb") as handle:
        handle.seek(file.data_start)
        sample = handle.read(1 << 16)
    return max(len(sample) // max(sample.count(b"\n"), 1), 1)


@dataclass(frozen=True)
class _Block:
    offset: int
    first_line: int
    rows: int
    data: memoryview  # valid until the next block is read
    last: bool  # the block ends the file


def _csv_blocks(file: _CsvFile, chunk_rows: int) -> Iterator[_Block]:
    """Blocks of about ``chunk_rows`` whole lines, with their byte offset and first line.

    One buffer is read into again and again: fresh memory for every block costs the kernel
    a page fault per 4 KB, seconds for a national file.
    """
    per_row = _bytes_per_row(file)
    buffer = bytearray()
    with file.path.open("rb") as handle:
        offset, line = file.data_start, 2
        while True:
            want = max(int(per_row * chunk_rows * 0.98), 1 << 16)
            if len(buffer) < want + 1:  # room for a final newline too
                buffer = bytearray(want + 1)
            view = memoryview(buffer)
            handle.seek(offset)
            end = handle.readinto(view[:want])
            if not end:
                return
            at_end = end < want
            if at_end:  # blank lines at the very end are harmless
                while end and buffer[end - 1] in b"\r\n":
                    end -= 1
                if not end:
                    return
                buffer[end] = ord("\n")
                end += 1
            cut = buffer.rfind(b"\n", 0, end) + 1
            if cut == 0:  # one line longer than the block: read more
                per_row *= 2
                continue
            rows = buffer.count(b"\n", 0, cut)
            if rows > chunk_rows:
                cut = _after_newline(buffer, chunk_rows)
                rows = chunk_rows
            yield _Block(offset, line, rows, view[:cut], at_end and cut == end)
            offset += cut
            line += rows
            per_row = max(cut // rows, 1)


def _after_newline(data: bytearray, count: int) -> int:
    """The position just after the ``count``-th newline."""
    position = -1
    for _ in range(count):
        position = data.find(b"\n", position + 1)
    return position + 1


def _csv_chunks(
    file: _CsvFile, layout: Layout, chunk_rows: int, codes_type: pa.DataType
) -> Generator[Chunk, None, None]:
    names = [f"c{i}" for i in range(len(file.names))]
    pnr = names[layout.pnr]
    weeks = [names[i] for i in layout.weeks]
    types: dict[str, pa.DataType] = {w: codes_type for w in weeks}
    types[pnr] = pa.string()
    parse = pacsv.ParseOptions(
        delimiter=file.delimiter, newlines_in_values=False, ignore_empty_lines=False
    )
    convert = pacsv.ConvertOptions(
        column_types=types,
        include_columns=[pnr, *weeks],
        null_values=_CSV_NULLS,
        strings_can_be_null=False,
        quoted_strings_can_be_null=True,
    )
    encoding = "utf8" if file.encoding.startswith("utf-8") else file.encoding
    for block in _csv_blocks(file, chunk_rows):
        read = pacsv.ReadOptions(
            column_names=names,
            encoding=encoding,
            block_size=min(max(len(block.data) // 8, 1 << 20), 16 << 20),
        )
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(block.data)),
                read_options=read,
                parse_options=parse,
                convert_options=convert,
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            table = None
        if table is None or table.num_rows != block.rows:
            # Never pass pyarrow's message on: it quotes the offending line, PNR included.
            raise InputError(_locate_csv_problems(file, layout, block, codes_type))
        yield Chunk(block.first_line, table.column(pnr), [table.column(w) for w in weeks])


def _masked(value: str) -> str:
    return MASK if _CPR_VALUE.search(value) else value


def _locate_csv_problems(
    file: _CsvFile, layout: Layout, block: _Block, codes_type: pa.DataType
) -> list[Problem]:
    """The slow scan of one block that pyarrow refused: which line, column and value."""
    name = file.path.name
    limit = np.iinfo(_numpy_type(codes_type))
    expected = len(file.names)
    problems: list[Problem] = []
    lines = bytes(block.data).split(b"\n")[: block.rows]
    last_line = block.first_line + block.rows - 1
    for number, raw in enumerate(lines, start=block.first_line):
        if len(problems) >= MAX_LISTED:
            break
        try:
            text = raw.decode(file.encoding).rstrip("\r")
        except UnicodeDecodeError:
            problems.append(Problem(name, "linjen har tegn, der ikke er gyldig UTF-8", number))
            continue
        if not text.strip():
            problems.append(Problem(name, "linjen er tom", number))
            continue
        fields = next(csv.reader([text], delimiter=file.delimiter), [])
        if len(fields) != expected:
            truncated = len(fields) < expected and number == last_line and block.last
            reason = (
                f"den sidste linje er afkortet: den har {len(fields)} felter, "
                f"overskriften har {expected}"
                if truncated
                else f"linjen har {len(fields)} felter, overskriften har {expected}"
            )
            problems.append(Problem(name, reason, number))
            continue
        for position in layout.weeks:
            value = fields[position]
            if value in _CSV_NULLS:
                continue
            column = layout.names[position]
            if value != value.strip():
                problems.append(
                    Problem(name, "ugekoden har mellemrum om sig", number, column, _masked(value))
                )
            elif not re.fullmatch(r"[+-]?\d+", value):
                problems.append(
                    Problem(name, "ugekoden skal være et heltal", number, column, _masked(value))
                )
            elif not limit.min <= int(value) <= limit.max:
                problems.append(
                    Problem(name, "koden findes ikke i kodefilen", number, column, _masked(value))
                )
    if not problems:
        problems.append(
            Problem(
                name,
                f"filen kunne ikke læses mellem linje {block.first_line} og {last_line}",
                block.first_line,
            )
        )
    return problems


# Parquet and SAS: columns arrive typed by the writer; week columns are coerced to the codes
# type and a value that cannot be a code (a fraction, text, a number out of range) is an error.


def _parquet_source(path: Path, chunk_rows: int, codes_type: pa.DataType) -> Source:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        reason = f"filen kan ikke læses som Parquet ({exc})"
        raise InputError([Problem(path.name, reason)]) from None
    layout = parse_header(list(parquet.schema_arrow.names), path.name, None)

    def chunks() -> Generator[Chunk, None, None]:
        columns = [parquet.schema_arrow.names[i] for i in [layout.pnr, *layout.weeks]]
        first = 1
        for batch in parquet.iter_batches(batch_size=chunk_rows, columns=columns):
            yield _typed_chunk(path.name, layout, batch.columns, first, codes_type)
            first += batch.num_rows

    rows = parquet.metadata.num_rows
    return Source(layout, chunks(), rows, rows)


def _sas_source(path: Path, chunk_rows: int, codes_type: pa.DataType) -> Source:
    import pyreadstat  # pandas comes with it; only SAS users pay for the import

    reader: Callable[..., Any] = (
        pyreadstat.read_sas7bdat if path.suffix.lower() == ".sas7bdat" else pyreadstat.read_xport
    )
    try:
        _, meta = reader(str(path), metadataonly=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise InputError(
            [Problem(path.name, f"filen kan ikke læses som SAS-datasæt ({exc})")]
        ) from None
    layout = parse_header(list(meta.column_names), path.name, None)
    wanted = [meta.column_names[i] for i in [layout.pnr, *layout.weeks]]

    def chunks() -> Generator[Chunk, None, None]:
        first = 1
        for frame, _ in pyreadstat.read_file_in_chunks(
            reader, str(path), chunksize=chunk_rows, usecols=wanted
        ):
            table = pa.Table.from_pandas(frame[wanted], preserve_index=False)
            yield _typed_chunk(path.name, layout, table.columns, first, codes_type)
            first += table.num_rows

    rows = meta.number_rows
    total = int(rows) if rows is not None and rows >= 0 else None
    return Source(layout, chunks(), total, total or path.stat().st_size // 1000)


def _typed_chunk(
    file: str,
    layout: Layout,
    columns: list[Any],
    first: int,
    codes_type: pa.DataType,
) -> Chunk:
    pnr = _pnr_text(columns[0])
    weeks = [
        _week_codes(file, name, column, first, codes_type)
        for name, column in zip(layout.week_names, columns[1:], strict=True)
    ]
    return Chunk(first, pnr, weeks)


def _pnr_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """PNR as text; a number is written with ten digits, since a CPR number stored as a
    number has lost its leading zero."""
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        numbers = pc.cast(column, pa.int64(), safe=False)
        return pc.utf8_lpad(pc.cast(numbers, pa.string()), 10, "0")
    return pc.cast(column, pa.string())


def _week_codes(
    file: str, name: str, column: pa.Array | pa.ChunkedArray, first: int, codes_type: pa.DataType
) -> pa.Array | pa.ChunkedArray:
    kind = column.type
    if kind == codes_type:  # the common case: nothing to check, nothing to convert
        return column
    if pa.types.is_null(kind):
        return pa.nulls(len(column), codes_type)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
        blank = pc.is_in(text, value_set=pa.array(_CSV_NULLS))
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
        numeric = pc.match_substring_regex(text, r"^[+-]?\d{1,9}$")
        _raise_first(file, name, text, pc.invert(numeric), first, "ugekoden skal være et heltal")
        column = pc.cast(text, pa.int64())
        kind = column.type
    if pa.types.is_floating(kind):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
        fraction = pc.not_equal(column, pc.floor(column))
        _raise_first(file, name, column, fraction, first, "ugekoden skal være et heltal")
    elif not pa.types.is_integer(kind):
        raise InputError(
            [Problem(file, f"kolonnen har typen {kind}; ugekoder skal være heltal", None, name)]
        )
    limit = np.iinfo(_numpy_type(codes_type))
    least, most = pc.min_max(column).values()
    if least.is_valid and (least.as_py() < limit.min or most.as_py() > limit.max):
        outside = pc.or_(pc.less(column, limit.min), pc.greater(column, limit.max))
        _raise_first(file, name, column, outside, first, "koden findes ikke i kodefilen")
    return pc.cast(column, codes_type, safe=False)


def _raise_first(
    file: str,
    name: str,
    column: pa.Array | pa.ChunkedArray,
    bad: pa.Array | pa.ChunkedArray,
    first: int,
    reason: str,
) -> None:
    """Raise InputError naming the rows where ``bad`` holds, if any (nulls do not count)."""
    rows = np.flatnonzero(_flags(bad))
    if not rows.size:
        return
    values = column.take(pa.array(rows[:MAX_LISTED])).to_pylist()
    problems = [
        Problem(file, reason, first + int(row), name, _masked(_plain(value)))
        for row, value in zip(rows[:MAX_LISTED].tolist(), values, strict=True)
    ]
    raise InputError(problems, total=len(rows))


def _plain(value: object) -> str:
    """A value as the user wrote it: 130.5, not 130.50000; 7 rather than 7.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- the import ------------------------------------------------------------------------------


def _prefetched(items: Iterator[T]) -> Generator[T, None, None]:
    """``items`` with the next one read on a background thread while this one is used."""
    done = object()
    with ThreadPoolExecutor(1, thread_name_prefix="dream-read") as pool:
        pending = pool.submit(next, items, done)
        try:
            while True:
                item = pending.result()
                if item is done:
                    return
                pending = pool.submit(next, items, done)
                yield item  # type: ignore[misc]
        finally:
            pending.cancel()
            if not pending.cancelled():
                pending.exception()  # wait for it; the error, if any, is not ours to raise
            close = getattr(items, "close", None)
            if close is not None:
                close()


class _CodeSet:
    """The mapped codes; for int16 codes a 64 K lookup table, 5x faster than ``np.isin``."""

    def __init__(self, codes: npt.NDArray[np.integer], dtype: np.dtype[np.integer]) -> None:
        self._codes = codes
        self._table: npt.NDArray[np.bool_] | None = None
        if dtype == np.dtype(np.int16):
            self._table = np.zeros(1 << 16, bool)
            self._table[codes.astype(np.int16).view(np.uint16)] = True

    def contains(self, values: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
        if self._table is not None:
            return self._table[values.astype(np.int16, copy=False).view(np.uint16)]
        return np.isin(values, self._codes)


@dataclass
class _Unknown:
    """An unknown code: how many weeks carry it and where it is first seen."""

    weeks: int
    line: int
    column: str


@dataclass
class _Seen:
    """The persons met so far (sorted pseudonyms and their lines): duplicates across chunks."""

    ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    lines: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))

    def earlier_line(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """For each id the line where it was met before, or 0."""
        if not len(self.ids):
            return np.zeros(len(ids), np.int64)
        position = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return np.where(self.ids[position] == ids, self.lines[position], 0)

    def add(self, ids: npt.NDArray[np.int64], lines: npt.NDArray[np.int64]) -> None:
        order = np.argsort(ids)
        ids, lines = ids[order], lines[order]
        position = np.searchsorted(self.ids, ids)
        self.ids = np.insert(self.ids, position, ids)
        self.lines = np.insert(self.lines, position, lines)


@dataclass(frozen=True)
class _Encoded:
    """A chunk after the reader thread's work: runs found, pseudonyms on their way."""

    chunk: Chunk
    runs: Runs
    real_empty: list[int]
    person_ids: Callable[[], PersonIds]


@dataclass(frozen=True)
class _Encoder:
    """The work done on the reader thread, beside parsing: start the pseudonyms (in the helper
    process for a big file) and run-length encode the week columns."""

    layout: Layout
    empty: int
    dtype: np.dtype[np.integer]
    pseudonymiser: Pseudonymiser
    pool: PseudonymPool | None

    def __call__(self, chunk: Chunk) -> _Encoded:
        person_ids: Callable[[], PersonIds]
        if self.pool is not None:
            person_ids = self.pool.submit(chunk.pnr)
        else:
            person_ids = partial(pseudonymise, self.pseudonymiser, chunk.pnr)
        codes = [column_codes(column, self.empty, self.dtype) for column in chunk.weeks]
        runs = find_runs([c.values for c in codes], self.layout.breaks, self.empty)
        return _Encoded(chunk, runs, [c.real_empty for c in codes], person_ids)

    def each(self, chunks: Generator[Chunk, None, None]) -> Generator[_Encoded, None, None]:
        with closing(chunks):
            for chunk in chunks:
                yield self(chunk)


@dataclass
class _Run:
    """The state of one import across chunks (on the main thread)."""

    ctx: ImportContext
    layout: Layout
    known: _CodeSet
    empty: int
    seen: _Seen = field(default_factory=_Seen)
    unknown: dict[int, _Unknown] = field(default_factory=dict)
    accepted_ids: list[npt.NDArray[np.int64]] = field(default_factory=list)
    rows_in: int = 0
    rows_accepted: int = 0
    spells: int = 0

    def chunk(self, encoded: _Encoded) -> None:
        chunk, runs = encoded.chunk, encoded.runs
        n = len(chunk)
        pnr_name = self.layout.pnr_name
        lines = chunk.first_line + np.arange(n, dtype=np.int64)
        rejected: dict[int, tuple[str, str | None]] = {}  # row → (reason, column)
        unknown = self._unknown_codes(chunk, runs, encoded.real_empty, lines)
        person_ids = encoded.person_ids()
        ids = person_ids.ids
        for row, reason in person_ids.invalid:
            rejected[row] = (reason, pnr_name)
        valid = np.ones(n, bool)
        valid[list(rejected)] = False

        rows = np.flatnonzero(valid)
        own = lines[rows]
        earlier = self.seen.earlier_line(ids[rows])
        earlier = np.where(earlier > 0, earlier, own[_first_occurrence(ids[rows])])
        twice = earlier != own
        for row, line in zip(rows[twice].tolist(), earlier[twice].tolist(), strict=True):
            rejected[row] = (f"personen står også i linje {line}", pnr_name)
        self.seen.add(ids[rows[~twice]], own[~twice])
        valid[rows[twice]] = False

        valid[list(unknown)] = False
        if self.ctx.rejects.tolerated:
            for row, why in unknown.items():
                rejected.setdefault(row, why)
        # (Without --rejects, unknown codes are summarised per code when the file is read.)
        if rejected:
            order = sorted(rejected)
            described = _rejected_rows(runs, self.layout, order)
            for row, values in zip(order, described, strict=True):
                reason, column = rejected[row]
                problem = Problem(self.ctx.file, reason, int(lines[row]), column)
                self.ctx.rejects.add(problem, values)

        self._insert(ids, runs, valid[runs.row])
        self.accepted_ids.append(ids[valid])
        self.rows_in += n
        self.rows_accepted += int(np.count_nonzero(valid))

    def _unknown_codes(
        self, chunk: Chunk, runs: Runs, real_empty: list[int], lines: npt.NDArray[np.int64]
    ) -> dict[int, tuple[str, str | None]]:
        """Count codes missing from the mapping; the rows that carry one, with the reason."""
        names = self.layout.week_names
        found: dict[int, tuple[str, str | None]] = {}
        unknown = ~self.known.contains(runs.code)
        if unknown.any():
            order = np.lexsort((runs.first[unknown], runs.row[unknown]))
            rows = runs.row[unknown][order]
            code = runs.code[unknown][order]
            first = runs.first[unknown][order]
            weeks = (runs.last[unknown][order] - first + 1).astype(np.int64)
            for value in np.unique(code).tolist():
                mine = code == value
                at = int(np.argmax(mine))
                self._count_unknown(
                    int(value), int(weeks[mine].sum()), int(lines[rows[at]]), names[first[at]]
                )
            for row, value, column in zip(
                rows.tolist(), code.tolist(), first.tolist(), strict=True
            ):
                found.setdefault(row, (f"koden {value} findes ikke i kodefilen", names[column]))
        # A cell that holds the very value used for "empty" (normally 0) is a code, unknown.
        for j, count in enumerate(real_empty):
            if count:
                hits = np.flatnonzero(_flags(pc.equal(chunk.weeks[j], self.empty)))
                self._count_unknown(self.empty, len(hits), int(lines[hits[0]]), names[j])
                for row in hits.tolist():
                    found.setdefault(row, (f"koden {self.empty} findes ikke i kodefilen", names[j]))
        return found

    def _count_unknown(self, code: int, weeks: int, line: int, column: str) -> None:
        earlier = self.unknown.get(code)
        if earlier is None:
            self.unknown[code] = _Unknown(weeks, line, column)
            return
        earlier.weeks += weeks
        if line < earlier.line:
            earlier.line, earlier.column = line, column

    def _insert(self, ids: npt.NDArray[np.int64], runs: Runs, keep: npt.NDArray[np.bool_]) -> None:
        if not keep.any():
            return
        weeks = self.layout.week_numbers
        table = pa.table(
            {
                "person_id": ids[runs.row[keep]],
                "code": runs.code[keep].astype(np.int32),
                "first_week": weeks[runs.first[keep]],
                "last_week": weeks[runs.last[keep]],
            }
        )
        con = self.ctx.con
        con.register("dream_spells_chunk", table)
        try:
            con.execute(
                "INSERT INTO status_spell SELECT person_id, code, first_week, last_week, ? "
                "FROM dream_spells_chunk",
                [self.ctx.import_id],
            )
        finally:
            con.unregister("dream_spells_chunk")
        self.spells += table.num_rows

    def unknown_problems(self) -> list[Problem]:
        """One problem per unknown code: how many weeks carry it and where it is first."""
        return [
            Problem(
                self.ctx.file,
                f"koden findes ikke i kodefilen; {_number(u.weeks)} "
                f"{'uge' if u.weeks == 1 else 'uger'} har den (første gang i linje {u.line})",
                u.line,
                u.column,
                str(code),
            )
            for code, u in sorted(self.unknown.items())
        ]

    def replace_earlier(self) -> None:
        """Re-delivery: drop earlier imports' spells of every person accepted from this file."""
        con = self.ctx.con
        [(earlier,)] = con.execute(
            "SELECT EXISTS (SELECT 1 FROM status_spell WHERE import_id <> ?)", [self.ctx.import_id]
        ).fetchall()
        if not earlier or not self.accepted_ids:
            return
        persons = pa.table({"person_id": np.concatenate(self.accepted_ids)})
        con.register("dream_persons", persons)
        try:
            con.execute(
                "DELETE FROM status_spell WHERE import_id <> ? "
                "AND person_id IN (SELECT person_id FROM dream_persons)",
                [self.ctx.import_id],
            )
        finally:
            con.unregister("dream_persons")


def _flags(values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """A boolean Arrow array as NumPy, null → False."""
    filled = pc.fill_null(values, False)
    if isinstance(filled, pa.ChunkedArray):
        filled = filled.combine_chunks()
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)


def _first_occurrence(ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each position, the position of the first equal id."""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    starts = np.ones(len(ids), bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    group_first = order[np.maximum.accumulate(np.where(starts, np.arange(len(ids)), 0))]
    result = np.empty(len(ids), np.int64)
    result[order] = group_first
    return result


def _rejected_rows(runs: Runs, layout: Layout, rows: list[int]) -> list[dict[str, str]]:
    """Rejected rows for the rejects file: PNR hidden and the row's codes as runs, e.g.
    ``111: 2012U01-2012U03; 999: 2012U05`` (one short column rather than hundreds of weeks,
    so that even many rejected rows take little memory)."""
    order = np.lexsort((runs.first, runs.row))
    ordered = runs.row[order]
    starts = np.searchsorted(ordered, rows, side="left").tolist()
    stops = np.searchsorted(ordered, rows, side="right").tolist()
    labels = layout.week_labels
    result = []
    for start, stop in zip(starts, stops, strict=True):
        mine = order[start:stop]
        parts = []
        for code, first, last in zip(
            runs.code[mine].tolist(),
            runs.first[mine].tolist(),
            runs.last[mine].tolist(),
            strict=True,
        ):
            weeks = labels[first] if first == last else f"{labels[first]}-{labels[last]}"
            parts.append(f"{code}: {weeks}")
        result.append({layout.pnr_name: MASK, "ugekoder": "; ".join(parts)})
    return result


def _number(value: int) -> str:
    """Danish thousands separator: 1.234.567."""
    return f"{value:,}".replace(",", ".")


PARALLEL_FROM_ROWS = 50_000
"""From this many rows on, pseudonyms are computed in a helper process (see dream_kernel)."""
HELPER_PROCESSES = 1
"""One is enough on two cores: parsing keeps both busy, and a second helper measured slower."""


def _load(ctx: ImportContext, mapping: dict[int, StatusCode]) -> Loaded:
    store_code_mapping(ctx.con, mapping, ctx.import_id)
    codes_type = _codes_type(mapping)
    dtype = _numpy_type(codes_type)
    limit = np.iinfo(dtype)
    known = _CodeSet(np.array([c for c in mapping if limit.min <= c <= limit.max]), dtype)
    # "Empty" must be a value no mapped code has: 0 unless the mapping uses 0.
    empty = next(v for v in (0, int(limit.min), *range(-1, -100, -1)) if v not in mapping)
    source = _open_source(ctx.path, max(ctx.chunk_rows, 1), codes_type)
    pseudonymiser = ctx.require_pseudonymiser()
    run = _Run(ctx, source.layout, known, empty)
    pool = None
    if source.rows_hint >= PARALLEL_FROM_ROWS:
        try:
            pool = PseudonymPool(pseudonymiser, HELPER_PROCESSES)
        except OSError:  # no way to start a process here: hash on this one, only slower
            log.warning("DREAM: hjælpeprocessen kunne ikke startes; pseudonymiserer i processen")
    encoder = _Encoder(source.layout, empty, dtype, pseudonymiser, pool)
    try:
        with closing(_prefetched(encoder.each(source.chunks))) as encoded:
            try:
                for item in encoded:
                    run.chunk(item)
                    ctx.progress(run.rows_in, source.total)
            except BaseException:
                if pool is not None:  # free the reader thread if it waits on a helper
                    pool.kill()
                raise
    finally:
        if pool is not None:
            pool.close()
    unknown = run.unknown_problems()
    if unknown and not ctx.rejects.tolerated:
        rejects = ctx.rejects
        raise InputError(unknown + rejects.problems, total=len(unknown) + rejects.count)
    run.replace_earlier()
    detail = (
        f"{source.layout.label()}, {_number(run.rows_accepted)} personer, "
        f"{_number(run.spells)} forløb"
    )
    if source.layout.missing_weeks:
        detail += f"; {_number(source.layout.missing_weeks)} uger mangler i filen"
    return Loaded(run.rows_in, run.rows_accepted, detail)
