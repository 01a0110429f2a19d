"""The auth flow logs what happened, and never a password or a token."""

from __future__ import annotations

import httpx
import pytest
from structlog.testing import capture_logs

from tests.fixtures.auth import browser_login, login, signup, unique_email


class TestAuthLogs:
    async def test_no_secret_reaches_a_log_line(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with capture_logs() as events:
            user = await signup(client, email=unique_email())
            await login(client, user.email, "Wrong-But-Secret-987")
            browser = await browser_login(client, user.email)
            created = await client.post("/api/v1/auth/tokens", json={"name": "cli"}, headers=browser.headers)
            api_token = created.json()["token"]
            await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {api_token}"})
            await client.post("/api/v1/auth/register", json={"email": unique_email(), "password": "weakling"})
            await client.post("/api/v1/auth/logout", headers=user.headers)

        secrets = [
            user.password,
            "Wrong-But-Secret-987",
            user.token,
            browser.session_token,
            browser.csrf_token,
        ]
        secrets += [api_token, "weakling"]
        logged = repr(events) + caplog.text + "".join(capsys.readouterr())
        for secret in secrets:
            assert secret not in logged
        names = [event["event"] for event in events]
        assert {"user registered", "login failed", "login succeeded", "api token created", "logout"} <= set(
            names
        )
        registered = next(event for event in events if event["event"] == "user registered")
        assert registered["user_id"] == user.user_id
