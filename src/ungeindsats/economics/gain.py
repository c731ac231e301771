"""Short-term gain (kortsigtet gevinst; seed 004): saved net benefit cost plus the extra municipal
income tax from those who moved into work.

The tax gain is the municipal tax rate × the extra taxable income: (income in work − the benefit
they left) after the labour-market contribution (AM-bidrag, 8 % of wages; benefits carry none).
The personal allowance (personfradrag) is the same before and after and so drops out, as long as
the benefit exceeded it. Tax rates: ``classifications/municipal_tax_rates.csv`` (a documented
national default unless the user supplies PSKAT's rates).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ungeindsats.classifications._csvfile import CsvSource, package_file, parse_int, read_rows
from ungeindsats.economics.saving import Step, UnitCost
from ungeindsats.economics.text import danish, kroner, millions

AM_CONTRIBUTION = 0.08
"""Arbejdsmarkedsbidrag: 8 % of wages (arbejdsmarkedsbidragsloven)."""


@dataclass(frozen=True)
class TaxRate:
    """A municipal income tax rate (per cent) and where it came from."""

    municipality: int
    year: int
    rate_pct: float
    source: str


def tax_rates(path: str | Path | None = None) -> tuple[TaxRate, ...]:
    """The rates in the shipped file, or in the user's file at ``path`` (same columns)."""
    source: CsvSource = package_file("municipal_tax_rates.csv") if path is None else path
    rates, previous = [], ""
    for row in read_rows(source, ("municipality", "year", "rate_pct", "source")):
        text = previous if row["source"].lower() == "same" else row["source"]
        try:
            pct = float(row["rate_pct"])
        except ValueError:
            raise ValueError(f"forventede en procent, fik {row['rate_pct']!r}") from None
        rates.append(TaxRate(parse_int(row["municipality"]), parse_int(row["year"]), pct, text))
        previous = text
    return tuple(rates)


def tax_rate(municipality: int, year: int, rates: tuple[TaxRate, ...] | None = None) -> TaxRate:
    """The municipality's own rate for the year, else the country's (0); the nearest earlier
    year (else later) when the year is missing."""
    table = rates if rates is not None else tax_rates()
    for area in (municipality, 0):
        own = [r for r in table if r.municipality == area]
        if own:
            earlier = [r for r in own if r.year <= year]
            return max(earlier, key=lambda r: r.year) if earlier else min(own, key=lambda r: r.year)
    raise KeyError(f"ingen skatteprocent for kommune {municipality} eller hele landet")


@dataclass(frozen=True)
class ShortTermGain:
    """Saved benefit cost, extra municipal tax and their sum a year, with the steps."""

    benefit_saving: float
    tax_gain: float
    total: float
    steps: tuple[Step, ...]


def short_term_gain(
    avoided_fte: float,
    unit_cost: UnitCost,
    into_work_fte: float,
    income_in_work: float,
    benefit_income: float,
    rate: TaxRate,
) -> ShortTermGain:
    """The municipality's short-term gain a year: ``avoided_fte`` × the net unit cost, plus for
    ``into_work_fte`` full-time persons in work the tax on (income in work × (1 − AM-bidrag) −
    the benefit they left) at the municipal rate."""
    saving = avoided_fte * unit_cost.amount
    extra = income_in_work * (1 - AM_CONTRIBUTION) - benefit_income
    tax = into_work_fte * extra * rate.rate_pct / 100
    steps = (
        Step(
            "Sparet forsørgelse",
            saving,
            "kr. pr. år",
            f"{danish(avoided_fte, 1)} × {kroner(unit_cost.amount)} kr. ({unit_cost.label}) "
            f"= {millions(saving)}",
        ),
        Step(
            "Ekstra skattepligtig indkomst pr. person i job",
            extra,
            "kr. pr. år",
            f"{kroner(income_in_work)} × (1 − 8 % AM-bidrag) − {kroner(benefit_income)} i ydelse "
            f"= {kroner(extra)}",
        ),
        Step(
            "Ekstra kommuneskat",
            tax,
            "kr. pr. år",
            f"{danish(into_work_fte, 1)} × {kroner(extra)} × {danish(rate.rate_pct, 2)} % "
            f"(kommune {rate.municipality}, {rate.year}; {rate.source}) = {millions(tax)}",
        ),
        Step("Kortsigtet gevinst i alt", saving + tax, "kr. pr. år", f"= {millions(saving + tax)}"),
    )
    return ShortTermGain(saving, tax, saving + tax, steps)
