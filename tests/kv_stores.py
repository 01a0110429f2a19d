"""The key-value stores the tests run on: MemoryStore always, RedisStore when TEST_REDIS_URL is set."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import pytest

Advance = Callable[[float], Awaitable[None]]

KV_STORES = ["memory"] + (
    [pytest.param("redis", marks=pytest.mark.redis)] if os.environ.get("TEST_REDIS_URL") else []
)


class FakeClock:
    """A clock for MemoryStore that moves only when told."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def advance(self, seconds: float) -> None:
        self.now += seconds
