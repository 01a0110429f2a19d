"""Fixtures for clip tests: an API client whose units of work take turns, and a signed-up owner.

Conform and trim jobs run in the background while a test polls the clip. Every unit of work here
shares the test's one rolled-back connection, which cannot run two transactions at once, so the
`api` fixture lets one unit of work (request or job step) use it at a time; production has a pool.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from tests.fixtures.auth import SignedUp
from tests.fixtures.kv import KV_STORES
from tests.fixtures.taking_turns import TakingTurns


@pytest.fixture(params=KV_STORES)
def kv_backend(request: pytest.FixtureRequest, settings: Settings) -> str:
    """Run the test on the in-process store, and on Redis too when TEST_REDIS_URL is set."""
    if request.param == "redis":
        settings.redis_url = os.environ["TEST_REDIS_URL"]
    return str(request.param)


@pytest.fixture
def api(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> httpx.AsyncClient:
    """`client`, with requests and background jobs taking turns on the test's connection."""
    app.state.resources.session_factory = TakingTurns(session_factory)
    return client


@pytest.fixture
async def owner(api: httpx.AsyncClient, signup: Any) -> SignedUp:
    """A signed-up user (bearer headers in `.headers`)."""
    user: SignedUp = await signup(api)
    return user


@pytest.fixture
async def stranger(api: httpx.AsyncClient, signup: Any) -> SignedUp:
    """Another signed-up user."""
    user: SignedUp = await signup(api)
    return user
