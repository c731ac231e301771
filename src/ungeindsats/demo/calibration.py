"""Calibration of the demo to the seed documents: targets, their measurement, and the report.

``measure(con, scale=...)`` computes every calibration figure from a warehouse that holds the
imported demo (status_spell, status_code, residence, person, week, population, education_event,
employment_month, readiness_assessment) with plain SQL, and compares it with its target.
``render_markdown`` writes the table of target, value, tolerance and pass/fail
(``calibration.md``). Counts (full-time persons, moves, inhabitants) are divided by the demo's
scale before they are compared, so a small demo is held to the same targets with wider
tolerances (``SMALL``); ``FULL`` holds the issue's tolerances for the full-scale demo.

The indicator engine does not exist yet; these queries are the definitions of
shared/docs/domain.md written out directly, and are meant to be replaced by indicator calls:

* full-time persons (fuldtidspersoner): the weeks in the period with a code of the group, of
  persons aged 18-29 at the week's Thursday and living in the municipality that week, divided by
  the weeks in the period (a week belongs to the month of its Thursday). The youth group of a code
  comes from ``YouthGroupMapping.default()`` applied to the code's benefit and target group.
* per 1,000 inhabitants: full-time persons over FOLK1A's 18-29-year-olds in the quarter that
  holds the period's end.
* average duration: full-time persons ÷ persons × weeks in the period (2018).
* status 6 months after exit: for each run of a group-1/2/3 code ending in 2017-2018 (person
  18-29, living in the municipality in its last week), the code's category 26 weeks later:
  education or employment, public support, or none (self-supporting, emigrated or similar).
* NEET (restgruppen): 15-24-year-olds living in the municipality in the last week of November,
  without an education code that week, without a completed education other than a preparatory
  one, under 78 hours of work in November, and not on førtidspension or fleksjob. Persistence:
  the share of NEET in 2017 who were NEET in 2016 and 2015 as well.
* not education-ready: assessments in January of the last year, by grade.
* migration: moves between municipalities of 16-29-year-olds in 2017 (residence rows that follow
  one in another municipality without a gap); emigration and immigration are not moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pyarrow as pa

from ungeindsats.classifications import YouthGroupMapping
from ungeindsats.periods import parse_period

VIBORG = 791

Level = Literal["full", "small"]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    target: float
    full: tuple[float, float]  # (lower, upper) accepted at full scale
    small: tuple[float, float]  # accepted at a small scale
    unit: str
    source: str


@dataclass(frozen=True)
class Measurement:
    target: Target
    value: float | None
    level: Level

    @property
    def bounds(self) -> tuple[float, float]:
        return self.target.full if self.level == "full" else self.target.small

    @property
    def passed(self) -> bool:
        lower, upper = self.bounds
        return self.value is not None and lower <= self.value <= upper


Bounds = tuple[tuple[float, float], tuple[float, float]]


def _rel(value: float, full: float, small: float) -> Bounds:
    return (value * (1 - full), value * (1 + full)), (value * (1 - small), value * (1 + small))


def _abs(value: float, full: float, small: float) -> Bounds:
    return (value - full, value + full), (value - small, value + small)


def _target(
    name: str,
    label: str,
    value: float,
    bounds: Bounds,
    unit: str,
    source: str,
) -> Target:
    return Target(name, label, value, bounds[0], bounds[1], unit, source)


SEED1 = "seed 001 (Viborg, maj 2019)"
SEED2 = "seed 002 (Viborg, 2017)"
DOMAIN = "domain.md"


def targets() -> list[Target]:
    """The calibration targets with their tolerances (full scale; small scale)."""
    t: list[Target] = []
    for group, value in ((1, 624), (2, 278), (3, 565)):
        t.append(
            _target(
                f"viborg_group{group}",
                f"Viborg feb 2019, gruppe {group}",
                value,
                _rel(value, 0.10, 0.45),
                "fuldtidspersoner",
                SEED1,
            )
        )
    t.append(
        _target(
            "viborg_permanent",
            "Viborg feb 2019, permanente ydelser (gruppe 4)",
            376,
            _rel(376, 0.10, 0.45),
            "fuldtidspersoner",
            SEED1,
        )
    )
    splits = {
        1: {
            "a_dagpenge": 349,
            "sygedagpenge": 145,
            "integrationsydelse": 90,
            "kontanthjaelp": 23,
            "uddannelseshjaelp": 17,
        },
        2: {"uddannelseshjaelp": 267, "integrationsydelse": 11},
        3: {
            "uddannelseshjaelp": 344,
            "ressourceforloeb": 94,
            "jobafklaring": 58,
            "kontanthjaelp": 39,
            "integrationsydelse": 30,
        },
    }
    for group, parts in splits.items():
        total = sum(parts.values())
        for benefit, value in parts.items():
            share = 100 * value / total
            t.append(
                _target(
                    f"split_{group}_{benefit}",
                    f"Viborg feb 2019, gruppe {group}: andel {benefit}",
                    share,
                    _abs(share, 5, 25),
                    "%",
                    f"{DOMAIN} §5",
                )
            )
    for group, value in ((1, 42), (2, 15), (3, 32)):
        t.append(
            _target(
                f"country_per_1000_group{group}",
                f"Hele landet feb 2019, gruppe {group} pr. 1.000 18-29-årige",
                value,
                _rel(value, 0.10, 0.20),
                "pr. 1.000",
                SEED1,
            )
        )
    t.append(
        _target(
            "viborg_series_min",
            "Viborg mar 2016-feb 2019, gruppe 1-3: laveste måned",
            1416,
            ((1330, 1560), (900, 1900)),
            "fuldtidspersoner",
            SEED1,
        )
    )
    t.append(
        _target(
            "viborg_series_max",
            "Viborg mar 2016-feb 2019, gruppe 1-3: højeste måned",
            1667,
            ((1560, 1760), (1200, 2400)),
            "fuldtidspersoner",
            SEED1,
        )
    )
    t.append(
        _target(
            "viborg_series_trend",
            "Viborg gruppe 1-3: sidste 12 mdr. mod første 12 mdr. (mar 2016-feb 2019)",
            -8.5,
            ((-18.0, -3.0), (-45.0, 30.0)),
            "%",
            SEED1,
        )
    )
    for group, value in ((1, 7), (2, 24), (3, 40)):
        t.append(
            _target(
                f"country_duration_group{group}",
                f"Hele landet 2018, gruppe {group}: gennemsnitlig varighed",
                value,
                _rel(value, 0.20, 0.35),
                "uger",
                SEED1,
            )
        )
    for group, value in ((1, 7), (2, 23), (3, 39)):
        t.append(
            _target(
                f"viborg_duration_group{group}",
                f"Viborg 2018, gruppe {group}: gennemsnitlig varighed",
                value,
                _rel(value, 0.20, 0.45),
                "uger",
                SEED1,
            )
        )
    status = {1: (68, 26, 6), 2: (47, 41, 12), 3: (20, 74, 6)}
    names = ("uddannelse eller arbejde", "offentlig forsørgelse", "selvforsørgende, udrejst el.l.")
    for group, values in status.items():
        for kind, (name, value) in enumerate(zip(names, values, strict=True)):
            t.append(
                _target(
                    f"status_{group}_{kind}",
                    f"Viborg, 6 mdr. efter afgang fra gruppe {group}: {name}",
                    value,
                    _abs(value, 5, 15),
                    "%",
                    SEED1,
                )
            )
    t.append(
        _target(
            "neet_country",
            "Restgruppen 2017, hele landet (15-24 år)",
            7.0,
            _abs(7.0, 1.0, 2.5),
            "%",
            SEED1,
        )
    )
    t.append(
        _target("neet_viborg", "Restgruppen 2017, Viborg", 6.2, _abs(6.2, 1.5, 4.5), "%", SEED1)
    )
    t.append(
        _target(
            "neet_min",
            "Restgruppen 2017, laveste kommune",
            4.3,
            ((2.5, 6.0), (0.0, 8.0)),
            "%",
            SEED1,
        )
    )
    t.append(
        _target(
            "neet_max",
            "Restgruppen 2017, højeste kommune",
            13.6,
            ((10.5, 17.0), (8.0, 40.0)),
            "%",
            SEED1,
        )
    )
    t.append(
        _target(
            "neet_persistence",
            "Restgruppen 2017, også i 2015 og 2016 (hele landet)",
            36.5,
            _abs(36.5, 6.0, 12.0),
            "%",
            SEED1,
        )
    )
    for grade, share in ((8, 30.1), (9, 17.6), (10, 33.5)):
        t.append(
            _target(
                f"not_ready_{grade}",
                f"Ikke uddannelsesparate, {grade}. klasse",
                share,
                _abs(share, 3.0, 7.0),
                "%",
                SEED1,
            )
        )
    t.append(
        _target(
            "viborg_moves_in",
            "Viborg 2017: tilflyttede 16-29-årige",
            1612,
            _rel(1612, 0.20, 0.5),
            "personer",
            SEED1,
        )
    )
    t.append(
        _target(
            "viborg_moves_out",
            "Viborg 2017: fraflyttede 16-29-årige",
            2047,
            _rel(2047, 0.20, 0.5),
            "personer",
            SEED1,
        )
    )
    t.append(
        _target(
            "viborg_net_migration",
            "Viborg 2017: nettotilflytning 16-29-årige",
            -435,
            ((-600, -270), (-1300, 200)),
            "personer",
            SEED1,
        )
    )
    t.append(
        _target(
            "viborg_fte_2015",
            "Viborg jan 2015: 18-29-årige på offentlig forsørgelse",
            1959,
            _rel(1959, 0.10, 0.40),
            "fuldtidspersoner",
            SEED2,
        )
    )
    t.append(
        _target(
            "viborg_share_2015",
            "Viborg jan 2015: andel af 18-29-årige",
            15.9,
            _abs(15.9, 1.5, 5.0),
            "%",
            SEED2,
        )
    )
    t.append(
        _target(
            "viborg_fte_2017",
            "Viborg sep 2017: 18-29-årige på offentlig forsørgelse",
            1869,
            _rel(1869, 0.10, 0.40),
            "fuldtidspersoner",
            SEED2,
        )
    )
    t.append(
        _target(
            "viborg_share_2017",
            "Viborg sep 2017: andel af 18-29-årige",
            14.2,
            _abs(14.2, 1.5, 5.0),
            "%",
            SEED2,
        )
    )
    t.append(
        _target(
            "viborg_pop_2015",
            "Viborg 1. jan 2015: 18-29-årige",
            12321,
            _rel(12321, 0.08, 0.25),
            "personer",
            SEED2,
        )
    )
    t.append(
        _target(
            "viborg_pop_2017",
            "Viborg 1. jul 2017: 18-29-årige",
            13162,
            _rel(13162, 0.08, 0.25),
            "personer",
            SEED2,
        )
    )
    t.append(
        _target(
            "country_pop",
            "Hele landet 1. jan 2019: 15-29-årige",
            1_100_000,
            _rel(1_100_000, 0.10, 0.15),
            "personer",
            "architecture.md",
        )
    )
    return t


# --- SQL ---------------------------------------------------------------------------------------

_AGE = (
    "(year({d}) - year({b}) - CASE WHEN month({d}) * 100 + day({d}) "
    "< month({b}) * 100 + day({b}) THEN 1 ELSE 0 END)"
)
_OPEN = "coalesce(r.last_week, 2147483647)"


def _age(birth: str, day: str) -> str:
    return _AGE.format(b=birth, d=day)


def _week_range(label: str) -> tuple[int, int]:
    period = parse_period(label)
    return period.first_week, period.last_week


def _code_groups(con: duckdb.DuckDBPyConnection) -> pa.Table:
    mapping = YouthGroupMapping.default()
    rows = con.execute(
        "SELECT code, benefit, target_group FROM status_code WHERE category = 'public_support'"
    ).fetchall()
    groups = [mapping.group_for(benefit, target) for _, benefit, target in rows]
    return pa.table(
        {
            "code": pa.array([r[0] for r in rows], pa.int32()),
            "benefit": pa.array([r[1] for r in rows], pa.string()),
            "youth_group": pa.array([g if g is not None else 0 for g in groups], pa.int32()),
        }
    )


class _Measurer:
    def __init__(self, con: duckdb.DuckDBPyConnection, scale: float, municipality: int) -> None:
        self.con = con
        self.scale = scale
        self.muni = municipality
        self.values: dict[str, float | None] = {}
        con.register("cal_code_group", _code_groups(con))

    def q(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> list[Any]:
        return self.con.execute(sql, params).fetchall()

    def run(self) -> dict[str, float | None]:
        self._panel()
        self._groups_feb_2019()
        self._series()
        self._kl_figures()
        self._durations()
        self._status_after_exit()
        self._neet()
        self._readiness()
        self._migration()
        self._populations()
        self.con.unregister("cal_code_group")
        self.con.execute("DROP TABLE IF EXISTS cal_panel")
        return self.values

    def _panel(self) -> None:
        lo, _ = _week_range("2015M01")
        _, hi = _week_range("2019M02")
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE cal_panel AS
            SELECT w.year, w.month, r.municipality, g.youth_group, g.benefit,
                   count(*) AS weeks
            FROM status_spell s
            JOIN cal_code_group g ON g.code = s.code
            JOIN week w ON w.week BETWEEN s.first_week AND s.last_week
            JOIN person p ON p.person_id = s.person_id
            JOIN residence r ON r.person_id = s.person_id
                AND w.week BETWEEN r.first_week AND {_OPEN}
            WHERE s.last_week >= $lo AND s.first_week <= $hi AND w.week BETWEEN $lo AND $hi
              AND {_age("p.birth_date", "w.thursday")} BETWEEN 18 AND 29
            GROUP BY ALL
            """,
            {"lo": lo, "hi": hi},
        )

    def _fte(self, label: str, where: str, params: Mapping[str, object]) -> float:
        period = parse_period(label)
        rows = self.q(
            f"SELECT coalesce(sum(weeks), 0) FROM cal_panel WHERE year = $y AND month = $m "
            f"AND {where}",
            {"y": period.year, "m": period.number, **params},
        )
        return float(rows[0][0]) / period.weeks

    def _population(
        self,
        ages: tuple[int, int] = (18, 29),
        quarter: str = "2019K1",
        municipality: int | None = None,
    ) -> float:
        period = parse_period(quarter)
        rows = self.q(
            "SELECT coalesce(sum(persons), 0) FROM population WHERE year = $y AND quarter = $q "
            "AND age BETWEEN $a AND $b AND municipality = $m",
            {
                "y": period.year,
                "q": period.number,
                "a": ages[0],
                "b": ages[1],
                "m": 0 if municipality is None else municipality,
            },
        )
        return float(rows[0][0])

    def _groups_feb_2019(self) -> None:
        v = self.values
        m = {"muni": self.muni}
        for group in (1, 2, 3):
            v[f"viborg_group{group}"] = (
                self._fte("2019M02", "municipality = $muni AND youth_group = $g", {**m, "g": group})
                / self.scale
            )
        v["viborg_permanent"] = (
            self._fte("2019M02", "municipality = $muni AND youth_group = 4", m) / self.scale
        )
        rows = self.q(
            "SELECT youth_group, benefit, sum(weeks) FROM cal_panel WHERE year = 2019 "
            "AND month = 2 AND municipality = $muni AND youth_group BETWEEN 1 AND 3 GROUP BY ALL",
            m,
        )
        totals: dict[int, float] = {}
        for group, _, weeks in rows:
            totals[group] = totals.get(group, 0.0) + float(weeks)
        for target in targets():
            if target.name.startswith("split_"):
                _, group_text, benefit = target.name.split("_", 2)
                group = int(group_text)
                weeks = sum(float(w) for g, b, w in rows if g == group and b == benefit)
                v[target.name] = 100 * weeks / totals[group] if totals.get(group) else None
        population = self._population()
        for group in (1, 2, 3):
            fte = self._fte("2019M02", "youth_group = $g", {"g": group})
            v[f"country_per_1000_group{group}"] = 1000 * fte / population if population else None

    def _series(self) -> None:
        months = [
            f"{y}M{m:02d}" for y, m in [(2016 + (2 + i) // 12, (2 + i) % 12 + 1) for i in range(36)]
        ]
        series = [
            self._fte(
                label, "municipality = $muni AND youth_group BETWEEN 1 AND 3", {"muni": self.muni}
            )
            / self.scale
            for label in months
        ]
        self.values["viborg_series_min"] = min(series)
        self.values["viborg_series_max"] = max(series)
        first, last = sum(series[:12]) / 12, sum(series[-12:]) / 12
        self.values["viborg_series_trend"] = 100 * (last / first - 1) if first else None
        self.series = list(zip(months, series, strict=True))

    def _kl_figures(self) -> None:
        v = self.values
        for name, label, quarter in (("2015", "2015M01", "2015K1"), ("2017", "2017M09", "2017K3")):
            fte = self._fte(label, "municipality = $muni AND youth_group >= 0", {"muni": self.muni})
            population = self._population(quarter=quarter, municipality=self.muni)
            v[f"viborg_fte_{name}"] = fte / self.scale
            v[f"viborg_share_{name}"] = 100 * fte / population if population else None

    def _durations(self) -> None:
        lo, hi = _week_range("2018")
        weeks = hi - lo + 1
        rows = self.q(
            f"""
            SELECT g.youth_group, count(*) AS weeks, count(DISTINCT s.person_id) AS persons,
                   count(*) FILTER (WHERE r.municipality = $muni) AS m_weeks,
                   count(DISTINCT s.person_id) FILTER (WHERE r.municipality = $muni) AS m_persons
            FROM status_spell s
            JOIN cal_code_group g ON g.code = s.code
            JOIN week w ON w.week BETWEEN s.first_week AND s.last_week
            JOIN person p ON p.person_id = s.person_id
            JOIN residence r ON r.person_id = s.person_id
                AND w.week BETWEEN r.first_week AND {_OPEN}
            WHERE s.last_week >= $lo AND s.first_week <= $hi AND w.week BETWEEN $lo AND $hi
              AND {_age("p.birth_date", "w.thursday")} BETWEEN 18 AND 29
              AND g.youth_group BETWEEN 1 AND 3
            GROUP BY 1
            """,
            {"lo": lo, "hi": hi, "muni": self.muni},
        )
        for group, all_weeks, persons, m_weeks, m_persons in rows:
            # fte ÷ persons × weeks in the period = person-weeks ÷ persons.
            v = self.values
            v[f"country_duration_group{group}"] = all_weeks / persons if persons else None
            v[f"viborg_duration_group{group}"] = m_weeks / m_persons if m_persons else None
        _ = weeks

    def _status_after_exit(self) -> None:
        lo, _ = _week_range("2017")
        _, hi = _week_range("2018")
        rows = self.q(
            f"""
            WITH ex AS (
                SELECT s.person_id, s.last_week, g.youth_group
                FROM status_spell s
                JOIN cal_code_group g ON g.code = s.code
                JOIN week w ON w.week = s.last_week
                JOIN person p ON p.person_id = s.person_id
                JOIN residence r ON r.person_id = s.person_id
                    AND s.last_week BETWEEN r.first_week AND {_OPEN}
                WHERE s.last_week BETWEEN $lo AND $hi AND r.municipality = $muni
                  AND g.youth_group BETWEEN 1 AND 3
                  AND {_age("p.birth_date", "w.thursday")} BETWEEN 18 AND 29
            )
            SELECT ex.youth_group,
                   CASE WHEN c.category IN ('education', 'employment') THEN 0
                        WHEN c.category = 'public_support' THEN 1 ELSE 2 END AS status,
                   count(*)
            FROM ex
            LEFT JOIN status_spell s2 ON s2.person_id = ex.person_id
                AND ex.last_week + 26 BETWEEN s2.first_week AND s2.last_week
            LEFT JOIN status_code c ON c.code = s2.code
            GROUP BY ALL
            """,
            {"lo": lo, "hi": hi, "muni": self.muni},
        )
        totals: dict[int, int] = {}
        for group, _, count in rows:
            totals[group] = totals.get(group, 0) + count
        for group in (1, 2, 3):
            for status in (0, 1, 2):
                count = sum(c for g, s, c in rows if g == group and s == status)
                total = totals.get(group, 0)
                self.values[f"status_{group}_{status}"] = 100 * count / total if total else None

    def _neet(self) -> None:
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE cal_neet AS
            WITH ref AS (
                SELECT year, max(week) AS week FROM week
                WHERE month = 11 AND year BETWEEN 2015 AND 2017 GROUP BY year
            ),
            pop AS (
                SELECT ref.year, ref.week, w.thursday, r.person_id, r.municipality
                FROM ref
                JOIN week w ON w.week = ref.week
                JOIN residence r ON ref.week BETWEEN r.first_week AND {_OPEN}
                JOIN person p ON p.person_id = r.person_id
                WHERE {_age("p.birth_date", "w.thursday")} BETWEEN 15 AND 24
            ),
            busy AS (
                SELECT DISTINCT pop.person_id, pop.year
                FROM pop
                JOIN status_spell s ON s.person_id = pop.person_id
                    AND pop.week BETWEEN s.first_week AND s.last_week
                JOIN status_code c ON c.code = s.code
                WHERE c.category = 'education' OR c.benefit IN ('foertidspension', 'fleksjob')
            ),
            educated AS (
                SELECT DISTINCT pop.person_id, pop.year
                FROM pop
                JOIN education_event e ON e.person_id = pop.person_id
                WHERE e.event = 'completion' AND e.education_type <> 'forberedende (FGU)'
                  AND e.event_date <= pop.thursday
            )
            SELECT pop.year, pop.person_id, pop.municipality,
                   busy.person_id IS NULL AND educated.person_id IS NULL
                   AND coalesce(m.hours, 0) < 78 AS neet
            FROM pop
            LEFT JOIN busy ON busy.person_id = pop.person_id AND busy.year = pop.year
            LEFT JOIN educated ON educated.person_id = pop.person_id AND educated.year = pop.year
            LEFT JOIN employment_month m ON m.person_id = pop.person_id AND m.year = pop.year
                AND m.month = 11
            """
        )
        v = self.values
        rows = self.q("SELECT 100 * avg(neet::INTEGER) FROM cal_neet WHERE year = 2017")
        v["neet_country"] = rows[0][0]
        rows = self.q(
            "SELECT 100 * avg(neet::INTEGER) FROM cal_neet WHERE year = 2017 AND municipality = $m",
            {"m": self.muni},
        )
        v["neet_viborg"] = rows[0][0]
        rows = self.q(
            "SELECT min(share), max(share) FROM (SELECT municipality, "
            "100 * avg(neet::INTEGER) AS share FROM cal_neet WHERE year = 2017 GROUP BY 1)"
        )
        v["neet_min"], v["neet_max"] = rows[0]
        rows = self.q(
            """
            SELECT 100 * avg((a.neet AND b.neet)::INTEGER)
            FROM cal_neet t
            JOIN cal_neet a ON a.person_id = t.person_id AND a.year = 2016
            JOIN cal_neet b ON b.person_id = t.person_id AND b.year = 2015
            WHERE t.year = 2017 AND t.neet
            """
        )
        v["neet_persistence"] = rows[0][0]
        self.con.execute("DROP TABLE cal_neet")

    def _readiness(self) -> None:
        rows = self.q(
            "SELECT grade, 100 * avg((NOT ready)::INTEGER) FROM readiness_assessment "
            "WHERE year(assessment_date) = 2019 AND month(assessment_date) = 1 GROUP BY grade"
        )
        for grade, share in rows:
            self.values[f"not_ready_{grade}"] = share

    def _migration(self) -> None:
        lo, hi = _week_range("2017")
        rows = self.q(
            f"""
            WITH r AS (
                SELECT person_id, municipality, first_week,
                       lag(municipality) OVER (PARTITION BY person_id ORDER BY first_week) AS prev,
                       lag(last_week) OVER (PARTITION BY person_id ORDER BY first_week) AS prev_last
                FROM residence
            )
            SELECT count(*) FILTER (WHERE r.municipality = $m AND r.prev <> $m),
                   count(*) FILTER (WHERE r.prev = $m AND r.municipality <> $m)
            FROM r
            JOIN week w ON w.week = r.first_week
            JOIN person p ON p.person_id = r.person_id
            WHERE r.first_week BETWEEN $lo AND $hi AND r.prev_last = r.first_week - 1
              AND {_age("p.birth_date", "w.thursday")} BETWEEN 16 AND 29
            """,
            {"m": self.muni, "lo": lo, "hi": hi},
        )
        moves_in, moves_out = rows[0]
        self.values["viborg_moves_in"] = moves_in / self.scale
        self.values["viborg_moves_out"] = moves_out / self.scale
        self.values["viborg_net_migration"] = (moves_in - moves_out) / self.scale

    def _populations(self) -> None:
        v = self.values
        v["viborg_pop_2015"] = self._population(quarter="2015K1", municipality=self.muni)
        v["viborg_pop_2017"] = self._population(quarter="2017K3", municipality=self.muni)
        v["country_pop"] = self._population(ages=(15, 29), quarter="2019K1")
        for name in ("viborg_pop_2015", "viborg_pop_2017", "country_pop"):
            v[name] = (v[name] or 0.0) / self.scale


def measure(
    con: duckdb.DuckDBPyConnection,
    *,
    scale: float,
    level: Level = "full",
    municipality: int = VIBORG,
) -> list[Measurement]:
    """Every calibration figure measured from the warehouse behind ``con``."""
    measurer = _Measurer(con, scale, municipality)
    values = measurer.run()
    return [Measurement(t, values.get(t.name), level) for t in targets()]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def render_markdown(
    measurements: list[Measurement], *, scale: float, seed: int, note: str = ""
) -> str:
    """``calibration.md``: one row per target with value, accepted interval and verdict."""
    passed = sum(m.passed for m in measurements)
    lines = [
        "# Kalibrering af demodata",
        "",
        f"Skala {scale:g}, seed {seed}. {passed} af {len(measurements)} mål holder "
        f"({'fuld skala' if measurements and measurements[0].level == 'full' else 'lille skala'}"
        "s tolerancer). Antal (fuldtidspersoner, personer) er divideret med skalaen.",
        "",
    ]
    if note:
        lines += [note, ""]
    lines += [
        "| Mål | Kilde | Mål-værdi | Demo | Accepteret | Enhed | OK |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for m in measurements:
        lower, upper = m.bounds
        lines.append(
            f"| {m.target.label} | {m.target.source} | {_number(m.target.target)} | "
            f"{_number(m.value)} | {_number(lower)} – {_number(upper)} | {m.target.unit} | "
            f"{'ja' if m.passed else '**nej**'} |"
        )
    return "\n".join(lines) + "\n"
