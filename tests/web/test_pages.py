"""The pages, downloads and API on the demo warehouse: the numbers are the library's own
(published), the layer and the computation agree, and nothing leaves unprotected."""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators import Query, get_indicator
from ungeindsats.keyfigures import seminar_key_figures
from ungeindsats.outputs import danish_number
from ungeindsats.periods import parse_period
from ungeindsats.published import publish
from ungeindsats.web.pages import PAGES
from ungeindsats.web.panels import build_page
from ungeindsats.web.source import indicator_result

FEB_2019 = parse_period("2019M02")


@pytest.fixture(scope="module")
def warehouse(web_app: Any, web_data: Path) -> Any:
    """The app's own read-only connection (DuckDB allows one process one way of opening)."""
    return web_app.state.data.warehouse()


def test_the_layer_and_the_computation_agree(warehouse: Any) -> None:
    """fte by youth group for Viborg and the country is in the layer (the fixture computed it);
    the same query computed by the indicator gives the same cells and values."""
    query = Query((791, 0), (FEB_2019,), by=("youth_group",))
    cached = indicator_result(warehouse, "fte", query)
    assert cached.source == "nøgletalslaget"
    computed = get_indicator("fte")(warehouse, query)
    key = lambda r: (r["municipality"], r["youth_group"])  # noqa: E731
    want = {key(r): (r["value"], r["persons"]) for r in computed.rows()}
    got = {key(r): (r["value"], r["persons"]) for r in cached.rows()}
    assert got.keys() == want.keys()
    for cell, (value, persons) in want.items():
        assert got[cell][0] == pytest.approx(value)
        assert got[cell][1] == persons


def test_a_filter_on_the_cached_breakdown_is_applied(warehouse: Any) -> None:
    """Only the asked groups come back from the layer (the overview asks for groups 1-3)."""
    query = Query((791,), (FEB_2019,), by=("youth_group",), filters={"youth_group": ("1", "3")})
    result = indicator_result(warehouse, "fte", query)
    assert result.source == "nøgletalslaget"
    assert sorted(r["youth_group"] for r in result.rows()) == ["1", "3"]
    # A query the layer does not hold (a quarter) is computed by the indicator itself.
    quarter = Query((791,), (parse_period("2019K1"),), by=("youth_group",))
    assert indicator_result(warehouse, "fte", quarter).source != "nøgletalslaget"


def test_the_overview_shows_the_seminar_figures(warehouse: Any, clients: Any) -> None:
    """The king figure on the page is groups 1-3 of the seminar's fte table, as the library
    publishes it for Viborg, Feb 2019."""
    tables = seminar_key_figures(warehouse, DisclosureRule(), 791, FEB_2019)
    parts = [
        cells[0] for name, cells in tables[0].rows if name in ("Gruppe 1", "Gruppe 2", "Gruppe 3")
    ]
    # The sum of published cells, or the marker when any part is hidden (else the hidden part
    # would be the headline minus the others).
    if any(c.suppressed for c in parts):
        shown = tables[0].marker
    else:
        shown = danish_number(sum(c.value or 0.0 for c in parts))
    viewer = clients.as_role("viewer")
    page = viewer.get("/side/overblik?kommune=791&periode=2019M02")
    assert page.status_code == 200
    assert f'<span class="number">{escape(shown)}</span> fuldtidspersoner i Viborg' in page.text
    for table in tables:
        assert table.title in page.text
    assert "Kilde:" in page.text and "Data indlæst senest" in page.text
    assert page.text.count('class="chart"') == 2 + len(tables)


def test_every_page_renders_for_another_municipality(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    for key in PAGES:
        response = viewer.get(f"/side/{key}?kommune=Aarhus&periode=2018M11")
        assert response.status_code == 200, key
        assert "Aarhus, 2018M11" in response.text


def test_a_wrong_choice_is_a_danish_message(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    wrong = viewer.get("/side/overblik?kommune=Atlantis")
    assert wrong.status_code == 400
    assert "&#39;Atlantis&#39; er ikke en kommune" in wrong.text
    assert viewer.get("/side/overblik?periode=2019").status_code == 400
    assert viewer.get("/side/findes-ikke").status_code == 404


@pytest.mark.parametrize("key", sorted(PAGES))
def test_nothing_leaves_a_page_unprotected(warehouse: Any, key: str) -> None:
    """With a threshold no cell can reach, every number on every page is hidden (zeros, which
    identify nobody, excepted) — the page's one publishing step covers every panel."""
    page = build_page(warehouse, DisclosureRule(min_persons=10**9), key, 791, FEB_2019)
    values = [c.value for p in page.panels for _, cells in p.rows for c in cells]
    assert values, key
    assert all(v is None or v == 0 for v in values), key
    for panel in page.panels:
        drawn = panel.chart["data"]["values"] if panel.chart else []
        assert all(row.get("value") in (None, 0) for row in drawn), (key, panel.key)


def test_downloads_hold_the_published_table(clients: Any) -> None:
    viewer = clients.as_role("viewer")
    api = viewer.get("/api/v1/pages/overblik?kommune=791&periode=2019M02").json()
    panel = next(p for p in api["panels"] if p["key"] == "noegletal-1")
    response = viewer.get("/side/overblik/hent/noegletal-1.csv?kommune=791&periode=2019M02")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [panel["row_label"], *panel["columns"]]
    for row, shown in zip(rows[1:], panel["rows"], strict=True):
        assert row[0] == shown["label"]
        for text, value, hidden in zip(row[1:], shown["values"], shown["suppressed"], strict=True):
            expected = "<5" if hidden else "" if value is None else danish_number(value, 4)
            assert text == expected
    xlsx = viewer.get("/side/overblik/hent/noegletal-1.xlsx?kommune=791&periode=2019M02")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["A1"].value == panel["title"]
    assert [c.value for c in sheet[4]] == [panel["row_label"], *panel["columns"]]
    first = panel["rows"][0]
    assert sheet["A5"].value == first["label"]
    assert sheet["B5"].value == ("<5" if first["suppressed"][0] else first["values"][0])
    assert viewer.get("/side/overblik/hent/noegletal-1.pdf").status_code == 404


def test_the_api_publishes_the_indicator(warehouse: Any, clients: Any) -> None:
    viewer = clients.as_role("viewer")
    response = viewer.get("/api/v1/indicators/fte?kommune=791,000&period=2019M02&by=youth_group")
    assert response.status_code == 200
    body = response.json()
    query = Query((791, 0), (FEB_2019,), by=("youth_group",))
    expected = publish(get_indicator("fte")(warehouse, query), DisclosureRule())
    assert body["suppressed_marker"] == "<5"
    assert sorted(map(str, body["rows"])) == sorted(map(str, expected.rows))
    assert all(
        set(row) == {"municipality", "period", "youth_group", "value"} for row in body["rows"]
    )
    listing = viewer.get("/api/v1/indicators").json()
    assert {"fte", "neet_share"} <= {item["name"] for item in listing}
    bad = viewer.get("/api/v1/indicators/fte?by=skostoerrelse")
    assert bad.status_code == 400 and "kan ikke opdeles" in bad.json()["detail"]
    spec = viewer.get("/api/v1/openapi.json").json()
    assert "/api/v1/indicators/{name}" in spec["paths"]
    assert not any(path.startswith("/side") for path in spec["paths"])


def test_the_data_page_lists_the_imports(web_data: Path, clients: Any) -> None:
    viewer = clients.as_role("viewer")
    page = viewer.get("/data")
    assert page.status_code == 200
    for name in ("dream", "folk1a"):
        assert name in page.text.lower()
    assert "Nøgletalslaget" in page.text
