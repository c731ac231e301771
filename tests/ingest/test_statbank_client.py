"""The StatBank client against a local HTTP server answering in StatBank's shapes.

The server is a real socket server on 127.0.0.1 (random port) in a thread; it records the
requests it gets, so the tests can assert the JSON bodies the client sends. Nothing leaves the
machine.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.population import import_population
from ungeindsats.ingest.statbank import (
    FOLK1A,
    StatBankClient,
    StatBankError,
    data_request,
    folk1a_variables,
)
from ungeindsats.settings import Settings
from ungeindsats.warehouse import open_warehouse

TABLEINFO = {
    "id": "FOLK1A",
    "text": "Befolkningen den 1. i kvartalet",
    "description": "Befolkningen den 1. i kvartalet efter område, køn, alder, civilstand og tid",
    "unit": "Antal",
    "updated": "2019-02-11T08:00:00",
    "active": True,
    "variables": [
        {
            "id": "OMRÅDE",
            "text": "område",
            "elimination": True,
            "time": False,
            "values": [
                {"id": "000", "text": "Hele landet"},
                {"id": "084", "text": "Region Hovedstaden"},
                {"id": "101", "text": "København"},
                {"id": "791", "text": "Viborg"},
            ],
        },
        {
            "id": "KØN",
            "text": "køn",
            "elimination": True,
            "time": False,
            "values": [
                {"id": "TOT", "text": "I alt"},
                {"id": "1", "text": "Mænd"},
                {"id": "2", "text": "Kvinder"},
            ],
        },
        {
            "id": "Tid",
            "text": "tid",
            "elimination": False,
            "time": True,
            "values": [{"id": "2019K1", "text": "2019K1"}],
        },
    ],
}

# A BULK answer with valuePresentation=Code: no byte-order mark, the header names the variables
# (TID in capitals), one row per cell.
BULK = (
    "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n"
    "084;1;18;TOT;2019K1;9000\n"
    "101;1;18;TOT;2019K1;2500\n"
    "101;2;18;TOT;2019K1;2700\n"
    "791;1;18;TOT;2019K1;600\n"
    "791;2;18;TOT;2019K1;580\n"
)


@dataclass
class FakeStatBank:
    """What the local server got, and what it answers."""

    url: str
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _handler(bank: FakeStatBank) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            bank.requests.append((self.path, body))
            if self.path == "/v1/tableinfo":
                self._answer(200, "text/json; charset=utf-8", json.dumps(TABLEINFO))
            elif self.path == "/v1/data":
                areas = body["variables"][0]["values"]
                if "999" in areas:
                    error = {
                        "errorTypeCode": "EXTRACT-NOTFOUND",
                        "message": "Kan ikke finde værdien: 999 (OMRÅDE)",
                    }
                    self._answer(400, "text/json; charset=utf-8", json.dumps(error))
                elif "500" in areas:
                    self._answer(500, "text/html", "<html>Server Error</html>")
                else:
                    self._answer(200, "text/csv; charset=utf-8", BULK, chunks=3)
            else:
                self._answer(404, "text/plain", "not found")

        def _answer(self, status: int, kind: str, text: str, chunks: int = 1) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            step = -(-len(data) // chunks)
            for start in range(0, len(data), step):
                self.wfile.write(data[start : start + step])
                self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return Handler


@pytest.fixture
def statbank() -> Iterator[FakeStatBank]:
    bank = FakeStatBank(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(bank))
    bank.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield bank
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_tableinfo_posts_the_table_and_returns_the_metadata(statbank: FakeStatBank) -> None:
    with StatBankClient(statbank.url, timeout=5) as client:
        info = client.tableinfo(FOLK1A)
    assert statbank.requests == [
        ("/v1/tableinfo", {"table": "FOLK1A", "format": "JSON", "lang": "da"})
    ]
    assert [v["id"] for v in info["variables"]] == ["OMRÅDE", "KØN", "Tid"]


def test_fetch_streams_bulk_to_a_file_that_the_importer_reads(
    statbank: FakeStatBank, tmp_path: Path
) -> None:
    """Download FOLK1A for Region Hovedstaden, København and Viborg, age 18, 2019K1; import it:
    the region is left out, the rest stored as written in the answer."""
    out = tmp_path / "hent" / "folk1a_2019K1.csv"
    variables = folk1a_variables(areas=[84, 101, 791], quarters=["2019K1"], ages=[18])
    with StatBankClient(statbank.url, timeout=5) as client:
        assert client.fetch(FOLK1A, variables, out) == out

    assert statbank.requests == [
        (
            "/v1/data",
            {
                "table": "FOLK1A",
                "format": "BULK",
                "lang": "da",
                "valuePresentation": "Code",
                "variables": [
                    {"code": "OMRÅDE", "values": ["084", "101", "791"]},
                    {"code": "KØN", "values": ["1", "2"]},
                    {"code": "ALDER", "values": ["18"]},
                    {"code": "CIVILSTAND", "values": ["TOT"]},
                    {"code": "Tid", "values": ["2019K1"]},
                ],
            },
        )
    ]
    assert out.read_text(encoding="utf-8") == BULK
    assert list(out.parent.iterdir()) == [out]  # no .part file left

    wh = open_warehouse(None)
    outcome = import_population(wh, out, ImportOptions())
    rows = wh.con.execute(
        "SELECT municipality, year, quarter, age, sex, persons FROM population ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (101, 2019, 1, 18, "K", 2700),
        (101, 2019, 1, 18, "M", 2500),
        (791, 2019, 1, 18, "K", 580),
        (791, 2019, 1, 18, "M", 600),
    ]
    assert "2 kommuner" in outcome.detail
    assert "1 rækker for regioner" in outcome.detail


def test_the_api_error_text_is_passed_on_in_danish(statbank: FakeStatBank, tmp_path: Path) -> None:
    out = tmp_path / "folk1a.csv"
    with (
        StatBankClient(statbank.url, timeout=5) as client,
        pytest.raises(StatBankError) as caught,
    ):
        client.fetch(FOLK1A, folk1a_variables(areas=["999"]), out)
    assert str(caught.value) == (
        "Danmarks Statistiks API afviste forespørgslen på data fra tabellen FOLK1A (HTTP 400): "
        "Kan ikke finde værdien: 999 (OMRÅDE) (EXTRACT-NOTFOUND)"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_server_error_without_json_is_reported_with_its_text(
    statbank: FakeStatBank, tmp_path: Path
) -> None:
    with (
        StatBankClient(statbank.url, timeout=5) as client,
        pytest.raises(StatBankError, match=r"\(HTTP 500\): <html>Server Error</html>"),
    ):
        client.fetch(FOLK1A, folk1a_variables(areas=["500"]), tmp_path / "f.csv")
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_api_is_a_danish_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port on 127.0.0.1 that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        StatBankClient(f"http://127.0.0.1:{port}/v1", timeout=5) as client,
        pytest.raises(StatBankError, match=r"Kunne ikke hente tabellen FOLK1As metadata: .* nås"),
    ):
        client.tableinfo(FOLK1A)


def test_the_client_takes_its_address_from_the_settings(statbank: FakeStatBank) -> None:
    settings = Settings(statbank_url=statbank.url + "/", http_timeout=5)
    with StatBankClient.from_settings(settings) as client:
        assert client.base_url == statbank.url
        client.tableinfo("FOLK1A", lang="en")
    assert statbank.requests[0][1]["lang"] == "en"


def test_request_bodies() -> None:
    assert folk1a_variables() == {
        "OMRÅDE": ["*"],
        "KØN": ["1", "2"],
        "ALDER": [str(age) for age in range(15, 30)],
        "CIVILSTAND": ["TOT"],
        "Tid": ["*"],
    }
    body = data_request("FOLK1A", {"Tid": [">=2019K1"]}, fmt="JSONSTAT", value_presentation="Value")
    assert body == {
        "table": "FOLK1A",
        "format": "JSONSTAT",
        "lang": "da",
        "valuePresentation": "Value",
        "variables": [{"code": "Tid", "values": [">=2019K1"]}],
    }
