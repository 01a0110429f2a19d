"""The Security page lists where the user is signed in and their API tokens, and revokes them."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.browser import PASSWORD, csrf_headers, screenshot, sign_up_via_api


class TestSecurityPage:
    def test_lists_and_revokes_sessions_and_tokens(self, page: Page, server: str) -> None:
        email = sign_up_via_api(page, "security")
        elsewhere = httpx.post(
            f"{server}/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"User-Agent": "Other laptop"},
        )
        other = {"Authorization": f"Bearer {elsewhere.json()['access_token']}"}
        created = page.request.post(
            "/api/v1/auth/tokens", data={"name": "nightly script"}, headers=csrf_headers(page)
        )
        assert created.status == 201
        script = {"Authorization": f"Bearer {created.json()['token']}"}

        page.goto("/security")
        sessions = page.get_by_role("region", name="Signed-in sessions")
        expect(sessions.get_by_text("This session")).to_be_visible()
        expect(sessions.get_by_text("Other laptop")).to_be_visible()
        screenshot(page, "security-page")

        sessions.get_by_role("button", name=re.compile(r"^Sign out session")).click()
        expect(sessions.get_by_text("Other laptop")).to_have_count(0)
        assert httpx.get(f"{server}/api/v1/auth/me", headers=other).status_code == 401

        tokens = page.get_by_role("region", name="API tokens")
        expect(tokens.get_by_role("cell", name="nightly script", exact=True)).to_be_visible()
        tokens.get_by_role("button", name="Revoke nightly script").click()
        expect(tokens.get_by_text("No API tokens")).to_be_visible()
        assert httpx.get(f"{server}/api/v1/auth/me", headers=script).status_code == 401
        # The page's own session is untouched.
        expect(page.get_by_role("heading", name="Security")).to_be_visible()
