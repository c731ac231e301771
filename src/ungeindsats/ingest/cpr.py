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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_CPR = re.compile(r"(\d{2})(\d{2})(\d{2})-?(\d{4})")


class CprError(ValueError):
    """Not a valid CPR number. The message never contains the number."""


@dataclass(frozen=True)
class CprFacts:
    """What may be kept from a CPR number once it is dropped."""

    birth_date: date
    sex: str  # 'M' (odd last digit) or 'K'


def _century(digit7: int, yy: int) -> int:
    if digit7 <= 3:
        return 1900
    if digit7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800  # digits 5-8


def cpr_facts(text: str) -> CprFacts:
    """Validate a CPR number and derive birth date and sex; raises CprError in Danish."""
    match = _CPR.fullmatch(text.strip())
    if not match:
        raise CprError("ugyldigt CPR-nummer: skal være 10 cifre (DDMMÅÅ-SSSS)")
    dd, mm, yy, serial = (int(g) for g in match.groups())
    if dd > 60:  # erstatningspersonnummer
        dd -= 60
    year = _century(int(match.group(4)[0]), yy) + yy
    try:
        born = date(year, mm, dd)
    except ValueError:
        raise CprError("ugyldigt CPR-nummer: fødselsdatoen findes ikke") from None
    return CprFacts(born, "M" if serial % 2 else "K")


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
