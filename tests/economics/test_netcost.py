"""Net municipal cost on the refund ladder, worked out by hand.

Rates: the ``rates`` fixture prices uddannelseshjælp and A-dagpenge at 1,000 kr. a week in every
year, so the net cost of a week is 1,000 × (1 − refund) (or 1,000 × co-financing for A-dagpenge).
Ladder (classifications/refund_ladder.csv): weeks 1–4 refund 80 % (net 20 %), 5–26 40 % (net
60 %), 27–52 30 % (net 70 %), from 53 20 % (net 80 %); A-dagpenge co-financing 20/60/70/80 %.
ISO 2017 has 52 weeks, all with their Thursday in 2017; 2015 has 53.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ungeindsats.classifications import BenefitRate
from ungeindsats.economics.ladder import LadderRules
from ungeindsats.economics.netcost import ALL, net_cost
from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse

Build = Callable[..., Warehouse]
Rates = list[BenefitRate]
DAGPENGE, UDD, UDD_ACT, REVALIDERING, JOB = 111, 140, 141, 150, 981  # see conftest.py


def test_sixty_weeks_of_uddannelseshjaelp(make_warehouse: Build, rates: Rates) -> None:
    """One person on uddannelseshjælp 2017U01–2018U08: 60 weeks in a row.

    Ladder weeks 1–4 (80 % refund), 5–26 (22 weeks, 40 %), 27–52 (26 weeks, 30 %) fall in 2017;
    weeks 53–60 (8 weeks, 20 %) in 2018.
    2017 net = 1,000 × (4 × 0.2 + 22 × 0.6 + 26 × 0.7) = 800 + 13,200 + 18,200 = 32,200 kr.;
    gross 52,000; 1 full-time person; so 32,200 kr. per full-time person.
    2018 net = 1,000 × 8 × 0.8 = 6,400 kr.; fte 8/52.
    """
    wh = make_warehouse([(1, UDD, (2017, 1), (2018, 8))])
    cost = net_cost(wh, [2017, 2018], rates=rates)
    weeks = {s: cost.cell(791, 2017, step=s) for s in ("1", "2", "3")}
    assert [c.weeks if c else 0 for c in weeks.values()] == [4, 22, 26]
    assert cost.cell(791, 2017, step="4") is None
    year = cost.cell(791, 2017)
    assert year is not None
    assert year.gross == pytest.approx(52_000)
    assert year.net == pytest.approx(32_200)
    assert year.fte == pytest.approx(1.0)
    assert year.net_per_fte == pytest.approx(32_200)
    later = cost.cell(791, 2018, step="4")
    assert later is not None and later.weeks == 8
    assert later.net == pytest.approx(6_400)
    # The same cells by benefit and youth group (uddannelsesparat: group 2), and the country.
    assert cost.cell(791, 2017, "uddannelseshjaelp", "2") == year
    assert cost.cell(0, 2017) == year


def test_a_short_job_does_not_restart_the_ladder(make_warehouse: Build, rates: Rates) -> None:
    """Uddannelseshjælp 2017U01–U20 (20 weeks), a job U21–U24, uddannelseshjælp U25–U44
    (20 weeks). The count goes on after the job: ladder weeks 1–4 (80 %), 5–26 (16 + 6 = 22 weeks,
    40 %), 27–40 (14 weeks, 30 %).
    Net = 1,000 × (4 × 0.2 + 22 × 0.6 + 14 × 0.7) = 800 + 13,200 + 9,800 = 23,800 kr.
    (Had the job restarted the count, the second spell would have had 4 more weeks at 80 %.)
    """
    wh = make_warehouse(
        [
            (2, UDD, (2017, 1), (2017, 20)),
            (2, JOB, (2017, 21), (2017, 24)),
            (2, UDD, (2017, 25), (2017, 44)),
        ]
    )
    cost = net_cost(wh, [2017], rates=rates)
    assert [cost.cell(791, 2017, step=s).weeks for s in ("1", "2", "3")] == [4, 22, 14]  # type: ignore[union-attr]
    assert cost.cell(791, 2017).net == pytest.approx(23_800)  # type: ignore[union-attr]


def test_a_year_of_self_support_restarts_the_ladder(make_warehouse: Build, rates: Rates) -> None:
    """Uddannelseshjælp 2016U01–U10, self-supporting 2016U11–2017U10 (42 + 10 = 52 weeks),
    uddannelseshjælp 2017U11–U14. § 6: 52 weeks of self-support within 3 years restart the
    count, so 2017's 4 weeks are ladder weeks 1–4: net 4 × 1,000 × 0.2 = 800 kr.
    With the restart set at 53 weeks they are ladder weeks 11–14: net 4 × 600 = 2,400 kr.
    """
    wh = make_warehouse([(3, UDD, (2016, 1), (2016, 10)), (3, UDD, (2017, 11), (2017, 14))])
    assert net_cost(wh, [2017], rates=rates).cell(791, 2017).net == pytest.approx(800)  # type: ignore[union-attr]
    stricter = LadderRules(reset_weeks=53)
    cost = net_cost(wh, [2017], rates=rates, rules=stricter)
    assert cost.cell(791, 2017).net == pytest.approx(2_400)  # type: ignore[union-attr]


def test_short_gaps_add_up_to_a_restart(make_warehouse: Build, rates: Rates) -> None:
    """Uddannelseshjælp 2016U01–U02, self-support U03–U32 (30 weeks), uddannelseshjælp U33
    (ladder week 3), self-support 2016U34–2017U03 (19 + 3 = 22 weeks), uddannelseshjælp
    2017U04–U07. At 2017U03 the last 156 weeks hold 30 + 22 = 52 self-supporting weeks: restart,
    so 2017's weeks are ladder weeks 1–4: net 4 × 200 = 800 kr. With a 20-week second gap
    (2016U34–2016U52 is 19 weeks; support from 2017U01) there is no restart: ladder weeks 4–7,
    one at 80 % refund and three at 40 %: net 200 + 3 × 600 = 2,000 kr.
    """
    restart = make_warehouse(
        [
            (4, UDD, (2016, 1), (2016, 2)),
            (4, UDD, (2016, 33), (2016, 33)),
            (4, UDD, (2017, 4), (2017, 7)),
        ]
    )
    assert net_cost(restart, [2017], rates=rates).cell(791, 2017).net == pytest.approx(800)  # type: ignore[union-attr]
    no_restart = make_warehouse(
        [
            (4, UDD, (2016, 1), (2016, 2)),
            (4, UDD, (2016, 33), (2016, 33)),
            (4, UDD, (2017, 1), (2017, 4)),
        ]
    )
    cost = net_cost(no_restart, [2017], rates=rates)
    assert cost.cell(791, 2017).net == pytest.approx(2_000)  # type: ignore[union-attr]


def test_weeks_count_from_july_2014(make_warehouse: Build, rates: Rates) -> None:
    """§ 30: weeks on support from 1 July 2014 count (2014U27, the week holding 1 July).
    Uddannelseshjælp 2014U01–2016U10: counted from 2014U27, that is 26 weeks in 2014 (U27–U52)
    and 53 in 2015, so 2016U01 is ladder week 80: all 10 weeks of 2016 at 20 % refund,
    net 10 × 800 = 8,000 kr. Had 2014's first half counted, the answer would be the same
    (already past week 53), so a second person starts 2015U40: 14 weeks in 2015 (U40–U53), so
    2016U01–U10 are ladder weeks 15–24, all at 40 %: net 10 × 600 = 6,000 kr.
    """
    wh = make_warehouse(
        [(5, UDD, (2014, 1), (2016, 10)), (6, UDD, (2015, 40), (2016, 10))],
    )
    cost = net_cost(wh, [2016], rates=rates)
    assert cost.cell(791, 2016, step="4").net == pytest.approx(8_000)  # type: ignore[union-attr]
    assert cost.cell(791, 2016, step="2").net == pytest.approx(6_000)  # type: ignore[union-attr]


def test_a_dagpenge_is_priced_by_cofinancing(make_warehouse: Build, rates: Rates) -> None:
    """A-dagpenge 2017U01–U10: the municipality pays 20 % of weeks 1–4 and 60 % of weeks 5–10:
    1,000 × (4 × 0.2 + 6 × 0.6) = 800 + 3,600 = 4,400 kr. (youth group 1)."""
    wh = make_warehouse([(7, DAGPENGE, (2017, 1), (2017, 10))])
    cost = net_cost(wh, [2017], rates=rates)
    assert cost.cell(791, 2017, "a_dagpenge", "1").net == pytest.approx(4_400)  # type: ignore[union-attr]


def test_weeks_without_a_rate_count_on_the_ladder_but_are_not_priced(
    make_warehouse: Build, rates: Rates
) -> None:
    """Revalidering 2017U01–U10 (no rate, no youth group), then uddannelseshjælp (aktivitetsparat,
    group 3) U11–U20: the 10 revalidering weeks are counted (ladder weeks 1–10) but cost nothing
    here, so the uddannelseshjælp weeks are ladder weeks 11–20 at 40 %: net 10 × 600 = 6,000 kr.
    Per priced full-time person: 6,000 / (10/52) = 31,200 kr.
    """
    wh = make_warehouse(
        [(8, REVALIDERING, (2017, 1), (2017, 10)), (8, UDD_ACT, (2017, 11), (2017, 20))]
    )
    cost = net_cost(wh, [2017], rates=rates)
    assert cost.unpriced == ("revalidering",)
    total = cost.cell(791, 2017)
    assert total is not None and (total.weeks, total.priced_weeks) == (20, 10)
    assert total.net == pytest.approx(6_000)
    assert total.net_per_fte == pytest.approx(31_200)
    assert cost.cell(791, 2017, "revalidering", "ingen").net == 0  # type: ignore[union-attr]
    assert cost.cell(791, 2017, ALL, "3").net == pytest.approx(6_000)  # type: ignore[union-attr]


def test_ages_and_years_outside_the_question_are_left_out(
    make_warehouse: Build, rates: Rates
) -> None:
    """A person born 1987-03-01 turns 30 on 1 March 2017 (Wednesday of 2017U09); uddannelses-
    hjælp 2017U01–U20. Ages 18–29 keep the Thursdays 5 Jan–23 Feb: weeks U01–U08, ladder weeks
    1–8: 4 at 80 % and 4 at 40 % refund: net 800 + 2,400 = 3,200 kr. 2015 is before the ladder:
    nothing is priced."""
    wh = make_warehouse([(9, UDD, (2017, 1), (2017, 20))], born={9: date(1987, 3, 1)})
    cost = net_cost(wh, [2017], rates=rates)
    assert cost.cell(791, 2017).weeks == 8  # type: ignore[union-attr]
    assert cost.cell(791, 2017).net == pytest.approx(3_200)  # type: ignore[union-attr]
    assert net_cost(wh, [2015], rates=rates).table.num_rows == 0


def test_cells_for_some_municipalities_are_those_of_all(
    make_warehouse: Build, rates: Rates
) -> None:
    """Person 1 in Viborg (791) on uddannelseshjælp 2017U01–U20, person 2 in København (101) on
    A-dagpenge 2017U01–U10. Asked for Viborg only (and for only some breakdowns), the cells are
    Viborg's and the country's of the full answer, row for row; the country still counts both:
    30 weeks, 2 persons, net 1,000 × (4 × 0.2 + 16 × 0.6) + 1,000 × (4 × 0.2 + 6 × 0.6) =
    10,400 + 4,400 = 14,800 kr."""
    wh = make_warehouse([(1, UDD, (2017, 1), (2017, 20))])
    con = wh.con
    con.execute(
        "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (2, ?, 'M', 1)",
        [date(1995, 6, 1)],
    )
    con.execute(
        "INSERT INTO residence VALUES (2, 101, NULL, ?, NULL, 1)", [iso_week_number(2010, 1)]
    )
    con.execute(
        "INSERT INTO status_spell VALUES (2, ?, ?, ?, 1)",
        [DAGPENGE, iso_week_number(2017, 1), iso_week_number(2017, 10)],
    )
    full = net_cost(wh, [2017], rates=rates)
    part = net_cost(wh, [2017], rates=rates, municipalities=(791,))
    kept = [r for r in full.table.to_pylist() if r["municipality"] in (791, 0)]
    assert part.table.to_pylist() == kept
    assert {r["municipality"] for r in full.table.to_pylist()} == {0, 101, 791}
    assert part.unpriced == full.unpriced
    country = part.cell(0, 2017)
    assert country is not None and (country.weeks, country.persons) == (30, 2)
    assert country.net == pytest.approx(14_800)
    # Only some breakdowns: the same cells again, and no others.
    some = net_cost(
        wh, [2017], rates=rates, municipalities=(791,), breakdowns=((), ("youth_group",))
    )
    assert some.table.to_pylist() == [r for r in kept if r["benefit"] == ALL and r["step"] == ALL]
    assert some.cell(0, 2017) == country and some.cell(0, 2017, step="1") is None
    with pytest.raises(ValueError, match="unknown net-cost breakdowns"):
        net_cost(wh, [2017], rates=rates, breakdowns=(("municipality",),))
