"""CPR numbers: validation, birth date and sex, and the keyed pseudonym that replaces them.

A CPR number is DDMMYYSSSS (a hyphen after the sixth digit is allowed). The century follows from
the 7th digit by the CPR Office's rules. Replacement numbers (erstatningspersonnumre, day + 60)
are accepted: they are never a real person's CPR number, which is why the demo data use them.
The modulus-11 check is not applied: CPR numbers without it have been issued since 2007.

A raw CPR number never leaves this module: callers get a pseudonym (a signed 64-bit integer from
HMAC-SHA256 with a secret key), a birth date and a sex. Messages name the problem, not the number.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

_CPR = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})")


class CprError(ValueError):
    """Not a valid CPR number. The message never contains the number."""


@dataclass(frozen=True)
class CprFacts:
    """What may be kept from a CPR number once it is dropped."""

    birth_date: date
    sex: str  # 'M' (odd last digit) or 'K'


_CENTURY_RULE = np.array(
    [(99, 1900, 1900)] * 4 + [(36, 2000, 1900)] + [(57, 2000, 1800)] * 4 + [(36, 2000, 1900)],
    np.int64,
)
"""The CPR Office's century rule, per 7th digit (0-9): the largest year digits that fall in
the later century, that century, and the century of larger year digits."""


def _century(digit7: int, yy: int) -> int:
    """The century of one CPR number (``_CENTURY_RULE``). Plain integers: ``cpr_facts`` runs
    once per number, and NumPy on single numbers cost 47 µs a call, a third of a DREAM import."""
    limit, later, earlier = (int(v) for v in _CENTURY_RULE[digit7])
    return later if yy <= limit else earlier


def _centuries(digit7: npt.NDArray[np.int64], yy: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``_century`` of many CPR numbers at once (``Pseudonymiser.from_cprs``), by the same rule."""
    rule = _CENTURY_RULE[digit7]
    return np.where(yy <= rule[..., 0], rule[..., 1], rule[..., 2])


NOT_TEN_DIGITS = "ugyldigt CPR-nummer: skal være 10 cifre (DDMMÅÅ-SSSS)"
NO_SUCH_DATE = "ugyldigt CPR-nummer: fødselsdatoen findes ikke"


def cpr_facts(text: str) -> CprFacts:
    """Validate a CPR number and derive birth date and sex; raises CprError in Danish."""
    match = _CPR.fullmatch(text.strip())
    if not match:
        raise CprError(NOT_TEN_DIGITS)
    dd, mm, yy, serial = (int(g) for g in match.groups())
    if dd > 60:  # erstatningspersonnummer
        dd -= 60
    year = _century(int(match.group(4)[0]), yy) + yy
    try:
        born = date(year, mm, dd)
    except ValueError:
        raise CprError(NO_SUCH_DATE) from None
    return CprFacts(born, "M" if serial % 2 else "K")


@dataclass(frozen=True)
class CprBatch:
    """Many CPR numbers checked at once (``Pseudonymiser.from_cprs``): per position the
    pseudonym, birth date and sex, valid only where ``problems`` has no entry; ``problems``
    maps the invalid positions to the Danish reason (never the number)."""

    person_id: npt.NDArray[np.int64]
    birth_date: npt.NDArray[np.datetime64]
    male: npt.NDArray[np.bool_]
    problems: dict[int, str]


def _digits(texts: Sequence[str]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], pa.Array]:
    """Which texts have the CPR form, their ten digits as a matrix (a dummy row elsewhere), and
    the normalised ten-digit strings."""
    stripped = pc.utf8_trim_whitespace(pa.array(texts, pa.string()))
    form = pc.fill_null(pc.match_substring_regex(stripped, r"^[0-9]{6}-?[0-9]{4}$"), False)
    digits = pc.if_else(form, pc.replace_substring(stripped, "-", ""), "0" * 10)
    # Every entry is now ten ASCII digits, so the joined text is a (rows × 10) digit matrix.
    joined = "".join(digits.to_pylist()).encode("ascii")
    matrix = np.frombuffer(joined, np.uint8).reshape(-1, 10).astype(np.int64) - ord("0")
    return np.asarray(form.to_numpy(zero_copy_only=False), np.bool_), matrix, digits


def _normalised_bytes(digits: pa.Array) -> list[bytes]:
    return [b"cpr:" + d for d in digits.cast(pa.binary()).to_pylist()]


def normalise_cpr(text: str) -> str:
    """The ten digits of a CPR number, hyphen removed (validates first)."""
    cpr_facts(text)
    return text.strip().replace("-", "")


class Pseudonymiser:
    """Keyed pseudonyms: the same key and identifier always give the same person_id.

    Identifiers of different kinds are kept apart by a prefix, so that a CPR number and an
    already pseudonymised key with the same digits never collide.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("pseudonymiseringsnøglen skal være mindst 32 byte")
        self._key = key

    def _digest(self, message: bytes) -> int:
        return int.from_bytes(hmac.digest(self._key, message, "sha256")[:8], "big", signed=True)

    def from_cpr(self, text: str) -> int:
        """The pseudonym of a CPR number (validated; raises CprError)."""
        return self._digest(b"cpr:" + normalise_cpr(text).encode())

    def from_cprs(self, texts: Sequence[str]) -> CprBatch:
        """``cpr_facts`` and ``from_cpr`` for many numbers at once (the same rules and the same
        pseudonyms), with the date checks done on arrays: an import meets each person's number
        in every file, and one call per number was most of an import's time."""
        form, n, digits = _digits(texts)
        day, month, yy, digit7 = (
            n[:, 0] * 10 + n[:, 1],
            n[:, 2] * 10 + n[:, 3],
            n[:, 4] * 10 + n[:, 5],
            n[:, 6],
        )
        day = np.where(day > 60, day - 60, day)  # erstatningspersonnummer
        year = _centuries(digit7, yy) + yy
        month_start = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
        first_day = month_start.astype("datetime64[D]")
        days_in_month = ((month_start + 1).astype("datetime64[D]") - first_day).astype(np.int64)
        real_date = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days_in_month)
        problems = {int(i): NOT_TEN_DIGITS for i in np.flatnonzero(~form)}
        problems.update({int(i): NO_SUCH_DATE for i in np.flatnonzero(form & ~real_date)})
        person_id = np.fromiter(
            (self._digest(message) for message in _normalised_bytes(digits)),
            np.int64,
            count=len(texts),
        )
        return CprBatch(
            person_id=person_id,
            birth_date=first_day + (np.clip(day, 1, 31) - 1),
            male=n[:, 9] % 2 == 1,
            problems=problems,
        )

    def from_key(self, text: str) -> int:
        """The pseudonym of an identifier that is not a CPR number (e.g. DREAM's PNR)."""
        key = text.strip()
        if not key:
            raise CprError("tom personnøgle")
        return self._digest(b"key:" + key.encode())

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(<nøgle skjult>)"


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, creating it (owner read/write only) on first use. Never printed."""
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 32:
            raise ValueError(f"nøglefilen {path} er for kort")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
