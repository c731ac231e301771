"""Real-browser tests: Debian's Chromium (/usr/bin/chromium, never a downloaded browser) driven by
Playwright against the real app served by uvicorn on the loopback. Log in, open the overview,
check that the charts were drawn (an SVG inside each chart element, not just the page), run the
axe accessibility check, and save screenshots under test-output/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).parents[2] / "test-output"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium (/usr/bin/chromium) is not installed; 'make install' installs it",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_url(web_app: Any) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


def _log_in(page: Any, base: str, username: str, password: str, target: str) -> None:
    page.goto(f"{base}{target}")
    assert page.url.startswith(f"{base}/login"), "anonymous users are sent to the login page"
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{base}{target}")


def _serious(results: Any) -> list[str]:
    """axe's violations of impact serious or critical, as readable lines."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} steder"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_log_in_and_see_the_overview_drawn(browser: Any, live_url: str, web_password: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    target = "/side/overblik?kommune=791&periode=2019M02"
    _log_in(page, live_url, "viewer", web_password, target)
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Overblik")

    chart = page.locator("#diagram-kurve")
    chart.locator("svg").first.wait_for(timeout=60_000)
    assert chart.get_attribute("data-rendered") == "true"
    # The stacked curve has its areas drawn: Vega puts each mark in a path.
    assert chart.locator("svg path").count() > 3
    page.wait_for_function(
        "document.querySelectorAll('[data-spec]').length === "
        "document.querySelectorAll('[data-rendered=\"true\"]').length",
        timeout=60_000,
    )
    assert not errors, errors

    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "overblik.png"), full_page=False)
    results = Axe().run(page)
    assert _serious(results) == [], "\n".join(_serious(results))

    # Keyboard: the first Tab reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Spring til indholdet"
    page.close()


@pytest.mark.parametrize("path", ["/side/gruppe-1", "/indsatser/1a", "/maal", "/data"])
def test_other_pages_pass_the_accessibility_check(
    browser: Any, live_url: str, web_password: str, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _log_in(page, live_url, "editor", web_password, path)
    if page.locator("[data-spec]").count():
        page.locator("[data-spec] svg").first.wait_for(timeout=60_000)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{path.strip('/').replace('/', '-')}.png"))
    results = Axe().run(page)
    assert _serious(results) == [], "\n".join(_serious(results))
    page.close()


@pytest.mark.parametrize("path", ["/brugere", "/brugere/editor"])
def test_the_user_pages_pass_the_accessibility_check(
    browser: Any, live_url: str, web_password: str, path: str
) -> None:
    """The admin's user list with its form, and one user with the forms that change it."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _log_in(page, live_url, "admin", web_password, path)
    assert page.get_by_role("heading", level=1).inner_text().startswith(("Brugere", "Bruger "))
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{path.strip('/').replace('/', '-')}.png"))
    results = Axe().run(page)
    assert _serious(results) == [], "\n".join(_serious(results))
    page.close()


def test_the_login_page_passes_the_accessibility_check(browser: Any, live_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(f"{live_url}/login")
    results = Axe().run(page)
    assert _serious(results) == [], "\n".join(_serious(results))
    page.close()
