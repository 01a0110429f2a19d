"""Pausing holds an account's queued posts (the engine does not publish them); resuming reschedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from clipper.db import unit_of_work
from clipper.social import sweep
from clipper.social.engine import Engine
from clipper.social.models import SocialPost
from tests.queue.queue_helpers import EVERY_HOUR, Queue, when
from tests.social.publish_helpers import run_due, until_done


async def move_to(queue: Queue, post_id: int, moment: datetime, *, due: bool) -> None:
    """Put the post's slot at `moment` (in the past, as if its time had come while paused)."""
    values = {"scheduled_for": moment, **({"next_attempt_at": moment} if due else {})}
    async with unit_of_work(queue.publisher.app.state.resources.session_factory) as session:
        await session.execute(update(SocialPost).where(SocialPost.id == post_id).values(**values))


class TestPause:
    async def test_a_held_post_whose_slot_passed_is_not_published_until_resumed(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        post = await queue.add(caption="held")
        paused = await queue.ok("POST", "/pause")
        assert paused["paused"]
        assert [p["held"] for p in paused["posts"]] == [True]
        held = await queue.publisher.post(post["id"])
        assert held["next_attempt_at"] is None
        assert held["next_step"] == "Held: the account's posting queue is paused."

        past = datetime.now(UTC) - timedelta(hours=2)
        await move_to(queue, post["id"], past, due=False)
        assert await run_due(queue.publisher.app) == 0
        assert (await queue.publisher.post(post["id"]))["status"] == "scheduled"
        assert await queue.publisher.published() == []

        before = datetime.now(UTC)
        resumed = await queue.ok("POST", "/resume")
        assert not resumed["paused"]
        [again] = resumed["posts"]
        assert not again["held"]
        assert when(again["scheduled_for"]) > before
        assert when(again["scheduled_for"]) - before <= timedelta(hours=6)
        rescheduled = await queue.publisher.post(post["id"])
        assert rescheduled["next_attempt_at"] == rescheduled["scheduled_for"]

        # Running again, the same post is published once its (new) time comes.
        await move_to(queue, post["id"], datetime.now(UTC), due=True)
        assert (await until_done(queue.publisher, post["id"]))["status"] == "published"
        assert len(await queue.publisher.published()) == 1

    async def test_a_future_slot_is_kept_on_resume_and_posts_added_while_paused_are_held(
        self, queue: Queue
    ) -> None:
        await queue.set_slots(EVERY_HOUR)
        first = await queue.add()
        await queue.ok("POST", "/pause")
        second = await queue.add()
        assert second["next_attempt_at"] is None
        assert second["queued"]
        # An edit does not release a held post.
        edited = await queue.publisher.client.put(
            f"/api/v1/social/{second['id']}", json={"caption": "edited"}, headers=queue.publisher.headers
        )
        assert edited.json()["next_attempt_at"] is None
        # The order can change while paused; the posts stay held.
        body = await queue.ok("PUT", "/order", {"post_ids": [second["id"], first["id"]]})
        assert [p["held"] for p in body["posts"]] == [True, True]
        assert [p["scheduled_for"] for p in body["posts"]] == [
            first["scheduled_for"],
            second["scheduled_for"],
        ]

        resumed = await queue.ok("POST", "/resume")
        assert [(p["id"], p["scheduled_for"], p["held"]) for p in resumed["posts"]] == [
            (second["id"], first["scheduled_for"], False),
            (first["id"], second["scheduled_for"], False),
        ]
        assert (await queue.publisher.post(first["id"]))["next_attempt_at"] == second["scheduled_for"]

    async def test_publish_now_takes_a_held_post_out_of_the_queue(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        post = await queue.add()
        await queue.ok("POST", "/pause")
        await queue.publisher.publish(post["id"])
        assert (await queue.ok("GET"))["posts"] == []
        assert (await until_done(queue.publisher, post["id"]))["status"] == "published"

    async def test_a_post_a_worker_already_claimed_is_not_held_and_publishes_once(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        post = await queue.add(caption="claimed")
        await move_to(queue, post["id"], datetime.now(UTC), due=True)
        resources = queue.publisher.app.state.resources
        async with unit_of_work(resources.session_factory) as session:
            [(claimed, lease)] = await sweep.claim_due(session, lease_seconds=300, batch=10)
        assert claimed == post["id"]

        paused = await queue.ok("POST", "/pause")
        assert [p["held"] for p in paused["posts"]] == [False]
        await Engine(resources).run(post_id=claimed, lease_until=lease)
        assert (await until_done(queue.publisher, post["id"]))["status"] == "published"
        assert len(await queue.publisher.published()) == 1
        assert (await queue.ok("GET"))["posts"] == []

    async def test_on_resume_a_passed_post_skips_the_slots_other_posts_sit_at(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        first, second = await queue.add(caption="first"), await queue.add(caption="second")
        await queue.ok("POST", "/pause")
        await move_to(queue, first["id"], datetime.now(UTC) - timedelta(hours=1), due=False)
        manual = await queue.publisher.create(clip_id=queue.clip_id, scheduled_for=first["scheduled_for"])
        assert manual.status_code == 201, manual.text

        resumed = await queue.ok("POST", "/resume")
        times = {p["id"]: when(p["scheduled_for"]) for p in resumed["posts"]}
        assert times[second["id"]] == when(second["scheduled_for"])
        assert times[first["id"]] == when(second["scheduled_for"]) + timedelta(hours=6)
        assert [p["id"] for p in resumed["posts"]] == [second["id"], first["id"]]
