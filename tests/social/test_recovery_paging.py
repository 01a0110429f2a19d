"""Recovery finds a post's media however many newer media the account has (it pages back in time).

A lost `media_publish` answer leaves the post unconfirmed; by the time it is checked again the account
has published 120 newer media (a burst of posts, or posts from the phone), so its media is pages away
from the most recent ones.
"""

from __future__ import annotations

from datetime import timedelta

from graph_sandbox.world import Media
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.crash_helpers import fault, make_due
from tests.social.publish_helpers import Publisher, run_due, until_done

NEWER = 120


def bury(publisher: Publisher, under: Media, count: int) -> None:
    """`count` newer media of the account, each a second apart, none of which can be the post's."""
    world = sandbox_of(publisher.app).world
    for second in range(1, count + 1):
        media = Media(
            id=world.ids.media(),
            ig_user_id=under.ig_user_id,
            media_type="IMAGE",
            media_product_type="FEED",
            caption=f"from the phone {second}",
            timestamp=under.timestamp + timedelta(seconds=second),
            shortcode=world.ids.shortcode(),
            permalink=f"https://www.instagram.com/p/phone{second}/",
        )
        world.media[media.id] = media


class TestRecoveryPagesBack:
    async def test_a_post_with_120_newer_media_is_recovered_with_its_permalink_and_one_comment(
        self, publisher: Publisher
    ) -> None:
        await fault(publisher, action="drop_after", path="media_publish$")
        clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
        created = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, caption="Buried", options={"first_comment": "first!"}
        )
        post_id = int(created.json()["id"])
        await publisher.publish(post_id)
        await run_due(publisher.app)
        lost = await publisher.post(post_id)
        world = sandbox_of(publisher.app).world
        ours = world.media[str((await publisher.published())[-1]["media_id"])]
        bury(publisher, ours, NEWER)

        await make_due(publisher, post_id, sent_seconds_ago=60)
        done = await until_done(publisher, post_id)

        comments = [c for c in world.comments.values() if c.media_id == ours.id and c.text == "first!"]
        assert lost["status"] == "unconfirmed"
        assert done["status"] == "published", done["timeline"]
        assert done["platform_post_id"] == ours.id
        assert done["platform_url"] == ours.permalink
        assert [c.id for c in comments] == [done["first_comment_id"]]
