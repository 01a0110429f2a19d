"""Two inbox passes claiming at once on PostgreSQL take different accounts (row locks, SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, pool
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from clipper import migrate
from clipper.inbox import schedule
from clipper.users.models import User
from tests.fixtures.factories import create_account, create_user
from tests.fixtures.postgres import throwaway_database

LEASE_SECONDS = 600
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PostgreSQL's row locks: set TEST_DATABASE_URL (SQLite's claim is BEGIN IMMEDIATE)",
)


@pytest.fixture
async def real_factory() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions with connections of their own (real commits) on a throwaway, migrated PostgreSQL database."""
    async with throwaway_database(POSTGRES_URL, "clipper_inbox_claim") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            yield async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        finally:
            await engine.dispose()


@pytest.fixture
async def two_due_accounts(real_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[int]]:
    """Two active accounts never synced, committed; removed (with their sync state) afterwards."""
    async with real_factory() as session:
        user = await create_user(session)
        ids = [(await create_account(session, user=user)).id for _ in range(2)]
        await session.commit()
    try:
        yield ids
    finally:
        async with real_factory() as session:
            await session.execute(delete(User).where(User.id == user.id))
            await session.commit()


class TestConcurrentClaims:
    async def test_a_claim_skips_the_account_another_pass_is_claiming(
        self, real_factory: async_sessionmaker[AsyncSession], two_due_accounts: list[int]
    ) -> None:
        async with real_factory() as first, real_factory() as second:
            taken = await schedule.claim(first, lease_seconds=LEASE_SECONDS)  # not committed yet
            # Neither waits for the first pass's commit nor returns its account.
            other = await asyncio.wait_for(schedule.claim(second, lease_seconds=LEASE_SECONDS), timeout=10)
            await first.commit()
            await second.commit()
        assert {taken, other} == set(two_due_accounts)

    async def test_a_claim_made_after_a_commit_sees_it(
        self, real_factory: async_sessionmaker[AsyncSession], two_due_accounts: list[int]
    ) -> None:
        claimed = [await schedule.claim_next(real_factory, lease_seconds=LEASE_SECONDS) for _ in range(3)]
        assert sorted(claimed[:2]) == sorted(two_due_accounts)
        assert claimed[2] is None
