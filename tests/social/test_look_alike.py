"""Two stories (no caption to tell them apart) are never unconfirmed at once: the second waits until the
first is confirmed, so recovery can never give one the other's media."""

from __future__ import annotations

from media_factory import jpeg
from social.crash_helpers import fault, make_due
from social.publish_helpers import Publisher, run_due, until_done
from social.test_unconfirmed_recovery import last_published_id, not_listed


async def story(publisher: Publisher, clip_id: int) -> int:
    created = await publisher.create(media_type="STORIES", clip_id=clip_id)
    assert created.status_code == 201, created.text
    post_id = int(created.json()["id"])
    await publisher.publish(post_id)
    return post_id


class TestLookAlikePosts:
    async def test_a_story_waits_while_another_story_is_unconfirmed(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1920), "story.jpg")
        await fault(publisher, action="drop_after", path="media_publish$")
        first = await story(publisher, clip_id)
        await run_due(publisher.app)
        first_media = await last_published_id(publisher)
        with not_listed(publisher, first_media):
            await make_due(publisher, first, sent_seconds_ago=60)
            second = await story(publisher, clip_id)
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
        assert [item["media_id"] for item in published_meanwhile] == [first_media]
        assert first_done["platform_post_id"] == first_media == published[first_done["container_id"]]
        assert second_done["status"] == "published", second_done["timeline"]
        assert second_done["platform_post_id"] == published[second_done["container_id"]]

    async def test_stories_with_nothing_unconfirmed_go_out_at_once(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1920), "story.jpg")
        ids = [await story(publisher, clip_id) for _ in range(3)]

        await run_due(publisher.app)
        posts = [await publisher.post(post_id) for post_id in ids]

        assert [post["status"] for post in posts] == ["published"] * 3
        assert not any(entry["event"] == "publish_held" for post in posts for entry in post["timeline"])
