"""Jobindsats API client against a real HTTP server on 127.0.0.1 (random port, own thread).

The server answers in the shapes public client code relies on (Randers-Kommune-Digitalisering/etl
and jobcenterindblik_jobindsats.dk): the key in the Authorization header, ``GET tables/json``,
``GET tables/{table}/json`` with ``Period`` and ``Area``, ``POST data/{table}/json`` with a JSON
body answered by ``[{"Variables": [...], "Data": [...]}]``, and ``{"<message>": ""}`` for a bad key.
No request leaves 127.0.0.1.
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

from ungeindsats.ingest.jobindsats import import_jobindsats
from ungeindsats.ingest.jobindsats_client import JobindsatsClient, JobindsatsError
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.settings import Settings
from ungeindsats.warehouse import open_warehouse

KEY = "0123abcd-test-key"

TABLES = [
    {"TableID": "y38a02", "Subject": "Uddannelseshjælp",
     "Title": "Antal personer og fuldtidspersoner"},
]
TABLE_INFO = [
    {"TableID": "y38a02", "Period": ["2019M01", "2019M02", "2019Q1", "2019QMAT02"],
     "Area": ["Hele landet", "RAR Vestjylland", "Viborg"]},
]
ANSWER = [
    {
        "Variables": [
            {"Name": "area", "Label": "Area"},
            {"Name": "period", "Label": "Periode"},
            {"Name": "_viskat_2udh", "Label": "Visitationskategori"},
            {"Name": "memba02_1", "Label": "Antal personer"},
            {"Name": "memba02_2", "Label": "Antal fuldtidspersoner"},
        ],
        "Data": [
            ["Viborg", "2019M02", "Uddannelsesparat", "301", "267,4"],
            ["Viborg", "2019M02", "Aktivitetsparat", "380", "344"],
            ["RAR Vestjylland", "2019M02", "Aktivitetsparat", "1.380", "1.244"],
            ["Hele landet", "2019M02", "Aktivitetsparat", "20.123", "18.950,5"],
        ],
    }
]


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None
    body: Any


@dataclass
class FakeJobindsats:
    """What the local server received; its base address."""

    base_url: str
    requests: list[Seen] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    seen: list[Seen]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.seen.append(Seen(method, self.path, self.headers.get("Authorization"), body))
        if self.headers.get("Authorization") != KEY:
            return self._send(401, {"Forkert nøgle eller nøglen er udløbet.": ""})
        routes: dict[tuple[str, str], tuple[int, Any]] = {
            ("GET", "/v2/tables/json"): (200, TABLES),
            ("GET", "/v2/tables/y38a02/json"): (200, TABLE_INFO),
            ("POST", "/v2/data/y38a02/json"): (200, ANSWER),
            ("POST", "/v2/data/y07a02/json"): (200, {"Forkert nøgle eller nøglen er udløbet.": ""}),
            ("POST", "/v2/data/y01a02/json"): (500, {"Message": "An error has occurred."}),
            ("POST", "/v2/data/y04a02/json"): (200, [{"Message": "Ingen data"}]),
        }
        status, payload = routes.get((method, self.path), (404, {"Message": "Not found"}))
        self._send(status, payload)

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJobindsats]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # the client must go straight to 127.0.0.1
    seen: list[Seen] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        yield FakeJobindsats(f"http://{host!s}:{port}/v2", seen)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_fetch_posts_as_the_api_takes_it_and_the_answer_imports(
    server: FakeJobindsats, tmp_path: Path
) -> None:
    """One POST to /v2/data/y38a02/json with the bare key and the JSON body; the saved file is
    the answer byte for byte and imports: Viborg's two categories and the country; the RAR area
    is skipped."""
    with JobindsatsClient(server.base_url, KEY, timeout=5) as client:
        saved = client.fetch(
            "Y38A02", "*", ["2019M02"], tmp_path / "Y38A02_2019M02.json",
            _viskat_2udh=["Uddannelsesparat", "Aktivitetsparat"],
        )
    assert saved == tmp_path / "Y38A02_2019M02.json"
    assert server.requests == [
        Seen("POST", "/v2/data/y38a02/json", KEY, {
            "area": "*",
            "period": ["2019M02"],
            "_viskat_2udh": ["Uddannelsesparat", "Aktivitetsparat"],
        })
    ]
    assert json.loads(saved.read_text(encoding="utf-8")) == ANSWER

    wh = open_warehouse(None)
    outcome = import_jobindsats(wh, saved, ImportOptions(user="test"))
    rows = wh.con.execute(
        "SELECT source_table, municipality, year, month, benefit, target_group, age_band, "
        "persons, fte FROM fte_aggregate ORDER BY municipality, target_group"
    ).fetchall()
    b = "uddannelseshjaelp"
    assert rows == [
        ("Y38A02", 0, 2019, 2, b, "aktivitetsparat", "", 20123.0, 18950.5),
        ("Y38A02", 791, 2019, 2, b, "aktivitetsparat", "", 380.0, 344.0),
        ("Y38A02", 791, 2019, 2, b, "uddannelsesparat", "", 301.0, 267.4),
    ]
    assert "1 række for regioner o.l. sprunget over" in outcome.detail


def test_fetch_into_a_folder_names_the_file_after_the_table(
    server: FakeJobindsats, tmp_path: Path
) -> None:
    with JobindsatsClient(server.base_url, KEY, timeout=5) as client:
        saved = client.fetch("y38a02", ["Viborg", "Hele landet"], ["2019M01", "2019M02"], tmp_path)
    assert saved.parent == tmp_path
    assert saved.name.startswith("Y38A02_") and saved.suffix == ".json"
    assert server.requests[0].body == {
        "area": ["Viborg", "Hele landet"], "period": ["2019M01", "2019M02"]
    }
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]  # no .part file left


def test_tables_and_table_info(server: FakeJobindsats) -> None:
    with JobindsatsClient(server.base_url + "/", KEY, timeout=5) as client:
        assert client.tables() == TABLES
        info = client.table_info("Y38A02")
    assert info["Period"] == ["2019M01", "2019M02", "2019Q1", "2019QMAT02"]
    assert [(r.method, r.path, r.authorization) for r in server.requests] == [
        ("GET", "/v2/tables/json", KEY),
        ("GET", "/v2/tables/y38a02/json", KEY),
    ]


def test_a_wrong_key_is_a_danish_error_without_the_key(
    server: FakeJobindsats, tmp_path: Path
) -> None:
    wrong = "wrong-secret-987"
    with (
        JobindsatsClient(server.base_url, wrong, timeout=5) as client,
        pytest.raises(JobindsatsError) as caught,
    ):
        client.fetch("Y38A02", "*", ["2019M02"], tmp_path / "x.json")
    assert wrong not in repr(client)
    message = str(caught.value)
    assert message.startswith("Jobindsats afviste API-nøglen (HTTP 401)")
    assert "UNGEINDSATS_JOBINDSATS_API_KEY" in message
    assert wrong not in message
    assert server.requests[0].authorization == wrong
    assert not (tmp_path / "x.json").exists()


def test_a_key_error_sent_as_200_is_a_key_error(server: FakeJobindsats, tmp_path: Path) -> None:
    with (
        JobindsatsClient(server.base_url, KEY, timeout=5) as client,
        pytest.raises(JobindsatsError, match="afviste API-nøglen: 'Forkert nøgle"),
    ):
        client.fetch("Y07A02", "*", ["2019M02"], tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_no_key_fails_before_any_request(server: FakeJobindsats) -> None:
    with (
        JobindsatsClient(server.base_url, None, timeout=5) as client,
        pytest.raises(JobindsatsError, match="Der er ingen API-nøgle til Jobindsats"),
    ):
        client.tables()
    assert server.requests == []


def test_unknown_table_is_404_in_danish(server: FakeJobindsats, tmp_path: Path) -> None:
    with (
        JobindsatsClient(server.base_url, KEY, timeout=5) as client,
        pytest.raises(JobindsatsError) as caught,
    ):
        client.fetch("Y99Z99", "*", ["2019M02"], tmp_path / "x.json")
    assert str(caught.value) == (
        "Jobindsats kender ikke tabellen 'Y99Z99' (HTTP 404). Se listen over tabeller med tables()."
    )


def test_other_http_errors_name_the_status(server: FakeJobindsats, tmp_path: Path) -> None:
    with (
        JobindsatsClient(server.base_url, KEY, timeout=5) as client,
        pytest.raises(JobindsatsError) as caught,
    ):
        client.fetch("Y01A02", "*", ["2019M02"], tmp_path / "x.json")
    assert str(caught.value) == (
        "Jobindsats svarede med en fejl (HTTP 500) på POST /v2/data/y01a02/json: "
        "'{\"Message\": \"An error has occurred.\"}'"
    )


def test_an_answer_without_data_is_not_saved(server: FakeJobindsats, tmp_path: Path) -> None:
    with (
        JobindsatsClient(server.base_url, KEY, timeout=5) as client,
        pytest.raises(JobindsatsError, match="svarede uden data for tabel Y04A02"),
    ):
        client.fetch("Y04A02", "*", ["2019M02"], tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_are_refused_before_sending(server: FakeJobindsats, tmp_path: Path) -> None:
    with (
        JobindsatsClient(server.base_url, KEY, timeout=5) as client,
        pytest.raises(JobindsatsError, match="ikke navnet på en dimension"),
    ):
        client.fetch("Y38A02", "*", ["2019M02"], tmp_path / "x.json", kon=["Mænd"])
        with pytest.raises(JobindsatsError, match="ikke et tabel-id"):
            client.table_info("../secret")
        with pytest.raises(JobindsatsError, match="mindst én periode"):
            client.fetch("Y38A02", "*", [], tmp_path / "x.json")
    assert server.requests == []


def test_no_server_is_a_danish_connection_error() -> None:
    """A port on 127.0.0.1 that was just free (bound, then closed): the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        JobindsatsClient(f"http://127.0.0.1:{port}/v2", KEY, timeout=2) as client,
        pytest.raises(JobindsatsError, match=r"Kunne ikke forbinde til Jobindsats"),
    ):
        client.tables()


def test_from_settings_uses_url_key_and_timeout(
    server: FakeJobindsats, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("UNGEINDSATS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("UNGEINDSATS_JOBINDSATS_URL", server.base_url)
    monkeypatch.setenv("UNGEINDSATS_JOBINDSATS_API_KEY", KEY)
    monkeypatch.setenv("UNGEINDSATS_HTTP_TIMEOUT", "5")
    with JobindsatsClient.from_settings(Settings()) as client:
        assert client.tables() == TABLES
        assert KEY not in repr(client)
    assert server.requests[0].authorization == KEY
