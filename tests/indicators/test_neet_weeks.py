"""The reference weeks' statuses (``neet.week_status``) equal the plain definition they were
first written as, on a hand-made warehouse of edge cases, inside and outside ``memo.shared()``.

``_REFERENCE`` is that definition: every person's residences numbered per week, completions and
open educations found per week, educations' ends by a window. ``week_status`` finds what does
not depend on the week once per person (``neet.NEET_PERSON_SQL``), numbers only overlapping
residences and joins an education's start to its ends.
"""

from datetime import date

import pyarrow as pa
import pytest

from ungeindsats.indicators.facts import AGE_AT_THURSDAY
from ungeindsats.indicators.memo import shared
from ungeindsats.indicators.neet import (
    COMPLETED_EDUCATION_TYPES,
    EXCLUDED_BENEFITS,
    HOURS_LIMIT,
    NEET_AGES,
    distinct_weeks,
    neet_person_sql,
    reference_weeks,
    week_status,
)
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

from .conftest import week

VIBORG, KBH, AARHUS = 791, 101, 751

_EDU_SPELL = """
    SELECT person_id, event_date AS start_date, end_date
    FROM (
        SELECT person_id, event, event_date,
               min(CASE WHEN event IN ('completion', 'dropout') THEN event_date END) OVER (
                   PARTITION BY person_id, lower(trim(education_type)) ORDER BY event_date
                   RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
               ) AS end_date
        FROM education_event
    ) AS events
    WHERE event = 'start'"""

_TYPES = ", ".join("?" for _ in COMPLETED_EDUCATION_TYPES)
_BENEFITS = ", ".join("?" for _ in EXCLUDED_BENEFITS)
_REFERENCE = f"""WITH edu_spell AS ({_EDU_SPELL}),
aged AS (
    SELECT w.week, w.year, w.month, p.person_id,
           CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age
    FROM q_week AS w, person AS p
    WHERE {AGE_AT_THURSDAY} BETWEEN {NEET_AGES[0]} AND {NEET_AGES[1]}
),
resident AS (
    SELECT a.*, CAST(r.municipality AS SMALLINT) AS municipality, r.district,
           ROW_NUMBER() OVER (
               PARTITION BY a.week, a.person_id ORDER BY r.first_week DESC
           ) AS pick
    FROM aged AS a
    JOIN residence AS r
      ON r.person_id = a.person_id AND r.first_week <= a.week
     AND (r.last_week IS NULL OR a.week <= r.last_week)
),
young AS (SELECT * FROM resident WHERE pick = 1),
codes AS (
    SELECT y.week, y.person_id,
           max(CASE WHEN c.category = 'education' THEN 1 ELSE 0 END) AS education_code,
           max(CASE WHEN c.category = 'employment' THEN 1 ELSE 0 END) AS employment_code,
           max(CASE WHEN c.category = 'public_support' THEN 1 ELSE 0 END) AS public_support,
           max(CASE WHEN c.benefit IN ({_BENEFITS}) THEN 1 ELSE 0 END) AS excluded_benefit
    FROM young AS y
    JOIN status_spell AS s
      ON s.person_id = y.person_id AND s.first_week <= y.week AND s.last_week >= y.week
    JOIN status_code AS c ON c.code = s.code
    GROUP BY y.week, y.person_id
),
worked AS (
    SELECT w.week, m.person_id, sum(m.hours) AS hours
    FROM q_week AS w
    JOIN employment_month AS m ON m.year = w.year AND m.month = w.month
    GROUP BY w.week, m.person_id
),
studying AS (
    SELECT DISTINCT w.week, e.person_id
    FROM q_week AS w
    JOIN edu_spell AS e
      ON e.start_date <= w.sunday AND (e.end_date IS NULL OR e.end_date >= w.monday)
),
completed AS (
    SELECT DISTINCT w.week, e.person_id
    FROM q_week AS w
    JOIN education_event AS e ON e.event_date <= w.sunday
    WHERE e.event = 'completion' AND lower(trim(e.education_type)) IN ({_TYPES})
),
flags AS (
    SELECT y.week, y.person_id, y.municipality, y.district, y.age,
           coalesce(c.education_code, 0) = 1 OR e.person_id IS NOT NULL AS in_education,
           coalesce(c.employment_code, 0) = 1 AS employment_code,
           coalesce(c.public_support, 0) = 1 AS public_support,
           coalesce(c.excluded_benefit, 0) = 1 AS excluded_benefit,
           coalesce(h.hours, 0) AS hours,
           d.person_id IS NOT NULL AS completed_education
    FROM young AS y
    LEFT JOIN codes AS c ON c.week = y.week AND c.person_id = y.person_id
    LEFT JOIN worked AS h ON h.week = y.week AND h.person_id = y.person_id
    LEFT JOIN studying AS e ON e.week = y.week AND e.person_id = y.person_id
    LEFT JOIN completed AS d ON d.week = y.week AND d.person_id = y.person_id
),
wstatus AS (
    SELECT *,
           NOT in_education AND hours < ? AND NOT completed_education AND NOT excluded_benefit
               AS neet
    FROM flags
)"""
_REFERENCE_PARAMS = [*EXCLUDED_BENEFITS, *COMPLETED_EDUCATION_TYPES, HOURS_LIMIT]


@pytest.fixture
def edges_wh() -> Warehouse:
    """Persons around the reference weeks 2015U48, 2016U47 and 2017U48 (Mon 27 Nov, Thu 30 Nov,
    Sun 3 Dec 2017), and 2017U52 (Thu 28 Dec: December's last week). Codes: 651 education,
    500 employment, 300 kontanthjælp, 790 førtidspension, 795 fleksjob.

    Residences (Viborg from 2010 unless said):
    - P1: Viborg from 2010, also København 2017U45-U50 (overlapping: the one begun latest, KBH,
      counts in 2017U48), and an empty residence in Aarhus (ends before it begins).
    - P2: Viborg from 2010, also København 2017U10-U20 (overlapping, but not in the weeks).
    - P3: Viborg until 2017U47, København from 2017U48 (a move, no overlap).
    - P4: Viborg 2016U01-U52 twice (the same residence loaded twice; it counts once).
    - P5: no residence. P6: no birth date.
    Ages at Thursday 30 Nov 2017: P7 born 1993-11-30 (24 that day), P8 born 1992-11-30 (25 that
    day: out), P9 born 2002-12-01 (14: out), P10 born 2002-11-30 (15 that day).
    Education (P11-P18): P11 completed ' STX' Sunday 3 Dec 2017 (counts in 2017U48); P12
    completed 'hf' Monday 4 Dec 2017 (not yet), and 'FGU' (no youth education) in 2016; P13
    started 'eud' Sunday 3 Dec 2017 (in education); P14 started 'gymnasial' 2017-08-10 and
    dropped out 'Gymnasial' Monday 27 Nov (still in education that week); P15 the same but the
    dropout Sunday 26 Nov (not); P16 started and completed 'erhvervsuddannelse' on Monday 27 Nov
    (in education and completed), and started it twice on 2015-08-01 with a dropout 2016-01-10;
    P17 started 'kvu' 2014-08-01 and 'eud' 2014-08-01, completed 'kvu' 2016-06-01 (eud still
    running). Spells: P18 651 until 2017U48 and 500 from 2017U49; P19 790 until 2017U47 and 795
    2017U40-U52, 300 2015U01-2017U52. Hours in Nov 2017: P20 40 + 38 (= 78: work), P21 77.5.
    """
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(651, NULL, NULL, 'education', NULL, 1),"
        "(500, NULL, NULL, 'employment', NULL, 1),"
        "(300, 'kontanthjaelp', '2.2', 'public_support', NULL, 1),"
        "(790, 'foertidspension', NULL, 'public_support', NULL, 1),"
        "(795, 'fleksjob', NULL, 'public_support', NULL, 1)"
    )
    born = {7: date(1993, 11, 30), 8: date(1992, 11, 30), 9: date(2002, 12, 1)}
    born |= {10: date(2002, 11, 30), 6: None}
    for pid in range(1, 22):
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, 'K', 1)",
            [pid, born.get(pid, date(1996, 5, 5))],
        )
    special = {1, 2, 3, 4, 5}
    residences = [(pid, VIBORG, week(2010, 1), None) for pid in range(1, 22) if pid not in special]
    residences += [
        (1, VIBORG, week(2010, 1), None),
        (1, KBH, week(2017, 45), week(2017, 50)),
        (1, AARHUS, week(2017, 48), week(2017, 47)),
        (2, VIBORG, week(2010, 1), None),
        (2, KBH, week(2017, 10), week(2017, 20)),
        (3, VIBORG, week(2010, 1), week(2017, 47)),
        (3, KBH, week(2017, 48), None),
        (4, VIBORG, week(2016, 1), week(2016, 52)),
        (4, VIBORG, week(2016, 1), week(2016, 52)),
    ]
    for pid, municipality, first, last in residences:
        con.execute(
            "INSERT INTO residence VALUES (?, ?, 'Nord', ?, ?, 1)", [pid, municipality, first, last]
        )
    for pid, day, event, kind in [
        (11, date(2017, 12, 3), "completion", " STX"),
        (12, date(2017, 12, 4), "completion", "hf"),
        (12, date(2016, 6, 1), "completion", "forberedende (FGU)"),
        (13, date(2017, 12, 3), "start", "eud"),
        (14, date(2017, 8, 10), "start", "gymnasial"),
        (14, date(2017, 11, 27), "dropout", "Gymnasial"),
        (15, date(2017, 8, 10), "start", "gymnasial"),
        (15, date(2017, 11, 26), "dropout", "Gymnasial"),
        (16, date(2017, 11, 27), "start", "erhvervsuddannelse"),
        (16, date(2017, 11, 27), "completion", "erhvervsuddannelse"),
        (16, date(2015, 8, 1), "start", "erhvervsuddannelse"),
        (16, date(2015, 8, 1), "start", "erhvervsuddannelse"),
        (16, date(2016, 1, 10), "dropout", "erhvervsuddannelse"),
        (17, date(2014, 8, 1), "start", "kvu"),
        (17, date(2014, 8, 1), "start", "eud"),
        (17, date(2016, 6, 1), "completion", "kvu"),
    ]:
        con.execute(
            "INSERT INTO education_event VALUES (?, ?, ?, ?, NULL, 1)", [pid, day, event, kind]
        )
    for pid, code, first, last in [
        (18, 651, week(2017, 1), week(2017, 48)),
        (18, 500, week(2017, 49), week(2018, 10)),
        (19, 790, week(2016, 1), week(2017, 47)),
        (19, 795, week(2017, 40), week(2017, 52)),
        (19, 300, week(2015, 1), week(2017, 52)),
    ]:
        con.execute("INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)", [pid, code, first, last])
    for pid, hours in [(20, 40.0), (20, 38.0), (21, 77.5)]:
        con.execute("INSERT INTO employment_month VALUES (?, 2017, 11, ?, 1)", [pid, hours])
    return wh


def _ref() -> pa.Table:
    periods = [parse_period("2017"), parse_period("2017M12")]
    return reference_weeks(periods, NEET_AGES, (0, 1, 2))


def _statuses(
    wh: Warehouse, ctes: str, params: list[object], tables: dict[str, pa.Table]
) -> pa.Table:
    """The rows of ``wstatus`` in the CTEs, by week and person."""
    for name, table in tables.items():
        wh.con.register(name, table)
    try:
        select = f"{ctes} SELECT * FROM wstatus ORDER BY week, person_id"
        return wh.con.sql(select, params=params).to_arrow_table()
    finally:
        for name in tables:
            wh.con.unregister(name)


def _reference(wh: Warehouse) -> pa.Table:
    return _statuses(wh, _REFERENCE, _REFERENCE_PARAMS, {"q_week": distinct_weeks(_ref())})


def _week_status(wh: Warehouse) -> pa.Table:
    ctes, params, tables = week_status(wh, _ref())
    return _statuses(wh, ctes, list(params), dict(tables))


def test_week_status_equals_the_plain_definition(edges_wh: Warehouse) -> None:
    """The same rows, values and column types as ``_REFERENCE``, computed in the query and read
    from the tables built inside ``memo.shared()`` (twice: built, then read again)."""
    reference = _reference(edges_wh)
    assert reference.num_rows > 40
    assert _week_status(edges_wh) == reference
    with shared():
        assert _week_status(edges_wh) == reference
        assert _week_status(edges_wh) == reference


def test_week_status_edge_cases(edges_wh: Warehouse) -> None:
    """The hand-worked answers of the fixture in 2017U48 (and P4 in 2016U47), so that the
    reference is not equal by being wrong in the same way."""
    rows = _week_status(edges_wh).to_pylist()
    at = {(r["week"], r["person_id"]): r for r in rows}
    u48, u47 = week(2017, 48), week(2016, 47)
    persons = {p for w, p in at if w == u48}
    assert persons == set(range(1, 22)) - {4, 5, 6, 8, 9}
    assert at[(u48, 1)]["municipality"] == KBH
    assert at[(u48, 2)]["municipality"] == VIBORG
    assert at[(u48, 3)]["municipality"] == KBH
    # P4: one row a week, in 2016U47 and 2016U52 (December's last week).
    fours = [(r["week"], r["municipality"]) for r in rows if r["person_id"] == 4]
    assert fours == [(u47, VIBORG), (week(2016, 52), VIBORG)]
    assert (at[(u48, 7)]["age"], at[(u48, 10)]["age"]) == (24, 15)
    flags = {
        pid: tuple(
            k
            for k in (
                "in_education",
                "completed_education",
                "employment_code",
                "public_support",
                "excluded_benefit",
                "neet",
            )
            if at[(u48, pid)][k]
        )
        for pid in range(11, 22)
    }
    assert flags == {
        11: ("completed_education",),
        12: ("neet",),
        13: ("in_education",),
        14: ("in_education",),
        15: ("neet",),
        16: ("in_education", "completed_education"),
        17: ("in_education", "completed_education"),
        18: ("in_education",),
        19: ("public_support", "excluded_benefit"),
        20: (),
        21: ("neet",),
    }
    assert (at[(u48, 20)]["hours"], at[(u48, 21)]["hours"]) == (78.0, 77.5)


def test_overlapping_residences_are_found_per_person(edges_wh: Warehouse) -> None:
    """``neet_person.tangled``: residences holding the same week (P1, P2, P4), not a move from
    one week to the next (P3) nor an empty residence (P1's Aarhus does not count, but P1's two
    others overlap)."""
    sql, params = neet_person_sql()
    rows = edges_wh.con.execute(f"SELECT person_id FROM ({sql}) WHERE tangled", params)
    assert sorted(r[0] for r in rows.fetchall()) == [1, 2, 4]
    assert edges_wh.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall() == [(20,)]
