"""A benchmark end to end on the hand-made warehouse of five municipalities (conftest.five),
and the inputs around it: peers, cluster and variables files, missing data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ungeindsats.benchmark import BenchmarkError, publish_benchmark, run_benchmark
from ungeindsats.benchmark.framework import framework_data, read_variables_file
from ungeindsats.benchmark.peers import nearest_peers, rank_among, read_cluster_file
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.ingest.errors import InputError
from ungeindsats.periods import iso_week_number, parse_period
from ungeindsats.warehouse import Warehouse

from .conftest import FIVE

FEB = parse_period("2019M02")


def test_expected_peers_ranks_and_potential_by_hand(five: Warehouse) -> None:
    """The shares are 1, 3, 2, 5, 4 pct. on x = 1..5, so the expected values are those worked
    out in test_model.test_five_municipalities_by_hand: 2, 13/7, 3.25, 23/7, 5.5.

    Peers of København (x = 1), k = 2: standardised x is (x − 3)/√2, the nearest are x = 2
    (147) and x = 3 (151). Among København (1 %), 147 (3 %) and 151 (2 %) København is no. 1 by
    share; by difference to expected (−1, 8/7, −1.25) no. 2.

    Potential for København (population 100): to expected (1 − 2) pct. × 100 = −1 person; to
    the peers' average (3 + 2)/200 = 2.5 pct.: −1.5; to the best peer, 151 at 2 pct.: −1. With
    a unit cost of 100,000 kr. the last is −100,000 kr.
    """
    b = run_benchmark(
        five, "public_support", FEB, 101, codes=FIVE, variables=["x"], k=2, unit_cost_kr=1e5
    )
    fit = b.main.fit
    assert fit.actual == pytest.approx([1, 3, 2, 5, 4])
    assert fit.expected == pytest.approx([2.0, 13 / 7, 3.25, 23 / 7, 5.5])
    assert b.peers == (147, 151)
    assert (b.peer_ranks[0].by_actual, b.peer_ranks[0].by_difference, b.peer_ranks[0].of) == (
        1,
        2,
        3,
    )
    gaps = {p.target: p for p in b.potential}
    assert gaps["expected"].persons == pytest.approx(-1.0)
    assert gaps["peer_average"].level == pytest.approx(2.5)
    assert gaps["peer_average"].persons == pytest.approx(-1.5)
    assert gaps["best_peer"].persons == pytest.approx(-1.0)
    assert gaps["best_peer"].kroner == pytest.approx(-100_000.0)
    assert "151" in gaps["best_peer"].label


def test_published_lines_hide_municipalities_on_too_few_persons(five: Warehouse) -> None:
    """Under the default rule (5 persons) only Brøndby (153, 5 persons) keeps its line;
    København's 1 person hides its actual, expected, difference, interval and rank alike, and the
    peer ranks and the potential, resting on municipalities under 5 persons, are hidden too.
    The model rests on all 15 persons and stays."""
    b = run_benchmark(five, "public_support", FEB, 101, codes=FIVE, variables=["x"], k=2)
    published = publish_benchmark(b, DisclosureRule())
    shown = {r["municipality"] for r in published.lines.rows if r["value"] is not None}
    assert shown == {153}
    brondby = {r["measure"]: r["value"] for r in published.lines.rows if r["municipality"] == 153}
    assert brondby["actual"] == pytest.approx(5.0)
    assert brondby["expected"] == pytest.approx(23 / 7)
    assert brondby["difference_persons"] == pytest.approx(12 / 7)
    assert brondby["rank"] == 5
    assert all(r["value"] is None for r in published.peer_ranks.rows)
    assert all(r["value"] is None for r in published.potential.rows)
    assert all(r["value"] is not None for r in published.model.rows)
    everything = publish_benchmark(b, DisclosureRule(min_persons=1))
    assert all(r["value"] is not None for t in everything.tables for r in t.rows)


def test_index_series_is_relative_to_the_first_period(five: Warehouse) -> None:
    """One period only: every series is 100 in it."""
    b = run_benchmark(five, "public_support", FEB, 101, codes=FIVE, variables=["x"], k=2)
    assert [r["value"] for r in b.index.rows()] == pytest.approx([100.0, 100.0, 100.0])


def test_an_index_rests_on_its_base_period_too(five: Warehouse) -> None:
    """In March 2019 (2019U10-U13) only one person is on support: person 7 in Brøndby, so the
    shares are 0, 0, 0, 1, 0 pct. (the population is 2019K1's in both months), and every index
    but Brøndby's is 0 or, for the country, 1/15 of February's × 100.

    København's March index, 0 on 0 persons, would be publishable on its own, but it is a ratio
    to February, which rests on 1 person: hidden. The peers' (147 and 151: 3 + 2 = 5 persons in
    February) is shown. The country's March index rests on 1 person: hidden; its February, 15."""
    five.con.execute(
        "INSERT INTO status_spell VALUES (7, 140, ?, ?, 1)",
        [iso_week_number(2019, 10), iso_week_number(2019, 13)],
    )
    five.con.execute(
        "INSERT INTO import_log VALUES (2, 'test', 'hand', 'y', 0, 0, 0, now(), now(), 't', '')"
    )
    march = parse_period("2019M03")
    b = run_benchmark(
        five, "public_support", march, 101, history=[FEB], codes=FIVE, variables=["x"], k=2
    )
    assert b.main.fit.actual == pytest.approx([0, 0, 0, 1, 0])
    published = publish_benchmark(b, DisclosureRule()).index.rows
    index = {(r["series"], r["period"]): r["value"] for r in published}
    assert index[("Kommunen", "2019M03")] is None
    assert index[("Sammenlignelige kommuner", "2019M03")] == 0.0
    assert index[("Hele landet", "2019M03")] is None
    assert index[("Hele landet", "2019M02")] == 100.0
    shown = {(r["series"], r["period"]): r["value"] for r in b.index.rows()}
    assert shown[("Hele landet", "2019M03")] == pytest.approx(100 / 15)


def test_missing_municipality_and_zero_population_are_named(five: Warehouse) -> None:
    five.con.execute("DELETE FROM framework WHERE municipality = 153")
    with pytest.raises(BenchmarkError, match="rammevilkåret x mangler for 153 Brøndby i 2019"):
        run_benchmark(five, "public_support", FEB, 101, codes=FIVE, variables=["x"])
    with pytest.raises(BenchmarkError, match="rammevilkåret y findes ikke for 2019"):
        run_benchmark(five, "public_support", FEB, 101, codes=FIVE, variables=["y"])
    five.con.execute("UPDATE population SET persons = 0 WHERE municipality = 147")
    with pytest.raises(BenchmarkError, match="befolkningen er 0 eller mangler for 147 Frederiks"):
        run_benchmark(five, "public_support", FEB, 101, codes=FIVE, variables=["x"])
    with pytest.raises(BenchmarkError, match="ukendt resultatmål 'nope'"):
        run_benchmark(five, "nope", FEB, 101, codes=FIVE)


def test_nearest_peers_in_standardised_variables() -> None:
    """Two variables on very different scales: a in 0..3, b in thousands. Standardised, a is
    (−1.34, −0.45, 0.45, 1.34) and b is (−1, −1, 1, 1) (population sd): the distances from the
    first municipality are 0.89, 2.41 and 3.34, so the nearest two are the second and third."""
    matrix = np.array([[0.0, 1000.0], [1.0, 1000.0], [2.0, 3000.0], [3.0, 3000.0]])
    assert nearest_peers((101, 147, 151, 153), matrix, 101, k=2) == (147, 151)
    with pytest.raises(BenchmarkError, match="mellem 1 og 3"):
        nearest_peers((101, 147, 151, 153), matrix, 101, k=4)


def test_rank_among_counts_those_strictly_better() -> None:
    assert rank_among(np.array([2.0, 1.0, 2.0, 3.0]), 0) == 2
    assert rank_among(np.array([2.0, 1.0, 2.0, 3.0]), 3) == 4


def test_cluster_file(tmp_path: Path) -> None:
    path = tmp_path / "klynger.csv"
    path.write_text("municipality;cluster\n791;A\nSilkeborg;A\n101;B\n657;A\n", encoding="utf-8")
    assert read_cluster_file(path, 791) == (657, 740)
    path.write_text("municipality;cluster\n791;A\nAtlantis;A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"klynger\.csv, linje 3, kolonne 'municipality'"):
        read_cluster_file(path, 791)
    path.write_text("municipality;cluster\n791;A\n101;B\n", encoding="utf-8")
    with pytest.raises(InputError, match="alene i klyngen 'A'"):
        read_cluster_file(path, 791)


def test_variables_file(five: Warehouse, tmp_path: Path) -> None:
    """A user's variable z for all five (no year: every year) replaces nothing in the
    warehouse; bad numbers are reported with line and column."""
    path = tmp_path / "egne.csv"
    rows = "\n".join(f"{c};z;{v}" for c, v in zip(FIVE, ("1,5", "2", "4", "3", "5"), strict=True))
    path.write_text("municipality;variable;value\n" + rows + "\n", encoding="utf-8")
    data = framework_data(five, 2019, FIVE, ["z", "x"], read_variables_file(path))
    assert data.matrix.tolist() == [[1.5, 1.0], [2.0, 2.0], [4.0, 3.0], [3.0, 4.0], [5.0, 5.0]]
    assert data.sources == ("brugerens fil egne.csv", "rammevilkårstabellen")
    path.write_text("municipality;variable;value\n101;z;mange\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"egne\.csv, linje 2, kolonne 'value' \(værdi 'mange'\)"):
        read_variables_file(path)
    path.write_text("kommune;variable;value\n", encoding="utf-8")
    with pytest.raises(InputError, match="kolonnen mangler: municipality"):
        read_variables_file(path)


def test_an_outcome_read_from_the_layer_equals_the_computed_one(five: Warehouse) -> None:
    """After ``compute`` the outcome public_support (fte, no filter) is read from the layer, with
    the same numerators (1, 3, 2, 5, 4), populations and persons as computed; a single youth
    group (a filtered total) is read as that group's cells of the youth-group job, the same as
    computed; youth groups 1-3 together (not the sum of the groups' persons) are computed."""
    from dataclasses import replace

    from ungeindsats.benchmark.outcomes import get_outcome, outcome_data
    from ungeindsats.indicators import Query
    from ungeindsats.indicators.precompute import answer_layer, compute, layer_result

    item = get_outcome("public_support")
    group = get_outcome("youth_group_2")
    computed = outcome_data(five, item, FIVE, [FEB])
    computed_group = outcome_data(five, group, FIVE, [FEB])
    compute(five, indicators=["fte"], breakdowns=("youth_group",), extras=())
    query = Query(FIVE, (FEB,), ages=item.ages)
    layer = answer_layer(five)
    assert layer is not None
    assert layer_result(five, layer, item.indicator, query) is not None
    grouped = Query(FIVE, (FEB,), ages=group.ages, filters=dict(group.filters))
    assert layer_result(five, layer, group.indicator, grouped) is not None
    read_group = outcome_data(five, group, FIVE, [FEB])
    assert read_group.numerator.tolist() == computed_group.numerator.tolist()
    assert computed_group.numerator.sum() > 0
    assert read_group.persons.tolist() == computed_group.persons.tolist()
    groups = replace(grouped, filters={"youth_group": ("1", "2", "3")})
    assert layer_result(five, layer, group.indicator, groups) is None
    read = outcome_data(five, item, FIVE, [FEB])
    assert read.numerator.tolist() == computed.numerator.tolist() == [[1, 3, 2, 5, 4]]
    assert read.population.tolist() == computed.population.tolist()
    assert read.persons.tolist() == computed.persons.tolist()
    assert (read.result.source, read.result.notes) == (
        computed.result.source,
        computed.result.notes,
    )
    assert read.result.query == computed.result.query
