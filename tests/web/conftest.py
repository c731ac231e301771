"""The dashboard's tests run the real app over httpx against a real warehouse (the small national
demo, imported with the real importers, as tests/demo/conftest.py does) and a real SQLite steering
database with one user per role."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ungeindsats.demo import generate_demo
from ungeindsats.indicators.facts import ensure_facts
from ungeindsats.indicators.precompute import compute
from ungeindsats.ingest.cpr import Pseudonymiser
from ungeindsats.ingest.load import ImportOptions
from ungeindsats.ingest.sources import import_file
from ungeindsats.settings import Settings
from ungeindsats.steering import add_user, open_steering
from ungeindsats.steering.demo import DEMO_PLAN
from ungeindsats.steering.plan import InterventionData, get_intervention, save_intervention
from ungeindsats.steering.plan_file import import_plan
from ungeindsats.warehouse import open_warehouse
from ungeindsats.web import create_app

DEMO_SCALE = 0.05
PASSWORD = "korrekt-hest-batteri"
ROLES = ("admin", "analyst", "editor", "viewer")
OWN_INTERVENTIONS = ("1a", "11")
"""The demo plan's interventions the user ``editor`` owns."""
"""One user per role, each named after the role, all with ``PASSWORD``."""


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo imported, its facts built, and the precomputed layer for
    fte by youth group (so pages read some figures from the layer and compute the rest)."""
    folder = tmp_path_factory.mktemp("webdata")
    manifest = generate_demo(folder / "demo", scale=DEMO_SCALE, seed=2019)
    options = ImportOptions(pseudonymiser=Pseudonymiser(bytes(32)), user="test")
    with open_warehouse(folder / "warehouse.duckdb") as warehouse:
        for file in manifest.files:
            import_file(warehouse, file.kind, file.path, options, codes=file.codes)
        ensure_facts(warehouse)
        compute(warehouse, indicators=["fte"], breakdowns=["youth_group"])
    with open_steering(f"sqlite:///{folder / 'steering.sqlite'}") as db, db.begin() as session:
        users = {role: add_user(session, role, PASSWORD, role, who="test") for role in ROLES}
        import_plan(session, DEMO_PLAN, who="test")
        # The editor owns interventions 1a and 11 (the goal "jobparate-under-30"), no others.
        for number in OWN_INTERVENTIONS:
            row = get_intervention(session, number)
            assert row is not None
            fields = {f.name: getattr(row, f.name) for f in dataclasses.fields(InterventionData)}
            data = InterventionData(**{**fields, "owner_user_id": users["editor"].id})
            save_intervention(session, data, who="test")
    return folder


@pytest.fixture(scope="session")
def web_password() -> str:
    return PASSWORD


@pytest.fixture(scope="session")
def web_settings(web_data: Path) -> Settings:
    return Settings(data_dir=web_data)


@pytest.fixture(scope="session")
def web_app(web_settings: Settings) -> Iterator[Any]:
    app = create_app(web_settings)
    yield app
    app.state.data.close()
    app.state.steering.close()


class Client:
    """A synchronous face on ``httpx.AsyncClient`` over ``ASGITransport`` (one event loop)."""

    def __init__(self, app: Any, base_url: str = "https://testserver") -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, follow_redirects=False
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def csrf(self, url: str = "/login") -> str:
        """The CSRF token of the form on the page at ``url``."""
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(url).text)
        assert found, f"no CSRF token on {url}"
        return found.group(1)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf("/login")
        return self.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@dataclass
class Clients:
    app: Any

    def __post_init__(self) -> None:
        self._made: list[Client] = []

    def anonymous(self, base_url: str = "https://testserver") -> Client:
        client = Client(self.app, base_url)
        self._made.append(client)
        return client

    def as_role(self, role: str) -> Client:
        client = self.anonymous()
        response = client.login(role)
        assert response.status_code == 303, response.text
        return client

    def close(self) -> None:
        for client in self._made:
            client.close()


@pytest.fixture
def clients(web_app: Any) -> Iterator[Clients]:
    made = Clients(web_app)
    yield made
    made.close()
