"""Continuous runs on public support, duration bands, inflow origin and status after exit.

Two hand-made warehouses; every expected value is worked out in the docstrings. Week
arithmetic: 2018 and 2016-2017 have 52 ISO weeks, 2015 has 53. January 2019 is U01-U05
(Thursday 31 Jan is in U05), February U06-U09 (Thursdays 7, 14, 21, 28 Feb); January 2016 is
U01-U04 (Thursday 28 Jan is in U04). Codes: 111 A-dagpenge (youth group 1), 140
uddannelseshjælp uddannelsesparat (group 2), 141 uddannelseshjælp aktivitetsparat (group 3),
651 education, 900 other (not public support). Everybody is born 1 May 1995 and lives in Viborg
(791) unless said otherwise.
"""

from datetime import date

import pytest

from ungeindsats.indicators import Query, Result, get_indicator
from ungeindsats.indicators.flows import NO_ORIGIN, STATUSES
from ungeindsats.indicators.runs import support_runs
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse, open_warehouse

JAN, FEB = parse_period("2019M01"), parse_period("2019M02")
VIBORG, KBH, COUNTRY = 791, 101, 0
BUSY, SUPPORT, OTHER = STATUSES
BANDS = ("0-12 uger", "13-26 uger", "27-52 uger", "1-2 år", "2-3 år", "3 år og derover")


def week(year: int, number: int) -> int:
    return iso_week_number(year, number)


def _warehouse(
    persons: dict[int, date],
    residences: list[tuple[int, int, tuple[int, int], tuple[int, int] | None]],
    spells: list[tuple[int, int, tuple[int, int], tuple[int, int]]],
) -> Warehouse:
    wh = open_warehouse(None)
    con = wh.con
    con.execute(
        "INSERT INTO status_code VALUES "
        "(111, 'a_dagpenge', '2.1', 'public_support', NULL, 1),"
        "(140, 'uddannelseshjaelp', 'uddannelsesparat', 'public_support', NULL, 1),"
        "(141, 'uddannelseshjaelp', 'aktivitetsparat', 'public_support', NULL, 1),"
        "(651, NULL, NULL, 'education', NULL, 1),"
        "(900, NULL, NULL, 'other', NULL, 1)"
    )
    for pid, born in persons.items():
        con.execute(
            "INSERT INTO person (person_id, birth_date, sex, import_id) VALUES (?, ?, ?, 1)",
            [pid, born, "K" if pid % 2 else "M"],
        )
    for pid, kommune, first, last in residences:
        con.execute(
            "INSERT INTO residence VALUES (?, ?, NULL, ?, ?, 1)",
            [pid, kommune, week(*first), week(*last) if last else None],
        )
    for pid, code, first, last in spells:
        con.execute(
            "INSERT INTO status_spell VALUES (?, ?, ?, ?, 1)",
            [pid, code, week(*first), week(*last)],
        )
    con.execute(
        "INSERT INTO import_log VALUES (1, 'test', 'hand', 'x', 0, 0, 0, now(), now(), 't', '')"
    )
    return wh


@pytest.fixture
def runs_wh() -> Warehouse:
    """Eight persons for the runs of public support (reference week of Feb 2019 = U09).

    - P1, 140: 2018U41-2019U02 and 2019U06-U09; the gap U03-U05 is 3 weeks, so one run from
      2018U41: at U09 12 (2018U41-U52) + 9 = 21 weeks → 13-26 uger (broken it would be 4).
    - P2, 140: 2018U41-2019U01 and 2019U07-U09; the gap U02-U06 is 5 weeks: a new run from
      2019U07, 3 weeks at U09 → 0-12 uger.
    - P3, 111: 2018U01-2019U09 in Viborg until 2019U07, København from U08: one run across the
      move, 52 + 9 = 61 weeks at U09 → 1-2 år, counted in København.
    - P4, 141: 2015U50-2019U09 (across 2015U53): 4 + 52 + 52 + 52 + 9 = 169 → 3 år og derover.
    - P5, 141: 2016U09-2019U09: exactly 157 weeks (3 × 52 + 1) → 3 år og derover.
    - P6, 141: 2016U10-2019U09: 156 weeks → 2-3 år (the top band starts above 156).
    - P7, 140: 2015U45-2016U04 only: in January 2016 (reference 2016U04) 9 weeks of 2015
      (U45-U53) + 4 = 13 → 13-26 uger; without week 53 it would be 12 → 0-12 uger.
    - P8, born 25 Feb 1989, 140: 2019U01-U09: 29 on Thursday 31 Jan (5 weeks → 0-12 uger in
      January), 30 on Thursday 28 Feb: outside 18-29 in February.
    """
    born = date(1995, 5, 1)
    persons = {pid: born for pid in range(1, 8)} | {8: date(1989, 2, 25)}
    residences: list[tuple[int, int, tuple[int, int], tuple[int, int] | None]] = [
        (pid, VIBORG, (2010, 1), None) for pid in (1, 2, 4, 5, 6, 7, 8)
    ]
    residences += [(3, VIBORG, (2010, 1), (2019, 7)), (3, KBH, (2019, 8), None)]
    spells = [
        (1, 140, (2018, 41), (2019, 2)),
        (1, 140, (2019, 6), (2019, 9)),
        (2, 140, (2018, 41), (2019, 1)),
        (2, 140, (2019, 7), (2019, 9)),
        (3, 111, (2018, 1), (2019, 9)),
        (4, 141, (2015, 50), (2019, 9)),
        (5, 141, (2016, 9), (2019, 9)),
        (6, 141, (2016, 10), (2019, 9)),
        (7, 140, (2015, 45), (2016, 4)),
        (8, 140, (2019, 1), (2019, 9)),
    ]
    return _warehouse(persons, residences, spells)


@pytest.fixture
def flows_wh() -> Warehouse:
    """Entries and exits around February 2019. The status data run from 2018U01 to 2019U34
    (person Z's code 900, "other", covers exactly that span).

    Entries into group 2 (code 140) in February:
    - E1: 111 2018U40-2019U04, 140 from 2019U06: previous status ended 2 weeks before → "1".
    - E2: 111 2018U40-2019U01, 140 2019U07-U34: ended 6 weeks before → none.
    - E3: 141 2018U30-2019U07, 140 2019U08-U33: straight from group 3 → "3".
    - E4: 111 2018U40-2019U02, 140 2019U06-U30: ended 4 weeks before → "1" (the limit).
    - E5 (København): 111 2018U40-2019U04, 140 2019U09-U30: ended 5 weeks before → none.
    Exits from group 3 (code 141) in February, status 26 weeks later:
    - X1: 141 2018U30-2019U06, 651 2019U07-U34: at U32 education → uddannelse eller arbejde.
    - X5: 141 2018U30-2019U06, no code after, 120 hours in August 2019 (U32's Thursday is
      8 Aug) → uddannelse eller arbejde.
    - E3: exit U07, at U33 on 140 → offentlig forsørgelse.
    - X3: 141 2018U30-2019U08, nothing after: at U34 no code, no hours → selvforsørgende.
    - X4: 141 2018U30-2019U09: U09 + 26 = U35 is after U34 → censored, noted.
    - X6, born 25 Feb 1989: 141 2018U30-2019U09: 30 at the exit week (Thursday 28 Feb): not in
      18-29, so neither counted nor in the censored note.
    Near the data's start: S 141 2018U01-U10 (a run from the first week: no entry); T 111
    2018U03-U10 (an entry at U03, but U03-4 is before 2018U01: censored, noted).
    """
    born = date(1995, 5, 1)
    names = {"E1": 11, "E2": 12, "E3": 13, "E4": 14, "E5": 15, "X1": 21, "X3": 22, "X4": 23}
    ids = {**names, "X5": 24, "X6": 25, "Z": 30, "S": 31, "T": 32}
    persons = {pid: born for pid in ids.values()} | {ids["X6"]: date(1989, 2, 25)}
    residences: list[tuple[int, int, tuple[int, int], tuple[int, int] | None]] = [
        (pid, KBH if name == "E5" else VIBORG, (2010, 1), None) for name, pid in ids.items()
    ]
    raw = [
        ("E1", 111, (2018, 40), (2019, 4)),
        ("E1", 140, (2019, 6), (2019, 20)),
        ("E2", 111, (2018, 40), (2019, 1)),
        ("E2", 140, (2019, 7), (2019, 34)),
        ("E3", 141, (2018, 30), (2019, 7)),
        ("E3", 140, (2019, 8), (2019, 33)),
        ("E4", 111, (2018, 40), (2019, 2)),
        ("E4", 140, (2019, 6), (2019, 30)),
        ("E5", 111, (2018, 40), (2019, 4)),
        ("E5", 140, (2019, 9), (2019, 30)),
        ("X1", 141, (2018, 30), (2019, 6)),
        ("X1", 651, (2019, 7), (2019, 34)),
        ("X3", 141, (2018, 30), (2019, 8)),
        ("X4", 141, (2018, 30), (2019, 9)),
        ("X5", 141, (2018, 30), (2019, 6)),
        ("X6", 141, (2018, 30), (2019, 9)),
        ("Z", 900, (2018, 1), (2019, 34)),
        ("S", 141, (2018, 1), (2018, 10)),
        ("T", 111, (2018, 3), (2018, 10)),
    ]
    wh = _warehouse(persons, residences, [(ids[n], c, f, last) for n, c, f, last in raw])
    wh.con.execute("INSERT INTO employment_month VALUES (?, 2019, 8, 120.0, 1)", [ids["X5"]])
    return wh


def _persons(result: Result) -> dict[tuple[object, ...], int]:
    keys = ["municipality", "period", *result.query.by]
    return {tuple(r[k] for k in keys): r["persons"] for r in result.rows()}


def _shares(result: Result) -> dict[tuple[object, ...], tuple[float, int, int, int]]:
    keys = ["municipality", "period", *result.query.by]
    return {
        tuple(r[k] for k in keys): (
            round(r["value"], 4),
            r["persons"],
            r["numerator"],
            r["denominator"],
        )
        for r in result.rows()
    }


def _runs(wh: Warehouse, person: int, max_gap_weeks: int | None = None) -> list[tuple[int, int]]:
    table = support_runs(wh) if max_gap_weeks is None else support_runs(wh, max_gap_weeks)
    return [
        (r["first_week"], r["last_week"]) for r in table.to_pylist() if r["person_id"] == person
    ]


def test_gap_of_3_weeks_continues_a_run_and_5_weeks_breaks_it(runs_wh: Warehouse) -> None:
    """P1's 3-week gap (2019U03-U05) stays inside one run; P2's 5-week gap (U02-U06) starts a
    new one. With max_gap_weeks=5 P2 has one run too; with 2, P1 has two."""
    assert _runs(runs_wh, 1) == [(week(2018, 41), week(2019, 9))]
    assert _runs(runs_wh, 2) == [(week(2018, 41), week(2019, 1)), (week(2019, 7), week(2019, 9))]
    assert _runs(runs_wh, 2, 5) == [(week(2018, 41), week(2019, 9))]
    assert _runs(runs_wh, 1, 2) == [(week(2018, 41), week(2019, 2)), (week(2019, 6), week(2019, 9))]
    # A move does not start a new run: P3's one run spans Viborg and København.
    assert _runs(runs_wh, 3) == [(week(2018, 1), week(2019, 9))]


def test_time_on_support_february_by_band(runs_wh: Warehouse) -> None:
    """Reference week 2019U09. Viborg: P2 3 weeks → 0-12; P1 21 → 13-26; P6 156 → 2-3 år;
    P4 169 and P5 157 → 3 år og derover; P8 is 30 and not counted. København: P3 61 weeks
    (run not reset by the move) → 1-2 år. Country: all six, one run each."""
    result = get_indicator("time_on_support")(runs_wh, Query((VIBORG, KBH, COUNTRY), (FEB,)))
    assert result.query.by == ("duration_band",)
    assert _persons(result) == {
        (VIBORG, "2019M02", "0-12 uger"): 1,
        (VIBORG, "2019M02", "13-26 uger"): 1,
        (VIBORG, "2019M02", "2-3 år"): 1,
        (VIBORG, "2019M02", "3 år og derover"): 2,
        (KBH, "2019M02", "1-2 år"): 1,
        (COUNTRY, "2019M02", "0-12 uger"): 1,
        (COUNTRY, "2019M02", "13-26 uger"): 1,
        (COUNTRY, "2019M02", "1-2 år"): 1,
        (COUNTRY, "2019M02", "2-3 år"): 1,
        (COUNTRY, "2019M02", "3 år og derover"): 2,
    }
    assert [r["duration_band"] for r in result.rows() if r["municipality"] == COUNTRY] == [
        b for b in BANDS if b != "27-52 uger"
    ]
    assert all(r["value"] == r["persons"] for r in result.rows())
    assert result.notes == ()


def test_time_on_support_by_youth_group_of_the_reference_week(runs_wh: Warehouse) -> None:
    """Viborg, February: group 2 (140) P2 0-12 and P1 13-26; group 3 (141) P6 2-3 år, P4 and
    P5 3 år og derover."""
    query = Query((VIBORG,), (FEB,), by=("youth_group", "duration_band"))
    assert _persons(get_indicator("time_on_support")(runs_wh, query)) == {
        (VIBORG, "2019M02", "2", "0-12 uger"): 1,
        (VIBORG, "2019M02", "2", "13-26 uger"): 1,
        (VIBORG, "2019M02", "3", "2-3 år"): 1,
        (VIBORG, "2019M02", "3", "3 år og derover"): 2,
    }


def test_january_counts_who_turns_30_later_and_not_who_is_in_a_gap(runs_wh: Warehouse) -> None:
    """Reference week 2019U05 (Thursday 31 Jan). P1 and P2 are in their gaps: no support that
    week, not counted. P8 is 29: 5 weeks → 0-12. P3 still in Viborg: 52 + 5 = 57 → 1-2 år.
    P5 157 - 4 = 153 and P6 152 → 2-3 år; P4 165 → 3 år og derover."""
    result = get_indicator("time_on_support")(runs_wh, Query((VIBORG,), (JAN, FEB)))
    assert {k: v for k, v in _persons(result).items() if k[1] == "2019M01"} == {
        (VIBORG, "2019M01", "0-12 uger"): 1,
        (VIBORG, "2019M01", "1-2 år"): 1,
        (VIBORG, "2019M01", "2-3 år"): 2,
        (VIBORG, "2019M01", "3 år og derover"): 1,
    }
    # In February P8 is 30: the only 0-12 person left in Viborg is P2.
    assert _persons(result)[(VIBORG, "2019M02", "0-12 uger")] == 1


def test_week_53_counts(runs_wh: Warehouse) -> None:
    """January 2016, reference 2016U04: P7 from 2015U45 has 9 weeks in 2015 (U45-U53) + 4 = 13
    → 13-26 uger; P4 from 2015U50: 4 + 4 = 8 → 0-12. The data start in 2015U45 (P7's first
    week), less than 3 years before: the note says durations from then are minimums."""
    assert week(2016, 4) - week(2015, 45) + 1 == 13
    result = get_indicator("time_on_support")(runs_wh, Query((VIBORG,), (parse_period("2016M01"),)))
    assert _persons(result) == {
        (VIBORG, "2016M01", "0-12 uger"): 1,
        (VIBORG, "2016M01", "13-26 uger"): 1,
    }
    assert result.notes == (
        "Statusdata begynder i 2015U45: for personer, der allerede da var på offentlig "
        "forsørgelse, er varigheden mindst den viste.",
    )


def test_long_term_share_by_youth_group(runs_wh: Warehouse) -> None:
    """More than 156 weeks at 2019U09: P4 and P5 (group 3). Viborg group 3: 2 of 3 (P4, P5,
    P6) = 66.67 %; group 2: 0 of 2 (P1, P2; P8 is 30) = 0 %. København group 1: 0 of 1 (P3).
    Country: group 1 0/1, group 2 0/2, group 3 2/3. Without breakdown: Viborg 2/5 = 40 %,
    København 0/1, country 2/6 = 33.33 %."""
    indicator = get_indicator("long_term_share")
    by_group = indicator(runs_wh, Query((VIBORG, KBH, COUNTRY), (FEB,), by=("youth_group",)))
    assert _shares(by_group) == {
        (VIBORG, "2019M02", "2"): (0.0, 0, 0, 2),
        (VIBORG, "2019M02", "3"): (66.6667, 2, 2, 3),
        (KBH, "2019M02", "1"): (0.0, 0, 0, 1),
        (COUNTRY, "2019M02", "1"): (0.0, 0, 0, 1),
        (COUNTRY, "2019M02", "2"): (0.0, 0, 0, 2),
        (COUNTRY, "2019M02", "3"): (66.6667, 2, 2, 3),
    }
    total = indicator(runs_wh, Query((VIBORG, KBH, COUNTRY), (FEB,)))
    assert _shares(total) == {
        (VIBORG, "2019M02"): (40.0, 2, 2, 5),
        (KBH, "2019M02"): (0.0, 0, 0, 1),
        (COUNTRY, "2019M02"): (33.3333, 2, 2, 6),
    }


def test_inflow_origin_february(flows_wh: Warehouse) -> None:
    """Entries into group 2 in February. Viborg: E1 (2 weeks) and E4 (4 weeks) from group 1,
    E3 from group 3, E2 (6 weeks) none: 2/4 = 50 %, 1/4 = 25 %, 1/4 = 25 %. København: E5 (5
    weeks) none: 100 %. Country: 2/5 = 40 %, 1/5 = 20 %, 2/5 = 40 %. No other entries in
    February (the group-3 runs began in 2018)."""
    query = Query((VIBORG, KBH, COUNTRY), (FEB,), by=("youth_group",))
    result = get_indicator("inflow_origin")(flows_wh, query)
    assert result.query.by == ("youth_group", "origin_group")
    assert _shares(result) == {
        (VIBORG, "2019M02", "2", "1"): (50.0, 2, 2, 4),
        (VIBORG, "2019M02", "2", "3"): (25.0, 1, 1, 4),
        (VIBORG, "2019M02", "2", NO_ORIGIN): (25.0, 1, 1, 4),
        (KBH, "2019M02", "2", NO_ORIGIN): (100.0, 1, 1, 1),
        (COUNTRY, "2019M02", "2", "1"): (40.0, 2, 2, 5),
        (COUNTRY, "2019M02", "2", "3"): (20.0, 1, 1, 5),
        (COUNTRY, "2019M02", "2", NO_ORIGIN): (40.0, 2, 2, 5),
    }
    assert result.notes == ()


def test_inflow_origin_by_benefit_and_filtered(flows_wh: Warehouse) -> None:
    """Viborg by previous benefit: A-dagpenge (E1, E4) 50 %, uddannelseshjælp (E3's 141) 25 %,
    none 25 %. Filtered to origins 1 and 3 the shares stay shares of all 4 entries."""
    inflow = get_indicator("inflow_origin")
    by_benefit = inflow(flows_wh, Query((VIBORG,), (FEB,), by=("origin_benefit",)))
    assert _shares(by_benefit) == {
        (VIBORG, "2019M02", "a_dagpenge"): (50.0, 2, 2, 4),
        (VIBORG, "2019M02", "uddannelseshjaelp"): (25.0, 1, 1, 4),
        (VIBORG, "2019M02", NO_ORIGIN): (25.0, 1, 1, 4),
    }
    filtered = inflow(flows_wh, Query((VIBORG,), (FEB,), filters={"origin_group": ("1", "3")}))
    assert _shares(filtered) == {
        (VIBORG, "2019M02", "1"): (50.0, 2, 2, 4),
        (VIBORG, "2019M02", "3"): (25.0, 1, 1, 4),
    }
    # A filter on a label the query is not broken down by (the numerator and denominator are
    # then counted apart): the A-dagpenge entries (E1, E4) come from group 1.
    on_benefit = inflow(
        flows_wh, Query((VIBORG,), (FEB,), filters={"origin_benefit": ("a_dagpenge",)})
    )
    assert _shares(on_benefit) == {(VIBORG, "2019M02", "1"): (50.0, 2, 2, 4)}


def test_inflow_at_the_start_of_the_data_is_left_out_and_noted(flows_wh: Warehouse) -> None:
    """January 2018 (U01-U04): S's run begins in the data's first week 2018U01, so it is no
    entry; T enters group 1 at U03, but U03 - 4 weeks is before 2018U01: not counted, noted."""
    result = get_indicator("inflow_origin")(flows_wh, Query((VIBORG,), (parse_period("2018M01"),)))
    assert result.rows() == []
    assert result.notes == (
        "Viborg (791), 2018M01: 1 tilgang er ikke talt med, fordi de 4 uger før tilgangen går "
        "tilbage før statusdataenes første uge (2018U01), så den forrige status ikke kendes.",
    )


def test_status_after_exit_february(flows_wh: Warehouse) -> None:
    """Exits from group 3 in February with a known status 26 weeks later: X1 (education) and X5
    (120 hours in August) → uddannelse eller arbejde 2/4 = 50 %; E3 (on 140) → offentlig
    forsørgelse 1/4 = 25 %; X3 (nothing) → selvforsørgende 1/4 = 25 %. X4 is censored (U35 is
    after the data's last week U34): 1 exit noted for Viborg and for the country; X6 is 30 and
    in neither."""
    query = Query((VIBORG, COUNTRY), (FEB,), by=("youth_group",))
    result = get_indicator("status_after_exit")(flows_wh, query)
    assert result.query.by == ("youth_group", "status")
    expected = {BUSY: (50.0, 2, 2, 4), SUPPORT: (25.0, 1, 1, 4), OTHER: (25.0, 1, 1, 4)}
    assert _shares(result) == {
        (m, "2019M02", "3", status): value
        for m in (VIBORG, COUNTRY)
        for status, value in expected.items()
    }
    assert [r["status"] for r in result.rows() if r["municipality"] == VIBORG] == list(STATUSES)
    why = (
        "er ikke talt med, fordi ugen 26 uger efter ligger efter statusdataenes sidste uge "
        "(2019U34), så status endnu ikke kendes."
    )
    assert result.notes == (
        f"Hele landet, 2019M02: 1 afgang {why}",
        f"Viborg (791), 2019M02: 1 afgang {why}",
    )


def test_a_run_until_the_data_end_is_no_exit(flows_wh: Warehouse) -> None:
    """2019K3: group-2 runs end in E4 and E5 at U30 and E3 at U33, all censored (after U34);
    E2's run lasts until the data's last week U34, so it is no exit and not in the notes.
    Viborg 2 (E3, E4), København 1 (E5), country 3; no status is known, so no rows."""
    query = Query((VIBORG, KBH, COUNTRY), (parse_period("2019K3"),))
    result = get_indicator("status_after_exit")(flows_wh, query)
    assert result.rows() == []
    assert [note.split(" er ")[0] for note in result.notes] == [
        "Hele landet, 2019K3: 3 afgange",
        "København (101), 2019K3: 1 afgang",
        "Viborg (791), 2019K3: 2 afgange",
    ]


def test_empty_warehouse_is_explained() -> None:
    wh = open_warehouse(None)
    result = get_indicator("status_after_exit")(wh, Query((VIBORG,), (FEB,)))
    assert result.rows() == []
    assert "ingen statusdata" in result.notes[0]
