"""Offers, sanctions and migration inside ``memo.shared()`` give the tables they give outside it.

Inside the block their rows (offer weeks, sanctions, moves, each with every breakdown's value
beside it) are built once per month for every query, and each breakdown and period is a
GROUP BY of them; outside, each query builds the same rows for its own weeks from the same SQL.
"""

from ungeindsats.indicators import COUNTRY, Query, Result, get_indicator, memo
from ungeindsats.indicators.memo import shared
from ungeindsats.periods import parse_period
from ungeindsats.warehouse import Warehouse

JAN, FEB, Q1 = parse_period("2019M01"), parse_period("2019M02"), parse_period("2019K1")
VIBORG, AARHUS, KBH = 791, 751, 101


def _shared_keys() -> list[str]:
    """The names of the shared tables' keys that the block remembers."""
    assert memo._memory is not None
    return sorted(
        key[1][0] for key in memo._memory.values if isinstance(key, tuple) and key[0] == "table"
    )


def _shared_tables(wh: Warehouse) -> list[str]:
    rows = wh.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shared_%'"
    ).fetchall()
    return [r[0] for r in rows]


def _alone_and_together(
    wh: Warehouse, jobs: list[tuple[str, Query]]
) -> tuple[list[Result], list[Result], list[str]]:
    alone = [get_indicator(name)(wh, query) for name, query in jobs]
    with shared():
        together = [get_indicator(name)(wh, query) for name, query in jobs]
        keys = _shared_keys()
    assert _shared_tables(wh) == []
    return alone, together, keys


def test_offers_and_sanctions_shared_equal_plain() -> None:
    """The hand-worked offers fixture (test_offers.py: Viborg 50 % in offers in February, by kind
    1/2/1/0 of 6, mix 3/2/1, sanctions 3 by 2 persons, ...): the five indicators by every
    breakdown the layer holds, for January and February together, for February alone and for
    the first quarter (the layer asks some a year at a time), with filters and another age
    band, give the same tables and notes in the block as outside it. The block holds two
    shared tables: the offer rows and the sanction rows, whatever the periods."""
    from .test_offers import wh as offers_fixture

    wh = offers_fixture.__wrapped__()  # type: ignore[attr-defined]
    places = (VIBORG, KBH, COUNTRY)
    jobs: list[tuple[str, Query]] = []
    for periods in ((JAN, FEB), (FEB,), (Q1,)):
        for name, bys in [
            ("offers", ((), ("youth_group",), ("benefit",), ("age_band",), ("sex",))),
            ("intervention_mix", ((), ("youth_group",), ("benefit",), ("age_band",))),
            ("company_based_share", ((), ("youth_group",), ("sex",))),
            ("sanctions", ((), ("benefit",), ("age_band",), ("sex",))),
            ("sanction_rate", ((), ("benefit",), ("age_band",), ("sex",))),
        ]:
            jobs.extend((name, Query(places, periods, by=by)) for by in bys)
    jobs += [
        ("offers", Query(places, (FEB,), by=("youth_group", "offer_kind"))),
        ("offers", Query(places, (FEB,), filters={"offer_kind": ("Støttetilbud", "Andet")})),
        ("intervention_mix", Query(places, (FEB,), filters={"mix": ("Kombineret indsats",)})),
        ("company_based_share", Query(places, (FEB,), ages=(20, 25))),
        ("sanction_rate", Query(places, (FEB,), by=("benefit",), ages=(15, 23))),
    ]
    alone, together, keys = _alone_and_together(wh, jobs)
    assert [(r.table, r.notes) for r in together] == [(r.table, r.notes) for r in alone]
    assert all(r.table.num_rows for r in alone)
    # The note of sanction_rate by benefit (C's sanction without a benefit) is kept.
    assert any(r.notes for r in together)
    assert [k for k in keys if k in ("offer_rows", "sanction_rows")] == [
        "offer_rows",
        "sanction_rows",
    ]


def test_offers_of_planned_periods_equal_plain() -> None:
    """As the layer asks an extra job a year at a time (``memo.planned``): offers by youth
    group × offer kind, company-based share and intervention mix for January alone and for
    February alone, inside a plan of both months, are read from the counts of the two months
    and equal their own tables outside the block (offers fixture of test_offers.py)."""
    from .test_offers import wh as offers_fixture

    wh = offers_fixture.__wrapped__()  # type: ignore[attr-defined]
    places = (VIBORG, KBH, COUNTRY)
    jobs = [
        (name, Query(places, (month,), by=by))
        for month in (JAN, FEB)
        for name, by in [
            ("offers", ("youth_group", "offer_kind")),
            ("company_based_share", ("youth_group",)),
            ("intervention_mix", ("mix",)),
        ]
    ]
    alone = [get_indicator(name)(wh, query) for name, query in jobs]
    with shared(), memo.planned((JAN, FEB)):
        together = [get_indicator(name)(wh, query) for name, query in jobs]
    assert [(r.table, r.notes) for r in together] == [(r.table, r.notes) for r in alone]
    assert all(r.table.num_rows for r in alone[3:])


def test_offers_of_planned_breakdown_sets_equal_plain() -> None:
    """As ``compute`` asks them: inside ``memo.planned`` of January and February with the
    layer's breakdown sets, the three offer indicators by each set, and the report's monthly
    extras (offers by youth group × offer kind, the mix by mix), are read from one count of
    every set (``GROUPING SETS``) and equal their own tables outside the block (offers fixture
    of test_offers.py: Viborg 50 % in offers in February, by kind 1/2/1/0 of 6, mix 3/2/1)."""
    from .test_offers import wh as offers_fixture

    wh = offers_fixture.__wrapped__()  # type: ignore[attr-defined]
    places = (VIBORG, KBH, COUNTRY)
    sets = ((), ("youth_group",), ("benefit",), ("age_band",), ("sex",), ("youth_group", "benefit"))
    months = (JAN, FEB)
    names = ("offers", "company_based_share", "intervention_mix")
    jobs = [(name, Query(places, months, by=by)) for name in names for by in sets]
    extras = [
        (name, Query(places, (month,), by=by))
        for month in months
        for name, by in [("offers", ("youth_group", "offer_kind")), ("intervention_mix", ("mix",))]
    ]
    alone = [get_indicator(name)(wh, query) for name, query in [*jobs, *extras]]
    with shared():
        with memo.planned(months, sets):
            together = [get_indicator(name)(wh, query) for name, query in jobs]
            counted = [k for k in memo._memory.values if k[0] == "offer_count_sets"]  # type: ignore[union-attr]
        with memo.planned(months, sets):
            together += [get_indicator(name)(wh, query) for name, query in extras]
    assert [(r.table, r.notes) for r in together] == [(r.table, r.notes) for r in alone]
    assert all(r.table.num_rows for r in alone)
    assert len(counted) == 1  # the three ask the same ages (18-29): one pass for all sets


def test_migration_shared_equal_plain() -> None:
    """The hand-worked moves fixture (test_migration.py: Viborg February in 2, out 3, net -1; on a
    benefit the week before in 1, out 1): both indicators by every breakdown they have in the
    layer, for January and February, February alone and the year 2019, with a direction filter
    and another age band, give the same tables in the block as outside it. The block holds
    three shared tables: the moves, and the rows of each indicator."""
    from .test_migration import wh as moves_fixture

    wh = moves_fixture.__wrapped__()  # type: ignore[attr-defined]
    places = (VIBORG, AARHUS, COUNTRY)
    year = parse_period("2019")
    jobs: list[tuple[str, Query]] = []
    for periods in ((JAN, FEB), (FEB,), (year,)):
        jobs.extend(
            ("migration", Query(places, periods, by=by))
            for by in ((), ("age_band",), ("sex",), ("direction",))
        )
        jobs.extend(
            ("inflow_on_benefit", Query(places, periods, by=by))
            for by in ((), ("youth_group",), ("benefit",), ("age_band",), ("sex",))
        )
    jobs += [
        (
            "migration",
            Query(places, (FEB,), ages=(15, 29), filters={"direction": ("Tilflytning",)}),
        ),
        ("inflow_on_benefit", Query(places, (FEB,), filters={"benefit": ("uddannelseshjaelp",)})),
    ]
    alone, together, keys = _alone_and_together(wh, jobs)
    assert [r.table for r in together] == [r.table for r in alone]
    assert all(r.table.num_rows for r in alone)
    assert [k for k in keys if k in ("moves", "move_rows")] == ["move_rows", "move_rows", "moves"]
