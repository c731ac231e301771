"""Long-term gain by the cohort method (seed 004, footnote 1: KL's langtidsgevinst).

Among people now aged 25–40, relate the weeks they spent on public support at ages 18–23 to their
public support now (weeks in the reference year) and, where the warehouse has it, their work now
(hours in the reference year, ``employment_month``; the warehouse holds no income, so hours stand
in for it). An ordinary least-squares line gives the extra weeks on support now per week on
support at 18–23, with a 95 % interval (t distribution); "avoiding support altogether" compares
those with no weeks at 18–23 to those with some. Priced with a net cost per week and a horizon,
it is the long-term value of one avoided week at 18–23.

Only persons whose ages 18–23 lie wholly inside the observed weeks count (DREAM's window); with
the demo's 2012–2019 window and 15–29-year-olds that is a thin cohort (aged 25 in 2019), so the
interval is wide — the method is the point, real DREAM extracts from 1991 give the full 25–40.
This is an association, not a causal effect: say so wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit

from ungeindsats.economics.netcost import COUNTRY
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

_TURN = (
    "CAST(floor((CAST(p.birth_date - INTERVAL 1 DAY + {age} * INTERVAL 1 YEAR + INTERVAL 1 DAY"
    " AS DATE) - DATE '1990-01-04' + 6) / 7.0) AS INTEGER)"
)


@dataclass(frozen=True)
class Line:
    """y = intercept + slope × x, the slope's 95 % interval, and the persons it rests on."""

    slope: float
    intercept: float
    low: float
    high: float
    persons: int


@dataclass(frozen=True)
class Cohort:
    """The cohort method's answer for one area and reference year."""

    municipality: int
    year: int
    persons: int
    support_now: Line
    hours_now: Line | None
    with_support_mean: float | None
    without_support_mean: float | None

    def value_per_avoided_week(
        self, net_cost_per_year: float, horizon: int = 10, discount_rate: float = 0.035
    ) -> tuple[float, float, float]:
        """Kroner (estimate, low, high) of one avoided week at 18–23: the extra weeks on support
        a year × the net cost of a week (``net_cost_per_year`` / 52) over ``horizon`` years,
        year k discounted by (1 + r)^(k−1)."""
        annuity = sum(1 / (1 + discount_rate) ** k for k in range(horizon))
        week = net_cost_per_year / 52 * annuity
        line = self.support_now
        return line.slope * week, line.low * week, line.high * week


def _fit(x: np.ndarray, y: np.ndarray) -> Line | None:
    n = len(x)
    if n < 3 or np.ptp(x) == 0:
        return None
    dx = x - x.mean()
    slope = float((dx * (y - y.mean())).sum() / (dx * dx).sum())
    intercept = float(y.mean() - slope * x.mean())
    residuals = y - intercept - slope * x
    se = float(np.sqrt((residuals**2).sum() / (n - 2) / (dx * dx).sum()))
    # t.ppf(0.975, n - 2) by scipy.stats' own kernel: importing scipy.stats takes 1-2 s
    margin = float(stdtrit(n - 2, 0.975)) * se
    return Line(slope, intercept, slope - margin, slope + margin, n)


def cohort(
    warehouse: Warehouse,
    year: int,
    municipality: int = COUNTRY,
    ages_now: tuple[int, int] = (25, 40),
    observed_from_week: int | None = None,
) -> Cohort:
    """The cohort method for residents of ``municipality`` (0 = the country) at the end of
    ``year``, aged ``ages_now`` in that year (by birth year). Weeks before
    ``observed_from_week`` (default the first week in ``status_spell``) are unobserved, so
    persons whose 18th birthday falls before it are left out."""
    period = parse_period(str(year))
    con = warehouse.con
    if observed_from_week is None:
        [(observed_from_week,)] = con.execute("SELECT min(first_week) FROM status_spell").fetchall()
    area = "" if municipality == COUNTRY else "AND r.municipality = ?"
    sql = f"""
WITH cohort AS (
    SELECT p.person_id, {_TURN.format(age=18)} AS from_week,
           {_TURN.format(age=24)} - 1 AS to_week
    FROM person AS p
    JOIN residence AS r
      ON r.person_id = p.person_id AND r.first_week <= ?
     AND (r.last_week IS NULL OR r.last_week >= ?) {area}
    WHERE ? - EXTRACT(YEAR FROM p.birth_date) BETWEEN ? AND ?
),
observed AS (
    SELECT * FROM cohort WHERE from_week >= ? AND to_week < ?
),
support AS (
    SELECT o.person_id,
           sum(greatest(0, least(s.last_week, o.to_week) - greatest(s.first_week, o.from_week)
                           + 1)) AS young,
           sum(greatest(0, least(s.last_week, ?) - greatest(s.first_week, ?) + 1)) AS now
    FROM observed AS o
    JOIN status_spell AS s ON s.person_id = o.person_id
    JOIN status_code AS c ON c.code = s.code AND c.category = 'public_support'
    GROUP BY o.person_id
),
hours AS (
    SELECT e.person_id, sum(e.hours) AS hours
    FROM employment_month AS e JOIN observed AS o ON o.person_id = e.person_id
    WHERE e.year = ?
    GROUP BY e.person_id
)
SELECT coalesce(s.young, 0), coalesce(s.now, 0), h.hours
FROM observed AS o
LEFT JOIN support AS s ON s.person_id = o.person_id
LEFT JOIN hours AS h ON h.person_id = o.person_id
"""
    last = period.last_week
    params: list[object] = [last, last]
    if municipality != COUNTRY:
        params.append(municipality)
    params += [year, ages_now[0], ages_now[1], observed_from_week, period.first_week]
    params += [last, period.first_week, year]
    rows = con.execute(sql, params).fetchall()
    x = np.array([float(r[0]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    support = _fit(x, y)
    if support is None:
        raise ValueError(
            f"for få personer i kohorten ({len(rows)}) til at beregne langtidsgevinsten for {year}"
        )
    with_hours = [(float(r[0]), float(r[2])) for r in rows if r[2] is not None]
    hours = (
        _fit(np.array([h[0] for h in with_hours]), np.array([h[1] for h in with_hours]))
        if with_hours
        else None
    )
    some, none = y[x > 0], y[x == 0]
    return Cohort(
        municipality,
        year,
        len(rows),
        support,
        hours,
        float(some.mean()) if len(some) else None,
        float(none.mean()) if len(none) else None,
    )
