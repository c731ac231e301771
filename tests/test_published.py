"""Every output passes disclosure control: a walk over every registered output path.

With a threshold no cell can reach, every published number must be suppressed (zeros, which
identify nobody, excepted); and a PublishedTable cannot be made except by publishing.
"""

from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

import ungeindsats.benchmark.youth  # registers the benchmark output
import ungeindsats.reports  # noqa: F401  (registers the report output)
from ungeindsats.cli import app
from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import COUNTRY, Query, Result, all_indicators, get_indicator
from ungeindsats.keyfigures import KeyFigureTable
from ungeindsats.periods import parse_period
from ungeindsats.published import (
    OUTPUTS,
    PublishedTable,
    Source,
    publish_indicator,
    publish_linked,
)
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse, open_warehouse

EXAMPLES = Path(__file__).parents[1] / "examples"
UNREACHABLE = DisclosureRule(min_persons=10**9)
NEEDS_ALL_MUNICIPALITIES = {
    "benchmark": "the examples hold one municipality; walked on the demo in tests/benchmark"
}


@pytest.fixture(scope="module")
def example_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ungeindsats.mainjob import run_main_job

    data = tmp_path_factory.mktemp("published")
    run_main_job(Settings(data_dir=data), examples=EXAMPLES)
    return data


def _published_values(item: object) -> list[object]:
    if isinstance(item, PublishedTable):
        return [row["value"] for row in item.rows]
    if isinstance(item, KeyFigureTable):
        return [cell.value for _, cells in item.rows for cell in cells]
    if isinstance(item, list):
        return [v for sub in item for v in _published_values(sub)]
    raise AssertionError(f"unknown output type {type(item).__name__}")


def test_the_registry_names_every_output() -> None:
    assert set(OUTPUTS) == {
        "indicator",
        "key_figures",
        "benchmark",
        "economics",
        "net_cost",
        "realised_saving",
        "report",
    }


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_every_output_suppresses_what_it_must(example_warehouse: Path, name: str) -> None:
    if name in NEEDS_ALL_MUNICIPALITIES:
        pytest.skip(NEEDS_ALL_MUNICIPALITIES[name])
    with open_warehouse(example_warehouse / "warehouse.duckdb") as wh:
        produced = OUTPUTS[name](wh, UNREACHABLE)
        values = _published_values(produced)
        assert values, f"{name} published nothing to check"
        assert all(v is None or v == 0 for v in values), name
        # With the ordinary rule the same output does publish numbers.
        assert any(
            v not in (None, 0) for v in _published_values(OUTPUTS[name](wh, DisclosureRule()))
        )


def _walk_indicators(wh: Warehouse) -> list[str]:
    names = []
    for item in all_indicators():
        period = "2018" if item.name.startswith("neet") or item.name == "migration" else "2019M02"
        by = (item.partition,) if item.partition else ()
        query = Query((791, COUNTRY), (parse_period(period),), by=by)
        table = publish_indicator(wh, UNREACHABLE, item.name, query)
        assert all(row["value"] in (None, 0) for row in table.rows), item.name
        names.append(item.name)
    return names


def test_every_indicator_goes_through_publishing(example_warehouse: Path) -> None:
    with open_warehouse(example_warehouse / "warehouse.duckdb") as wh:
        assert len(_walk_indicators(wh)) == len(all_indicators())


def test_the_cli_publishes_through_disclosure(
    example_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNGEINDSATS_DISCLOSURE_MIN_PERSONS", str(10**9))
    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(example_warehouse),
            "indicator",
            "fte",
            "--kommune",
            "791",
            "--period",
            "2019M02",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "municipality;period;value"
    assert all(line.endswith(";<1000000000") for line in lines[1:])


def test_a_published_table_cannot_be_forged() -> None:
    with pytest.raises(TypeError, match="publish"):
        PublishedTable("t", "u", ("value",), (), (), "<5", "s", (), 0)


def _result(name: str, cells: list[tuple[str, float, int]]) -> Result:
    """A hand-made result of indicator ``name`` for Viborg in Feb 2019 by youth group:
    (group, value, persons) per cell."""
    indicator = get_indicator(name)
    month = parse_period("2019M02")
    table = pa.table(
        {
            "municipality": [791] * len(cells),
            "period": [str(month)] * len(cells),
            "youth_group": [g for g, _, _ in cells],
            "value": [v for _, v, _ in cells],
            "persons": [p for _, _, p in cells],
        }
    )
    return Result(indicator, Query((791,), (month,), by=("youth_group",)), table, "mikrodata")


def test_linked_tables_share_a_pattern_only_where_they_rest_on_the_same_persons() -> None:
    """Three seminar tables for Viborg, Feb 2019, by youth group.

    fte: group 1 560.8 fte of 600 persons, group 2 4.0 of 4 persons (primary, < 5).
    per_1000 rests on the same persons (600, 4): its group 2 is hidden with fte's ("afledt"),
    or 4.0 × 1,000 / population would be played off against it.
    long_term_share (3 years or more): group 1 0.5 % of the 600 is 3 persons (primary), group 2
    0 % of 0 persons. Those 3 persons are not the 600 behind fte's group 1, so the share's
    small cell hides nothing in fte or per_1000: group 1 stays published there (before, the
    link by key alone hid Viborg's whole group 1 in the seminar)."""
    fte = _result("fte", [("1", 560.8, 600), ("2", 4.0, 4)])
    rate = _result("per_1000", [("1", 40.1, 600), ("2", 0.3, 4)])
    long_term = _result("long_term_share", [("1", 0.5, 3), ("2", 0.0, 0)])
    published = publish_linked(
        [Source(fte), Source(rate), Source(long_term)], DisclosureRule(min_persons=5)
    )
    shown = [{row["youth_group"]: row["value"] for row in t.rows} for t in published]
    assert shown[0] == {"1": 560.8, "2": None}
    assert shown[1] == {"1": 40.1, "2": None}
    assert shown[2]["1"] is None
