"""Sessions end for good: their event streams close, a password change ends the others and the API tokens,
an API token cannot mint more, the user lists and revokes sessions, and open streams are capped."""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.events.service import MAX_STREAMS_PER_USER, StreamSlot
from clipper.users.models import UserSession
from clipper.users.sessions import SESSION_MAX_LIFETIME
from tests.fixtures.auth import login
from tests.social.live_app import served_app, served_publisher

AUTH = "/api/v1/auth"
EVENTS = "/api/v1/events"


async def open_stream(
    client: httpx.AsyncClient, headers: dict[str, str], stack: AsyncExitStack
) -> httpx.Response:
    """An open event stream (its first line read, so the server has subscribed it)."""
    response = await stack.enter_async_context(client.stream("GET", EVENTS, headers=headers))
    assert response.status_code == 200, await response.aread()
    lines = response.aiter_lines()
    assert (await anext(lines)).startswith(": connected")
    response.extensions["lines"] = lines
    return response


async def ends_within(response: httpx.Response, seconds: float) -> list[str]:
    """Read the stream to its end (failing after `seconds`); the lines it sent meanwhile."""

    async def drain() -> list[str]:
        return [line async for line in response.extensions["lines"]]

    return await asyncio.wait_for(drain(), timeout=seconds)


async def second_session(client: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await login(client, email, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class TestStreamsEndWithTheirSession:
    async def test_logout_closes_the_sessions_stream(self, settings: Settings) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            stream = await open_stream(publisher.client, publisher.headers, stack)
            logged_out = await publisher.client.post(f"{AUTH}/logout", headers=publisher.headers)
            assert logged_out.status_code == 204
            lines = await ends_within(stream, 5)
        assert "event: auth.ended" in lines

    async def test_a_session_that_expires_closes_its_stream(self, settings: Settings) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            # Two seconds short of the absolute lifetime: using the session cannot slide it further.
            ends = utcnow() + timedelta(seconds=2)
            async with unit_of_work(publisher.app.state.resources.session_factory) as session:
                await session.execute(
                    update(UserSession).values(created_at=ends - SESSION_MAX_LIFETIME, expires_at=ends)
                )
            stream = await open_stream(publisher.client, publisher.headers, stack)
            lines = await ends_within(stream, 6)
            reopened = await publisher.client.get(EVENTS, headers=publisher.headers)
        # Closed without `auth.ended`: the browser reconnects, and only a still-valid session gets back in.
        assert "event: auth.ended" not in lines
        assert reopened.status_code == 401

    async def test_a_password_change_closes_the_other_sessions_streams_only(self, settings: Settings) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            user = publisher.user
            other = await second_session(publisher.client, user.email, user.password)
            other_stream = await open_stream(publisher.client, other, stack)
            own_stream = await open_stream(publisher.client, publisher.headers, stack)
            changed = await publisher.client.put(
                f"{AUTH}/password",
                json={"current_password": user.password, "new_password": "A-whole-new-passphrase-77"},
                headers=publisher.headers,
            )
            assert changed.status_code == 204, changed.text
            assert "event: auth.ended" in await ends_within(other_stream, 5)
            still_open = asyncio.create_task(ends_within(own_stream, 1.5))
            await asyncio.wait([still_open])
            assert isinstance(still_open.exception(), TimeoutError)
            assert (await publisher.client.get(f"{AUTH}/me", headers=other)).status_code == 401


class TestStreamCap:
    async def test_open_streams_are_capped_per_user(self, settings: Settings, kv_backend: str) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            for _ in range(MAX_STREAMS_PER_USER):
                await open_stream(publisher.client, publisher.headers, stack)
            refused = await try_stream(publisher.client, publisher.headers, stack)
        assert refused.status_code == 429
        assert refused.json()["error"] == "TooManyRequests"
        assert refused.json()["detail"] == (
            f"You already have {MAX_STREAMS_PER_USER} live-update streams open: close a tab."
        )
        assert refused.headers["Retry-After"] == "30"

    async def test_two_api_processes_on_one_redis_share_the_cap(self, settings: Settings) -> None:
        redis_url = os.environ.get("TEST_REDIS_URL")
        if not redis_url:
            pytest.skip("TEST_REDIS_URL is not set")
        settings = settings.model_copy(update={"redis_url": redis_url})
        async with (
            served_publisher(settings, worker_embedded=False) as publisher,
            served_app(publisher.app.state.resources.settings) as other_process,
            AsyncExitStack() as stack,
        ):
            other = await second_session(other_process, publisher.user.email, publisher.user.password)
            for _ in range(5):
                await open_stream(publisher.client, publisher.headers, stack)
            for _ in range(MAX_STREAMS_PER_USER - 5):
                await open_stream(other_process, other, stack)
            refused_here = await try_stream(publisher.client, publisher.headers, stack)
            refused_there = await try_stream(other_process, other, stack)
        assert (refused_here.status_code, refused_there.status_code) == (429, 429)

    async def test_closing_a_stream_frees_its_slot_at_once(self, settings: Settings, kv_backend: str) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            for _ in range(MAX_STREAMS_PER_USER - 1):
                await open_stream(publisher.client, publisher.headers, stack)
            async with AsyncExitStack() as closing:
                await open_stream(publisher.client, publisher.headers, closing)
            reopened = await opens_within(publisher.client, publisher.headers, stack, seconds=3)
        assert reopened.status_code == 200

    async def test_the_slots_of_a_process_that_died_free_when_their_lease_ends(
        self, settings: Settings, kv_backend: str
    ) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher, AsyncExitStack() as stack:
            # A crashed process's streams: slots taken, never released, leased for a second.
            kv = publisher.app.state.resources.kv
            key = StreamSlot(kv, publisher.user.user_id).key
            for index in range(MAX_STREAMS_PER_USER):
                assert await kv.acquire_slot(
                    key, f"dead-{index}", limit=MAX_STREAMS_PER_USER, lease_seconds=1
                )
            refused = await try_stream(publisher.client, publisher.headers, stack)
            await asyncio.sleep(1.2)
            opened = await open_stream(publisher.client, publisher.headers, stack)
        assert refused.status_code == 429
        assert opened.status_code == 200


async def try_stream(
    client: httpx.AsyncClient, headers: dict[str, str], stack: AsyncExitStack
) -> httpx.Response:
    """Ask for a stream: a refusal read whole, or the open stream (left open until `stack` closes)."""
    response = await stack.enter_async_context(client.stream("GET", EVENTS, headers=headers))
    if response.status_code != 200:
        await response.aread()
    return response


async def opens_within(
    client: httpx.AsyncClient, headers: dict[str, str], stack: AsyncExitStack, *, seconds: float
) -> httpx.Response:
    """Ask for a stream, again while it is refused, for at most `seconds`; the last answer."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        response = await try_stream(client, headers, stack)
        if response.status_code != 429 or asyncio.get_running_loop().time() > deadline:
            return response
        await asyncio.sleep(0.1)


class TestPasswordChange:
    async def test_revokes_the_api_tokens(self, client: httpx.AsyncClient, signup) -> None:
        user = await signup(client)
        created = await client.post(f"{AUTH}/tokens", json={"name": "script"}, headers=user.headers)
        token = {"Authorization": f"Bearer {created.json()['token']}"}
        assert (await client.get(f"{AUTH}/me", headers=token)).status_code == 200
        changed = await client.put(
            f"{AUTH}/password",
            json={"current_password": user.password, "new_password": "A-whole-new-passphrase-77"},
            headers=user.headers,
        )
        assert changed.status_code == 204, changed.text
        assert (await client.get(f"{AUTH}/me", headers=token)).status_code == 401
        assert (await client.get(f"{AUTH}/tokens", headers=user.headers)).json()["items"] == []


class TestApiTokens:
    async def test_an_api_token_cannot_mint_another(self, client: httpx.AsyncClient, signup) -> None:
        user = await signup(client)
        created = await client.post(f"{AUTH}/tokens", json={"name": "script"}, headers=user.headers)
        token = {"Authorization": f"Bearer {created.json()['token']}"}
        minted = await client.post(f"{AUTH}/tokens", json={"name": "successor"}, headers=token)
        assert minted.status_code == 403
        assert "cannot create API tokens" in minted.json()["detail"]
        assert len((await client.get(f"{AUTH}/tokens", headers=user.headers)).json()["items"]) == 1


class TestSessionList:
    async def test_lists_live_sessions_and_marks_the_current_one(
        self, client: httpx.AsyncClient, signup
    ) -> None:
        user = await signup(client)
        await second_session(client, user.email, user.password)
        listed = await client.get(f"{AUTH}/sessions", headers=user.headers)
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        assert len(items) == 2
        assert [item["current"] for item in items].count(True) == 1

    async def test_revoking_a_session_signs_it_out(self, client: httpx.AsyncClient, signup) -> None:
        user = await signup(client)
        other = await second_session(client, user.email, user.password)
        items = (await client.get(f"{AUTH}/sessions", headers=user.headers)).json()["items"]
        target = next(item for item in items if not item["current"])
        revoked = await client.delete(f"{AUTH}/sessions/{target['id']}", headers=user.headers)
        assert revoked.status_code == 204
        assert (await client.get(f"{AUTH}/me", headers=other)).status_code == 401
        assert len((await client.get(f"{AUTH}/sessions", headers=user.headers)).json()["items"]) == 1

    async def test_someone_elses_session_is_not_found(self, client: httpx.AsyncClient, signup) -> None:
        owner = await signup(client)
        stranger = await signup(client)
        theirs = (await client.get(f"{AUTH}/sessions", headers=owner.headers)).json()["items"][0]
        response = await client.delete(f"{AUTH}/sessions/{theirs['id']}", headers=stranger.headers)
        assert response.status_code == 404
        assert (await client.get(f"{AUTH}/me", headers=owner.headers)).status_code == 200
