"""Fixtures for insights: users with accounts connected through the real OAuth flow, Graph calls counted."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from clipper.accounts.models import Account
from clipper.config import Settings
from clipper.instagram import InstagramGraphAPI
from tests.fixtures import media_factory
from tests.fixtures.kv import KV_STORES
from tests.fixtures.oauth_flow import connect_instagram, sandbox_of


@pytest.fixture(params=KV_STORES)
async def kv_backend(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[str]:
    """The cache in process, and on Redis too when TEST_REDIS_URL is set (request it before `client`)."""
    if request.param != "redis":
        yield "memory"
        return
    from redis.asyncio import Redis

    settings.redis_url = os.environ["TEST_REDIS_URL"]
    redis = Redis.from_url(settings.redis_url)

    yield "redis"
    # The test's own namespace: nothing lingers in the shared Redis.
    async for key in redis.scan_iter(f"{settings.redis_key_prefix}*"):
        await redis.delete(key)
    await redis.aclose()


@dataclass
class Connected:
    """A signed-up user and one connected account."""

    headers: dict[str, str]
    email: str
    password: str
    account_id: int
    ig_id: str
    username: str


@pytest.fixture
def connect(client: httpx.AsyncClient, signup: Any) -> Callable[..., Any]:
    """`await connect(username=None, untick=())` → Connected: a new user with one connected account."""

    async def make(username: str | None = None, untick: tuple[str, ...] = ()) -> Connected:
        user = await signup(client)
        account = await connect_instagram(client, user.headers, username=username, untick=untick)
        return Connected(
            user.headers,
            user.email,
            user.password,
            account["id"],
            account["platform_account_id"],
            account["account_username"],
        )

    return make


@pytest.fixture
def sandbox(app: FastAPI, client: httpx.AsyncClient) -> Any:
    """The running sandbox behind the app."""
    del client
    return sandbox_of(app)


@pytest.fixture
def publish_story(app: FastAPI, client: httpx.AsyncClient, session: Any, sandbox: Any) -> Callable[..., Any]:
    """`await publish_story(connected)` → the media id of a new image story, published through Meta's API."""
    del client

    async def publish(owner: Connected) -> str:
        account = await session.get_one(Account, owner.account_id)
        graph: InstagramGraphAPI = app.state.resources.graph.with_token(
            app.state.resources.cipher.decrypt(account.page_access_token_enc)
        )
        image = sandbox.cdn.put(media_factory.jpeg(1080, 1920), "image/jpeg")
        container = await graph.create_story_container(owner.ig_id, image_url=image)
        status = await graph.check_container_status(container)
        while status.status_code == "IN_PROGRESS":
            await asyncio.sleep(0.05)
            status = await graph.check_container_status(container)
        return await graph.publish_container(owner.ig_id, container)

    return publish
