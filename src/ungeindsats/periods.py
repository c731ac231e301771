"""Periods: ISO weeks and the months, quarters and years they belong to.

The base unit is the ISO week. A week belongs to the month, quarter and year that contain its
Thursday (Danmarks Statistik's and Jobindsats' rule), so a month has 4 or 5 weeks and a year
52 or 53. Weeks are stored in the warehouse as a *week number*: whole weeks since Monday
1 January 1990 (ISO week 1990U01), so spells are plain integer intervals.

Notation follows Danmarks Statistik and Jobindsats: ``2019M02`` (month), ``2019K1`` (quarter),
``2019`` (year), ``2019U07`` (ISO week) and ranges ``2016M03:2019M02``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
"""The months' Danish names, for text, charts and reports."""

EPOCH = date(1990, 1, 1)  # a Monday, and the first day of ISO week 1990U01
"""Week number 0."""

Kind = Literal["week", "month", "quarter", "year"]

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("week", re.compile(r"(\d{4})U(\d{2})")),
    ("month", re.compile(r"(\d{4})M(\d{2})")),
    ("quarter", re.compile(r"(\d{4})K([1-4])")),
    ("year", re.compile(r"(\d{4})")),
)


class PeriodError(ValueError):
    """A period written in a form we do not understand (message in Danish)."""


def week_number(day: date) -> int:
    """The week number of the ISO week that contains ``day``."""
    return (day - EPOCH).days // 7


def week_monday(week: int) -> date:
    return EPOCH + timedelta(weeks=week)


def week_thursday(week: int) -> date:
    """The Thursday of a week: it decides the week's month, quarter and year."""
    return EPOCH + timedelta(weeks=week, days=3)


def iso_week_number(iso_year: int, iso_week: int) -> int:
    """The week number of ISO week ``iso_week`` of ``iso_year``; raises if there is no such week."""
    try:
        monday = date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError as exc:
        raise PeriodError(f"uge {iso_week} findes ikke i {iso_year}") from exc
    return week_number(monday)


def weeks_in_iso_year(iso_year: int) -> int:
    """52 or 53: a year has week 53 when 28 December falls in it."""
    return date(iso_year, 12, 28).isocalendar().week


def _first_week_on_or_after(day: date) -> int:
    """The first week whose Thursday is on or after ``day``."""
    week = week_number(day)
    return week if week_thursday(week) >= day else week + 1


@dataclass(frozen=True, order=True)
class Period:
    """A week, month, quarter or year, as a half-open interval of week numbers [first, stop)."""

    kind: Kind
    year: int
    number: int  # week, month or quarter within the year; 0 for a year

    @property
    def first_week(self) -> int:
        if self.kind == "week":
            return iso_week_number(self.year, self.number)
        return _first_week_on_or_after(self.start_date)

    @property
    def last_week(self) -> int:
        """The last week (inclusive)."""
        if self.kind == "week":
            return self.first_week
        return _first_week_on_or_after(self.end_date + timedelta(days=1)) - 1

    @property
    def weeks(self) -> int:
        """Number of weeks in the period (4 or 5 for a month; 52 or 53 for a year)."""
        return self.last_week - self.first_week + 1

    @property
    def start_date(self) -> date:
        if self.kind == "week":
            return week_monday(self.first_week)
        if self.kind == "year":
            return date(self.year, 1, 1)
        month = self.number if self.kind == "month" else 3 * self.number - 2
        return date(self.year, month, 1)

    @property
    def end_date(self) -> date:
        """The last calendar day (a Sunday for a week)."""
        if self.kind == "week":
            return week_monday(self.first_week) + timedelta(days=6)
        return self.next().start_date - timedelta(days=1)

    def next(self) -> Period:
        if self.kind == "week":
            return week_period(self.first_week + 1)
        if self.kind == "year":
            return Period("year", self.year + 1, 0)
        size = 12 if self.kind == "month" else 4
        year, number = divmod(self.year * size + self.number, size)
        return Period(self.kind, year, number + 1)

    def label(self) -> str:
        """The period in Danmarks Statistik notation, e.g. ``2019M02``."""
        if self.kind == "week":
            return f"{self.year}U{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}M{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}K{self.number}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label()


def week_period(week: int) -> Period:
    """The ISO week with this week number as a Period."""
    iso = week_monday(week).isocalendar()
    return Period("week", iso.year, iso.week)


def month_of_week(week: int) -> Period:
    thursday = week_thursday(week)
    return Period("month", thursday.year, thursday.month)


def parse_period(text: str) -> Period:
    """Parse ``2019M02``, ``2019K1``, ``2019`` or ``2019U07`` (case-insensitive)."""
    cleaned = text.strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        year = int(match.group(1))
        number = int(match.group(2)) if kind != "year" else 0
        if kind == "month" and not 1 <= number <= 12:
            raise PeriodError(f"'{text}': måned skal være 01-12")
        if kind == "week":
            iso_week_number(year, number)  # raises for a week 53 that does not exist
        return Period(kind, year, number)
    raise PeriodError(
        f"'{text}' er ikke en periode; skriv fx 2019M02 (måned), 2019K1 (kvartal), "
        "2019 (år) eller 2019U07 (uge)"
    )


@dataclass(frozen=True)
class PeriodRange:
    """Consecutive periods of one kind, both ends included, e.g. ``2016M03:2019M02``."""

    start: Period
    end: Period

    def __post_init__(self) -> None:
        if self.start.kind != self.end.kind:
            raise PeriodError(f"'{self}': begge ender skal være af samme slags")
        if self.end < self.start:
            raise PeriodError(f"'{self}': slutningen ligger før starten")

    def periods(self) -> list[Period]:
        result = [self.start]
        while result[-1] != self.end:
            result.append(result[-1].next())
        return result

    def __str__(self) -> str:
        return f"{self.start}:{self.end}"


def parse_range(text: str) -> PeriodRange:
    """Parse ``2016M03:2019M02``; a single period is a range of one."""
    start, sep, end = text.partition(":")
    first = parse_period(start)
    return PeriodRange(first, parse_period(end) if sep else first)
