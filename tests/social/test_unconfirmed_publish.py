"""A publish whose outcome is unknown is reconciled, never published twice (DESIGN.md §5, issue 4).

`media_publish` calls are counted by a sandbox fault rule that matches them and does nothing (latency
0, never used up): its `hits` is the number of publish calls the sandbox received. Time passes for the
engine deterministically: a post is made due again by moving its `next_attempt_at` to now, and the
grace window is passed by moving its `publish_sent_at` back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from clipper.db import unit_of_work, utcnow
from clipper.instagram.error_mapping import error_from_response
from clipper.social.models import PostStatus, SocialPost
from clipper.social.transitions import refused_publish
from graph_sandbox.world import Media
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram, sandbox_of
from tests.social.crash_helpers import count_publish_calls, fault, make_due
from tests.social.publish_helpers import API, Publisher, run_due, until_done

GRACE = 600.0


def use_grace_window(publisher: Publisher, seconds: float = GRACE) -> None:
    resources = publisher.app.state.resources
    resources.settings = resources.settings.model_copy(update={"publish_unconfirmed_grace_seconds": seconds})


async def image_post(publisher: Publisher, caption: str | None) -> int:
    clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
    created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption=caption)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    return int(created.json()["id"])


async def edit_caption(publisher: Publisher, post_id: int) -> httpx.Response:
    return await publisher.client.put(f"{API}{post_id}", json={"caption": "x"}, headers=publisher.headers)


def events(post: dict[str, Any]) -> list[str]:
    return [entry["event"] for entry in post["timeline"]]


async def unconfirmed_after_check(publisher: Publisher, post_id: int) -> dict[str, Any]:
    await make_due(publisher, post_id)
    await run_due(publisher.app)
    post = await publisher.post(post_id)
    assert post["status"] == "unconfirmed", post["timeline"]
    return post


class TestLostPublishCall:
    async def test_a_publish_that_never_reached_meta_is_resent_once_only_after_the_grace_window(
        self, publisher: Publisher
    ) -> None:
        # `drop_before`: the handler never ran, but the server read the request, so the client cannot
        # prove it was not executed (a refused connection can: test_unsent_publish).
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action="drop_before", path="media_publish$")
        post_id = await image_post(publisher, "Never landed")

        await run_due(publisher.app)
        first = await publisher.post(post_id)
        rechecked = [await unconfirmed_after_check(publisher, post_id) for _ in range(3)]

        assert first["status"] == "unconfirmed"
        assert "Checking again at" in rechecked[-1]["error_message"]
        assert await publish_calls() == 1
        assert await publisher.published() == []

        await make_due(publisher, post_id, sent_seconds_ago=GRACE + 1)
        done = await until_done(publisher, post_id)

        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 2
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]
        assert published[0]["container_id"] == done["container_id"] == first["container_id"]
        assert events(done).count("container_created") == 1
        assert events(done).count("publish_resent") == 1

    async def test_a_publish_whose_answer_was_lost_is_recovered_without_a_second_call(
        self, publisher: Publisher
    ) -> None:
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action="drop_after", path="media_publish$")
        post_id = await image_post(publisher, "Landed, answer lost")

        await run_due(publisher.app)
        unconfirmed = await publisher.post(post_id)
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert unconfirmed["status"] == "unconfirmed"
        assert done["status"] == "published", done["timeline"]
        assert "media_recovered" in events(done)
        assert "publish_resent" not in events(done)
        assert await publish_calls() == 1
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]


class TestNeverFailedWhileItMayBePublished:
    async def test_errors_while_reconciling_keep_the_post_unconfirmed_until_it_is_confirmed(
        self, publisher: Publisher
    ) -> None:
        publish_calls = await count_publish_calls(publisher)
        attempts = publisher.app.state.resources.settings.publish_max_attempts + 2
        await fault(publisher, action="drop_after", path="media_publish$")
        # The recent-media read that would find the media fails at every check, past the attempts limit.
        await fault(publisher, action="error", method="GET", path="/media$", code=100, times=attempts)
        post_id = await image_post(publisher, "Cannot confirm")
        await run_due(publisher.app)

        checked = [await unconfirmed_after_check(publisher, post_id) for _ in range(attempts)]
        retried = await publisher.client.post(f"{API}{post_id}/publish", headers=publisher.headers)
        edited = await publisher.client.put(
            f"{API}{post_id}", json={"caption": "x"}, headers=publisher.headers
        )

        assert "may have published this post" in checked[-1]["error_message"]
        assert "Checking again at" in checked[-1]["error_message"]
        assert "failed" not in events(checked[-1])
        assert checked[-1]["attempts"] >= attempts
        assert retried.status_code == 409
        assert edited.status_code == 409

        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 1
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]

    async def test_a_refused_token_while_reconciling_asks_to_reconnect_and_never_fails_the_post(
        self, publisher: Publisher
    ) -> None:
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action="drop_after", path="media_publish$")
        await fault(publisher, action="error", method="GET", path="/media$", code=190, message="expired")
        post_id = await image_post(publisher, "Token refused")
        await run_due(publisher.app)

        refused = await unconfirmed_after_check(publisher, post_id)
        still = await unconfirmed_after_check(publisher, post_id)
        await connect_instagram(publisher.client, publisher.headers)
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert "may have published this post" in refused["error_message"]
        assert "reconnect" in still["error_message"].lower()
        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 1
        assert len(await publisher.published()) == 1

    async def test_retrying_a_failed_post_whose_publish_was_sent_reconciles_its_container(
        self, publisher: Publisher
    ) -> None:
        await fault(publisher, action="drop_after", path="media_publish$")
        post_id = await image_post(publisher, "Failed by an older version")
        await run_due(publisher.app)
        async with unit_of_work(publisher.app.state.resources.session_factory) as session:
            row = await session.get_one(SocialPost, post_id)
            row.status, row.lease_until, row.next_attempt_at = PostStatus.FAILED, None, None
        failed = await publisher.post(post_id)
        publish_calls = await count_publish_calls(publisher)

        edited = await publisher.client.put(
            f"{API}{post_id}", json={"caption": "x"}, headers=publisher.headers
        )
        await publisher.publish(post_id)
        done = await until_done(publisher, post_id)

        assert edited.status_code == 409
        assert "may already be on Instagram" in edited.json()["detail"]
        assert done["status"] == "published", done["timeline"]
        assert done["container_id"] == failed["container_id"]
        assert await publish_calls() == 0
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]


async def story_post(publisher: Publisher) -> int:
    clip_id = await publisher.clip(jpeg(320, 568), "story.jpg")
    created = await publisher.create(media_type="STORIES", clip_id=clip_id)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    return int(created.json()["id"])


def posted_from_the_phone(publisher: Publisher, *, product: str, caption: str | None = None) -> Media:
    """An image the account posts outside Content Clipper, now (inside any recovery window)."""
    sandbox = sandbox_of(publisher.app)
    media = Media(
        id=sandbox.world.ids.media(),
        ig_user_id=publisher.account["platform_account_id"],
        media_type="IMAGE",
        media_product_type=product,
        timestamp=sandbox.clock.now(),
        shortcode=sandbox.world.ids.shortcode(),
        permalink="https://www.instagram.com/p/phone/",
        caption=caption,
    )
    sandbox.world.media[media.id] = media
    return media


async def check_later(publisher: Publisher, post_id: int) -> None:
    """Keep the post from being run until the test makes it due again."""
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        post = await session.get_one(SocialPost, post_id)
        post.next_attempt_at = utcnow() + timedelta(hours=1)


async def media_of_container(publisher: Publisher, container_id: str) -> str:
    published = await publisher.published()
    return str(next(item["media_id"] for item in published if item["container_id"] == container_id))


class TestNothingClaimedUnlessPublished:
    """A container that reads FINISHED or EXPIRED was never published: no media can be the post's."""

    async def test_a_story_whose_publish_never_landed_never_takes_a_story_posted_from_the_phone(
        self, publisher: Publisher
    ) -> None:
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action="drop_before", path="media_publish$")
        post_id = await story_post(publisher)
        await run_due(publisher.app)
        phone = posted_from_the_phone(publisher, product="STORY")

        waiting = await unconfirmed_after_check(publisher, post_id)
        await make_due(publisher, post_id, sent_seconds_ago=GRACE + 1)
        done = await until_done(publisher, post_id)

        assert waiting["platform_post_id"] is None
        assert "media_recovered" not in events(waiting)
        assert "has not confirmed this post yet" in waiting["error_message"]
        assert done["status"] == "published", done["timeline"]
        assert done["platform_post_id"] == await media_of_container(publisher, done["container_id"])
        assert done["platform_post_id"] != phone.id
        assert events(done).count("publish_resent") == 1
        assert await publish_calls() == 2

    async def test_a_story_whose_publish_never_landed_holds_back_its_sibling_until_confirmed(
        self, publisher: Publisher
    ) -> None:
        # Two unconfirmed stories could take each other's media (nothing tells them apart), so the
        # sibling is not even sent while the first is unconfirmed: it waits, then goes out on its own.
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action="drop_before", path="media_publish$")
        never_landed = await story_post(publisher)
        await run_due(publisher.app)
        await check_later(publisher, never_landed)
        await fault(publisher, action="drop_after", path="media_publish$")
        sibling = await story_post(publisher)
        await run_due(publisher.app)
        held = await publisher.post(sibling)
        calls_while_held = await publish_calls()

        waiting = await unconfirmed_after_check(publisher, never_landed)
        await make_due(publisher, never_landed, sent_seconds_ago=GRACE + 1)
        done = await until_done(publisher, never_landed)
        await make_due(publisher, sibling)
        sibling_done = await until_done(publisher, sibling)

        assert held["status"] == "publishing"
        assert "publish_held" in events(held)
        assert held["platform_post_id"] is None
        assert calls_while_held == 1
        assert waiting["platform_post_id"] is None
        assert "media_recovered" not in events(waiting)
        assert done["status"] == "published", done["timeline"]
        assert done["platform_post_id"] == await media_of_container(publisher, done["container_id"])
        assert sibling_done["status"] == "published", sibling_done["timeline"]
        assert sibling_done["platform_post_id"] == await media_of_container(
            publisher, sibling_done["container_id"]
        )
        # The re-sent publish of the first lost its answer too (the second fault): recovered, while no
        # look-alike of ours was out there to be mistaken for it.
        assert "media_recovered" in events(done)
        assert done["platform_post_id"] != sibling_done["platform_post_id"]
        assert await publish_calls() == 3
        assert len(await publisher.published()) == 2

    async def test_an_expired_container_is_recreated_without_taking_a_matching_media(
        self, publisher: Publisher
    ) -> None:
        await fault(publisher, action="drop_before", path="media_publish$")
        post_id = await image_post(publisher, "Expired before it landed")
        await run_due(publisher.app)
        first = await publisher.post(post_id)
        phone = posted_from_the_phone(publisher, product="FEED", caption="Expired before it landed")
        await publisher.admin("POST", "clock/advance", {"seconds": 25 * 3600})

        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert first["status"] == "unconfirmed"
        assert done["status"] == "published", done["timeline"]
        assert "media_recovered" not in events(done)
        assert "container_expired" in events(done)
        assert done["container_id"] != first["container_id"]
        assert done["platform_post_id"] == await media_of_container(publisher, done["container_id"])
        assert done["platform_post_id"] != phone.id


class TestRefusedPublish:
    async def test_a_publish_refused_for_its_media_fails_the_post_with_the_reason(
        self, publisher: Publisher
    ) -> None:
        publish_calls = await count_publish_calls(publisher)
        await fault(
            publisher, action="error", path="media_publish$", code=36003, message="Aspect ratio not supported"
        )
        post_id = await image_post(publisher, "Refused")

        await run_due(publisher.app)
        failed = await publisher.post(post_id)
        edited = await edit_caption(publisher, post_id)
        await publisher.publish(post_id)
        done = await until_done(publisher, post_id)

        assert failed["status"] == "failed", failed["timeline"]
        assert failed["error_message"] == (
            "The image aspect ratio is not supported: use between 4:5 and 1.91:1."
        )
        assert "unconfirmed" not in events(failed)
        assert "publish_unconfirmed" not in events(failed)
        assert edited.status_code == 200, edited.text
        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 2
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]

    @pytest.mark.parametrize(
        ("status", "error", "refused"),
        [
            (400, {"code": 36003, "message": "Aspect ratio"}, True),
            (400, {"code": 100, "message": "Invalid parameter"}, True),
            (400, {"code": 100, "error_subcode": 33, "message": "Object does not exist"}, True),
            (400, {"code": 100, "message": "The media container 1 has already been published"}, False),
            (400, {"code": 2, "message": "Unexpected error", "is_transient": True}, False),
            (500, {"code": 1, "message": "Unknown error"}, False),
        ],
        ids=["media", "invalid-parameter", "missing-container", "already-published", "transient", "5xx"],
    )
    def test_which_answers_prove_meta_refused_the_publish(
        self, status: int, error: dict[str, Any], refused: bool
    ) -> None:
        assert refused_publish(error_from_response(status, {"error": error})) is refused
