"""Two adds to one queue at once never take the same slot (real commits, SQLite and PostgreSQL).

The first add holds its unit of work open after taking its slot; the second must wait for it (the
account's row lock on PostgreSQL, the write lock on SQLite) and then take the next slot.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper import migrate
from clipper.db import create_engine, create_session_factory, unit_of_work
from clipper.queue.models import QueueSlot
from clipper.social import service
from clipper.social.models import SocialPost
from clipper.social.schemas import PostCreate
from clipper.users.models import User
from tests.fixtures.database import BACKENDS
from tests.fixtures.factories import create_account, create_clip, create_user
from tests.fixtures.postgres import throwaway_database


@pytest.fixture(params=BACKENDS)
async def factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a freshly migrated database of the backend, whose commits are real."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'race.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        yield create_session_factory(engine)
        await engine.dispose()
        return
    async with throwaway_database(os.environ["TEST_DATABASE_URL"], "clipper_queue_race") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        yield create_session_factory(engine)
        await engine.dispose()


async def _setup(factory: async_sessionmaker[AsyncSession]) -> tuple[User, PostCreate]:
    async with unit_of_work(factory) as session:
        user = await create_user(session)
        # Never decrypted here: validation only needs the account to hold a token.
        account = await create_account(session, user=user, page_access_token_enc="stored-token")
        clip = await create_clip(session, user=user)
        session.add_all(QueueSlot(account_id=account.id, weekday=day, minute=12 * 60) for day in range(7))
    return user, PostCreate(account_id=account.id, clip_id=clip.id, caption="race", add_to_queue=True)


async def _add(factory: async_sessionmaker[AsyncSession], user: User, data: PostCreate) -> SocialPost:
    async with unit_of_work(factory) as session:
        [post] = await service.create_posts(session, user=user, data=data)
        return post


class TestConcurrentAdds:
    async def test_the_second_add_waits_for_the_first_and_takes_the_next_slot(
        self, factory: async_sessionmaker[AsyncSession]
    ) -> None:
        user, data = await _setup(factory)
        placed, release = asyncio.Event(), asyncio.Event()

        async def first() -> SocialPost:
            async with unit_of_work(factory) as session:
                [post] = await service.create_posts(session, user=user, data=data)
                placed.set()
                await release.wait()
                return post

        holder = asyncio.create_task(first())
        await asyncio.wait_for(placed.wait(), timeout=20)
        second = asyncio.create_task(_add(factory, user, data))
        await asyncio.sleep(0.5)
        assert not second.done()  # waiting for the first add's lock
        release.set()
        one, two = await holder, await second
        assert one.scheduled_for is not None
        assert two.scheduled_for is not None
        assert two.scheduled_for > one.scheduled_for
        assert (two.scheduled_for - one.scheduled_for).days == 1

    async def test_many_adds_at_once_take_distinct_slots(
        self, factory: async_sessionmaker[AsyncSession]
    ) -> None:
        user, data = await _setup(factory)
        posts = await asyncio.gather(*(_add(factory, user, data) for _ in range(6)))
        times = sorted(post.scheduled_for for post in posts if post.scheduled_for)
        assert len(set(times)) == 6
        assert all((later - earlier).days == 1 for earlier, later in zip(times, times[1:], strict=False))
