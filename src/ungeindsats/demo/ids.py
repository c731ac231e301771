"""Made-up CPR-shaped identifiers that can never be a real person's CPR number.

The demo's persons carry replacement numbers (erstatningspersonnumre): the day of birth plus 60
(61-91), which no real CPR number has, followed by month, two-digit year and a four-digit serial.
The 7th digit gives the century by the CPR rules (0-3: 1900-1999; 4-9: 2000-2036 here), and the
last digit is odd for men and even for women, so ``cpr_facts`` derives the right birth date and
sex. Numbers are unique: within each (birth date, sex) the persons get consecutive ranks, and the
rank picks the serial.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]

MAX_PER_DAY_AND_SEX = 2000
"""Serials available per birth date and sex (more than any demo day needs at scale 1)."""


def replacement_cpr_digits(birth_days: I64, male: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """(n, 10) ASCII digits of unique replacement CPR numbers for the given birth days."""
    days = np.asarray(birth_days, dtype="datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    if year.size and (year.min() < 1937 or year.max() > 2036):
        raise ValueError("erstatningspersonnumre laves kun for fødselsår 1937-2036")
    key = np.asarray(birth_days, dtype=np.int64) * 2 + male.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - group_start
    if rank.size and rank.max() >= MAX_PER_DAY_AND_SEX:
        raise ValueError("for mange personer med samme fødselsdag og køn")
    # Serial digits 8-10: (rank // 5) * 10 + 2 * (rank % 5) + male → the last digit's parity is
    # the sex; each block of 500 ranks takes the next 7th digit of the century.
    block, within = rank // 500, rank % 500
    seventh = np.where(year >= 2000, 4, 0) + block
    last3 = (within // 5) * 10 + 2 * (within % 5) + male.astype(np.int64)
    number = (day + 60) * 10**8 + month * 10**6 + (year % 100) * 10**4 + seventh * 1000 + last3
    powers = 10 ** np.arange(9, -1, -1, dtype=np.int64)
    digits: npt.NDArray[np.uint8] = ((number[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    return digits
