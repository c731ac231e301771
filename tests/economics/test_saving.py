"""Realised saving (seed 002) and the potential in kroner, worked out by hand."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ungeindsats.classifications import BenefitRate
from ungeindsats.economics.measured import measure_saving
from ungeindsats.economics.netcost import net_cost
from ungeindsats.economics.potential import net_cost_from_aggregates, potential_kroner
from ungeindsats.economics.saving import AreaCount, UnitCost, realised_saving
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

UDD = UnitCost(67_772, "uddannelseshjælp, den billigste ydelse", "seed 002, budgetopfølgning")


def test_seed_002_viborg_2015_to_2017() -> None:
    """Seed 002: January 2015 1,959 full-time persons = 15.9 % of the 18–29-year-olds; September
    2017 1,869 = 14.2 %. The seed gives only the shares; populations that give them (and the
    seed's 2,099) are 12,300 in January 2015 (1,959 / 12,300 = 15.93 %) and 13,180 in September
    2017 (1,869 / 13,180 = 14.18 %).

    Counterfactual = 1,959 / 12,300 × 13,180 = 25,819,620 / 12,300 = 2,099.16 full-time persons
    (the seed: 2,099). Avoided = 2,099.16 − 1,869 = 230.16 (the seed: 230).
    Saving at 67,772 kr. = 230.156 × 67,772 = 15,598,139 kr. ≈ 15.6 mio. kr. (the seed:
    "minimum 230 × 67.772 kr. ~ 15,6 mio. kr."). With a mix at 90,000 kr. the upper end is
    230.156 × 90,000 = 20,714,049 kr.
    """
    saving = realised_saving(
        AreaCount("2015M01", 1_959, 12_300),
        AreaCount("2017M09", 1_869, 13_180),
        UDD,
        UnitCost(90_000, "faktisk ydelsesfordeling", "test"),
    )
    assert round(saving.baseline.share * 100, 1) == 15.9
    assert round(saving.current.share * 100, 1) == 14.2
    assert saving.counterfactual_fte == pytest.approx(2_099.156, abs=1e-3)
    assert round(saving.counterfactual_fte) == 2_099
    assert saving.avoided_fte == pytest.approx(230.156, abs=1e-3)
    assert saving.low == pytest.approx(15_598_139, abs=1)
    assert saving.high == pytest.approx(20_714_049, abs=1)
    labels = [s.label for s in saving.steps]
    assert labels[4:6] == ["Forventet uden ændring", "Undgåede fuldtidspersoner"]
    assert "15,6 mio. kr." in saving.steps[6].how
    assert "2.099,2" in saving.steps[4].how


def test_a_rising_share_is_a_negative_saving() -> None:
    """Baseline 100 of 1,000 (10 %); now 120 of 1,000: counterfactual 100, avoided −20,
    saving −20 × 67,772 = −1,355,440 kr. (an extra cost), no mix given."""
    saving = realised_saving(AreaCount("a", 100, 1_000), AreaCount("b", 120, 1_000), UDD)
    assert saving.avoided_fte == pytest.approx(-20)
    assert saving.low == pytest.approx(-1_355_440)
    assert saving.high is None


def test_a_zero_population_is_refused() -> None:
    with pytest.raises(ValueError, match="befolkningstallet"):
        realised_saving(AreaCount("a", 1, 0), AreaCount("b", 1, 10), UDD)


def test_potential_prices_a_gap() -> None:
    """Seed 002: KL's ~10 mio. kr. a year to the peers' average. A gap of 150 full-time persons at
    67,772 kr. = 10,165,800 kr. a year."""
    potential = potential_kroner(150, UDD)
    assert potential.kroner_per_year == pytest.approx(10_165_800)
    assert "10,2 mio. kr." in potential.explanation


def test_net_cost_from_aggregates() -> None:
    """20 fte on uddannelseshjælp at 67,772 kr. + 5 fte on A-dagpenge at 150,000 kr. =
    1,355,440 + 750,000 = 2,105,440 kr.; a benefit without a unit cost is an error."""
    total = net_cost_from_aggregates(
        {"uddannelseshjaelp": 20, "a_dagpenge": 5},
        {"uddannelseshjaelp": 67_772, "a_dagpenge": 150_000},
    )
    assert total == pytest.approx(2_105_440)
    with pytest.raises(ValueError, match="kontanthjaelp"):
        net_cost_from_aggregates({"kontanthjaelp": 1}, {})


def test_measured_in_the_warehouse(
    make_warehouse: Callable[..., Warehouse], rates: list[BenefitRate]
) -> None:
    """Ten persons (born 1995-06-01, Viborg) on uddannelseshjælp in January 2016 (2016U01–U04),
    persons 1–8 again in January 2017 (2017U01–U04) and persons 11–15 on A-dagpenge then.
    Population: 100 aged 20 in 2016K1, 150 aged 21 in 2017K1.

    fte 2016M01 = 10 (10 %); fte 2017M01 = (8 × 4 + 5 × 4) / 4 = 13; counterfactual 10 % × 150
    = 15; avoided 2. With 1,000 kr. a week: uddannelseshjælp 2017 weeks are ladder weeks 5–8
    (the 48-week gap does not restart), net 600 a week = 31,200 per full-time person a year;
    A-dagpenge weeks 1–4 at 20 % co-financing, 200 a week = 10,400 — the cheapest. The mix:
    (32 × 600 + 20 × 200) kr. over 52 weeks = one full-time person-year = 23,200 kr.
    Saving from 2 × 10,400 = 20,800 to 2 × 23,200 = 46,400 kr.
    """
    spells = [(p, 140, (2016, 1), (2016, 4)) for p in range(1, 11)]
    spells += [(p, 140, (2017, 1), (2017, 4)) for p in range(1, 9)]
    spells += [(p, 111, (2017, 1), (2017, 4)) for p in range(11, 16)]
    wh = make_warehouse(spells, population=[(791, 2016, 1, 20, 100), (791, 2017, 1, 21, 150)])
    cost = net_cost(wh, [2017], rates=rates)
    measured = measure_saving(wh, 791, parse_period("2016M01"), parse_period("2017M01"), cost=cost)
    saving = measured.saving
    assert (saving.baseline.fte, saving.current.fte) == (10, 13)
    assert saving.counterfactual_fte == pytest.approx(15)
    assert saving.cheapest.amount == pytest.approx(10_400)
    assert "a_dagpenge" in saving.cheapest.label
    assert saving.low == pytest.approx(20_800)
    assert saving.high == pytest.approx(46_400)
    assert (measured.baseline_persons, measured.current_persons) == (10, 13)
