"""Benefit rates (ydelsessatser) by benefit, group and year, in kr. before tax.

Data: `benefit_rates.csv`, a source per row; rates change yearly, so a user may supply an updated
file with the same columns. In the `source` column "same" means the source of the row above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from ungeindsats.classifications._csvfile import CsvSource, package_file, parse_int, read_rows
from ungeindsats.classifications.benefits import benefit as _benefit

_COLUMNS = ("benefit", "group", "year", "amount", "unit", "source")

# Benefit names the rate file uses that are not our identifiers.
_BENEFIT_NAMES = {
    "a-dagpenge": "a_dagpenge",
    "a-dagpenge (paid by a-kasse)": "a_dagpenge",
    "ressourceforloebsydelse": "ressourceforloeb",
}


@dataclass(frozen=True, slots=True)
class BenefitRate:
    """A rate: `amount` kr. per `unit` ("kr/md", "kr/uge", "kr/dag") for `group` in `year`."""

    benefit: str
    group: str
    year: int
    amount: Decimal
    unit: str
    source: str


def _benefit_id(name: str) -> str:
    identifier = _BENEFIT_NAMES.get(name.lower(), name.lower())
    _benefit(identifier)  # KeyError for a name we cannot place
    return identifier


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"forventede et beløb, fik {value!r}") from None


def _read(source: CsvSource) -> tuple[BenefitRate, ...]:
    rates: list[BenefitRate] = []
    seen: set[tuple[str, str, int]] = set()
    previous_source = ""
    for row in read_rows(source, _COLUMNS):
        row_source = previous_source if row["source"].lower() == "same" else row["source"]
        if not row_source:
            raise ValueError(f"Sats uden kilde: {row['benefit']}, {row['group']!r}, {row['year']}")
        rate = BenefitRate(
            benefit=_benefit_id(row["benefit"]),
            group=row["group"],
            year=parse_int(row["year"]),
            amount=_amount(row["amount"]),
            unit=row["unit"],
            source=row_source,
        )
        key = (rate.benefit, rate.group, rate.year)
        if key in seen:
            raise ValueError(f"Dobbelt sats for {rate.benefit}, {rate.group!r}, {rate.year}")
        seen.add(key)
        rates.append(rate)
        previous_source = row_source
    return tuple(rates)


@cache
def _default() -> tuple[BenefitRate, ...]:
    return _read(package_file("benefit_rates.csv"))


def benefit_rates(path: str | Path | None = None) -> tuple[BenefitRate, ...]:
    """All rates from the shipped file, or from the user's file at `path`."""
    return _default() if path is None else _read(path)


def benefit_rate(
    benefit: str, group: str, year: int, rates: Sequence[BenefitRate] | None = None
) -> BenefitRate:
    """The rate for `benefit` (our identifier), `group` (as in the file) and `year`.

    `rates` defaults to the shipped ones. KeyError if there is no such rate.
    """
    for rate in rates if rates is not None else benefit_rates():
        if (rate.benefit, rate.group, rate.year) == (benefit, group, year):
            return rate
    raise KeyError(f"Ingen sats for {benefit}, {group!r}, {year}")
