"""A session factory whose units of work take turns on the test's one rolled-back connection.

Tests share one connection whose commits only release a savepoint. Two tasks using it at once (a
request and a background job, or the sandbox's webhook delivery) would interleave their savepoints:
one's RELEASE also releases the other's, whose own RELEASE then fails ("no such savepoint"), and
asyncpg refuses a second operation on a busy connection. Production has a pool, a connection each.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class _Turn:
    def __init__(self, turns: TakingTurns) -> None:
        self.turns = turns
        self.session: AsyncSession | None = None
        self.nested = False

    async def __aenter__(self) -> AsyncSession:
        # A request may open a unit of work of its own while its session is still open (one task, one
        # after the other on the connection): that nests; other tasks wait their turn.
        self.nested = self.turns.owner is asyncio.current_task()
        if not self.nested:
            await self.turns.lock.acquire()
            self.turns.owner = asyncio.current_task()
        self.session = self.turns.factory()
        return await self.session.__aenter__()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            assert self.session is not None
            await self.session.__aexit__(kind, error, trace)
        finally:
            if not self.nested:
                self.turns.owner = None
                self.turns.lock.release()


class TakingTurns:
    """A session factory whose sessions hold a lock for their lifetime (one task's units at a time)."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self.factory = factory
        self.kw = factory.kw  # what the wrapped factory binds to, as `async_sessionmaker` exposes it
        self.lock = asyncio.Lock()
        self.owner: asyncio.Task[Any] | None = None

    def __call__(self, **_kwargs: Any) -> _Turn:
        return _Turn(self)
