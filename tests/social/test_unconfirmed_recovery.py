"""Recovering a lost media id never claims a stranger's media, nor the media of another of our posts.

The post's own media is hidden from the sandbox's listings while the recovery runs (Meta's read-after-
write lag), so the only candidates are the others; once it is listed again, it is the one recovered.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.social import recovery
from clipper.social.models import SocialPost
from graph_sandbox.world import Media
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import sandbox_of
from tests.fixtures.postgres import throwaway_database
from tests.social.crash_helpers import claim, fault, make_due
from tests.social.live_app import live_publisher, seed_due
from tests.social.publish_helpers import Publisher, run_due, until_done

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


async def caption_less_image(publisher: Publisher, *, lose_the_answer: bool) -> int:
    if lose_the_answer:
        await fault(publisher, action="drop_after", path="media_publish$")
    clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
    created = await publisher.create(media_type="IMAGE", clip_id=clip_id)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    await run_due(publisher.app)
    return int(created.json()["id"])


def posted_from_the_phone(publisher: Publisher, *, media_type: str, at: Any) -> Media:
    """A caption-less media the account posted outside Content Clipper."""
    world = sandbox_of(publisher.app).world
    media = Media(
        id=world.ids.media(),
        ig_user_id=publisher.account["platform_account_id"],
        media_type=media_type,
        media_product_type="FEED",
        timestamp=at,
        shortcode=world.ids.shortcode(),
        permalink="https://www.instagram.com/p/phone/",
    )
    world.media[media.id] = media
    return media


@contextmanager
def not_listed(publisher: Publisher, media_id: str) -> Iterator[Media]:
    world = sandbox_of(publisher.app).world
    media = world.media.pop(media_id)
    try:
        yield media
    finally:
        world.media[media.id] = media


async def last_published_id(publisher: Publisher) -> str:
    published = await publisher.published()
    return str(published[-1]["media_id"])


class TestRecoveryMatching:
    async def test_a_caption_less_post_takes_no_caption_less_stranger(self, publisher: Publisher) -> None:
        post_id = await caption_less_image(publisher, lose_the_answer=True)
        ours = await last_published_id(publisher)
        with not_listed(publisher, ours) as media:
            later = posted_from_the_phone(
                publisher, media_type="IMAGE", at=media.timestamp + timedelta(hours=1)
            )
            album = posted_from_the_phone(publisher, media_type="CAROUSEL_ALBUM", at=media.timestamp)
            await make_due(publisher, post_id)
            await run_due(publisher.app)
            waiting = await publisher.post(post_id)

        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert waiting["status"] == "unconfirmed"
        assert waiting["platform_post_id"] is None
        assert "not among the account's recent media" in waiting["error_message"]
        assert done["status"] == "published", done["timeline"]
        assert done["platform_post_id"] == ours
        assert ours not in (later.id, album.id)

    async def test_a_post_never_takes_the_media_of_another_of_our_posts(self, publisher: Publisher) -> None:
        first_id = await caption_less_image(publisher, lose_the_answer=False)
        first = await publisher.post(first_id)
        second_id = await caption_less_image(publisher, lose_the_answer=True)
        ours = await last_published_id(publisher)
        with not_listed(publisher, ours):
            await make_due(publisher, second_id)
            await run_due(publisher.app)
            waiting = await publisher.post(second_id)

        await make_due(publisher, second_id)
        done = await until_done(publisher, second_id)

        assert first["status"] == "published"
        assert waiting["status"] == "unconfirmed"
        assert waiting["platform_post_id"] is None
        assert done["platform_post_id"] == ours != first["platform_post_id"]


@pytest.fixture(params=["sqlite", "postgresql"])
async def real_commits(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Settings]:
    """Settings on a database of its own whose commits are real: the test's SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        yield settings
        return
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    async with throwaway_database(POSTGRES_URL, "clipper_claim") as url:
        yield settings.model_copy(update={"database_url": url})


async def _connect(factory: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(factory, immediate=False) as session:
        await session.execute(text("SELECT 1"))
        await asyncio.sleep(0.05)


class TestClaimingAMediaId:
    async def test_of_two_posts_claiming_one_media_at_once_one_wins(self, real_commits: Settings) -> None:
        media_id = "17900000000000001"
        async with live_publisher(real_commits, worker_embedded=False) as publisher:
            clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
            ids = await seed_due(publisher, clip_id, 2)
            factory = publisher.app.state.resources.session_factory
            async with unit_of_work(factory, immediate=False) as session:
                posts = [await session.get_one(SocialPost, post_id) for post_id in ids]

            await asyncio.gather(*(_connect(factory) for _ in posts))  # both connections ready: a real race
            won = await asyncio.gather(
                *(recovery.claim(factory, post, media_id, lease=post.lease_until) for post in posts)
            )

            async with unit_of_work(factory, immediate=False) as session:
                stored = [(await session.get_one(SocialPost, post_id)).platform_post_id for post_id in ids]
        assert sorted(won) == [False, True]
        assert sorted(stored, key=str) == sorted([media_id, None], key=str)


async def stored_media_id(publisher: Publisher, post_id: int) -> str | None:
    async with unit_of_work(publisher.app.state.resources.session_factory, immediate=False) as session:
        return (await session.get_one(SocialPost, post_id)).platform_post_id


async def in_memory(publisher: Publisher, post_id: int) -> SocialPost:
    """The post as a worker holds it between steps (detached from any session)."""
    async with unit_of_work(publisher.app.state.resources.session_factory, immediate=False) as session:
        return await session.get_one(SocialPost, post_id)


class TestClaimUnderTheLease:
    async def test_a_worker_whose_lease_was_taken_over_records_no_media_id(
        self, publisher: Publisher
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Leased")
        post_id = int(created.json()["id"])
        await publisher.publish(post_id)
        stale_lease = dict(await claim(publisher))[post_id]
        stale = await in_memory(publisher, post_id)
        current_lease = dict(await claim(publisher, after_lease=True))[post_id]
        factory = publisher.app.state.resources.session_factory

        stale_won = await recovery.claim(factory, stale, "17900000000000002", lease=stale_lease)
        stored_after_stale = await stored_media_id(publisher, post_id)
        owner_won = await recovery.claim(
            factory, await in_memory(publisher, post_id), "17900000000000003", lease=current_lease
        )

        assert stale_lease != current_lease
        assert stale_won is False
        assert stale.platform_post_id is None
        assert stored_after_stale is None
        assert owner_won is True
        assert await stored_media_id(publisher, post_id) == "17900000000000003"

    async def test_a_recorded_media_id_is_never_overwritten(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Recorded")
        post_id = int(created.json()["id"])
        await publisher.publish(post_id)
        lease = dict(await claim(publisher))[post_id]
        first, second = await in_memory(publisher, post_id), await in_memory(publisher, post_id)
        factory = publisher.app.state.resources.session_factory

        first_won = await recovery.claim(factory, first, "17900000000000004", lease=lease)
        second_won = await recovery.claim(factory, second, "17900000000000005", lease=lease)

        assert (first_won, second_won) == (True, False)
        assert second.platform_post_id is None
        assert await stored_media_id(publisher, post_id) == "17900000000000004"
