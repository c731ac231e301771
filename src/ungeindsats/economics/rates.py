"""Gross weekly benefit rates (ydelsessatser pr. uge) for pricing person-weeks.

The rates are data (``classifications/benefit_rates.csv``, or the user's own file with the same
columns). What is a modelling choice, and so lives here, is which of a benefit's rate groups
represents a young person: the register does not say whether a person lives with the parents or
supports children, so every benefit is priced at one group per age band (under 25 / 25–29),
chosen as the ordinary rate for a young person living on their own (``RATE_GROUPS``; see
docs/economics.md). A year without a rate in the file takes the nearest earlier year's rate (else
the nearest later one), unadjusted. Units: kr/md × 12 / 52, kr/uge × 1, kr/dag × 5 (A-dagpenge is
paid five days a week).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from ungeindsats.classifications import BenefitRate, benefit, benefit_rates
from ungeindsats.economics.text import kroner

UNDER_25, FROM_25 = "under_25", "25_plus"
AGE_BANDS = (UNDER_25, FROM_25)

RATE_GROUPS: dict[str, tuple[str, ...]] = {
    "uddannelseshjaelp": ("under 25 udeboende", "25-29 udeboende"),
    "kontanthjaelp": (
        "under 30 udeboende (25-29 and under 25)",
        "under 30 udeboende (25-29 and under 25)",
    ),
    "integrationsydelse": (
        "ikke-forsoerger (fyldt 30 og udeboende under 30)",
        "ikke-forsoerger (fyldt 30 og udeboende under 30)",
    ),
    "sygedagpenge": ("hoejeste beloeb", "hoejeste beloeb"),
    "ressourceforloeb": ("ikke-forsoergere", "ikke-forsoergere"),
    "a_dagpenge": ("fuldtid maks|fuldtidsforsikret maks", "fuldtid maks|fuldtidsforsikret maks"),
}
"""Benefit → rate group (as named in the rate file) for (under 25, 25–29). Alternatives that the
file names differently in different years are separated by ``|``."""

RATE_OF: dict[str, str] = {"jobafklaring": "ressourceforloeb"}
"""Benefits paid at another's rate: jobafklaringsforløb is paid as ressourceforløbsydelse."""

WEEKS_PER_YEAR = 52
_PER_WEEK = {"kr/md": Decimal(12) / WEEKS_PER_YEAR, "kr/uge": Decimal(1), "kr/dag": Decimal(5)}


@dataclass(frozen=True)
class WeeklyRate:
    """The gross rate used for ``benefit`` at ``age_band`` in ``year``, and where it came from."""

    benefit: str
    age_band: str
    year: int
    weekly: float
    rate: BenefitRate

    @property
    def explanation(self) -> str:
        """Danish: which rate of which year, converted how."""
        amount = kroner(float(self.rate.amount))
        converted = "" if self.rate.unit == "kr/uge" else f" = {kroner(self.weekly)} kr/uge"
        borrowed = "" if self.rate.year == self.year else f" (satsen fra {self.rate.year})"
        return (
            f"{benefit(self.benefit).label} {self.year}, {self.rate.group}: "
            f"{amount} {self.rate.unit}{converted}{borrowed}; kilde: {self.rate.source}"
        )


def _candidates(rates: Sequence[BenefitRate], rated: str, groups: str) -> list[BenefitRate]:
    names = set(groups.split("|"))
    return [r for r in rates if r.benefit == rated and r.group in names]


def _nearest(candidates: list[BenefitRate], year: int) -> BenefitRate | None:
    earlier = [r for r in candidates if r.year <= year]
    if earlier:
        return max(earlier, key=lambda r: r.year)
    later = [r for r in candidates if r.year > year]
    return min(later, key=lambda r: r.year) if later else None


def weekly_rates(
    years: Iterable[int], rates: Sequence[BenefitRate] | None = None
) -> list[WeeklyRate]:
    """The weekly gross rate per benefit, age band and year; benefits without a rate are left
    out (their weeks are counted but not priced)."""
    table = list(rates if rates is not None else benefit_rates())
    found = []
    for year in sorted(set(years)):
        for name in benefit_names():
            rated = RATE_OF.get(name, name)
            for band, groups in zip(AGE_BANDS, RATE_GROUPS.get(rated, ()), strict=False):
                rate = _nearest(_candidates(table, rated, groups), year)
                if rate is None:
                    continue
                if rate.unit not in _PER_WEEK:
                    raise ValueError(f"ukendt enhed {rate.unit!r} for satsen {rate.group!r}")
                weekly = float(rate.amount * _PER_WEEK[rate.unit])
                found.append(WeeklyRate(name, band, year, weekly, rate))
    return found


def benefit_names() -> tuple[str, ...]:
    """Benefits that can be priced: those with a rate group (directly or via ``RATE_OF``)."""
    return (*RATE_GROUPS, *RATE_OF)


def rates_table(rates: Sequence[WeeklyRate]) -> pa.Table:
    """The rates as an Arrow table (benefit, age_band, year, weekly_gross) for SQL joins."""
    return pa.table(
        {
            "benefit": pa.array([r.benefit for r in rates], pa.string()),
            "age_band": pa.array([r.age_band for r in rates], pa.string()),
            "year": pa.array([r.year for r in rates], pa.int16()),
            "weekly_gross": pa.array([r.weekly for r in rates], pa.float64()),
        }
    )
