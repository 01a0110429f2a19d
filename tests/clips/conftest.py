"""Fixtures for clip tests: an API client whose units of work take turns, and a signed-up owner.

Conform and trim jobs run in the background while a test polls the clip. Every unit of work here
shares the test's one rolled-back connection, which cannot run two transactions at once, so the
`api` fixture lets one unit of work (request or job step) use it at a time; production has a pool.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth_helpers import SignedUp


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


@pytest.fixture
def api(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> httpx.AsyncClient:
    """`client`, with requests and background jobs taking turns on the test's connection."""
    app.state.session_factory = TakingTurns(session_factory)
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
