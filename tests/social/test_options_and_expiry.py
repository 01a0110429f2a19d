"""Options reach Instagram (read back from `/_admin/published`); expired containers are recreated once."""

from __future__ import annotations

import json
from datetime import timedelta

from clipper.db import unit_of_work, utcnow
from clipper.social import sweep
from clipper.social.engine import Engine
from tests.fixtures.media_factory import jpeg, mp4
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.publish_helpers import Publisher, until_done

KNOWN_LOCATIONS = ("106078429431815", "110774245616525")


class TestExpiredContainers:
    async def test_a_container_older_than_24_hours_is_recreated_and_published_once(
        self, publisher: Publisher
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Late")
        await publisher.publish(created.json()["id"])
        resources = publisher.app.state.resources
        async with unit_of_work(resources.session_factory) as session:
            [(post_id, lease)] = await sweep.claim_due(session, lease_seconds=300, batch=10)
        await Engine(resources).run(post_id=post_id, lease_until=lease, max_steps=1)
        first = (await publisher.post(post_id))["container_id"]
        await publisher.admin("POST", "clock/advance", {"seconds": 25 * 3600})
        async with unit_of_work(resources.session_factory) as session:
            later = utcnow() + timedelta(seconds=301)
            [(same, takeover)] = await sweep.claim_due(session, lease_seconds=300, batch=10, now=later)

        await Engine(resources).run(post_id=same, lease_until=takeover)
        done = await until_done(publisher, post_id)

        assert done["status"] == "published", done
        assert first
        assert done["container_id"] != first
        assert "container_expired" in [entry["event"] for entry in done["timeline"]]
        published = await publisher.published()
        assert [item["container_id"] for item in published] == [done["container_id"]]


class TestOptionsReachInstagram:
    async def test_an_image_with_a_location(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, options={"location_id": KNOWN_LOCATIONS[1]}
        )
        assert created.status_code == 201, created.text
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"])

        assert done["status"] == "published", done
        [item] = await publisher.published()
        assert item["params"]["location_id"] == KNOWN_LOCATIONS[1]

    async def test_a_reel_with_location_user_tags_trial_and_thumbnail_offset(
        self, publisher: Publisher
    ) -> None:
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        created = await publisher.create(
            media_type="REELS",
            clip_id=video,
            caption="Options",
            options={
                "location_id": KNOWN_LOCATIONS[0],
                "user_tags": [{"username": "friend"}],
                "trial_graduation": "SS_PERFORMANCE",
                "thumb_offset_ms": 1500,
            },
        )
        assert created.status_code == 201, created.text
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"])

        assert done["status"] == "published", done
        [item] = await publisher.published()
        params = item["params"]
        assert params["location_id"] == KNOWN_LOCATIONS[0]
        assert json.loads(params["user_tags"]) == [{"username": "friend"}]
        assert json.loads(params["trial_params"]) == {"graduation_strategy": "SS_PERFORMANCE"}
        assert str(params["thumb_offset"]) == "1500"

    async def test_a_trial_reel_on_an_ineligible_account_fails_with_the_reason(
        self, publisher: Publisher
    ) -> None:
        world = sandbox_of(publisher.app).world
        world.ig_users[publisher.account["platform_account_id"]].trial_reels_eligible = False
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        created = await publisher.create(
            media_type="REELS", clip_id=video, options={"trial_graduation": "MANUAL"}
        )
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"])

        assert done["status"] == "failed"
        assert "not eligible for trial reels" in done["error_message"]
        assert await publisher.published() == []
