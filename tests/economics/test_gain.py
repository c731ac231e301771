"""Short-term gain with municipal income tax, worked out by hand; the tax-rate file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ungeindsats.economics.gain import TaxRate, short_term_gain, tax_rate, tax_rates
from ungeindsats.economics.ladder import configured_rules
from ungeindsats.economics.saving import UnitCost


def test_short_term_gain_by_hand() -> None:
    """230 avoided full-time persons at 67,772 kr. = 15,587,560 kr. 100 of them in work at
    300,000 kr. a year, leaving 75,000 kr. of benefit: extra taxable income 300,000 × 0.92 −
    75,000 = 201,000 kr. each; at 25 %: 100 × 201,000 × 0.25 = 5,025,000 kr. Total 20,612,560."""
    gain = short_term_gain(
        230,
        UnitCost(67_772, "uddannelseshjælp", "test"),
        100,
        300_000,
        75_000,
        TaxRate(791, 2017, 25.0, "test"),
    )
    assert gain.benefit_saving == pytest.approx(15_587_560)
    assert gain.tax_gain == pytest.approx(5_025_000)
    assert gain.total == pytest.approx(20_612_560)
    assert "201.000" in gain.steps[1].how


def test_tax_rate_falls_back_to_the_country_and_an_earlier_year(tmp_path: Path) -> None:
    """The shipped file holds the national default only: Viborg 2017 gets 24.9 %. A user file
    with Viborg 2016 = 25.6 % gives Viborg 2018 the 2016 rate, and København the country's."""
    assert tax_rate(791, 2017).rate_pct == 24.9
    path = tmp_path / "skat.csv"
    path.write_text(
        "# source: test\nmunicipality,year,rate_pct,source\n791,2016,25.6,PSKAT\n0,2018,24.9,x\n",
        encoding="utf-8",
    )
    rates = tax_rates(path)
    assert tax_rate(791, 2018, rates).rate_pct == 25.6
    assert tax_rate(101, 2018, rates).rate_pct == 24.9
    path.write_text("municipality,year,rate_pct,source\n791,2016,mange,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="procent"):
        tax_rates(path)


def test_ladder_settings_are_checked() -> None:
    """2014U27 is week 1,278 after 1990U01 (24 years of 52/53 weeks + 26); a month is refused."""
    assert configured_rules("2014U27", 52, 156).count_from_week == 1_278
    with pytest.raises(ValueError, match="uge"):
        configured_rules("2014M07", 52, 156)
    with pytest.raises(ValueError, match="mindst"):
        configured_rules("2014U27", 52, 40)
