"""The entries and exits of the flow indicators equal a plain reading of the spells.

``flows._entry_events`` and ``_exit_events`` take the code at a run's edge from the runs
(``runs.group_runs_sql``), the nearest previous status in one aggregate, and the hours of work
only for exits without a code 26 weeks later. Here they are compared, row by row, with the
plain SQL they replaced (the edge code and the nearest previous status joined back to every
event, the hours looked up for every exit), on a warehouse made for the edge cases: two codes
of one group beginning or ending in the same week, a code inside a longer one, previous
statuses ending in the same week with and without a youth group, a previous status still
running in the entry week, an exit with codes of support and education 26 weeks
later, hours in two rows of one month, hours under 78, a run to the data's last week, exits
censored at the end and entries at the start, a move in the middle of a month, two residences
at once (the event placed twice), a week without residence (not placed), a birthday inside a
period and runs across the year's weeks 52/53.

Weeks as in test_runs_and_flows.py; the status data run from 2018U01 to 2019U34 (person Z).
"""

from datetime import date

import pytest

from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.flows import (
    AFTER_WEEKS,
    NO_ORIGIN,
    ORIGIN_WINDOW_WEEKS,
    OTHER_ORIGIN,
    STATUSES,
    WORK_HOURS_PER_MONTH,
    _bucket,
    _entry_events,
    _exit_events,
    _spells_by_year,
)
from ungeindsats.indicators.memo import shared
from ungeindsats.indicators.runs import (
    Sql,
    data_span,
    group_runs_sql,
    period_table,
    placed_events,
    registered,
)
from ungeindsats.periods import Period, parse_period
from ungeindsats.warehouse import Warehouse

from .test_runs_and_flows import KBH, VIBORG, _warehouse, week

PERIODS = tuple(
    parse_period(label)
    for label in ("2018M01", "2018M12", "2019M01", "2019M02", "2019M03", "2019K1", "2019", "2018")
)


@pytest.fixture
def edge_wh() -> Warehouse:
    """Codes beside the usual ones: 150 kontanthjælp jobparat (group 1, like 111), 160
    revalidering and 170 barselsdagpenge (public support, no youth group)."""
    born = date(1995, 5, 1)
    persons = {pid: born for pid in range(1, 16)} | {9: date(1989, 2, 14), 30: born}
    residences: list[tuple[int, int, tuple[int, int], tuple[int, int] | None]] = [
        (pid, VIBORG, (2010, 1), None) for pid in persons if pid not in (5, 6, 7)
    ]
    residences += [
        (5, VIBORG, (2010, 1), (2019, 6)),  # moves in the middle of February
        (5, KBH, (2019, 7), None),
        (6, VIBORG, (2010, 1), None),  # two residences at once from 2019U01
        (6, KBH, (2019, 1), (2019, 10)),
        (7, VIBORG, (2010, 1), (2019, 5)),  # no residence in 2019U06-U09
        (7, VIBORG, (2019, 10), None),
    ]
    spells = [
        # 1: 111 and 150 (both group 1) begin U06 and end U09; 140 after, 651 at U35 - 26.
        (1, 111, (2019, 6), (2019, 9)),
        (1, 150, (2019, 6), (2019, 9)),
        (1, 160, (2019, 1), (2019, 4)),
        (1, 140, (2019, 10), (2019, 12)),
        (1, 651, (2019, 30), (2019, 34)),
        # 2: 150 inside a longer 111; previous 160 and 170 end U03 (no group before group).
        (2, 111, (2019, 5), (2019, 20)),
        (2, 150, (2019, 7), (2019, 8)),
        (2, 160, (2018, 40), (2019, 3)),
        (2, 170, (2018, 45), (2019, 3)),
        (2, 141, (2018, 50), (2019, 3)),
        # 3: 140 still running in the entry week of 141 (U07); at U07 + 26 support and 651.
        (3, 140, (2019, 1), (2019, 8)),
        (3, 141, (2019, 7), (2019, 7)),
        (3, 141, (2019, 9), (2019, 10)),
        (3, 111, (2019, 30), (2019, 34)),
        (3, 651, (2019, 33), (2019, 34)),
        # 4: exit U06 with no code 26 weeks later and hours in two rows of August; U10 censored.
        (4, 141, (2018, 30), (2019, 6)),
        (4, 140, (2019, 8), (2019, 10)),
        # 5: moves mid-February; entries and exits on both sides of the move.
        (5, 111, (2019, 2), (2019, 5)),
        (5, 140, (2019, 6), (2019, 7)),
        (5, 111, (2019, 8), (2019, 9)),
        # 6: two residences at once: every event of 2019 placed twice.
        (6, 140, (2019, 2), (2019, 3)),
        (6, 141, (2019, 4), (2019, 8)),
        # 7: events in the weeks without residence are not placed.
        (7, 140, (2019, 6), (2019, 8)),
        (7, 141, (2019, 9), (2019, 12)),
        # 8: a run to the data's last week (no exit); entry at U02 from 170.
        (8, 170, (2018, 50), (2019, 1)),
        (8, 140, (2019, 2), (2019, 34)),
        # 9: turns 30 on Thursday 14 February 2019 (U07): events on both sides.
        (9, 111, (2019, 1), (2019, 6)),
        (9, 140, (2019, 7), (2019, 8)),
        (9, 141, (2019, 9), (2019, 9)),
        # 10: near the data's start: entry U03 censored, U06 not; exits across 2018U52/2019U01.
        (10, 140, (2018, 3), (2018, 5)),
        (10, 141, (2018, 6), (2018, 52)),
        (10, 140, (2019, 1), (2019, 2)),
        # 11: exits censored at the end (U09 + 26 = U35 > U34) and just before (U08).
        (11, 141, (2018, 30), (2019, 8)),
        (11, 140, (2019, 9), (2019, 9)),
        # 12: a run from the data's first week (no entry); gaps of 1-5 weeks before entries.
        (12, 111, (2018, 1), (2018, 10)),
        (12, 140, (2018, 12), (2018, 20)),
        (12, 141, (2018, 25), (2018, 30)),
        (12, 111, (2018, 36), (2018, 40)),
        # 13: two groups entered in the same week, both leave in the same week; under 78 hours.
        (13, 111, (2019, 6), (2019, 7)),
        (13, 140, (2019, 6), (2019, 7)),
        # 14, 15: several entries and exits in one month and one year.
        (14, 140, (2019, 1), (2019, 1)),
        (14, 141, (2019, 2), (2019, 2)),
        (14, 140, (2019, 3), (2019, 3)),
        (14, 141, (2019, 4), (2019, 4)),
        (15, 111, (2018, 51), (2018, 52)),
        (15, 111, (2019, 1), (2019, 1)),
        (15, 140, (2019, 3), (2019, 5)),
        (30, 900, (2018, 1), (2019, 34)),
    ]
    wh = _warehouse(persons, residences, spells)
    wh.con.execute(
        "INSERT INTO status_code VALUES "
        "(150, 'kontanthjaelp', 'jobparat', 'public_support', NULL, 1),"
        "(160, 'revalidering', NULL, 'public_support', NULL, 1),"
        "(170, 'barselsdagpenge', NULL, 'public_support', NULL, 1)"
    )
    wh.con.execute(
        "INSERT INTO employment_month VALUES "
        "(4, 2019, 8, 50.0, 1), (4, 2019, 8, 30.0, 1), (4, 2019, 9, 77.0, 1),"
        "(11, 2019, 8, 100.0, 1), (13, 2019, 8, 40.0, 1)"
    )
    ensure_facts(wh)
    return wh


def _plain_entries(wh: Warehouse) -> Sql:
    """The entries as counted before: the edge code and the nearest previous status joined back
    to every entry (row_number of the candidates)."""
    span = data_span(wh)
    assert span is not None
    previous_spells = _spells_by_year(
        "s.code IN (SELECT code FROM code_dim WHERE category = 'public_support')",
        "s.first_week + 1",
        "s.last_week + $origin_window",
    )
    same = "pr.person_id = ec.person_id AND pr.youth_group = ec.youth_group AND pr.week = ec.week"
    text = f"""WITH group_run AS ({group_runs_sql().text}),
    entry AS (
        SELECT person_id, youth_group, first_week AS week FROM group_run
        WHERE first_week > $data_first
    ),
    entry_code AS (
        SELECT e.person_id, e.youth_group, e.week, min(s.code) AS code
        FROM entry AS e
        JOIN status_spell AS s ON s.person_id = e.person_id AND s.first_week = e.week
        JOIN code_dim AS c ON c.code = s.code AND c.youth_group = e.youth_group
        GROUP BY e.person_id, e.youth_group, e.week
    ),
    previous AS (
        SELECT e.person_id, e.youth_group, e.week,
               c.youth_group AS previous_group, c.benefit AS previous_benefit,
               row_number() OVER (
                   PARTITION BY e.person_id, e.youth_group, e.week
                   ORDER BY CASE WHEN s.last_week < e.week THEN s.last_week ELSE e.week - 1 END
                            DESC, c.youth_group NULLS LAST, s.code
               ) AS nearest
        FROM entry AS e
        JOIN ({previous_spells}) AS s
          ON s.person_id = e.person_id AND s.bucket = {_bucket("e.week")}
         AND s.first_week < e.week AND s.last_week >= e.week - $origin_window
        JOIN code_dim AS c ON c.code = s.code
        WHERE c.category = 'public_support'
    ),
    entry_event AS (
        SELECT ec.person_id, ec.week, ec.code,
               CASE WHEN ec.week < $data_first + $origin_window THEN 1 ELSE 0 END AS censored,
               CASE WHEN ec.week < $data_first + $origin_window THEN NULL
                    WHEN pr.person_id IS NULL THEN $no_origin
                    WHEN pr.previous_group IS NULL THEN $other_origin
                    ELSE CAST(pr.previous_group AS VARCHAR) END AS origin_group,
               CASE WHEN ec.week < $data_first + $origin_window THEN NULL
                    WHEN pr.person_id IS NULL THEN $no_origin
                    ELSE coalesce(pr.previous_benefit, 'andet') END AS origin_benefit
        FROM entry_code AS ec
        LEFT JOIN previous AS pr ON {same} AND pr.nearest = 1
    ),
    ev AS ({placed_events("entry_event", ("censored", "origin_group", "origin_benefit"))})
    """
    params = {
        "group_gap": 0,
        "data_first": span.first_week,
        "origin_window": ORIGIN_WINDOW_WEEKS,
        "no_origin": NO_ORIGIN,
        "other_origin": OTHER_ORIGIN,
    }
    return Sql(text, params)


def _plain_exits(wh: Warehouse) -> Sql:
    """The exits as counted before: the edge code joined back, the codes and the hours of work
    26 weeks later looked up for every exit."""
    span = data_span(wh)
    assert span is not None
    same = (
        "{a}.person_id = xc.person_id AND {a}.youth_group = xc.youth_group AND {a}.week = xc.week"
    )
    unknown = "xc.week + $after_weeks > $data_last"
    text = f"""WITH group_run AS ({group_runs_sql().text}),
    exit AS (
        SELECT person_id, youth_group, last_week AS week FROM group_run
        WHERE last_week < $data_last
    ),
    exit_code AS (
        SELECT e.person_id, e.youth_group, e.week, min(s.code) AS code
        FROM exit AS e
        JOIN status_spell AS s ON s.person_id = e.person_id AND s.last_week = e.week
        JOIN code_dim AS c ON c.code = s.code AND c.youth_group = e.youth_group
        GROUP BY e.person_id, e.youth_group, e.week
    ),
    after_code AS (
        SELECT x.person_id, x.youth_group, x.week,
               max(CASE WHEN c.category = 'public_support' THEN 1 ELSE 0 END) AS on_support,
               max(CASE WHEN c.category IN ('education', 'employment') THEN 1 ELSE 0 END)
                   AS in_education_or_work
        FROM exit AS x
        JOIN status_spell AS s
          ON s.person_id = x.person_id
         AND x.week + $after_weeks BETWEEN s.first_week AND s.last_week
        JOIN code_dim AS c ON c.code = s.code
        GROUP BY x.person_id, x.youth_group, x.week
    ),
    after_hours AS (
        SELECT x.person_id, x.youth_group, x.week, sum(m.hours) AS hours
        FROM exit AS x
        JOIN week AS w ON w.week = x.week + $after_weeks
        JOIN employment_month AS m
          ON m.person_id = x.person_id AND m.year = w.year AND m.month = w.month
        GROUP BY x.person_id, x.youth_group, x.week
    ),
    exit_event AS (
        SELECT xc.person_id, xc.week, xc.code,
               CASE WHEN {unknown} THEN 1 ELSE 0 END AS censored,
               CASE WHEN {unknown} THEN NULL
                    WHEN a.on_support = 1 THEN $status_support
                    WHEN a.in_education_or_work = 1 OR h.hours >= $work_hours
                        THEN $status_busy
                    ELSE $status_other END AS status
        FROM exit_code AS xc
        LEFT JOIN after_code AS a ON {same.format(a="a")}
        LEFT JOIN after_hours AS h ON {same.format(a="h")}
    ),
    ev AS ({placed_events("exit_event", ("censored", "status"))})
    """
    params = {
        "group_gap": 0,
        "data_last": span.last_week,
        "after_weeks": AFTER_WEEKS,
        "work_hours": WORK_HOURS_PER_MONTH,
        "status_busy": STATUSES[0],
        "status_support": STATUSES[1],
        "status_other": STATUSES[2],
    }
    return Sql(text, params)


def _rows(wh: Warehouse, events: Sql, periods: tuple[Period, ...]) -> list[tuple[object, ...]]:
    with registered(wh.con, "q_period", period_table(periods)):
        rows = wh.con.execute(f"{events.text} SELECT * FROM ev", dict(events.params)).fetchall()
    return sorted(rows, key=repr)


@pytest.mark.parametrize("kind", ["entries", "exits"])
def test_events_equal_the_plain_reading(edge_wh: Warehouse, kind: str) -> None:
    """Every placed event, period by period (months, a quarter, years), inside and outside
    ``memo.shared()``: the same rows as the plain SQL."""
    span = data_span(edge_wh)
    assert span is not None
    build, plain = (
        (_entry_events, _plain_entries) if kind == "entries" else (_exit_events, _plain_exits)
    )
    expected = _rows(edge_wh, plain(edge_wh), PERIODS)
    assert len(expected) > 30  # the comparison compares something
    first = min(p.first_week for p in PERIODS)
    last = max(p.last_week for p in PERIODS)
    assert _rows(edge_wh, build(edge_wh, span, first, last), PERIODS) == expected
    with shared():
        events = build(edge_wh, span, span.first_week, span.last_week)
        assert _rows(edge_wh, events, PERIODS) == expected
        # Read from the table of events placed in every week, by another set of periods.
        feb = (parse_period("2019M02"),)
        assert _rows(edge_wh, events, feb) == _rows(edge_wh, plain(edge_wh), feb)


def test_the_edge_cases_are_there(edge_wh: Warehouse) -> None:
    """The cases the comparison rests on: person 1's entry into group 1 at U06 has code 111 (the
    lower of 111 and 150) and the origin 160 (no youth group); person 2's entry at U05 comes
    from the statuses ending U03, where 141 (group 3) goes before 160 and 170; person 7's entry
    at U06 is not placed; person 6's events of 2019 are placed twice. Exits: person 4's at U06
    has 80 hours in two rows of August (U32) and no code: busy; at U10 censored; person 3's at
    U07 has support and education at U33: support; person 13's two at U07 have 40 hours: other.
    """
    span = data_span(edge_wh)
    assert span is not None
    quarter = (parse_period("2019K1"),)
    entries = _rows(edge_wh, _entry_events(edge_wh, span, span.first_week, span.last_week), quarter)
    # Columns: period, person_id, code, week, municipality, district, age, censored, origin
    # group, origin benefit.
    mine = {(r[1], r[3]): (r[2], r[8], r[9]) for r in entries}
    assert mine[(1, week(2019, 6))] == (111, OTHER_ORIGIN, "revalidering")
    assert mine[(2, week(2019, 5))] == (111, "3", "uddannelseshjaelp")
    assert (7, week(2019, 6)) not in mine
    year = (parse_period("2019"),)
    placed = _rows(edge_wh, _entry_events(edge_wh, span, span.first_week, span.last_week), year)
    assert sorted(r[4] for r in placed if r[1] == 6) == [KBH, KBH, VIBORG, VIBORG]
    exits = _rows(edge_wh, _exit_events(edge_wh, span, span.first_week, span.last_week), year)
    status = {(r[1], r[3]): r[8] for r in exits}
    assert status[(4, week(2019, 6))] == STATUSES[0]
    assert status[(4, week(2019, 10))] is None
    assert status[(3, week(2019, 7))] == STATUSES[1]
    assert status[(13, week(2019, 7))] == STATUSES[2]
    assert sum(1 for r in exits if r[1] == 13) == 2
