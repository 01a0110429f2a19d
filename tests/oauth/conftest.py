"""Key-value stores for the OAuth tests: MemoryStore always, RedisStore when TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis

from clipper.kv import KeyValueStore, MemoryStore, RedisStore

Advance = Callable[[float], Awaitable[None]]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


STORES = ["memory"] + (
    [pytest.param("redis", marks=pytest.mark.redis)] if os.environ.get("TEST_REDIS_URL") else []
)


@pytest.fixture(params=STORES)
async def kv_store(request: pytest.FixtureRequest, fake_clock: FakeClock) -> AsyncIterator[KeyValueStore]:
    if request.param == "memory":
        yield MemoryStore(clock=fake_clock)
        return
    url = os.environ["TEST_REDIS_URL"]
    client = aioredis.Redis.from_url(url, decode_responses=True)
    prefix = f"test:oauth:{uuid.uuid4().hex}:"
    try:
        yield RedisStore(client, prefix=prefix)
    finally:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
def advance(kv_store: KeyValueStore, fake_clock: FakeClock) -> Advance:
    """Let time pass for the store: the fake clock jumps, or (Redis) we really wait."""
    return fake_clock.advance if isinstance(kv_store, MemoryStore) else asyncio.sleep
