"""The inbox API with a browser's session cookie: CSRF header required for writes."""

from __future__ import annotations

from tests.fixtures.inbox import API


class TestCookieSession:
    async def test_the_inbox_accepts_the_session_cookie_and_csrf(self, client, owner, browser_login):
        browser = await browser_login(client, owner.user.email, owner.user.password)
        assert (await client.get(f"{API}/comments", headers=browser.headers)).status_code == 200
        base = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        created = await client.post(base, json={"name": "x", "patterns": ["a"]}, headers=browser.headers)
        assert created.status_code == 201
        forged = await client.post(base, json={"name": "x", "patterns": ["a"]}, headers=browser.cookie_only)
        assert forged.status_code in (401, 403)
