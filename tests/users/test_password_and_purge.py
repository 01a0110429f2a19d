"""PUT /api/v1/auth/password, and the periodic purge of ended sessions."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.security import hash_token
from clipper.users.models import UserSession
from clipper.users.sessions import purge_ended_sessions
from tests.fixtures.auth import login, signup

PASSWORD = "/api/v1/auth/password"
ME = "/api/v1/auth/me"
NEW_PASSWORD = "Another-Long-Phrase-77"


class TestChangePassword:
    async def test_the_new_password_works_and_the_old_one_no_longer(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.put(
            PASSWORD,
            json={"current_password": user.password, "new_password": NEW_PASSWORD},
            headers=user.headers,
        )

        assert response.status_code == 204
        assert (await login(client, user.email, user.password)).status_code == 401
        assert (await login(client, user.email, NEW_PASSWORD)).status_code == 200

    async def test_ends_the_other_sessions_but_not_this_one(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        other_device = {"Authorization": f"Bearer {(await login(client, user.email)).json()['access_token']}"}

        await client.put(
            PASSWORD,
            json={"current_password": user.password, "new_password": NEW_PASSWORD},
            headers=user.headers,
        )

        assert (await client.get(ME, headers=user.headers)).status_code == 200
        assert (await client.get(ME, headers=other_device)).status_code == 401

    async def test_a_wrong_current_password_changes_nothing(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.put(
            PASSWORD,
            json={"current_password": "Not-It-123456", "new_password": NEW_PASSWORD},
            headers=user.headers,
        )

        assert response.status_code == 422
        assert "current_password" in response.json()["detail"]
        assert (await login(client, user.email, user.password)).status_code == 200

    async def test_a_weak_new_password_is_rejected_naming_the_field(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        weak = await client.put(
            PASSWORD, json={"current_password": user.password, "new_password": "short"}, headers=user.headers
        )
        own_email = await client.put(
            PASSWORD,
            json={"current_password": user.password, "new_password": user.email},
            headers=user.headers,
        )

        assert weak.status_code == 422
        assert [field["field"] for field in weak.json()["fields"]] == ["body.new_password"]
        assert own_email.status_code == 422
        assert own_email.json()["detail"].startswith("new_password:")

    async def test_needs_a_signed_in_user(self, client: httpx.AsyncClient) -> None:
        response = await client.put(PASSWORD, json={"current_password": "x", "new_password": NEW_PASSWORD})

        assert response.status_code == 401


class TestPurgeEndedSessions:
    async def test_deletes_long_ended_sessions_and_keeps_live_ones(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        live, expired, revoked = (await signup(client)), (await signup(client)), (await signup(client))
        two_days_ago = utcnow() - timedelta(days=2)
        await session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(expired.token))
            .values(expires_at=two_days_ago)
        )
        await session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(revoked.token))
            .values(revoked_at=two_days_ago)
        )

        purged = await purge_ended_sessions(session)

        assert purged == 2
        remaining = await session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == live.user_id)
        )
        assert remaining == 1
        assert (await client.get(ME, headers=live.headers)).status_code == 200

    async def test_keeps_a_recently_revoked_session_for_a_day(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        await client.post("/api/v1/auth/logout", headers=user.headers)

        assert await purge_ended_sessions(session) == 0
