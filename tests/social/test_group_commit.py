"""Saves of posts in flight together are written by one transaction on SQLite (`persist._grouped`), and
each still gets its own verdict: written, lease lost, or held back by its guard."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from clipper.db import unit_of_work, utcnow
from clipper.social import persist, recovery, sweep, timeline
from clipper.social.models import PostStatus, SocialPost
from tests.fixtures.media_factory import jpeg
from tests.social.publish_helpers import Publisher


async def _claimed_pair(publisher: Publisher, caption: str) -> list[persist.Claimed]:
    """Two due image posts with `caption`, claimed and loaded as the engine holds them."""
    clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
    for _ in range(2):
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption=caption)
        assert created.status_code == 201, created.text
        await publisher.publish(int(created.json()["id"]))
    factory = publisher.app.state.resources.session_factory
    async with unit_of_work(factory) as session:
        claimed = await sweep.claim_due(session, lease_seconds=300, batch=10)
    loaded = [await persist.load(factory, post_id, lease) for post_id, lease in claimed]
    assert len(loaded) == 2
    return [item for item in loaded if item is not None]


def _reserve(post: SocialPost) -> persist.Guard:
    """The engine's intent-to-publish guard (`Engine._ready`)."""

    async def reserve(session: object) -> persist.Held | None:
        held = await recovery.look_alike_held(session, post)  # type: ignore[arg-type]
        if held is None:
            post.publish_sent_at = utcnow()
            timeline.add(post, "publish_sent", post.container_id)
        return held

    return reserve


async def _together(
    publisher: Publisher, saves: list[tuple[persist.Claimed, persist.Guard | None]]
) -> list[object]:
    """Queue every save while the writer is busy, so one group writes them all (SQLite). PostgreSQL writes
    each in its own transaction; the tests' sessions share one connection there, so one after the other."""
    factory = publisher.app.state.resources.session_factory
    if factory.kw["bind"].dialect.name != "sqlite":
        return [await persist.save(factory, claimed, guard=guard) for claimed, guard in saves]
    async with persist.one_writer(factory):
        running = [
            asyncio.create_task(persist.save(factory, claimed, guard=guard)) for claimed, guard in saves
        ]
        await asyncio.sleep(0.05)
    return list(await asyncio.gather(*running))


class TestGroupCommit:
    async def test_a_look_alike_in_the_same_group_is_held_not_sent(self, publisher: Publisher) -> None:
        first, second = await _claimed_pair(publisher, "Link in bio")
        for claimed in (first, second):
            claimed.post.container_id = f"c{claimed.post.id}"
            claimed.post.status = PostStatus.PUBLISHING

        verdicts = await _together(
            publisher, [(first, _reserve(first.post)), (second, _reserve(second.post))]
        )

        # Exactly one intent is written (which one is the order of the writes: SQLite groups them,
        # PostgreSQL serializes them on the account row); the other is held back, nothing of it written.
        sent = [
            claimed for claimed, verdict in zip((first, second), verdicts, strict=True) if verdict is True
        ]
        held = [
            claimed for claimed, verdict in zip((first, second), verdicts, strict=True) if verdict is not True
        ]
        assert len(sent) == 1
        assert len(held) == 1
        assert isinstance(verdicts[(first, second).index(held[0])], persist.Held)
        assert held[0].post.publish_sent_at is None
        events = {
            c.post.id: [e["event"] for e in (await publisher.post(c.post.id))["timeline"]]
            for c in sent + held
        }
        assert "publish_sent" in events[sent[0].post.id]
        assert "publish_sent" not in events[held[0].post.id]

    async def test_a_lost_lease_fails_only_its_own_save(self, publisher: Publisher) -> None:
        kept, lost = await _claimed_pair(publisher, "Two captions")
        factory = publisher.app.state.resources.session_factory
        async with unit_of_work(factory) as session:
            await session.execute(
                update(SocialPost).where(SocialPost.id == lost.post.id).values(lease_until=None)
            )
        for claimed in (kept, lost):
            claimed.post.container_id = f"c{claimed.post.id}"

        verdicts = await _together(publisher, [(kept, None), (lost, None)])

        assert verdicts == [True, False]
        assert kept.lease == kept.post.lease_until
        stored = {claimed.post.id: await publisher.post(claimed.post.id) for claimed in (kept, lost)}
        assert stored[kept.post.id]["container_id"] == f"c{kept.post.id}"
        assert stored[lost.post.id]["container_id"] is None
