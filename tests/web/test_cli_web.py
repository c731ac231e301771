"""``ungeindsats serve`` and ``run --serve``: help in Danish, the demo admin made once."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from ungeindsats.cli import app
from ungeindsats.settings import Settings
from ungeindsats.steering import open_steering, verify_password
from ungeindsats.web.demo_admin import DEMO_ADMIN, ensure_demo_admin

runner = CliRunner()


def test_serve_and_run_have_danish_help() -> None:
    command = typer.main.get_command(app)
    serve = command.commands["serve"]  # type: ignore[attr-defined]
    assert serve.help and "dashboardet" in serve.help
    assert {"--host", "--port"} <= {o for p in serve.params for o in p.opts}
    run = command.commands["run"]  # type: ignore[attr-defined]
    assert "--serve" in {o for p in run.params for o in p.opts}
    assert "--no-serve" in {o for p in run.params for o in p.secondary_opts}


def test_the_demo_admin_is_made_once_and_its_password_works(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    password = ensure_demo_admin(settings)
    assert password is not None and len(password) >= 12
    assert ensure_demo_admin(settings) is None  # never again, never another password
    with open_steering(settings.steering_database_url) as db, db.begin() as session:
        user = verify_password(session, DEMO_ADMIN, password)
        assert user is not None and user.role == "admin"


def test_without_a_usable_warehouse_every_page_says_what_to_do(
    tmp_path: Path, web_password: str
) -> None:
    """No warehouse file: "kør 'ungeindsats run'"; a warehouse whose facts are not built (an
    empty one here): "kør 'ungeindsats compute'". Never a 500."""
    import asyncio
    import re

    import httpx

    from ungeindsats.steering import add_user
    from ungeindsats.warehouse import open_warehouse
    from ungeindsats.web import create_app

    settings = Settings(data_dir=tmp_path)
    with open_steering(settings.steering_database_url) as db, db.begin() as session:
        add_user(session, "viewer", web_password, "viewer", who="test")
    app = create_app(settings)

    async def pages() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            form = await c.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token
            data = {"username": "viewer", "password": web_password, "csrf_token": token.group(1)}
            assert (await c.post("/login", data=data)).status_code == 303
            missing = await c.get("/side/overblik")
            with open_warehouse(settings.warehouse_file):
                pass  # an empty warehouse: migrated, no imports, no facts
            app.state.data.reload()
            return [missing, await c.get("/side/overblik"), await c.get("/api/v1/pages/overblik")]

    missing, stale, api = asyncio.run(pages())
    assert missing.status_code == 503 and "ungeindsats run" in missing.text
    assert stale.status_code == 503 and "ungeindsats compute" in stale.text
    assert api.status_code == 503 and "ungeindsats compute" in api.json()["detail"]
    app.state.data.close()
    app.state.steering.close()
