"""The dashboard: a FastAPI application with server-rendered Danish pages, Vega-Lite charts
drawn in the browser, a JSON API under ``/api/v1/``, and logins with roles (docs/web.md)."""

from ungeindsats.web.app import create_app

__all__ = ["create_app"]
