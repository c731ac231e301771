"""Danish municipalities (kommuner) with their 3-digit codes (kommunekoder) and regions.

Data: `municipalities.csv` (Danmarks Statistik's classification "Regioner, landsdele og kommuner",
NUTS_V1_2007_DK). Code 0 is the country ("Hele landet"), as in Danmarks Statistik's and
Jobindsats' tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ungeindsats.classifications._csvfile import package_file, read_rows

COUNTRY_CODE = 0

_COLUMNS = ("code", "name", "region_code", "region_name", "aliases")


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality (kommune), or the country (code 0, no region)."""

    code: int
    name: str
    region_code: int | None
    region_name: str | None


@cache
def _all() -> dict[int, Municipality]:
    """Every row of the file, the country included, by code."""
    result: dict[int, Municipality] = {}
    for row in read_rows(package_file("municipalities.csv"), _COLUMNS):
        code = int(row["code"])
        result[code] = Municipality(
            code=code,
            name=row["name"],
            region_code=int(row["region_code"]) if row["region_code"] else None,
            region_name=row["region_name"] or None,
        )
    return result


@cache
def municipalities() -> tuple[Municipality, ...]:
    """The 98 municipalities ordered by code, without the country."""
    return tuple(m for code, m in sorted(_all().items()) if code != COUNTRY_CODE)


def municipality(code: int) -> Municipality:
    """The municipality with `code`; code 0 gives the country. KeyError if unknown."""
    try:
        return _all()[code]
    except KeyError:
        raise KeyError(f"Ukendt kommunekode: {code}") from None


def format_code(code: int) -> str:
    """The code as Danmarks Statistik writes it: three digits, zero-padded ("000", "101")."""
    if not 0 <= code <= 999:
        raise ValueError(f"En kommunekode har højst tre cifre: {code}")
    return f"{code:03d}"


_SUFFIX = re.compile(r"\s+kommunes?$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")


def _key(text: str) -> str:
    """Comparison key: NFC, case-folded, hyphens and runs of whitespace as one space."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() is also true for "²", which int() rejects.
    return text.isascii() and text.isdigit()


@cache
def _names() -> dict[str, int]:
    """Lookup keys (names and former names) to codes."""
    names: dict[str, int] = {}
    for row in read_rows(package_file("municipalities.csv"), _COLUMNS):
        for name in (row["name"], *filter(None, row["aliases"].split("|"))):
            names[_key(name)] = int(row["code"])
    return names


def resolve_municipality(text: str) -> int | None:
    """The code for an area as sources write it, or None if it is not a municipality or the country.

    Accepts codes ("791", "0791", "000"), names ("Viborg", "hele landet"), names with "Kommune" or
    the genitive ("Viborg Kommune", "Københavns Kommune", "Københavns") and "791 Viborg" when code
    and name agree. Regions ("Region Midtjylland"), Christiansø and unknown text give None, so the
    caller decides what to do with them.
    """
    key = _key(text)
    if _is_number(key):
        code = int(key)
        return code if code in _all() else None
    number, _, rest = key.partition(" ")
    if _is_number(number):
        code = int(number)
        return code if code in _all() and resolve_municipality(rest) == code else None
    names = _names()
    name = _SUFFIX.sub("", key)
    if name in names:
        return names[name]
    # Genitive: "Københavns Kommune". Names that themselves end in s (Nordfyns) matched above.
    if name.endswith(("s", "'")) and name[:-1] in names:
        return names[name[:-1]]
    return None
