"""The hot kernels of the DREAM import: weekly code columns → runs (forløb), and pseudonyms
(in helper processes for a big file, see ``PseudonymPool`` below).

DREAM is wide: one row per person and one column per week. A chunk of rows arrives from Arrow
column by column, so the kernel walks the week columns left to right and keeps, per row, the
code of the run it is in and the column where that run began. Comparing a column with the
previous one (a vectorised diff) finds the few rows whose code changes; only those rows are
touched. Each column costs two passes over ``rows`` small integers and no Python loop runs
over rows, which keeps a 1.5-million-person file to a couple of seconds of kernel time.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ungeindsats.ingest.cpr import CprError, Pseudonymiser

IntArray = npt.NDArray[np.integer]


@dataclass(frozen=True)
class Runs:
    """Runs of one non-empty code: row in the chunk, the code, and first and last column."""

    row: npt.NDArray[np.int64]
    code: IntArray
    first: npt.NDArray[np.int32]
    last: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.row)


@dataclass(frozen=True)
class ColumnCodes:
    """One week column as NumPy: nulls replaced by ``empty``; ``real_empty`` counts the cells
    that hold the value ``empty`` in the file itself (they must not silently vanish)."""

    values: IntArray
    real_empty: int


def _array_codes(array: pa.Array, empty: int, dtype: np.dtype[np.integer]) -> ColumnCodes:
    n = len(array)
    if n == 0:
        return ColumnCodes(np.empty(0, dtype), 0)
    if array.null_count == n:
        return ColumnCodes(np.full(n, empty, dtype), 0)
    buffers = array.buffers()
    # Read the data buffer directly: Arrow's fill_null allocates and is 8x slower here.
    data = np.frombuffer(buffers[1], dtype, count=n, offset=array.offset * dtype.itemsize)
    if array.null_count == 0:
        values = data
    else:
        bits = np.frombuffer(buffers[0], np.uint8)
        valid = np.unpackbits(bits, count=array.offset + n, bitorder="little")[array.offset :]
        values = data * valid if empty == 0 else np.where(valid.view(bool), data, empty)
        values = values.astype(dtype, copy=False)
    equal = n - np.count_nonzero(values) if empty == 0 else np.count_nonzero(values == empty)
    return ColumnCodes(values, int(equal) - array.null_count)


def column_codes(
    column: pa.Array | pa.ChunkedArray, empty: int, dtype: np.dtype[np.integer]
) -> ColumnCodes:
    """An int16/int32 Arrow column (of exactly ``dtype``) as a NumPy array, nulls → ``empty``."""
    if isinstance(column, pa.ChunkedArray):
        parts = [_array_codes(chunk, empty, dtype) for chunk in column.chunks]
        if len(parts) == 1:
            return parts[0]
        return ColumnCodes(
            np.concatenate([p.values for p in parts]) if parts else np.empty(0, dtype),
            sum(p.real_empty for p in parts),
        )
    return _array_codes(column, empty, dtype)


def find_runs(columns: Sequence[IntArray], breaks: npt.NDArray[np.bool_], empty: int) -> Runs:
    """Run-length encode rows of weekly codes given as columns (all of one length).

    A run is a maximal stretch of equal codes other than ``empty`` in consecutive columns; an
    empty week ends it, and so does ``breaks[j]`` (a week missing from the file before column
    ``j``). Runs come out ordered by their last column, not by row.
    """
    if not columns:
        return _no_runs(np.dtype(np.int16))
    n = len(columns[0])
    current: IntArray = np.full(n, empty, columns[0].dtype)
    start = np.zeros(n, np.int32)
    rows: list[npt.NDArray[np.int64]] = []
    codes: list[IntArray] = []
    firsts: list[npt.NDArray[np.int32]] = []
    lasts: list[npt.NDArray[np.int32]] = []

    def close(ending: npt.NDArray[np.int64], last: int) -> None:
        if ending.size:
            rows.append(ending)
            codes.append(current[ending])
            firsts.append(start[ending])
            lasts.append(np.full(ending.size, last, np.int32))

    for j, column in enumerate(columns):
        if breaks[j]:
            close(np.flatnonzero(current != empty), j - 1)
            current = np.full(n, empty, column.dtype)
        changed = np.flatnonzero(column != current)
        if changed.size:
            close(changed[current[changed] != empty], j - 1)
            start[changed] = j
        current = column
    close(np.flatnonzero(current != empty), len(columns) - 1)
    if not rows:
        return _no_runs(columns[0].dtype)
    return Runs(
        np.concatenate(rows), np.concatenate(codes), np.concatenate(firsts), np.concatenate(lasts)
    )


def _no_runs(dtype: np.dtype[np.integer]) -> Runs:
    return Runs(
        np.empty(0, np.int64), np.empty(0, dtype), np.empty(0, np.int32), np.empty(0, np.int32)
    )


# --- pseudonyms ------------------------------------------------------------------------------
# The keyed hash (HMAC) is computed per person in Python, 2-6 µs each: for a national file it is
# the largest single cost after parsing, and it holds the GIL. Big files therefore compute it in
# helper processes (``PseudonymPool``) while this process parses and run-length encodes.

CPR_LIKE = r"^\d{6}-?\d{4}$"
"""What a CPR number looks like (ten digits, optional hyphen): such a PNR must be a valid one."""


@dataclass(frozen=True)
class PersonIds:
    """Pseudonyms of a chunk's PNR column (0 where invalid) and the invalid rows with reasons."""

    ids: npt.NDArray[np.int64]
    invalid: list[tuple[int, str]]


def pseudonymise(pseudonymiser: Pseudonymiser, pnr: pa.Array | pa.ChunkedArray) -> PersonIds:
    """``from_cpr`` for a PNR that looks like a CPR number, ``from_key`` for any other."""
    text = pc.utf8_trim_whitespace(pc.fill_null(pnr, ""))
    looks_cpr = pc.fill_null(pc.match_substring_regex(text, CPR_LIKE), False)
    if isinstance(looks_cpr, pa.ChunkedArray):
        looks_cpr = looks_cpr.combine_chunks()
    cpr_rows = np.asarray(looks_cpr.to_numpy(zero_copy_only=False), dtype=bool)
    ids = np.zeros(len(text), np.int64)
    invalid: list[tuple[int, str]] = []
    for method, rows in (
        (pseudonymiser.from_cpr, np.flatnonzero(cpr_rows)),
        (pseudonymiser.from_key, np.flatnonzero(~cpr_rows)),
    ):
        if not rows.size:
            continue
        values = text.take(pa.array(rows)).to_pylist()
        out: list[int] = []
        append = out.append
        for row, value in zip(rows.tolist(), values, strict=True):
            try:
                append(method(value))
            except CprError as exc:  # the message never contains the number
                append(0)
                invalid.append((row, str(exc)))
        ids[rows] = out
    invalid.sort()
    return PersonIds(ids, invalid)


class PseudonymHelper:
    """Pseudonymises chunks in a helper process (``python -m ungeindsats.ingest.dream_kernel``).

    A plain subprocess rather than multiprocessing, which would re-run the caller's main script
    in the child. Requests go through the helper's stdin (the pickled pseudonymiser first, so
    the key never appears in a command line, the environment or a file), answers come back on
    its stdout in the same order. ``submit`` returns a function that waits for that chunk's
    answer; call them in the order of submission.
    """

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the folder holding ``ungeindsats``
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ungeindsats.ingest.dream_kernel"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._requests: IO[bytes] = self._process.stdin
        self._answers: IO[bytes] = self._process.stdout
        self._submitted = 0
        self._received = 0
        # Separate locks for the two directions: a writer blocked on a full pipe must never
        # keep the reader from draining the answers that would unblock the helper.
        self._send_lock = threading.Lock()
        self._receive_lock = threading.Lock()
        _write_message(self._requests, pickle.dumps(pseudonymiser))

    def submit(self, pnr: pa.Array | pa.ChunkedArray) -> Callable[[], PersonIds]:
        table = pa.table({"pnr": pnr})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        with self._send_lock:
            ticket = self._submitted
            self._submitted += 1
            _write_message(self._requests, sink.getvalue().to_pybytes())
        return partial(self._receive, ticket)

    def _receive(self, ticket: int) -> PersonIds:
        with self._receive_lock:
            if ticket != self._received:
                raise RuntimeError("pseudonyms asked for out of order")
            self._received += 1
            header = _read_exactly(self._answers, 16)
            if len(header) < 16:
                raise RuntimeError("hjælpeprocessen til pseudonymisering stoppede uventet")
            id_bytes, invalid_bytes = struct.unpack("<QQ", header)
            ids = np.frombuffer(_read_exactly(self._answers, id_bytes), np.int64)
            invalid = json.loads(_read_exactly(self._answers, invalid_bytes))
        return PersonIds(ids, [(int(row), str(reason)) for row, reason in invalid])

    def kill(self) -> None:
        """Stop at once (after an error): a thread blocked writing to the helper is freed."""
        self._process.kill()

    def close(self) -> None:
        try:
            _write_message(self._requests, b"")
            self._requests.close()
        except OSError:  # the helper is already gone
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._answers.close()


class PseudonymPool:
    """Helper processes sharing the work: each chunk's PNR column is split between them."""

    def __init__(self, pseudonymiser: Pseudonymiser, processes: int) -> None:
        self._helpers: list[PseudonymHelper] = []
        try:
            for _ in range(max(processes, 1)):
                self._helpers.append(PseudonymHelper(pseudonymiser))
        except BaseException:
            self.close()
            raise

    def submit(self, pnr: pa.Array | pa.ChunkedArray) -> Callable[[], PersonIds]:
        """Send a chunk; the function returned waits for its pseudonyms (call in order)."""
        size, parts = len(pnr), len(self._helpers)
        bounds = [size * i // parts for i in range(parts + 1)]
        pending = [
            (start, helper.submit(pnr.slice(start, stop - start)))
            for helper, start, stop in zip(self._helpers, bounds, bounds[1:], strict=False)
        ]
        return partial(self._gather, pending)

    @staticmethod
    def _gather(pending: list[tuple[int, Callable[[], PersonIds]]]) -> PersonIds:
        ids: list[npt.NDArray[np.int64]] = []
        invalid: list[tuple[int, str]] = []
        for start, answer in pending:
            part = answer()
            ids.append(part.ids)
            invalid.extend((start + row, reason) for row, reason in part.invalid)
        return PersonIds(np.concatenate(ids), invalid)

    def kill(self) -> None:
        for helper in self._helpers:
            helper.kill()

    def close(self) -> None:
        for helper in self._helpers:
            helper.close()


def _write_message(stream: IO[bytes], payload: bytes) -> None:
    stream.write(struct.pack("<Q", len(payload)))
    stream.write(payload)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    parts = []
    while size:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The helper process: a pseudonymiser, then PNR columns (Arrow IPC) until an empty one."""
    header = _read_exactly(requests, 8)
    pseudonymiser = pickle.loads(_read_exactly(requests, struct.unpack("<Q", header)[0]))
    while len(header := _read_exactly(requests, 8)) == 8:
        size = struct.unpack("<Q", header)[0]
        if not size:
            return
        with pa.ipc.open_stream(_read_exactly(requests, size)) as reader:
            pnr = reader.read_all().column(0)
        result = pseudonymise(pseudonymiser, pnr)
        ids = result.ids.tobytes()
        invalid = json.dumps(result.invalid).encode()
        answers.write(struct.pack("<QQ", len(ids), len(invalid)))
        answers.write(ids)
        answers.write(invalid)
        answers.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
