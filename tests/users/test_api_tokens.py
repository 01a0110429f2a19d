"""Personal API tokens: create (shown once), list (prefixes only), use as bearer, revoke; per user."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.security import hash_token
from clipper.users.models import ApiToken
from tests.fixtures.auth import SignedUp, browser_login, signup
from tests.fixtures.factories import create_auth_headers, create_user

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/auth/me"


async def create_token(client: httpx.AsyncClient, user: SignedUp, **body: object) -> dict[str, object]:
    response = await client.post(TOKENS, json={"name": "laptop CLI", **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    assert response.headers["Cache-Control"] == "no-store"
    created: dict[str, object] = response.json()
    return created


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestCreateToken:
    async def test_returns_the_secret_once_with_a_recognisable_prefix(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signup(client)

        created = await create_token(client, user)

        token = str(created["token"])
        assert token.startswith("clp_")
        assert token.startswith(str(created["prefix"]))
        assert len(str(created["prefix"])) < len(token) // 3
        assert created["name"] == "laptop CLI"
        assert created["last_used_at"] is None
        assert created["expires_at"] is None

    async def test_stores_only_its_hash(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        user = await signup(client)

        created = await create_token(client, user)

        record = await session.get_one(ApiToken, created["id"])
        assert record.token_hash == hash_token(str(created["token"]))
        assert str(created["token"]) not in repr(record)

    async def test_can_expire_after_some_days(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        created = await create_token(client, user, expires_in_days=30)

        assert str(created["expires_at"]).startswith(str((utcnow() + timedelta(days=30)).date()))

    async def test_rejects_a_blank_name_and_a_bad_expiry(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.post(TOKENS, json={"name": "  ", "expires_in_days": 0}, headers=user.headers)

        assert response.status_code == 422
        assert {field["field"] for field in response.json()["fields"]} == {
            "body.name",
            "body.expires_in_days",
        }

    async def test_needs_a_signed_in_user(self, client: httpx.AsyncClient) -> None:
        response = await client.post(TOKENS, json={"name": "x"})

        assert response.status_code == 401


class TestUseToken:
    async def test_authenticates_as_its_owner_and_records_the_use(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        created = await create_token(client, user)

        response = await client.get(ME, headers=bearer(created["token"]))

        assert response.status_code == 200
        assert response.json()["id"] == user.user_id
        record = await session.get_one(ApiToken, created["id"])
        assert record.last_used_at is not None

    async def test_needs_no_csrf_header_for_unsafe_methods(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        created = await create_token(client, user)
        spare = await create_token(client, user)

        response = await client.delete(f"{TOKENS}/{spare['id']}", headers=bearer(created["token"]))

        assert response.status_code == 204

    async def test_outlives_logout(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        created = await create_token(client, user)

        await client.post("/api/v1/auth/logout", headers=user.headers)

        assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 200

    async def test_an_expired_token_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        created = await create_token(client, user, expires_in_days=1)
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == created["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()

        response = await client.get(ME, headers=bearer(created["token"]))

        assert response.status_code == 401
        assert "create a new one" in response.json()["detail"]

    async def test_a_tampered_token_is_refused(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        token = str((await create_token(client, user))["token"])

        response = await client.get(ME, headers=bearer(token[:-1] + ("A" if token[-1] != "A" else "B")))

        assert response.status_code == 401


class TestListTokens:
    async def test_lists_own_tokens_newest_first_without_secrets(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        first = await create_token(client, user, name="first")
        second = await create_token(client, user, name="second")

        response = await client.get(TOKENS, headers=user.headers)

        assert response.status_code == 200
        body = response.json()
        assert [item["id"] for item in body["items"]] == [second["id"], first["id"]]
        assert body["next_cursor"] is None
        assert "token" not in body["items"][0]
        assert str(first["token"]) not in response.text

    async def test_works_with_the_browser_session(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        await create_token(client, user)
        browser = await browser_login(client, user.email)

        response = await client.get(TOKENS, headers=browser.cookie_only)

        assert response.status_code == 200
        assert len(response.json()["items"]) == 1


class TestRevokeToken:
    async def test_revoked_token_stops_working_and_leaves_the_list(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        created = await create_token(client, user)

        response = await client.delete(f"{TOKENS}/{created['id']}", headers=user.headers)

        assert response.status_code == 204
        assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 401
        assert (await client.get(TOKENS, headers=user.headers)).json()["items"] == []
        assert (await client.delete(f"{TOKENS}/{created['id']}", headers=user.headers)).status_code == 404

    async def test_an_unknown_id_is_not_found(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.delete(f"{TOKENS}/999999", headers=user.headers)

        assert response.status_code == 404
        assert response.json() == {"error": "NotFound", "detail": "No such API token."}


class TestTwoUsers:
    async def test_each_user_sees_only_their_own_tokens(self, client: httpx.AsyncClient) -> None:
        alice, bob = await signup(client), await signup(client)
        alices = await create_token(client, alice, name="alice's")
        await create_token(client, bob, name="bob's")

        listed = (await client.get(TOKENS, headers=bob.headers)).json()["items"]

        assert [item["name"] for item in listed] == ["bob's"]
        assert alices["id"] not in [item["id"] for item in listed]

    async def test_another_users_token_id_is_not_found_and_stays_valid(
        self, client: httpx.AsyncClient
    ) -> None:
        alice, bob = await signup(client), await signup(client)
        alices = await create_token(client, alice)

        response = await client.delete(f"{TOKENS}/{alices['id']}", headers=bob.headers)

        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"
        me = await client.get(ME, headers=bearer(alices["token"]))
        assert me.json()["id"] == alice.user_id


class TestFactoryHeaders:
    async def test_create_auth_headers_act_as_a_factory_user(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await create_user(session)
        headers = await create_auth_headers(session, user=user)

        response = await client.get(ME, headers=headers)

        assert response.json()["id"] == user.id
