"""End-to-end harness: the real server in sandbox mode on a loopback port, headless Debian Chromium.

The server runs as a subprocess (its own event loop and worker) on a temporary SQLite database and data
folder, with BACKEND_URL = FRONTEND_URL = its origin. The UI must be built first (`make test` does);
without `frontend/dist` these tests fail with the command to run, they never skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.browser import BROWSER_LOCALE, BROWSER_TZ_NAME
from tests.fixtures.live_server import sandbox_mode_server

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
LOGS = ROOT / "test-artifacts" / "logs"

# The browser is a setting: CHROMIUM_PATH, else the first Chromium-family browser on PATH.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str | None:
    """CHROMIUM_PATH when set, else the first of BROWSER_NAMES found on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The origin of a running Content Clipper in sandbox mode with the built UI (one per module: a fresh
    database and sandbox world, and no background job of another module's accounts running); a module's
    `SERVER_ENV` adds settings."""
    if not (DIST / "index.html").is_file():
        pytest.fail(
            "The web UI is not built (frontend/dist/index.html is missing): run "
            "`cd frontend && npm ci && npm run build` (make test does it) before the e2e tests."
        )
    data_dir = tmp_path_factory.mktemp("e2e-data")
    try:
        with sandbox_mode_server(data_dir, extra_env=getattr(request.module, "SERVER_ENV", None)) as origin:
            yield origin
    finally:
        # Kept beside the screenshots: the first place to look when a browser test fails.
        log = data_dir / "server.log"
        if log.exists():
            LOGS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, LOGS / f"{request.module.__name__.rsplit('.', 1)[-1]}.server.log")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, never a downloaded browser.

    Package-scoped on purpose: Playwright's sync API keeps an event loop running on the main thread
    while it is started, which would break every asyncio test collected after this folder.
    """
    executable = chromium_path()
    if executable is None or not Path(executable).is_file():
        pytest.fail(
            f"No Chromium found (CHROMIUM_PATH={os.environ.get('CHROMIUM_PATH', '')!r}, PATH searched for "
            f"{', '.join(BROWSER_NAMES)}): install Debian's chromium (apt-get install -y chromium) "
            "or set CHROMIUM_PATH."
        )
    # Generous: CI shares two cores with the server, its worker and the video transcoder.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the server, in a fixed locale and time zone."""
    context = browser.new_context(
        base_url=server,
        viewport={"width": 1400, "height": 900},
        locale=BROWSER_LOCALE,
        timezone_id=BROWSER_TZ_NAME,
    )
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def admin(server: str) -> Iterator[httpx.Client]:
    """The sandbox's control API (`/sandbox/_admin`)."""
    with httpx.Client(base_url=f"{server}/sandbox/_admin", timeout=10.0) as client:
        yield client
