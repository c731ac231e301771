"""The cohort method (seed 004), worked out by hand on six persons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ungeindsats.economics.longterm import cohort
from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse

UDD = 140


def test_cohort_by_hand(make_warehouse: Callable[..., Warehouse]) -> None:
    """Persons 1–6 born 1994-01-15: aged 25 in 2019; ages 18–23 are 2012U03–2018U02 (the
    Thursdays from 19 Jan 2012 to 11 Jan 2018), inside the observed weeks from 2012U01.
    Person 7, born 1990, turned 18 before the observed weeks and is left out.

    Weeks on support at 18–23 (x) and in 2019 (y): 1: 0, 0; 2: 10, 5; 3: 20, 5; 4: 30, 20;
    5: 0, 2; 6: 40, 20.
    x̄ = 100/6, ȳ = 52/6; Sxx = 3,000 − 6 x̄² = 1,333.33; Sxy = 1,550 − 6 x̄ȳ = 683.33;
    slope = 683.33 / 1,333.33 = 0.5125; intercept = 52/6 − 0.5125 × 100/6 = 0.125.
    Residuals −0.125, −0.25, −5.375, 4.5, 1.875, −0.625: SSE = 53.125; σ² = 53.125/4 = 13.28;
    SE = √(13.28 / 1,333.33) = 0.0998; t(4, 97.5 %) = 2.7764: interval 0.5125 ± 0.2771.
    With support at 18–23 the mean now is (5 + 5 + 20 + 20)/4 = 12.5 weeks; without, (0 + 2)/2 = 1.
    One avoided week at 52,000 kr. a year (1,000 a week), 3 years undiscounted: 0.5125 × 1,000
    × 3 = 1,537.5 kr.
    """
    spells = [
        (2, UDD, (2014, 1), (2014, 10)),
        (2, UDD, (2019, 1), (2019, 5)),
        (3, UDD, (2014, 1), (2014, 20)),
        (3, UDD, (2019, 10), (2019, 14)),
        (4, UDD, (2015, 1), (2015, 30)),
        (4, UDD, (2019, 1), (2019, 20)),
        (5, UDD, (2019, 30), (2019, 31)),
        (6, UDD, (2013, 1), (2013, 40)),
        (6, UDD, (2019, 21), (2019, 40)),
        (7, UDD, (2012, 1), (2012, 52)),
    ]
    born = {p: date(1994, 1, 15) for p in range(1, 7)} | {7: date(1990, 1, 15)}
    wh = make_warehouse(spells, born=born)
    result = cohort(wh, 2019, observed_from_week=iso_week_number(2012, 1))
    line = result.support_now
    assert result.persons == line.persons == 6
    assert line.slope == pytest.approx(0.5125)
    assert line.intercept == pytest.approx(0.125)
    assert (line.low, line.high) == pytest.approx((0.5125 - 0.27710, 0.5125 + 0.27710), abs=1e-4)
    assert (result.with_support_mean, result.without_support_mean) == (12.5, 1.0)
    assert result.hours_now is None  # no employment hours in this warehouse
    estimate, low, high = result.value_per_avoided_week(52_000, horizon=3, discount_rate=0)
    assert estimate == pytest.approx(1_537.5)
    assert low < estimate < high
    # Viborg's residents are the same six; København has none, which is an error.
    assert cohort(wh, 2019, 791, observed_from_week=iso_week_number(2012, 1)).persons == 6
    with pytest.raises(ValueError, match="for få personer"):
        cohort(wh, 2019, 101, observed_from_week=iso_week_number(2012, 1))
