"""Publishing failures, quota waits and crash recovery against the sandbox (the happy path of every media
type, read back through Graph, is in test_readback.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.media_factory import jpeg, mp4
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.crash_helpers import make_due
from tests.social.publish_helpers import Publisher, run_due, until_done

PROCESSING_ERRORS = [
    (2207026, "The video format is not supported: use an MP4 or MOV (H.264 or HEVC, AAC audio)."),
    (2207077, "Instagram could not download the video. Make sure its host supports range requests."),
    (
        2207999,
        "Instagram could not process the media (Error: Media upload has failed with error code 2207999). "
        "Convert the clip with Clips → Conform and publish again.",
    ),
]


class TestFailures:
    @pytest.mark.parametrize(("subcode", "message"), PROCESSING_ERRORS)
    async def test_video_processing_error_fails_with_the_fix(
        self, publisher: Publisher, subcode: int, message: str
    ) -> None:
        await publisher.admin("PATCH", "config", {"video_processing_seconds": 1})
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        created = await publisher.create(media_type="REELS", clip_id=video)
        await publisher.publish(created.json()["id"])
        await run_due(publisher.app)
        post = await publisher.post(created.json()["id"])
        assert post["container_id"]
        await publisher.admin(
            "POST", f"containers/{post['container_id']}/outcome", {"status_code": "ERROR", "subcode": subcode}
        )

        done = await until_done(publisher, created.json()["id"])

        assert done["status"] == "failed"
        assert done["last_error_code"] == f"ERROR/{subcode}"
        assert done["error_message"] == message
        assert await publisher.published() == []

    async def test_an_exhausted_quota_makes_the_post_wait(self, publisher: Publisher) -> None:
        await publisher.admin("PATCH", "config", {"publish_quota": 0})
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id)
        await publisher.publish(created.json()["id"])

        await run_due(publisher.app)

        post = await publisher.post(created.json()["id"])
        assert post["status"] == "scheduled"
        assert "limit" in post["error_message"]
        assert await publisher.published() == []


async def carousel_waiting_on_its_video(publisher: Publisher) -> dict[str, Any]:
    """A carousel whose children are created and whose video child is still processing."""
    await publisher.admin("PATCH", "config", {"video_processing_seconds": 600})
    clips = [
        await publisher.clip(jpeg(320, 320), "a.jpg"),
        await publisher.clip(mp4(160, 160, seconds=3.0), "b.mp4"),
    ]
    created = await publisher.create(media_type="CAROUSEL", clip_ids=clips, caption="Album")
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    await run_due(publisher.app)
    post = await publisher.post(created.json()["id"])
    assert post["container_id"] is None
    assert len(post["container_ids"]) == 2
    return post


class TestCarouselChildren:
    async def test_a_child_in_error_fails_the_carousel_with_the_fix(self, publisher: Publisher) -> None:
        post = await carousel_waiting_on_its_video(publisher)
        video_child = post["container_ids"][1]
        await publisher.admin(
            "POST", f"containers/{video_child}/outcome", {"status_code": "ERROR", "subcode": 2207026}
        )
        await publisher.admin("POST", "clock/advance", {"seconds": 601})  # its processing time is over

        await make_due(publisher, post["id"])
        await run_due(publisher.app)
        done = await publisher.post(post["id"])

        assert done["status"] == "failed", done["timeline"]
        assert done["last_error_code"] == "ERROR/2207026"
        assert done["error_message"] == PROCESSING_ERRORS[0][1]
        assert done["container_id"] is None
        assert await publisher.published() == []

    async def test_an_expired_child_makes_new_containers(self, publisher: Publisher) -> None:
        post = await carousel_waiting_on_its_video(publisher)
        await publisher.admin("POST", "clock/advance", {"seconds": 25 * 3600})
        await publisher.admin("PATCH", "config", {"video_processing_seconds": 0})

        await make_due(publisher, post["id"])
        done = await until_done(publisher, post["id"])

        assert done["status"] == "published", done["timeline"]
        assert "container_expired" in [entry["event"] for entry in done["timeline"]]
        assert not set(done["container_ids"]) & set(post["container_ids"])
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]
        assert published[0]["container_id"] == done["container_id"]


class TestCrashRecovery:
    async def test_a_dropped_media_publish_is_reconciled_without_publishing_twice(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("POST", "faults", {"action": "drop_after", "path": "media_publish", "times": 1})
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Dropped")
        await publisher.publish(created.json()["id"])

        await run_due(publisher.app)
        unconfirmed = await publisher.post(created.json()["id"])
        done = await until_done(publisher, created.json()["id"])

        assert unconfirmed["status"] == "unconfirmed"
        assert done["status"] == "published", done
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]


class TestStoppedAfterEachStep:
    """A worker dies right after any committed step; another takes the post over when the lease expires."""

    async def _stop_after(self, publisher: Publisher, steps: int, **post: object) -> dict[str, object]:
        from datetime import timedelta

        from clipper.db import unit_of_work, utcnow
        from clipper.social import sweep
        from clipper.social.engine import Engine

        created = await publisher.create(**post)
        assert created.status_code == 201, created.text
        await publisher.publish(created.json()["id"])
        resources = publisher.app.state.resources
        async with unit_of_work(resources.session_factory) as session:
            [(post_id, lease)] = await sweep.claim_due(session, lease_seconds=300, batch=10)
        await Engine(resources).run(post_id=post_id, lease_until=lease, max_steps=steps)
        async with unit_of_work(resources.session_factory) as session:
            later = utcnow() + timedelta(seconds=301)
            taken = await sweep.claim_due(session, lease_seconds=300, batch=10, now=later)
        for same, takeover in taken:
            await Engine(resources).run(post_id=same, lease_until=takeover)
        return await until_done(publisher, post_id)

    async def test_an_image_post_is_published_once_whatever_step_the_worker_died_after(
        self, publisher: Publisher
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        done = []
        for steps in range(1, 6):
            done.append(
                await self._stop_after(
                    publisher,
                    steps,
                    media_type="IMAGE",
                    clip_id=clip_id,
                    caption=f"Step {steps}",
                    options={"first_comment": "hello"},
                )
            )

        assert {post["status"] for post in done} == {"published"}, done
        published = await publisher.published()
        assert sorted(item["media_id"] for item in published) == sorted(p["platform_post_id"] for p in done)
        world = sandbox_of(publisher.app).world
        for post in done:
            comments = world.comments_of(post["platform_post_id"])
            assert [comment.id for comment in comments] == [post["first_comment_id"]]

    async def test_a_carousel_is_published_once_whatever_step_the_worker_died_after(
        self, publisher: Publisher
    ) -> None:
        clips = [
            await publisher.clip(jpeg(1080, 1080), "a.jpg"),
            await publisher.clip(mp4(160, 160, seconds=3.0), "b.mp4"),
        ]
        done = []
        for steps in range(1, 9):
            done.append(
                await self._stop_after(
                    publisher, steps, media_type="CAROUSEL", clip_ids=clips, caption=f"Carousel {steps}"
                )
            )

        assert {post["status"] for post in done} == {"published"}, done
        published = await publisher.published()
        assert sorted(item["media_id"] for item in published) == sorted(p["platform_post_id"] for p in done)
