"""End-to-end harness: the real server in sandbox mode on a loopback port, headless Debian Chromium.

The server runs as a subprocess (its own event loop and worker) on a temporary SQLite database and data
folder, with BACKEND_URL = FRONTEND_URL = its origin. The UI must be built first (`make test` does);
without `frontend/dist` these tests fail with the command to run, they never skip.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect, sync_playwright

from clipper import migrate
from clipper.config import Settings
from e2e.browser import BROWSER_LOCALE, BROWSER_TZ_NAME

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
STARTUP_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_env(origin: str, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key.upper() not in _setting_names()}
    env.update(
        ENVIRONMENT="development",
        DATABASE_URL=f"sqlite+aiosqlite:///{data_dir / 'e2e.db'}",
        DATA_DIR=str(data_dir),
        BACKEND_URL=origin,
        FRONTEND_URL=origin,
        FERNET_KEY=Fernet.generate_key().decode("ascii"),
        LOG_LEVEL="INFO",
    )
    return env


def _setting_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def _wait_until_up(origin: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server exited during startup:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{origin}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"The server did not answer /healthz within {STARTUP_SECONDS:.0f} s")


def _migrate(database_url: str) -> None:
    # Playwright's sync API keeps an event loop running on this thread; alembic needs its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(migrate.upgrade, database_url).result()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The origin of a running Content Clipper in sandbox mode with the built UI (one per module: a fresh
    database and sandbox world, and no background job of another module's accounts running)."""
    if not (DIST / "index.html").is_file():
        pytest.fail(
            "The web UI is not built (frontend/dist/index.html is missing): run "
            "`cd frontend && npm ci && npm run build` (make test does it) before the e2e tests."
        )
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    env = _server_env(origin, data_dir)
    _migrate(env["DATABASE_URL"])
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "clipper.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_until_up(origin, process, log_path)
        yield origin
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Kept beside the screenshots: the first place to look when a browser test fails.
        LOGS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_path, LOGS / f"{request.module.__name__.rsplit('.', 1)[-1]}.server.log")


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
