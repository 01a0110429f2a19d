"""A worker killed at any point of the flow loses nothing and publishes nothing twice, for every media type.

Each post is killed once per point: right after its k-th Graph call (the call's effect stays at Meta, the
step's commit never happens), and right after its k-th committed step; another worker then takes the post
over when the lease runs out. The sandbox must hold exactly one media per post. These tests use an app
on its own database (real commits), since cancelling a task mid-query must not touch the shared
savepoint connection of the other tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from clipper.config import Settings
from tests.fixtures.media_factory import jpeg, mp4
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.crash_helpers import killed_run, recover
from tests.social.live_app import live_publisher
from tests.social.publish_helpers import Publisher

Body = Callable[[Publisher, str], Awaitable[dict[str, Any]]]


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Publisher]:
    async with live_publisher(settings, worker_embedded=False) as publisher:
        yield publisher


async def image(publisher: Publisher, caption: str) -> dict[str, Any]:
    clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
    return {"media_type": "IMAGE", "clip_id": clip_id, "caption": caption, "options": {"first_comment": "hi"}}


async def carousel(publisher: Publisher, caption: str) -> dict[str, Any]:
    clips = [
        await publisher.clip(jpeg(320, 320), "a.jpg"),
        await publisher.clip(mp4(160, 160, seconds=3.0), "b.mp4"),
    ]
    return {"media_type": "CAROUSEL", "clip_ids": clips, "caption": caption}


async def reel(publisher: Publisher, caption: str) -> dict[str, Any]:
    await publisher.admin("PATCH", "config", {"video_processing_seconds": 0.3})
    video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
    return {"media_type": "REELS", "clip_id": video, "caption": caption}


async def image_story(publisher: Publisher, _caption: str) -> dict[str, Any]:
    return {"media_type": "STORIES", "clip_id": await publisher.clip(jpeg(320, 568), "story.jpg")}


async def video_story(publisher: Publisher, _caption: str) -> dict[str, Any]:
    return {"media_type": "STORIES", "clip_id": await publisher.clip(mp4(90, 160, seconds=3.0), "story.mp4")}


MEDIA = {
    "image": image,
    "carousel": carousel,
    "reel": reel,
    "image_story": image_story,
    "video_story": video_story,
}


async def new_post(publisher: Publisher, body: dict[str, Any], caption: str) -> int:
    if "caption" in body:
        body = {**body, "caption": caption}
    created = await publisher.create(**body)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    return int(created.json()["id"])


async def assert_each_published_once(publisher: Publisher, done: list[dict[str, Any]]) -> None:
    assert {post["status"] for post in done} == {"published"}, [p["timeline"] for p in done]
    media_ids = sorted(post["platform_post_id"] for post in done)
    published = await publisher.published()
    assert sorted(item["media_id"] for item in published) == media_ids
    assert len(set(media_ids)) == len(done)
    world = sandbox_of(publisher.app).world
    for post in done:
        text = post["options"].get("first_comment")
        if text:
            comments = [c.id for c in world.comments_of(post["platform_post_id"]) if c.text == text]
            assert comments == [post["first_comment_id"]], post["timeline"]


@pytest.mark.parametrize("media", sorted(MEDIA))
class TestKilledWorker:
    async def test_killed_after_each_graph_call_then_recovered(self, live: Publisher, media: str) -> None:
        body = await MEDIA[media](live, "")
        done = []
        for kill_at in range(1, 30):
            post_id = await new_post(live, body, f"{media} killed after call {kill_at}")
            killed = await killed_run(live, post_id, kill_at=kill_at)
            done.append(await recover(live, post_id))
            if not killed:
                break
        assert len(done) >= 3
        await assert_each_published_once(live, done)

    async def test_killed_after_each_committed_step_then_recovered(self, live: Publisher, media: str) -> None:
        body = await MEDIA[media](live, "")
        done = []
        for steps in range(1, 12):
            post_id = await new_post(live, body, f"{media} killed after step {steps}")
            await killed_run(live, post_id, kill_at=None, max_steps=steps)
            done.append(await recover(live, post_id))
        await assert_each_published_once(live, done)

    async def test_a_dropped_container_create_and_a_dropped_publish(
        self, live: Publisher, media: str
    ) -> None:
        body = await MEDIA[media](live, "")
        done = []
        for action, path in (
            ("drop_before", "/media$"),
            ("drop_after", "/media$"),
            ("drop_after", "media_publish"),
        ):
            await live.admin("POST", "faults", {"action": action, "path": path, "method": "POST", "times": 1})
            post_id = await new_post(live, body, f"{media} {action} {path}")
            done.append(await recover(live, post_id))
        await assert_each_published_once(live, done)
        timelines = [[entry["event"] for entry in post["timeline"]] for post in done]
        assert "publish_unconfirmed" in timelines[2]
