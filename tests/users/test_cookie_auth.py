"""Cookie vs bearer vs CSRF: what each credential may do, on safe and unsafe methods."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from clipper.deps import OptionalUser
from tests.fixtures.auth import CSRF_COOKIE, SESSION_COOKIE, browser_login, signup

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/auth/me"
WHOAMI = "/api/v1/test-only/whoami"
CSRF_DETAIL_START = "Missing or wrong X-CSRF-Token header"


class TestSafeMethods:
    async def test_the_session_cookie_alone_is_enough(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.get(ME, headers=browser.cookie_only)

        assert response.status_code == 200
        assert response.json()["id"] == user.user_id

    async def test_the_cookies_the_client_stored_at_login_work(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": user.password})

        response = await client.get(ME)

        assert response.status_code == 200
        client.cookies.clear()


class TestUnsafeMethodsWithTheCookie:
    async def test_succeed_with_the_matching_csrf_header(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.post(TOKENS, json={"name": "from the UI"}, headers=browser.headers)

        assert response.status_code == 201

    async def test_are_forbidden_without_the_csrf_header(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.post(TOKENS, json={"name": "forged"}, headers=browser.cookie_only)

        assert response.status_code == 403
        assert response.json()["error"] == "Forbidden"
        assert response.json()["detail"].startswith(CSRF_DETAIL_START)

    @pytest.mark.parametrize("header", ["wrong", "", "x" * 5000])
    async def test_are_forbidden_with_a_wrong_csrf_header(
        self, client: httpx.AsyncClient, header: str
    ) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.post(
            TOKENS, json={"name": "forged"}, headers={**browser.cookie_only, "X-CSRF-Token": header}
        )

        assert response.status_code == 403

    async def test_are_forbidden_when_the_csrf_cookie_is_missing(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)
        headers = {"Cookie": f"{SESSION_COOKIE}={browser.session_token}", "X-CSRF-Token": browser.csrf_token}

        response = await client.post(TOKENS, json={"name": "forged"}, headers=headers)

        assert response.status_code == 403

    async def test_are_forbidden_with_a_csrf_pair_from_another_session(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signup(client)
        mine = await browser_login(client, user.email)
        attacker = await browser_login(client, (await signup(client)).email)
        headers = {
            "Cookie": f"{SESSION_COOKIE}={mine.session_token}; {CSRF_COOKIE}={attacker.csrf_token}",
            "X-CSRF-Token": attacker.csrf_token,
        }

        response = await client.post(TOKENS, json={"name": "forged"}, headers=headers)

        assert response.status_code == 403

    async def test_delete_needs_it_too(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        created = (await client.post(TOKENS, json={"name": "t"}, headers=user.headers)).json()
        browser = await browser_login(client, user.email)

        forged = await client.delete(f"{TOKENS}/{created['id']}", headers=browser.cookie_only)
        genuine = await client.delete(f"{TOKENS}/{created['id']}", headers=browser.headers)

        assert forged.status_code == 403
        assert genuine.status_code == 204


class TestBearer:
    async def test_needs_no_csrf_header(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.post(TOKENS, json={"name": "script"}, headers=user.headers)

        assert response.status_code == 201

    async def test_an_invalid_bearer_wins_over_a_valid_cookie(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.get(ME, headers={**browser.headers, "Authorization": "Bearer cls_revoked"})

        assert response.status_code == 401

    async def test_an_unknown_session_cookie_is_unauthorized(self, client: httpx.AsyncClient) -> None:
        response = await client.get(ME, headers={"Cookie": f"{SESSION_COOKIE}=cls_made-up"})

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


class TestOptionalUser:
    @pytest.fixture
    def app(self, app: FastAPI) -> FastAPI:
        async def whoami(user: OptionalUser) -> dict[str, int | None]:
            return {"user_id": user.id if user else None}

        app.add_api_route(WHOAMI, whoami)
        # First, ahead of any catch-all mount (the web UI) registered earlier.
        app.router.routes.insert(0, app.router.routes.pop())
        return app

    async def test_is_none_without_credentials(self, client: httpx.AsyncClient) -> None:
        response = await client.get(WHOAMI)

        assert response.json() == {"user_id": None}

    async def test_is_none_with_an_invalid_token(self, client: httpx.AsyncClient) -> None:
        response = await client.get(WHOAMI, headers={"Authorization": "Bearer nope"})

        assert response.json() == {"user_id": None}

    async def test_is_the_user_with_the_cookie(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.get(WHOAMI, headers=browser.cookie_only)

        assert response.json() == {"user_id": user.user_id}
