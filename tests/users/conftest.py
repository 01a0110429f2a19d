"""Helpers for the auth tests: clients from a chosen IP, on the in-process or the Redis store."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from tests.fixtures.kv import KV_STORES
from tests.users.users_helpers import ClientFrom


@pytest.fixture(params=KV_STORES)
def kv_backend(request: pytest.FixtureRequest, settings: Settings) -> str:
    """Run the test on the in-process store, and on Redis too when TEST_REDIS_URL is set."""
    if request.param == "redis":
        settings.redis_url = os.environ["TEST_REDIS_URL"]
    return str(request.param)


@pytest.fixture
async def client_from(
    kv_backend: str,  # noqa: ARG001 - selects the store before the app is built
    app: FastAPI,
    client: httpx.AsyncClient,  # noqa: ARG001 - starts the lifespan on the test's database
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[ClientFrom]:
    """`await client_from(ip)`: a client on the running app whose requests come from `ip`."""
    app.state.resources.session_factory = session_factory
    opened: list[httpx.AsyncClient] = []

    async def make(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()
