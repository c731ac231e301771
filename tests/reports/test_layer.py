"""The report read through the precomputed layer (``ungeindsats compute``) on the small national
demo: the same report as computing every request, to the cell and its suppression; a stale
layer is not read."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace

import pytest

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import Query, get_indicator
from ungeindsats.indicators.precompute import CACHE_TABLE, answer_layer, compute, layer_result
from ungeindsats.keyfigures import SPECS, Cell
from ungeindsats.periods import parse_period
from ungeindsats.reports import Report, build_report
from ungeindsats.reports.standard import STANDARD_SECTIONS
from ungeindsats.reports.tables import Request
from ungeindsats.warehouse import Warehouse, open_warehouse
from ungeindsats.web.pages import PAGES
from ungeindsats.web.panels import Page, build_page

from .conftest import MADE, Demo

FEB = parse_period("2019M02")
REQUESTS = list(
    dict.fromkeys(
        r for section in STANDARD_SECTIONS for spec in section.specs for r in spec.requests
    )
)

PAGE_INDICATORS = {p.indicator for page in PAGES.values() for p in page.panels} | {
    s.indicator for s in SPECS
}
"""What the dashboard's indicator pages ask (their panels and the overview's key figures)."""


@pytest.fixture(scope="module")
def layered(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A copy of the demo warehouse with the layer computed for the report's indicators."""
    demo.warehouse.con.execute("CHECKPOINT")
    path = tmp_path_factory.mktemp("report-layer") / "warehouse.duckdb"
    shutil.copyfile(demo.path, path)
    with open_warehouse(path) as warehouse:
        compute(warehouse, indicators=sorted({r.indicator for r in REQUESTS} | PAGE_INDICATORS))
        yield warehouse


def _computed(request: Request) -> bool:
    """The requests the layer cannot answer whole, so the report computes them: a total over
    youth groups 1-3 (the layer holds each group and the total of all groups; one group alone
    it would read as that group's cells), among them the 36-month trend; and the
    15-17-year-olds' activity in a month (held per year only: every month is a reference week
    of its own, too dear for ``compute``)."""
    if request.indicator == "youth_15_17_activity":
        return True
    return any(name not in request.by and len(values) > 1 for name, values in request.filters)


def test_the_layer_answers_every_request_but_the_computed_ones(
    demo: Demo, layered: Warehouse
) -> None:
    layer = answer_layer(layered)
    assert layer is not None
    assert answer_layer(demo.warehouse) is None  # the fixture report was computed directly
    for request in REQUESTS:
        read = layer_result(layered, layer, request.indicator, request.query(791, FEB))
        assert (read is None) == _computed(request), request


def _same(read: Report, report: Report) -> None:
    """Every section equal, to the cell, its suppression, the text and the charts; the
    economics section's costs (which no layer serves: it is computed either way) up to the
    last bits of a floating-point sum that DuckDB adds up in parallel."""
    assert len(read.sections) == len(report.sections)
    for mine, theirs in zip(read.sections, report.sections, strict=True):
        if mine.key != "okonomi":
            assert mine == theirs
            continue
        for a, b in zip(mine.tables, theirs.tables, strict=True):
            assert [r.label for r in a.rows] == [r.label for r in b.rows]
            for x, y in zip(a.rows, b.rows, strict=True):
                for c, d in zip(x.cells, y.cells, strict=True):
                    if isinstance(c, Cell) and isinstance(d, Cell):
                        assert c.suppressed == d.suppressed
                        assert c.value == pytest.approx(d.value, rel=1e-12)
                    else:
                        assert c == d


def test_the_report_through_the_layer_is_the_report_computed(
    report: Report, demo: Demo, layered: Warehouse
) -> None:
    """Every table, cell, suppression, text and chart of the report read through the layer
    equals the report computed request by request (the session's ``report``)."""
    read = build_report(layered, demo.settings, 791, FEB, rule=DisclosureRule(5), made=MADE)
    _same(read, report)


def _unsourced(page: Page) -> Page:
    """The page without its panels' source lines (the dashboard's own reader names the layer as
    the source of what it reads)."""
    return replace(page, panels=tuple(replace(p, source="") for p in page.panels))


def test_the_dashboard_pages_through_the_layer_are_the_pages_computed(
    demo: Demo, layered: Warehouse
) -> None:
    """Every indicator page, for Viborg and Aarhus, read through the layer equals the page
    computed panel by panel: every cell, suppression, note and chart. A group page's panels ask
    for one youth group by another breakdown: read as that group's cells of the report's jobs."""
    layer = answer_layer(layered)
    assert layer is not None
    one_group = Query((791,), (FEB,), by=("benefit",), filters={"youth_group": ("1",)})
    read = layer_result(layered, layer, "fte", one_group)
    assert read is not None
    assert read.table.column_names[:3] == ["municipality", "period", "benefit"]
    computed = get_indicator("fte")(demo.warehouse, one_group)
    assert computed.table.num_rows > 1  # Viborg's group 1 has several benefits
    cells = ("municipality", "period", "benefit", "value", "persons")
    assert [{k: r[k] for k in cells} for r in read.rows()] == [
        {k: r[k] for k in cells} for r in computed.rows()
    ]
    # Several groups at once are not the sum of the groups' cells: computed.
    groups = replace(one_group, filters={"youth_group": ("1", "2")})
    assert layer_result(layered, layer, "fte", groups) is None
    rule = DisclosureRule(5)
    for key in PAGES:
        for kommune in (791, 751):
            page = build_page(layered, rule, key, kommune, FEB)
            assert _unsourced(page) == _unsourced(
                build_page(demo.warehouse, rule, key, kommune, FEB)
            )


def test_a_stale_layer_is_not_read(report: Report, demo: Demo, layered: Warehouse) -> None:
    """After an import the layer is stale: the report computes every request again, so a
    layer whose every value is wrong changes nothing."""
    layered.con.execute(
        "INSERT INTO import_log SELECT max(import_id) + 1, 'test', 'ny', 'y', 0, 0, 0, now(), "
        "now(), 't', '' FROM import_log"
    )
    layered.con.execute(f"UPDATE {CACHE_TABLE} SET value = value + 1000, persons = 1")
    assert answer_layer(layered) is None
    read = build_report(layered, demo.settings, 791, FEB, rule=DisclosureRule(5), made=MADE)
    _same(read, report)
