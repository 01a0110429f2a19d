"""Two posts recovery cannot tell apart (two stories, which carry no caption, or two feed posts of one
type with the same caption) are never unconfirmed at once: the second waits until the first is confirmed,
so recovery can never give one the other's media."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.media_factory import jpeg
from tests.social.crash_helpers import fault, make_due
from tests.social.publish_helpers import Publisher, run_due, until_done
from tests.social.test_unconfirmed_recovery import last_published_id, not_listed


async def new_post(publisher: Publisher, clip_id: int, **fields: Any) -> int:
    created = await publisher.create(**({"media_type": "STORIES", "clip_id": clip_id} | fields))
    assert created.status_code == 201, created.text
    post_id = int(created.json()["id"])
    await publisher.publish(post_id)
    return post_id


LOOK_ALIKES = {
    "stories": ({"media_type": "STORIES"}, (1080, 1920)),
    "images with one caption": ({"media_type": "IMAGE", "caption": "Link in bio"}, (320, 320)),
}


class TestLookAlikePosts:
    @pytest.mark.parametrize(("fields", "size"), LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
    async def test_a_post_waits_while_a_look_alike_is_unconfirmed(
        self, publisher: Publisher, fields: dict[str, Any], size: tuple[int, int]
    ) -> None:
        clip_id = await publisher.clip(jpeg(*size), "photo.jpg")
        await fault(publisher, action="drop_after", path="media_publish$")
        first = await new_post(publisher, clip_id, **fields)
        await run_due(publisher.app)
        first_media = await last_published_id(publisher)
        with not_listed(publisher, first_media):
            await make_due(publisher, first, sent_seconds_ago=60)
            second = await new_post(publisher, clip_id, **fields)
            await run_due(publisher.app)
            held = await publisher.post(second)
            unconfirmed = await publisher.post(first)
            published_meanwhile = await publisher.published()

        await make_due(publisher, first)
        first_done = await until_done(publisher, first)
        await make_due(publisher, second)
        second_done = await until_done(publisher, second)
        published = {item["container_id"]: item["media_id"] for item in await publisher.published()}

        assert unconfirmed["status"] == "unconfirmed"
        assert held["status"] == "publishing"
        assert held["timeline"][-1]["event"] == "publish_held"
        assert held["next_step"].startswith("Waiting until Instagram confirms another post")
        # No status read of the held post's container before the look-alike is checked again.
        assert datetime.fromisoformat(held["next_attempt_at"]) > datetime.fromisoformat(
            unconfirmed["next_attempt_at"]
        )
        assert [item["media_id"] for item in published_meanwhile] == [first_media]
        assert first_done["platform_post_id"] == first_media == published[first_done["container_id"]]
        assert second_done["status"] == "published", second_done["timeline"]
        assert second_done["platform_post_id"] == published[second_done["container_id"]]

    async def test_stories_with_nothing_unconfirmed_go_out_at_once(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1920), "story.jpg")
        ids = [await new_post(publisher, clip_id) for _ in range(3)]

        await run_due(publisher.app)
        posts = [await publisher.post(post_id) for post_id in ids]

        assert [post["status"] for post in posts] == ["published"] * 3
        assert not any(entry["event"] == "publish_held" for post in posts for entry in post["timeline"])

    async def test_a_post_with_its_own_caption_is_not_held(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
        await fault(publisher, action="drop_after", path="media_publish$")
        first = await new_post(publisher, clip_id, media_type="IMAGE", caption="Link in bio")
        await run_due(publisher.app)
        with not_listed(publisher, await last_published_id(publisher)):
            await make_due(publisher, first, sent_seconds_ago=60)
            second = await new_post(publisher, clip_id, media_type="IMAGE", caption="Another caption")
            await run_due(publisher.app)
            other = await publisher.post(second)

        assert (await publisher.post(first))["status"] == "unconfirmed"
        assert other["status"] == "published", other["timeline"]
