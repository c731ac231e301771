"""The business case, worked out by hand, and its YAML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ungeindsats.economics.business_case import (
    BELOW,
    CLOSE,
    ON_TRACK,
    BusinessCase,
    evaluate,
    follow_up,
    sensitivity,
)
from ungeindsats.economics.case_file import read_business_case
from ungeindsats.ingest.errors import InputError

CASE = BusinessCase(
    title="Mentor",
    one_off=100_000,
    yearly=50_000,
    effect_fte=2,
    unit_costs={"kommune": 60_000, "stat": 20_000},
    retention=(1.0, 1.0, 0.5),
    horizon=3,
    discount_rate=0.035,
)


def test_three_years_by_hand() -> None:
    """One-off 100,000 in year 1, 50,000 a year; 2 full-time persons with retention 1, 1, 0.5;
    the municipality saves 60,000 kr. per full-time person a year; 3.5 %, year 1 undiscounted.

    Year 1: saving 2 × 60,000 = 120,000; cost 150,000; net −30,000; cumulative −30,000.
    Year 2: saving 120,000; cost 50,000; net 70,000; ÷ 1.035 = 67,632.85; cumulative 37,632.85
            → break-even in year 2.
    Year 3: saving 1 × 60,000 = 60,000; cost 50,000; net 10,000; ÷ 1.035² (1.071225) = 9,335.11;
            cumulative 46,967.96 = the net present value.
    The state saves 40,000, 40,000 and 20,000 kr.
    """
    result = evaluate(CASE)
    assert [y.net for y in result.years] == [-30_000, 70_000, 10_000]
    assert [y.discounted_net for y in result.years] == pytest.approx(
        [-30_000, 67_632.85, 9_335.11], abs=0.01
    )
    assert result.years[1].cumulative == pytest.approx(37_632.85, abs=0.01)
    assert result.net_present_value == pytest.approx(46_967.96, abs=0.01)
    assert result.break_even_year == 2
    assert [y.savings["stat"] for y in result.years] == [40_000, 40_000, 20_000]


def test_no_break_even_within_the_horizon() -> None:
    """Half the effect: savings 60,000, 60,000, 30,000 against costs 150,000, 50,000, 50,000:
    cumulative −90,000 + 9,661.84 − 18,670.21 < 0 throughout: no break-even year."""
    result = evaluate(BusinessCase(**{**CASE.__dict__, "effect_fte": 1}))
    assert result.break_even_year is None
    assert result.net_present_value == pytest.approx(-90_000 + 10_000 / 1.035 - 20_000 / 1.071225)


def test_sensitivity_grid() -> None:
    """Rows: effect 50/75/100/125 %; columns: 0 %, 3.5 %, 7 %. The 100 % / 3.5 % cell is the
    case itself (46,967.96); at 0 % and 100 % the net is −30,000 + 70,000 + 10,000 = 50,000."""
    grid = sensitivity(CASE)
    assert grid.discount_rates == (0.0, 0.035, 0.07)
    assert grid.values[2][1].net_present_value == pytest.approx(46_967.96, abs=0.01)
    assert grid.values[2][0].net_present_value == pytest.approx(50_000)
    assert grid.values[0][1].break_even_year is None


def test_follow_up_puts_realised_beside_expected() -> None:
    """Expected 2, 2, 1; realised 1.9 (95 %: on track), 1.2 (60 %: below), 0.4 (40 %: close)."""
    years = follow_up(CASE, [1.9, 1.2, 0.4])
    assert [y.expected_fte for y in years] == [2, 2, 1]
    assert [y.ratio for y in years] == pytest.approx([0.95, 0.6, 0.4])
    assert [y.verdict for y in years] == [ON_TRACK, BELOW, CLOSE]


def test_the_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "titel: Mentor\nengangsinvestering: 100000\naarlig_udgift: 50000\n"
        "effekt_fuldtidspersoner: 2\nfastholdelse: [1.0, 1.0, 0.5]\n"
        "enhedspriser: {kommune: 60000, stat: 20000}\nhorisont: 3\n"
        "diskonteringsrente: 0.035\nrealiseret: [1.9]\n",
        encoding="utf-8",
    )
    assert read_business_case(path) == BusinessCase(**{**CASE.__dict__, "realised_fte": (1.9,)})


def test_a_wrong_file_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "titel: x\neffekt_fuldtidspersoner: to\nenhedspriser: {kommune: 1}\nfarve: blå\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"case\.yaml, kolonne 'farve'") as caught:
        read_business_case(path)
    path.write_text("titel: x\neffekt_fuldtidspersoner: to\nenhedspriser: {kommune: 1}\n")
    with pytest.raises(
        InputError, match="'effekt_fuldtidspersoner' \\(værdi 'to'\\): skal være et tal"
    ):
        read_business_case(path)
    path.write_text("titel: x\neffekt_fuldtidspersoner: 1\nenhedspriser: {stat: 1}\n")
    with pytest.raises(InputError, match="enhedspris for kommunen"):
        read_business_case(path)
    path.write_text("titel: [x\n")
    with pytest.raises(InputError, match="linje 2: er ikke gyldig YAML"):
        read_business_case(path)
    assert "farve" in str(caught.value)
