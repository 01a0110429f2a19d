"""Helpers shared by the end-to-end tests: browser settings, screenshots, users seeded through the API."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery 42"
BROWSER_LOCALE = "en-GB"
BROWSER_TZ_NAME = "Europe/Paris"
BROWSER_TZ = ZoneInfo(BROWSER_TZ_NAME)  # what the page's clock shows


def wait_for_live_updates(page: Page) -> None:
    """Wait until the page's event stream is connected: an event sent before then is only seen through
    the refetch that follows the connection."""
    expect(page.get_by_role("status", name="Live updates connected")).to_be_visible()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to test-artifacts/screenshots/ for reviewers."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def unique_email(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}@example.com"


def sign_up_via_api(page: Page, prefix: str) -> str:
    """Create a user and open a browser session for it through the API (cookies land in the context)."""
    email = unique_email(prefix)
    credentials = {"email": email, "password": PASSWORD}
    assert page.request.post("/api/v1/auth/register", data=credentials).status == 201
    assert page.request.post("/api/v1/auth/login", data=credentials).ok
    return email


# ---- seeding through the API (for tests whose subject is elsewhere) ------------------------------
# `page.request` shares the browser context's cookies: what it creates belongs to the signed-in user.

OAUTH = "/api/v1/oauth/instagram"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_GRANTED = re.compile(r'name="granted" value="([^"]+)"')
_DEFAULT_USER = re.compile(r'<option value="([^"]+)" selected>')


def csrf_headers(page: Page) -> dict[str, str]:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    return {"X-CSRF-Token": token}


def api_post(page: Page, path: str, data: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = page.request.post(path, data=data or {}, headers=csrf_headers(page))
    assert response.status == status, f"{path}: {response.status} {response.text()}"
    return response.json()


def connect_via_api(page: Page, username: str) -> dict[str, Any]:
    """Facebook Login through the sandbox dialog without a popup, then choose `username`; → the account."""
    authorize = page.request.get(f"{OAUTH}/authorize")
    assert authorize.ok, authorize.text()
    dialog_url = authorize.json()["authorization_url"]
    form = page.request.get(dialog_url).text()
    user = _DEFAULT_USER.search(form)
    assert user is not None, form
    pairs = [(name, html.unescape(value)) for name, value in _HIDDEN.findall(form)]
    pairs += [("user_id", user.group(1)), ("action", "continue")]
    pairs += [("granted", scope) for scope in _GRANTED.findall(form)]
    callback = page.request.post(  # follows the 302 to our callback page
        dialog_url, data=urlencode(pairs), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert callback.ok, callback.text()
    available = page.request.get(f"{OAUTH}/available-accounts").json()["items"]
    chosen = next(item for item in available if item["username"] == username)
    account: dict[str, Any] = api_post(
        page, f"{OAUTH}/select-account", {"instagram_business_account_id": chosen["id"]}
    )
    return account


def upload_via_api(page: Page, name: str, content: bytes, mime_type: str) -> dict[str, Any]:
    """Upload one file to the clip library; → the clip (images are ready at once)."""
    response = page.request.post(
        "/api/v1/clips",
        multipart={"file": {"name": name, "mimeType": mime_type, "buffer": content}},
        headers=csrf_headers(page),
    )
    assert response.status == 201, response.text()
    clip: dict[str, Any] = response.json()
    return clip
