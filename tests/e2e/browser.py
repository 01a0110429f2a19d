"""Helpers shared by the end-to-end tests: screenshots, users seeded through the API."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery 42"


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
