"""Work shared inside ``memo.shared()`` gives the same answers and leaves nothing behind."""

from ungeindsats.indicators import COUNTRY, Query, get_indicator
from ungeindsats.indicators.memo import recall, shared, sharing
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

from .test_runs_and_flows import VIBORG, flows_wh  # noqa: F401  (the fixture)

FLOWS = ("inflow_origin", "status_after_exit")


def _temp_tables(wh: Warehouse) -> list[str]:
    rows = wh.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
    ).fetchall()
    return [r[0] for r in rows]


def test_recall_remembers_only_inside_the_block() -> None:
    """Outside the block every call computes; inside, the first value is kept per key and its
    cleanup runs once when the block ends."""
    calls: list[int] = []
    cleaned: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    assert recall("k", make) == 1 and recall("k", make) == 2
    with shared():
        assert sharing()
        assert recall("k", make, cleaned.append) == 3
        assert recall("k", make, cleaned.append) == 3
        with shared():  # nested: the same memory
            assert recall("k", make) == 3
    assert not sharing() and cleaned == [3]
    assert recall("k", make) == 4


def test_flows_inside_the_block_equal_flows_outside(flows_wh: Warehouse) -> None:  # noqa: F811
    """The hand-worked flows fixture: every breakdown of both flow indicators gives the same
    table with the events shared as without; the shared event tables are dropped at the end."""
    feb = parse_period("2019M02")
    queries = [
        Query((VIBORG, COUNTRY), (feb,), by=by) for by in ((), ("youth_group",), ("benefit",))
    ]
    alone = [get_indicator(n)(flows_wh, q).table for n in FLOWS for q in queries]
    with shared():
        together = [get_indicator(n)(flows_wh, q).table for n in FLOWS for q in queries]
        # Numerators and denominators of all three breakdowns rest on one event table each
        # (placed in the periods, from one table each of the events before placing), and both
        # indicators' events on one table of the youth groups' runs.
        assert len(_temp_tables(flows_wh)) == 2 * len(FLOWS) + 1
    assert together == alone
    assert _temp_tables(flows_wh) == []


def test_offers_inside_the_block_equal_offers_outside() -> None:
    """The hand-worked offers fixture (test_offers.py): the three offer indicators by every
    breakdown the layer holds give the same tables when their offer weeks are shared, and one
    shared table serves all of them (beside the one of their denominators, the support cells:
    which persons have several rows in a month)."""
    from .test_offers import wh as offers_fixture

    wh = offers_fixture.__wrapped__()  # type: ignore[attr-defined]
    feb = parse_period("2019M02")
    names = ("offers", "company_based_share", "intervention_mix")
    queries = [Query((VIBORG, COUNTRY), (feb,), by=by) for by in ((), ("youth_group",), ("sex",))]
    alone = [get_indicator(n)(wh, q).table for n in names for q in queries]
    with shared():
        together = [get_indicator(n)(wh, q).table for n in names for q in queries]
        assert len(_temp_tables(wh)) == 2
    assert together == alone
    assert _temp_tables(wh) == []


def test_neet_inside_the_block_equals_neet_outside() -> None:
    """The hand-worked restgruppe fixture (test_neet.py): share, characteristics, indicator
    count, persistence and the 15-17-year-olds' activity in 2017, by every breakdown the layer
    holds, give the same tables with the reference-week statuses shared.

    Shared tables: the education spells and the persons' birth dates and first completions
    (``neet_person``: 2), one status table per reference week (2017U48 for all five, 2016U47
    and 2015U48 for persistence's earlier years: 3), the hours of the months of the weeks built
    together (2017U48's month, then those of 2016U47 and 2015U48: 2), and one relation per query
    shape (share, characteristics and count read the same 15-24-year-olds at lag 0; persistence
    its own; the 15-17-year-olds their own: 3), 10 in all; all dropped at the end."""
    from .test_neet import neet_wh

    wh = neet_wh.__wrapped__()  # type: ignore[attr-defined]
    year = parse_period("2017")
    names = (
        "neet_share",
        "neet_characteristics",
        "neet_indicator_count",
        "neet_persistence",
        "youth_15_17_activity",
    )
    queries = [Query((VIBORG, COUNTRY), (year,), by=by) for by in ((), ("sex",))]
    alone = [get_indicator(n)(wh, q).table for n in names for q in queries]
    assert all(table.num_rows for table in alone)
    with shared():
        together = [get_indicator(n)(wh, q).table for n in names for q in queries]
        assert len(_temp_tables(wh)) == 2 + 3 + 2 + 3
    assert together == alone
    assert _temp_tables(wh) == []


def test_tables_left_by_a_killed_run_do_not_stop_the_next() -> None:
    """A run killed inside the block leaves its shared tables behind: the next run builds over a
    table of the same name, and ``drop_leftovers`` removes the rest."""
    from ungeindsats.indicators.memo import TABLE_PREFIX, drop_leftovers, shared_table
    from ungeindsats.warehouse import open_warehouse

    wh = open_warehouse(None)
    for n in range(100):  # every name this test session's counter can be at
        wh.con.execute(f"CREATE TABLE {TABLE_PREFIX}{n} AS SELECT 1 AS x")
    with shared():
        name = shared_table(wh.con, "k", "SELECT 2 AS x")
        assert name is not None and int(name.removeprefix(TABLE_PREFIX)) < 100
        assert wh.con.execute(f"SELECT x FROM {name}").fetchall() == [(2,)]
    drop_leftovers(wh.con)
    assert _temp_tables(wh) == []
