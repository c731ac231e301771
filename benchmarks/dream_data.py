"""A seeded generator of DREAM-shaped input for the benchmarks (never real people).

One row per person, key ``PNR`` and one ``y_YYWW`` column per ISO week from 2012U01 to 2019U52
(417 weeks). Each person's history is 10-28 segments cut at random weeks; about 45 % of the
segments are empty weeks and the rest carry one of a few codes, so a person has about 5-15 runs,
as in DREAM, where most young people are either without any code or on one benefit for months.

PNR is either a replacement CPR number (erstatningspersonnummer: day + 60, so never a real
person's number) or an opaque key such as Danmarks Statistik's pseudonymised PNR.

The text is built with NumPy, a block of rows at a time (fixed-width byte cells, then a boolean
mask drops the digits of empty weeks), so 1.5 million persons (about 1.8 GB) take seconds rather
than minutes.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

FIRST_YEAR, LAST_YEAR = 2012, 2019
BLOCK_ROWS = 50_000

# Illustrative codes, not Danmarks Statistik's: code, benefit, target group, category, weight.
CODES: tuple[tuple[int, str, str, str, float], ...] = (
    (111, "a_dagpenge", "2.1", "public_support", 0.10),
    (130, "kontanthjaelp", "2.2", "public_support", 0.12),
    (133, "uddannelseshjaelp", "2.12", "public_support", 0.14),
    (135, "integrationsydelse", "2.14", "public_support", 0.04),
    (774, "sygedagpenge", "2.5", "public_support", 0.04),
    (740, "ressourceforloeb", "2.13", "public_support", 0.03),
    (651, "", "", "education", 0.33),
    (890, "", "", "employment", 0.20),
)


def week_columns() -> list[str]:
    """``y_YYWW`` for every ISO week 2012U01-2019U52 (417 columns)."""
    names = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        weeks = date(year, 12, 28).isocalendar().week
        names.extend(f"y_{year % 100:02d}{week:02d}" for week in range(1, weeks + 1))
    return names


def write_codes(path: Path) -> Path:
    """The code mapping file (``code,benefit,target_group,category``) for the generated codes."""
    lines = ["code,benefit,target_group,category"]
    lines += [f"{code},{benefit},{group},{category}" for code, benefit, group, category, _ in CODES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _codes_block(rng: np.random.Generator, rows: int, weeks: int) -> np.ndarray:
    """A (rows × weeks) int16 matrix of codes, 0 for an empty week."""
    max_cuts = 27
    cuts = np.sort(rng.integers(1, weeks, (rows, max_cuts)), axis=1)
    segments = rng.integers(10, max_cuts + 2, rows)  # 10..28 segments
    cuts[np.arange(max_cuts)[None, :] >= (segments - 1)[:, None]] = weeks  # unused cuts
    marks = np.zeros((rows, weeks + 1), np.int8)
    np.add.at(marks, (np.repeat(np.arange(rows), max_cuts), cuts.ravel()), 1)
    segment_of_week = np.cumsum(marks[:, :weeks], axis=1, dtype=np.int16)
    codes = np.array([c[0] for c in CODES], np.int16)
    weights = np.array([c[4] for c in CODES])
    values = codes[rng.choice(len(codes), (rows, max_cuts + 1), p=weights / weights.sum())]
    values[rng.random((rows, max_cuts + 1)) < 0.45] = 0
    return np.take_along_axis(values, segment_of_week.astype(np.intp), axis=1)


def _pnr_block(rng: np.random.Generator, index: np.ndarray, kind: str) -> np.ndarray:
    """(rows × 10) ASCII digits, unique by construction from the person index."""
    rows = len(index)
    if kind == "key":
        # An opaque key: a bijective scramble of the index (odd multiplier mod 10**10).
        key = (index * 7_919_000_003 + 1_234_567) % 10**10
        return _digits(key, 10)
    # Replacement CPR numbers for people born 1990-2004: day + 60, 28 days × 12 months × 15
    # years = 5,040 birth dates, up to 1,000 serial numbers each; the 7th digit gives the century.
    date_index, serial = index % 5040, index // 5040
    day = date_index % 28 + 1 + 60
    month = (date_index // 28) % 12 + 1
    year = 1990 + date_index // (28 * 12)
    seventh = np.where(year >= 2000, 4, rng.integers(0, 4, rows))
    number = (
        day * 10**8 + month * 10**6 + (year % 100) * 10**4 + seventh * 1000 + serial % 1000
    )
    return _digits(number, 10)


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)


def _text_block(pnr: np.ndarray, codes: np.ndarray, delimiter: str) -> bytes:
    """Rows as bytes: PNR, then per week the delimiter and 3 digits (digits dropped if empty)."""
    rows, weeks = codes.shape
    cells = np.empty((rows, weeks, 4), np.uint8)
    cells[:, :, 0] = ord(delimiter)
    wide = codes.astype(np.int32)
    cells[:, :, 1] = wide // 100 % 10 + 48
    cells[:, :, 2] = wide // 10 % 10 + 48
    cells[:, :, 3] = wide % 10 + 48
    keep = np.ones((rows, weeks, 4), bool)
    keep[:, :, 1:] = (codes != 0)[:, :, None]
    width = pnr.shape[1] + weeks * 4 + 1
    line = np.empty((rows, width), np.uint8)
    line[:, : pnr.shape[1]] = pnr
    line[:, pnr.shape[1] : -1] = cells.reshape(rows, -1)
    line[:, -1] = ord("\n")
    mask = np.ones((rows, width), bool)
    mask[:, pnr.shape[1] : -1] = keep.reshape(rows, -1)
    return line[mask].tobytes()


def blocks(persons: int, seed: int, pnr: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(PNR digits, codes) blocks, the same for the same seed whatever the output format."""
    rng = np.random.default_rng(seed)
    weeks = len(week_columns())
    order = rng.permutation(persons)  # persons in no particular order, as in a real file
    for first in range(0, persons, BLOCK_ROWS):
        rows = min(BLOCK_ROWS, persons - first)
        index = order[first : first + rows].astype(np.int64)
        yield _pnr_block(rng, index, pnr), _codes_block(rng, rows, weeks)


def write_csv(
    path: Path, persons: int, *, seed: int = 1, pnr: str = "cpr", delimiter: str = ","
) -> Path:
    """Write a DREAM-wide CSV file of ``persons`` rows (header ``PNR,y_1201,...,y_1952``)."""
    header = delimiter.join(["PNR", *week_columns()]) + "\n"
    with path.open("wb") as handle:
        handle.write(header.encode("ascii"))
        for pnr_digits, codes in blocks(persons, seed, pnr):
            handle.write(_text_block(pnr_digits, codes, delimiter))
    return path


def write_parquet(path: Path, persons: int, *, seed: int = 1, pnr: str = "cpr") -> Path:
    """The same rows as ``write_csv`` as Parquet (PNR string, int16 week columns, nulls empty)."""
    names = week_columns()
    schema = pa.schema([("PNR", pa.string())] + [(n, pa.int16()) for n in names])
    with pq.ParquetWriter(path, schema) as writer:
        for pnr_digits, codes in blocks(persons, seed, pnr):
            keys = pa.array(pnr_digits.view(f"S{pnr_digits.shape[1]}").ravel().astype(str))
            columns = [keys] + [
                pa.array(codes[:, j], mask=codes[:, j] == 0) for j in range(codes.shape[1])
            ]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Skriv en syntetisk DREAM-fil (benchmark).")
    parser.add_argument("out", type=Path)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pnr", choices=["cpr", "key"], default="cpr")
    parser.add_argument("--parquet", action="store_true")
    args = parser.parse_args()
    if args.parquet:
        write_parquet(args.out, args.persons, seed=args.seed, pnr=args.pnr)
    else:
        write_csv(args.out, args.persons, seed=args.seed, pnr=args.pnr)
    write_codes(args.out.with_name(args.out.stem + "_codes.csv"))


if __name__ == "__main__":
    main()
