"""``ungeindsats serve``: the dashboard on http://<web_host>:<web_port>."""

from __future__ import annotations

from typing import Annotated

import typer

from ungeindsats.settings import Settings


def serve_dashboard(
    config: Settings, host: str | None = None, port: int | None = None, *, admin: bool = False
) -> None:
    """Print the address (and, with ``admin``, a new demo admin's password once) and serve
    until Ctrl+C."""
    import uvicorn

    from ungeindsats.cli import out
    from ungeindsats.web import create_app
    from ungeindsats.web.demo_admin import DEMO_ADMIN, ensure_demo_admin

    host = host or config.web_host
    port = port or config.web_port
    app = create_app(config)
    if admin:
        password = ensure_demo_admin(config)
        if password is not None:
            out.print(
                f"Demobrugeren '{DEMO_ADMIN}' er oprettet med adgangskoden: {password}\n"
                "Den vises kun denne ene gang; skift den med 'ungeindsats users passwd admin'.",
                highlight=False,
            )
    out.print(f"Dashboardet kører på http://{host}:{port}  (stop med Ctrl+C)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def serve_command(
    host: Annotated[
        str | None, typer.Option("--host", help="Adressen der lyttes på (ellers web_host).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Porten der lyttes på (ellers web_port).")
    ] = None,
) -> None:
    """Start dashboardet (webløsningen) på lageret og styringsdatabasen."""
    from ungeindsats.cli import settings

    serve_dashboard(settings(), host, port)
