from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ungeindsats.classifications import (
    benefit_rate,
    benefit_rates,
    refund_ladder,
    refund_step_for_week,
)


@pytest.mark.parametrize(
    ("week", "refund", "cofinancing"),
    [
        (1, 80, 20),
        (4, 80, 20),
        (5, 40, 60),
        (26, 40, 60),
        (27, 30, 70),
        (52, 30, 70),
        (53, 20, 80),
        (500, 20, 80),
    ],
)
def test_refund_step_for_week(week: int, refund: int, cofinancing: int) -> None:
    step = refund_step_for_week(week)
    assert (step.state_refund_pct, step.municipal_cofinancing_pct) == (refund, cofinancing)


def test_week_below_1_is_an_error() -> None:
    with pytest.raises(ValueError):
        refund_step_for_week(0)


def test_ladder_from_a_users_file(tmp_path: Path) -> None:
    path = tmp_path / "trappe.csv"
    path.write_text(
        "step,weeks_from,weeks_to,state_refusion_pct,municipal_cofinancing_pct\n"
        "1,1,10,50,50\n"
        "2,11,,25,75\n"
    )
    ladder = refund_ladder(path)
    assert refund_step_for_week(11, ladder).state_refund_pct == 25
    assert len(refund_ladder()) == 4  # the shipped ladder is untouched


def test_ladder_with_a_gap_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "trappe.csv"
    path.write_text(
        "step,weeks_from,weeks_to,state_refusion_pct,municipal_cofinancing_pct\n"
        "1,1,10,50,50\n"
        "2,12,,25,75\n"
    )
    with pytest.raises(ValueError, match="uden huller"):
        refund_ladder(path)


def test_uddannelseshjaelp_rate_2019() -> None:
    rate = benefit_rate("uddannelseshjaelp", "under 25 udeboende", 2019)
    assert (rate.amount, rate.unit) == (Decimal(6259), "kr/md")
    assert rate.source == "https://bm.dk/satser/satser-for-2019/uddannelseshjaelp/"


def test_rate_benefit_names_become_our_identifiers() -> None:
    """The file's 'a-dagpenge (paid by a-kasse)' and 'ressourceforloebsydelse' rows."""
    names = {r.benefit for r in benefit_rates()}
    assert names == {
        "uddannelseshjaelp",
        "kontanthjaelp",
        "integrationsydelse",
        "sygedagpenge",
        "a_dagpenge",
        "ressourceforloeb",
    }
    assert benefit_rate("ressourceforloeb", "forsoergere", 2020).amount == 15355


def test_same_source_is_resolved() -> None:
    rate = benefit_rate("uddannelseshjaelp", "25-29 hjemmeboende", 2019)
    assert rate.source == "https://bm.dk/satser/satser-for-2019/uddannelseshjaelp/"


def test_missing_rate_raises_key_error() -> None:
    with pytest.raises(KeyError):
        benefit_rate("uddannelseshjaelp", "under 25 udeboende", 2015)
