"""POST /api/v1/auth/login and /logout, GET /auth/me: the session token, its cookies, its end."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.config import Settings
from clipper.db import utcnow
from clipper.security import hash_token
from clipper.users.models import User, UserSession
from tests.fixtures.auth import (
    CSRF_COOKIE,
    DEFAULT_PASSWORD,
    SESSION_COOKIE,
    browser_login,
    login,
    signup,
    unique_email,
)

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"


def set_cookie_headers(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name."""
    return {value.split("=", 1)[0]: value for value in response.headers.get_list("set-cookie")}


class TestLogin:
    async def test_returns_a_bearer_token_and_the_user(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await login(client, user.email)

        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert response.headers["Cache-Control"] == "no-store"
        assert body["access_token"] != user.token
        assert body["user"] == {
            "id": user.user_id,
            "email": user.email,
            "created_at": body["user"]["created_at"],
        }
        assert "expires_at" in body

    async def test_sets_an_httponly_lax_session_cookie_and_a_readable_csrf_cookie(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signup(client)

        response = await login(client, user.email)

        cookies = set_cookie_headers(response)
        session_cookie, csrf_cookie = cookies[SESSION_COOKIE].lower(), cookies[CSRF_COOKIE].lower()
        assert "httponly" in session_cookie
        assert "samesite=lax" in session_cookie
        assert "path=/" in session_cookie
        assert "secure" not in session_cookie  # BACKEND_URL is plain http in tests
        assert "httponly" not in csrf_cookie
        assert "samesite=lax" in csrf_cookie
        assert response.cookies[SESSION_COOKIE] == response.json()["access_token"]

    async def test_the_email_is_matched_case_insensitively(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await login(client, f" {user.email.upper()} ")

        assert response.status_code == 200

    async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signup(client)

        wrong_password = await login(client, user.email, "Not-The-Password-1")
        unknown_email = await login(client, unique_email("nobody"), DEFAULT_PASSWORD)

        assert wrong_password.status_code == unknown_email.status_code == 401
        assert (
            wrong_password.json()
            == unknown_email.json()
            == {
                "error": "Unauthorized",
                "detail": "Wrong email or password.",
            }
        )
        assert "set-cookie" not in wrong_password.headers

    async def test_a_disabled_account_cannot_sign_in(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        await session.execute(update(User).where(User.id == user.user_id).values(is_active=False))
        await session.commit()

        response = await login(client, user.email)

        assert response.status_code == 403
        assert (await client.get(ME, headers=user.headers)).status_code == 401

    async def test_stores_only_hashes_of_the_session_secrets(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        record = await session.scalar(
            select(UserSession).where(UserSession.token_hash == hash_token(browser.session_token))
        )

        assert record is not None
        assert record.user_id == user.user_id
        assert record.csrf_token_hash == hash_token(browser.csrf_token)
        assert browser.session_token not in repr(record)

    async def test_malformed_input_is_rejected_naming_the_field(self, client: httpx.AsyncClient) -> None:
        response = await client.post(LOGIN, json={"email": "someone@example.com"})

        assert response.status_code == 422
        assert [field["field"] for field in response.json()["fields"]] == ["body.password"]


class TestSecureCookies:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        settings.backend_url = "https://clipper.example.com"
        return settings

    async def test_cookies_are_secure_when_the_backend_url_is_https(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await login(client, user.email)

        cookies = set_cookie_headers(response)
        assert "secure" in cookies[SESSION_COOKIE].lower()
        assert "secure" in cookies[CSRF_COOKIE].lower()


class TestMe:
    async def test_returns_the_signed_in_user(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.get(ME, headers=user.headers)

        assert response.status_code == 200
        assert response.json()["id"] == user.user_id
        assert response.json()["email"] == user.email

    async def test_without_credentials_asks_to_sign_in(self, client: httpx.AsyncClient) -> None:
        response = await client.get(ME)

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"] == "Unauthorized"
        assert response.json()["detail"].startswith("Sign in first")

    @pytest.mark.parametrize(
        "authorization", ["Bearer not-a-real-token", "Bearer ", "Bearer " + "x" * 5000, "Bearer clp_unknown"]
    )
    async def test_an_invalid_bearer_token_is_unauthorized(
        self, client: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await client.get(ME, headers={"Authorization": authorization})

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    async def test_another_authorization_scheme_is_not_a_credential(self, client: httpx.AsyncClient) -> None:
        response = await client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})

        assert response.status_code == 401


class TestLogout:
    async def test_ends_the_session_for_good(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.post(LOGOUT, headers=user.headers)

        assert response.status_code == 204
        assert (await client.get(ME, headers=user.headers)).status_code == 401
        assert (await client.post(LOGOUT, headers=user.headers)).status_code == 401

    async def test_from_a_browser_clears_the_cookies_and_ends_the_cookie_session(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.post(LOGOUT, headers=browser.headers)

        assert response.status_code == 204
        cookies = set_cookie_headers(response)
        assert "max-age=0" in cookies[SESSION_COOKIE].lower()
        assert "max-age=0" in cookies[CSRF_COOKIE].lower()
        client.cookies.clear()
        assert (await client.get(ME, headers=browser.cookie_only)).status_code == 401

    async def test_from_a_browser_needs_the_csrf_header(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        browser = await browser_login(client, user.email)

        response = await client.post(LOGOUT, headers=browser.cookie_only)

        assert response.status_code == 403
        assert (await client.get(ME, headers=browser.cookie_only)).status_code == 200

    async def test_ends_only_that_session(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        other_device = (await login(client, user.email)).json()["access_token"]

        await client.post(LOGOUT, headers=user.headers)

        assert (await client.get(ME, headers={"Authorization": f"Bearer {other_device}"})).status_code == 200


class TestSessionExpiry:
    async def test_an_expired_session_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        await session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(user.token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()

        response = await client.get(ME, headers=user.headers)

        assert response.status_code == 401
        assert "sign in again" in response.json()["detail"]

    async def test_use_slides_the_expiry_forward(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        an_hour_ago = utcnow() - timedelta(hours=1)
        await session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(user.token))
            .values(last_used_at=an_hour_ago, expires_at=utcnow() + timedelta(minutes=1))
        )
        await session.commit()

        assert (await client.get(ME, headers=user.headers)).status_code == 200

        session.expire_all()
        record = await session.scalar(
            select(UserSession).where(UserSession.token_hash == hash_token(user.token))
        )
        assert record is not None
        assert record.last_used_at > an_hour_ago
        assert record.expires_at > utcnow() + timedelta(days=13)
