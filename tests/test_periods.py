"""Periods: the Thursday rule, week 53 and the notation, worked out by hand from a calendar."""

from datetime import date

import pytest

from ungeindsats.periods import (
    PeriodError,
    iso_week_number,
    month_of_week,
    parse_period,
    parse_range,
    week_number,
    week_period,
    weeks_in_iso_year,
)


def test_epoch_and_week_numbers() -> None:
    """Monday 1 Jan 1990 is week 0; Sunday 7 Jan still week 0; Monday 8 Jan week 1."""
    assert week_number(date(1990, 1, 1)) == 0
    assert week_number(date(1990, 1, 7)) == 0
    assert week_number(date(1990, 1, 8)) == 1
    assert iso_week_number(1990, 1) == 0


def test_february_2019_has_four_weeks_by_thursday() -> None:
    """Thursdays in Feb 2019: 7, 14, 21, 28 → ISO weeks 6-9. Week 5 (Thu 31 Jan) is January's."""
    feb = parse_period("2019M02")
    assert feb.weeks == 4
    assert feb.first_week == iso_week_number(2019, 6)
    assert feb.last_week == iso_week_number(2019, 9)
    assert month_of_week(iso_week_number(2019, 5)).label() == "2019M01"


def test_a_month_with_five_weeks() -> None:
    """Jan 2015: Thursdays 1, 8, 15, 22, 29 → five weeks, ISO weeks 1-5."""
    jan = parse_period("2015M01")
    assert jan.weeks == 5
    assert jan.first_week == iso_week_number(2015, 1)


def test_week_spanning_a_month_boundary_belongs_to_its_thursday() -> None:
    """ISO week 2019U09 runs Mon 25 Feb - Sun 3 Mar; its Thursday is 28 Feb → February."""
    week = iso_week_number(2019, 9)
    assert month_of_week(week).label() == "2019M02"
    """ISO week 2019U13 runs Mon 25 Mar - Sun 31 Mar → March; 2019U14 (Thu 4 Apr) → April."""
    assert month_of_week(iso_week_number(2019, 14)).label() == "2019M04"


def test_week_53_years() -> None:
    """2015 and 2020 have 53 ISO weeks (28 Dec falls in week 53); 2016 and 2019 have 52."""
    assert weeks_in_iso_year(2015) == 53
    assert weeks_in_iso_year(2020) == 53
    assert weeks_in_iso_year(2016) == 52
    assert parse_period("2015").weeks == 53
    assert parse_period("2019").weeks == 52
    """2020U53 (Thu 31 Dec 2020) belongs to December 2020, so Dec 2020 has 5 weeks."""
    assert parse_period("2020M12").weeks == 5
    assert parse_period("2020U53").label() == "2020U53"
    with pytest.raises(PeriodError, match="findes ikke"):
        parse_period("2019U53")


def test_quarter_and_year_consist_of_their_months() -> None:
    """A quarter's weeks are its three months' weeks; a year's weeks its quarters'."""
    q1 = parse_period("2019K1")
    months = parse_range("2019M01:2019M03").periods()
    assert sum(m.weeks for m in months) == q1.weeks == 13
    assert q1.first_week == months[0].first_week
    assert q1.last_week == months[-1].last_week
    year = parse_period("2015")
    assert sum(q.weeks for q in parse_range("2015K1:2015K4").periods()) == year.weeks


def test_ranges_and_labels() -> None:
    months = parse_range("2016M03:2019M02").periods()
    assert len(months) == 36
    assert months[0].label() == "2016M03"
    assert months[-1].label() == "2019M02"
    assert [p.label() for p in parse_range("2018K4:2019K2").periods()] == [
        "2018K4",
        "2019K1",
        "2019K2",
    ]
    assert week_period(iso_week_number(2019, 7)).label() == "2019U07"
    assert parse_period(" 2019m02 ").label() == "2019M02"


@pytest.mark.parametrize("bad", ["2019M13", "19M02", "2019Q1", "", "2019K5"])
def test_bad_periods_are_explained_in_danish(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)


def test_range_backwards_is_an_error() -> None:
    with pytest.raises(PeriodError, match="før starten"):
        parse_range("2019M02:2018M02")
