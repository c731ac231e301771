"""Writing the demo's tables in the real input formats that ``ungeindsats.ingest`` reads.

* ``dream.parquet``: DREAM wide (``PNR`` and one ``y_YYWW`` int16 column per week, empty = null),
  with its code file ``dream_koder.csv`` (``code,benefit,target_group,category,label``; every label
  says the codes are the demo's own).
* ``folk1a.csv``: FOLK1A as the StatBank API's BULK answer with codes
  (``OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD``, area ``000`` for the country).
* ``jobindsats/<table>.json``: Jobindsats' v2 JSON answer, one file per table.
* canonical files (docs/canonical-formats.md): ``personer.parquet``, ``bopael.parquet``,
  ``maalgrupper.parquet``, ``tilbud.parquet``, ``uddannelse.parquet``, ``upv.parquet``,
  ``beskaeftigelse.parquet``, ``sanktioner.parquet`` and ``rammevilkaar.csv``; persons as ``cpr``
  in the ``DDMMÅÅ-SSSS`` form (the DREAM file writes the ten digits without the hyphen).
* ``hidden/effectiveness.csv``: the municipalities' hidden effects. Not an input: the benchmark
  is checked against it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from ungeindsats.demo import outputs as out
from ungeindsats.demo.outputs import Output

ASCII = np.uint8


def _strings(chars: npt.NDArray[np.uint8]) -> pa.Array:
    """Fixed-width ASCII rows (n × width) as an Arrow string array, without a Python loop."""
    n, width = chars.shape
    offsets = (np.arange(n + 1, dtype=np.int32) * width).tobytes()
    data = np.ascontiguousarray(chars).tobytes()
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def cpr_with_hyphen(digits: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    chars = np.empty((len(digits), 11), dtype=ASCII)
    chars[:, :6] = digits[:, :6]
    chars[:, 6] = ord("-")
    chars[:, 7:] = digits[:, 6:]
    return chars


def _week_strings(weeks: pa.Array, labels: tuple[int, list[str]]) -> pa.Array:
    """Week numbers as ISO week labels (``2019U07``), a dictionary array; nulls stay null."""
    first, names = labels
    values = np.asarray(weeks.fill_null(first).to_numpy(zero_copy_only=False), np.int64) - first
    mask = np.asarray(weeks.is_null().to_numpy(zero_copy_only=False), bool)
    indices = pa.array(values.astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names))


class Writer:
    """Writes the files of one demo folder and keeps the manifest's list."""

    def __init__(self, output: Output, folder: Path) -> None:
        self.output = output
        self.folder = folder
        self.files: list[tuple[str, Path, int, Path | None]] = []
        self.cpr = _strings(cpr_with_hyphen(output.cpr))
        self._labels: tuple[int, list[str]] | None = None

    def add(self, kind: str, path: Path, rows: int, codes: Path | None = None) -> None:
        self.files.append((kind, path, rows, codes))

    # -- DREAM --

    def dream(self, progress: Callable[[], None]) -> None:
        """The wide weekly file, written by a background thread while the next block is built."""
        first, last = self.output.weeks
        names = out.dream_week_names(first, last)
        schema = pa.schema([("PNR", pa.string())] + [(name, pa.int16()) for name in names])
        path = self.folder / "dream.parquet"
        rows = 0
        with (
            pq.ParquetWriter(path, schema, compression="zstd", write_statistics=False) as writer,
            ThreadPoolExecutor(1, thread_name_prefix="demo-dream") as pool,
        ):
            pending: Future[None] | None = None
            for block in out.blocks(self.output):
                table = _dream_table(block, schema)
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, table)
                rows += block.codes.shape[1]
                progress()
            if pending is not None:
                pending.result()
        codes = self.folder / "dream_koder.csv"
        with codes.open("w", encoding="utf-8", newline="") as handle:
            write = csv.writer(handle, lineterminator="\n")
            write.writerow(["code", "benefit", "target_group", "category", "label"])
            write.writerows(out.code_rows())
        self.add("dream", path, rows, codes)

    # -- aggregates --

    def population(self) -> None:
        path = self.folder / "folk1a.csv"
        rows = out.population_rows(self.output)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write("OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n")
            handle.writelines(
                f"{code:03d};{sex};{age};TOT;{quarter};{persons}\n"
                for code, sex, age, quarter, persons in rows
            )
        self.add("population", path, len(rows))

    def jobindsats(self) -> None:
        folder = self.folder / "jobindsats"
        folder.mkdir(exist_ok=True)
        names = dict(
            zip(
                self.output.params.municipalities.codes.tolist(),
                self.output.params.municipalities.names,
                strict=True,
            )
        )
        names[0] = "Hele landet"
        by_table: dict[str, list[out.JobindsatsCell]] = {}
        for cell in out.jobindsats_cells(self.output):
            by_table.setdefault(cell.table, []).append(cell)
        for table, cells in sorted(by_table.items()):
            has_category = any(c.category for c in cells)
            variables = [
                {"Name": "area", "Label": "Område"},
                {"Name": "period", "Label": "Periode"},
            ]
            if has_category:
                variables.append({"Name": "_viskat", "Label": "Visitationskategori"})
            variables += [
                {"Name": "_alder", "Label": "Alder"},
                {"Name": f"{table.lower()}_1", "Label": "Antal personer"},
                {"Name": f"{table.lower()}_2", "Label": "Antal fuldtidspersoner"},
            ]
            data = []
            for c in cells:
                row: list[object] = [names[c.municipality], c.month]
                if has_category:
                    row.append(c.category)
                row += [c.age_band, c.persons, c.fte]
                data.append(row)
            path = folder / f"{table}.json"
            path.write_text(
                json.dumps([{"Variables": variables, "Data": data}], ensure_ascii=False),
                encoding="utf-8",
            )
            self.add("jobindsats", path, len(data))

    # -- canonical files --

    def _week_labels(self) -> tuple[int, list[str]]:
        if self._labels is None:
            low = int(min(self.output.res_first.min(), self.output.model["first"].min()))
            high = self.output.weeks[1]
            self._labels = (low, out.week_labels(low, high))
        return self._labels

    def canonical(self, kind: str, name: str, tables: pa.Table | Iterable[pa.Table]) -> None:
        """Write warehouse-layout tables as one canonical file (persons as ``cpr``)."""
        path = self.folder / name
        rows = 0
        writer: pq.ParquetWriter | None = None
        try:
            for table in [tables] if isinstance(tables, pa.Table) else tables:
                piece = self._file_columns(kind, table)
                if writer is None:
                    writer = pq.ParquetWriter(path, piece.schema, compression="zstd")
                writer.write_table(piece)
                rows += table.num_rows
        finally:
            if writer is not None:
                writer.close()
        self.add(kind, path, rows)

    def _file_columns(self, kind: str, table: pa.Table) -> pa.Table:
        columns: dict[str, pa.Array] = {}
        for field in table.schema:
            column = table.column(field.name).combine_chunks()
            if field.name == "person_id":
                ids = pa.array(np.asarray(column.to_numpy(), np.int64))
                columns["cpr"] = self.cpr.take(ids)
            elif field.name in ("first_week", "last_week"):
                columns[field.name] = _week_strings(column, self._week_labels())
            else:
                columns[field.name] = column
        if kind == "employment":
            year = np.asarray(columns.pop("year").to_numpy(), np.int64)
            month = np.asarray(columns.pop("month").to_numpy(), np.int64)
            labels = pa.array([f"{y}M{m:02d}" for y in range(1990, 2040) for m in range(1, 13)])
            index = pa.array(((year - 1990) * 12 + month - 1).astype(np.int32))
            columns = {
                "cpr": columns["cpr"],
                "month": pa.DictionaryArray.from_arrays(index, labels),
                "hours": columns["hours"],
            }
        return pa.table(columns)

    def framework(self) -> None:
        path = self.folder / "rammevilkaar.csv"
        rows = out.framework_rows(self.output)
        with path.open("w", encoding="utf-8", newline="") as handle:
            write = csv.writer(handle, delimiter=";", lineterminator="\n")
            write.writerow(["municipality", "year", "variable", "value"])
            for code, year, variable, value in rows:
                write.writerow([code, year, variable, _decimal(value)])
        self.add("framework", path, len(rows))

    def hidden(self) -> Path:
        folder = self.folder / "hidden"
        folder.mkdir(exist_ok=True)
        path = folder / "effectiveness.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(
                "# The demo's hidden municipality effects: NOT an input file. effectiveness:\n"
                "#   exits from benefits to education and work (higher is better); "
                "education_effort:\n"
                "#   completion of youth educations; level: inflow to benefits (higher is "
                "worse).\n"
            )
            write = csv.writer(handle, lineterminator="\n")
            write.writerow(["municipality", "name", "effectiveness", "education_effort", "level"])
            for code, name, eff, effort, level in out.hidden_effects_rows(self.output):
                write.writerow([code, name, f"{eff:.4f}", f"{effort:.4f}", f"{level:.4f}"])
        return path


def _decimal(value: float) -> str:
    """A number as the canonical files want it: decimal comma, no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _dream_table(block: out.Block, schema: pa.Schema) -> pa.Table:
    codes = block.codes  # (weeks, persons): each week column is contiguous already
    rows = codes.shape[1]
    valid = np.packbits(codes != 0, axis=1, bitorder="little")
    columns = [_strings(block.cpr)]
    for j in range(codes.shape[0]):
        columns.append(
            pa.Array.from_buffers(
                pa.int16(), rows, [pa.py_buffer(valid[j]), pa.py_buffer(codes[j])]
            )
        )
    return pa.Table.from_arrays(columns, schema=schema)
